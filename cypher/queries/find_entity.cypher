// Find an entity by part of its name.
// Entities whose name, normalised name or an alias contains the text, most mentioned first.
// (On Neo4j the full-text index `entity_names` also answers fuzzy Arabic searches.)
// @param text string = ""  -- part of a name, e.g. حفتر
// @param limit int = 25  -- rows to return
MATCH (n:Entity)
WHERE n.name CONTAINS $text OR n.name_normalized CONTAINS $text
   OR any(a IN n.aliases WHERE a CONTAINS $text)
RETURN n.name AS name, n.id AS id, n.type AS type, n.aliases AS aliases,
       n.mentions AS mentions, n.documents AS documents
ORDER BY mentions DESC, id
LIMIT $limit
