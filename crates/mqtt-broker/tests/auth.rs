//! Authentication and mounts: a fixed table stands in for the server's token check.
//! Refusals carry the CONNACK code of each version [MQTT-3.2.2], a client lives under
//! its mount and sees its namespace from the root, and grants limit publish and
//! subscribe (MQTT 5 0x87; MQTT 3.1.1 acknowledges and drops [MQTT-3.3.5-2]), and the
//! server ends the connections of an identity it revoked.

mod raw;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use mqtt_broker::{AuthFuture, Authenticator, BrokerHandle, Grant, Login, Refusal};
use raw::*;

const SHORT: Duration = Duration::from_millis(500);

/// alice and carol in acme, bob in globex, reader read-only in acme, writer
/// publish-only in acme, root on the whole broker; `stuck` never gets an answer.
fn table() -> Arc<dyn Authenticator> {
    Arc::new(|login: Login| -> AuthFuture {
        Box::pin(async move {
            let user = login.username.as_deref().unwrap_or("");
            let expected: &[u8] = match user {
                "stuck" => {
                    std::future::pending::<()>().await;
                    b""
                }
                "alice" | "carol" | "reader" | "writer" => b"acme-token",
                "bob" => b"globex-token",
                "root" => b"root-token",
                _ => return Err(Refusal::NotAuthorized),
            };
            if login.password.as_deref() != Some(expected) {
                return Err(Refusal::BadCredentials);
            }
            Ok(match user {
                "bob" => Grant::full("orgs/globex"),
                "root" => Grant::full(""),
                "reader" => Grant::read_only("orgs/acme/"),
                "writer" => Grant {
                    mount: "orgs/acme/".into(),
                    publish: true,
                    subscribe: false,
                    identity: Some("writer-key".into()),
                },
                _ => Grant::full("orgs/acme/"),
            })
        })
    })
}

fn broker() -> BrokerHandle {
    broker_with(|config| config.authenticator = Some(table()))
}

fn v5(broker: &BrokerHandle, id: &str, user: &str, password: &str) -> Client {
    let (client, connack) = Client::connect(
        broker.addr(),
        &connect5_login(id, user, password.as_bytes()),
    );
    assert_eq!(connack.body[1], 0, "{user} refused: {connack:?}");
    client
}

fn acme(broker: &BrokerHandle, id: &str) -> Client {
    v5(broker, id, "alice", "acme-token")
}

#[test]
fn mqtt_3_2_2_wrong_credentials_are_refused_with_each_versions_code() {
    let broker = broker();
    let cases: [(&str, &[u8], u8, u8); 3] = [
        // user, password, MQTT 5 reason, MQTT 3.1.1 return code
        ("alice", b"wrong", 0x86, 4),
        ("mallory", b"acme-token", 0x87, 5),
        ("", b"", 0x87, 5),
    ];
    for (user, password, v5_code, v4_code) in cases {
        let (mut client, connack) =
            Client::connect(broker.addr(), &connect5_login("c", user, password));
        assert_eq!(connack.body[1], v5_code, "MQTT 5 {user:?}");
        assert!(client.closed_within(SHORT), "closed after the refusal");
        let (mut client, connack) =
            Client::connect(broker.addr(), &connect4_login("c", user, password));
        assert_eq!(connack.body[1], v4_code, "MQTT 3.1.1 {user:?}");
        assert!(client.closed_within(SHORT));
    }
    // Without an authenticator everyone is let in, as before.
    let open = broker_with(|_| {});
    let (_, connack) = Client::connect(open.addr(), &connect5_login("c", "x", b"y"));
    assert_eq!(connack.body[1], 0);
}

