-- Read views: an `id` column plus one JSONB `data` column with snake_case keys.
-- security_invoker makes the tables' row-level security apply to the caller's role.
CREATE VIEW v_user WITH (security_invoker = true) AS
SELECT u.id,
       jsonb_build_object('id', u.id, 'email', u.email, 'name', u.name, 'created_at', u.created_at) AS data
FROM tb_user u;

CREATE VIEW v_post WITH (security_invoker = true) AS
SELECT p.id,
       p.author_id,
       p.published,
       p.created_at,
       jsonb_build_object(
         'id', p.id,
         'title', p.title,
         'body', p.body,
         'published', p.published,
         'created_at', p.created_at,
         'author', jsonb_build_object('id', u.id, 'name', u.name),
         'comments', COALESCE((
           SELECT jsonb_agg(
                    jsonb_build_object('id', c.id, 'body', c.body, 'created_at', c.created_at,
                                       'author', jsonb_build_object('id', cu.id, 'name', cu.name))
                    ORDER BY c.created_at)
           FROM tb_comment c JOIN tb_user cu ON cu.id = c.author_id
           WHERE c.post_id = p.id), '[]'::jsonb)
       ) AS data
FROM tb_post p JOIN tb_user u ON u.id = p.author_id;

-- Published posts only: what public_posts serves, with or without a token.
CREATE VIEW v_public_post WITH (security_invoker = true) AS
SELECT id, created_at, data FROM v_post WHERE published;

-- The caller's own posts: the `user_id` column receives user_posts' injected `sub`, so the
-- query filters on it as well as on row-level security.
CREATE VIEW v_user_post WITH (security_invoker = true) AS
SELECT id, author_id AS user_id, created_at, data FROM v_post;

GRANT SELECT ON v_public_post TO fraiseql_anon, fraiseql_authenticated;
GRANT SELECT ON v_post TO fraiseql_anon;  -- read through v_public_post; RLS shows anon published rows only
GRANT SELECT ON v_post, v_user_post, v_user TO fraiseql_authenticated;
