-- fraiseql-ts built-in migration 005: API keys.
--
-- A key is stored as an HMAC-SHA256 keyed with the server's API_KEY_SECRET (key_hash), plus
-- its first 12 characters (prefix, unique: how a presented key is found) and last four
-- (last4) in clear. `key` is only a label, prefix...last4: no column holds a usable key, so a
-- copy of this table cannot be used to call the API. To find a key you hold in SQL, compare
-- labels: WHERE key = fraiseql_auth.api_key_label('sk_...').
--
-- Rotation: the old row gets replaced_by (the new key's id) and grace_until (it keeps working
-- until then). Revocation is final: a revoked key cannot be reinstated.
--
-- Request roles get no access (the schema's default); only the server's login role reads it.

CREATE TABLE fraiseql_auth.api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- A user's subject (the JWT sub) or a named service; requests made with the key act as it.
  owner        text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^sk_[0-9A-Za-z]{9}$'),
  last4        text NOT NULL CHECK (last4 ~ '^[0-9A-Za-z]{4}$'),
  key          text GENERATED ALWAYS AS (prefix || '...' || last4) STORED,
  key_hash     text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  scopes       text[] NOT NULL DEFAULT '{}',
  expires_at   timestamptz,
  revoked      boolean NOT NULL DEFAULT false,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Who created it: a subject (HTTP) or 'cli:<os user>'.
  created_by   text NOT NULL,
  last_used_at timestamptz,
  replaced_by  uuid REFERENCES fraiseql_auth.api_keys (id) ON DELETE SET NULL,
  grace_until  timestamptz,
  CHECK (replaced_by IS NULL OR grace_until IS NOT NULL)
);
COMMENT ON TABLE fraiseql_auth.api_keys IS
  'fraiseql-ts API keys: hashes only (key_hash is an HMAC keyed with API_KEY_SECRET); key is a label.';
COMMENT ON COLUMN fraiseql_auth.api_keys.key IS
  'prefix...last4, a label: not a usable key. Match a key with fraiseql_auth.api_key_label(''sk_...'').';

CREATE INDEX api_keys_owner ON fraiseql_auth.api_keys (owner);

-- The label of a full key, to find its row from SQL without storing the key.
CREATE FUNCTION fraiseql_auth.api_key_label(full_key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT left(full_key, 12) || '...' || right(full_key, 4)
$$;

-- `UPDATE api_keys SET revoked = true` (as on the spec page) also records when; un-revoking
-- is refused, since a revoked key may be in the wrong hands.
CREATE FUNCTION fraiseql_auth.api_keys_revocation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked AND NOT NEW.revoked THEN
    RAISE EXCEPTION 'API key % is revoked; a revoked key cannot be reinstated', OLD.key
      USING HINT = 'Create a new key instead.';
  END IF;
  IF NEW.revoked AND NEW.revoked_at IS NULL THEN
    NEW.revoked_at := now();
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER api_keys_revocation BEFORE UPDATE ON fraiseql_auth.api_keys
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.api_keys_revocation();

-- Every running server caches key lookups briefly; a change that could refuse a key (revoke,
-- rotation, expiry, scopes, owner, deletion) notifies channel fraiseql_api_keys with the
-- key's prefix when its transaction commits, so every instance drops that entry at once.
-- last_used_at is not in the list: recording use must not flush caches.
CREATE FUNCTION fraiseql_auth.notify_api_key_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fraiseql_api_keys', OLD.prefix);
  IF TG_OP = 'UPDATE' AND NEW.prefix IS DISTINCT FROM OLD.prefix THEN
    PERFORM pg_notify('fraiseql_api_keys', NEW.prefix);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER api_keys_changed
  AFTER UPDATE OF owner, prefix, key_hash, scopes, expires_at, revoked, replaced_by, grace_until
  OR DELETE ON fraiseql_auth.api_keys
  FOR EACH ROW EXECUTE FUNCTION fraiseql_auth.notify_api_key_changed();
-- TRUNCATE has no rows to name: an empty payload tells servers to drop every cached key.
CREATE FUNCTION fraiseql_auth.notify_api_keys_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fraiseql_api_keys', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER api_keys_truncated AFTER TRUNCATE ON fraiseql_auth.api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_api_keys_truncated();
