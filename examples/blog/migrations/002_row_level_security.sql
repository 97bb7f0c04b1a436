-- Row-level security: everybody sees published posts; an author also sees their own drafts.
-- The caller's id arrives as the transaction-local setting app.user_id, set by fraiseql-ts from
-- the token's `sub` claim (inject: { user_id: 'jwt:sub' }). On a pooled connection an ended
-- setting reads back as '', so nullif() turns "no caller" into NULL, which matches nothing.
ALTER TABLE tb_post ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_post FORCE ROW LEVEL SECURITY;

CREATE POLICY post_read ON tb_post FOR SELECT
  USING (published OR author_id = nullif(current_setting('app.user_id', true), '')::uuid);

CREATE POLICY post_insert ON tb_post FOR INSERT
  WITH CHECK (author_id = nullif(current_setting('app.user_id', true), '')::uuid);

CREATE POLICY post_update ON tb_post FOR UPDATE
  USING (author_id = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK (author_id = nullif(current_setting('app.user_id', true), '')::uuid);

-- Comments on a post are visible exactly when the post is.
ALTER TABLE tb_comment ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_comment FORCE ROW LEVEL SECURITY;
CREATE POLICY comment_read ON tb_comment FOR SELECT
  USING (EXISTS (SELECT 1 FROM tb_post p WHERE p.id = tb_comment.post_id));

-- The request roles fraiseql-ts switches to (created by fraiseql-ts's own first migration).
GRANT SELECT ON tb_user, tb_post, tb_comment TO fraiseql_anon, fraiseql_authenticated;
GRANT INSERT, UPDATE ON tb_post TO fraiseql_authenticated;