#[test]
fn a_mounted_client_sees_its_namespace_from_the_root_and_nothing_of_others() {
    let broker = broker();
    let mut acme_sub = acme(&broker, "acme-sub");
    acme_sub.subscribe("#", 1);
    let mut globex_sub = v5(&broker, "globex-sub", "bob", "globex-token");
    globex_sub.subscribe("#", 1);
    let mut root_sub = v5(&broker, "root-sub", "root", "root-token");
    root_sub.subscribe("orgs/#", 1);
    let mut inside = broker.subscribe("orgs/acme/#");

    let mut publisher = acme(&broker, "acme-pub");
    publisher.send(&publish5("sensors/t1", 1, 1, &[], b"21.5"));
    assert_eq!(publisher.expect(PUBACK).ack_reason(), 0);

    let (topic, _, payload) = acme_sub.expect(PUBLISH).publish_parts();
    assert_eq!(
        (topic.as_str(), payload.as_slice()),
        ("sensors/t1", &b"21.5"[..])
    );
    assert!(
        globex_sub.recv(SHORT).is_none(),
        "globex sees acme's traffic"
    );
    let (topic, _, _) = root_sub.expect(PUBLISH).publish_parts();
    assert_eq!(
        topic, "orgs/acme/sensors/t1",
        "the whole broker sees the full topic"
    );
    let seen = next_within(&mut inside, Duration::from_secs(2)).expect("in-process subscriber");
    assert_eq!(seen.topic, "orgs/acme/sensors/t1");

    // And the other way: globex's messages stay in globex; the server's own publish
    // under the mount reaches the mounted client without its prefix.
    let mut bob = v5(&broker, "bob-pub", "bob", "globex-token");
    bob.send(&publish5("sensors/t1", 0, 0, &[], b"x"));
    assert_eq!(globex_sub.expect(PUBLISH).publish_parts().0, "sensors/t1");
    assert!(acme_sub.recv(SHORT).is_none(), "acme sees globex's traffic");
    broker
        .publish("orgs/acme/console/hello", "hi".into(), false)
        .expect("in-process publish");
    assert_eq!(acme_sub.expect(PUBLISH).publish_parts().0, "console/hello");
}

#[test]
fn retained_messages_wills_shared_subscriptions_and_aliases_respect_the_mount() {
    let broker = broker();
    let mut publisher = acme(&broker, "p");
    let mut retained = publish5("status/gate", 1, 2, &[], b"locked");
    retained[0] |= 0x01;
    publisher.send(&retained);
    publisher.expect(PUBACK);
    let mut globex = v5(&broker, "g", "bob", "globex-token");
    globex.subscribe("#", 1);
    assert!(
        globex.recv(SHORT).is_none(),
        "another org's retained message"
    );
    let mut fresh = acme(&broker, "fresh");
    fresh.subscribe("status/#", 1);
    let published = fresh.expect(PUBLISH);
    assert!(published.first & 0x01 != 0, "retained");
    assert_eq!(published.publish_parts().0, "status/gate");

    // Shared subscription: the prefix goes on the filter part.
    let mut worker = acme(&broker, "worker");
    worker.subscribe("$share/pool/jobs/#", 1);
    let mut bob = v5(&broker, "bob", "bob", "globex-token");
    bob.send(&publish5("jobs/1", 0, 0, &[], b"globex job"));
    publisher.send(&publish5("jobs/2", 0, 0, &[], b"acme job"));
    let (topic, _, payload) = worker.expect(PUBLISH).publish_parts();
    assert_eq!(
        (topic.as_str(), payload.as_slice()),
        ("jobs/2", &b"acme job"[..])
    );

    // A topic alias set by a mounted client names its own topic.
    let mut watcher = acme(&broker, "watcher");
    watcher.subscribe("aliased", 0);
    publisher.send(&publish5("aliased", 0, 0, &[prop_u16(0x23, 1)], b"one"));
    publisher.send(&publish5("", 0, 0, &[prop_u16(0x23, 1)], b"two"));
    for expected in [&b"one"[..], b"two"] {
        let (topic, _, payload) = watcher.expect(PUBLISH).publish_parts();
        assert_eq!((topic.as_str(), payload.as_slice()), ("aliased", expected));
    }

    // The will of a mounted client goes under its mount.
    let mut wills = acme(&broker, "wills");
    wills.subscribe("wills/#", 1);
    let mut inside = broker.subscribe("orgs/acme/wills/#");
    let will = Will {
        topic: "wills/dying",
        payload: b"gone",
        qos: 0,
        properties: vec![],
    };
    let connect = connect5_login_with("dying", "alice", b"acme-token", Some(&will));
    let (dying, connack) = Client::connect(broker.addr(), &connect);
    assert_eq!(connack.body[1], 0, "{connack:?}");
    drop(dying);
    assert_eq!(wills.expect(PUBLISH).publish_parts().0, "wills/dying");
    let seen = next_within(&mut inside, Duration::from_secs(2)).expect("the will in-process");
    assert_eq!(seen.topic, "orgs/acme/wills/dying");
}

