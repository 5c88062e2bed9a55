#!/usr/bin/env bash
# `portico diff` on Stripe's spec3.json against a revision with 50 scattered changes
# (bench/diff-revision.py, written to a temporary folder), side by side in one run with
# `redocly diff` on the same pair and `portico lint` on both files; alternating, the
# best of RUNS (default 5) wall times of each, and the ratios against the bars:
#   redocly diff / portico diff          >= 20x
#   portico diff / portico lint (both)   <= 2.5x
# @redocly/cli (pinned) is installed from npm into target/bench-tools; portico is built
# in release. The corpus is ../shared/corpus relative to the repository root.
#
#   bench/diff.sh              (RUNS=5)
#   NO_BUILD=1 bench/diff.sh   (use target/release/portico as it is)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus"
runs="${RUNS:-5}"
old="$corpus/openapi/valid/large/stripe-spec3-2022-04-12.json"
if [ ! -f "$old" ]; then
    echo "skipped: Stripe's spec3.json is missing at $old" >&2
    exit 0
fi
tools="$root/target/bench-tools"
mkdir -p "$tools"
if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
    (cd "$tools" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund --silent @redocly/cli@2.77.0 >/dev/null)
fi
redocly="$tools/node_modules/.bin/redocly"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
if [ "${NO_BUILD:-}" != 1 ]; then
    (cd "$root" && CARGO_INCREMENTAL=0 nice -n 10 cargo build --release -q -p server --bin portico)
fi
portico="${CARGO_TARGET_DIR:-$root/target}/release/portico"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
new="$work/stripe-spec3-revised.json"
python3 "$root/bench/diff-revision.py" "$old" "$new"

# Wall time of one run of a command, in milliseconds (exit status ignored).
ms() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}
min() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

# What each tool finds, once, so a reader sees the same pair is compared.
changes=$("$portico" diff --format json "$old" "$new" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r["changes"]), "changes,", sum(c["severity"]=="breaking" for c in r["changes"]), "breaking")') || true
echo "portico diff: $changes"
"$redocly" diff --format json "$old" "$new" 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print("redocly diff:", len(r["changes"]), "changes,", r["summary"])' || true

best_redocly=""; best_diff=""; best_lint=""
for _ in $(seq "$runs"); do
    best_redocly=$(min "$best_redocly" "$(ms "$redocly" diff --format json "$old" "$new")")
    best_diff=$(min "$best_diff" "$(ms "$portico" diff --format json "$old" "$new")")
    best_lint=$(min "$best_lint" "$(ms "$portico" lint "$old" "$new")")
done
awk -v r="$best_redocly" -v d="$best_diff" -v l="$best_lint" -v n="$runs" 'BEGIN {
    printf "best of %d, ms: redocly diff %d, portico diff %d, portico lint (both files) %d\n", n, r, d, l
    printf "redocly diff / portico diff        %6.1fx  (bar >= 20x)\n", (d > 0 ? r / d : 0)
    printf "portico diff / portico lint (both) %6.2fx  (bar <= 2.5x)\n", (l > 0 ? d / l : 0)
}'
