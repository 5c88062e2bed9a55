//! Broker credentials end to end on `portico serve`: an organisation admin creates one
//! over the REST API (the secret once; bad and taken names refused), a device logs in
//! with it as `NAME@ORG` and lives in the organisation's namespace from its root, with
//! the rights it was given (a subscribe-only credential's publish: PUBACK 0x87), and once
//! revoked its open connection is ended (DISCONNECT 0x98) and its next CONNECT refused
//! (0x86).

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::TestServer;

/// `portico serve` with the broker, `ada` (admin of her personal organisation `ada`) with
/// an admin token for the REST API and a publish token for MQTT, and `bob` elsewhere.
struct Setup {
    server: TestServer,
    mqtt_port: u16,
    admin_token: String,
    publish_token: String,
    bob_token: String,
    _data: tempfile::TempDir,
}

fn start() -> Setup {
    let data = tempfile::tempdir().expect("temp dir");
    support::cli_user(data.path(), "ada", false);
    support::cli_user(data.path(), "bob", false);
    let admin_token = support::cli_token(data.path(), "ada", "admin");
    let publish_token = support::cli_token(data.path(), "ada", "publish");
    let bob_token = support::cli_token(data.path(), "bob", "publish");
    let server = TestServer::start_with(
        data.path(),
        &["--demo", "false", "--mqtt-addr", "127.0.0.1:0"],
    );
    Setup {
        mqtt_port: server.mqtt_port.expect("the broker runs"),
        server,
        admin_token,
        publish_token,
        bob_token,
        _data: data,
    }
}

impl Setup {
    fn credentials_url(&self) -> String {
        self.server.url("/api/v1/orgs/ada/broker-credentials")
    }

    async fn create(&self, body: Value) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(self.credentials_url())
            .bearer_auth(&self.admin_token)
            .json(&body)
            .send()
            .await
            .expect("request is sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    async fn list(&self) -> Value {
        let response = reqwest::Client::new()
            .get(self.credentials_url())
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("request is sent");
        assert_eq!(response.status(), 200);
        response.json().await.expect("a JSON body")
    }

    /// `mosquitto_sub` (MQTT 5) for one message on `topic`, printed with its topic.
    fn subscribe(&self, user: &str, password: &str, topic: &str) -> Child {
        let child = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &self.mqtt_port.to_string()])
            .args(["-V", "mqttv5", "-u", user, "-P", password])
            .args(["-t", topic, "-C", "1", "-W", "4", "-v"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mosquitto_sub runs");
        // Let it subscribe before anything is published.
        std::thread::sleep(Duration::from_millis(500));
        child
    }

    fn publish(&self, user: &str, password: &str, topic: &str, payload: &str) {
        let output = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &self.mqtt_port.to_string()])
            .args(["-V", "mqttv5", "-q", "1", "-u", user, "-P", password])
            .args(["-t", topic, "-m", payload])
            .output()
            .expect("mosquitto_pub runs");
        assert!(output.status.success(), "{user} publishing: {output:?}");
    }
}

