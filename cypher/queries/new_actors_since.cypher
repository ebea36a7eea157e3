// New actors since a date.
// Entities first seen (date of the earliest dated document that mentions them) on or after
// `since`, newest first. Places and countries are left out unless asked for.
// @param since string = "1900-01-01"  -- ISO date (YYYY-MM-DD); dates compare as strings
// @param include_places bool = false  -- also list places and countries
// @param limit int = 100  -- rows to return
MATCH (n:Entity)
WHERE n.first_seen <> '' AND n.first_seen >= $since
  AND ($include_places OR NOT (n:Place OR n:Country))
RETURN n.name AS name, n.id AS id, n.type AS type, n.first_seen AS first_seen,
       n.last_seen AS last_seen, n.documents AS documents, n.mentions AS mentions
ORDER BY first_seen DESC, documents DESC, id
LIMIT $limit