#[test]
fn a_mounted_client_cannot_reach_outside_its_mount_but_reads_sys() {
    let broker = broker_with(|config| {
        config.authenticator = Some(table());
        config.sys_interval = Duration::from_millis(200);
    });
    let mut client = acme(&broker, "c");
    client.send(&subscribe5(1, "$SYS/broker/uptime", 0, &[]));
    client.expect(SUBACK);
    let (topic, _, _) = client.expect(PUBLISH).publish_parts();
    assert_eq!(topic, "$SYS/broker/uptime", "$SYS stays unmounted");
    // `$` topics of its own would escape its `#` filters: refused.
    client.send(&publish5("$SYS/broker/uptime", 1, 7, &[], b"forged"));
    let ack = client.expect(PUBACK);
    assert_eq!((ack.pkid(), ack.ack_reason()), (7, 0x87));
    // Messages published outside the mount by the whole-broker client never arrive.
    let mut acme_all = acme(&broker, "all");
    acme_all.subscribe("#", 0);
    let mut root = v5(&broker, "root", "root", "root-token");
    root.send(&publish5("orgs/acme", 0, 0, &[], b"the mount itself"));
    root.send(&publish5("orgs/acmecorp/x", 0, 0, &[], b"a neighbour"));
    root.send(&publish5("orgs/acme/x", 0, 0, &[], b"inside"));
    let (topic, _, payload) = acme_all.expect(PUBLISH).publish_parts();
    assert_eq!((topic.as_str(), payload.as_slice()), ("x", &b"inside"[..]));
}

#[test]
fn the_same_client_id_in_two_organisations_are_two_sessions() {
    let broker = broker();
    let mut alice = acme(&broker, "sensor-1");
    let mut bob = v5(&broker, "sensor-1", "bob", "globex-token");
    alice.send(&[0xC0, 0x00]);
    assert_eq!(alice.expect(PINGRESP).kind(), PINGRESP, "not taken over");
    bob.send(&[0xC0, 0x00]);
    bob.expect(PINGRESP);
    // Within one organisation the second does take over.
    let _again = acme(&broker, "sensor-1");
    let disconnect = alice.expect(DISCONNECT);
    assert_eq!(disconnect.body[0], 0x8E, "Session taken over");
}

#[test]
fn the_server_ends_the_connections_of_an_identity_it_revoked_and_only_those() {
    let broker = broker();
    let mut writer = v5(&broker, "w1", "writer", "acme-token");
    let mut alice = acme(&broker, "a1");
    assert_eq!(broker.disconnect("writer-key"), 1);
    let disconnect = writer.expect(DISCONNECT);
    assert_eq!(disconnect.body[0], 0x98, "Administrative action");
    assert!(writer.closed_within(SHORT), "closed after the DISCONNECT");
    // Clients of other identities (or none) go on.
    alice.send(&publish5("t", 1, 1, &[], b"x"));
    assert_eq!(alice.expect(PUBACK).ack_reason(), 0);
    assert_eq!(broker.disconnect("writer-key"), 0, "nobody left to end");
}

