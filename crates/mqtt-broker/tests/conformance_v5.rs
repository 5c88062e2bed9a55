//! MQTT 5 conformance, one test per normative statement the broker implements, spoken
//! in raw bytes so each case is exactly what the specification describes. Each test
//! starts its own broker on a free loopback port.

mod raw;

use std::thread::sleep;
use std::time::{Duration, Instant};

use raw::*;

const SHORT: Duration = Duration::from_millis(700);

/// A watcher subscribed to `topic` at QoS 1.
fn watcher(broker: &mqtt_broker::BrokerHandle, id: &str, topic: &str) -> Client {
    let mut client = Client::v5(broker.addr(), id);
    client.subscribe(topic, 1);
    client
}

fn will<'a>(topic: &'a str, properties: Vec<Vec<u8>>) -> Will<'a> {
    Will {
        topic,
        payload: b"gone",
        qos: 1,
        properties,
    }
}

// ---- 1. DISCONNECT and acknowledgements without reason code or properties ----

/// [MQTT-3.14.2-1] allows omitting the reason code (remaining length 0 means 0x00);
/// [MQTT-3.14.4-3]: on a DISCONNECT with reason 0x00 the will is discarded.
#[test]
fn mqtt_3_14_4_3_a_disconnect_without_reason_code_discards_the_will() {
    let broker = broker();
    let mut watch = watcher(&broker, "watch", "wills/#");
    let (mut client, _) = Client::connect(
        broker.addr(),
        &connect5("leaver", true, 0, &[], Some(&will("wills/leaver", vec![]))),
    );
    client.send(&[0xE0, 0x00]);
    assert!(
        client.closed_within(SHORT),
        "the broker closes after DISCONNECT"
    );
    assert!(
        watch.recv(SHORT).is_none(),
        "a normal DISCONNECT must not publish the will"
    );
    // The same client vanishing without DISCONNECT does publish it.
    let (client, _) = Client::connect(
        broker.addr(),
        &connect5("leaver", true, 0, &[], Some(&will("wills/leaver", vec![]))),
    );
    drop(client);
    let published = watch.expect(PUBLISH);
    assert_eq!(published.publish_parts().0, "wills/leaver");
}

/// MQTT 5 3.14.2.1: reason 0x04 (Disconnect with Will Message) publishes the will.
#[test]
fn mqtt_3_14_2_1_disconnect_with_will_message_publishes_it() {
    let broker = broker();
    let mut watch = watcher(&broker, "watch", "wills/#");
    let (mut client, _) = Client::connect(
        broker.addr(),
        &connect5("leaver", true, 0, &[], Some(&will("wills/leaver", vec![]))),
    );
    client.send(&[0xE0, 0x01, 0x04]);
    let published = watch.expect(PUBLISH);
    assert_eq!(published.publish_parts().2, b"gone");
}

/// MQTT 5 3.4.2.1 / 3.5.2.1 / 3.7.2.1: PUBACK, PUBREC and PUBCOMP may be just the packet
/// identifier (remaining length 2), and the exchange goes on from them.
#[test]
fn mqtt_3_4_2_1_acknowledgements_without_reason_code_complete_the_exchange() {
    let broker = broker();
    // Receive Maximum 1: the second message waits for the first to be completed.
    let (mut sub, _) = Client::connect(
        broker.addr(),
        &connect5("sub", true, 0, &[prop_u16(0x21, 1)], None),
    );
    sub.subscribe("q/#", 2);
    let mut publisher = Client::v5(broker.addr(), "pub");
    publisher.send(&publish5("q/2", 2, 1, &[], b"first"));
    publisher.send(&publish5("q/2", 2, 2, &[], b"second"));
    publisher.send(&publish5("q/1", 1, 3, &[], b"third"));
    let first = sub.expect(PUBLISH);
    assert_eq!(first.publish_parts().2, b"first");
    let mut pubrec = vec![0x50, 0x02];
    pubrec.extend(first.pkid().to_be_bytes());
    sub.send(&pubrec);
    let pubrel = sub.expect(PUBREL);
    assert_eq!(pubrel.pkid(), first.pkid());
    let mut pubcomp = vec![0x70, 0x02];
    pubcomp.extend(first.pkid().to_be_bytes());
    sub.send(&pubcomp);
    let second = sub.expect(PUBLISH);
    assert_eq!(second.publish_parts().2, b"second");
    let mut pubrec = vec![0x50, 0x02];
    pubrec.extend(second.pkid().to_be_bytes());
    sub.send(&pubrec);
    sub.expect(PUBREL);
    let mut pubcomp = vec![0x70, 0x02];
    pubcomp.extend(second.pkid().to_be_bytes());
    sub.send(&pubcomp);
    let third = sub.expect(PUBLISH);
    assert_eq!(third.publish_parts().2, b"third");
    let mut puback = vec![0x40, 0x02];
    puback.extend(third.pkid().to_be_bytes());
    sub.send(&puback);
    // Still connected: a PINGREQ is answered.
    sub.send(&[0xC0, 0x00]);
    sub.expect(PINGRESP);
}

