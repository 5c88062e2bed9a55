//! The channel console's WebSocket through the real `portico` binary, with Debian's
//! mosquitto clients on the other side of the bundled broker: what arrives is checked
//! against the channel's schema, what the console publishes reaches MQTT clients, and
//! every limit answers with its error.

mod support;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const APPROVED: &str =
    r#"{"orderId":"6f1c1b7e-2f0a-4c55-9a53-0c3f2b1e8d10","approvedAt":"2024-01-01T12:00:00Z"}"#;
const CONSOLE: &str = "/api/v1/console/portico/order-service/1.1.0/ws";

/// `portico serve` with the demo catalog and the bundled broker on a free port.
struct Server {
    child: Child,
    base_url: String,
    mqtt_port: String,
    /// A publish-scope token of `root`, a site administrator: MQTT clients log in as
    /// `root@portico` to live in the demo organisation's namespace.
    root_token: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    listener.local_addr().expect("local addr").port()
}

fn start() -> Server {
    start_with(&[])
}

/// `start` with extra `serve` arguments.
fn start_with(extra: &[&str]) -> Server {
    let data = tempfile::tempdir().expect("temp dir");
    let root_token = admin_token(data.path());
    let mqtt_port = free_port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(["--mqtt-addr", &format!("127.0.0.1:{mqtt_port}")])
        .args(extra)
        .arg("--data")
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the portico binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base_url = loop {
        let line = lines.next().expect("an address line").expect("readable");
        if let Some(url) = line.strip_prefix("Portico listening on ") {
            break url.trim().to_owned();
        }
    };
    Server {
        child,
        base_url,
        mqtt_port,
        root_token,
        _data: data,
    }
}

/// Creates the site administrator `root` in the data folder and a publish-scope token
/// of it, with the CLI.
fn admin_token(data: &std::path::Path) -> String {
    support::cli_user(data, "root", true);
    support::cli_token(data, "root", "publish")
}

/// Signs up `name` and returns the session cookie (`portico_session=…`).
async fn session_cookie(server: &Server, name: &str) -> String {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/rpc/sign_up", server.base_url))
        .form(&[
            ("username", name),
            ("password", "long password"),
            ("password_confirm", "long password"),
        ])
        .send()
        .await
        .expect("sign up");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portico_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

async fn connect(
    server: &Server,
    path: &str,
    headers: &[(&'static str, String)],
) -> Result<Socket, WsError> {
    let url = format!("{}{path}", server.base_url.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a request");
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// A signed-in console on the Order Service 1.1.0, past its `ready` frame.
async fn console(server: &Server, user: &str) -> Socket {
    let cookie = session_cookie(server, user).await;
    let mut socket = connect(server, CONSOLE, &[("cookie", cookie)])
        .await
        .expect("the console connects");
    let ready = next_of(&mut socket, "ready").await;
    assert!(
        ready["channels"].as_array().is_some_and(|c| c.len() == 3),
        "{ready}"
    );
    socket
}

async fn send(socket: &mut Socket, command: Value) {
    socket
        .send(Message::Text(command.to_string().into()))
        .await
        .expect("send");
}

/// The next frame of type `kind`, skipping others; fails after 10 s.
async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no {kind} frame within 10 s"))
            .expect("the socket stays open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(&text).expect("JSON frame");
            if value["type"] == kind {
                return value;
            }
        }
    }
}

/// Publishes as `root@portico`: the topic is within the demo organisation's namespace.
fn mosquitto_pub(server: &Server, topic: &str, payload: &str) {
    mosquitto_pub_in(server, Some("portico"), topic, payload);
}

/// Publishes as `root@{org}` (a site administrator may enter any organisation's
/// namespace), or anonymously with `None` (in the anonymous namespace).
fn mosquitto_pub_in(server: &Server, org: Option<&str>, topic: &str, payload: &str) {
    let login = org.map(|org| format!("root@{org}"));
    let mut credentials = Vec::new();
    if let Some(login) = &login {
        credentials = vec!["-u", login.as_str(), "-P", server.root_token.as_str()];
    }
    let output = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &server.mqtt_port])
        .args(credentials)
        .args(["-t", topic, "-m", payload])
        .output()
        .expect("mosquitto_pub runs (apt-get install mosquitto-clients)");
    assert!(output.status.success(), "mosquitto_pub: {output:?}");
}

#[tokio::test]
async fn mosquitto_pub_reaches_the_console_checked_against_the_channel_schema() {
    let server = start();
    let mut socket = console(&server, "ada").await;
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "a", "channel": "order-approved"}),
    )
    .await;
    let subscribed = next_of(&mut socket, "subscribed").await;
    assert_eq!(subscribed["filter"], "order-approved");
    let recent = next_of(&mut socket, "recent").await;
    assert_eq!(recent["messages"], json!([]));

    mosquitto_pub(&server, "order-approved", APPROVED);
    let message = next_of(&mut socket, "message").await;
    assert_eq!(message["subscription"], "a");
    assert_eq!(message["topic"], "order-approved");
    assert_eq!(message["size"], APPROVED.len());
    assert_eq!(message["valid"], true, "{message}");
    assert_eq!(
        message["json"]["orderId"],
        "6f1c1b7e-2f0a-4c55-9a53-0c3f2b1e8d10"
    );

    mosquitto_pub(
        &server,
        "order-approved",
        r#"{"orderId":"6f1c1b7e-2f0a-4c55-9a53-0c3f2b1e8d10"}"#,
    );
    let message = next_of(&mut socket, "message").await;
    assert_eq!(message["valid"], false, "{message}");
    let problem = &message["problems"][0];
    assert!(
        problem["message"].as_str().unwrap().contains("approvedAt"),
        "{problem}"
    );

    mosquitto_pub(&server, "order-approved", "not json");
    let message = next_of(&mut socket, "message").await;
    assert_eq!(message["valid"], false);
    assert_eq!(message["json"], Value::Null);

    // A second console sees the recent traffic on subscribing.
    let mut late = console(&server, "bea").await;
    send(
        &mut late,
        json!({"type": "subscribe", "id": "b", "channel": "order-approved"}),
    )
    .await;
    let recent = next_of(&mut late, "recent").await;
    assert_eq!(
        recent["messages"].as_array().map(Vec::len),
        Some(3),
        "{recent}"
    );
    assert_eq!(recent["messages"][0]["valid"], true);
}

