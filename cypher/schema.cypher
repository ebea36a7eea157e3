// conflictkg schema: what `conflictkg load` applies before writing (every statement is
// idempotent: IF NOT EXISTS). You can also paste it into Neo4j Browser.
//
// A line `// requires: FEATURE` marks the next statement as needing a server feature
// named in conflictkg.graph.dialect.Dialect; the loader skips it on servers without it.

// One node per entity id and per document id; MERGE on these ids is index-backed.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE;

// Exact look-ups by the name as written and by its normalised matching form
// (alef/hamza, ى/ي, ة/ه and diacritics folded), as the query pack does.
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
CREATE INDEX entity_name_normalized IF NOT EXISTS FOR (n:Entity) ON (n.name_normalized);
CREATE INDEX entity_type IF NOT EXISTS FOR (n:Entity) ON (n.type);
CREATE INDEX document_date IF NOT EXISTS FOR (d:Document) ON (d.date);

// Arabic full-text search over names and aliases (Lucene's Arabic analyzer), e.g.
//   CALL db.index.fulltext.queryNodes('entity_names', 'حفتر') YIELD node, score
//   RETURN node.name, labels(node), score ORDER BY score DESC LIMIT 10
// requires: fulltext_index_ddl
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
FOR (n:Entity) ON EACH [n.name, n.name_normalized, n.aliases]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'arabic'}};
