#!/usr/bin/env python3
"""Exchange speed, side by side in one run (these machines are noisy: ratios matter).

  1. search p95 with 100,000 asset versions (20,000 assets x 5 versions) through the REST
     API, against the same FTS5 query run bare through Python's sqlite3 on the same file;
  2. document download by GAV, requests/s, against Debian's nginx serving the same file
     from disk (same wrk run settings);
  3. asset page server-side render, requests/s, against that nginx figure;
  4. publishing a 1 MB document, against `portico lint` on the same file.

Usage: python3 bench/exchange.py   (needs target/release/portico and the release site from
`LEPTOS_SITE_ROOT=target/site-release cargo leptos build --release`; installs nginx-light
and wrk with apt when missing).
"""
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("PORTICO_BIN", os.path.join(ROOT, "target/release/portico"))
SITE = os.environ.get("LEPTOS_SITE_ROOT", os.path.join(ROOT, "target/site-release"))
ASSETS, VERSIONS = 20_000, 5
WORDS = ("order payment invoice shipment customer parcel locker refund ledger account "
         "inventory warehouse stock price catalog review rating coupon cart checkout "
         "delivery route driver fleet sensor alert metric tenant billing usage").split()
FIELDS = ("customerId orderId amountCents currency sku quantity warehouseId lockerCode "
          "routeId driverId tenantId couponCode ratingValue invoiceNumber").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(samples):
    ordered = sorted(samples)
    return ordered[int(len(ordered) * 0.95)]


def ensure_tools():
    missing = [p for p, cmd in (("nginx-light", "nginx"), ("wrk", "wrk")) if not shutil.which(cmd) and not os.path.exists(f"/usr/sbin/{cmd}")]
    if missing:
        print(f"installing {' '.join(missing)} with apt", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)


