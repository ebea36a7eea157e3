// A militia's allies, enemies and bases.
// One row per ally (ALLIED_WITH, either direction), enemy (FIGHTS, either direction) and base
// (BASED_IN, outgoing) of an armed group, with how often the relation is stated.
// @param actor string = ""  -- the group's id, name or one of its aliases ("" = every armed group)
MATCH (g:Entity)
WHERE ($actor = '' AND g:ArmedGroup) OR g.id = $actor OR g.name = $actor OR $actor IN g.aliases
MATCH (g)-[r:ALLIED_WITH|FIGHTS]-(other:Entity)
RETURN g.name AS actor, g.id AS actor_id,
       CASE type(r) WHEN 'ALLIED_WITH' THEN 'ally' ELSE 'enemy' END AS role,
       other.name AS other, other.id AS other_id, other.type AS other_type,
       r.count AS count, r.documents AS documents, r.evidence[0] AS example
UNION
MATCH (g:Entity)
WHERE ($actor = '' AND g:ArmedGroup) OR g.id = $actor OR g.name = $actor OR $actor IN g.aliases
MATCH (g)-[r:BASED_IN]->(other:Entity)
RETURN g.name AS actor, g.id AS actor_id, 'base' AS role,
       other.name AS other, other.id AS other_id, other.type AS other_type,
       r.count AS count, r.documents AS documents, r.evidence[0] AS example
