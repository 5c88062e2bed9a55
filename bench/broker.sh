#!/usr/bin/env bash
# Bundled broker (our own MQTT core inside `portico serve`) vs Debian mosquitto, same clients,
# same machine, side by side in one run. Prints messages/s for each and the ratio,
# then the console's publish -> display latency through its WebSocket at 100 msg/s
# (bench/console.mjs), the connect rate of 1,000 clients logging in with a user name
# and password (bench/mqtt-connect.py: a Portico token on ours, a password file on
# mosquitto), then the RSS of the portico process after 1M messages over 50 subscribed
# topics. Our clients always log in with a token (authentication on).
#
#   bench/broker.sh            # 100k x 256 B at QoS 0 and QoS 1, then the RSS run
#   MESSAGES=20000 RSS_MESSAGES=100000 bench/broker.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-100000}
RSS_MESSAGES=${RSS_MESSAGES:-1000000}
TOPICS=50
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

if ! command -v mosquitto >/dev/null && ! [ -x /usr/sbin/mosquitto ]; then
  sudo apt-get install -y mosquitto mosquitto-clients || apt-get install -y mosquitto mosquitto-clients
fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)

cargo build --release -p server --bin portico >&2
PORTICO="$CARGO_TARGET_DIR/release/portico"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

mosq_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$mosq_port" >"$work/mosquitto.conf"
"$MOSQUITTO" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)

# Every client of ours logs in: `bench` with a publish token, in its own namespace.
echo "bench password" | "$PORTICO" user create bench --password-stdin --data "$work/data" >/dev/null
token=$("$PORTICO" token create --user bench --scope publish --data "$work/data" 2>/dev/null | tail -1)
login=(-u bench -P "$token")

portico_port=$(free_port)
# With the demo catalog: the console bench uses the Order Service.
"$PORTICO" serve --addr 127.0.0.1:0 --mqtt-addr "127.0.0.1:$portico_port" --data "$work/data" \
  >"$work/portico.log" 2>&1 &
portico_pid=$!
pids+=($portico_pid)
for _ in $(seq 100); do grep -q "Portico listening" "$work/portico.log" 2>/dev/null && break; sleep 0.1; done

# 256-byte payloads (255 characters + the newline mosquitto_pub -l strips -> 255 B;
# pad to 256 visible bytes).
python3 -c "import sys; line='x'*256+'\n'; sys.stdout.write(line*$MESSAGES)" >"$work/lines"

# mosquitto_pub -l with QoS 1/2 loses messages beyond 65,535 per run (its packet ids
# wrap; Debian's mosquitto then drops the client "out of memory"), so the lines go out
# in chunks of 50,000, one mosquitto_pub after the other, for both brokers alike.
split -l 50000 "$work/lines" "$work/chunk."
WAIT=${WAIT:-60}

# Messages/s from the first publish to the last message received by one subscriber; a
# subscriber that did not get every message within WAIT seconds is reported as short.
run() { # port qos [login...]
  local port=$1 qos=$2 start end got
  shift 2
  mosquitto_sub -h 127.0.0.1 -p "$port" "$@" -t bench/t -q "$qos" -C "$MESSAGES" -W "$WAIT" >"$work/got" &
  local sub=$!
  sleep 0.5
  start=$(date +%s.%N)
  for chunk in "$work"/chunk.*; do
    mosquitto_pub -h 127.0.0.1 -p "$port" "$@" -t bench/t -q "$qos" -l <"$chunk"
  done
  wait "$sub" || true
  end=$(date +%s.%N)
  got=$(wc -l <"$work/got")
  if [ "$got" -lt "$MESSAGES" ]; then
    echo "short ($got of $MESSAGES)"
  else
    python3 -c "print(int($MESSAGES/($end-$start)))"
  fi
}

ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print(round(int(b)/int(a),2) if a.isdigit() and b.isdigit() else '-')" "$1" "$2"; }

echo "portico queue bytes per client: ${PORTICO_MQTT_QUEUE_BYTES:-1048576 (default)}"
echo "| QoS | mosquitto msg/s | portico msg/s | ratio |"
echo "|-----|-----------------|---------------|-------|"
for qos in 0 1; do
  m=$(run "$mosq_port" "$qos")
  p=$(run "$portico_port" "$qos" "${login[@]}")
  echo "| $qos | $m | $p | $(ratio "$m" "$p") |"
done

# Console publish -> display latency (the WebSocket the browser uses).
base_url=$(grep -o 'http://[0-9.:]*' "$work/portico.log" | head -1)
node --experimental-websocket --no-warnings bench/console.mjs "$base_url" "$token" "${CONSOLE_SECONDS:-30}" 100 || true

# Connect rate, 1,000 clients logging in one after the other; mosquitto checks a password
# file, ours a token.
bash scripts/paho.sh >/dev/null 2>&1 || true
python=target/tools/paho/bin/python
auth_port=$(free_port)
mosquitto_passwd -c -b "$work/passwords" bench "bench password" >/dev/null
# `user root`: mosquitto would otherwise drop to its own user, who cannot read the file.
printf 'user root\nlistener %s 127.0.0.1\nallow_anonymous false\npassword_file %s\n' "$auth_port" "$work/passwords" >"$work/mosquitto-auth.conf"
"$MOSQUITTO" -c "$work/mosquitto-auth.conf" >"$work/mosquitto-auth.log" 2>&1 &
pids+=($!)
sleep 0.5
read -r m_rate m_refused < <("$python" bench/mqtt-connect.py "$auth_port" bench "bench password" 1000)
read -r p_rate p_refused < <("$python" bench/mqtt-connect.py "$portico_port" bench "$token" 1000)
echo "| connect rate, 1,000 clients with credentials | mosquitto $m_rate/s (refused $m_refused) | portico $p_rate/s (refused $p_refused) | $(ratio "$m_rate" "$p_rate") |"

# RSS after RSS_MESSAGES messages over 50 topics, one draining subscriber per topic.
per_topic=$((RSS_MESSAGES / TOPICS))
python3 -c "import sys; line='y'*256+'\n'; sys.stdout.write(line*$per_topic)" >"$work/rss-lines"
subs=()
for t in $(seq $TOPICS); do
  mosquitto_sub -h 127.0.0.1 -p "$portico_port" "${login[@]}" -t "rss/$t" -C "$per_topic" -W 600 >/dev/null &
  subs+=($!)
done
sleep 1
pubs=()
for t in $(seq $TOPICS); do
  mosquitto_pub -h 127.0.0.1 -p "$portico_port" "${login[@]}" -t "rss/$t" -q 1 -l <"$work/rss-lines" &
  pubs+=($!)
done
lost=0
for s in "${subs[@]}"; do wait "$s" || lost=$((lost + 1)); done
# Only the publishers: a bare `wait` would wait for the brokers too.
wait "${pubs[@]}"
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$portico_pid/status")
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$portico_pid/status")
echo "portico RSS after $RSS_MESSAGES messages over $TOPICS topics: $((rss_kb / 1024)) MB (peak $((hwm_kb / 1024)) MB); subscribers short of messages: $lost"
