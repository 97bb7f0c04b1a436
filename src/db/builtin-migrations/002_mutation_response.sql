-- fraiseql-ts built-in migration 002: FraiseQL's v2 `mutation_response` row and its builders.
--
-- A mutation function may return this row (RETURNS fraiseql.mutation_response, SETOF it, or
-- RETURNS TABLE with the same columns). fraiseql-ts projects `entity` onto the client's
-- selection when `succeeded`, and otherwise reports `message` under a code chosen from
-- `error_class` (validation, conflict, not_found, unauthorized, forbidden, internal,
-- transaction_failed, timeout, rate_limited, service_unavailable).

CREATE TYPE fraiseql.mutation_response AS (
  succeeded      boolean,
  state_changed  boolean,
  error_class    text,
  status_detail  text,
  http_status    smallint,
  message        text,
  entity_id      uuid,
  entity_type    text,
  entity         jsonb,
  updated_fields text[],
  cascade        jsonb,
  error_detail   jsonb,
  metadata       jsonb
);

-- A success: the affected entity (normally read back from its v_* view).
CREATE FUNCTION fraiseql.mutation_ok(
  p_entity jsonb,
  p_entity_id uuid DEFAULT NULL,
  p_entity_type text DEFAULT NULL,
  p_state_changed boolean DEFAULT true,
  p_updated_fields text[] DEFAULT NULL,
  p_cascade jsonb DEFAULT NULL,
  p_metadata jsonb DEFAULT NULL
) RETURNS fraiseql.mutation_response
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(true, p_state_changed, NULL, NULL, 200, NULL, p_entity_id, p_entity_type, p_entity,
             p_updated_fields, p_cascade, NULL, p_metadata)::fraiseql.mutation_response
$$;

-- A failure the client should see: nothing changed, and `message` is shown as is (so it must
-- not name other users' data). An unknown error class is a bug in the calling function.
CREATE FUNCTION fraiseql.mutation_err(
  p_error_class text,
  p_message text DEFAULT '',
  p_error_detail jsonb DEFAULT NULL,
  p_http_status smallint DEFAULT NULL
) RETURNS fraiseql.mutation_response
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  default_status smallint;
BEGIN
  default_status := CASE p_error_class
    WHEN 'validation' THEN 422 WHEN 'conflict' THEN 409 WHEN 'not_found' THEN 404
    WHEN 'unauthorized' THEN 401 WHEN 'forbidden' THEN 403 WHEN 'internal' THEN 500
    WHEN 'transaction_failed' THEN 500 WHEN 'timeout' THEN 504 WHEN 'rate_limited' THEN 429
    WHEN 'service_unavailable' THEN 503 END;
  IF default_status IS NULL THEN
    RAISE EXCEPTION 'fraiseql.mutation_err: unknown error class %', p_error_class
      USING HINT = 'Use one of validation, conflict, not_found, unauthorized, forbidden, internal, transaction_failed, timeout, rate_limited, service_unavailable.';
  END IF;
  RETURN ROW(false, false, p_error_class, NULL, COALESCE(p_http_status, default_status),
             p_message, NULL, NULL, NULL, NULL, NULL, p_error_detail, NULL)::fraiseql.mutation_response;
END;
$$;
