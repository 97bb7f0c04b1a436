-- Seed data: three users, each with a published post and a draft only they can see.
INSERT INTO tb_user (id, email, name, created_at) VALUES
  ('11111111-1111-1111-1111-111111111111', 'alice@example.com', 'Alice Johnson', '2026-01-01T09:00:00Z'),
  ('22222222-2222-2222-2222-222222222222', 'bob@example.com',   'Bob Smith',     '2026-01-02T09:00:00Z'),
  ('33333333-3333-3333-3333-333333333333', 'carol@example.com', 'Carol Diaz',    '2026-01-03T09:00:00Z');

INSERT INTO tb_post (id, author_id, title, body, published, created_at) VALUES
  ('a1000000-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111',
   'Hello from Alice', 'Alice''s first public post.', true, '2026-02-01T10:00:00Z'),
  ('a1000000-0000-0000-0000-000000000002', '11111111-1111-1111-1111-111111111111',
   'Alice''s private draft', 'Only Alice can read this.', false, '2026-02-02T10:00:00Z'),
  ('b2000000-0000-0000-0000-000000000001', '22222222-2222-2222-2222-222222222222',
   'Bob on databases', 'Views shape the JSON.', true, '2026-02-03T10:00:00Z'),
  ('b2000000-0000-0000-0000-000000000002', '22222222-2222-2222-2222-222222222222',
   'Bob''s private draft', 'Only Bob can read this.', false, '2026-02-04T10:00:00Z'),
  ('c3000000-0000-0000-0000-000000000001', '33333333-3333-3333-3333-333333333333',
   'Carol''s notes', 'Row-level security keeps drafts private.', true, '2026-02-05T10:00:00Z'),
  ('c3000000-0000-0000-0000-000000000002', '33333333-3333-3333-3333-333333333333',
   'Carol''s private draft', 'Only Carol can read this.', false, '2026-02-06T10:00:00Z');

INSERT INTO tb_comment (post_id, author_id, body, created_at) VALUES
  ('a1000000-0000-0000-0000-000000000001', '22222222-2222-2222-2222-222222222222', 'Welcome, Alice!', '2026-02-01T12:00:00Z'),
  ('a1000000-0000-0000-0000-000000000001', '33333333-3333-3333-3333-333333333333', 'Nice post.', '2026-02-01T13:00:00Z'),
  ('b2000000-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 'Agreed.', '2026-02-03T12:00:00Z');