#[tokio::test]
async fn a_console_publish_reaches_mosquitto_sub() {
    let server = start();
    let mut socket = console(&server, "cy").await;
    let sub = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &server.mqtt_port,
            "-u",
            "root@portico",
            "-P",
            &server.root_token,
            "-t",
            "order",
            "-C",
            "1",
            "-W",
            "10",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub runs");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let order = r#"{"orderId":"6f1c1b7e-2f0a-4c55-9a53-0c3f2b1e8d10","customerId":"c-1","items":[{"sku":"B","quantity":1}]}"#;
    send(
        &mut socket,
        json!({"type": "publish", "channel": "order", "payload": order, "qos": 1}),
    )
    .await;
    let published = next_of(&mut socket, "published").await;
    assert_eq!(published["topic"], "order");
    assert_eq!(published["valid"], true, "{published}");
    let output = sub.wait_with_output().expect("mosquitto_sub ends");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), order);

    // An invalid payload is still sent (the page asked first), and said to be invalid.
    send(
        &mut socket,
        json!({"type": "publish", "channel": "order", "payload": "{}"}),
    )
    .await;
    let published = next_of(&mut socket, "published").await;
    assert_eq!(published["valid"], false);
    assert!(
        published["problems"].to_string().contains("customerId"),
        "{published}"
    );
}

#[tokio::test]
async fn the_mock_publisher_sends_generated_examples_until_stopped() {
    let server = start();
    let mut socket = console(&server, "dee").await;
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "f", "channel": "order-failed"}),
    )
    .await;
    next_of(&mut socket, "recent").await;
    send(
        &mut socket,
        json!({"type": "mock_start", "channel": "order-failed", "rate": 100}),
    )
    .await;
    let started = next_of(&mut socket, "mock_started").await;
    assert_eq!(started["topic"], "order-failed");
    for _ in 0..20 {
        let message = next_of(&mut socket, "message").await;
        assert_eq!(message["valid"], true, "{message}");
        assert_eq!(message["json"]["reason"], "payment-declined");
    }
    send(
        &mut socket,
        json!({"type": "mock_stop", "channel": "order-failed"}),
    )
    .await;
    let stopped = next_of(&mut socket, "mock_stopped").await;
    assert!(stopped["sent"].as_u64().unwrap() >= 20, "{stopped}");
}

