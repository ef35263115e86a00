#!/usr/bin/env bash
# The fleet test: nginx in front of two web replicas, three workers, the fleet's own Redis,
# on the demo data. Checks that any replica answers any poll, that 100 identical cold
# requests over both replicas make one job, that rolling restarts and kill -9 under a steady
# wrk load lose no job and leave no chart pending, and that a Redis restart under load
# answers 503 fast and heals by itself. Prints the figures (BENCHMARKS.md records them) to
# $FLEET_REPORT. Run by scripts/test.sh after its builds; stops everything it started.
#
#   FLEET_PROFILE=debug|release (debug: what scripts/test.sh built)
#   FLEET_DATABASE_URL (default: augur_fleet on the test PostgreSQL, seeded once, kept)
set -euo pipefail
# Everything stops by itself after this long, even if this script is killed.
export FLEET_TTL="${FLEET_TTL:-600}"
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
source "$ROOT/scripts/services.sh"
source "$ROOT/scripts/fleet-lib.sh"
cd "$ROOT"

ensure_fleet_tools
profile="${FLEET_PROFILE:-debug}"
database_url="${FLEET_DATABASE_URL:-${TEST_DATABASE_URL%/*}/augur_fleet}"
report="${FLEET_REPORT:-$ROOT/target/test-logs/fleet.md}"
mkdir -p "$(dirname "$report")"
# Each phase of steady load, in seconds.
phase_secs="${FLEET_PHASE_SECS:-10}"

log "fleet test: seeding the demo database once ($database_url)"
leptos_cargo xtask seed --scale demo --database-url "$database_url" --keep-existing >/dev/null

dir="$ROOT/target/fleet-test"
rm -rf "$dir"
fleet_init "$dir" "$ROOT/target/$profile" "$(reader_url "$database_url")"
# What this script starts in the background besides the fleet: the load and the cold driver.
background=()
stop_all() {
  local pid
  for pid in "${background[@]}"; do kill "$pid" 2>/dev/null || true; done
  fleet_down
}
trap stop_all EXIT
trap 'echo "fleet test: a command failed at line $LINENO" >&2' ERR
fleet_up 2 3
lb="http://127.0.0.1:$FLEET_LB_PORT"
web() { echo "http://127.0.0.1:${FLEET_WEB_PORTS[$1]}"; }

fail() {
  echo "fleet test FAILED: $*" >&2
  exit 1
}

status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1" || echo 000; }

# wait_ready URL SECONDS: polls URL until it answers 200; fails on anything but 200/202.
wait_ready() {
  local url=$1 seconds=$2 code
  for _ in $(seq $((seconds * 10))); do
    code=$(status_of "$url")
    case $code in
      200) return 0 ;;
      202) sleep 0.1 ;;
      *) echo "$url answered $code" >&2; return 1 ;;
    esac
  done
  echo "$url still pending after ${seconds}s" >&2
  return 1
}

# metric_sum NAME PORT...: a series summed over the given metrics ports (0 when absent).
metric_sum() {
  local series=$1 port total=0 value
  shift
  for port in "$@"; do
    value=$(curl -fs --max-time 5 "http://127.0.0.1:$port/metrics" | awk -v s="$series" '$1 == s { print $2 }') || value=0
    total=$(awk -v a="$total" -v b="${value:-0}" 'BEGIN { print a + b }')
  done
  echo "$total"
}
web_metric() { metric_sum "$1" "${FLEET_WEB_METRICS_PORTS[@]}"; }

chart() { echo "/api/v1/charts/$1?repos=$2"; }

log "fleet test: a chart asked on one replica and polled on the other"
path=$(chart commits-over-time 25480,25481)
first=$(status_of "$(web 1)$path")
[ "$first" = 202 ] || fail "a cold chart on replica 1 answered $first, not 202"
enqueued_on_2=$(metric_sum 'explorer_jobs_enqueued_total{query="commits"}' "${FLEET_WEB_METRICS_PORTS[2]}")
wait_ready "$(web 2)$path" 60 || fail "replica 2 never saw the chart replica 1 queued"
[ "$(metric_sum 'explorer_jobs_enqueued_total{query="commits"}' "${FLEET_WEB_METRICS_PORTS[2]}")" = "$enqueued_on_2" ] ||
  fail "replica 2 queued a job of its own for a chart replica 1 had queued"

