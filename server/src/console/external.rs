//! A document's own `mqtt`/`mqtts` server, connected from the server side with rumqttc,
//! only when the user explicitly chooses that server in the console (the server never
//! contacts an address found in a document otherwise). One client per console
//! connection; it disconnects when the connection ends or another server is chosen.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS, Transport};
use tokio::task::JoinHandle;

use mqtt_broker::{BrokerMessage, Subscription, SubscriptionFeed};

use portico_core::outbound::{AllowList, OutboundError};
use portico_types::console::ServerChoice;

/// How long connecting may take before the console says it failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Messages queued per subscription before the oldest is dropped (as in-process).
const SUBSCRIBER_QUEUE: usize = 1000;

type Subscribers = Arc<Mutex<Vec<SubscriptionFeed>>>;

/// A connected external broker.
pub struct ExternalBroker {
    client: AsyncClient,
    subscribers: Subscribers,
    event_loop: JoinHandle<()>,
}

impl Drop for ExternalBroker {
    fn drop(&mut self) {
        let _ = self.client.try_disconnect();
        self.event_loop.abort();
    }
}

impl ExternalBroker {
    /// Connects to a document server; fails with a message naming the protocol when it
    /// is not MQTT, or naming the address when the broker cannot be reached.
    pub async fn connect(
        server: &ServerChoice,
        max_message_bytes: usize,
        outbound: &AllowList,
    ) -> Result<ExternalBroker, String> {
        let protocol = server.protocol.as_deref().unwrap_or("unknown");
        let tls = match protocol {
            "mqtt" => false,
            "mqtts" => true,
            other => {
                return Err(format!(
                    "{other} is not supported yet: the console speaks MQTT (servers with protocol mqtt or mqtts)."
                ));
            }
        };
        let (host, port) = host_and_port(&server.url, if tls { 8883 } else { 1883 })?;
        let checked = outbound
            .check(&host, port)
            .await
            .map_err(|error| error.to_string())?;
        // Plain MQTT goes to the address that was checked; TLS needs the name for the
        // certificate, and a name that now resolves elsewhere fails its verification.
        let connect_to = match (tls, checked.addresses.first()) {
            (false, Some(address)) => address.ip().to_string(),
            _ => checked.host.clone(),
        };
        let client_id = format!("portico-console-{}", std::process::id() ^ nanos());
        let mut options = MqttOptions::new(client_id, connect_to, port);
        options
            .set_keep_alive(Duration::from_secs(30))
            .set_max_packet_size(max_message_bytes + 64 * 1024, max_message_bytes + 64 * 1024);
        if tls {
            options.set_transport(Transport::tls_with_config(tls_config()));
        }
        let (client, mut event_loop) = AsyncClient::new(options, 100);
        // The first poll connects; its answer tells the user whether the broker is there.
        let connected = tokio::time::timeout(CONNECT_TIMEOUT, async {
            loop {
                match event_loop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => return Ok(()),
                    Ok(_) => {}
                    Err(error) => return Err(error.to_string()),
                }
            }
        })
        .await;
        // Why it failed stays in the log: telling "refused" from "not MQTT" from "no
        // answer" would let a page scan ports through the server.
        let failed = |why: String| {
            tracing::info!(%host, port, %protocol, %why, "a document's broker could not be reached");
            OutboundError::CouldNotConnect(format!("{host}:{port}")).to_string()
        };
        match connected {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(failed(error)),
            Err(_) => return Err(failed(format!("no answer within {CONNECT_TIMEOUT:?}"))),
        }
        let subscribers: Subscribers = Arc::default();
        let event_loop = {
            let subscribers = subscribers.clone();
            tokio::spawn(async move {
                loop {
                    match event_loop.poll().await {
                        Ok(Event::Incoming(Packet::Publish(publish))) => {
                            fan_out(&subscribers, publish.topic, publish.payload, publish.retain);
                        }
                        Ok(_) => {}
                        Err(error) => {
                            tracing::warn!(%error, "external MQTT connection failed; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            })
        };
        Ok(ExternalBroker {
            client,
            subscribers,
            event_loop,
        })
    }

    /// Subscribes at QoS 1 on the external broker.
    pub async fn subscribe(&self, filter: &str) -> Result<Subscription, String> {
        let (feed, subscription) = Subscription::bounded(filter, SUBSCRIBER_QUEUE);
        self.subscribers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(feed);
        self.client
            .subscribe(filter, QoS::AtLeastOnce)
            .await
            .map_err(|e| format!("Cannot subscribe to {filter:?}: {e}"))?;
        Ok(subscription)
    }

    /// Publishes with the requested QoS.
    pub async fn publish(
        &self,
        topic: &str,
        payload: Bytes,
        qos: u8,
        retain: bool,
    ) -> Result<(), String> {
        let qos = match qos {
            0 => QoS::AtMostOnce,
            1 => QoS::AtLeastOnce,
            _ => QoS::ExactlyOnce,
        };
        self.client
            .publish_bytes(topic, qos, retain, payload)
            .await
            .map_err(|e| format!("Cannot publish on {topic:?}: {e}"))
    }
}

fn fan_out(subscribers: &Subscribers, topic: String, payload: Bytes, retain: bool) {
    let mut subscribers = subscribers.lock().unwrap_or_else(|p| p.into_inner());
    subscribers.retain(|feed| !feed.is_closed());
    let message = BrokerMessage {
        topic,
        payload,
        retain,
        received_at: SystemTime::now(),
        user_properties: Vec::new(),
    };
    for feed in subscribers
        .iter()
        .filter(|feed| feed.matches(&message.topic))
    {
        feed.push(message.clone());
    }
}

fn nanos() -> u32 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

/// `host:port` of a server URL (`mqtt://host:port/x`, or AsyncAPI 3's `host:port`).
fn host_and_port(url: &str, default_port: u16) -> Result<(String, u16), String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.contains('{') {
        return Err(format!(
            "The server address {url:?} has no concrete host (variables are not filled in)."
        ));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            let port = port
                .parse()
                .map_err(|_| format!("The port of {url:?} is not a number."))?;
            Ok((host.trim_matches(['[', ']']).to_owned(), port))
        }
        _ => Ok((authority.to_owned(), default_port)),
    }
}

/// TLS for `mqtts`: the Mozilla roots, ring as the crypto provider (the one reqwest uses).
fn tls_config() -> rumqttc::TlsConfiguration {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|builder| {
        builder
            .with_root_certificates(roots.clone())
            .with_no_client_auth()
    })
    .unwrap_or_else(|_| {
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth()
    });
    rumqttc::TlsConfiguration::Rustls(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn server_urls_give_host_and_port() {
        assert_eq!(
            host_and_port("localhost:1883", 1883),
            Ok(("localhost".into(), 1883))
        );
        assert_eq!(
            host_and_port("mqtts://mqtt.example.com/base", 8883),
            Ok(("mqtt.example.com".into(), 8883))
        );
        assert!(host_and_port("{host}:1883", 1883).is_err());
    }
}
