// Everyone linked to a town.
// Every entity with a stated relation to the place (either direction) and, optionally, every
// entity named in the same sentences; stated relations first, then by strength
// (sentences stating the relation, or sentences naming both).
// @param town string = ""  -- the place's id, name or one of its aliases
// @param include_cooccurrence bool = true  -- also list entities that only co-occur with the town
// @param limit int = 100  -- rows to return
MATCH (t:Place)
WHERE t.id = $town OR t.name = $town OR $town IN t.aliases
MATCH (t)-[r]-(x:Entity)
WHERE $include_cooccurrence OR type(r) <> 'CO_OCCURS_WITH'
RETURN t.name AS town, x.name AS entity, x.id AS entity_id, x.type AS entity_type,
       type(r) AS relation, CASE WHEN type(r) = 'CO_OCCURS_WITH' THEN 1 ELSE 0 END AS cooccurrence_only,
       coalesce(r.count, r.weight) AS strength, r.documents AS documents
ORDER BY cooccurrence_only, strength DESC, entity_id, relation
LIMIT $limit
