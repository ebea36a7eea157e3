// What is in the database.
// Number of entities per type, documents, and relationships per type.
MATCH (n:Entity)
RETURN 'entity' AS kind, n.type AS name, count(*) AS count
UNION ALL
MATCH (d:Document)
RETURN 'document' AS kind, 'Document' AS name, count(*) AS count
UNION ALL
MATCH (:Entity)-[r]->()
RETURN 'relationship' AS kind, type(r) AS name, count(*) AS count
