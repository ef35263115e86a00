#!/usr/bin/env bash
# Checks deploy/ offline: the manifests (deploy/validate.py: Kubernetes schemas, KEDA's
# schema, the drain and grace rules; broken copies must fail), then runs the server and the
# worker the way deploy/Containerfile's final stage would: its files laid out under a
# temporary /app, its working directory, its environment only, its non-root user, the files
# read-only. Addresses bind loopback instead of 0.0.0.0, the one change. Run by scripts/test.sh
# after its builds (IMAGE_PROFILE=debug: the binaries it built; release is what the image has).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
source "$ROOT/scripts/services.sh"
cd "$ROOT"

ensure_deploy_tools
log "deploy: validating the manifests"
"$DEPLOY_TOOLS/venv/bin/python" deploy/validate.py --node-modules "$DEPLOY_TOOLS/node_modules" --self-test

log "deploy: running the server and the worker as the image would"
profile="${IMAGE_PROFILE:-debug}"
containerfile=deploy/Containerfile
image=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; chmod -R u+w "$image"; rm -rf "$image"' EXIT
final_stage=$(awk '/^FROM /{ stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }' "$containerfile")
# /app in the image is $image/app here; /src (the build stage's checkout) is this checkout.
in_image() { sed "s|^/|$image/|" <<<"$1"; }
workdir=$(in_image "$(awk '$1 == "WORKDIR" { print $2 }' <<<"$final_stage" | tail -n 1)")
mkdir -p "$workdir"
while read -r _ _ source destination; do
  source="${source#/src/}"
  source="${source/target\/release\//target/$profile/}"
  mkdir -p "$(dirname "$(in_image "$destination")")"
  cp -r "$source" "$(in_image "$destination")"
done < <(awk '$1 == "COPY" && $2 ~ /^--from=/' <<<"$final_stage")
image_env=()
while read -r _ assignment; do
  name=${assignment%%=*} value=${assignment#*=}
  case $value in /*) value=$(in_image "$value") ;; esac
  value=${value/0.0.0.0:/127.0.0.1:}
  image_env+=("$name=$value")
done < <(awk '$1 == "ENV" && $2 !~ /^PATH=/' <<<"$final_stage")
user=$(awk '$1 == "USER" { print $2 }' <<<"$final_stage" | tail -n 1)
command=$(in_image "$(sed -n 's/^CMD \["\([^"]*\)"\]$/\1/p' <<<"$final_stage")")
chmod -R a+rX,a-w "$image"

web_port=$(free_port) metrics_port=$(free_port) worker_port=$(free_port)
while [ "$metrics_port" = "$web_port" ]; do metrics_port=$(free_port); done
# Only what the image sets, then what the cluster would (ConfigMap and Secret), on loopback.
# Run it in the background: it replaces that subshell, so $! is the process itself.
run_as_image() {
  local as_user=()
  [ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid "${user%%:*}" --regid "${user##*:}" --clear-groups)
  cd "$workdir"
  exec env -i "${image_env[@]}" \
    DATABASE_URL="$(reader_url "${TEST_DATABASE_URL%/*}/augur_e2e")" REDIS_URL="$TEST_REDIS_URL" CACHE_KEY_PREFIX="image-$$:" \
    LEPTOS_SITE_ADDR="127.0.0.1:$web_port" METRICS_ADDR="127.0.0.1:$metrics_port" \
    WORKER_METRICS_ADDR="127.0.0.1:$worker_port" WEB_DRAIN_DELAY_SECS=0 \
    timeout 120 "${as_user[@]}" "$@"
}
mkdir -p target/test-logs
logs="$ROOT/target/test-logs"
run_as_image "$command" >"$logs/image-server.log" 2>&1 &
pids+=($!)
run_as_image "$(dirname "$command")/worker" >"$logs/image-worker.log" 2>&1 &
pids+=($!)
wait_for "the image's server" 30 curl -fs "http://127.0.0.1:$web_port/healthz"
wait_for "the image's worker" 30 curl -fs "http://127.0.0.1:$worker_port/readyz"

fail() { echo "image test FAILED: $*" >&2; exit 1; }
page=$(curl -fs "http://127.0.0.1:$web_port/") || fail "the welcome page did not answer"
grep -q '/pkg/explorer' <<<"$page" || fail "the page does not load the site's bundle"
for asset in explorer.js explorer.wasm explorer.css; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$web_port/pkg/$asset")
  [ "$code" = 200 ] || fail "/pkg/$asset answered $code: the site folder is not where the image puts it"
done
curl -fs "http://127.0.0.1:$metrics_port/metrics" | grep -q '^explorer_queue_depth ' || fail "no metrics on METRICS_ADDR"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$web_port/metrics")
[ "$code" = 404 ] || fail "/metrics answered $code on the public port"
curl -fs "http://127.0.0.1:$web_port/readyz" >/dev/null || fail "the image's server is not ready"
stopping=$(date +%s)
kill -TERM "${pids[0]}"
wait "${pids[0]}" || fail "the image's server exited with an error on SIGTERM (target/test-logs/image-server.log)"
[ $(($(date +%s) - stopping)) -lt 25 ] || fail "the image's server took over 25 s to stop"
log "deploy: the image's server and worker ran as user $user from $workdir"
