"""MQTT 5 checks of the bundled broker with Eclipse paho-mqtt (PyPI, 2.x).

Usage: python conformance.py --port PORT [--host HOST]
Exits 0 when every check passes, 1 otherwise (each failure printed).
"""

import argparse
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

HOST, PORT = "127.0.0.1", 1883
FAILURES = []


class Client:
    """A paho client with its received messages and CONNACK properties."""

    def __init__(self, client_id, properties=None, will=None, keepalive=60, clean_start=True):
        self.messages = []
        self.connack = None
        self.connected = threading.Event()
        self.mqtt = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                protocol=mqtt.MQTTv5)
        self.mqtt.on_connect = self._on_connect
        self.mqtt.on_message = lambda c, u, m: self.messages.append(m)
        if will:
            topic, payload, will_properties = will
            self.mqtt.will_set(topic, payload, qos=1, properties=will_properties)
        self.mqtt.connect(HOST, PORT, keepalive=keepalive, clean_start=clean_start,
                          properties=properties)
        self.mqtt.loop_start()
        if not self.connected.wait(5):
            raise RuntimeError(f"{client_id}: no CONNACK")

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        self.connack = properties
        self.connected.set()

    def subscribe(self, topic, qos=1, properties=None):
        done = threading.Event()
        self.mqtt.on_subscribe = lambda *args: done.set()
        self.mqtt.subscribe(topic, options=SubscribeOptions(qos=qos), properties=properties)
        done.wait(5)

    def wait_for(self, count, timeout=5):
        deadline = time.time() + timeout
        while len(self.messages) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.messages

    def disconnect(self):
        self.mqtt.disconnect()
        self.mqtt.loop_stop()

    def vanish(self):
        """Closes the socket without DISCONNECT, as a crashed client would."""
        self.mqtt.loop_stop()
        self.mqtt.socket().close()


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if not condition else ""))
    if not condition:
        FAILURES.append(name)


def will_properties(delay):
    properties = Properties(PacketTypes.WILLMESSAGE)
    properties.WillDelayInterval = delay
    return properties


def test_clean_disconnect_discards_the_will():
    watch = Client("py-watch-1")
    watch.subscribe("py/wills/#")
    leaver = Client("py-leaver", will=("py/wills/leaver", b"gone", None))
    leaver.disconnect()
    time.sleep(1)
    check("[MQTT-3.14.4-3] a normal DISCONNECT discards the will", watch.messages == [],
          watch.messages)
    crasher = Client("py-crasher", will=("py/wills/crasher", b"gone", None))
    crasher.vanish()
    check("the will of a vanished client is published",
          [m.topic for m in watch.wait_for(1)] == ["py/wills/crasher"], watch.messages)
    watch.disconnect()


def test_will_delay():
    watch = Client("py-watch-2")
    watch.subscribe("py/delayed")
    connect = Properties(PacketTypes.CONNECT)
    connect.SessionExpiryInterval = 30
    late = Client("py-late", properties=connect, will=("py/delayed", b"late", will_properties(2)))
    started = time.time()
    late.vanish()
    watch.wait_for(1, timeout=6)
    waited = time.time() - started
    check("[MQTT-3.1.3-9] the will waits for its delay", watch.messages and 1.8 <= waited < 4,
          f"{len(watch.messages)} after {waited:.1f} s")
    watch.disconnect()


def test_shared_subscription():
    a, b = Client("py-share-a"), Client("py-share-b")
    check("Shared Subscription Available", getattr(a.connack, "SharedSubscriptionAvailable", 0) == 1)
    for client in (a, b):
        client.subscribe("$share/py/jobs/+", qos=0)
    publisher = Client("py-share-pub")
    for n in range(6):
        publisher.mqtt.publish("jobs/x", str(n), qos=0)
    time.sleep(1)
    counts = (len(a.messages), len(b.messages))
    check("MQTT 5 4.8.2: each shared message goes to one member, in turn", counts == (3, 3), counts)
    for client in (a, b, publisher):
        client.disconnect()


def test_subscription_identifiers():
    client = Client("py-ids")
    for identifier, topic in ((7, "py/ids/#"), (9, "py/ids/x")):
        properties = Properties(PacketTypes.SUBSCRIBE)
        properties.SubscriptionIdentifier = identifier
        client.subscribe(topic, properties=properties)
    client.mqtt.publish("py/ids/x", "m", qos=1)
    ids = sorted(i for m in client.wait_for(2) for i in m.properties.SubscriptionIdentifier)
    check("[MQTT-3.3.4-3] messages carry their Subscription Identifiers", ids == [7, 9], ids)
    client.disconnect()


def test_request_response_properties():
    responder = Client("py-responder")
    responder.subscribe("py/request")
    requester = Client("py-requester")
    properties = Properties(PacketTypes.PUBLISH)
    properties.ResponseTopic = "py/reply"
    properties.CorrelationData = b"\x00334"
    properties.ContentType = "text/plain"
    properties.PayloadFormatIndicator = 1
    properties.UserProperty = ("trace", "42")
    requester.mqtt.publish("py/request", "request", qos=1, properties=properties)
    received = responder.wait_for(1)
    got = received[0].properties if received else None
    check("[MQTT-3.3.2-15..20] request/response properties pass through unchanged",
          got is not None and got.ResponseTopic == "py/reply"
          and got.CorrelationData == b"\x00334" and got.ContentType == "text/plain"
          and got.PayloadFormatIndicator == 1 and ("trace", "42") in got.UserProperty, got)
    responder.disconnect()
    requester.disconnect()


def test_server_keep_alive():
    client = Client("py-keepalive", keepalive=0)
    announced = getattr(client.connack, "ServerKeepAlive", None)
    check("MQTT 5 3.2.2.3.14: a Server Keep Alive is announced for keep alive 0",
          announced is not None and announced > 0, announced)
    client.disconnect()


def main():
    global HOST, PORT
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    HOST, PORT = args.host, args.port
    for test in (test_clean_disconnect_discards_the_will, test_will_delay, test_shared_subscription,
                 test_subscription_identifiers, test_request_response_properties,
                 test_server_keep_alive):
        try:
            test()
        except Exception as error:  # a check that cannot run is a failure too
            check(test.__name__, False, repr(error))
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
