-- fraiseql-ts built-in migration 010: a key minted in flight cannot outlive a revoke-all.
--
-- A key is created after its creator was authenticated, and a revoke-all (migration 006's
-- revoked_users, whose migration 008 trigger revokes the owner's keys) may land in between. Both
-- now take one lock per subject, in the transaction that writes:
-- - every write of revoked_users (revoke_subject, the server's revoke-all, disabling or deleting
--   a user, plain SQL) and every password change takes it exclusively (a trigger below);
-- - creating and rotating a key (create_api_key, rotate_api_key) take it shared for the key's
--   owner and for its creator, then check, on a snapshot taken under the lock, that the creating
--   credential is not revoked (the same rules as the server's revocation check) and that the
--   owner is not a disabled user, and only then insert.
-- So either the revoke-all comes first, and the creation sees it and is refused, or the creation
-- comes first, and the revoke-all sees the key and revokes it. To make the second case hold, a
-- revoke-all "as of now" takes effect when it holds the lock: revoked_before written as now()
-- (the transaction's start, the column's default) becomes clock_timestamp() under the lock, so
-- it is later than every key committed before, and a key's created_at is the clock under the
-- lock too.
--
-- The lock is a transaction-level advisory lock with class 1179732033 ('FQLA') and the subject's
-- hashtext as key: two subjects sharing a hash only wait for each other.

CREATE FUNCTION fraiseql_auth.lock_subjects(p_subjects text[], p_shared boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  lock_key integer;
BEGIN
  -- In key order, so two transactions locking the same subjects cannot deadlock each other.
  FOR lock_key IN
    SELECT DISTINCT hashtext(s) FROM unnest(p_subjects) AS s WHERE s IS NOT NULL ORDER BY 1
  LOOP
    IF p_shared THEN
      PERFORM pg_advisory_xact_lock_shared(1179732033, lock_key);
    ELSE
      PERFORM pg_advisory_xact_lock(1179732033, lock_key);
    END IF;
  END LOOP;
END;
$$;

-- Every write of revoked_users waits for key creations of that subject in flight, and a
-- revoke-all as of now takes effect (and is kept for its retention) from the moment it holds
-- the lock. A revoked_before written explicitly (in the past or the future) is kept as written.
CREATE FUNCTION fraiseql_auth.serialize_revoke_all() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  held timestamptz;
BEGIN
  PERFORM fraiseql_auth.lock_subjects(ARRAY[NEW.subject], false);
  IF NEW.revoked_before = now()
     AND (TG_OP = 'INSERT' OR NEW.revoked_before IS DISTINCT FROM OLD.revoked_before) THEN
    held := clock_timestamp();
    NEW.expires_at := NEW.expires_at + (held - NEW.revoked_before);
    NEW.revoked_before := held;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER revoked_users_serialize
  BEFORE INSERT OR UPDATE ON fraiseql_auth.revoked_users
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.serialize_revoke_all();

-- The same function as in migration 006, taking the lock before it reads the clock.
CREATE OR REPLACE FUNCTION fraiseql_auth.revoke_subject(p_subject text, p_retention interval, p_reason text)
RETURNS timestamptz
LANGUAGE plpgsql AS $$
DECLARE
  cut_off timestamptz;
BEGIN
  PERFORM fraiseql_auth.lock_subjects(ARRAY[p_subject], false);
  INSERT INTO fraiseql_auth.revoked_users AS r (subject, revoked_before, expires_at, reason)
  VALUES (p_subject, clock_timestamp(), clock_timestamp() + p_retention, p_reason)
  ON CONFLICT (subject) DO UPDATE
    SET revoked_before = EXCLUDED.revoked_before,
        expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at),
        reason = EXCLUDED.reason
  RETURNING revoked_before INTO cut_off;
  RETURN cut_off;
END;
$$;

-- A new password revokes the keys that exist when it holds the lock (migration 008 used now(),
-- which a key committed while the UPDATE waited could be later than).
CREATE OR REPLACE FUNCTION fraiseql_auth.revoke_api_keys_on_password_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fraiseql_auth.lock_subjects(ARRAY[NEW.subject], false);
  PERFORM fraiseql_auth.revoke_owner_api_keys(NEW.subject, clock_timestamp());
  RETURN NULL;
END;
$$;

-- Whether the server's revocation check would refuse a token with these facts (see isRevoked in
-- src/sessions/cached-revocation-check.ts): its jti is revoked; or it names a session of this
-- server, which decides (revoked, or of another subject); or else a revoke-all of its subject
-- at or after its iat (a token without iat counts as issued before any revoke-all).
CREATE FUNCTION fraiseql_auth.credential_revoked(
  p_subject text, p_issued_at timestamptz, p_token_id text, p_session_id uuid)
RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM fraiseql_auth.revoked_tokens t
                  WHERE t.token_id = p_token_id AND t.expires_at > now())
      OR CASE
           WHEN EXISTS (SELECT 1 FROM fraiseql_auth.sessions s WHERE s.family_id = p_session_id) THEN
             EXISTS (SELECT 1 FROM fraiseql_auth.sessions s JOIN fraiseql_auth.users u ON u.id = s.user_id
                      WHERE s.family_id = p_session_id
                        AND (s.revoked_at IS NOT NULL OR u.subject <> p_subject))
           ELSE
             EXISTS (SELECT 1 FROM fraiseql_auth.revoked_users r
                      WHERE r.subject = p_subject
                        AND (p_issued_at IS NULL OR p_issued_at <= r.revoked_before))
         END;