#[tokio::test]
async fn every_limit_answers_with_its_error() {
    let server = start();
    let mut socket = console(&server, "eve").await;

    for n in 0..20 {
        send(
            &mut socket,
            json!({"type": "subscribe", "id": format!("s{n}"), "channel": "order"}),
        )
        .await;
        next_of(&mut socket, "recent").await;
    }
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "one-more", "channel": "order"}),
    )
    .await;
    let error = next_of(&mut socket, "error").await;
    assert_eq!(
        error["message"],
        "At most 20 subscriptions per connection; unsubscribe one first."
    );
    send(&mut socket, json!({"type": "unsubscribe", "id": "s0"})).await;
    next_of(&mut socket, "unsubscribed").await;

    let big = "x".repeat(256 * 1024 + 1);
    send(
        &mut socket,
        json!({"type": "publish", "channel": "order", "payload": big}),
    )
    .await;
    let error = next_of(&mut socket, "error").await;
    assert_eq!(
        error["message"],
        "The payload is 262145 bytes; the limit is 262144 bytes (256 KB)."
    );

    send(
        &mut socket,
        json!({"type": "mock_start", "channel": "order", "rate": 1001}),
    )
    .await;
    let error = next_of(&mut socket, "error").await;
    assert_eq!(
        error["message"],
        "The mock rate is 1 to 1000 messages per second, not 1001."
    );

    send(
        &mut socket,
        json!({"type": "publish", "channel": "nope", "payload": "{}"}),
    )
    .await;
    let error = next_of(&mut socket, "error").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no channel \"nope\""),
        "{error}"
    );

    // 50 per second: a burst of 60 gets some refusals naming the limit.
    for _ in 0..60 {
        send(
            &mut socket,
            json!({"type": "publish", "channel": "order-failed", "payload": "{}"}),
        )
        .await;
    }
    let error = next_of(&mut socket, "error").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Publish rate limit: at most 50 messages per second"),
        "{error}"
    );

    send(&mut socket, Value::String("hello".into())).await;
    // The remaining rate-limit refusals come first.
    loop {
        let error = next_of(&mut socket, "error").await;
        let message = error["message"].as_str().unwrap();
        if !message.starts_with("Publish rate limit") {
            assert!(message.starts_with("Cannot read this command"), "{error}");
            break;
        }
    }
}

/// The HTTP status a WebSocket handshake was answered with (101: upgraded).
fn status(result: Result<Socket, WsError>) -> u16 {
    match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => 101,
    }
}

#[tokio::test]
async fn strangers_and_other_origins_are_refused() {
    let server = start();
    assert_eq!(status(connect(&server, CONSOLE, &[]).await), 401);

    // A private asset of another organisation does not exist for a stranger.
    let token = support_token(&server, "owner").await;
    let response = reqwest::Client::new()
        .put(format!(
            "{}/api/v1/assets/owner/private-orders/1.0.0",
            server.base_url
        ))
        .bearer_auth(&token)
        .header("content-type", "application/yaml")
        .body(support::ORDER_SERVICE)
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201);
    let stranger = session_cookie(&server, "stranger").await;
    let private = "/api/v1/console/owner/private-orders/1.0.0/ws";
    assert_eq!(
        status(connect(&server, private, &[("cookie", stranger.clone())]).await),
        404
    );
    assert_eq!(
        status(
            connect(
                &server,
                private,
                &[("authorization", format!("Bearer {token}"))]
            )
            .await
        ),
        101,
        "the owner may"
    );
    let other_origin = [
        ("cookie", stranger),
        ("origin", "http://evil.example".to_owned()),
    ];
    assert_eq!(status(connect(&server, CONSOLE, &other_origin).await), 403);
}

#[tokio::test]
async fn document_servers_connect_only_when_chosen_and_only_over_mqtt() {
    // The bundled broker stands in for a document's own server; the console connects to
    // it as an anonymous client, in the anonymous namespace.
    let server = start_with(&["--allow-hosts", "127.0.0.1", "--mqtt-allow-anonymous"]);
    let token = support_token(&server, "olga").await;
    let document = support::ORDER_SERVICE
        .replace(
            "host: localhost:1883",
            &format!("host: 127.0.0.1:{}", server.mqtt_port),
        )
        .replace(
            "  production:\n    host: mqtt.example.com:8883\n    protocol: mqtts",
            "  production:\n    host: kafka.example.com:9092\n    protocol: kafka",
        );
    let response = reqwest::Client::new()
        .put(format!(
            "{}/api/v1/assets/olga/orders/1.0.0",
            server.base_url
        ))
        .bearer_auth(&token)
        .header("content-type", "application/yaml")
        .body(document)
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201);
    let bearer = [("authorization", format!("Bearer {token}"))];
    let mut socket = connect(&server, "/api/v1/console/olga/orders/1.0.0/ws", &bearer)
        .await
        .expect("connects");
    let ready = next_of(&mut socket, "ready").await;
    assert_eq!(
        ready["server"],
        Value::Null,
        "the bundled broker by default"
    );

    send(
        &mut socket,
        json!({"type": "use_server", "server": "production"}),
    )
    .await;
    let error = next_of(&mut socket, "error").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("kafka is not supported yet"),
        "{error}"
    );

    // The development server (loopback here) through rumqttc, on explicit choice.
    send(
        &mut socket,
        json!({"type": "use_server", "server": "development"}),
    )
    .await;
    let changed = next_of(&mut socket, "server_changed").await;
    assert_eq!(changed["server"], "development");
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "x", "channel": "order-approved"}),
    )
    .await;
    next_of(&mut socket, "subscribed").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    mosquitto_pub_in(&server, None, "order-approved", APPROVED);
    let message = next_of(&mut socket, "message").await;
    assert_eq!(message["valid"], true);
}

