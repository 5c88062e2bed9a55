#!/usr/bin/env bash
# Builds the browser's spec engine (the `spec-worker` crate) into <site root>/engine/, and
# copies the worker script that loads it (crates/spec-worker/engine-worker.js) to the site root. cargo-leptos builds one WASM (the page's); this is
# the second, run in a Web Worker. Always an optimised build (profile engine-release, then
# wasm-opt): it is what the editor downloads besides the page, and a debug build of it
# would be ~40 MB.
# Usage: scripts/build-engine.sh [site root, default target/site]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"   # wasm-opt from npm binaryen
site=${1:-target/site}
target_dir=target/engine
wasm=$target_dir/wasm32-unknown-unknown/engine-release/spec_worker.wasm

cargo build -p spec-worker --lib --target wasm32-unknown-unknown --profile engine-release --target-dir "$target_dir"
mkdir -p "$site/engine"
cp crates/spec-worker/engine-worker.js "$site/engine-worker.js"
wasm-bindgen --target web --no-typescript --out-dir "$site/engine" --out-name portico_engine "$wasm"
wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$site/engine/portico_engine_bg.wasm" -o "$site/engine/portico_engine_bg.wasm"