// ---- 2. Will Delay Interval and will topic ----

/// [MQTT-3.1.3-9]: the will waits for its delay...
#[test]
fn mqtt_3_1_3_9_the_will_is_published_after_its_delay() {
    let broker = broker();
    let mut watch = watcher(&broker, "watch", "wills/#");
    let (client, _) = Client::connect(
        broker.addr(),
        &connect5(
            "delayed",
            true,
            0,
            &[prop_u32(0x11, 30)],
            Some(&will("wills/delayed", vec![prop_u32(0x18, 2)])),
        ),
    );
    let started = Instant::now();
    drop(client);
    let published = watch
        .recv(Duration::from_secs(5))
        .expect("the will comes after its delay");
    let waited = started.elapsed();
    assert_eq!(published.publish_parts().0, "wills/delayed");
    assert!(
        waited >= Duration::from_millis(1800) && waited < Duration::from_secs(4),
        "published after {waited:?}, the delay is 2 s"
    );
}

/// [MQTT-3.1.3-9]: ...or until the session ends, whichever comes first.
#[test]
fn mqtt_3_1_3_9_the_will_is_published_when_the_session_ends_before_the_delay() {
    let broker = broker();
    let mut watch = watcher(&broker, "watch", "wills/#");
    let (client, _) = Client::connect(
        broker.addr(),
        &connect5(
            "short-session",
            true,
            0,
            &[prop_u32(0x11, 1)],
            Some(&will("wills/short", vec![prop_u32(0x18, 30)])),
        ),
    );
    let started = Instant::now();
    drop(client);
    watch
        .recv(Duration::from_secs(4))
        .expect("the will comes when the session ends");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(800) && waited < Duration::from_secs(3),
        "published after {waited:?}, the session expiry is 1 s"
    );
}

/// [MQTT-3.1.3-9]: a reconnection before the delay passed cancels the will.
#[test]
fn mqtt_3_1_3_9_reconnecting_in_time_cancels_the_delayed_will() {
    let broker = broker();
    let mut watch = watcher(&broker, "watch", "wills/#");
    let connect = connect5(
        "back-soon",
        false,
        0,
        &[prop_u32(0x11, 30)],
        Some(&will("wills/back", vec![prop_u32(0x18, 2)])),
    );
    let (client, _) = Client::connect(broker.addr(), &connect);
    drop(client);
    sleep(Duration::from_millis(500));
    let (again, connack) = Client::connect(
        broker.addr(),
        &connect5("back-soon", false, 0, &[prop_u32(0x11, 30)], None),
    );
    assert_eq!(connack.body[0] & 1, 1, "session present");
    assert!(
        watch.recv(Duration::from_secs(3)).is_none(),
        "the reconnection must cancel the delayed will"
    );
    drop(again);
}

