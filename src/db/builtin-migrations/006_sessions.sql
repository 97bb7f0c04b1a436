-- fraiseql-ts built-in migration 006: login sessions, refresh tokens and token revocation.
--
-- revoked_tokens has the spec page's shape (token_id, revoked_at, expires_at), so the page's
-- statements work as written with `SET search_path = fraiseql_auth, public`:
--   INSERT INTO revoked_tokens (token_id, expires_at) VALUES ('<jti>', NOW() + INTERVAL '1 hour');
-- revoked_users holds "revoke every token of this subject issued before revoked_before".
-- sessions is one login (a refresh token family); refresh_tokens holds only sha256 hashes.
--
-- Every change that can revoke a token sends a notification on channel fraiseql_revocation
-- when its transaction commits, so every server drops its cached answers at once, whether the
-- change came from the HTTP API, the CLI or plain SQL. Disabling or deleting a user revokes
-- all of their tokens the same way.
--
-- Request roles get no access (the schema's default): only the server's login role reads it.

CREATE TABLE fraiseql_auth.revoked_tokens (
  token_id   varchar(255) PRIMARY KEY,
  revoked_at timestamptz NOT NULL DEFAULT now(),
  -- When the token expires anyway; the row is useless after it and cleanup deletes it.
  expires_at timestamptz NOT NULL DEFAULT now() + interval '1 day',
  subject    text,
  reason     text
);
CREATE INDEX revoked_tokens_expires_idx ON fraiseql_auth.revoked_tokens (expires_at);

CREATE TABLE fraiseql_auth.revoked_users (
  subject        text PRIMARY KEY,
  -- Tokens of this subject issued at or before this instant are refused.
  revoked_before timestamptz NOT NULL DEFAULT now(),
  -- After this the row is deleted: it must outlive every token it refuses.
  expires_at     timestamptz NOT NULL DEFAULT now() + interval '1 day',
  reason         text
);
CREATE INDEX revoked_users_expires_idx ON fraiseql_auth.revoked_users (expires_at);

CREATE TABLE fraiseql_auth.sessions (
  family_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        bigint NOT NULL REFERENCES fraiseql_auth.users (id) ON DELETE CASCADE,
  -- Scopes granted at login; a refresh grants at most these (and at most the current ones).
  scopes         text[] NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  -- When its newest refresh token expires.
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user_idx ON fraiseql_auth.sessions (user_id);
CREATE INDEX sessions_expires_idx ON fraiseql_auth.sessions (expires_at);

CREATE TABLE fraiseql_auth.refresh_tokens (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  family_id  uuid NOT NULL REFERENCES fraiseql_auth.sessions (family_id) ON DELETE CASCADE,
  issued_at  timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- Set when exchanged: a second use is a replay and revokes the family.
  used_at    timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON fraiseql_auth.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_idx ON fraiseql_auth.refresh_tokens (expires_at);

CREATE FUNCTION fraiseql_auth.notify_revocation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fraiseql_revocation', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
CREATE TRIGGER revoked_tokens_notify
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fraiseql_auth.revoked_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_revocation();
CREATE TRIGGER revoked_users_notify
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fraiseql_auth.revoked_users
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_revocation();
CREATE TRIGGER sessions_notify
  AFTER UPDATE OF revoked_at OR DELETE OR TRUNCATE ON fraiseql_auth.sessions
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_revocation();

-- A revoke-all also revokes the subject's sessions that began before it, so their refresh
-- tokens stop working and their access tokens are refused by session.
CREATE FUNCTION fraiseql_auth.revoke_user_sessions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fraiseql_auth.sessions s
     SET revoked_at = now(), revoked_reason = COALESCE(NEW.reason, 'revoke-all')
    FROM fraiseql_auth.users u
   WHERE u.id = s.user_id AND u.subject = NEW.subject
     AND s.revoked_at IS NULL AND s.created_at <= NEW.revoked_before;
  RETURN NULL;
END;
$$;
CREATE TRIGGER revoked_users_sessions
  AFTER INSERT OR UPDATE ON fraiseql_auth.revoked_users
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.revoke_user_sessions();

-- Every token of a subject, issued until now: upserts its revoked_users row.
CREATE FUNCTION fraiseql_auth.revoke_subject(p_subject text, p_retention interval, p_reason text)
RETURNS timestamptz
LANGUAGE sql AS $$
  INSERT INTO fraiseql_auth.revoked_users AS r (subject, revoked_before, expires_at, reason)
  VALUES (p_subject, now(), now() + p_retention, p_reason)
  ON CONFLICT (subject) DO UPDATE
    SET revoked_before = EXCLUDED.revoked_before,
        expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at),
        reason = EXCLUDED.reason
  RETURNING revoked_before;
$$;

-- Disabling or deleting a user ends every token they hold.
CREATE FUNCTION fraiseql_auth.revoke_disabled_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fraiseql_auth.revoke_subject(
    OLD.subject, interval '1 day',
    CASE WHEN TG_OP = 'DELETE' THEN 'user deleted' ELSE 'user disabled' END);
  RETURN NULL;
END;
$$;
CREATE TRIGGER users_disabled_revoke
  AFTER UPDATE OF disabled ON fraiseql_auth.users
  FOR EACH ROW WHEN (NEW.disabled AND NOT OLD.disabled)
  EXECUTE FUNCTION fraiseql_auth.revoke_disabled_user();
CREATE TRIGGER users_deleted_revoke
  AFTER DELETE ON fraiseql_auth.users
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.revoke_disabled_user();

-- Exchanges a refresh token for a new one, in one transaction. Outcomes: ok, unknown,
-- expired, revoked (the session was revoked), reused (already exchanged: the session is
-- revoked now, since one of the two holders is not its owner), disabled (the user is, and
-- the session is revoked). Nothing is raised, so a revocation made here is kept.
CREATE FUNCTION fraiseql_auth.rotate_refresh_token(
  p_token_hash text, p_new_hash text, p_new_expires_at timestamptz)
RETURNS TABLE (outcome text, family_id uuid, user_id bigint, subject text, scopes text[])
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  t fraiseql_auth.refresh_tokens%ROWTYPE;
  s fraiseql_auth.sessions%ROWTYPE;
  u fraiseql_auth.users%ROWTYPE;
BEGIN
  SELECT * INTO t FROM fraiseql_auth.refresh_tokens WHERE token_hash = p_token_hash FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'unknown'::text, NULL::uuid, NULL::bigint, NULL::text, NULL::text[];
    RETURN;
  END IF;
  SELECT * INTO s FROM fraiseql_auth.sessions WHERE family_id = t.family_id FOR UPDATE;
  SELECT * INTO u FROM fraiseql_auth.users WHERE id = s.user_id;

  IF s.revoked_at IS NOT NULL THEN
    RETURN QUERY SELECT 'revoked'::text, s.family_id, u.id, u.subject, s.scopes;
    RETURN;
  END IF;
  IF t.used_at IS NOT NULL THEN
    UPDATE fraiseql_auth.sessions SET revoked_at = now(), revoked_reason = 'refresh token reused'
     WHERE family_id = s.family_id;
    RETURN QUERY SELECT 'reused'::text, s.family_id, u.id, u.subject, s.scopes;
    RETURN;
  END IF;
  IF t.expires_at <= now() THEN
    RETURN QUERY SELECT 'expired'::text, s.family_id, u.id, u.subject, s.scopes;
    RETURN;
  END IF;
  IF u.disabled THEN
    UPDATE fraiseql_auth.sessions SET revoked_at = now(), revoked_reason = 'user disabled'
     WHERE family_id = s.family_id;
    RETURN QUERY SELECT 'disabled'::text, s.family_id, u.id, u.subject, s.scopes;
    RETURN;
  END IF;

  UPDATE fraiseql_auth.refresh_tokens SET used_at = now() WHERE token_hash = p_token_hash;
  INSERT INTO fraiseql_auth.refresh_tokens (token_hash, family_id, expires_at)
  VALUES (p_new_hash, s.family_id, p_new_expires_at);
  UPDATE fraiseql_auth.sessions
     SET last_used_at = now(), expires_at = GREATEST(expires_at, p_new_expires_at)
   WHERE family_id = s.family_id;
  RETURN QUERY SELECT 'ok'::text, s.family_id, u.id, u.subject, s.scopes;
END;
$$;

-- Deletes rows that can no longer refuse or refresh anything; returns how many of each.
CREATE FUNCTION fraiseql_auth.cleanup_expired_sessions()
RETURNS TABLE (revoked_tokens bigint, revoked_users bigint, refresh_tokens bigint, sessions bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  n_tokens bigint;
  n_users bigint;
  n_refresh bigint;
  n_sessions bigint;
BEGIN
  DELETE FROM fraiseql_auth.revoked_tokens WHERE expires_at < now();
  GET DIAGNOSTICS n_tokens = ROW_COUNT;
  DELETE FROM fraiseql_auth.revoked_users WHERE expires_at < now();
  GET DIAGNOSTICS n_users = ROW_COUNT;
  DELETE FROM fraiseql_auth.refresh_tokens WHERE expires_at < now();
  GET DIAGNOSTICS n_refresh = ROW_COUNT;
  DELETE FROM fraiseql_auth.sessions WHERE expires_at < now();
  GET DIAGNOSTICS n_sessions = ROW_COUNT;
  RETURN QUERY SELECT n_tokens, n_users, n_refresh, n_sessions;
END;
$$;

REVOKE ALL ON FUNCTION fraiseql_auth.revoke_subject(text, interval, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fraiseql_auth.rotate_refresh_token(text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION fraiseql_auth.cleanup_expired_sessions() FROM PUBLIC;
