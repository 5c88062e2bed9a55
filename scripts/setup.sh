#!/usr/bin/env bash
# Installs every tool Portico needs to build, run and test, and skips what is already there.
# Idempotent: safe to run on every `run.sh` / `test.sh`. Prints the time it took.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

WASM_BINDGEN_VERSION=0.2.130   # must equal the `=` pin of wasm-bindgen in Cargo.toml
CARGO_LEPTOS_VERSION=0.3.10    # 0.3.11 needs rustc 1.96

log() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # No --locked: the CLI's lockfile wants a crate this registry does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v cargo-leptos >/dev/null || ! cargo-leptos --version | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --force
fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v mosquitto_pub >/dev/null || need_apt+=(mosquitto-clients)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The CodeMirror editor bundle; cargo-leptos copies public/ into the site, so it must be
# built before `cargo leptos build`. Rebuilt when its sources or the npm packages change.
editor_bundle=public/editor/portico-editor.js
if [ ! -f "$editor_bundle" ] \
  || [ -n "$(find frontend/editor/src package.json package-lock.json -newer "$editor_bundle" -print -quit)" ]; then
  log "building the editor bundle ($editor_bundle)"
  npm run --silent build:editor
fi

log "tools ready in $((SECONDS - start))s"