/// [MQTT-3.1.3-11], [MQTT-4.7.3-1]: a will topic with wildcards is refused: CONNACK
/// 0x90 (Topic Name invalid) for MQTT 5; MQTT 3.1.1 has no such code and just closes.
#[test]
fn mqtt_4_7_3_1_a_will_topic_with_wildcards_is_refused() {
    let broker = broker();
    let (mut client, connack) = Client::connect(
        broker.addr(),
        &connect5("bad-will", true, 0, &[], Some(&will("wills/+", vec![]))),
    );
    assert_eq!(connack.body[1], 0x90, "{connack:?}");
    assert!(client.closed_within(SHORT));
    let mut v4 = Client::open(broker.addr());
    v4.send(&connect4("bad-will-4", true, Some(("wills/#", b"x"))));
    assert!(v4.recv(SHORT).is_none(), "no CONNACK");
    assert!(v4.closed_within(SHORT));
}

// ---- 3. Receive Maximum ----

/// MQTT 5 3.3.4 and 4.9: more unacknowledged QoS 2 PUBLISHes than the Receive Maximum
/// the broker announced end the connection with DISCONNECT 0x93.
#[test]
fn mqtt_4_9_more_than_receive_maximum_unacknowledged_publishes_disconnect_0x93() {
    let broker = broker();
    let (mut client, connack) =
        Client::connect(broker.addr(), &connect5("flood", true, 0, &[], None));
    let maximum = find_int(&connack.connack_properties(), 0x21).expect("Receive Maximum") as u16;
    let mut burst = Vec::new();
    for pkid in 1..=maximum + 1 {
        burst.extend(publish5("flood/t", 2, pkid, &[], b"x"));
    }
    client.send(&burst);
    let mut pubrecs = 0;
    let disconnect = loop {
        let packet = client.recv(Duration::from_secs(5)).expect("an answer");
        match packet.kind() {
            PUBREC => pubrecs += 1,
            DISCONNECT if pubrecs > 0 => break packet,
            _ => panic!("unexpected {packet:?} after {pubrecs} PUBRECs"),
        }
    };
    assert_eq!(
        pubrecs, maximum,
        "one PUBREC per message within the maximum"
    );
    assert_eq!(disconnect.body[0], 0x93, "{disconnect:?}");
}

/// [MQTT-3.3.4-9]: the broker sends no more unacknowledged QoS 1/2 messages than the
/// client's Receive Maximum.
#[test]
fn mqtt_3_3_4_9_the_clients_receive_maximum_holds_back_further_messages() {
    let broker = broker();
    let (mut sub, _) = Client::connect(
        broker.addr(),
        &connect5("narrow", true, 0, &[prop_u16(0x21, 2)], None),
    );
    sub.subscribe("rm", 1);
    let mut publisher = Client::v5(broker.addr(), "pub");
    for pkid in 1..=3 {
        publisher.send(&publish5("rm", 1, pkid, &[], &[b'0' + pkid as u8]));
    }
    let first = sub.expect(PUBLISH);
    sub.expect(PUBLISH);
    assert!(
        sub.recv(SHORT).is_none(),
        "a third while two are unacknowledged"
    );
    let mut puback = vec![0x40, 0x02];
    puback.extend(first.pkid().to_be_bytes());
    sub.send(&puback);
    assert_eq!(sub.expect(PUBLISH).publish_parts().2, b"3");
}

// ---- 4. Session expiry ----

/// MQTT 5 3.1.2.11.2: a session whose expiry interval has passed is gone, even if the
/// client reconnects before any cleanup ran (Session Present 0).
#[test]
fn mqtt_3_1_2_11_an_expired_session_does_not_come_back() {
    let broker = broker();
    let connect = connect5("expiring", false, 0, &[prop_u32(0x11, 1)], None);
    let (mut client, _) = Client::connect(broker.addr(), &connect);
    client.subscribe("e", 1);
    client.send(&[0xE0, 0x00]);
    drop(client);
    let (again, connack) = Client::connect(broker.addr(), &connect);
    assert_eq!(connack.body[0] & 1, 1, "within the expiry: present");
    drop(again);
    sleep(Duration::from_millis(1500));
    let (_, connack) = Client::connect(broker.addr(), &connect);
    assert_eq!(connack.body[0] & 1, 0, "expired: not present");
}

