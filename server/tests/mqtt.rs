//! MQTT clients of the bundled broker as `portico serve` runs it: logins with Portico
//! tokens (`USER` or `USER@ORG`), each client mounted in its organisation's namespace,
//! read tokens that cannot publish, anonymous clients refused unless allowed, and MQTT
//! over WebSocket on the HTTP port.

mod support;

use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use support::TestServer;

/// `portico serve` with the bundled broker on a free port, and `ada`'s two tokens.
struct Server {
    /// Stopped when dropped, before its data folder goes.
    _server: TestServer,
    base_url: String,
    mqtt_port: String,
    publish_token: String,
    read_token: String,
    _data: tempfile::TempDir,
}

/// `ada` with a publish and a read token, then `portico serve` (extra flags appended).
fn start(extra: &[&str]) -> Server {
    let data = tempfile::tempdir().expect("temp dir");
    support::cli_user(data.path(), "ada", false);
    let publish_token = support::cli_token(data.path(), "ada", "publish");
    let read_token = support::cli_token(data.path(), "ada", "read");
    let mut args = vec!["--demo", "false", "--mqtt-addr", "127.0.0.1:0"];
    args.extend(extra);
    let server = TestServer::start_with(data.path(), &args);
    Server {
        base_url: server.base_url.clone(),
        mqtt_port: server.mqtt_port.expect("the broker runs").to_string(),
        _server: server,
        publish_token,
        read_token,
        _data: data,
    }
}

/// `mosquitto_sub` for one message on `topic`, logged in as `login` (none: anonymous).
fn subscribe(server: &Server, login: Option<(&str, &str)>, topic: &str) -> Child {
    let mut command = Command::new("mosquitto_sub");
    command.args(["-h", "127.0.0.1", "-p", &server.mqtt_port, "-V", "mqttv5"]);
    if let Some((user, password)) = login {
        command.args(["-u", user, "-P", password]);
    }
    command
        .args(["-t", topic, "-C", "1", "-W", "4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub runs")
}

fn publish(server: &Server, login: Option<(&str, &str)>, topic: &str, payload: &str) -> Output {
    let mut command = Command::new("mosquitto_pub");
    command.args([
        "-h",
        "127.0.0.1",
        "-p",
        &server.mqtt_port,
        "-V",
        "mqttv5",
        "-q",
        "1",
    ]);
    if let Some((user, password)) = login {
        command.args(["-u", user, "-P", password]);
    }
    command
        .args(["-t", topic, "-m", payload])
        .output()
        .expect("mosquitto_pub runs")
}

fn received(child: Child) -> String {
    let output = child.wait_with_output().expect("mosquitto_sub ends");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn a_token_logs_in_to_the_users_namespace_and_a_read_token_cannot_publish() {
    let server = start(&[]);
    let ada = ("ada", server.publish_token.as_str());
    // The personal organisation without `@ORG`; the same namespace with it.
    let watcher = subscribe(&server, Some(("ada@ada", &server.read_token)), "orders/+");
    std::thread::sleep(Duration::from_millis(500));
    let sent = publish(&server, Some(ada), "orders/1", "first");
    assert!(sent.status.success(), "{sent:?}");
    assert_eq!(received(watcher), "first");

    // A read token subscribes but its publishes are refused (0x87).
    let watcher = subscribe(&server, Some(ada), "orders/+");
    std::thread::sleep(Duration::from_millis(500));
    let refused = publish(
        &server,
        Some(("ada", &server.read_token)),
        "orders/2",
        "second",
    );
    // mosquitto_pub reports the PUBACK's reason code (and still exits 0).
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("Not authorized"),
        "a read token published: {refused:?}"
    );
    assert_eq!(received(watcher), "", "a read token's publish arrived");
}

#[test]
fn wrong_credentials_other_organisations_and_anonymous_clients_are_refused() {
    let server = start(&[]);
    for (login, why) in [
        (Some(("ada", "not a token")), "a wrong token"),
        (
            Some(("bob", server.publish_token.as_str())),
            "another user's name",
        ),
        (
            Some(("ada@portico", server.publish_token.as_str())),
            "an organisation ada is not in",
        ),
        (None, "no credentials"),
    ] {
        let output = publish(&server, login, "orders/1", "x");
        assert!(!output.status.success(), "{why} was let in: {output:?}");
    }
}

#[test]
fn anonymous_clients_share_a_namespace_of_their_own_when_allowed() {
    let server = start(&["--mqtt-allow-anonymous"]);
    let anonymous = subscribe(&server, None, "#");
    let ada = subscribe(&server, Some(("ada", &server.read_token)), "#");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        publish(&server, None, "hello", "from nobody")
            .status
            .success()
    );
    assert_eq!(received(anonymous), "from nobody");
    assert_eq!(
        received(ada),
        "",
        "an anonymous publish reached an organisation"
    );
}

