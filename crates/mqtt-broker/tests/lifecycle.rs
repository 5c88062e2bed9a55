//! The broker's stop, and the reproduction of a clean MQTT 5 DISCONNECT with
//! Debian's mosquitto_sub (package mosquitto-clients).

mod raw;

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use raw::*;

/// MQTT 5 4.13 / DISCONNECT 0x8B: a stopping broker tells MQTT 5 clients "Server shutting
/// down", closes every socket, accepts no more connections and ends its in-process
/// subscriptions.
#[test]
fn stop_sends_server_shutting_down_and_closes_everything() {
    let broker = broker();
    let addr = broker.addr();
    let mut v5 = Client::v5(addr, "five");
    let mut v4 = Client::open(addr);
    v4.send(&connect4("four", true, None));
    v4.expect(CONNACK);
    let mut subscription = broker.subscribe("#");
    assert_eq!(broker.status(), "up");
    broker.stop();
    assert_eq!(broker.status(), "down");
    let disconnect = v5.expect(DISCONNECT);
    assert_eq!(disconnect.body[0], 0x8B);
    assert!(v5.closed_within(Duration::from_secs(1)));
    assert!(
        v4.closed_within(Duration::from_secs(1)),
        "MQTT 3.1.1: closed"
    );
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let ended = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(1), subscription.recv()).await
    });
    assert!(matches!(ended, Ok(None)), "the subscription ends");
    broker.stop();
}

/// [MQTT-3.14.4-3]: mosquitto_pub ends with a normal DISCONNECT written `E0 00`
/// (reason code omitted), so its will is discarded; mosquitto_sub stopped with Ctrl-C
/// sends reason 0x04 (Disconnect with Will Message), so its will is published.
#[test]
fn mqtt_3_14_4_3_mosquitto_pub_discards_its_will_mosquitto_sub_interrupted_sends_it() {
    let broker = broker();
    let port = broker.addr().port().to_string();
    let mut watch = Client::v5(broker.addr(), "watch");
    watch.subscribe("wills/#", 1);
    let will = ["--will-topic", "wills/leaver", "--will-payload", "bye"];
    let output = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-V",
            "mqttv5",
            "-t",
            "x",
            "-m",
            "hi",
        ])
        .args(will)
        .output()
        .expect("mosquitto_pub runs (apt-get install mosquitto-clients)");
    assert!(output.status.success(), "{output:?}");
    assert!(
        watch.recv(Duration::from_secs(1)).is_none(),
        "a normal DISCONNECT must not publish the will"
    );
    let interrupted = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-V",
            "mqttv5",
            "-t",
            "nothing",
        ])
        .args(will)
        .stdout(Stdio::null())
        .spawn()
        .expect("mosquitto_sub runs");
    sleep(Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-INT", &interrupted.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    interrupted.wait_with_output().expect("mosquitto_sub ends");
    let will = watch.expect(PUBLISH);
    assert_eq!(will.publish_parts().2, b"bye");
}
