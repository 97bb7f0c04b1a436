SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('id', t."data"->>'id', 'title', t."data"->>'title') END)::text AS "json"
FROM (
  SELECT "data", "id" AS "sort_1"
  FROM "public"."v_post"
  WHERE ("data"->>'title' LIKE $1 AND "data"->>'title' ILIKE $2 AND "data"->>'title' LIKE $3 AND "data"->>'title' LIKE $4 AND "data"->>'title' LIKE $5 AND "data"->>'title' ILIKE $6 AND "data"->>'title' <> $7 AND "data"->>'status' IN (SELECT jsonb_array_elements_text($8::jsonb)) AND "data"->>'status' NOT IN (SELECT jsonb_array_elements_text($9::jsonb)) AND "data"->>'body' IS NULL AND "slug" IS NOT NULL AND "slug" IN (SELECT jsonb_array_elements_text($10::jsonb)) AND "data"->'metadata' = $11::jsonb AND ("data"->>'published_on')::date >= $12::date AND ("data"->>'publish_at')::time < $13::time AND ("data"->>'price')::numeric IN (SELECT jsonb_array_elements_text($14::jsonb)::numeric))
  ORDER BY "sort_1" ASC
  LIMIT $15::bigint OFFSET $16::bigint
) AS t
ORDER BY t."sort_1" ASC
-- $1 = "%50\\%\\_off%"
-- $2 = "%post%"
-- $3 = "F%"
-- $4 = "%\\\\"
-- $5 = "F%t"
-- $6 = "%POST"
-- $7 = "x"
-- $8 = "[\"DRAFT\",\"PUBLISHED\"]"
-- $9 = "[\"ARCHIVED\"]"
-- $10 = "[\"first\"]"
-- $11 = "{\"lang\":\"en\"}"
-- $12 = "2024-01-01"
-- $13 = "12:00:00"
-- $14 = "[\"10.50\",\"2\"]"
-- $15 = "20"
-- $16 = "0"
