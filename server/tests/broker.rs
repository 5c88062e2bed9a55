//! The bundled MQTT broker as part of the real `portico` binary: `/healthz` reports it
//! and a taken port stops the server with a clear error. The broker's own behaviour
//! (MQTT 3.1.1 and 5, QoS, retained, wills, sessions, slow subscribers) is tested in
//! crates/mqtt-broker/tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

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
        .args(["--mqtt-addr", mqtt_addr, "--mqtt-allow-anonymous"])
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

/// The body of a plain HTTP GET.
fn get(base_url: &str, path: &str) -> String {
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
fn healthz_reports_the_broker_up() {
    let server = BrokerServer::start();
    let body = get(&server.base_url, "/healthz");
    let json: serde_json::Value = serde_json::from_str(&body).expect("healthz is JSON");
    assert_eq!(json["broker"], "up", "{json}");
    assert_eq!(json["status"], "ok", "{json}");
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

#[test]
fn a_stopping_server_tells_mqtt5_clients_it_is_shutting_down() {
    let mut server = BrokerServer::start();
    let mut client =
        std::net::TcpStream::connect(("127.0.0.1", server.mqtt_port)).expect("connect");
    client
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    // CONNECT, MQTT 5, clean start, keep alive 60 s, no properties, client id "a".
    let connect = [
        0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 60, 0, 0, 1, b'a',
    ];
    client.write_all(&connect).expect("send CONNECT");
    let mut connack = [0u8; 2];
    client.read_exact(&mut connack).expect("CONNACK");
    assert_eq!(connack[0], 0x20, "CONNACK expected, got {connack:?}");
    let mut rest = vec![0u8; usize::from(connack[1])];
    client.read_exact(&mut rest).expect("CONNACK body");
    assert_eq!(rest[1], 0, "connection refused: {rest:?}");

    // Once it answers HTTP the server listens for SIGTERM (before, SIGTERM kills it).
    assert!(get(&server.base_url, "/healthz").contains("\"broker\":\"up\""));
    let terminated = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());
    // [MQTT-3.14.2-1]-style notice: DISCONNECT with reason 0x8B Server shutting down.
    let mut disconnect = [0u8; 3];
    client
        .read_exact(&mut disconnect)
        .expect("DISCONNECT before the socket closes");
    assert_eq!(
        disconnect[0], 0xE0,
        "DISCONNECT expected, got {disconnect:?}"
    );
    assert_eq!(disconnect[2], 0x8B, "reason: {disconnect:?}");
    let status = server.child.wait().expect("portico exits");
    assert!(status.success(), "portico exited with {status}");
}