/// Signs up `name` and creates a publish token for it.
async fn support_token(server: &Server, name: &str) -> String {
    let client = support::browser_like_client();
    let signed_up = client
        .post(format!("{}/rpc/sign_up", server.base_url))
        .form(&[
            ("username", name),
            ("password", "long password"),
            ("password_confirm", "long password"),
        ])
        .send()
        .await
        .expect("sign up");
    assert!(signed_up.status().is_success() || signed_up.status().is_redirection());
    let response = client
        .post(format!("{}/api/v1/tokens", server.base_url))
        .json(&json!({"name": "test", "scope": "publish"}))
        .send()
        .await
        .expect("token");
    assert_eq!(response.status(), 201, "token creation");
    let body: Value = response.json().await.expect("JSON");
    body["token"].as_str().expect("a token").to_owned()
}

#[tokio::test]
async fn the_console_still_receives_after_a_burst() {
    let server = start();
    let dir = tempfile::tempdir().expect("temp dir");
    let lines = dir.path().join("burst");
    std::fs::write(&lines, format!("{}\n", "x".repeat(256)).repeat(30_000)).expect("write");
    let output = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &server.mqtt_port,
            "-u",
            "root@portico",
            "-P",
            &server.root_token,
            "-t",
            "burst",
            "-l",
        ])
        .stdin(std::fs::File::open(&lines).expect("open"))
        .output()
        .expect("mosquitto_pub runs");
    assert!(output.status.success());
    let mut socket = console(&server, "flo").await;
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "a", "channel": "order-approved"}),
    )
    .await;
    next_of(&mut socket, "recent").await;
    // The broker may still be taking in the burst (it sits in socket buffers) when this
    // test publishes, and the console's queues keep only the newest messages by design.
    // What must hold is that the console is not silent for good: a message published once
    // the burst is through arrives.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let message = loop {
        mosquitto_pub(&server, "order-approved", APPROVED);
        match tokio::time::timeout(Duration::from_secs(2), next_of(&mut socket, "message")).await {
            Ok(message) => break message,
            Err(_) if tokio::time::Instant::now() < deadline => continue,
            Err(_) => panic!("the console stayed silent 30 s after the burst"),
        }
    };
    assert_eq!(message["valid"], true);
}

#[tokio::test]
async fn a_browser_that_does_not_read_gets_a_dropped_count_not_a_growing_server() {
    let server = start();
    let mut socket = console(&server, "gus").await;
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "a", "channel": "order"}),
    )
    .await;
    next_of(&mut socket, "recent").await;
    // 120 messages of 200 KB (24 MB) while the page reads nothing: more than the socket
    // buffers and the 8 MB outbound budget hold.
    let dir = tempfile::tempdir().expect("temp dir");
    for n in 0..4 {
        let file = dir.path().join(format!("big{n}"));
        std::fs::write(&file, format!("{}\n", "x".repeat(200 * 1024)).repeat(30)).expect("write");
        let output = Command::new("mosquitto_pub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &server.mqtt_port,
                "-u",
                "root@portico",
                "-P",
                &server.root_token,
                "-t",
                "order",
                "-l",
            ])
            .stdin(std::fs::File::open(&file).expect("open"))
            .output()
            .expect("mosquitto_pub runs");
        assert!(output.status.success());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let dropped = next_of(&mut socket, "dropped").await;
    assert!(dropped["count"].as_u64().unwrap() > 0, "{dropped}");
}

