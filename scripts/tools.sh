# Installs what the demo and the tests need, only when it is missing.
# Sourced by scripts/demo.sh and scripts/test.sh; every step is idempotent.

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen crate pinned in Cargo.toml
BINARYEN_VERSION=132          # Debian's binaryen is too old: its wasm-opt output breaks in the browser

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

# cargo with the flag cargo-leptos gives every build of this workspace (Cargo.toml's
# always-erase-components), so that plain cargo builds share its artefacts. Not exported:
# cargo-leptos appends its flags to RUSTFLAGS, and the doubled flag would rebuild everything.
leptos_cargo() { RUSTFLAGS="--cfg erase_components" cargo "$@"; }

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"
    $sudo apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_services_tools() {
  apt_install redis-server postgresql postgresql-contrib curl
}

ensure_build_tools() {
  apt_install pkg-config
  command -v npm >/dev/null || apt_install nodejs npm
  if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
    # Not --locked: one of its locked dependencies is no longer in the registry.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  ensure_node_modules
}

ensure_node_modules() {
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] ||
    [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]; then
    log "npm install (end2end: playwright, axe-core, binaryen $BINARYEN_VERSION)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
  fi
}

ensure_browser() {
  apt_install chromium fonts-dejavu-core
}

# nginx as the fleet's load balancer, wrk for its load; only the binaries, no service is started.
ensure_fleet_tools() {
  apt_install nginx-light wrk
}

# Offline validation of deploy/: kubernetes-validate (bundles the Kubernetes schemas) in a
# virtualenv, and @kubernetes-models/keda (bundles KEDA's schemas), under target/deploy-tools.
KUBERNETES_VALIDATE_VERSION=1.37.0
KEDA_MODELS_VERSION=2.0.0
DEPLOY_TOOLS="$ROOT/target/deploy-tools"
ensure_deploy_tools() {
  command -v npm >/dev/null || apt_install nodejs npm
  if ! "$DEPLOY_TOOLS/venv/bin/kubernetes-validate" --version 2>/dev/null | grep -q "$KUBERNETES_VALIDATE_VERSION"; then
    log "pip install kubernetes-validate $KUBERNETES_VALIDATE_VERSION (into target/deploy-tools/venv)"
    # --clear: a venv left half-made by an interrupted run has no pip, and would fail every run after.
    python3 -m venv --clear "$DEPLOY_TOOLS/venv" 2>/dev/null ||
      { apt_install python3-venv && python3 -m venv --clear "$DEPLOY_TOOLS/venv"; }
    "$DEPLOY_TOOLS/venv/bin/pip" install -q "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  fi
  if [ ! -f "$DEPLOY_TOOLS/node_modules/@kubernetes-models/keda/package.json" ]; then
    log "npm install @kubernetes-models/keda $KEDA_MODELS_VERSION (into target/deploy-tools)"
    mkdir -p "$DEPLOY_TOOLS"
    # A package.json of its own, so that npm installs here and not in a parent folder.
    [ -f "$DEPLOY_TOOLS/package.json" ] || echo '{"private": true}' >"$DEPLOY_TOOLS/package.json"
    (cd "$DEPLOY_TOOLS" && npm install --no-audit --no-fund --loglevel=error --no-save \
      "@kubernetes-models/keda@$KEDA_MODELS_VERSION")
  fi
}
