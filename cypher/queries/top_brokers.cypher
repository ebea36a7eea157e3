// Top brokers by betweenness.
// Entities that sit on many shortest paths between others (betweenness centrality computed
// with networkx at build or load time; strong ties count as short), with degree and community.
// @param type string = ""  -- entity type to keep, e.g. ARMED_GROUP or COMMANDER ("" = all)
// @param limit int = 20  -- rows to return
MATCH (n:Entity)
WHERE ($type = '' OR n.type = $type) AND n.betweenness > 0
RETURN n.name AS name, n.id AS id, n.type AS type, n.betweenness AS betweenness,
       n.degree AS degree, n.weighted_degree AS weighted_degree, n.community AS community
ORDER BY betweenness DESC, id
LIMIT $limit
