/**
 * Tables, views and functions for the SQL layer's database tests. Runs on PostgreSQL 15 and on
 * PGlite (PostgreSQL 18). Posts carry a nested author, a comments array (with a null element),
 * missing and null keys, and native `created_at`/`slug` columns next to `data`.
 */
export const FIXTURE_SQL = `
CREATE TABLE tb_post (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  slug varchar(80),
  data jsonb NOT NULL
);

CREATE VIEW v_post AS SELECT id, created_at, slug, data FROM tb_post;
CREATE VIEW v_post_document AS SELECT id, data FROM tb_post;
CREATE VIEW v_my_post AS SELECT id, created_at, slug, data FROM tb_post
  WHERE data->'author'->>'id' = nullif(current_setting('app.user_id', true), '');
GRANT SELECT ON v_post, v_my_post TO fraiseql_authenticated;

INSERT INTO tb_post (id, created_at, slug, data) VALUES
('00000000-0000-0000-0000-000000000001', '2024-01-01T10:00:00Z', 'first',
 '{"id":"00000000-0000-0000-0000-000000000001","title":"First post","slug":"first","views":10,"rating":4.5,
   "price":"10.50","published":true,"created_at":"2024-01-01T10:00:00Z","published_on":"2024-01-01",
   "publish_at":"09:30:00","status":"PUBLISHED","tags":["a","b"],"metadata":{"lang":"en"},
   "author":{"id":"u1","name":"Alice","email":"alice@example.com","age":31},
   "comments":[{"id":"c1","body":"Nice","author":{"id":"u2","name":"Bob"}},null,{"id":"c2","body":"Thanks"}]}'),
('00000000-0000-0000-0000-000000000002', '2024-02-01T10:00:00Z', 'second',
 '{"id":"00000000-0000-0000-0000-000000000002","title":"Second post","slug":"second","views":200,"rating":3,
   "price":"2.25","published":false,"created_at":"2024-02-01T10:00:00Z","published_on":"2024-02-01",
   "publish_at":"18:00:00","status":"DRAFT","tags":[],"metadata":{"lang":"fr"},
   "author":{"id":"u2","name":"Bob","email":null,"age":25},"comments":[]}'),
('00000000-0000-0000-0000-000000000003', '2024-03-01T10:00:00Z', NULL,
 '{"id":"00000000-0000-0000-0000-000000000003","title":"100% off_sale","views":10,
   "published":true,"created_at":"2024-03-01T10:00:00Z","status":"PUBLISHED",
   "author":null,"comments":null}'),
('00000000-0000-0000-0000-000000000004', '2024-03-01T10:00:00Z', 'fourth',
 '{"id":"00000000-0000-0000-0000-000000000004","title":"It''s a \\\\ backslash","slug":"fourth","views":null,
   "created_at":"2024-03-01T10:00:00Z","status":"DRAFT",
   "author":{"id":"u1","name":"Alice","age":31}}'),
('00000000-0000-0000-0000-000000000005', '2023-12-24T10:00:00Z', 'fifth',
 '{"id":"00000000-0000-0000-0000-000000000005","title":"Zebra","slug":"fifth","views":9,"rating":5,
   "published":false,"created_at":"2023-12-24T10:00:00Z","status":"PUBLISHED",
   "author":{"id":"u3","name":"Carol","age":44},
   "comments":[{"id":"c3","body":"First!","author":null}]}');

CREATE TYPE mutation_response AS (
  succeeded boolean, state_changed boolean, error_class text, status_detail text,
  http_status smallint, message text, entity_id uuid, entity_type text, entity jsonb,
  updated_fields text[], cascade jsonb, error_detail jsonb, metadata jsonb
);

CREATE FUNCTION fn_rename_post(p_id uuid, p_input jsonb) RETURNS mutation_response
LANGUAGE plpgsql AS $fn$
DECLARE
  result mutation_response;
BEGIN
  UPDATE tb_post SET data = jsonb_set(data, '{title}', p_input->'title') WHERE id = p_id;
  IF NOT FOUND THEN
    result.succeeded := false;
    result.state_changed := false;
    result.error_class := 'not_found';
    result.http_status := 404;
    result.message := 'No post ' || p_id;
    result.error_detail := jsonb_build_object('id', p_id);
    RETURN result;
  END IF;
  result.succeeded := true;
  result.state_changed := true;
  result.http_status := 200;
  result.entity_id := p_id;
  result.entity_type := 'Post';
  result.entity := (SELECT data FROM v_post WHERE id = p_id);
  RETURN result;
END
$fn$;

CREATE FUNCTION fn_echo(jsonb, text) RETURNS jsonb
LANGUAGE sql AS $fn$ SELECT $1 || jsonb_build_object('echoed_by', $2) $fn$;

CREATE FUNCTION fn_echo_json(p_doc json) RETURNS json
LANGUAGE sql AS $fn$ SELECT p_doc $fn$;
`;
