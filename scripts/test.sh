#!/usr/bin/env bash
# Runs every test: unit, integration (real Redis and PostgreSQL) and end-to-end
# (Playwright in Debian's Chromium against the real server and worker). Installs what is
# missing and starts project-local Redis and PostgreSQL under .data/, unless
# TEST_REDIS_URL / TEST_DATABASE_URL point elsewhere.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
source "$ROOT/scripts/services.sh"
cd "$ROOT"

ensure_services_tools
ensure_build_tools
ensure_browser

if [ -z "${TEST_REDIS_URL:-}" ]; then
  start_local_redis
  export TEST_REDIS_URL="$LOCAL_REDIS_URL"
fi
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  start_local_postgres
  export TEST_DATABASE_URL="$LOCAL_PG_URL/postgres"
fi

# Databases left by earlier runs (each integration test makes its own); one in use belongs to
# a run still going on this server, and is left alone.
psql "$TEST_DATABASE_URL" -Atc "SELECT datname FROM pg_database d WHERE datname LIKE 'test\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)" |
  while read -r db; do psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true; done

logs="$ROOT/target/test-logs"
mkdir -p "$logs"

log "unit and integration tests"
leptos_cargo test -p app -p charts -p explorer -p server -p testkit -p worker -p xtask 2>&1 |
  tee "$logs/cargo-test.log"

log "building the app and the worker for the end-to-end tests"
cargo leptos build
leptos_cargo build -p worker

log "end-to-end tests"
e2e_db="${TEST_DATABASE_URL%/*}/augur_e2e"
leptos_cargo xtask seed --scale tiny --database-url "$e2e_db" --replace
port=$(free_port)
# The app reads as the read-only role; a test that breaks and mends Augur uses the owner.
export AUGUR_OWNER_URL="$e2e_db"
export DATABASE_URL="$(reader_url "$e2e_db")" REDIS_URL="$TEST_REDIS_URL" CACHE_KEY_PREFIX="e2e-$$-$RANDOM:"
# Every Playwright test is one client (127.0.0.1) opening many cold selections in a row:
# more new jobs a minute than the per-client default allows a person.
export JOBS_PER_CLIENT_PER_MINUTE=100000 JOB_BURST_PER_CLIENT=100000
export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=explorer
mkdir -p target/e2e
# Both stop by themselves after 15 minutes even if this script is killed.
timeout 900 target/debug/worker >target/e2e/worker.log 2>&1 &
worker_pid=$!
timeout 900 target/debug/server >target/e2e/server.log 2>&1 &
server_pid=$!
trap 'kill "$worker_pid" "$server_pid" 2>/dev/null || true' EXIT
wait_for "the web server" 60 curl -fs "http://127.0.0.1:$port/healthz"
(cd end2end && BASE_URL="http://127.0.0.1:$port" npx playwright test) 2>&1 | tee "$logs/playwright.log"

# The fleet on loopback: nginx, two replicas, three workers, their own Redis (about 2 minutes).
log "fleet test (scripts/fleet-test.sh)"
FLEET_REPORT="$logs/fleet.md" scripts/fleet-test.sh 2>&1 | tee "$logs/fleet.log"

# What deploy/Containerfile's build stage builds: the release server (with the release browser
# bundle in target/site) and worker, their view types erased as in debug builds (Cargo.toml's
# always-erase-components); scripts/demo.sh reuses these.
log "the release build the image holds (cargo leptos build --release, the release worker)"
cargo leptos build --release
leptos_cargo build --release -p worker

# deploy/: the manifests validated offline, and those release binaries run as the image runs them.
log "deploy test (scripts/deploy-test.sh, on the release build)"
IMAGE_PROFILE=release scripts/deploy-test.sh 2>&1 | tee "$logs/deploy.log"

# One closing line for the whole run: cargo's and Playwright's counts added up.
count() { grep -ohE "[0-9]+ $1" "$logs/cargo-test.log" "$logs/playwright.log" | awk '{ n += $1 } END { print n + 0 }'; }
echo "tests: $(count passed) passed, $(count failed) failed"
