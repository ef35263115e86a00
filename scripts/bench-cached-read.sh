#!/usr/bin/env bash
# One run of the cached-read benchmark: a cached chart through the JSON API under wrk, then
# redis-benchmark GET of a value of the same size at the same concurrency, for each selection.
# Usage: scripts/bench-cached-read.sh BASE_URL REDIS_PORT REPOS [REPOS...]
#   e.g. scripts/bench-cached-read.sh http://127.0.0.1:3200 6380 25481 25480,25492
# The server and a worker must be running; each selection is asked for until it is cached.
set -euo pipefail
base=$1 port=$2
shift 2
for repos in "$@"; do
  url="$base/api/v1/charts/commits-over-time?repos=$repos"
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && break
    sleep 1
  done
  bytes=$(curl -s "$url" | wc -c)
  echo "== repos=$repos ($bytes bytes)"
  wrk -t2 -c16 -d10s --latency "$url" | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx"
  redis-benchmark -p "$port" -t get -d "$bytes" -c 16 -n 300000 --threads 2 2>/dev/null | tr '\r' '\n' |
    grep -A3 -E "throughput summary|latency summary" | grep -vE "^--$"
done
