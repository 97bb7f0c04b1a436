-- fraiseql-ts built-in migration 009: the cleanup function no longer forgets revoke-alls.
--
-- A revoke-all (fraiseql_auth.revoked_users) refuses every token of its subject issued before
-- revoked_before, and such a token may live as long as its issuer allowed: only the server
-- knows the longest lifetime it accepts ([auth] max_token_lifetime_seconds), so only the
-- server's own cleanup decides when a revoke-all may go. Its expires_at, which earlier versions
-- and the user-disabling trigger set to a day, is not a safe bound: deleting by it brought
-- revoked tokens back to life. This function still deletes what its expiry does bound:
-- revocations of tokens whose exp was known, expired refresh tokens and long-ended sessions.

CREATE OR REPLACE FUNCTION fraiseql_auth.cleanup_expired_sessions()
RETURNS TABLE (revoked_tokens bigint, revoked_users bigint, refresh_tokens bigint, sessions bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  n_tokens bigint;
  n_refresh bigint;
  n_sessions bigint;
BEGIN
  DELETE FROM fraiseql_auth.revoked_tokens WHERE expires_at < now();
  GET DIAGNOSTICS n_tokens = ROW_COUNT;
  DELETE FROM fraiseql_auth.refresh_tokens WHERE expires_at < now();
  GET DIAGNOSTICS n_refresh = ROW_COUNT;
  DELETE FROM fraiseql_auth.sessions WHERE expires_at < now() - interval '1 day 5 minutes';
  GET DIAGNOSTICS n_sessions = ROW_COUNT;
  RETURN QUERY SELECT n_tokens, 0::bigint, n_refresh, n_sessions;
END;
$$;

REVOKE ALL ON FUNCTION fraiseql_auth.cleanup_expired_sessions() FROM PUBLIC;
