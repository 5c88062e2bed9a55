#!/usr/bin/env bash
# Property-based tests of the REST API with schemathesis (PyPI) against its own OpenAPI
# document: starts the real server on a free loopback port with a fresh data folder, a
# user and a publish token, runs a bounded number of generated requests per operation,
# and fails on any 5xx or any response that does not match the document.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-25}
venv=target/tools/schemathesis
binary=${PORTICO_BIN:-target/debug/portico}

if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "[schemathesis] installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

export PORTICO_DATA="$data"
echo 'schemathesis password' | "$binary" user create tester --password-stdin >/dev/null
token=$("$binary" token create --user tester --scope publish | grep -o 'ptc_[0-9a-f]*' | head -n1)
RUST_LOG=warn "$binary" serve --addr "127.0.0.1:$port" --mqtt-addr off --demo true >/dev/null &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

"$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$MAX_EXAMPLES" \
  --seed 1 \
  --no-color