log "fleet test: 100 identical cold requests over both replicas"
query=prs
before=$(web_metric "explorer_jobs_enqueued_total{query=\"$query\"}")
path=$(chart prs-over-time 25490,25491,25492)
seq 100 | xargs -P 100 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 "$lb$path" >"$dir/burst.codes"
codes=$(sort "$dir/burst.codes" | uniq -c | tr -s ' ' | paste -sd, -)
grep -qvE '^(200|202)$' "$dir/burst.codes" && fail "the burst got answers other than 200/202: $codes"
wait_ready "$lb$path" 60 || fail "the burst's chart never became ready"
jobs=$(awk -v a="$(web_metric "explorer_jobs_enqueued_total{query=\"$query\"}")" -v b="$before" 'BEGIN { print a - b }')
[ "$jobs" = 1 ] || fail "100 identical requests made $jobs jobs"
burst_line="100 identical cold requests through nginx ($codes) made $jobs job"

# The steady load: cached charts (warmed first) in turn, by wrk through nginx.
cached_paths="$dir/cached.paths"
: >"$cached_paths"
for repo in 25480 25488 25502 25506 25512; do
  for id in commits-over-time issues-over-time prs-over-time; do
    chart "$id" "$repo" >>"$cached_paths"
  done
done
warm() {
  while read -r p; do status_of "$lb$p" >/dev/null; done <"$cached_paths"
  while read -r p; do wait_ready "$lb$p" 90 || fail "could not warm $p"; done <"$cached_paths"
}
warm
cat >"$dir/paths.lua" <<'EOF'
local paths = {}
for line in io.lines(os.getenv("FLEET_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF

# load NAME SECONDS [PORT]: wrk through nginx in the background; its report in $dir/NAME.wrk.
load() {
  FLEET_PATHS="$cached_paths" timeout $(($2 + 30)) wrk -t 2 -c 16 -d "${2}s" --timeout 10s --latency \
    -s "$dir/paths.lua" "http://127.0.0.1:${3:-$FLEET_LB_PORT}" >"$dir/$1.wrk" 2>&1 &
  load_pid=$!
  background+=("$load_pid")
}

# One table row from a wrk report: requests, non-2xx/3xx, socket errors, p50, p99, req/s.
figures() {
  awk -v phase="$1" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v + 0 }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    / requests in / { requests = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { errors = $4 + $6 + $8 + $10 }
    /^Requests\/sec:/ { rps = $2 }
    END { printf "| %s | %d | %d | %d | %.2f | %.2f | %.0f |\n", phase, requests, bad, errors, p50, p99, rps }
  ' "$dir/$1.wrk"
}
bad_answers() { figures "$1" | awk -F'|' '{ print $4 + $5 }'; }

# Cold charts asked through nginx during the chaos, one (chart, repo) pair each: every one
# must end ready, none lost with a worker or a replica.
cold_log="$dir/cold.paths"
: >"$cold_log"
cold_driver() {
  local id repo
  for repo in $(seq 25480 25528); do
    for id in pr-first-response issue-assignment-status new-contributors commit-domains; do
      [ -f "$dir/cold.stop" ] && return 0
      chart "$id" "$repo" >>"$cold_log"
      echo "$(status_of "$lb$(chart "$id" "$repo")")" >>"$dir/cold.codes"
      sleep 0.2
    done
  done
}

# Peak resident memory (VmHWM, MiB) of what runs now, per tier, kept over the run.
peak_web=0 peak_worker=0
sample_rss() {
  local name kib
  for name in web1 web2 worker1 worker2 worker3; do
    kib=$(awk '/^VmHWM/ { print $2 }' "/proc/$(fleet_child_pid "$name")/status" 2>/dev/null || echo 0)
    case $name in
      web*) [ "${kib:-0}" -gt "$peak_web" ] && peak_web=$kib ;;
      *) [ "${kib:-0}" -gt "$peak_worker" ] && peak_worker=$kib ;;
    esac
  done
  return 0
}

restart_web() { # N: SIGTERM, drain, start again
  kill -TERM "$(fleet_pid "web$1")"
  fleet_wait_exit "web$1" 30 || fail "web replica $1 did not drain within 30 s"
  fleet_start_web "$1"
  fleet_wait_web "$1"
}
# Queues a job on the largest repo, then picks, of the workers NAMES, one running a job
# (waits up to 5 s for one to start it); sets $busy_worker and counts $in_flight_stops.
in_flight_stops=0
pick_busy_worker() {
  local chart=$1 n
  shift
  chart "$chart" 25492 >>"$cold_log"
  status_of "$lb$(chart "$chart" 25492)" >/dev/null
  for _ in $(seq 50); do
    for n in "$@"; do
      if [ "$(metric_sum explorer_augur_queries_in_flight "${FLEET_WORKER_METRICS_PORTS[$n]}")" != 0 ]; then
        busy_worker=$n
        in_flight_stops=$((in_flight_stops + 1))
        return 0
      fi
    done
    sleep 0.1
  done
  busy_worker=$1
}
restart_worker() { # N: SIGTERM (a job in flight when pick_busy_worker found one), then start again
  kill -TERM "$(fleet_pid "worker$1")"
  fleet_wait_exit "worker$1" 30 || fail "worker $1 did not stop within its grace"
  fleet_start_worker "$1"
  fleet_wait_worker "$1"
}
crash() { # NAME: kill -9 the process itself, then start it again
  kill -9 "$(fleet_child_pid "$1")"
  fleet_wait_exit "$1" 10 || fail "$1 survived kill -9"
}

log "fleet test: steady load before, during and after rolling restarts and kill -9"
load before "$phase_secs"
wait "$load_pid"
sample_rss
cold_driver &
cold_pid=$!
background+=("$cold_pid")
chaos_started=$(date +%s)
load during 90
for n in 1 2; do restart_web "$n"; done
sample_rss
remaining=(1 2 3)
for chart_id in contributor-types pr-review-status issues-over-time; do
  pick_busy_worker "$chart_id" "${remaining[@]}"
  restart_worker "$busy_worker"
  remaining=($(printf "%s\n" "${remaining[@]}" | grep -vx "$busy_worker" || true))
done
pick_busy_worker contributor-domains 1 2 3
crashed_worker=$busy_worker
crash "worker$crashed_worker"
fleet_start_worker "$crashed_worker"
sample_rss
crash web1
fleet_start_web 1
fleet_wait_web 1
fleet_wait_worker "$crashed_worker"
chaos_secs=$(($(date +%s) - chaos_started))
touch "$dir/cold.stop"
wait "$cold_pid"
kill -INT "$load_pid" 2>/dev/null || true
wait "$load_pid" || true
sample_rss
load after "$phase_secs"
wait "$load_pid"
sample_rss

cold_asked=$(sort -u "$cold_log" | wc -l)
never_ready=0
while read -r p; do
  wait_ready "$lb$p" 60 || never_ready=$((never_ready + 1))
done < <(sort -u "$cold_log")
waiting=$(web_metric explorer_queue_depth)
cold_codes=$(sort "$dir/cold.codes" | uniq -c | tr -s ' ' | paste -sd, -)

# Redis stopped under load, twice: a failover to its replica (data kept: the cached charts
# answer at once, nothing is recomputed), then a restart that lost everything (charts are
# recomputed). Each time: 503 fast while it is down, then the fleet heals by itself.
probe=$(chart commits-over-time 25480)
slowest_503=0
redis_down() {
  local result
  fleet_stop_redis
  for _ in $(seq 10); do
    result=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 "$lb$probe")
    [ "${result% *}" = 503 ] || fail "with Redis down a chart answered ${result% *}, not 503"
    slowest_503=$(awk -v a="$slowest_503" -v b="${result#* }" 'BEGIN { print (b > a ? b : a) }')
    sleep 0.2
  done
}
# until_ready URL: sets $ready_ms, how long until URL answers 200, and $pending_seen, the 202s
# it answered on the way.
until_ready() {
  local started code
  started=$(date +%s%N) pending_seen=0
  for _ in $(seq 600); do
    code=$(status_of "$1")
    [ "$code" = 200 ] && { ready_ms=$(( ($(date +%s%N) - started) / 1000000 )); return 0; }
    [ "$code" = 202 ] && pending_seen=$((pending_seen + 1))
    sleep 0.1
  done
  fail "$1 not ready 60 s after Redis came back"
}