/// An MQTT 5 CONNECT with a user name and password, clean start, keep alive 60 s.
fn connect_packet(user: &str, password: &str) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 5, 0b1100_0010, 0, 60, 0];
    for field in [&b"ws-client"[..], user.as_bytes(), password.as_bytes()] {
        body.extend_from_slice(&(field.len() as u16).to_be_bytes());
        body.extend_from_slice(field);
    }
    framed(0x10, body)
}

/// A packet: fixed header byte, remaining length (variable byte integer), body.
fn framed(first: u8, body: Vec<u8>) -> Vec<u8> {
    let mut packet = vec![first];
    let mut length = body.len();
    loop {
        let mut byte = (length % 128) as u8;
        length /= 128;
        if length > 0 {
            byte |= 0x80;
        }
        packet.push(byte);
        if length == 0 {
            break;
        }
    }
    packet.extend(body);
    packet
}

#[tokio::test(flavor = "multi_thread")]
async fn mqtt_over_websocket_on_the_http_port_logs_in_and_carries_messages() {
    let server = start(&[]);
    let (mut socket, response) = tokio_tungstenite::connect_async(url_request(&server))
        .await
        .expect("the upgrade succeeds");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .map(|v| v.to_str().ok()),
        Some(Some("mqtt")),
        "[MQTT-6.0.0-4] the server selects mqtt"
    );
    let mut bytes = Vec::new();
    socket
        .send(Message::Binary(
            connect_packet("ada", &server.publish_token).into(),
        ))
        .await
        .expect("CONNECT sent");
    let connack = read_packet(&mut socket, &mut bytes).await;
    assert_eq!(connack[0], 0x20, "{connack:?}");
    assert_eq!(connack[3], 0, "refused: {connack:?}");

    // SUBSCRIBE id 1 to "ws/+" at QoS 0, split over two frames as a client may.
    let mut subscribe = vec![0, 1, 0];
    subscribe.extend_from_slice(&4u16.to_be_bytes());
    subscribe.extend_from_slice(b"ws/+");
    subscribe.push(0);
    let subscribe = framed(0x82, subscribe);
    let (first, second) = subscribe.split_at(3);
    socket
        .send(Message::Binary(first.to_vec().into()))
        .await
        .expect("sent");
    socket
        .send(Message::Binary(second.to_vec().into()))
        .await
        .expect("sent");
    let suback = read_packet(&mut socket, &mut bytes).await;
    assert_eq!(suback[0], 0x90, "{suback:?}");

    // A TCP client of the same namespace publishes; the WebSocket client receives it.
    let sent = publish(
        &server,
        Some(("ada", &server.publish_token)),
        "ws/1",
        "over the web",
    );
    assert!(sent.status.success(), "{sent:?}");
    let message = read_packet(&mut socket, &mut bytes).await;
    assert_eq!(message[0] & 0xF0, 0x30, "{message:?}");
    assert!(message.ends_with(b"over the web"), "{message:?}");

    // Wrong credentials over WebSocket: CONNACK 0x86.
    let request = url_request(&server);
    let (mut refused, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("upgrade");
    refused
        .send(Message::Binary(connect_packet("ada", "wrong").into()))
        .await
        .expect("sent");
    let mut bytes = Vec::new();
    let connack = read_packet(&mut refused, &mut bytes).await;
    assert_eq!((connack[0], connack[3]), (0x20, 0x86), "{connack:?}");
}

fn url_request(server: &Server) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!("{}/mqtt", server.base_url.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a request");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "mqtt".parse().expect("header"));
    request
}

/// The next whole MQTT packet from the socket (frames may split or join packets).
async fn read_packet<S>(socket: &mut S, bytes: &mut Vec<u8>) -> Vec<u8>
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        if let Some(length) = packet_length(bytes)
            && bytes.len() >= length
        {
            return bytes.drain(..length).collect();
        }
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame within 10 s")
            .expect("the socket stays open")
            .expect("a frame");
        if let Message::Binary(data) = frame {
            bytes.extend_from_slice(&data);
        }
    }
}

/// The whole length of the packet at the start of `bytes`, once its header is there.
fn packet_length(bytes: &[u8]) -> Option<usize> {
    let mut length = 0usize;
    for (index, byte) in bytes.iter().skip(1).take(4).enumerate() {
        length += usize::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            return Some(1 + index + 1 + length);
        }
    }
    None
}
