-- Write functions. They run as the caller's role, so row-level security checks every write.

-- create_post: returns FraiseQL's mutation_response row.
CREATE FUNCTION fn_create_post(title text, body text, published boolean, user_id uuid)
RETURNS SETOF fraiseql.mutation_response
LANGUAGE plpgsql AS $$
DECLARE
  new_id uuid;
BEGIN
  IF length(trim(title)) = 0 THEN
    RETURN QUERY SELECT * FROM fraiseql.mutation_err('validation', 'A post needs a title.');
    RETURN;
  END IF;
  INSERT INTO tb_post (author_id, title, body, published)
  VALUES (user_id, title, body, COALESCE(published, false))
  RETURNING id INTO new_id;
  RETURN QUERY SELECT * FROM fraiseql.mutation_ok(
    (SELECT data FROM v_post WHERE id = new_id), new_id, 'Post');
END;
$$;

-- publish_post: returns the post as plain JSONB. Only the author may publish: the function
-- checks the injected user_id, and row-level security on UPDATE checks it again.
CREATE FUNCTION fn_publish_post(id uuid, user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  post_id uuid := id;
  caller uuid := user_id;
BEGIN
  UPDATE tb_post SET published = true WHERE tb_post.id = post_id AND tb_post.author_id = caller;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Post not found' USING ERRCODE = 'P0001', HINT = 'NOT_FOUND';
  END IF;
  RETURN (SELECT data FROM v_post WHERE v_post.id = post_id);
END;
$$;

GRANT EXECUTE ON FUNCTION fn_create_post(text, text, boolean, uuid) TO fraiseql_authenticated;
GRANT EXECUTE ON FUNCTION fn_publish_post(uuid, uuid) TO fraiseql_authenticated;
REVOKE EXECUTE ON FUNCTION fn_create_post(text, text, boolean, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION fn_publish_post(uuid, uuid) FROM PUBLIC;
