// Strongest co-occurrences of an actor.
// The entities most often named in the same sentence as the actor (CO_OCCURS_WITH weight =
// such sentences; documents = articles with at least one). With actor "" the strongest pairs overall.
// @param actor string = ""  -- the actor's id, name or one of its aliases ("" = all pairs)
// @param limit int = 25  -- rows to return
MATCH (a:Entity)-[r:CO_OCCURS_WITH]-(b:Entity)
WHERE ($actor = '' AND a.id < b.id) OR a.id = $actor OR a.name = $actor OR $actor IN a.aliases
RETURN a.name AS actor, a.id AS actor_id, b.name AS partner, b.id AS partner_id, b.type AS partner_type,
       r.weight AS sentences, r.documents AS documents
ORDER BY sentences DESC, documents DESC, actor_id, partner_id
LIMIT $limit
