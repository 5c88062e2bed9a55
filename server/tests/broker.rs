//! The bundled MQTT broker through the real `portico` binary and Debian's
//! mosquitto clients (package mosquitto-clients, installed by scripts/setup.sh).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::Duration;

/// A `portico serve` process with the bundled broker on a free loopback port.
struct BrokerServer {
    child: Child,
    base_url: String,
    mqtt_port: u16,
    _data: tempfile::TempDir,
}

impl BrokerServer {
    fn start() -> BrokerServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mqtt_port = free_port();
        let mut child = portico(data.path(), &format!("127.0.0.1:{mqtt_port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the portico binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .expect("stdout is readable");
            if let Some(url) = line.strip_prefix("Portico listening on ") {
                break url.trim().to_owned();
            }
        };
        BrokerServer {
            child,
            base_url,
            mqtt_port,
            _data: data,
        }
    }

    fn port(&self) -> String {
        self.mqtt_port.to_string()
    }
}

impl Drop for BrokerServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn portico(data: &Path, mqtt_addr: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--demo", "false"])
        .args(["--mqtt-addr", mqtt_addr])
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "warn");
    command
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    listener.local_addr().expect("local addr").port()
}

/// Starts `mosquitto_sub` waiting for `count` messages (or `wait` seconds).
fn subscriber(port: &str, topic: &str, qos: u8, version: &str, count: u32, wait: u32) -> Child {
    let (qos, count, wait) = (qos.to_string(), count.to_string(), wait.to_string());
    subscriber_with(
        port,
        &[
            "-t", topic, "-V", version, "-q", &qos, "-C", &count, "-W", &wait,
        ],
    )
}

fn publish(port: &str, topic: &str, qos: u8, version: &str, extra: &[&str]) -> Output {
    Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", port, "-t", topic, "-V", version])
        .args(["-q", &qos.to_string()])
        .args(extra)
        .output()
        .expect("mosquitto_pub runs (apt-get install mosquitto-clients)")
}

fn received(child: Child) -> String {
    let output = child.wait_with_output().expect("mosquitto_sub finishes");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn mosquitto_clients_publish_and_subscribe_at_every_qos() {
    let server = BrokerServer::start();
    let port = server.port();
    for qos in 0..=2u8 {
        let topic = format!("orders/created/q{qos}");
        let sub = subscriber(&port, &topic, qos, "mqttv311", 1, 10);
        let body = format!("order at qos {qos}");
        let output = publish(&port, &topic, qos, "mqttv311", &["-m", &body]);
        assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
        assert_eq!(
            received(sub).trim(),
            body,
            "QoS {qos} message not delivered"
        );
    }
}

#[test]
fn retained_messages_reach_later_subscribers() {
    let server = BrokerServer::start();
    let port = server.port();
    let output = publish(&port, "status/door", 1, "mqttv311", &["-r", "-m", "open"]);
    assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
    sleep(Duration::from_millis(200));
    let sub = subscriber(&port, "status/#", 1, "mqttv311", 1, 10);
    assert_eq!(received(sub).trim(), "open");
}

#[test]
fn messages_over_the_size_limit_are_refused() {
    let server = BrokerServer::start();
    let port = server.port();
    let sub = subscriber(&port, "big/#", 0, "mqttv311", 2, 5);
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![b'x'; 300 * 1024]).expect("write payload");
    let big = big.to_string_lossy().into_owned();
    let _ = publish(&port, "big/one", 0, "mqttv311", &["-f", &big]);
    let output = publish(&port, "big/two", 0, "mqttv311", &["-m", "small"]);
    assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
    let got = received(sub);
    assert_eq!(got.trim(), "small", "the 300 KB message got through");
}

#[test]
fn healthz_reports_the_broker_up() {
    let server = BrokerServer::start();
    let body = Command::new("curl")
        .args(["-sf", &format!("{}/healthz", server.base_url)])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let body = if body.is_empty() {
        // No curl: read it with a raw HTTP request.
        raw_get(&server.base_url, "/healthz")
    } else {
        body
    };
    let json: serde_json::Value = serde_json::from_str(&body).expect("healthz is JSON");
    assert_eq!(json["broker"], "up", "{json}");
    assert_eq!(json["status"], "ok", "{json}");
}

