-- fraiseql-ts built-in migration 008: API keys end with their owner's other credentials.
--
-- A key acts as its owner, so what ends the owner's tokens ends the owner's keys too:
-- - a revoke-all (a revoked_users row, written by revoke_subject: POST /auth/revoke-all,
--   `token revoke --all-for`, a password set through the server or CLI, disabling or deleting
--   the user) revokes every key of that subject created at or before its revoked_before;
-- - a new password hash, however it is written (also plain SQL), revokes the user's keys.
-- The keys are revoked, not compared with revoked_before at each use: a revoked_users row is
-- deleted once no token it refuses can still be valid, while a key may live for years.
-- Revoking a key fires the api_keys_changed trigger of migration 005, which notifies every
-- server's key cache. Keys of a disabled user are also refused by the server while the user
-- stays disabled (keys created after the disabling included): a change of users.disabled or
-- users.subject notifies the cached prefixes of the user's keys.
--
-- Keys already older than a recorded revoke-all are revoked here too.

CREATE FUNCTION fraiseql_auth.revoke_owner_api_keys(p_owner text, p_before timestamptz)
RETURNS integer
LANGUAGE sql AS $$
  WITH revoked AS (
    UPDATE fraiseql_auth.api_keys SET revoked = true, revoked_at = now()
     WHERE owner = p_owner AND NOT revoked AND created_at <= p_before
    RETURNING 1
  )
  SELECT count(*)::integer FROM revoked;
$$;
REVOKE ALL ON FUNCTION fraiseql_auth.revoke_owner_api_keys(text, timestamptz) FROM PUBLIC;

CREATE FUNCTION fraiseql_auth.revoke_api_keys_of_revoked_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fraiseql_auth.revoke_owner_api_keys(NEW.subject, NEW.revoked_before);
  RETURN NULL;
END;
$$;
CREATE TRIGGER revoked_users_api_keys
  AFTER INSERT OR UPDATE ON fraiseql_auth.revoked_users
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.revoke_api_keys_of_revoked_user();

CREATE FUNCTION fraiseql_auth.revoke_api_keys_on_password_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fraiseql_auth.revoke_owner_api_keys(NEW.subject, now());
  RETURN NULL;
END;
$$;
CREATE TRIGGER users_password_api_keys
  AFTER UPDATE OF password_hash ON fraiseql_auth.users
  FOR EACH ROW WHEN (NEW.password_hash IS DISTINCT FROM OLD.password_hash)
  EXECUTE FUNCTION fraiseql_auth.revoke_api_keys_on_password_change();

-- The key cache holds whether each key's owner is disabled: drop the owner's entries.
CREATE FUNCTION fraiseql_auth.notify_api_key_owner_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  key_prefix text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    FOR key_prefix IN SELECT prefix FROM fraiseql_auth.api_keys WHERE owner = OLD.subject LOOP
      PERFORM pg_notify('fraiseql_api_keys', key_prefix);
    END LOOP;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    FOR key_prefix IN SELECT prefix FROM fraiseql_auth.api_keys WHERE owner = NEW.subject LOOP
      PERFORM pg_notify('fraiseql_api_keys', key_prefix);
    END LOOP;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER users_api_key_owner_changed
  AFTER INSERT OR DELETE OR UPDATE OF disabled, subject ON fraiseql_auth.users
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.notify_api_key_owner_changed();
CREATE TRIGGER users_truncated_api_keys AFTER TRUNCATE ON fraiseql_auth.users
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_api_keys_truncated();

UPDATE fraiseql_auth.api_keys k SET revoked = true, revoked_at = now()
  FROM fraiseql_auth.revoked_users r
 WHERE r.subject = k.owner AND NOT k.revoked AND k.created_at <= r.revoked_before;
