//! Connections that do not come from the TCP listener: any byte stream handed over with
//! `BrokerHandle::serve_connection` (how the server bridges MQTT over WebSocket), and
//! the optional TLS listener, against mosquitto clients with a certificate made here.

mod raw;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mqtt_broker::{AuthFuture, BrokerError, Grant, Login, Refusal, TlsConfig};
use raw::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, DuplexStream};

/// The next whole packet from an async stream.
async fn read_packet<R: AsyncRead + Unpin>(stream: &mut R) -> Option<Packet> {
    let read = async {
        let first = stream.read_u8().await.ok()?;
        let mut remaining = 0usize;
        for shift in 0..4 {
            let byte = stream.read_u8().await.ok()?;
            remaining |= usize::from(byte & 0x7F) << (7 * shift);
            if byte & 0x80 == 0 {
                break;
            }
        }
        let mut body = vec![0; remaining];
        stream.read_exact(&mut body).await.ok()?;
        Some(Packet { first, body })
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .ok()
        .flatten()
}

/// Logs in alice (acme) and records the peer address each login came from.
fn recording(peers: Arc<Mutex<Vec<SocketAddr>>>) -> Arc<dyn mqtt_broker::Authenticator> {
    Arc::new(move |login: Login| -> AuthFuture {
        peers.lock().unwrap().push(login.peer);
        Box::pin(async move {
            match (login.username.as_deref(), login.password.as_deref()) {
                (Some("alice"), Some(b"acme-token")) => Ok(Grant::full("orgs/acme/")),
                _ => Err(Refusal::BadCredentials),
            }
        })
    })
}

async fn connected(broker: &mqtt_broker::BrokerHandle, peer: SocketAddr) -> DuplexStream {
    let (mut client, server) = tokio::io::duplex(64 * 1024);
    assert!(broker.serve_connection(server, peer));
    client
        .write_all(&connect5_login("ws-client", "alice", b"acme-token"))
        .await
        .unwrap();
    let connack = read_packet(&mut client).await.expect("CONNACK");
    assert_eq!(
        (connack.kind(), connack.body[1]),
        (CONNACK, 0),
        "{connack:?}"
    );
    client
}

#[tokio::test]
async fn a_byte_stream_is_served_like_a_tcp_client_with_the_same_authentication() {
    let peers = Arc::new(Mutex::new(Vec::new()));
    let broker = broker_with(|config| config.authenticator = Some(recording(peers.clone())));
    let peer: SocketAddr = "203.0.113.7:40000".parse().unwrap();
    let mut client = connected(&broker, peer).await;
    assert_eq!(
        peers.lock().unwrap().as_slice(),
        [peer],
        "the peer reaches the check"
    );

    client
        .write_all(&subscribe5(1, "t/#", 1, &[]))
        .await
        .unwrap();
    let suback = read_packet(&mut client).await.expect("SUBACK");
    assert_eq!((suback.kind(), suback.body[3]), (SUBACK, 1));
    broker
        .publish("orgs/acme/t/1", "from the server".into(), false)
        .unwrap();
    let (topic, _, payload) = read_packet(&mut client)
        .await
        .expect("PUBLISH")
        .publish_parts();
    assert_eq!(
        (topic.as_str(), payload.as_slice()),
        ("t/1", &b"from the server"[..])
    );

    let mut inside = broker.subscribe("orgs/acme/#");
    client
        .write_all(&publish5("up", 1, 9, &[], b"from the stream"))
        .await
        .unwrap();
    let ack = read_packet(&mut client).await.expect("PUBACK");
    assert_eq!((ack.kind(), ack.pkid()), (PUBACK, 9));
    let seen = next_within(&mut inside, Duration::from_secs(2)).expect("routed");
    assert_eq!(seen.topic, "orgs/acme/up");

    // Wrong password: refused with 0x86, then the stream ends.
    let (mut refused, server) = tokio::io::duplex(4096);
    assert!(broker.serve_connection(server, peer));
    refused
        .write_all(&connect5_login("x", "alice", b"wrong"))
        .await
        .unwrap();
    let connack = read_packet(&mut refused).await.expect("CONNACK");
    assert_eq!(connack.body[1], 0x86);
    assert!(
        read_packet(&mut refused).await.is_none(),
        "closed after the refusal"
    );
}

#[tokio::test]
async fn byte_streams_count_against_the_connection_bound_and_end_with_the_broker() {
    let broker = broker_with(|config| config.max_connections = 1);
    let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let (mut first, server) = tokio::io::duplex(4096);
    assert!(broker.serve_connection(server, peer));
    first
        .write_all(&connect5("a", true, 0, &[], None))
        .await
        .unwrap();
    assert_eq!(read_packet(&mut first).await.expect("CONNACK").body[1], 0);
    let (mut second, server) = tokio::io::duplex(4096);
    assert!(broker.serve_connection(server, peer));
    second
        .write_all(&connect5("b", true, 0, &[], None))
        .await
        .unwrap();
    let connack = read_packet(&mut second).await.expect("CONNACK");
    assert_eq!(
        connack.body[1], 0x88,
        "Server unavailable beyond max_connections"
    );

    let stopping = broker.clone();
    tokio::task::spawn_blocking(move || stopping.stop())
        .await
        .unwrap();
    let disconnect = read_packet(&mut first).await.expect("DISCONNECT");
    assert_eq!((disconnect.kind(), disconnect.body[0]), (DISCONNECT, 0x8B));
    let (_, server) = tokio::io::duplex(4096);
    assert!(
        !broker.serve_connection(server, peer),
        "refused once stopped"
    );
}

/// A self-signed certificate for localhost and 127.0.0.1, made by openssl.
fn certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl req failed");
    (cert, key)
}

#[test]
fn mosquitto_clients_speak_mqtt_over_tls_with_the_brokers_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path());
    let broker = broker_with(|config| {
        config.tls = Some(TlsConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            cert_path: cert.clone(),
            key_path: key.clone(),
        });
    });
    let tls = broker
        .tls_addr()
        .expect("a TLS listener")
        .port()
        .to_string();
    let cafile = cert.to_str().unwrap();
    let sub = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &tls,
            "--cafile",
            cafile,
            "-V",
            "mqttv5",
        ])
        .args(["-t", "secure/#", "-v", "-C", "1", "-W", "10"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub runs");
    std::thread::sleep(Duration::from_millis(500));
    let publish = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &tls, "--cafile", cafile, "-q", "1"])
        .args(["-t", "secure/1", "-m", "sealed"])
        .output()
        .expect("mosquitto_pub runs");
    assert!(publish.status.success(), "{publish:?}");
    let out = sub.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "secure/1 sealed"
    );
    // Plain TCP still works on its own port.
    let plain = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &broker.addr().port().to_string()])
        .args(["-t", "plain", "-m", "x"])
        .output()
        .unwrap();
    assert!(plain.status.success(), "{plain:?}");
}

#[test]
fn a_missing_certificate_fails_the_start_with_its_path() {
    let config = mqtt_broker::BrokerConfig {
        tls: Some(TlsConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            cert_path: "/nonexistent/cert.pem".into(),
            key_path: "/nonexistent/key.pem".into(),
        }),
        ..mqtt_broker::BrokerConfig::new("127.0.0.1:0".parse().unwrap())
    };
    match mqtt_broker::start(config) {
        Err(error @ BrokerError::Certificate { .. }) => {
            assert!(
                error.to_string().contains("/nonexistent/cert.pem"),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
}
