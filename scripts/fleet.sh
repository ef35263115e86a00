#!/usr/bin/env bash
# Runs the explorer as a fleet on loopback, on the seeded demo data: nginx from Debian as the
# load balancer (round robin, no stickiness) in front of two web replicas, three workers, a
# Redis of the fleet's own and the project-local PostgreSQL. Release binaries by default
# (FLEET_PROFILE=debug for a debug build). Everything lives in target/fleet/ and stops on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
source "$ROOT/scripts/services.sh"
source "$ROOT/scripts/fleet-lib.sh"
cd "$ROOT"

ensure_services_tools
ensure_fleet_tools
ensure_build_tools

start_local_postgres
database_url="${DATABASE_URL:-$LOCAL_PG_URL/augur}"
log "seeding the demo database (kept as it is when already seeded)"
cargo xtask seed --scale "${DEMO_SCALE:-demo}" --database-url "$database_url" --keep-existing

profile="${FLEET_PROFILE:-release}"
log "building the $profile binaries"
if [ "$profile" = release ]; then
  cargo leptos build --release
  leptos_cargo build --release -p worker
else
  cargo leptos build
  leptos_cargo build -p worker
fi

# The app reads as the role the seed granted, unless DATABASE_URL names the role to use.
app_database_url="${DATABASE_URL:-$(reader_url "$database_url")}"
fleet_init "$ROOT/target/fleet" "$ROOT/target/$profile" "$app_database_url"
trap fleet_down EXIT
fleet_up "${FLEET_WEB_REPLICAS:-2}" "${FLEET_WORKERS:-3}"
log "the fleet is at http://127.0.0.1:$FLEET_LB_PORT (logs in target/fleet/; Ctrl-C stops it)"
for n in "${!FLEET_WEB_PORTS[@]}"; do
  echo "  web $n: http://127.0.0.1:${FLEET_WEB_PORTS[$n]}  metrics http://127.0.0.1:${FLEET_WEB_METRICS_PORTS[$n]}/metrics"
done
for n in "${!FLEET_WORKER_METRICS_PORTS[@]}"; do
  echo "  worker $n: metrics http://127.0.0.1:${FLEET_WORKER_METRICS_PORTS[$n]}/metrics"
done
echo "  redis: $FLEET_REDIS_URL"
# Wakes on Ctrl-C (the trap then stops the fleet) or when the fleet's time is up.
sleep "$FLEET_TTL" & wait $!
