-- Database permissions in the example: the `users` query (every user, with e-mail addresses)
-- requires the permission read:users (requiresPermission in schema.ts), which the role staff
-- holds. Nobody is staff at first; grant it while the server runs, and the caller's next
-- request is allowed with the token it already has:
--
--   npx fraiseql-ts rbac grant --dir examples/blog --user 11111111-1111-1111-1111-111111111111 --role staff
--
-- Written to coexist with other seed files: anything that already exists is kept.

INSERT INTO fraiseql_auth.permissions (name, description) VALUES
  ('read:users', 'List every user of the blog, with e-mail addresses')
ON CONFLICT (name) DO NOTHING;

INSERT INTO fraiseql_auth.roles (name, description) VALUES
  ('staff', 'Blog staff: may list every user')
ON CONFLICT (name) DO NOTHING;

INSERT INTO fraiseql_auth.role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM fraiseql_auth.roles r, fraiseql_auth.permissions p
WHERE r.name = 'staff' AND p.name = 'read:users'
ON CONFLICT DO NOTHING;