log "fleet test: Redis fails over to its replica under load"
fleet_start_redis_replica
redis-cli -p "$FLEET_REDIS_PORT" wait 1 5000 >/dev/null
load redis 40
sleep 3 # the load first runs on a healthy fleet
redis_down
fleet_failover_to_replica
until_ready "$lb$probe"
failover_ms=$ready_ms
[ "$pending_seen" = 0 ] || fail "after the failover a cached chart was recomputed"
failover_cached=0
while read -r p; do [ "$(status_of "$lb$p")" = 200 ] && failover_cached=$((failover_cached + 1)); done <"$cached_paths"
[ "$failover_cached" = "$(wc -l <"$cached_paths")" ] || fail "cached charts lost in the failover"

log "fleet test: Redis restarted empty under load"
sleep 2
redis_down
rm -f "$dir/redis/dump.rdb"
fleet_start_redis
until_ready "$lb$probe"
recovered_ms=$ready_ms
wait "$load_pid"

# CPU ticks (user + system) a process and its children have used so far.
ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# The processes of the fleet, by part, as "part pid" lines (nginx's worker is its master's child).
fleet_parts() {
  local n
  echo "nginx $(fleet_child_pid nginx)"
  echo "nginx $(pgrep -P "$(fleet_child_pid nginx)" | head -n 1)"
  for n in 1 2; do echo "replicas $(fleet_child_pid "web$n")"; done
  echo "redis $(fleet_child_pid redis)"
}
# cpu_split PHASE: runs its load and records where the machine's CPU went, in cores.
cpu_split() {
  local before_total after_total part pid t
  declare -A before=() used=()
  before_total=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat)
  while read -r part pid; do [ -n "$pid" ] && before[$pid]=$(ticks "$pid"); done < <(fleet_parts)
  load "$1" "$phase_secs" "${2:-}"
  wait "$load_pid"
  after_total=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat)
  while read -r part pid; do
    [ -n "$pid" ] || continue
    t=$(ticks "$pid")
    used[$part]=$(( ${used[$part]:-0} + t - ${before[$pid]:-$t} ))
  done < <(fleet_parts)
  local busy=$((after_total - before_total)) hz
  hz=$(getconf CLK_TCK)
  awk -v phase="$1" -v busy="$busy" -v n="${used[nginx]}" -v w="${used[replicas]}" -v r="${used[redis]}" \
    -v hz="$hz" -v secs="$phase_secs" 'BEGIN {
      c = hz * secs
      printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n", phase, busy / c, n / c, w / c, r / c, (busy - n - w - r) / c
    }' >>"$dir/cpu.md"
}