/// [MQTT-3.14.2-2]: a DISCONNECT may not raise a Session Expiry Interval of 0 at CONNECT;
/// the broker answers DISCONNECT 0x82 (Protocol Error).
#[test]
fn mqtt_3_14_2_2_raising_the_session_expiry_from_zero_is_a_protocol_error() {
    let broker = broker();
    let mut client = Client::v5(broker.addr(), "zero");
    let mut body = vec![0x00];
    body.extend(props(&[prop_u32(0x11, 60)]));
    client.send(&packet(0xE0, &body));
    let disconnect = client.expect(DISCONNECT);
    assert_eq!(disconnect.body[0], 0x82);
}

// ---- 5. Shared subscriptions, subscription identifiers ----

/// MQTT 5 4.8.2: each message of a shared subscription goes to one session of the
/// group; the broker announces Shared Subscription Available.
#[test]
fn mqtt_4_8_2_a_shared_subscription_delivers_each_message_once_in_turn() {
    let broker = broker();
    let (mut a, connack) = Client::connect(broker.addr(), &connect5("a", true, 0, &[], None));
    assert_eq!(find_int(&connack.connack_properties(), 0x2A), Some(1));
    a.subscribe("$share/workers/jobs/+", 0);
    let mut b = Client::v5(broker.addr(), "b");
    b.subscribe("$share/workers/jobs/+", 0);
    let mut publisher = Client::v5(broker.addr(), "pub");
    for n in 0..6u8 {
        publisher.send(&publish5("jobs/x", 0, 0, &[], &[n]));
    }
    let count = |client: &mut Client| std::iter::from_fn(|| client.recv(SHORT)).count();
    assert_eq!((count(&mut a), count(&mut b)), (3, 3));
}

/// [MQTT-3.3.4-3], [MQTT-3.3.4-5]: a message carries the Subscription Identifier of the
/// subscription it matched; one copy per matching subscription here.
#[test]
fn mqtt_3_3_4_3_messages_carry_their_subscription_identifiers() {
    let broker = broker();
    let (mut client, connack) =
        Client::connect(broker.addr(), &connect5("ids", true, 0, &[], None));
    assert_eq!(find_int(&connack.connack_properties(), 0x29), Some(1));
    client.send(&subscribe5(1, "ids/#", 1, &[prop_varint(0x0B, 7)]));
    client.expect(SUBACK);
    client.send(&subscribe5(2, "ids/x", 1, &[prop_varint(0x0B, 456789)]));
    client.expect(SUBACK);
    let mut publisher = Client::v5(broker.addr(), "pub");
    publisher.send(&publish5("ids/x", 0, 0, &[], b"m"));
    let mut ids: Vec<u32> = (0..2)
        .flat_map(|_| subscription_ids(&client.expect(PUBLISH).publish_parts().1))
        .collect();
    ids.sort();
    assert_eq!(ids, [7, 456789]);
}

/// MQTT 5 3.8.2.1.2: a Subscription Identifier of 0 is a Protocol Error.
#[test]
fn mqtt_3_8_2_subscription_identifier_zero_is_a_protocol_error() {
    let broker = broker();
    let mut client = Client::v5(broker.addr(), "zero-id");
    client.send(&subscribe5(1, "t", 0, &[prop_varint(0x0B, 0)]));
    assert_eq!(client.expect(DISCONNECT).body[0], 0x82);
}

// ---- 6. QoS 2 flow ----

