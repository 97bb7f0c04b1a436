-- fraiseql-ts built-in migration 007: keep ended sessions while their access tokens may live.
--
-- A session's expires_at is when its newest refresh token expires, but an access token of the
-- session can outlive it: ACCESS_TOKEN_TTL may exceed REFRESH_TOKEN_TTL, and sliding renewal
-- mints access tokens until the session's last moment. Such a token is refused through its
-- session (`sid`) when the session is revoked; deleting the session row forgot that, so a
-- token revoked with its session (refresh token reuse, logout of another device's session)
-- became valid again. Sessions are now kept one day and five minutes past expires_at: the
-- longest access token lifetime ([sessions] access_token_ttl_seconds is at most 86400) plus
-- the largest clock leeway ([auth] leeway_seconds is at most 300).

CREATE OR REPLACE FUNCTION fraiseql_auth.cleanup_expired_sessions()
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
  DELETE FROM fraiseql_auth.sessions WHERE expires_at < now() - interval '1 day 5 minutes';
  GET DIAGNOSTICS n_sessions = ROW_COUNT;
  RETURN QUERY SELECT n_tokens, n_users, n_refresh, n_sessions;
END;
$$;

REVOKE ALL ON FUNCTION fraiseql_auth.cleanup_expired_sessions() FROM PUBLIC;
