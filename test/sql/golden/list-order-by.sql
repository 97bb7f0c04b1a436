SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('id', t."data"->>'id', 'title', t."data"->>'title') END)::text AS "json"
FROM (
  SELECT "data", "created_at" AS "sort_1", ("data"->>'views')::bigint AS "sort_2", "data"->>'title' AS "sort_3", "id" AS "sort_4"
  FROM "public"."v_post"
  ORDER BY "sort_1" DESC, "sort_2" ASC, "sort_3" ASC, "sort_4" ASC
  LIMIT $1::bigint OFFSET $2::bigint
) AS t
ORDER BY t."sort_1" DESC, t."sort_2" ASC, t."sort_3" ASC, t."sort_4" ASC
-- $1 = "5"
-- $2 = "10"
