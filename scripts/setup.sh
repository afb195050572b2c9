#!/usr/bin/env bash
# Set-up steps for `make run` / `make test`: each is idempotent and quick when already done.
#   scripts/setup.sh system     install missing Debian packages (PostgreSQL 15, PostGIS 3, gpsbabel, …)
#   scripts/setup.sh bench-tools  install wrk (Debian package) for make bench
#   scripts/setup.sh venv       create .venv and install the project with its dev extra
#   scripts/setup.sh assets     copy Leaflet & co. from the installed XStatic packages into static/vendor/,
#                               and compile the message catalogues (planner/translations/*/LC_MESSAGES/*.mo)
#   scripts/setup.sh db-start   init (once) and start the project-local cluster under var/pg
#   scripts/setup.sh db-create NAME   create database NAME if missing (the migrations add postgis)
#   scripts/setup.sh db-drop NAME     drop database NAME on the local cluster (make reset)
#   scripts/setup.sh db-stop    stop the project-local cluster
#   scripts/setup.sh db-url NAME      print the SQLAlchemy URL of database NAME on the local cluster
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# A port derived from the checkout's path, so two checkouts on one machine never fight over it.
PG_PORT=${PLANNER_PG_PORT:-$((54329 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 600))}
PG_DIR="$ROOT/var/pg"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
PG_LOG="$PG_DIR/server.log"
VENV="$ROOT/.venv"
# gpsbabel reads our GPX exports back in the tests; chromium runs the browser tests (driven by Playwright);
# redis-server backs the shared rate limiter in the two-process scale-out test; nodejs checks the syntax of
# the map scripts we render (tests/unit/test_maps.py).
# openssl makes the throwaway certificate of the STARTTLS/TLS mail tests.
SYSTEM_PACKAGES=(gpsbabel chromium redis-server nodejs openssl)
# With DATABASE_URL set, the database lives elsewhere: no local PostgreSQL is needed.
[ -n "${DATABASE_URL:-}" ] || SYSTEM_PACKAGES+=(postgresql-15 postgresql-15-postgis-3)

say() { printf '==> %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pg_bin() { echo "/usr/lib/postgresql/15/bin/$1"; }
# As root, the cluster belongs to the postgres user (initdb and pg_ctl refuse to run as root).
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

system() { install_packages "${SYSTEM_PACKAGES[@]}"; }

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

venv() {
  local stamp="$VENV/.installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/pyproject.toml" ]; then return 0; fi
  say "creating the virtualenv and installing the project"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check -e "$ROOT[dev]"
  touch "$stamp"
}

# Through main(), not "python -m": importing the planner package imports planner.assets first.
# The .mo files are build output (git keeps the .po files); compiling them takes well under a second.
assets() {
  "$VENV/bin/python" -c "import sys; from planner.assets import main; sys.exit(main(sys.argv[1:]))" "$ROOT/static" >/dev/null
  "$VENV/bin/pybabel" compile -d "$ROOT/planner/translations" 2>/dev/null || "$VENV/bin/pybabel" compile -d "$ROOT/planner/translations"
}

# postgres must be able to reach var/pg: give traverse (x) permission on ancestors that lack it.
open_path_for_postgres() {
  local d="$ROOT"
  while [ "$d" != "/" ]; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      say "granting traverse permission on $d so the postgres user can reach var/pg"
      chmod o+x "$d"
    fi
    d=$(dirname "$d")
  done
}

db_start() {
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then open_path_for_postgres; chown postgres:postgres "$PG_DIR"; fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "initialising a PostgreSQL cluster in var/pg/data"
    as_pg mkdir -p "$PG_SOCK"
    as_pg "$(pg_bin initdb)" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg mkdir -p "$PG_SOCK"
  if as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" status >/dev/null 2>&1; then return 0; fi
  # 300 connections: the RSVP race test opens 100 at once while other test runs may share the cluster.
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT (socket in var/pg/run)"
  if ! as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null; then
    say "PostgreSQL did not start; the end of var/pg/server.log says:"
    tail -n 5 "$PG_LOG" >&2
    say "if the port is taken, choose another: PLANNER_PG_PORT=NNNNN make ..."
    return 1
  fi
}

db_stop() {
  if [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" -m fast -w stop >/dev/null
    say "PostgreSQL stopped"
  fi
}

# The unix socket path must fit in 107 bytes; fall back to TCP on loopback when it does not.
db_host() { if [ ${#PG_SOCK} -lt 90 ]; then echo "$PG_SOCK"; else echo 127.0.0.1; fi; }

db_create() {
  local name=$1
  if ! psql -h "$(db_host)" -p "$PG_PORT" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    say "creating database $name"
    psql -h "$(db_host)" -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

db_drop() {
  psql -h "$(db_host)" -p "$PG_PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
}

db_url() { echo "postgresql+psycopg://postgres@/$1?host=$(db_host)&port=$PG_PORT"; }

case "${1:-}" in
  system) system ;;
  bench-tools) install_packages wrk ;;
  venv) venv ;;
  assets) assets ;;
  db-start) db_start ;;
  db-stop) db_stop ;;
  db-create) db_create "$2" ;;
  db-drop) db_drop "$2" ;;
  db-url) db_url "$2" ;;
  *) echo "usage: $0 system|bench-tools|venv|assets|db-start|db-stop|db-create NAME|db-drop NAME|db-url NAME" >&2; exit 2 ;;
esac
