//! The `$SYS/broker/` tree: what monitoring tools built for other brokers read
//! (clients connected, messages and bytes in and out, uptime), published retained at a
//! fixed interval. Filters starting with a wildcard do not match it [MQTT-4.7.2-1].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::codec::Message;
use crate::router::Router;

/// Publishes the reports every `interval`, until the broker's runtime ends.
pub(crate) async fn report(router: Arc<Router>, interval: Duration) {
    let started = Instant::now();
    let mut tick = tokio::time::interval(interval.max(Duration::from_millis(100)));
    loop {
        tick.tick().await;
        let stats = &router.stats;
        let reports = [
            ("$SYS/broker/version", env!("CARGO_PKG_VERSION").to_string()),
            (
                "$SYS/broker/uptime",
                format!("{} seconds", started.elapsed().as_secs()),
            ),
            (
                "$SYS/broker/clients/connected",
                router.connections.load(Ordering::Relaxed).to_string(),
            ),
            (
                "$SYS/broker/messages/received",
                stats.messages_received.load(Ordering::Relaxed).to_string(),
            ),
            (
                "$SYS/broker/messages/sent",
                stats.messages_sent.load(Ordering::Relaxed).to_string(),
            ),
            (
                "$SYS/broker/bytes/received",
                stats.bytes_received.load(Ordering::Relaxed).to_string(),
            ),
            (
                "$SYS/broker/bytes/sent",
                stats.bytes_sent.load(Ordering::Relaxed).to_string(),
            ),
        ];
        for (topic, value) in reports {
            router.publish_now(Arc::new(Message {
                topic: topic.to_string(),
                payload: Bytes::from(value),
                qos: 0,
                retain: true,
                properties: None,
                received: Instant::now(),
                publisher: 0,
            }));
        }
    }
}
