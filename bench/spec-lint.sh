#!/usr/bin/env bash
# Whole-process `portico lint` against the reference validators, one run, ratios printed:
#   @apidevtools/swagger-parser validate on the large OpenAPI corpus files,
#   @asyncapi/parser on the AsyncAPI corpus documents.
# The reference tools are installed from npm (pinned) into target/bench-tools; portico is
# built in release. The corpus is ../shared/corpus relative to the repository root.
#
#   bench/spec-lint.sh            (RUNS=3 by default: the best of three per file)
#   OPENAPI_ONLY=1 bench/spec-lint.sh   (the three OpenAPI files only)
#   BEFORE=/path/to/older/portico bench/spec-lint.sh   (adds that build's time per file, run
#                                 alternately with this one, and the ratio before/now)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus"
runs="${RUNS:-3}"
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
    echo "skipped: the corpus is missing at $corpus" >&2
    exit 0
fi
tools="$root/target/bench-tools"
mkdir -p "$tools"
if [ ! -d "$tools/node_modules/@asyncapi/parser" ] || [ ! -d "$tools/node_modules/@apidevtools/swagger-parser" ]; then
    (cd "$tools" && npm init -y >/dev/null &&
        npm install --no-audit --no-fund --silent \
            @apidevtools/swagger-parser@13.1.0 @asyncapi/parser@3.6.3 >/dev/null)
fi
cat > "$tools/swagger.cjs" <<'JS'
const SwaggerParser = require("@apidevtools/swagger-parser");
SwaggerParser.validate(process.argv[2], { resolve: { external: false } })
  .then(() => process.exit(0), (e) => { console.error(String(e.message).slice(0, 200)); process.exit(1); });
JS
cat > "$tools/asyncapi.cjs" <<'JS'
const { Parser, fromFile } = require("@asyncapi/parser");
const parser = new Parser();
fromFile(parser, process.argv[2]).validate()
  .then((d) => process.exit(d.some((x) => x.severity === 0) ? 1 : 0), (e) => { console.error(e); process.exit(2); });
JS
(cd "$root" && CARGO_INCREMENTAL=0 nice -n 10 cargo build --release -q -p server --bin portico)
portico="$root/target/release/portico"

# Best wall time of $runs runs of a command, in milliseconds (exit status ignored).
best_ms() {
    local best=""
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        local ms=$(( (end - start) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}

before="${BEFORE:-}"

row() { # name reference_ms portico_ms [before_ms]
    if [ -n "$before" ]; then
        awk -v n="$1" -v r="$2" -v p="$3" -v b="$4" 'BEGIN { printf "%-58s %9d %9d %8.1fx %9d %8.2fx\n", n, r, p, (p > 0 ? r / p : 0), b, (p > 0 ? b / p : 0) }'
    else
        awk -v n="$1" -v r="$2" -v p="$3" 'BEGIN { printf "%-58s %9d %9d %8.1fx\n", n, r, p, (p > 0 ? r / p : 0) }'
    fi
}

# The older build's time, when one is compared (empty otherwise).
before_ms() {
    if [ -n "$before" ]; then best_ms "$before" lint "$1"; fi
}

if [ -n "$before" ]; then
    printf "%-58s %9s %9s %9s %9s %9s\n" "file" "ref ms" "portico" "ratio" "before" "bef/now"
else
    printf "%-58s %9s %9s %9s\n" "file" "ref ms" "portico" "ratio"
fi
echo "-- OpenAPI: swagger-parser validate vs portico lint"
for f in openapi/valid/large/stripe-spec3-2022-04-12.json \
         openapi/valid/large/github-api.github.com-2022-06-11.json \
         openapi/valid/large/adyen-ManagementService-v3.json; do
    ref=$(best_ms node "$tools/swagger.cjs" "$corpus/$f")
    mine=$(best_ms "$portico" lint "$corpus/$f")
    old=$(before_ms "$corpus/$f")
    row "$f" "$ref" "$mine" "$old"
done
[ "${OPENAPI_ONLY:-}" = 1 ] && exit 0
echo "-- AsyncAPI: @asyncapi/parser validate vs portico lint (every document of the corpus)"
total_ref=0; total_mine=0; total_old=0; count=0
while IFS=$'\t' read -r file _ _ _ version _ _ role _; do
    [ "$role" = document ] || continue
    case "$version" in asyncapi*) ;; *) continue ;; esac
    ref=$(best_ms node "$tools/asyncapi.cjs" "$corpus/$file")
    mine=$(best_ms "$portico" lint "$corpus/$file")
    old=$(before_ms "$corpus/$file")
    total_ref=$((total_ref + ref)); total_mine=$((total_mine + mine)); count=$((count + 1))
    total_old=$((total_old + ${old:-0}))
    case "$file" in *zbos*|*slack*|*streetlights-kafka*) row "$file" "$ref" "$mine" "$old" ;; esac
done < <(tail -n +2 "$corpus/MANIFEST.tsv")
row "all $count AsyncAPI documents (sum)" "$total_ref" "$total_mine" "$total_old"