/// MQTT 5 3.7.2.1 / 4.3.3: a PUBREL for an unknown packet identifier gets PUBCOMP 0x92.
#[test]
fn mqtt_4_3_3_a_pubrel_for_an_unknown_packet_identifier_gets_pubcomp_0x92() {
    let broker = broker();
    let mut client = Client::v5(broker.addr(), "q2");
    client.send(&[0x62, 0x02, 0x00, 0x2A]);
    let pubcomp = client.expect(PUBCOMP);
    assert_eq!((pubcomp.pkid(), pubcomp.ack_reason()), (42, 0x92));
    // A known one is completed with success.
    client.send(&publish5("q2/t", 2, 5, &[], b"m"));
    assert_eq!(client.expect(PUBREC).pkid(), 5);
    client.send(&[0x62, 0x02, 0x00, 0x05]);
    let pubcomp = client.expect(PUBCOMP);
    assert_eq!((pubcomp.pkid(), pubcomp.ack_reason()), (5, 0));
}

/// [MQTT-4.3.3-4]: PUBREL only answers a PUBREC below 0x80; a PUBREC with an error ends
/// the exchange (its place in the Receive Maximum is freed).
#[test]
fn mqtt_4_3_3_4_a_pubrec_with_an_error_ends_the_exchange() {
    let broker = broker();
    let (mut sub, _) = Client::connect(
        broker.addr(),
        &connect5("refuser", true, 0, &[prop_u16(0x21, 1)], None),
    );
    sub.subscribe("q2/#", 2);
    let mut publisher = Client::v5(broker.addr(), "pub");
    publisher.send(&publish5("q2/a", 2, 1, &[], b"refused"));
    publisher.send(&publish5("q2/a", 2, 2, &[], b"next"));
    let first = sub.expect(PUBLISH);
    let mut pubrec = vec![0x50, 0x03];
    pubrec.extend(first.pkid().to_be_bytes());
    pubrec.push(0x80);
    sub.send(&pubrec);
    let next = sub.expect(PUBLISH);
    assert_eq!(
        next.publish_parts().2,
        b"next",
        "no PUBREL, and the window moved on"
    );
    // A PUBREC for an identifier not in flight gets PUBREL 0x92.
    sub.send(&[0x50, 0x02, 0x12, 0x34]);
    let pubrel = sub.expect(PUBREL);
    assert_eq!((pubrel.pkid(), pubrel.ack_reason()), (0x1234, 0x92));
}

// ---- 7. Keep alive, topic aliases, properties, $SYS ----

/// MQTT 5 3.2.2.3.14: a client asking for no keep alive, or a longer one than allowed,
/// is told the Server Keep Alive, and [MQTT-3.1.2-22] 1.5 times it is enforced.
#[test]
fn mqtt_3_1_2_22_the_server_keep_alive_is_announced_and_enforced() {
    let strict = broker_with(|c| c.max_keep_alive = 1);
    let (mut idle, connack) = Client::connect(strict.addr(), &connect5("idle", true, 0, &[], None));
    assert_eq!(find_int(&connack.connack_properties(), 0x13), Some(1));
    let started = Instant::now();
    let disconnect = idle.expect(DISCONNECT);
    assert_eq!(disconnect.body[0], 0x8D, "Keep Alive timeout");
    assert!(started.elapsed() >= Duration::from_millis(1300));
    let broker = broker();
    let (_, connack) = Client::connect(broker.addr(), &connect5("long", true, 600, &[], None));
    assert_eq!(find_int(&connack.connack_properties(), 0x13), Some(60));
    let (_, connack) = Client::connect(broker.addr(), &connect5("short", true, 30, &[], None));
    assert_eq!(
        find_int(&connack.connack_properties(), 0x13),
        None,
        "30 s is fine"
    );
}

