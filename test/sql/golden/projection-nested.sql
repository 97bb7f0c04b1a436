SELECT (CASE WHEN jsonb_typeof(t."data") = 'object' THEN json_build_object('__typename', 'Post'::text, 'id', t."data"->>'id', 'views', t."data"->'views', 'tags', t."data"->'tags', 'metadata', t."data"->'metadata', 'author', CASE WHEN jsonb_typeof(t."data"->'author') = 'object' THEN json_build_object('name', t."data"->'author'->>'name', 'age', t."data"->'author'->'age') END, 'comments', CASE WHEN jsonb_typeof(t."data"->'comments') = 'array' THEN (SELECT coalesce(json_agg(CASE WHEN jsonb_typeof(l2.elem) = 'object' THEN json_build_object('__typename', 'Comment'::text, 'body', l2.elem->>'body', 'author', CASE WHEN jsonb_typeof(l2.elem->'author') = 'object' THEN json_build_object('name', l2.elem->'author'->>'name') END) END ORDER BY l2.ord), '[]'::json) FROM jsonb_array_elements(t."data"->'comments') WITH ORDINALITY AS l2(elem, ord)) END, 'secretNote', NULL::json) END)::text AS "json"
FROM (
  SELECT "data", "id" AS "sort_1"
  FROM "public"."v_post"
  ORDER BY "sort_1" ASC
  LIMIT $1::bigint OFFSET $2::bigint
) AS t
ORDER BY t."sort_1" ASC
-- $1 = "20"
-- $2 = "0"
