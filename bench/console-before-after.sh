#!/usr/bin/env bash
# Two portico binaries side by side in one run (e.g. before and after a console change):
# for each, the bundled broker's QoS 0 throughput (mosquitto_pub -l -> mosquitto_sub,
# MESSAGES x 256 B, on a topic outside and one inside an organisation's namespace, since
# the console keeps recent traffic of the latter) and the console's publish -> display
# latency through its WebSocket (bench/console.mjs at 100 msg/s). ROUNDS alternate the
# binaries so drift on a shared machine hits both.
#
#   bench/console-before-after.sh BEFORE_BIN AFTER_BIN
#   MESSAGES=50000 CONSOLE_SECONDS=20 ROUNDS=2 bench/console-before-after.sh A B
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-100000}
CONSOLE_SECONDS=${CONSOLE_SECONDS:-20}
ROUNDS=${ROUNDS:-2}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
python3 -c "import sys; line='x'*256+'\n'; sys.stdout.write(line*$MESSAGES)" >"$work/lines"

throughput() { # port topic
  local start end got
  mosquitto_sub -h 127.0.0.1 -p "$1" -t "$2" -C "$MESSAGES" -W 60 >"$work/got" &
  local sub=$!
  sleep 0.5
  start=$(date +%s.%N)
  mosquitto_pub -h 127.0.0.1 -p "$1" -t "$2" -l <"$work/lines"
  wait "$sub" || true
  end=$(date +%s.%N)
  got=$(wc -l <"$work/got")
  if [ "$got" -lt "$MESSAGES" ]; then echo "short ($got)"; else python3 -c "print(int($MESSAGES/($end-$start)))"; fi
}

measure() { # label binary
  local mqtt data base token
  mqtt=$(free_port)
  data="$work/data-$RANDOM"
  "$2" serve --addr 127.0.0.1:0 --mqtt-addr "127.0.0.1:$mqtt" --data "$data" >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "Portico listening" "$work/log" 2>/dev/null && break; sleep 0.1; done
  base=$(grep -o 'http://[0-9.:]*' "$work/log" | head -1)
  echo "bench password" | "$2" user create bench --password-stdin --data "$data" >/dev/null
  token=$("$2" token create --user bench --scope publish --data "$data" 2>/dev/null | tail -1)
  echo "$1 QoS 0 msg/s: bench/t $(throughput "$mqtt" bench/t), orgs/portico/t $(throughput "$mqtt" orgs/portico/t)"
  echo -n "$1 "
  node --experimental-websocket --no-warnings bench/console.mjs "$base" "$token" "$CONSOLE_SECONDS" 100 || true
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

for round in $(seq "$ROUNDS"); do
  echo "round $round"
  measure before "$1"
  measure after "$2"
done
