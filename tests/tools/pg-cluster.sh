#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: a real server on a free loopback port in a
# temporary folder, stopped and removed afterwards. PostgreSQL refuses to run as root, so when the
# tests run as root the cluster belongs to an unprivileged user (nobody, or PG_TEST_USER).
#
#   pg-cluster.sh start STATE   creates and starts a cluster in a new folder under /tmp with the
#                               database "discernus" of role "discernus" (trust, loopback only);
#                               writes its URL to STATE/url and its folder to STATE/cluster
#   pg-cluster.sh stop STATE    stops that cluster (fast shutdown) and removes it and STATE
#
# Missing binaries are an error, never a skip: install the Debian package `postgresql`
# (packaging/install-deps.sh does).
set -euo pipefail
cmd=${1:-}
STATE=${2:-}
[ -n "$cmd" ] && [ -n "$STATE" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }

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

OWNER=${PG_TEST_USER:-nobody}
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$(id -u "$OWNER")" --regid="$(id -g "$OWNER")" --clear-groups -- env HOME="$CLUSTER" "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  if [ -n "${CLUSTER:-}" ] && [ -d "$CLUSTER" ]; then
    if [ -f "$CLUSTER/data/postmaster.pid" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    rm -rf "$CLUSTER"
  fi
}

case "$cmd" in
start)
  mkdir -p "$STATE"
  if [ -f "$STATE/cluster" ]; then CLUSTER=$(cat "$STATE/cluster"); stop_cluster; fi   # a run that was cut short
  CLUSTER=$(mktemp -d /tmp/discernus-pg.XXXXXX)
  echo "$CLUSTER" > "$STATE/cluster"
  if [ "$(id -u)" -eq 0 ]; then chown "$OWNER:" "$CLUSTER"; fi
  chmod 700 "$CLUSTER"
  as_owner "$PGBIN/initdb" -D "$CLUSTER/data" -U discernus -A trust -E UTF8 --no-locale >"$CLUSTER/initdb.log" 2>&1 \
    || { cat "$CLUSTER/initdb.log" >&2; stop_cluster; exit 1; }
  # A free port: try a few random ones (another test run may hold one). fsync off: the cluster is disposable.
  started=""
  for _ in $(seq 1 20); do
    PORT=$((20000 + RANDOM % 40000))
    if as_owner "$PGBIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 60 \
         -o "-h 127.0.0.1 -p $PORT -k $CLUSTER -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
      started=1; break
    fi
  done
  if [ -z "$started" ]; then cat "$CLUSTER/server.log" >&2; stop_cluster; exit 1; fi
  as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U discernus discernus
  echo "postgresql://discernus@127.0.0.1:$PORT/discernus" > "$STATE/url"
  echo "PostgreSQL ($PGBIN) on $(cat "$STATE/url") in $CLUSTER"
  ;;
stop)
  if [ -f "$STATE/cluster" ]; then CLUSTER=$(cat "$STATE/cluster"); stop_cluster; fi
  rm -rf "$STATE"
  ;;
*)
  echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