#[tokio::test]
async fn the_editor_console_opens_for_viewers_of_the_project_only() {
    let server = start();
    let owner = session_cookie(&server, "olga").await;
    let created = reqwest::Client::new()
        .post(format!("{}/rpc/design_create", server.base_url))
        .header("cookie", &owner)
        .form(&[
            ("group", "olga"),
            ("name", "Orders"),
            ("source[Template]", "order-service"),
        ])
        .send()
        .await
        .expect("create a project");
    assert_eq!(created.status(), 200);
    let id: String = created.json().await.expect("the project id");
    let path = format!("/api/v1/console/design/{id}/ws");

    assert_eq!(status(connect(&server, &path, &[]).await), 401);
    let stranger = session_cookie(&server, "sven").await;
    assert_eq!(
        status(connect(&server, &path, &[("cookie", stranger.clone())]).await),
        404,
        "another organisation's project does not exist for a stranger"
    );
    assert_eq!(
        status(
            connect(
                &server,
                "/api/v1/console/design/nosuchproj/ws",
                &[("cookie", stranger)]
            )
            .await
        ),
        404
    );

    // The owner's console knows the template's channels and checks messages against them.
    let mut socket = connect(&server, &path, &[("cookie", owner)])
        .await
        .expect("the owner's console connects");
    let ready = next_of(&mut socket, "ready").await;
    assert!(
        ready["channels"].as_array().is_some_and(|c| c.len() == 3),
        "{ready}"
    );
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "a", "channel": "order-approved"}),
    )
    .await;
    next_of(&mut socket, "recent").await;
    mosquitto_pub_in(
        &server,
        Some("olga"),
        "order-approved",
        r#"{"orderId":"x"}"#,
    );
    let message = next_of(&mut socket, "message").await;
    assert_eq!(message["valid"], false, "{message}");
}

/// One channel whose whole address is a parameter: the document of the finding.
const ANYTHING: &str = r#"asyncapi: 3.0.0
info:
  title: Anything
  version: 1.0.0
channels:
  anything:
    address: '{t}'
    parameters:
      t:
        description: Any topic at all.
    messages:
      any:
        payload:
          type: string
operations:
  watch:
    action: receive
    channel:
      $ref: '#/channels/anything'
"#;

/// A signed-up account: its session cookie and tokens of both scopes.
struct Account {
    cookie: String,
    read_token: String,
    publish_token: String,
}

async fn account(server: &Server, name: &str) -> Account {
    let cookie = session_cookie(server, name).await;
    let token = |scope: &'static str| {
        let cookie = cookie.clone();
        async move {
            let response = reqwest::Client::new()
                .post(format!("{}/api/v1/tokens", server.base_url))
                .header("cookie", cookie)
                .json(&json!({"name": scope, "scope": scope}))
                .send()
                .await
                .expect("token");
            assert_eq!(response.status(), 201, "token creation");
            let body: Value = response.json().await.expect("JSON");
            body["token"].as_str().expect("a token").to_owned()
        }
    };
    Account {
        read_token: token("read").await,
        publish_token: token("publish").await,
        cookie,
    }
}

/// Publishes `document` as `{org}/{asset}/1.0.0` (the org is the account's own).
async fn publish_document(server: &Server, token: &str, org: &str, asset: &str, document: &str) {
    let response = reqwest::Client::new()
        .put(format!(
            "{}/api/v1/assets/{org}/{asset}/1.0.0",
            server.base_url
        ))
        .bearer_auth(token)
        .header("content-type", "application/yaml")
        .body(document.to_owned())
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201, "publish {org}/{asset}");
}