fn raw_get(base_url: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let host = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("write request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

#[test]
fn a_taken_port_is_a_clear_startup_error() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let data = tempfile::tempdir().expect("temp dir");
    let output = portico(data.path(), &addr)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("portico runs");
    assert!(!output.status.success(), "portico started on a taken port");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen for MQTT on {addr}")),
        "unclear error: {stderr}"
    );
}

/// Starts `mosquitto_sub` with its own arguments (host and port are added) and gives it
/// time to connect and subscribe before anything is published.
fn subscriber_with(port: &str, args: &[&str]) -> Child {
    let child = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", port])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub runs (apt-get install mosquitto-clients)");
    sleep(Duration::from_millis(500));
    child
}

#[test]
fn mqtt5_and_mqtt311_clients_share_the_port_and_user_properties_pass_through() {
    let server = BrokerServer::start();
    let port = server.port();
    let sub = subscriber_with(
        &port,
        &[
            "-V", "mqttv5", "-t", "orders/#", "-q", "2", "-F", "%P|%p", "-C", "2", "-W", "10",
        ],
    );
    let v5 = publish(
        &port,
        "orders/created",
        2,
        "mqttv5",
        &[
            "-D",
            "publish",
            "user-property",
            "source",
            "erp",
            "-m",
            "from v5",
        ],
    );
    assert!(v5.status.success(), "mosquitto_pub v5 failed: {v5:?}");
    let v311 = publish(&port, "orders/created", 1, "mqttv311", &["-m", "from v311"]);
    assert!(
        v311.status.success(),
        "mosquitto_pub v3.1.1 failed: {v311:?}"
    );
    let got = received(sub);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines, ["source:erp|from v5", "|from v311"], "{got}");
}

#[test]
fn a_persistent_session_gets_the_qos1_messages_published_while_it_was_away() {
    let server = BrokerServer::start();
    let port = server.port();
    let session = [
        "-V", "mqttv311", "-c", "-i", "keeper", "-t", "inbox", "-q", "1",
    ];
    // Connects, subscribes and leaves (no message within a second).
    let first = subscriber_with(&port, &[&session[..], &["-C", "1", "-W", "1"]].concat());
    assert_eq!(received(first), "");
    for n in 1..=3 {
        let output = publish(
            &port,
            "inbox",
            1,
            "mqttv311",
            &["-m", &format!("letter {n}")],
        );
        assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
    }
    let again = subscriber_with(&port, &[&session[..], &["-C", "3", "-W", "10"]].concat());
    assert_eq!(received(again), "letter 1\nletter 2\nletter 3\n");
}

#[test]
fn the_will_of_a_client_that_vanishes_is_published() {
    let server = BrokerServer::start();
    let port = server.port();
    let watcher = subscriber(&port, "presence/#", 1, "mqttv311", 1, 10);
    let mut doomed = subscriber_with(
        &port,
        &[
            "-t",
            "anything",
            "--will-topic",
            "presence/sensor-1",
            "--will-payload",
            "gone",
            "--will-qos",
            "1",
        ],
    );
    doomed.kill().expect("kill the client");
    let _ = doomed.wait();
    assert_eq!(received(watcher).trim(), "gone");
}

#[test]
fn a_qos0_burst_reaches_a_subscriber_whole() {
    // 20,000 messages of 256 B (5 MB) in one go: far more than a client's queue (1 MiB),
    // so the publisher must be slowed to the subscriber's pace instead of losing any.
    let server = BrokerServer::start();
    let port = server.port();
    let count = 20_000;
    let sub = subscriber_with(
        &port,
        &["-t", "burst", "-C", &count.to_string(), "-W", "60"],
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let lines = dir.path().join("lines");
    let body: String = (0..count).map(|n| format!("{n:0>255}\n")).collect();
    std::fs::write(&lines, body).expect("write lines");
    let output = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "burst",
            "-q",
            "0",
            "-l",
        ])
        .stdin(std::fs::File::open(&lines).expect("open"))
        .output()
        .expect("mosquitto_pub runs");
    assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
    let got = received(sub);
    let received: Vec<&str> = got.lines().collect();
    assert_eq!(received.len(), count, "messages lost in the burst");
    assert!(
        received
            .iter()
            .enumerate()
            .all(|(n, line)| *line == format!("{n:0>255}")),
        "messages out of order"
    );
}
