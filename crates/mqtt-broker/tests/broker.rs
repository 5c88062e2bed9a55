//! The broker against Debian's mosquitto clients (package mosquitto-clients, installed
//! by scripts/setup.sh): each test starts its own broker on a free loopback port, and the
//! in-process hooks the server uses are checked against the same clients.

use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mqtt_broker::{BrokerConfig, BrokerError, BrokerHandle, BrokerMessage, Subscription};

/// A broker with the standard bounds on a free loopback port.
fn broker() -> BrokerHandle {
    let addr = "127.0.0.1:0".parse().expect("a loopback address");
    mqtt_broker::start(BrokerConfig::new(addr)).expect("the broker starts")
}

/// The port mosquitto clients connect to.
fn port_of(broker: &BrokerHandle) -> String {
    broker.addr().port().to_string()
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
    let broker = broker();
    let port = port_of(&broker);
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
    let broker = broker();
    let port = port_of(&broker);
    let output = publish(&port, "status/door", 1, "mqttv311", &["-r", "-m", "open"]);
    assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
    sleep(Duration::from_millis(200));
    let sub = subscriber(&port, "status/#", 1, "mqttv311", 1, 10);
    assert_eq!(received(sub).trim(), "open");
}

#[test]
fn messages_over_the_size_limit_are_refused() {
    let broker = broker();
    let port = port_of(&broker);
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
    let broker = broker();
    let port = port_of(&broker);
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
    let broker = broker();
    let port = port_of(&broker);
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
    let broker = broker();
    let port = port_of(&broker);
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
    let broker = broker();
    let port = port_of(&broker);
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

#[test]
fn a_taken_port_is_a_clear_startup_error() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let error = mqtt_broker::start(BrokerConfig::new(addr)).expect_err("started on a taken port");
    assert!(matches!(error, BrokerError::Bind { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&format!("cannot listen for MQTT on {addr}")),
        "unclear error: {error}"
    );
}

#[test]
fn the_handle_reports_the_bound_port_and_the_broker_up() {
    let broker = broker();
    assert_ne!(broker.addr().port(), 0);
    assert_eq!(broker.status(), "up");
    assert_eq!(broker.max_message_bytes(), 256 * 1024);
}

/// Waits up to five seconds for the next message of an in-process subscription.
fn next(subscription: &mut Subscription) -> Option<BrokerMessage> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(message) = subscription.try_recv() {
            return Some(message);
        }
        if Instant::now() > deadline {
            return None;
        }
        sleep(Duration::from_millis(10));
    }
}

#[test]
fn in_process_subscribers_and_observers_see_what_clients_publish() {
    let broker = broker();
    let port = port_of(&broker);
    let mut orders = broker.subscribe("orders/+");
    let mut everything = broker.observe(10);
    for (topic, body) in [
        ("orders/created", "one"),
        ("$SYS/load", "two"),
        ("other", "three"),
    ] {
        let output = publish(
            &port,
            topic,
            1,
            "mqttv5",
            &[
                "-D",
                "publish",
                "user-property",
                "source",
                "erp",
                "-m",
                body,
            ],
        );
        assert!(output.status.success(), "mosquitto_pub failed: {output:?}");
    }
    let order = next(&mut orders).expect("the order reaches the filter's subscriber");
    assert_eq!(
        (order.topic.as_str(), &order.payload[..]),
        ("orders/created", &b"one"[..])
    );
    assert_eq!(
        order.user_properties,
        [("source".to_owned(), "erp".to_owned())]
    );
    assert!(orders.try_recv().is_none(), "other topics stay out");
    let seen: Vec<String> = std::iter::from_fn(|| next(&mut everything))
        .take(3)
        .map(|m| m.topic)
        .collect();
    assert_eq!(
        seen,
        ["orders/created", "$SYS/load", "other"],
        "the observer sees everything"
    );
}

#[test]
fn in_process_publishes_reach_clients_with_their_user_properties() {
    let broker = broker();
    let port = port_of(&broker);
    let sub = subscriber_with(
        &port,
        &[
            "-V",
            "mqttv5",
            "-t",
            "console/#",
            "-F",
            "%P|%p",
            "-C",
            "1",
            "-W",
            "10",
        ],
    );
    broker
        .publish_with_properties(
            "console/out",
            Bytes::from_static(b"hello"),
            false,
            vec![("trace".into(), "42".into())],
        )
        .expect("a small message is accepted");
    assert_eq!(received(sub).trim(), "trace:42|hello");
    let too_big = Bytes::from(vec![b'x'; broker.max_message_bytes() + 1]);
    assert!(matches!(
        broker.publish("console/out", too_big, false),
        Err(BrokerError::TooLarge { .. })
    ));
}

#[test]
fn a_slow_in_process_subscriber_keeps_the_newest_and_counts_the_dropped() {
    let broker = broker();
    let mut observer = broker.observe(3);
    for n in 0..10 {
        broker
            .publish("t", Bytes::from(n.to_string()), false)
            .expect("published");
    }
    let kept: Vec<String> = std::iter::from_fn(|| observer.try_recv())
        .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
        .collect();
    assert_eq!(kept, ["7", "8", "9"]);
    assert_eq!(observer.dropped(), 7);
}