/// [MQTT-3.3.2-12]: a topic alias set by the client stands for its topic on later
/// PUBLISHes of that connection; [MQTT-3.3.2-8], [MQTT-3.3.2-9]: 0 or above the
/// announced maximum is DISCONNECT 0x94.
#[test]
fn mqtt_3_3_2_12_client_topic_aliases_are_resolved_and_bad_ones_refused() {
    let broker = broker();
    let mut sub = watcher(&broker, "sub", "alias/#");
    let (mut publisher, connack) =
        Client::connect(broker.addr(), &connect5("pub", true, 0, &[], None));
    let maximum = find_int(&connack.connack_properties(), 0x22).expect("Topic Alias Maximum");
    assert!(maximum > 0);
    publisher.send(&publish5("alias/one", 0, 0, &[prop_u16(0x23, 1)], b"set"));
    publisher.send(&publish5("", 0, 0, &[prop_u16(0x23, 1)], b"used"));
    for payload in [&b"set"[..], b"used"] {
        let (topic, _, body) = sub.expect(PUBLISH).publish_parts();
        assert_eq!((topic.as_str(), body.as_slice()), ("alias/one", payload));
    }
    publisher.send(&publish5("alias/one", 0, 0, &[prop_u16(0x23, 0)], b"zero"));
    assert_eq!(publisher.expect(DISCONNECT).body[0], 0x94);
    let mut over = Client::v5(broker.addr(), "over");
    over.send(&publish5(
        "alias/one",
        0,
        0,
        &[prop_u16(0x23, maximum as u16 + 1)],
        b"x",
    ));
    assert_eq!(over.expect(DISCONNECT).body[0], 0x94);
}

/// MQTT 5 3.3.2.3.4: toward a client that accepts topic aliases, the broker sets one
/// on the first message of a topic and sends the alias alone afterwards.
#[test]
fn mqtt_3_3_2_3_4_the_broker_uses_topic_aliases_the_client_accepts() {
    let broker = broker();
    let (mut sub, _) = Client::connect(
        broker.addr(),
        &connect5("aliased", true, 0, &[prop_u16(0x22, 4)], None),
    );
    sub.subscribe("long/topic/name", 0);
    let mut publisher = Client::v5(broker.addr(), "pub");
    publisher.send(&publish5("long/topic/name", 0, 0, &[], b"1"));
    publisher.send(&publish5("long/topic/name", 0, 0, &[], b"2"));
    let (topic, properties, _) = sub.expect(PUBLISH).publish_parts();
    let alias = find_int(&properties, 0x23).expect("an alias is set");
    assert_eq!(topic, "long/topic/name");
    let (topic, properties, _) = sub.expect(PUBLISH).publish_parts();
    assert_eq!(
        (topic.as_str(), find_int(&properties, 0x23)),
        ("", Some(alias))
    );
}

/// [MQTT-3.3.2-15], [MQTT-3.3.2-16], [MQTT-3.3.2-17], [MQTT-3.3.2-18], [MQTT-3.3.2-20]:
/// response topic, correlation data, user properties, content type and payload format
/// indicator reach the subscriber unchanged; [MQTT-3.3.2-6] the message expiry interval
/// sent is what is left of it.
#[test]
fn mqtt_3_3_2_15_request_response_properties_pass_through_and_expiry_counts_down() {
    let broker = broker();
    let connect = connect5("later", false, 0, &[prop_u32(0x11, 300)], None);
    let (mut sub, _) = Client::connect(broker.addr(), &connect);
    sub.subscribe("rr/req", 1);
    sub.send(&[0xE0, 0x00]);
    drop(sub);
    let properties = [
        prop_u8(0x01, 1),
        prop_u32(0x02, 60),
        prop_bytes(0x03, b"text/plain"),
        prop_bytes(0x08, b"rr/reply"),
        prop_bytes(0x09, b"\x00corr\xff"),
        prop_pair("trace", "42"),
    ];
    let mut publisher = Client::v5(broker.addr(), "pub");
    publisher.send(&publish5("rr/req", 1, 1, &properties, b"request"));
    publisher.expect(PUBACK);
    sleep(Duration::from_millis(2100));
    let (mut sub, _) = Client::connect(broker.addr(), &connect);
    let (_, received, payload) = sub.expect(PUBLISH).publish_parts();
    assert_eq!(payload, b"request");
    for property in &properties[2..] {
        assert!(
            received
                .windows(property.len())
                .any(|w| w == property.as_slice()),
            "property {property:?} missing from {received:?}"
        );
    }
    assert_eq!(find_int(&received, 0x01), Some(1));
    let left = find_int(&received, 0x02).expect("expiry interval");
    assert!((55..=58).contains(&left), "{left} s left of 60 after 2 s");
}

