// Who leads what: every stated LEADS relation, the most often stated first.
// The leader, what it leads, how many sentences and documents state it, and one example sentence.
// @param name string = ""  -- keep rows whose leader or led entity name contains this text ("" = all)
// @param limit int = 50  -- rows to return
MATCH (leader:Entity)-[r:LEADS]->(led:Entity)
WHERE $name = '' OR leader.name CONTAINS $name OR led.name CONTAINS $name
RETURN leader.name AS leader, leader.id AS leader_id, led.name AS leads, led.id AS leads_id,
       led.type AS leads_type, r.count AS count, r.documents AS documents, r.evidence[0] AS example
ORDER BY count DESC, documents DESC, leader_id, leads_id
LIMIT $limit
