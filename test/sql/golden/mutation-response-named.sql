SELECT r."succeeded", r."state_changed", r."error_class"::text AS "error_class", r."status_detail"::text AS "status_detail", r."http_status"::integer AS "http_status", r."message"::text AS "message", r."entity_type"::text AS "entity_type", r."error_detail"::text AS "error_detail",
  (CASE WHEN jsonb_typeof(r."entity") = 'object' THEN json_build_object('id', r."entity"->>'id', 'title', r."entity"->>'title', 'author', CASE WHEN jsonb_typeof(r."entity"->'author') = 'object' THEN json_build_object('name', r."entity"->'author'->>'name') END) END)::text AS "entity"
FROM "app"."fn_rename_post"("p_id" => $1, "p_input" => $2::jsonb, "p_user_id" => $3) AS r
-- $1 = "00000000-0000-0000-0000-000000000001"
-- $2 = "{\"title\":\"It's new\"}"
-- $3 = "22222222-2222-2222-2222-222222222222"
