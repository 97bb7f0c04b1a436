-- Login accounts for the seeded users, so that POST /auth/login works out of the box.
--
-- DEVELOPMENT ONLY: alice, bob and carol share the password "fraiseql-demo-password" (the
-- hashes below are argon2id of it). Never apply this file to a database reachable by others;
-- change the passwords with `fraiseql-ts users set-password <username>` if you keep it.
--
-- Each user's `subject` is its tb_user id, the token's `sub`, which the example's views and
-- functions receive as app.user_id. What a login may ask for comes from these roles:
--   alice: author + admin  -> read:posts, write:posts, fraiseql:admin
--   bob:   author          -> read:posts, write:posts
--   carol: reader          -> read:posts
-- Written to coexist with other seed files: anything that already exists is kept.

INSERT INTO fraiseql_auth.permissions (name, description) VALUES
  ('read:posts', 'Read posts, drafts included for their author'),
  ('write:posts', 'Write and publish posts'),
  ('fraiseql:admin', 'Administer users and revoke anybody''s tokens')
ON CONFLICT (name) DO NOTHING;

INSERT INTO fraiseql_auth.roles (name, description) VALUES
  ('reader', 'Reads posts'),
  ('author', 'Reads and writes posts'),
  ('admin', 'Administers fraiseql-ts users and sessions')
ON CONFLICT (name) DO NOTHING;

INSERT INTO fraiseql_auth.role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM (VALUES ('reader', 'read:posts'),
             ('author', 'read:posts'), ('author', 'write:posts'),
             ('admin', 'fraiseql:admin')) AS grants (role, permission)
JOIN fraiseql_auth.roles r ON r.name = grants.role
JOIN fraiseql_auth.permissions p ON p.name = grants.permission
ON CONFLICT DO NOTHING;

INSERT INTO fraiseql_auth.users (subject, username, email) VALUES
  ('11111111-1111-1111-1111-111111111111', 'alice', 'alice@example.com'),
  ('22222222-2222-2222-2222-222222222222', 'bob', 'bob@example.com'),
  ('33333333-3333-3333-3333-333333333333', 'carol', 'carol@example.com')
ON CONFLICT DO NOTHING;

UPDATE fraiseql_auth.users u SET password_hash = seed.hash
FROM (VALUES
  ('11111111-1111-1111-1111-111111111111', '$argon2id$v=19$m=19456,t=2,p=1$R2L8/h7cjBo4Lhx11by+Qg$JoQ6I/jHzf2XtfqQCgBo6tVH17JLVpDXZbQmVBZi+AQ'),
  ('22222222-2222-2222-2222-222222222222', '$argon2id$v=19$m=19456,t=2,p=1$X4oc1+wf6JC0SR2FUhOPOg$PlmdzlgxLahipMg59CyUmANv/PN43Yke1H6z1eZbR+4'),
  ('33333333-3333-3333-3333-333333333333', '$argon2id$v=19$m=19456,t=2,p=1$eF5KDmrB17iEUjRa3iPaXg$ugnATprbyh+NFQ1yG0Fuh4Zjoedz4weoZTGDM309dLs')
) AS seed (subject, hash)
WHERE u.subject = seed.subject AND u.password_hash IS NULL;

INSERT INTO fraiseql_auth.user_roles (user_id, role_id)
SELECT u.id, r.id
FROM (VALUES ('alice', 'author'), ('alice', 'admin'), ('bob', 'author'), ('carol', 'reader'))
  AS grants (username, role)
JOIN fraiseql_auth.users u ON u.username = grants.username
JOIN fraiseql_auth.roles r ON r.name = grants.role
ON CONFLICT DO NOTHING;
