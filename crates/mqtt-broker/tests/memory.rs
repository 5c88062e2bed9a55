//! Memory held to the configured budgets: each store is flooded with far more than its
//! budget (small messages each followed by a 40 KB one, the pattern that once kept
//! whole read buffers alive), and the process's RSS after the flood and after the
//! clients leave must stay within the budget plus a fixed overhead. The tests run one
//! at a time so each measures only its own broker.

mod raw;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use mqtt_broker::BrokerHandle;
use raw::*;

/// One test at a time: RSS is the whole process's.
static SERIAL: Mutex<()> = Mutex::new(());

const MIB: usize = 1024 * 1024;
/// What the flood may cost beyond the store's budget: allocator slack, the broker's
/// read and write buffers, the test's own client.
const OVERHEAD: usize = 8 * MIB;
/// Each flood: this many pairs of a small and a 40 KB message (about 120 MB).
const PAIRS: usize = 3_000;
const BIG: usize = 40 * 1024;

fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages");
    pages * 4096
}

/// Publishes the flood on `topic(n)` at `qos`, with the retain flag if asked; returns
/// once the broker has handled all of it (a PINGRESP comes back after the last).
fn flood(client: &mut Client, topic: impl Fn(usize, &str) -> String, qos: u8, retain: bool) {
    let big = vec![b'x'; BIG];
    for n in 0..PAIRS {
        for (kind, payload) in [("small", &b"tiny"[..]), ("big", big.as_slice())] {
            let mut packet = publish5(&topic(n, kind), qos, (n % 60_000 + 1) as u16, &[], payload);
            if retain {
                packet[0] |= 0x01;
            }
            client.send(&packet);
        }
        if qos > 0 && n % 64 == 0 {
            // Keep the acknowledgements from piling up in our socket.
            while client.recv(Duration::from_millis(1)).is_some() {}
        }
    }
    client.send(&[0xC0, 0x00]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match client.recv(Duration::from_secs(5)) {
            Some(packet) if packet.kind() == PINGRESP => return,
            Some(_) => {}
            None => panic!("the broker did not answer after the flood"),
        }
    }
}

fn within(label: &str, before: usize, budget: usize) {
    let grown = rss().saturating_sub(before);
    eprintln!(
        "{label}: RSS grew {:.1} MiB (budget {:.1} MiB + {} MiB)",
        grown as f64 / MIB as f64,
        budget as f64 / MIB as f64,
        OVERHEAD / MIB
    );
    assert!(
        grown <= budget + OVERHEAD,
        "{label}: RSS grew {grown} bytes, budget {budget} + {OVERHEAD}"
    );
}

fn settle(broker: &BrokerHandle) {
    // Let the broker's tasks finish with the clients that left.
    std::thread::sleep(Duration::from_millis(300));
    let _ = broker;
}

#[test]
fn the_retained_store_stays_within_its_byte_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let budget = 4 * MIB;
    let broker = broker_with(|config| {
        config.retained_max_bytes = budget;
        config.retained_max_topics = 1_000_000;
    });
    let mut publisher = Client::v5(broker.addr(), "publisher");
    let before = rss();
    flood(
        &mut publisher,
        |n, kind| format!("retained/{n}/{kind}"),
        0,
        true,
    );
    within("retained, after the flood", before, budget);
    drop(publisher);
    settle(&broker);
    within("retained, after the publisher left", before, budget);
    // What is kept is still served, and it is as much as the budget allows.
    let mut late = Client::v5(broker.addr(), "late");
    late.subscribe("retained/#", 0);
    let kept = payload_bytes(&mut late);
    assert!(kept > budget / 2 && kept <= budget, "retained {kept} bytes");
}

/// Payload bytes received until the broker goes quiet, acknowledging QoS 1 messages.
fn payload_bytes(client: &mut Client) -> usize {
    let mut bytes = 0;
    while let Some(packet) = client.recv(Duration::from_millis(500)) {
        if packet.kind() != PUBLISH {
            continue;
        }
        if (packet.first >> 1) & 3 == 1 {
            client.send(&packet_with(0x40, &packet.pkid().to_be_bytes()));
        }
        bytes += packet.publish_parts().2.len();
    }
    bytes
}

fn packet_with(first: u8, body: &[u8]) -> Vec<u8> {
    raw::packet(first, body)
}

#[test]
fn offline_queues_of_persistent_sessions_stay_within_their_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let per_client = 2 * MIB;
    let sessions = 4;
    let broker = broker_with(|config| {
        config.queue_bytes_per_client = per_client;
        config.offline_messages_per_client = 1_000_000;
    });
    for n in 0..sessions {
        let expiry = prop_u32(0x11, 3600);
        let (mut client, connack) = Client::connect(
            broker.addr(),
            &connect5(&format!("away-{n}"), true, 0, &[expiry], None),
        );
        assert_eq!(connack.body[1], 0);
        client.subscribe("offline/#", 1);
        client.send(&[0xE0, 0x00]);
        assert!(client.closed_within(Duration::from_secs(2)));
    }
    let mut publisher = Client::v5(broker.addr(), "publisher");
    let before = rss();
    flood(
        &mut publisher,
        |n, kind| format!("offline/{n}/{kind}"),
        1,
        false,
    );
    within(
        "offline queues, after the flood",
        before,
        sessions * per_client,
    );
    drop(publisher);
    // One comes back and gets what was kept for it: as much as its budget allows.
    let (mut back, connack) = Client::connect(
        broker.addr(),
        &connect5("away-0", false, 0, &[prop_u32(0x11, 3600)], None),
    );
    assert_eq!(connack.body[0], 1, "session present");
    let kept = payload_bytes(&mut back);
    assert!(
        kept > per_client / 2 && kept <= per_client,
        "kept {kept} bytes"
    );
    drop(back);
    // The others come back with a clean start: their queues are dropped.
    for n in 0..sessions {
        let (client, connack) = Client::connect(
            broker.addr(),
            &connect5(&format!("away-{n}"), true, 0, &[], None),
        );
        assert_eq!(connack.body[1], 0);
        drop(client);
    }
    settle(&broker);
    within(
        "offline queues, after the clients left",
        before,
        sessions * per_client,
    );
}

#[test]
fn a_stalled_subscribers_queue_stays_within_its_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let per_client = 2 * MIB;
    let broker = broker_with(|config| {
        config.queue_bytes_per_client = per_client;
        config.slow_subscriber_grace = Duration::from_millis(50);
    });
    // Subscribes, then never reads: its socket fills, then its queue.
    let mut stalled = Client::v5(broker.addr(), "stalled");
    stalled.subscribe("live/#", 0);
    let mut publisher = Client::v5(broker.addr(), "publisher");
    let before = rss();
    flood(
        &mut publisher,
        |n, kind| format!("live/{n}/{kind}"),
        0,
        false,
    );
    within("stalled subscriber, after the flood", before, per_client);
    drop(stalled);
    drop(publisher);
    settle(&broker);
    within(
        "stalled subscriber, after the clients left",
        before,
        per_client,
    );
}
