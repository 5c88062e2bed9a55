#!/usr/bin/env bash
# Sets up what is missing, then runs every check and test: formatting, clippy, the spec
# engine worker's WASM, Rust unit and integration tests, the MQTT broker with paho-mqtt,
# schemathesis against the REST API,
# and the end-to-end tests in Chromium.
# Prints the time of each phase; exits non-zero if anything failed. Idempotent.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# cargo-leptos bakes the output name in at compile time; plain cargo must agree with it or
# it rebuilds the Leptos crates and the server links /pkg files under another name.
export LEPTOS_OUTPUT_NAME=portico
export CARGO_TERM_COLOR=never
# One-shot builds gain nothing from incremental state, which costs gigabytes of disk.
export CARGO_INCREMENTAL=0

failures=()
passed=0
failed=0
phase_start=$SECONDS
total_start=$SECONDS

phase() { # name, command...
  local name=$1; shift
  local start=$SECONDS
  echo "==> $name"
  if "$@"; then
    echo "<== $name: ok in $((SECONDS - start))s"
  else
    echo "<== $name: FAILED in $((SECONDS - start))s"
    failures+=("$name")
    return 1
  fi
}

# Counts the "test result" lines of cargo test output into the totals.
count_cargo_results() {
  local log=$1 p f
  while read -r p f; do
    passed=$((passed + p)); failed=$((failed + f))
  done < <(sed -nE 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$log")
}

if ! bash scripts/setup.sh; then
  echo "setup failed: see the messages above"
  echo "summary: 0 passed, 1 failed"
  exit 1
fi

# The editor bundle in Chromium, without the server (frontend/editor/smoke.mjs).
editor_log=$(mktemp)
phase "editor bundle (Chromium)" bash -c "npm run --silent test:editor 2>&1 | tee '$editor_log'; exit \${PIPESTATUS[0]}"
while read -r p f; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(sed -nE 's/^editor smoke: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$editor_log")

phase "format" cargo fmt --all -- --check
phase "clippy (server side)" cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
phase "clippy (browser side)" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

cargo_log=$(mktemp)
phase "Rust tests" bash -c "cargo test --workspace --exclude frontend 2>&1 | tee '$cargo_log'; exit \${PIPESTATUS[0]}"
count_cargo_results "$cargo_log"

# The broker against a second client library (paho-mqtt from PyPI).
paho_log=$(mktemp)
phase "MQTT broker with paho-mqtt" bash -c "bash scripts/paho.sh 2>&1 | tee '$paho_log'; exit \${PIPESTATUS[0]}"
count_cargo_results "$paho_log"

# After the Rust tests, so the server binary the browser tests start is the one
# cargo-leptos built together with the WASM it hydrates.
# --split as in run.sh: a site built without it cannot load its lazily loaded pages.
phase "site build (cargo leptos build)" cargo leptos build --split
phase "engine worker WASM" bash scripts/build-engine.sh target/site

# The REST API against its own OpenAPI document (schemathesis from PyPI, bounded examples).
if phase "REST API fuzzing (schemathesis)" bash scripts/schemathesis.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

e2e_results=end2end/test-results/results.json
rm -f "$e2e_results"
phase "end2end (Playwright, Chromium)" npx playwright test --config end2end/playwright.config.ts
if [ -f "$e2e_results" ]; then
  read -r p f < <(node -e '
    const s = require(process.argv[1]).stats;
    console.log(s.expected + " " + (s.unexpected + s.flaky));' "$PWD/$e2e_results")
  echo "end2end: $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
else
  failed=$((failed + 1))
fi

echo "total time: $((SECONDS - total_start))s"
if [ ${#failures[@]} -gt 0 ]; then
  echo "failed phases: ${failures[*]}"
  [ "$failed" -eq 0 ] && failed=${#failures[@]}
fi
echo "summary: $passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ]
