#!/usr/bin/env bash
# The contributor-actions charts on one large repo: the raw SQL of their query against the job
# that runs it, then each chart's first drawing (decode + transform) and its cached reads.
# Usage: scripts/bench-contributor-actions.sh BASE_URL DATABASE_URL REDIS_PORT PREFIX REPO_ID
#   e.g. scripts/bench-contributor-actions.sh http://127.0.0.1:3200 \
#          postgres://postgres@127.0.0.1:5433/augur_large 6380 bench: 25485
# A release server and worker must be running with that DATABASE_URL and CACHE_KEY_PREFIX.
set -euo pipefail
base=$1 db=$2 port=$3 prefix=$4 repo=$5
charts=(drive-repeat-contributions first-time-contributors contributor-engagement new-contributors
  contributor-types contributors-by-action bus-factor lottery-factor project-velocity)

# The query's SQL as the worker sends it, with the repo bound in place of $1.
sql=$(sed -n '/const SQL: &.static str = "/,/";$/p' explorer/src/augur/queries/actions.rs |
  sed -e '1s/.*"//' -e '$s/";$//' -e 's/\\\\/\\/g' -e "s/ANY(\$1)/ANY(ARRAY[$repo]::bigint[])/")
rows=$(psql "$db" -Atc "SELECT count(*) FROM ($sql) q")
echo "== repo $repo: $rows contributor actions"
for run in 1 2 3; do
  start=$(date +%s%N)
  psql "$db" -qc "COPY ($sql) TO STDOUT" >/dev/null
  echo "raw SQL (COPY to the client), run $run: $(( ($(date +%s%N) - start) / 1000000 )) ms"
done

for run in 1 2 3; do
  redis-cli -p "$port" --scan --pattern "${prefix}*" | xargs -r redis-cli -p "$port" del >/dev/null
  url="$base/api/v1/charts/new-contributors?repos=$repo"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ]; do sleep 0.05; done
  # The job's own timings, newest first: queue wait, query (SQL, rows, encoding), whole job (µs).
  timing=$(redis-cli -p "$port" lindex "${prefix}stats:jobs" 0)
  IFS=, read -r wait query total <<<"$timing"
  echo "job, run $run: queue wait $((wait / 1000)) ms, query $((query / 1000)) ms, whole job $((total / 1000)) ms"
done

for chart in "${charts[@]}"; do
  url="$base/api/v1/charts/$chart?repos=$repo"
  first=$(curl -s -o /dev/null -w '%{time_total}' "$url")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ]; do sleep 0.05; done
  cached=$(curl -s -o /dev/null -w '%{time_total}' "$url")
  echo "$chart: first request $(awk "BEGIN { print $first * 1000 }") ms, cached $(awk "BEGIN { print $cached * 1000 }") ms"
done
