#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: a real server on a loopback port in a temporary
# folder, stopped and removed afterwards. PostgreSQL refuses to run as root, so when the tests run
# as root the cluster belongs to an unprivileged user (nobody by default, PG_TEST_USER to change).
#
#   pg-cluster.sh start DIR PORT   creates the cluster in DIR (if new), starts it, creates the
#                                  database "discernus" owned by role "discernus" (trust on loopback)
#   pg-cluster.sh stop DIR         stops it (fast shutdown) and removes DIR
#
# Missing binaries are an error, never a skip: install the Debian package `postgresql`
# (packaging/install-deps.sh does).
set -euo pipefail
PGBIN=${PG_BIN:-}
if [ -z "$PGBIN" ]; then
  for v in 17 16 15 14 13; do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then PGBIN=/usr/lib/postgresql/$v/bin; break; fi
  done
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
  echo "pg-cluster.sh: PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin;" \
       "install the Debian package 'postgresql' (packaging/install-deps.sh)" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    local user=${PG_TEST_USER:-nobody}
    setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --clear-groups -- env HOME="$DIR" "$@"
  else
    "$@"
  fi
}

cmd=${1:-}
DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

case "$cmd" in
start)
  PORT=${3:?port}
  mkdir -p "$DIR"
  if [ "$(id -u)" -eq 0 ]; then chown "${PG_TEST_USER:-nobody}:" "$DIR"; fi
  chmod 700 "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$DIR/data" -U discernus -A trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
  fi
  # Loopback only, the socket in the cluster's own folder, fsync off (a test cluster is disposable).
  as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=100" start >/dev/null \
    || { cat "$DIR/server.log" >&2; exit 1; }
  as_owner "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U discernus -d postgres -qAt \
    -c "SELECT 1 FROM pg_database WHERE datname='discernus'" | grep -q 1 \
    || as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U discernus discernus
  echo "postgresql://discernus@127.0.0.1:$PORT/discernus"
  ;;
stop)
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$DIR"
  ;;
*)
  echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
