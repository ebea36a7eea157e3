// Shortest chain of stated relations between two actors.
// The shortest chain (at most 6 hops) of stated relations only (LEADS, FIGHTS, BASED_IN ...,
// no co-occurrence) linking two entities, ignoring direction.
// @param source string = ""  -- first actor: id, name or alias
// @param target string = ""  -- second actor: id, name or alias
MATCH (a:Entity) WHERE a.id = $source OR a.name = $source OR $source IN a.aliases
MATCH (b:Entity) WHERE b.id = $target OR b.name = $target OR $target IN b.aliases
WITH a, b WHERE a <> b
MATCH p = shortestPath((a)-[:LEADS|MEMBER_OF|AFFILIATED_WITH|BASED_IN|LOCATED_IN|ALLIED_WITH|FIGHTS|SPOKESPERSON_OF*..6]-(b))
RETURN a.name AS source, b.name AS target, length(p) AS hops,
       [n IN nodes(p) | n.name] AS path, [r IN relationships(p) | type(r)] AS relations
