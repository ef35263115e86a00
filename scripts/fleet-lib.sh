# A load-balanced fleet on loopback: nginx (round robin, no stickiness) in front of web
# replicas, workers, and a Redis of the fleet's own; PostgreSQL is the project-local one.
# Sourced by scripts/fleet.sh and scripts/fleet-test.sh, after tools.sh and services.sh.
# Every process runs under `timeout` so that it stops by itself if the script is killed,
# and writes its pid and log under $FLEET_DIR; nothing outside $FLEET_DIR is configured.

FLEET_TTL="${FLEET_TTL:-3600}"

# A free port no other part of the fleet was given (they bind later, so free_port alone
# could hand one out twice).
# fleet_port NAME: sets the variable NAME (or NAME[i]) to the port.
fleet_port() {
  local port
  while :; do
    port=$(free_port)
    case " $FLEET_TAKEN " in *" $port "*) ;; *) FLEET_TAKEN+=" $port"; printf -v "$1" '%s' "$port"; return 0 ;; esac
  done
}

# fleet_init DIR BIN_DIR DATABASE_URL: where the fleet keeps its files, which binaries it runs.
fleet_init() {
  FLEET_DIR=$1 FLEET_BIN=$2 FLEET_DATABASE_URL=$3
  mkdir -p "$FLEET_DIR"
  FLEET_TAKEN=""
  fleet_port FLEET_REDIS_PORT
  FLEET_REDIS_URL="redis://127.0.0.1:$FLEET_REDIS_PORT/"
  fleet_port FLEET_LB_PORT
  # A second listener whose upstream is the first replica alone, to compare throughput.
  fleet_port FLEET_LB_ONE_PORT
  FLEET_WEB_PORTS=() FLEET_WEB_METRICS_PORTS=() FLEET_WORKER_METRICS_PORTS=()
}

fleet_pid() { cat "$FLEET_DIR/$1.pid" 2>/dev/null; }

# The process `timeout` runs for NAME: what kill -9 must hit (killing `timeout` would orphan it).
fleet_child_pid() { pgrep -P "$(fleet_pid "$1")" | head -n 1; }

