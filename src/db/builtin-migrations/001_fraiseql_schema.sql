-- fraiseql-ts built-in migration 001: the `fraiseql` schema and the migration record.
--
-- `migrate` runs this file at the start of every run (before it reads the record, which lives
-- here), so every statement must be idempotent. The request roles are created by code right
-- after it, because their names are configurable and roles belong to the whole cluster.
-- Keep this file runnable on PostgreSQL 14 and later.

CREATE SCHEMA IF NOT EXISTS fraiseql;

COMMENT ON SCHEMA fraiseql IS 'fraiseql-ts bookkeeping and helpers. Managed by "fraiseql-ts migrate".';

CREATE TABLE IF NOT EXISTS fraiseql.schema_migrations (
  source text NOT NULL CHECK (source IN ('builtin', 'project')),
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, name)
);

COMMENT ON TABLE fraiseql.schema_migrations IS
  'SQL migration files applied by "fraiseql-ts migrate": builtin ones first, then the project''s, by file name. checksum is the SHA-256 of the file with line endings normalised.';
