SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('id', t."data"->>'id', 'title', t."data"->>'title') END)::text AS "json"
FROM (
  SELECT "data"
  FROM "public"."v_post"
  WHERE "id" = $1
    AND "data"->>'tenant_id' = $2
  LIMIT 2
) AS t
-- $1 = "00000000-0000-0000-0000-000000000001"
-- $2 = "11111111-1111-1111-1111-111111111111"