/// A console past its `ready` frame.
async fn open_console(server: &Server, path: &str, header: (&'static str, String)) -> Socket {
    let mut socket = connect(server, path, &[header])
        .await
        .expect("the console connects");
    next_of(&mut socket, "ready").await;
    socket
}

/// Every `message` frame arriving within `wait`.
async fn messages_within(socket: &mut Socket, wait: Duration) -> Vec<Value> {
    let mut messages = Vec::new();
    while let Ok(message) = tokio::time::timeout(wait, next_of(socket, "message")).await {
        messages.push(message);
    }
    messages
}

/// Mallory's one-channel document `{t}` and a read-token console on it.
async fn mallory(server: &Server) -> (Account, Socket) {
    let mallory = account(server, "mallory").await;
    publish_document(
        server,
        &mallory.publish_token,
        "mallory",
        "anything",
        ANYTHING,
    )
    .await;
    let socket = open_console(
        server,
        "/api/v1/console/mallory/anything/1.0.0/ws",
        ("authorization", format!("Bearer {}", mallory.read_token)),
    )
    .await;
    (mallory, socket)
}

#[tokio::test]
async fn a_hash_parameter_is_refused_and_other_organisations_traffic_never_arrives() {
    let server = start_with(&["--mqtt-allow-anonymous"]);
    mosquitto_pub(&server, "order-approved", APPROVED);
    let (_, mut socket) = mallory(&server).await;

    // `#` (or a level separator, or a system topic) through the parameter is refused.
    for value in ["#", "a/#", "$SYS", "orgs/portico/+"] {
        send(
            &mut socket,
            json!({"type": "subscribe", "id": "all", "channel": "anything", "parameters": {"t": value}}),
        )
        .await;
        let error = next_of(&mut socket, "error").await;
        assert!(
            error["message"].as_str().unwrap().contains("'$'")
                || error["message"].as_str().unwrap().contains("{t}"),
            "{value}: {error}"
        );
    }

    // "Any" is `+`, one level, within mallory's namespace: nothing recent of portico's.
    send(
        &mut socket,
        json!({"type": "subscribe", "id": "any", "channel": "anything"}),
    )
    .await;
    let subscribed = next_of(&mut socket, "subscribed").await;
    assert_eq!(
        subscribed["filter"], "+",
        "the filter as the document writes it"
    );
    let recent = next_of(&mut socket, "recent").await;
    assert_eq!(recent["messages"], json!([]), "{recent}");

    // Raw MQTT clients and another organisation's console publish; only mallory's own
    // namespace arrives, its topic as the document writes it.
    mosquitto_pub_in(&server, None, "private", "\"anonymous\"");
    mosquitto_pub_in(&server, None, "orgs/acme/private", "\"not acme's\"");
    mosquitto_pub(&server, "order-approved", APPROVED);
    let mut other = console(&server, "ada").await;
    send(
        &mut other,
        json!({"type": "publish", "channel": "order-approved", "payload": APPROVED}),
    )
    .await;
    next_of(&mut other, "published").await;
    mosquitto_pub_in(&server, Some("mallory"), "own", "\"mine\"");
    let seen = messages_within(&mut socket, Duration::from_secs(2)).await;
    let topics: Vec<&str> = seen.iter().filter_map(|m| m["topic"].as_str()).collect();
    assert_eq!(topics, ["own"], "{seen:?}");
}

#[tokio::test]
async fn a_retained_publish_stays_in_its_own_namespace() {
    let server = start();
    let (mallory, mut read_only) = mallory(&server).await;

    // A read-scope token watches; it does not publish.
    send(
        &mut read_only,
        json!({"type": "publish", "channel": "anything", "parameters": {"t": "order-approved"}, "payload": "\"x\"", "retain": true}),
    )
    .await;
    let error = next_of(&mut read_only, "error").await;
    assert!(
        error["message"].as_str().unwrap().contains("read scope"),
        "{error}"
    );

    // Mallory's page publishes retained on "order-approved": it lands in mallory's
    // namespace, not on portico's channel of that name.
    let mut page = open_console(
        &server,
        "/api/v1/console/mallory/anything/1.0.0/ws",
        ("cookie", mallory.cookie.clone()),
    )
    .await;
    for value in ["#", "+", "a/b"] {
        send(
            &mut page,
            json!({"type": "publish", "channel": "anything", "parameters": {"t": value}, "payload": "\"x\"", "retain": true}),
        )
        .await;
        next_of(&mut page, "error").await;
    }
    send(
        &mut page,
        json!({"type": "publish", "channel": "anything", "parameters": {"t": "order-approved"}, "payload": "\"planted\"", "retain": true}),
    )
    .await;
    let published = next_of(&mut page, "published").await;
    assert_eq!(published["topic"], "order-approved");

    let retained = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &server.mqtt_port])
        .args(["-u", "root@mallory", "-P", &server.root_token])
        .args(["-t", "order-approved", "-C", "1", "-W", "5"])
        .output()
        .expect("mosquitto_sub runs");
    assert_eq!(
        String::from_utf8_lossy(&retained.stdout).trim(),
        "\"planted\""
    );
    let elsewhere = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &server.mqtt_port])
        .args(["-u", "root@portico", "-P", &server.root_token])
        .args(["-t", "order-approved", "-t", "#", "-C", "1", "-W", "1"])
        .output()
        .expect("mosquitto_sub runs");
    assert!(elsewhere.stdout.is_empty(), "{elsewhere:?}");

    // Portico's console sees nothing of it, recent or live.
    let mut portico = console(&server, "ada").await;
    send(
        &mut portico,
        json!({"type": "subscribe", "id": "a", "channel": "order-approved"}),
    )
    .await;
    let recent = next_of(&mut portico, "recent").await;
    assert_eq!(recent["messages"], json!([]), "{recent}");
    assert!(
        messages_within(&mut portico, Duration::from_secs(1))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn recent_traffic_is_kept_per_namespace() {
    let server = start();
    let mut portico = console(&server, "ada").await;
    send(
        &mut portico,
        json!({"type": "publish", "channel": "order-approved", "payload": APPROVED}),
    )
    .await;
    next_of(&mut portico, "published").await;
    let (mallory, _) = mallory(&server).await;
    mosquitto_pub_in(&server, Some("mallory"), "order-approved", "\"mine\"");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut page = open_console(
        &server,
        "/api/v1/console/mallory/anything/1.0.0/ws",
        ("cookie", mallory.cookie),
    )
    .await;
    send(
        &mut page,
        json!({"type": "subscribe", "id": "a", "channel": "anything", "parameters": {"t": "order-approved"}}),
    )
    .await;
    let recent = next_of(&mut page, "recent").await;
    let payloads: Vec<&str> = recent["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["payload"].as_str())
        .collect();
    assert_eq!(payloads, ["\"mine\""], "{recent}");
    assert_eq!(recent["messages"][0]["topic"], "order-approved");

    // And portico's recent traffic is still portico's own.
    send(
        &mut portico,
        json!({"type": "subscribe", "id": "b", "channel": "order-approved"}),
    )
    .await;
    let recent = next_of(&mut portico, "recent").await;
    assert_eq!(
        recent["messages"].as_array().map(Vec::len),
        Some(1),
        "{recent}"
    );
    assert_eq!(recent["messages"][0]["payload"], APPROVED);
}

/// Reads frames until the close; its code and reason (panics after 30 s or on EOF).
async fn close_of(socket: &mut Socket) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => panic!("no close frame within 30 s"),
            Ok(Some(Ok(Message::Close(Some(frame))))) => {
                return (frame.code.into(), frame.reason.to_string());
            }
            Ok(Some(Ok(Message::Close(None)))) => panic!("closed without a reason"),
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("the socket ended without a close frame: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_page_that_stops_reading_while_it_sends_commands_is_closed_with_a_reason() {
    let server = start_with(&["--console-socket-bytes", "65536"]);
    let cookie = session_cookie(&server, "sam").await;
    // A small receive window, so the socket buffers between the server and this page
    // hold little: the replies pile up in the server's outbox, as for a stuck tab.
    let stream = {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket.set_recv_buffer_size(4096).expect("a small buffer");
        let addr = server.base_url.trim_start_matches("http://");
        socket
            .connect(addr.parse().expect("an address"))
            .await
            .expect("connects")
    };
    let url = format!("{}{CONSOLE}", server.base_url.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a request");
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(&cookie).expect("cookie"));
    let stream = tokio_tungstenite::MaybeTlsStream::Plain(stream);
    let (mut socket, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .expect("the console connects");

    // The budget holds about 85 pairs of replies and the socket buffers a few thousand
    // more; the server stops reading once it is over.
    let mut sent = 0;
    for n in 0..20_000 {
        let pair = [
            json!({"type": "subscribe", "id": format!("s{n}"), "channel": "order"}),
            json!({"type": "unsubscribe", "id": format!("s{n}")}),
        ];
        let mut stalled = false;
        for command in pair {
            let frame = Message::Text(command.to_string().into());
            match tokio::time::timeout(Duration::from_millis(500), socket.send(frame)).await {
                Ok(Ok(())) => {}
                // The server stopped reading (or closed): time to look.
                Ok(Err(_)) | Err(_) => stalled = true,
            }
        }
        if stalled {
            break;
        }
        sent = n;
    }
    let (code, reason) = close_of(&mut socket).await;
    assert_eq!(code, 1008, "policy: {reason}");
    assert!(
        reason.contains("64 KB budget"),
        "after {sent} pairs: {reason}"
    );
}

#[tokio::test]
async fn one_socket_more_than_a_user_may_have_is_refused_with_the_reason() {
    let server = start_with(&["--console-sockets-per-user", "2"]);
    let cookie = session_cookie(&server, "tess").await;
    let first = open_console(&server, CONSOLE, ("cookie", cookie.clone())).await;
    let _second = open_console(&server, CONSOLE, ("cookie", cookie.clone())).await;
    let mut third = connect(&server, CONSOLE, &[("cookie", cookie.clone())])
        .await
        .expect("the upgrade happens, to say why");
    let (code, reason) = close_of(&mut third).await;
    assert_eq!(code, 1013, "try again later: {reason}");
    assert_eq!(
        reason,
        "You have 2 console connections open, the limit; close a console tab first."
    );

    // Another user is not affected; closing one frees a place.
    console(&server, "uma").await;
    drop(first);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    open_console(&server, CONSOLE, ("cookie", cookie)).await;
}

/// Publishes a document whose servers are `servers` (YAML under `servers:`) as
/// `olga/probe/1.0.0` and opens its console with `token`.
async fn console_of_servers(server: &Server, token: &str, servers: &str) -> Socket {
    let document = format!(
        "asyncapi: 3.0.0\ninfo:\n  title: Probe\n  version: 1.0.0\nservers:\n{servers}channels:\n  things:\n    address: things\n"
    );
    let response = reqwest::Client::new()
        .put(format!(
            "{}/api/v1/assets/olga/probe/1.0.0",
            server.base_url
        ))
        .bearer_auth(token)
        .header("content-type", "application/yaml")
        .body(document)
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let bearer = [("authorization", format!("Bearer {token}"))];
    let mut socket = connect(server, "/api/v1/console/olga/probe/1.0.0/ws", &bearer)
        .await
        .expect("connects");
    next_of(&mut socket, "ready").await;
    socket
}

async fn use_server_error(socket: &mut Socket, id: &str) -> String {
    send(socket, json!({"type": "use_server", "server": id})).await;
    next_of(socket, "error").await["message"]
        .as_str()
        .expect("a message")
        .to_owned()
}

#[tokio::test]
async fn a_document_cannot_point_the_server_at_internal_addresses() {
    let http_port = |server: &Server| server.base_url.rsplit(':').next().unwrap().to_owned();
    // Nothing is allowed by default: not loopback, not the metadata service.
    let closed = start();
    let token = support_token(&closed, "olga").await;
    let servers = format!(
        "  own:\n    host: 127.0.0.1:{}\n    protocol: mqtt\n  metadata:\n    host: 169.254.169.254:80\n    protocol: mqtt\n  named:\n    host: localhost:{}\n    protocol: mqtt\n",
        http_port(&closed),
        closed.mqtt_port
    );
    let mut socket = console_of_servers(&closed, &token, &servers).await;
    for id in ["own", "metadata", "named"] {
        let message = use_server_error(&mut socket, id).await;
        assert!(message.contains("is not allowed"), "{id}: {message}");
    }

    // Allowed loopback: what did not answer as MQTT is not told apart (no port scan).
    let open = start_with(&["--allow-hosts", "127.0.0.1"]);
    let token = support_token(&open, "olga").await;
    let servers = format!(
        "  closed:\n    host: 127.0.0.1:1\n    protocol: mqtt\n  http:\n    host: 127.0.0.1:{}\n    protocol: mqtt\n  elsewhere:\n    host: 127.0.0.2:{}\n    protocol: mqtt\n",
        http_port(&open),
        open.mqtt_port
    );
    let mut socket = console_of_servers(&open, &token, &servers).await;
    let closed_port = use_server_error(&mut socket, "closed").await;
    assert_eq!(closed_port, "Could not connect to 127.0.0.1:1.");
    let not_mqtt = use_server_error(&mut socket, "http").await;
    assert_eq!(
        not_mqtt,
        format!("Could not connect to 127.0.0.1:{}.", http_port(&open))
    );
    let other = use_server_error(&mut socket, "elsewhere").await;
    assert!(other.contains("is not allowed"), "{other}");

    // A read-scope token watches; it does not make the server connect anywhere.
    let client = support::browser_like_client();
    client
        .post(format!("{}/rpc/log_in", open.base_url))
        .form(&[("username", "olga"), ("password", "long password")])
        .send()
        .await
        .expect("log in");
    let read: Value = client
        .post(format!("{}/api/v1/tokens", open.base_url))
        .json(&json!({"name": "read", "scope": "read"}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("JSON");
    let bearer = [(
        "authorization",
        format!("Bearer {}", read["token"].as_str().unwrap()),
    )];
    let mut reader = connect(&open, "/api/v1/console/olga/probe/1.0.0/ws", &bearer)
        .await
        .expect("connects");
    next_of(&mut reader, "ready").await;
    let refused = use_server_error(&mut reader, "closed").await;
    assert!(refused.contains("read scope"), "{refused}");
}
