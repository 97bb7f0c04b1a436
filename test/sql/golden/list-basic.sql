SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('id', t."data"->>'id', 'title', t."data"->>'title') END)::text AS "json"
FROM (
  SELECT "data", "id" AS "sort_1"
  FROM "public"."v_post"
  ORDER BY "sort_1" ASC
  LIMIT $1::bigint OFFSET $2::bigint
) AS t
ORDER BY t."sort_1" ASC
-- $1 = "20"
-- $2 = "0"