fn received(child: Child) -> String {
    let output = child.wait_with_output().expect("mosquitto_sub ends");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A raw MQTT 5 client: enough to read the reason codes mosquitto's tools only describe.
struct RawClient(TcpStream, Vec<u8>);

impl RawClient {
    /// Connects and sends CONNECT; answers the client and the CONNACK's reason code.
    fn connect(port: u16, user: &str, password: &str) -> (RawClient, u8) {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("the broker accepts");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a timeout");
        let mut client = RawClient(stream, Vec::new());
        // Protocol name, level 5, flags (user name, password, clean start), keep alive 60,
        // no properties; then client id, user name, password.
        let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 5, 0b1100_0010, 0, 60, 0];
        for field in [&b""[..], user.as_bytes(), password.as_bytes()] {
            body.extend_from_slice(&(field.len() as u16).to_be_bytes());
            body.extend_from_slice(field);
        }
        client.send(0x10, body);
        let connack = client.packet();
        assert_eq!(connack[0], 0x20, "a CONNACK: {connack:?}");
        (client, connack[3])
    }

    fn send(&mut self, first: u8, body: Vec<u8>) {
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
        self.0.write_all(&packet).expect("sent");
    }

    /// Publishes at QoS 1 (packet id 1); answers the PUBACK's reason code.
    fn publish_qos1(&mut self, topic: &str, payload: &[u8]) -> u8 {
        let mut body = (topic.len() as u16).to_be_bytes().to_vec();
        body.extend_from_slice(topic.as_bytes());
        body.extend_from_slice(&[0, 1, 0]);
        body.extend_from_slice(payload);
        self.send(0x32, body);
        let puback = self.packet();
        assert_eq!(puback[0], 0x40, "a PUBACK: {puback:?}");
        // A success may leave the reason code out (remaining length 2).
        if puback[1] < 3 { 0 } else { puback[4] }
    }

    /// Whether the broker has closed the connection (all that was sent read).
    fn closed(&mut self) -> bool {
        let mut chunk = [0u8; 64];
        matches!(self.0.read(&mut chunk), Ok(0))
    }

    /// The next whole packet.
    fn packet(&mut self) -> Vec<u8> {
        loop {
            if let Some(length) = packet_length(&self.1)
                && self.1.len() >= length
            {
                return self.1.drain(..length).collect();
            }
            let mut chunk = [0u8; 4096];
            let read = self.0.read(&mut chunk).expect("the broker answers");
            assert!(read > 0, "the broker closed the connection");
            self.1.extend_from_slice(&chunk[..read]);
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

const BAD_CREDENTIALS: u8 = 0x86;
const NOT_AUTHORIZED: u8 = 0x87;

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_makes_a_credential_a_device_uses_in_the_namespace_until_it_is_revoked() {
    let setup = start();

    // Created once over REST: the login and the secret.
    let (status, sensor) = setup
        .create(json!({"name": "sensor-17", "publish": true, "subscribe": true}))
        .await;
    assert_eq!(status, 201, "{sensor}");
    assert_eq!(sensor["username"], "sensor-17@ada");
    let secret = sensor["secret"].as_str().expect("a secret").to_owned();
    assert!(secret.starts_with("pbc_") && secret.len() == 68, "{secret}");
    let (status, display) = setup
        .create(json!({"name": "display-2", "publish": false, "subscribe": true}))
        .await;
    assert_eq!(status, 201, "{display}");
    let display_secret = display["secret"].as_str().expect("a secret").to_owned();

    // A taken name, a bad name: refused with what and where.
    let (status, taken) = setup
        .create(json!({"name": "sensor-17", "publish": true, "subscribe": false}))
        .await;
    assert_eq!(status, 409, "{taken}");
    assert!(
        taken["detail"].as_str().unwrap().contains("sensor-17"),
        "{taken}"
    );
    let (status, bad) = setup
        .create(json!({"name": "Sensor 17", "publish": true, "subscribe": true}))
        .await;
    assert_eq!(status, 422, "{bad}");
    let detail = bad["detail"].as_str().unwrap();
    assert!(
        detail.contains("name") && detail.contains("\"Sensor 17\""),
        "{detail}"
    );

    // The device sees the organisation's topics from the root...
    let device = setup.subscribe("sensor-17@ada", &secret, "#");
    setup.publish("ada", &setup.publish_token, "greetings/1", "hello device");
    assert_eq!(received(device), "greetings/1 hello device");
    // ...and what it publishes lands there, not in another organisation.
    let ada = setup.subscribe("ada", &setup.publish_token, "readings/+");
    let bob = setup.subscribe("bob", &setup.bob_token, "#");
    setup.publish("sensor-17@ada", &secret, "readings/1", "21.5");
    assert_eq!(received(ada), "readings/1 21.5");
    assert_eq!(received(bob), "", "another organisation saw the device");

    // A subscribe-only credential connects, but its publish is refused.
    let (mut client, code) = RawClient::connect(setup.mqtt_port, "display-2@ada", &display_secret);
    assert_eq!(code, 0, "display-2 was refused");
    assert_eq!(client.publish_qos1("readings/2", b"x"), NOT_AUTHORIZED);

    // A secret presented under another name, or in another organisation, or a wrong one.
    for (user, password) in [
        ("display-2@ada", secret.as_str()),
        ("sensor-17@bob", secret.as_str()),
        ("sensor-17", secret.as_str()),
        ("sensor-17@ada", "pbc_0000"),
    ] {
        let (_, code) = RawClient::connect(setup.mqtt_port, user, password);
        assert_eq!(code, BAD_CREDENTIALS, "{user} with {password:.10}");
    }

    // Listed with its use, never with its secret.
    let listed = setup.list().await;
    let items = listed["items"].as_array().expect("items");
    let names: Vec<&str> = items.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["display-2", "sensor-17"]);
    assert_eq!(items[1]["createdBy"], "ada");
    assert!(items[1]["lastUsedAt"].is_string(), "{listed}");
    assert!(
        !listed.to_string().contains(&secret[4..]),
        "a secret was listed"
    );

    // Revoked: the open connection ends, the next CONNECT is refused.
    let (mut live, code) = RawClient::connect(setup.mqtt_port, "sensor-17@ada", &secret);
    assert_eq!(code, 0, "sensor-17 was refused");
    let revoked = reqwest::Client::new()
        .delete(
            setup
                .server
                .url("/api/v1/orgs/ada/broker-credentials/sensor-17"),
        )
        .bearer_auth(&setup.admin_token)
        .send()
        .await
        .expect("request is sent");
    assert_eq!(revoked.status(), 204);
    let disconnect = live.packet();
    assert_eq!(
        (disconnect[0], disconnect[2]),
        (0xE0, 0x98),
        "DISCONNECT Administrative action: {disconnect:?}"
    );
    assert!(live.closed(), "the revoked connection stays open");
    let (_, code) = RawClient::connect(setup.mqtt_port, "sensor-17@ada", &secret);
    assert_eq!(code, BAD_CREDENTIALS, "a revoked credential logged in");
    let again = reqwest::Client::new()
        .delete(
            setup
                .server
                .url("/api/v1/orgs/ada/broker-credentials/sensor-17"),
        )
        .bearer_auth(&setup.admin_token)
        .send()
        .await
        .expect("request is sent");
    assert_eq!(again.status(), 404);
}
