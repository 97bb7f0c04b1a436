-- fraiseql-ts built-in migration 004: tell running servers when grants change.
--
-- Servers cache each subject's permissions for a short while. Every change to the tables a
-- permission is derived from sends a notification on channel fraiseql_auth_changed (payload:
-- the table name) when its transaction commits, so every instance drops its cache and a grant
-- or revoke takes effect on the next request, without a new token. Statement-level triggers:
-- one notification per statement, whatever the number of rows. Only the users columns that
-- shape permissions (subject, role, disabled) notify, so a password change does not.

CREATE FUNCTION fraiseql_auth.notify_auth_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fraiseql_auth_changed', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER roles_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fraiseql_auth.roles
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_auth_changed();
CREATE TRIGGER permissions_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fraiseql_auth.permissions
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_auth_changed();
CREATE TRIGGER role_permissions_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fraiseql_auth.role_permissions
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_auth_changed();
CREATE TRIGGER user_roles_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fraiseql_auth.user_roles
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_auth_changed();
CREATE TRIGGER users_changed
  AFTER INSERT OR DELETE OR TRUNCATE ON fraiseql_auth.users
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_auth_changed();
CREATE TRIGGER users_grants_changed
  AFTER UPDATE OF subject, role, disabled ON fraiseql_auth.users
  FOR EACH STATEMENT EXECUTE FUNCTION fraiseql_auth.notify_auth_changed();
