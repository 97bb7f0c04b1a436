SELECT (CASE WHEN jsonb_typeof(r."value") = 'object' THEN json_build_object('__typename', 'Post'::text, 'title', r."value"->>'title', 'echoedBy', r."value"->>'echoed_by') END)::text AS "json"
FROM "fn_echo"($1::jsonb, $2) AS r("value")
-- $1 = "{\"title\":\"Hello\"}"
-- $2 = "u1"
