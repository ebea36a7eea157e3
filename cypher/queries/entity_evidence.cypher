// An entity's evidence sentences and source documents.
// The sentences that state each of its relations (kind "sentence"), then every document that
// mentions it with the number of mentions and the sentence numbers (kind "document").
// @param actor string = ""  -- the entity's id, name or one of its aliases
MATCH (e:Entity) WHERE e.id = $actor OR e.name = $actor OR $actor IN e.aliases
MATCH (e)-[r]-(o:Entity) WHERE type(r) <> 'CO_OCCURS_WITH'
UNWIND r.evidence AS sentence
RETURN e.name AS entity, 'sentence' AS kind, type(r) AS relation, o.name AS other,
       sentence AS text, r.doc_ids AS documents, r.first_seen AS date
UNION ALL
MATCH (e:Entity) WHERE e.id = $actor OR e.name = $actor OR $actor IN e.aliases
MATCH (e)-[m:MENTIONED_IN]->(d:Document)
RETURN e.name AS entity, 'document' AS kind, 'MENTIONED_IN' AS relation,
       coalesce(d.title, '') AS other,
       toString(m.count) + ' mention(s), sentences ' + reduce(s = '', i IN m.sentences | s + CASE WHEN s = '' THEN '' ELSE ',' END + toString(i)) + ' — ' + coalesce(d.url, d.source, '') AS text,
       [d.id] AS documents, d.date AS date
