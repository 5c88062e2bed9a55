#!/usr/bin/env python3
"""Connect rate: COUNT MQTT 3.1.1 clients, each with a user name and password, connect
(CONNECT -> CONNACK) and disconnect one after the other; prints clients per second.

    python3 bench/mqtt-connect.py PORT USER PASSWORD [COUNT]

Needs paho-mqtt (scripts/paho.sh installs it into target/tools/paho)."""
import sys
import threading
import time

import paho.mqtt.client as mqtt


def main():
    port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    refused = 0
    start = time.monotonic()
    for n in range(count):
        connected = threading.Event()
        outcome = {}

        def on_connect(client, userdata, flags, reason, properties):
            outcome["reason"] = reason
            connected.set()

        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-{n}",
                             protocol=mqtt.MQTTv311)
        client.username_pw_set(user, password)
        client.on_connect = on_connect
        client.connect("127.0.0.1", port)
        while not connected.is_set():
            client.loop(timeout=0.05)
        if outcome["reason"].is_failure:
            refused += 1
        client.disconnect()
    elapsed = time.monotonic() - start
    print(f"{int(count / elapsed)} {refused}")


main()