#[test]
fn grants_limit_publish_and_subscribe_on_both_versions() {
    let broker = broker();
    let mut watcher = acme(&broker, "watcher");
    watcher.subscribe("#", 2);

    // Read-only, MQTT 5: 0x87 at QoS 1 and 2, QoS 0 dropped silently; subscribe works.
    let mut reader = v5(&broker, "reader", "reader", "acme-token");
    reader.send(&publish5("t", 0, 0, &[], b"q0"));
    reader.send(&publish5("t", 1, 3, &[], b"q1"));
    let ack = reader.expect(PUBACK);
    assert_eq!((ack.pkid(), ack.ack_reason()), (3, 0x87));
    reader.send(&publish5("t", 2, 4, &[], b"q2"));
    let rec = reader.expect(PUBREC);
    assert_eq!((rec.pkid(), rec.ack_reason()), (4, 0x87));
    reader.subscribe("t", 1);
    assert!(
        watcher.recv(SHORT).is_none(),
        "a read-only client published"
    );

    // Read-only, MQTT 3.1.1: acknowledged as usual, dropped.
    let (mut reader4, connack) = Client::connect(
        broker.addr(),
        &connect4_login("reader4", "reader", b"acme-token"),
    );
    assert_eq!(connack.body[1], 0);
    reader4.send(&publish4("t", 1, 5, b"q1"));
    assert_eq!(reader4.expect(PUBACK).pkid(), 5);
    reader4.send(&publish4("t", 2, 6, b"q2"));
    assert_eq!(reader4.expect(PUBREC).pkid(), 6);
    reader4.send(&packet(0x62, &6u16.to_be_bytes()));
    assert_eq!(reader4.expect(PUBCOMP).pkid(), 6);
    assert!(
        watcher.recv(SHORT).is_none(),
        "a read-only client published"
    );

    // Publish-only: SUBACK 0x87 (MQTT 5), 0x80 (MQTT 3.1.1); its publishes go through.
    let mut writer = v5(&broker, "writer", "writer", "acme-token");
    writer.send(&subscribe5(9, "#", 1, &[]));
    let suback = writer.expect(SUBACK);
    assert_eq!(suback.body[3], 0x87, "{suback:?}");
    writer.send(&publish5("t", 1, 1, &[], b"allowed"));
    assert_eq!(writer.expect(PUBACK).ack_reason(), 0);
    assert_eq!(watcher.expect(PUBLISH).publish_parts().2, b"allowed");
    let (mut writer4, _) = Client::connect(
        broker.addr(),
        &connect4_login("writer4", "writer", b"acme-token"),
    );
    writer4.send(&subscribe4(9, "#", 1));
    let suback = writer4.expect(SUBACK);
    assert_eq!(suback.body[2], 0x80, "{suback:?}");
}

#[test]
fn a_slow_authentication_does_not_hold_up_other_clients() {
    let broker = broker();
    let stuck: Vec<Client> = (0..4)
        .map(|n| {
            let mut client = Client::open(broker.addr());
            client.send(&connect5_login(&format!("stuck-{n}"), "stuck", b"x"));
            client
        })
        .collect();
    let started = std::time::Instant::now();
    let _alice = acme(&broker, "alice");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    drop(stuck);
}

#[test]
fn mosquitto_clients_log_in_and_see_their_namespace() {
    let broker = broker();
    let port = broker.addr().port().to_string();
    for version in ["mqttv311", "mqttv5"] {
        let sub = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &port, "-V", version])
            .args([
                "-u",
                "carol",
                "-P",
                "acme-token",
                "-t",
                "#",
                "-v",
                "-C",
                "1",
                "-W",
                "10",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("mosquitto_sub runs (apt-get install mosquitto-clients)");
        std::thread::sleep(Duration::from_millis(300));
        let wrong = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port, "-V", version])
            .args(["-u", "alice", "-P", "nope", "-t", "orders/1", "-m", "x"])
            .output()
            .expect("mosquitto_pub runs");
        assert!(
            !wrong.status.success(),
            "{version}: a wrong password published"
        );
        let stderr = String::from_utf8_lossy(&wrong.stderr).to_lowercase();
        assert!(
            stderr.contains("bad user name or password"),
            "{version}: {stderr}"
        );
        let right = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port, "-V", version, "-q", "1"])
            .args([
                "-u",
                "alice",
                "-P",
                "acme-token",
                "-t",
                "orders/1",
                "-m",
                "paid",
            ])
            .output()
            .expect("mosquitto_pub runs");
        assert!(right.status.success(), "{version}: {right:?}");
        let out = sub.wait_with_output().expect("mosquitto_sub ends");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "orders/1 paid",
            "{version}"
        );
    }
}