class Portico:
    def __init__(self, data):
        self.data, self.port = data, free_port()
        self.proc = subprocess.Popen(
            [BIN, "serve", "--addr", f"127.0.0.1:{self.port}", "--mqtt-addr", "off", "--data", data,
             "--site-root", SITE, "--demo", "false"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, RUST_LOG="warn"))
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("portico did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def generate(db_path, org_id, user_id):
    """Writes 20,000 assets x 5 versions the way the repository does (latest version and
    its search row per asset; the documents have no channels, so none for the event map,
    and each version is marked as read for it, as a publish marks it)."""
    rnd = random.Random(7)
    db = sqlite3.connect(db_path)
    doc = b"asyncapi: 3.0.0\ninfo:\n  title: T\n  version: 1.0.0\n"
    with db:
        for a in range(ASSETS):
            words = rnd.sample(WORDS, 3)
            name = f"{words[0]}-{words[1]}-{a}"
            cur = db.execute("INSERT INTO assets (organization_id, name, kind, public) VALUES (?, ?, 'asyncapi', 0)",
                             (org_id, name))
            asset_id = cur.lastrowid
            latest = None
            for v in range(VERSIONS):
                terms = " ".join(rnd.sample(FIELDS, 4) + rnd.sample(WORDS, 4))
                title = f"{words[0].title()} {words[1].title()} Service"
                description = f"Handles {words[0]} and {words[2]} events."
                cur = db.execute(
                    "INSERT INTO asset_versions (asset_id, version, major, minor, patch, lifecycle, title, description,"
                    " tags, spec_version, content, content_type, content_sha256, search_terms, published_by,"
                    " channels_indexed)"
                    " VALUES (?, ?, 1, ?, 0, 'stable', ?, ?, ?, '3.0.0', ?, 'application/yaml', ?, ?, ?, 1)",
                    (asset_id, f"1.{v}.0", v, title, description, json.dumps([words[2]]), doc, f"{a:064x}", terms, user_id))
                latest = (cur.lastrowid, title, description, words[2], terms)
            db.execute("UPDATE assets SET latest_version_id = ? WHERE id = ?", (latest[0], asset_id))
            db.execute("INSERT INTO asset_search (rowid, asset_name, title, description, tags, content_terms)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (asset_id, name, latest[1], latest[2], latest[3], latest[4]))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


BARE_SQL = """SELECT o.slug, a.name, a.kind, v.title, v.version, v.lifecycle, a.updated_at,
    snippet(asset_search, -1, '\x02', '\x03', '…', 12)
  FROM assets a JOIN organizations o ON o.id = a.organization_id
  JOIN asset_versions v ON v.id = a.latest_version_id
  JOIN asset_search s ON s.rowid = a.id
  WHERE asset_search MATCH ? AND (a.public = 1 OR a.organization_id IN
        (SELECT organization_id FROM memberships WHERE user_id = ?))
  ORDER BY bm25(asset_search, 10.0, 8.0, 2.0, 4.0, 1.0), a.name LIMIT 20 OFFSET 0"""
BARE_COUNT = """SELECT count(*) FROM assets a JOIN organizations o ON o.id = a.organization_id
  JOIN asset_versions v ON v.id = a.latest_version_id JOIN asset_search s ON s.rowid = a.id
  WHERE asset_search MATCH ? AND (a.public = 1 OR a.organization_id IN
        (SELECT organization_id FROM memberships WHERE user_id = ?))"""


def wrk(url, headers=(), seconds=8):
    args = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out)


def main():
    if not os.path.exists(BIN):
        sys.exit(f"build first: {BIN} is missing")
    ensure_tools()
    work = tempfile.mkdtemp(prefix="portico-bench-")
    data = os.path.join(work, "data")
    env = dict(os.environ, PORTICO_DATA=data)
    subprocess.run([BIN, "user", "create", "bench", "--password-stdin"], input=b"bench password\n", env=env,
                   check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run([BIN, "token", "create", "--user", "bench", "--scope", "publish"], env=env, check=True,
                           capture_output=True, text=True).stdout
    token = next(w for w in token.split() if w.startswith("ptc_"))
    db_path = os.path.join(data, "portico.db")
    db = sqlite3.connect(db_path)
    user_id, = db.execute("SELECT id FROM users WHERE username = 'bench'").fetchone()
    org_id, = db.execute("SELECT id FROM organizations WHERE slug = 'bench'").fetchone()
    db.close()
    started = time.time()
    generate(db_path, org_id, user_id)
    print(f"generated {ASSETS * VERSIONS:,} asset versions in {time.time() - started:.1f} s", flush=True)

    portico = Portico(data)
    try:
        auth = {"Authorization": f"Bearer {token}"}
        conn = http.client.HTTPConnection("127.0.0.1", portico.port)
        # 1. Search.
        rnd = random.Random(11)
        queries = [rnd.choice(FIELDS + WORDS) for _ in range(400)]
        bare = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        api_ms, bare_ms = [], []
        for q in queries[:20]:  # warm both
            conn.request("GET", "/api/v1/assets?q=" + urllib.parse.quote(q), headers=auth)
            conn.getresponse().read()
        for q in queries:
            t = time.perf_counter()
            conn.request("GET", "/api/v1/assets?q=" + urllib.parse.quote(q), headers=auth)
            response = conn.getresponse()
            response.read()
            api_ms.append((time.perf_counter() - t) * 1000)
            assert response.status == 200
            fts = f'"{q}"*'
            t = time.perf_counter()
            bare.execute(BARE_COUNT, (fts, user_id)).fetchone()
            bare.execute(BARE_SQL, (fts, user_id)).fetchall()
            bare_ms.append((time.perf_counter() - t) * 1000)
        print(f"search p95: portico {p95(api_ms):.2f} ms (REST API, end to end), bare sqlite3 {p95(bare_ms):.2f} ms"
              f" -> ratio {p95(api_ms) / p95(bare_ms):.2f}x (bar: <= 2x; aim < 10 ms)  [median {statistics.median(api_ms):.2f} vs {statistics.median(bare_ms):.2f} ms]", flush=True)

        # 2. Download by GAV vs nginx.
        document = open(os.path.join(ROOT, "app/src/design/templates/order-service.yaml"), "rb").read()
        conn.request("PUT", "/api/v1/assets/bench/orders/1.0.0", body=document,
                     headers={**auth, "Content-Type": "application/yaml"})
        assert conn.getresponse().read() is not None
        www = os.path.join(work, "www")
        os.makedirs(www)
        with open(os.path.join(www, "spec.yaml"), "wb") as f:
            f.write(document)
        nginx_port = free_port()
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes 2; daemon off; pid {work}/nginx.pid; error_log {work}/nginx.err;
events {{ worker_connections 1024; }}
http {{ access_log off; types {{ application/yaml yaml; }}
  server {{ listen 127.0.0.1:{nginx_port}; root {www}; }} }}""")
        nginx = subprocess.Popen(["nginx" if shutil.which("nginx") else "/usr/sbin/nginx", "-c", conf],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            nginx_rps = wrk(f"http://127.0.0.1:{nginx_port}/spec.yaml")
            portico_rps = wrk(f"http://127.0.0.1:{portico.port}/api/v1/assets/bench/orders/1.0.0/spec",
                              [f"Authorization: Bearer {token}"])
            print(f"download by GAV: portico {portico_rps:,.0f} req/s, nginx {nginx_rps:,.0f} req/s"
                  f" -> ratio {portico_rps / nginx_rps:.2f}x (bar: >= 0.7x)", flush=True)

            # 3. Asset page SSR with a session.
            login = http.client.HTTPConnection("127.0.0.1", portico.port)
            body = urllib.parse.urlencode({"username": "bench", "password": "bench password"})
            login.request("POST", "/rpc/log_in", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{portico.port}",
                "Accept": "application/json"})
            response = login.getresponse()
            response.read()
            cookie = response.getheader("Set-Cookie").split(";")[0]
            page = f"http://127.0.0.1:{portico.port}/exchange/bench/orders/1.0.0"
            check = http.client.HTTPConnection("127.0.0.1", portico.port)
            check.request("GET", "/exchange/bench/orders/1.0.0", headers={"Cookie": cookie})
            html = check.getresponse().read().decode()
            assert "Order Service" in html and "documentation" in html, "the page did not render for the session"
            ssr_rps = wrk(page, [f"Cookie: {cookie}"])
            print(f"asset page SSR: portico {ssr_rps:,.0f} req/s, nginx {nginx_rps:,.0f} req/s"
                  f" -> ratio {ssr_rps / nginx_rps:.2f}x (bar: >= 0.1x)", flush=True)
        finally:
            nginx.terminate()
            nginx.wait()

        # 4. Publishing 1 MB against `portico lint`.
        lines = ["asyncapi: 3.0.0", "info:", "  title: Megabyte", "  version: 1.0.0", "channels:"]
        i = 0
        while sum(len(l) + 1 for l in lines) < 1_000_000:
            lines += [f"  ch{i}:", f"    address: things/{i}", f"    description: Channel number {i} of the large document."]
            i += 1
        big = ("\n".join(lines) + "\n").encode()
        path = os.path.join(work, "megabyte.yaml")
        with open(path, "wb") as f:
            f.write(big)
        lint_ms, publish_ms = [], []
        for n in range(5):
            t = time.perf_counter()
            subprocess.run([BIN, "lint", path], check=True, stdout=subprocess.DEVNULL)
            lint_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            conn.request("PUT", f"/api/v1/assets/bench/megabyte/1.0.{n}", body=big,
                         headers={**auth, "Content-Type": "application/yaml"})
            response = conn.getresponse()
            response.read()
            publish_ms.append((time.perf_counter() - t) * 1000)
            assert response.status == 201, response.status
        print(f"publish 1 MB: {statistics.median(publish_ms):.0f} ms, portico lint on it {statistics.median(lint_ms):.0f} ms"
              f" -> ratio {statistics.median(publish_ms) / statistics.median(lint_ms):.2f}x (bar: <= 3x)", flush=True)
    finally:
        portico.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
