// Shortest path between two actors.
// The shortest chain (at most 6 hops) of stated relations and co-occurrences linking two
// entities, ignoring direction and never passing through documents. See shortest_stated_path
// for chains of stated relations only.
// @param source string = ""  -- first actor: id, name or alias
// @param target string = ""  -- second actor: id, name or alias
MATCH (a:Entity) WHERE a.id = $source OR a.name = $source OR $source IN a.aliases
MATCH (b:Entity) WHERE b.id = $target OR b.name = $target OR $target IN b.aliases
WITH a, b WHERE a <> b
MATCH p = shortestPath((a)-[:LEADS|MEMBER_OF|AFFILIATED_WITH|BASED_IN|LOCATED_IN|ALLIED_WITH|FIGHTS|SPOKESPERSON_OF|CO_OCCURS_WITH*..6]-(b))
RETURN a.name AS source, b.name AS target, length(p) AS hops,
       [n IN nodes(p) | n.name] AS path, [r IN relationships(p) | type(r)] AS relations
