# Throw-away PostgreSQL 15 cluster for CI, tests and benchmarks.
#
# Source this file, then:
#
#   postgres_start      initdb into a fresh mktemp directory, start on a free loopback port with
#                       trust authentication, and export FRAISEQL_TEST_DATABASE_URL (also
#                       FRAISEQL_CI_PG_DIR and FRAISEQL_CI_PG_PORT).
#   postgres_stop       stop the cluster and delete its directory (safe to call twice).
#
# Callers should `trap postgres_stop EXIT` right after sourcing. PostgreSQL refuses to run as
# root, so when run as root every server command goes through `su postgres`; the cluster
# directory is chowned to that user. The superuser of the cluster is `postgres`.
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_PORT (default: a free port).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Runs a command as the `postgres` OS user when we are root, as ourselves otherwise.
_pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then
    # The command is passed as one string; every part we build is quoted with printf %q.
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

_pg_free_port() {
  node -e "
    const server = require('node:net').createServer();
    server.listen(0, '127.0.0.1', () => { console.log(server.address().port); server.close(); });
  "
}

postgres_start() {
  if [ ! -x "$PG_BIN/postgres" ]; then
    echo "postgres.sh: $PG_BIN/postgres not found; install postgresql-15 or set PG_BIN." >&2
    return 1
  fi
  if [ -n "${FRAISEQL_CI_PG_DIR:-}" ]; then
    echo "postgres.sh: a cluster is already running in $FRAISEQL_CI_PG_DIR." >&2
    return 1
  fi

  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-pg.XXXXXX")" || return 1
  port="${PG_PORT:-$(_pg_free_port)}" || return 1
  mkdir -p "$dir/data" "$dir/socket"
  if [ "$(id -u)" = "0" ]; then
    chown -R postgres:postgres "$dir"
  fi
  # The directory is exported before anything can fail, so postgres_stop can clean up.
  export FRAISEQL_CI_PG_DIR="$dir"
  export FRAISEQL_CI_PG_PORT="$port"

  if ! _pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --no-sync >"$dir/initdb.log" 2>&1; then
    echo "postgres.sh: initdb failed; its log follows." >&2
    cat "$dir/initdb.log" >&2
    return 1
  fi

  # fsync off: the cluster is thrown away, so durability buys nothing and costs time.
  if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    start >/dev/null; then
    echo "postgres.sh: the server did not start; its log follows." >&2
    cat "$dir/server.log" >&2
    return 1
  fi

  export FRAISEQL_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "postgres.sh: PostgreSQL is up at $FRAISEQL_TEST_DATABASE_URL (data in $dir)."
}

postgres_stop() {
  local dir="${FRAISEQL_CI_PG_DIR:-}"
  if [ -z "$dir" ]; then
    return 0
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      echo "postgres.sh: pg_ctl stop failed; see $dir/server.log." >&2
  fi
  rm -rf "$dir"
  unset FRAISEQL_CI_PG_DIR FRAISEQL_CI_PG_PORT FRAISEQL_TEST_DATABASE_URL
}
