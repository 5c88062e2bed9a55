#!/usr/bin/env python3
"""Does telling 1,000 consumers delay the publish that tells them? Side by side in one run.

Two assets of one organisation: `quiet` has no consumers, `busy` has 1,000 (one per
organisation, each with a member and a webhook to a receiver on loopback). Publishes
alternate between the two; each answer's time is measured end to end through the REST
API while the background sender fans the earlier publishes out (1,000 inbox entries and
1,000 signed webhook deliveries each). Then it waits for every delivery to arrive.

Usage: python3 bench/fan-out.py   (needs target/release/portico; ROUNDS=15 CONSUMERS=1000)
"""
import http.client
import http.server
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("PORTICO_BIN", os.path.join(ROOT, "target/release/portico"))
ROUNDS = int(os.environ.get("ROUNDS", "15"))
CONSUMERS = int(os.environ.get("CONSUMERS", "1000"))
DOCUMENT = open(os.path.join(ROOT, "server/src/demo/order-service-1.0.0.yaml"), "rb").read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver(http.server.BaseHTTPRequestHandler):
    """Counts deliveries; answers 204 at once."""
    count = 0
    last = 0.0
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with Receiver.lock:
            Receiver.count += 1
            Receiver.last = time.time()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def request(port, method, path, token, body=None, content_type="application/json"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = content_type
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read()
    conn.close()
    return response.status, text


def publish(port, token, asset, version):
    started = time.perf_counter()
    status, text = request(port, "PUT", f"/api/v1/assets/bench/{asset}/{version}", token, DOCUMENT,
                           "application/yaml")
    elapsed = (time.perf_counter() - started) * 1000
    if status != 201:
        sys.exit(f"publish {asset} {version}: {status} {text[:300]!r}")
    return elapsed


def add_consumers(db_path, asset_id, hook_url):
    """1,000 organisations, each with a member, a registration on `busy` and a webhook,
    written the way the repository writes them."""
    db = sqlite3.connect(db_path, timeout=30)
    with db:
        for i in range(CONSUMERS):
            user = db.execute("INSERT INTO users (username, password_hash) VALUES (?, 'unusable')",
                              (f"consumer{i}",)).lastrowid
            org = db.execute("INSERT INTO organizations (slug, name, personal_owner_id) VALUES (?, ?, ?)",
                             (f"consumer{i}", f"consumer{i}", user)).lastrowid
            db.execute("INSERT INTO memberships (organization_id, user_id, role) VALUES (?, ?, 'admin')", (org, user))
            db.execute("INSERT INTO consumers (asset_id, organization_id, registered_by, version_range)"
                       " VALUES (?, ?, ?, '>=1.0.0')", (asset_id, org, user))
            db.execute("INSERT INTO webhooks (organization_id, url, secret, events)"
                       " VALUES (?, ?, 'bench secret', '[\"version.published\"]')", (org, hook_url))
    db.close()


def main():
    if not os.path.exists(BIN):
        sys.exit(f"build first: {BIN} is missing")
    work = tempfile.mkdtemp(prefix="portico-fan-out-")
    data = os.path.join(work, "data")
    env = dict(os.environ, PORTICO_DATA=data, RUST_LOG="warn")
    subprocess.run([BIN, "user", "create", "bench", "--password-stdin"], input=b"bench password\n", env=env,
                   check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run([BIN, "token", "create", "--user", "bench", "--scope", "publish"], env=env, check=True,
                           capture_output=True, text=True).stdout
    token = next(w for w in token.split() if w.startswith("ptc_"))

    # The default backlog of 5 drops connections the sender opens in parallel (each then
    # waits a second for its SYN to be sent again): the receiver would be what is measured.
    http.server.ThreadingHTTPServer.request_queue_size = 256
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"

    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--addr", f"127.0.0.1:{port}", "--mqtt-addr", "off", "--data", data, "--demo", "false",
         "--allow-hosts", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        for _ in range(200):
            try:
                if request(port, "GET", "/healthz", token)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        for asset in ("quiet", "busy"):
            publish(port, token, asset, "1.0.0")
        db = sqlite3.connect(os.path.join(data, "portico.db"))
        busy_id, = db.execute("SELECT id FROM assets WHERE name = 'busy'").fetchone()
        db.close()
        add_consumers(os.path.join(data, "portico.db"), busy_id, hook_url)
        print(f"{CONSUMERS:,} consumers of bench/busy, each with a webhook to {hook_url}", flush=True)

        quiet, busy = [], []
        started = time.time()
        for n in range(1, ROUNDS + 1):
            quiet.append(publish(port, token, "quiet", f"1.{n}.0"))
            busy.append(publish(port, token, "busy", f"1.{n}.0"))
        expected = ROUNDS * CONSUMERS
        while Receiver.count < expected and time.time() - started < 600:
            time.sleep(0.2)
        took = Receiver.last - started

        def p95(values):
            return sorted(values)[int(len(values) * 0.95)]

        print(f"publish answer, median: without consumers {statistics.median(quiet):.1f} ms,"
              f" with {CONSUMERS:,} {statistics.median(busy):.1f} ms,"
              f" ratio {statistics.median(busy) / statistics.median(quiet):.2f}x")
        print(f"publish answer, p95: without {p95(quiet):.1f} ms, with {p95(busy):.1f} ms,"
              f" ratio {p95(busy) / p95(quiet):.2f}x")
        print(f"fan-out: {Receiver.count:,}/{expected:,} webhook deliveries received"
              f" {took:.1f} s after the first publish ({Receiver.count / max(took, 0.001):,.0f}/s)")
    finally:
        server.terminate()
        server.wait()
        receiver.shutdown()


if __name__ == "__main__":
    main()
