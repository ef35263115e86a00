# Starts project-local Redis and PostgreSQL under .data/ when they are not running yet.
# Sourced by scripts/demo.sh and scripts/test.sh, after scripts/tools.sh.

DATA_DIR="${EXPLORER_DATA_DIR:-$ROOT/.data}"
LOCAL_REDIS_PORT="${LOCAL_REDIS_PORT:-6380}"
LOCAL_PG_PORT="${LOCAL_PG_PORT:-5433}"
LOCAL_REDIS_URL="redis://127.0.0.1:$LOCAL_REDIS_PORT/"
LOCAL_PG_URL="postgres://postgres@127.0.0.1:$LOCAL_PG_PORT"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, run its tools as the postgres user.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$what did not come up within ${seconds}s" >&2
  return 1
}

start_local_redis() {
  mkdir -p "$DATA_DIR/redis"
  if redis-cli -p "$LOCAL_REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  log "starting Redis on 127.0.0.1:$LOCAL_REDIS_PORT (data in $DATA_DIR/redis)"
  redis-server --port "$LOCAL_REDIS_PORT" --bind 127.0.0.1 --dir "$DATA_DIR/redis" \
    --daemonize yes --pidfile "$DATA_DIR/redis/redis.pid" --logfile "$DATA_DIR/redis/redis.log" \
    --save "" --appendonly no --maxmemory 1gb --maxmemory-policy volatile-lru
  wait_for "Redis" 10 redis-cli -p "$LOCAL_REDIS_PORT" ping
}

# The PostgreSQL data folder. As root the server runs as the postgres user, which may not
# be able to reach a checkout under a private folder: then the data goes under its home.
pg_data_dir() {
  local dir="$DATA_DIR/pg"
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$dir" && chown postgres:postgres "$dir"
    if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
      dir="/var/lib/postgresql/explorer-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
      mkdir -p "$dir" && chown postgres:postgres "$dir"
    fi
  fi
  echo "$dir"
}

start_local_postgres() {
  local bin pgdata
  bin=$(pg_bin)
  if "$bin/pg_isready" -h 127.0.0.1 -p "$LOCAL_PG_PORT" >/dev/null 2>&1; then return 0; fi
  pgdata=$(pg_data_dir)
  mkdir -p "$pgdata"
  chmod 700 "$pgdata"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    log "initialising PostgreSQL in $pgdata"
    as_pg_owner "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  log "starting PostgreSQL on 127.0.0.1:$LOCAL_PG_PORT"
  as_pg_owner "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start \
    -o "-p $LOCAL_PG_PORT -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  wait_for "PostgreSQL" 30 "$bin/pg_isready" -h 127.0.0.1 -p "$LOCAL_PG_PORT"
}

stop_local_services() {
  local bin
  bin=$(pg_bin) || return 0
  local pgdata
  pgdata=$(pg_data_dir)
  [ -f "$pgdata/postmaster.pid" ] && as_pg_owner "$bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1
  redis-cli -p "$LOCAL_REDIS_PORT" shutdown nosave >/dev/null 2>&1
  return 0
}

# reader_url URL: the same database as the read-only role that `cargo xtask seed` grants
# (augur_explorer_reader: SELECT on augur_data, nothing else), which the app connects as.
reader_url() {
  local url=$1 scheme rest
  scheme=${url%%://*} rest=${url#*://}
  case "$rest" in
    *@*) rest=${rest#*@} ;;
  esac
  echo "$scheme://augur_explorer_reader@$rest"
}

# A TCP port nothing listens on, for servers started by the tests. Below the kernel's
# ephemeral range, so that no outgoing connection takes it while a server restarts.
free_port() {
  local port low
  low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  for _ in $(seq 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  echo "no free port found" >&2
  return 1
}