fleet_alive() {
  local pid
  pid=$(fleet_pid "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# fleet_wait_exit NAME SECONDS: waits for a process this fleet started to end.
fleet_wait_exit() {
  local name=$1 seconds=$2
  for _ in $(seq $((seconds * 10))); do
    fleet_alive "$name" || return 0
    sleep 0.1
  done
  echo "$name still running after ${seconds}s" >&2
  return 1
}

fleet_start_redis() {
  mkdir -p "$FLEET_DIR/redis"
  timeout "$FLEET_TTL" redis-server --port "$FLEET_REDIS_PORT" --bind 127.0.0.1 --dir "$FLEET_DIR/redis" \
    --save "" --appendonly no --maxmemory 512mb --maxmemory-policy volatile-lru \
    >>"$FLEET_DIR/redis.log" 2>&1 &
  echo $! >"$FLEET_DIR/redis.pid"
  wait_for "the fleet's Redis" 10 redis-cli -p "$FLEET_REDIS_PORT" ping
}

fleet_stop_redis() {
  redis-cli -p "$FLEET_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fleet_wait_exit redis 10
}

# A replica of the fleet's Redis, as a managed Redis keeps one (README, "Redis beyond one node").
fleet_start_redis_replica() {
  fleet_port FLEET_REPLICA_PORT
  mkdir -p "$FLEET_DIR/replica"
  timeout "$FLEET_TTL" redis-server --port "$FLEET_REPLICA_PORT" --bind 127.0.0.1 --dir "$FLEET_DIR/replica" \
    --replicaof 127.0.0.1 "$FLEET_REDIS_PORT" --save "" --appendonly no >>"$FLEET_DIR/replica.log" 2>&1 &
  echo $! >"$FLEET_DIR/replica.pid"
  wait_for "the replica to sync" 30 bash -c \
    "redis-cli -p $FLEET_REPLICA_PORT info replication | grep -q master_link_status:up"
}

# What a managed Redis does when its primary fails: the replica is promoted and the same
# address now leads to it. Here the promoted replica's data is moved to a Redis started at
# the primary's address. Call with the primary already stopped.
fleet_failover_to_replica() {
  redis-cli -p "$FLEET_REPLICA_PORT" replicaof no one >/dev/null
  redis-cli -p "$FLEET_REPLICA_PORT" save >/dev/null
  redis-cli -p "$FLEET_REPLICA_PORT" shutdown nosave >/dev/null 2>&1 || true
  fleet_wait_exit replica 10
  cp "$FLEET_DIR/replica/dump.rdb" "$FLEET_DIR/redis/dump.rdb"
  fleet_start_redis
}

# The settings every web replica and worker of the fleet shares, for `env`. (Started as
# `env ... timeout ... &` directly, not through a function, so that $! is timeout itself.)
fleet_settings() {
  FLEET_SETTINGS=(DATABASE_URL="$FLEET_DATABASE_URL" REDIS_URL="$FLEET_REDIS_URL" CACHE_KEY_PREFIX="fleet:"
    LEPTOS_SITE_ROOT="${FLEET_SITE_ROOT:-target/site}" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=explorer
    TRUSTED_PROXY_HEADER=x-forwarded-for WEB_DRAIN_DELAY_SECS="${FLEET_DRAIN_DELAY_SECS:-1}" WEB_SHUTDOWN_GRACE_SECS="${FLEET_WEB_GRACE_SECS:-10}"
    WORKER_SHUTDOWN_GRACE_SECS="${FLEET_WORKER_GRACE_SECS:-10}" RUST_LOG="${RUST_LOG:-info}")
}

# fleet_start_web N: replica N (from 1), on the ports chosen the first time it starts.
fleet_start_web() {
  local n=$1
  [ -n "${FLEET_WEB_PORTS[$n]:-}" ] || { fleet_port "FLEET_WEB_PORTS[$n]"; fleet_port "FLEET_WEB_METRICS_PORTS[$n]"; }
  fleet_settings
  env "${FLEET_SETTINGS[@]}" LEPTOS_SITE_ADDR="127.0.0.1:${FLEET_WEB_PORTS[$n]}" METRICS_ADDR="127.0.0.1:${FLEET_WEB_METRICS_PORTS[$n]}" \
    timeout "$FLEET_TTL" "$FLEET_BIN/server" >>"$FLEET_DIR/web$n.log" 2>&1 &
  echo $! >"$FLEET_DIR/web$n.pid"
}

fleet_wait_web() {
  wait_for "web replica $1" 60 curl -fs "http://127.0.0.1:${FLEET_WEB_METRICS_PORTS[$1]}/readyz"
}

fleet_start_worker() {
  local n=$1
  [ -n "${FLEET_WORKER_METRICS_PORTS[$n]:-}" ] || fleet_port "FLEET_WORKER_METRICS_PORTS[$n]"
  fleet_settings
  env "${FLEET_SETTINGS[@]}" WORKER_METRICS_ADDR="127.0.0.1:${FLEET_WORKER_METRICS_PORTS[$n]}" \
    timeout "$FLEET_TTL" "$FLEET_BIN/worker" >>"$FLEET_DIR/worker$n.log" 2>&1 &
  echo $! >"$FLEET_DIR/worker$n.pid"
}

fleet_wait_worker() {
  wait_for "worker $1" 30 curl -fs "http://127.0.0.1:${FLEET_WORKER_METRICS_PORTS[$1]}/readyz"
}

# Writes nginx.conf for the replicas started so far and starts nginx with it. Round robin
# (nginx's default) without stickiness. Open-source nginx cannot probe /readyz, so a replica
# that refuses or drops a connection is never marked down (max_fails=0: with two replicas
# restarting in turn both could be marked at once); the request, if idempotent, goes to
# the next one instead. A draining replica closes pooled connections itself.
fleet_start_nginx() {
  local conf="$FLEET_DIR/nginx/nginx.conf" servers="" n
  mkdir -p "$FLEET_DIR/nginx/tmp"
  for n in "${!FLEET_WEB_PORTS[@]}"; do
    servers+="    server 127.0.0.1:${FLEET_WEB_PORTS[$n]} max_fails=0;"$'\n'
  done
  cat >"$conf" <<EOF
daemon off;
worker_processes 1;
pid $FLEET_DIR/nginx/nginx.pid;
error_log $FLEET_DIR/nginx/error.log warn;
$([ "$(id -u)" -eq 0 ] && echo "user root;")
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $FLEET_DIR/nginx/tmp/body;
  proxy_temp_path $FLEET_DIR/nginx/tmp/proxy;
  fastcgi_temp_path $FLEET_DIR/nginx/tmp/fastcgi;
  uwsgi_temp_path $FLEET_DIR/nginx/tmp/uwsgi;
  scgi_temp_path $FLEET_DIR/nginx/tmp/scgi;
  upstream fleet {
$servers    keepalive 64;
  }
  upstream first_replica {
    server 127.0.0.1:${FLEET_WEB_PORTS[1]};
    keepalive 64;
  }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$host;
  # The replicas limit job-creating requests per client: this header names the client
  # (written here, never passed on from the client).
  proxy_set_header X-Forwarded-For \$remote_addr;
  proxy_connect_timeout 1s;
  proxy_read_timeout 30s;
  proxy_next_upstream error timeout;
  server {
    listen 127.0.0.1:$FLEET_LB_PORT;
    location / { proxy_pass http://fleet; }
  }
  server {
    listen 127.0.0.1:$FLEET_LB_ONE_PORT;
    location / { proxy_pass http://first_replica; }
  }
}
EOF
  timeout "$FLEET_TTL" nginx -p "$FLEET_DIR/nginx" -c "$conf" -e "$FLEET_DIR/nginx/error.log" \
    >>"$FLEET_DIR/nginx.log" 2>&1 &
  echo $! >"$FLEET_DIR/nginx.pid"
  wait_for "nginx" 10 curl -fs "http://127.0.0.1:$FLEET_LB_PORT/healthz"
}

# fleet_up WEB_REPLICAS WORKERS
fleet_up() {
  local webs=$1 workers=$2 n
  fleet_start_redis
  for n in $(seq "$workers"); do fleet_start_worker "$n"; done
  for n in $(seq "$webs"); do fleet_start_web "$n"; done
  for n in $(seq "$webs"); do fleet_wait_web "$n"; done
  for n in $(seq "$workers"); do fleet_wait_worker "$n"; done
  fleet_start_nginx
}

# Stops everything the fleet started, by the pids it wrote; SIGTERM first, then SIGKILL.
fleet_down() {
  local file pid name
  for file in "$FLEET_DIR"/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
  done
  for file in "$FLEET_DIR"/*.pid; do
    [ -f "$file" ] || continue
    name=$(basename "$file" .pid)
    if ! fleet_wait_exit "$name" 15 2>/dev/null; then
      pid=$(fleet_child_pid "$name")
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
      kill -9 "$(cat "$file")" 2>/dev/null || true
    fi
    rm -f "$file"
  done
}
