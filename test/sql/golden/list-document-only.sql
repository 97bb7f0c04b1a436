SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('id', t."data"->>'id', 'title', t."data"->>'title') END)::text AS "json"
FROM (
  SELECT "data", ("data"->>'created_at')::timestamptz AS "sort_1", "id" AS "sort_2"
  FROM "v_post_document"
  WHERE ("data"->>'views')::bigint = $1::bigint
    AND (("data"->>'created_at')::timestamptz >= $2::timestamptz AND "data"->>'slug' = $3)
  ORDER BY "sort_1" DESC, "sort_2" ASC
  LIMIT $4::bigint OFFSET $5::bigint
) AS t
ORDER BY t."sort_1" DESC, t."sort_2" ASC
-- $1 = "10"
-- $2 = "2024-01-01T00:00:00Z"
-- $3 = "first"
-- $4 = "20"
-- $5 = "0"