/// [MQTT-4.7.2-1]: filters starting with a wildcard do not match `$` topics; the
/// `$SYS/broker/` reports are published retained for those who ask for them.
#[test]
fn mqtt_4_7_2_1_sys_reports_reach_only_filters_that_name_them() {
    let broker = broker_with(|c| c.sys_interval = Duration::from_millis(200));
    let mut everything = watcher(&broker, "all", "#");
    let mut sys = Client::v5(broker.addr(), "sys");
    // A report made since both connected.
    sleep(Duration::from_millis(500));
    sys.subscribe("$SYS/broker/clients/connected", 0);
    let (topic, _, payload) = sys.expect(PUBLISH).publish_parts();
    assert_eq!(topic, "$SYS/broker/clients/connected");
    let connected: u32 = String::from_utf8(payload)
        .unwrap()
        .parse()
        .expect("a number");
    assert!(connected >= 2, "{connected}");
    sys.subscribe("$SYS/broker/uptime", 0);
    assert!(everything.recv(SHORT).is_none(), "`#` must not match $SYS");
}

// ---- 8. Slow subscribers ----

/// MQTT 5 4.3.2 / 4.3.3: QoS 1 and 2 are at least and exactly once, so a subscriber that
/// stops reading loses none of them; its publisher waits instead, and its PINGREQs are
/// still answered meanwhile [MQTT-3.12.4-1].
#[test]
fn mqtt_3_12_4_1_a_stalled_subscriber_loses_no_qos1_and_its_publisher_is_still_answered() {
    let broker = broker_with(|c| {
        c.queue_bytes_per_client = 64 * 1024;
        c.slow_subscriber_grace = Duration::from_millis(100);
    });
    let mut sub = Client::v5(broker.addr(), "stalled");
    sub.subscribe("slow", 1);
    const COUNT: usize = 600;
    let payload = vec![b'x'; 32 * 1024];
    let publisher = {
        let addr = broker.addr();
        std::thread::spawn(move || {
            let mut publisher = Client::v5(addr, "pub");
            let (mut pings, mut pongs) = (0, 0);
            for n in 1..=COUNT as u16 {
                publisher.send(&publish5("slow", 1, n, &[], &payload));
                loop {
                    match publisher.recv(Duration::from_millis(500)) {
                        Some(packet) if packet.kind() == PUBACK => break,
                        Some(packet) => {
                            assert_eq!(packet.kind(), PINGRESP);
                            pongs += 1;
                        }
                        // The PUBACK is late (the subscriber is full): is the server alive?
                        None => {
                            publisher.send(&[0xC0, 0x00]);
                            pings += 1;
                            assert!(pings < 200, "no PUBACK for a minute");
                        }
                    }
                }
            }
            (pings, pongs)
        })
    };
    // The publisher fills the subscriber's queue and the sockets, then waits.
    sleep(Duration::from_secs(3));
    assert!(
        !publisher.is_finished(),
        "the publisher waits for the subscriber"
    );
    // Now read everything.
    let mut received = 0;
    while received < COUNT {
        let packet = sub
            .recv(Duration::from_secs(10))
            .expect("every message arrives");
        assert_eq!(packet.kind(), PUBLISH);
        let mut puback = vec![0x40, 0x02];
        puback.extend(packet.pkid().to_be_bytes());
        sub.send(&puback);
        received += 1;
    }
    let (pings, pongs) = publisher.join().expect("the publisher finishes");
    assert!(pings > 0, "the publisher was held up");
    assert!(pongs > 0, "its PINGREQs were answered while it waited");
    assert!(sub.recv(SHORT).is_none(), "exactly {COUNT}");
}
