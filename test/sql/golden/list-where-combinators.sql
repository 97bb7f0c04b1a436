SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('id', t."data"->>'id', 'title', t."data"->>'title') END)::text AS "json"
FROM (
  SELECT "data", "id" AS "sort_1"
  FROM "public"."v_post"
  WHERE (("data"->>'published')::boolean = $1::boolean AND (("data"->>'views')::bigint >= $2::bigint OR ("data"->'author'->>'name' = $3 AND ("data"->'author'->>'age')::bigint < $4::bigint)) AND NOT ("created_at" < $5::timestamptz) AND ("data"->>'rating')::numeric > $6::numeric)
  ORDER BY "sort_1" ASC
  LIMIT $7::bigint OFFSET $8::bigint
) AS t
ORDER BY t."sort_1" ASC
-- $1 = "true"
-- $2 = "100"
-- $3 = "Alice"
-- $4 = "40"
-- $5 = "2024-01-01T00:00:00Z"
-- $6 = "2.5"
-- $7 = "20"
-- $8 = "40"
