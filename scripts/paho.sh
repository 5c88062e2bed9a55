#!/usr/bin/env bash
# The bundled broker against Eclipse paho-mqtt (PyPI), a second independent MQTT 5 client
# beside Debian's mosquitto clients: crates/mqtt-broker/tests/paho/conformance.py through
# the crate's ignored `paho` test. Installs paho-mqtt into target/tools/paho. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PAHO_VERSION=2.1.0
venv=target/tools/paho
if ! "$venv/bin/python" -c "import paho.mqtt; assert paho.mqtt.__version__ == '$PAHO_VERSION'" 2>/dev/null; then
  echo "[paho] installing paho-mqtt $PAHO_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "paho-mqtt==$PAHO_VERSION"
fi
PAHO_PYTHON="$PWD/$venv/bin/python" cargo test -p mqtt-broker --test paho -- --ignored
