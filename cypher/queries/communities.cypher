// Communities and their members.
// Louvain communities of the entity graph (numbered by size, 0 = largest) with their size
// and best-connected members.
// @param min_size int = 2  -- smallest community to list
// @param members int = 10  -- members shown per community (best connected first)
// @param limit int = 30  -- communities to return
MATCH (n:Entity)
WHERE n.community IS NOT NULL
WITH n ORDER BY n.weighted_degree DESC, n.id
WITH n.community AS community, collect(n) AS nodes
WITH community, size(nodes) AS size, nodes
WHERE size >= $min_size
RETURN community, size, [x IN nodes | x.name][0..$members] AS members,
       [x IN nodes | x.id][0..$members] AS member_ids
ORDER BY size DESC, community
LIMIT $limit