log "fleet test: cached-chart throughput through nginx, two replicas and one, in turn"
warm # Redis came back empty
: >"$dir/cpu.md"
for round in 1 2; do
  cpu_split "two-$round"
  cpu_split "one-$round" "$FLEET_LB_ONE_PORT"
done

{
  echo "Fleet test ($profile binaries; wrk -t 2 -c 16, $(wc -l <"$cached_paths") cached chart URLs in turn, through nginx):"
  echo
  echo "| phase | requests | non-2xx/3xx | socket errors | p50 ms | p99 ms | req/s |"
  echo "|---|---|---|---|---|---|---|"
  figures before
  figures during
  figures after
  figures redis
  for round in 1 2; do figures "two-$round"; figures "one-$round"; done
  echo
  echo "Where the CPU went in the throughput phases, in cores of the machine's 2 (the rest: wrk, and other work on the machine):"
  echo
  echo "| phase | all busy | nginx | web replicas | redis | rest |"
  echo "|---|---|---|---|---|---|"
  cat "$dir/cpu.md"
  echo
  echo "- $burst_line"
  echo "- chaos (2 rolling web restarts, 3 rolling worker restarts, kill -9 of a worker and a replica): ${chaos_secs} s; workers stopped with a job in flight: $in_flight_stops of 4"
  echo "- cold charts asked during it: $cold_asked (first answers: $cold_codes); never ready: $never_ready; jobs left waiting: $waiting"
  echo "- Redis stopped twice under load (phase \"redis\": its non-2xx are those 503s): slowest 503 ${slowest_503} s;"
  echo "  failover to the replica: a cached chart answered 200 ${failover_ms} ms after, all $failover_cached cached charts kept;"
  echo "  restart with no data: the chart recomputed and ready ${recovered_ms} ms after Redis returned"
  echo "- peak RSS: web replica $((peak_web / 1024)) MiB, worker $((peak_worker / 1024)) MiB"
} | tee "$report"

[ "$(bad_answers before)" = 0 ] || fail "errors before the chaos"
[ "$(bad_answers during)" = 0 ] || fail "errors during the rolling restarts and kills"
[ "$(bad_answers after)" = 0 ] || fail "errors after the chaos"
[ "$never_ready" = 0 ] || fail "$never_ready charts never became ready"
[ "$waiting" = 0 ] || fail "$waiting jobs still waiting at the end"
awk -v s="$slowest_503" 'BEGIN { exit !(s < 1.5) }' || fail "a 503 took ${slowest_503} s with Redis down"
log "fleet test passed"
