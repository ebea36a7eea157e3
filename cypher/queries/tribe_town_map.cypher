// Tribe–town map.
// Every tribe and the places it is linked to: the stated relations between them and the number
// of sentences naming both. Pairs with no stated relation need at least `min_cooccurrences`.
// @param min_cooccurrences int = 1  -- keep co-occurrence-only pairs named together in at least this many sentences
// @param limit int = 200  -- rows to return
MATCH (tr:Tribe)-[r]-(p:Place)
WITH tr, p, collect(r) AS rels
WITH tr, p, [x IN rels WHERE type(x) <> 'CO_OCCURS_WITH' | type(x)] AS relations,
     reduce(w = 0, x IN rels | w + CASE WHEN type(x) = 'CO_OCCURS_WITH' THEN x.weight ELSE 0 END) AS cooccurrences
WHERE size(relations) > 0 OR cooccurrences >= $min_cooccurrences
RETURN tr.name AS tribe, tr.id AS tribe_id, p.name AS place, p.id AS place_id,
       relations, size(relations) AS stated, cooccurrences
ORDER BY stated DESC, cooccurrences DESC, tribe_id, place_id
LIMIT $limit
