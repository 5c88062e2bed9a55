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
    _data: tempfile::TempDir,
}

impl BrokerServer {
    fn start() -> BrokerServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut child = portico(data.path(), &format!("127.0.0.1:{}", free_port()))
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
