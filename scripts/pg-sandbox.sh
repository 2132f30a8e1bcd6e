#!/usr/bin/env bash
# pg-sandbox.sh start DIR | stop DIR | env DIR
#
# A throwaway PostgreSQL cluster under DIR with the quotalevy extension
# from the build folder: initdb in DIR/data, the Unix socket in DIR (no TCP
# listener), database `quotalevy` with the extension created and the
# bundled rule sets stored as cn/national, cn/jilin, … .  `start` prints
# the `export PGHOST=… PGPORT=… PGUSER=… PGDATABASE=quotalevy` line with
# which psql, run by the same user (root included), connects:
#
#     eval "$(scripts/pg-sandbox.sh start /tmp/ql-pg)"
#     psql -c "SELECT quotalevy.evaluate('cn/jilin', '{…}', '2024-06-30')"
#     scripts/pg-sandbox.sh stop /tmp/ql-pg
#
# The server refuses to run as root, so as root it runs as the `postgres`
# user (DIR is handed to it).  The extension is not installed into the
# system: the server's programs are copied into DIR/pg, mirroring their
# installed paths, and PostgreSQL, finding itself there, takes its share
# and library folders from DIR/pg as well — the system's files are linked
# in, the extension's copied beside them.
#
# Environment: QL_BUILD_DIR (default build/), QL_RULES_DIR (default the
# source's rules/), PG_CONFIG (default pg_config on PATH).
set -euo pipefail

usage() { echo "usage: scripts/pg-sandbox.sh start|stop|env DIR" >&2; exit 2; }
die() { echo "pg-sandbox: $*" >&2; exit 1; }
[ $# -eq 2 ] || usage
cmd="$1"
src="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$2"
dir="$(cd "$2" && pwd)"
build="${QL_BUILD_DIR:-$src/build}"
rules="${QL_RULES_DIR:-$src/rules}"
pg_config="${PG_CONFIG:-pg_config}"
command -v "$pg_config" >/dev/null ||
  die "pg_config not found: install postgresql-15 and postgresql-server-dev-15 (scripts/setup.sh does)"

# Runs a command as the user the server runs as.
if [ "$(id -u)" -eq 0 ]; then
  pguser=postgres
  id -u postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (install postgresql-15)"
  as_pg() { runuser -u postgres -- "$@"; }
else
  pguser="$(id -un)"
  as_pg() { "$@"; }
fi

bindir="$("$pg_config" --bindir)"
tree="$dir/pg"
pgbin="$tree$bindir"

print_env() {
  local port
  port="$(cat "$dir/port")"
  echo "export PGHOST='$dir' PGPORT=$port PGUSER=$pguser PGDATABASE=quotalevy"
}

case "$cmd" in
stop)
  [ -f "$dir/data/postmaster.pid" ] || { echo "pg-sandbox: no server running in $dir" >&2; exit 0; }
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  echo "pg-sandbox: stopped the server in $dir" >&2
  exit 0 ;;
env)
  [ -f "$dir/port" ] || die "no sandbox in $dir"
  print_env
  exit 0 ;;
start) ;;
*) usage ;;
esac

# initdb's own commands write to /dev/null: say so plainly if it is broken
[ -c /dev/null ] || die "/dev/null is not a character device (something replaced it): restore it with 'rm /dev/null && mknod -m 666 /dev/null c 1 3'"
[ ! -e "$dir/data" ] || die "$dir/data exists: stop that sandbox and remove $dir first"
module="$build/bindings/postgresql/quotalevy.so"
[ -f "$module" ] ||
  die "$module not built: run scripts/setup.sh (needs postgresql-server-dev-15), or set QL_BUILD_DIR"
# the socket's path must fit a sockaddr_un (107 bytes)
[ ${#dir} -le 80 ] || die "$dir is too long a path for a Unix socket: choose a shorter DIR (e.g. under /tmp)"

# The relocated installation: programs copied, the rest linked.
sharedir="$("$pg_config" --sharedir)"
pkglibdir="$("$pg_config" --pkglibdir)"
mkdir -p "$pgbin" "$tree$sharedir/extension" "$tree$pkglibdir"
for p in postgres initdb pg_ctl; do cp "$bindir/$p" "$pgbin/"; done
for f in "$sharedir"/*; do
  [ "$(basename "$f")" = extension ] || ln -sfn "$f" "$tree$sharedir/"
done
for f in "$sharedir"/extension/*; do ln -sfn "$f" "$tree$sharedir/extension/"; done
for f in "$pkglibdir"/*; do ln -sfn "$f" "$tree$pkglibdir/"; done
cp "$module" "$tree$pkglibdir/quotalevy.so"
cp "$src/bindings/postgresql/quotalevy.control" "$src"/bindings/postgresql/sql/quotalevy--*.sql \
   "$tree$sharedir/extension/"
chmod -R a+rX "$tree"

if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  chmod 0755 "$dir"
  as_pg test -w "$dir" -a -x "$dir" ||
    die "the postgres user cannot reach $dir (a parent folder is not searchable by others): choose a DIR under /tmp"
fi

# A port nothing listens on (the server opens no TCP socket; the port
# names the Unix socket and keeps two sandboxes' names apart anyway).
port=""
for p in $(shuf -i 20000-60000 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [ ! -e "$dir/.s.PGSQL.$p" ]; then
    port=$p; break
  fi
done
[ -n "$port" ] || die "no free port found"
echo "$port" > "$dir/port"

as_pg "$pgbin/initdb" -D "$dir/data" -U "$pguser" -A trust -E UTF8 --locale=C.UTF-8 \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
cat >> "$dir/data/postgresql.conf" <<EOF
# pg-sandbox.sh: Unix socket only, reachable by its owner (and root)
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_worker_processes = 8
max_parallel_workers = 8
max_parallel_workers_per_gather = 2
EOF
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 start >/dev/null ||
  { cat "$dir/data/server.log" >&2; die "the server did not start"; }

export PGHOST="$dir" PGPORT="$port" PGUSER="$pguser"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE quotalevy" >/dev/null
PGDATABASE=quotalevy psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION quotalevy" >/dev/null
PGDATABASE=quotalevy "$src/bindings/postgresql/quotalevy-load-rules" "$rules" >&2
print_env