$$;

-- Why a key of p_owner may not be written now, or NULL when it may: 'credential_revoked' (the
-- creator's credential, when one is given, is revoked) or 'owner_disabled'. Takes the lock
-- shared for the owner and the creator first, so each check reads a snapshot taken under it.
CREATE FUNCTION fraiseql_auth.key_write_refusal(
  p_owner text, p_creator text, p_issued_at timestamptz, p_token_id text, p_session_id uuid)
RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fraiseql_auth.lock_subjects(ARRAY[p_owner, p_creator], true);
  IF p_creator IS NOT NULL
     AND fraiseql_auth.credential_revoked(p_creator, p_issued_at, p_token_id, p_session_id) THEN
    RETURN 'credential_revoked';
  END IF;
  IF EXISTS (SELECT 1 FROM fraiseql_auth.users u WHERE u.subject = p_owner AND u.disabled) THEN
    RETURN 'owner_disabled';
  END IF;
  RETURN NULL;
END;
$$;

-- Creates a key, or says why not: 'created' with its id, 'credential_revoked' (the creator's
-- credential, when one is given, is revoked) or 'owner_disabled'. p_creator NULL means no
-- credential to check (the CLI working on the database itself).
CREATE FUNCTION fraiseql_auth.create_api_key(
  p_owner text, p_name text, p_prefix text, p_last4 text, p_key_hash text, p_scopes text[],
  p_expires_at timestamptz, p_created_by text,
  p_creator text, p_issued_at timestamptz, p_token_id text, p_session_id uuid)
RETURNS TABLE (outcome text, key_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
  refusal text;
  new_id uuid;
BEGIN
  refusal := fraiseql_auth.key_write_refusal(p_owner, p_creator, p_issued_at, p_token_id, p_session_id);
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT refusal, NULL::uuid;
    RETURN;
  END IF;
  INSERT INTO fraiseql_auth.api_keys
    (owner, name, prefix, last4, key_hash, scopes, expires_at, created_by, created_at)
  VALUES
    (p_owner, p_name, p_prefix, p_last4, p_key_hash, p_scopes, p_expires_at, p_created_by, clock_timestamp())
  RETURNING id INTO new_id;
  RETURN QUERY SELECT 'created'::text, new_id;
END;
$$;

-- Replaces key p_old_id with a new key of the same owner, name and scopes, or says why not:
-- 'rotated' with the new id, 'credential_revoked', 'owner_disabled', or 'not_rotatable' (no such
-- key, or revoked, expired or already rotated: the caller reads the row to tell which).
CREATE FUNCTION fraiseql_auth.rotate_api_key(
  p_old_id uuid, p_prefix text, p_last4 text, p_key_hash text,
  p_keep_expiry boolean, p_expires_at timestamptz, p_created_by text, p_grace_until timestamptz,
  p_creator text, p_issued_at timestamptz, p_token_id text, p_session_id uuid)
RETURNS TABLE (outcome text, key_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
  refusal text;
  key_owner text;
  old fraiseql_auth.api_keys%ROWTYPE;
  new_id uuid;
BEGIN
  SELECT k.owner INTO key_owner FROM fraiseql_auth.api_keys k WHERE k.id = p_old_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_rotatable'::text, NULL::uuid;
    RETURN;
  END IF;
  refusal := fraiseql_auth.key_write_refusal(key_owner, p_creator, p_issued_at, p_token_id, p_session_id);
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT refusal, NULL::uuid;
    RETURN;
  END IF;
  -- Locked, so of two concurrent rotations only one succeeds.
  SELECT * INTO old FROM fraiseql_auth.api_keys k
   WHERE k.id = p_old_id AND k.owner = key_owner AND NOT k.revoked
     AND k.replaced_by IS NULL AND k.grace_until IS NULL
     AND (k.expires_at IS NULL OR k.expires_at > now())
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_rotatable'::text, NULL::uuid;
    RETURN;
  END IF;
  INSERT INTO fraiseql_auth.api_keys
    (owner, name, prefix, last4, key_hash, scopes, expires_at, created_by, created_at)
  VALUES
    (old.owner, old.name, p_prefix, p_last4, p_key_hash, old.scopes,
     CASE WHEN p_keep_expiry THEN old.expires_at ELSE p_expires_at END, p_created_by, clock_timestamp())
  RETURNING id INTO new_id;
  UPDATE fraiseql_auth.api_keys SET replaced_by = new_id, grace_until = p_grace_until
   WHERE id = p_old_id;
  RETURN QUERY SELECT 'rotated'::text, new_id;
END;
$$;

REVOKE ALL ON FUNCTION fraiseql_auth.lock_subjects(text[], boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fraiseql_auth.credential_revoked(text, timestamptz, text, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fraiseql_auth.key_write_refusal(text, text, timestamptz, text, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fraiseql_auth.create_api_key(
  text, text, text, text, text, text[], timestamptz, text, text, timestamptz, text, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fraiseql_auth.rotate_api_key(
  uuid, text, text, text, boolean, timestamptz, text, timestamptz, text, timestamptz, text, uuid) FROM PUBLIC;
