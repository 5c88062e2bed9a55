#!/usr/bin/env bash
# Sets up what is missing, builds Portico in release mode and runs it on its embedded
# defaults: http://127.0.0.1:3000, SQLite under ./data. Extra arguments go to `portico serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"   # wasm-opt from npm binaryen
bash scripts/setup.sh
# --split: every page but the editor is a WASM chunk loaded when first shown (app/src/lib.rs).
cargo leptos build --release --split
bash scripts/build-engine.sh target/site
exec env LEPTOS_SITE_ROOT=target/site target/release/portico serve "$@"
