#!/usr/bin/env bash
# Runs the explorer on seeded demo data. Installs what is missing, starts project-local
# Redis and PostgreSQL under .data/ (unless REDIS_URL / DATABASE_URL are set), seeds the
# demo database once, builds a release, starts one worker and the web server, and prints
# the URL. Ctrl-C stops both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
source "$ROOT/scripts/services.sh"
cd "$ROOT"

ensure_services_tools
ensure_build_tools

if [ -z "${REDIS_URL:-}" ]; then
  start_local_redis
  export REDIS_URL="$LOCAL_REDIS_URL"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  start_local_postgres
  log "seeding the demo database (kept as it is when already seeded)"
  cargo xtask seed --scale "${DEMO_SCALE:-demo}" --database-url "$LOCAL_PG_URL/augur" --keep-existing
  # The app reads as the role the seed granted: SELECT on augur_data, nothing else.
  export DATABASE_URL="$(reader_url "$LOCAL_PG_URL/augur")"
else
  log "seeding the demo database (kept as it is when already seeded)"
  cargo xtask seed --scale "${DEMO_SCALE:-demo}" --keep-existing
fi

log "building the release (the first build takes about 10 minutes)"
cargo leptos build --release
leptos_cargo build --release -p worker

export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=explorer
# The demo opens on the chaoss org; set DEFAULT_SELECTION= (empty) for an empty page.
export DEFAULT_SELECTION="${DEFAULT_SELECTION-org:chaoss}"

WORKER_METRICS_ADDR="${WORKER_METRICS_ADDR:-127.0.0.1:9464}" target/release/worker &
worker_pid=$!
trap 'kill "$worker_pid" 2>/dev/null || true' EXIT

log "the explorer is at http://$LEPTOS_SITE_ADDR (Ctrl-C stops it)"
target/release/server
