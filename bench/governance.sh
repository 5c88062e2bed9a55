#!/usr/bin/env bash
# Governance speed, side by side in one run: `portico lint --ruleset R` and `spectral lint
# -r R` on Stripe's spec3.json (4.2 MB), whole process, alternating, best of RUNS (default
# 5), and `portico lint` without a ruleset for what the ruleset adds. R defaults to
# bench/rulesets/core.yaml (Spectral's core functions with typical `given`s; a built-in
# ruleset name works too: RULESET=portico:oas SPECTRAL_RULESET=spectral:oas).
#   bench/governance.sh                       # target/release/portico, built if missing
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
doc="${DOC:-$root/../shared/corpus/openapi/valid/large/stripe-spec3-2022-04-12.json}"
ruleset="${RULESET:-$root/bench/rulesets/core.yaml}"
spectral_ruleset="${SPECTRAL_RULESET:-$ruleset}"
# Spectral's CLI reads a ruleset file: a built-in name becomes a file extending it.
if [[ "$spectral_ruleset" == spectral:* ]]; then
    extending="$(mktemp --suffix=.yaml)"
    echo "extends: [\"$spectral_ruleset\"]" > "$extending"
    spectral_ruleset="$extending"
fi
runs="${RUNS:-5}"
tools="$root/target/bench-tools"
if [ ! -x "$tools/node_modules/.bin/spectral" ]; then
    mkdir -p "$tools"
    (cd "$tools" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund --silent @stoplight/spectral-cli@6.16.3 >/dev/null)
fi
spectral="$tools/node_modules/.bin/spectral"
portico="$root/target/release/portico"
[ -x "$portico" ] || (cd "$root" && cargo build --release -p server --bin portico)
ms() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
min() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }
best_spectral=""; best_rules=""; best_plain=""
for _ in $(seq "$runs"); do
    best_spectral=$(min "$best_spectral" "$(ms "$spectral" lint -r "$spectral_ruleset" -f json --quiet "$doc")")
    best_rules=$(min "$best_rules" "$(ms "$portico" lint --ruleset "$ruleset" --format json "$doc")")
    best_plain=$(min "$best_plain" "$(ms "$portico" lint --format json "$doc")")
done
echo "spectral lint:             ${best_spectral} ms"
echo "portico lint --ruleset:    ${best_rules} ms"
echo "portico lint (no ruleset): ${best_plain} ms"
python3 -c "s,r,p=$best_spectral,$best_rules,$best_plain; print(f'spectral / portico with the ruleset: {s/r:.1f}x (bar >= 50x); the ruleset adds {r-p} ms to portico lint')"
