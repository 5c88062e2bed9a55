//! One console connection: reads commands, runs subscriptions and mock publishers as
//! tasks that feed the bounded outbox, and writes the outbox to the socket. Everything
//! the connection started ends when the socket closes; a page that stops reading while
//! it keeps sending commands is closed with the reason once the outbox's budget is spent.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use bytes::Bytes;
use tokio::task::JoinHandle;

use mqtt_broker::BrokerMessage;

use super::bundled::BundledBroker;
use super::channels::ConsoleModel;
use super::external::ExternalBroker;
use super::namespace::Namespace;
use super::outbox::{Outbox, Outgoing, RateLimiter};
use super::sockets::SocketSlot;
use super::target::Target;
use super::{Limits, MAX_RECENT};
use portico_core::outbound::AllowList;
use portico_types::console::{ClientCommand, ConsoleMessage, LimitsInfo, ServerEvent};

/// A running mock publisher and how many messages it sent.
struct Mock {
    task: JoinHandle<()>,
    sent: Arc<AtomicU64>,
    rate: u32,
}

/// What one socket serves, decided before the upgrade.
pub struct Setup {
    pub model: ConsoleModel,
    /// The bundled broker, `None` when it is off.
    pub bundled: Option<BundledBroker>,
    /// The namespace of the document's organisation on the bundled broker.
    pub namespace: Namespace,
    pub limits: Limits,
    /// Whether publishes and mock publishers are allowed (not for read-scope tokens).
    pub may_publish: bool,
    /// Where a document's own server may be (`--allow-hosts`).
    pub outbound: Arc<AllowList>,
    /// The socket's place among the open ones, freed when the session ends.
    pub slot: SocketSlot,
}

/// The state of one socket.
struct Connection {
    model: Arc<ConsoleModel>,
    limits: Limits,
    may_publish: bool,
    outbound: Arc<AllowList>,
    bundled: Option<(BundledBroker, Namespace)>,
    target: Option<Arc<Target>>,
    server: Option<String>,
    outbox: Arc<Outbox>,
    subscriptions: HashMap<String, JoinHandle<()>>,
    mocks: HashMap<String, Mock>,
    publish_limiter: RateLimiter,
}

/// How long a closing socket may take to flush what is already on its way: a page that
/// does not read is cut off after this. A page over its budget gets longer (to take the
/// close, then to answer it), so it can still read the reason once it reads again.
const FLUSH: Duration = Duration::from_secs(1);
const FLUSH_OVER_BUDGET: Duration = Duration::from_secs(5);

/// Serves one upgraded socket until either side closes it.
pub async fn run(socket: WebSocket, setup: Setup) {
    use futures_util::{SinkExt, StreamExt};

    let Setup {
        model,
        bundled,
        namespace,
        limits,
        may_publish,
        outbound,
        slot,
    } = setup;
    let (mut sink, mut stream) = socket.split();
    let outbox = Arc::new(Outbox::new(limits.outbound_queue, limits.outbound_bytes));
    let bundled = bundled.map(|b| (b, namespace));
    let mut connection = Connection {
        model: Arc::new(model),
        target: bundled
            .clone()
            .map(|(b, namespace)| Arc::new(Target::Bundled(b, namespace))),
        bundled,
        may_publish,
        outbound,
        server: None,
        outbox: outbox.clone(),
        subscriptions: HashMap::new(),
        mocks: HashMap::new(),
        publish_limiter: RateLimiter::new(limits.publish_per_second),
        limits,
    };
    outbox.push_reply(connection.ready());
    if connection.target.is_none() {
        outbox.push_reply(ServerEvent::error(
            "The bundled broker is off on this server (PORTICO_MQTT_ADDR=off); choose a server of the document.",
        ));
    }

    let writer = {
        let outbox = outbox.clone();
        tokio::spawn(async move {
            while let Some(next) = outbox.next().await {
                let event = match next {
                    Outgoing::Event(event) => event,
                    Outgoing::Close(reason) => {
                        let frame = CloseFrame {
                            code: close_code::POLICY,
                            reason: reason.into(),
                        };
                        let _ = sink.send(Message::Close(Some(frame))).await;
                        break;
                    }
                };
                let dropped = outbox.take_dropped();
                if dropped > 0 {
                    let report = ServerEvent::Dropped { count: dropped };
                    if sink.send(text(&report)).await.is_err() {
                        break;
                    }
                }
                if sink.send(text(&event)).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        })
    };

    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                connection.report_dropped();
                continue;
            }
        };
        let Some(Ok(frame)) = frame else { break };
        if writer.is_finished() || outbox.overflowed() {
            break;
        }
        match frame {
            Message::Text(body) => match serde_json::from_str::<ClientCommand>(body.as_str()) {
                Ok(command) => connection.handle(command).await,
                Err(error) => {
                    outbox.push_reply(ServerEvent::error(format!(
                        "Cannot read this command: {error}. See README.md, \"Channel console WebSocket\"."
                    )));
                }
            },
            Message::Binary(_) => {
                outbox.push_reply(ServerEvent::error(
                    "Commands are JSON text frames, not binary.",
                ));
            }
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => {}
        }
        if outbox.overflowed() {
            break;
        }
    }
    connection.stop_everything();
    // Let the writer flush what is queued and answer the close handshake, within a grace.
    let over_budget = outbox.overflowed();
    let grace = if over_budget {
        FLUSH_OVER_BUDGET
    } else {
        FLUSH
    };
    outbox.close();
    let abort = writer.abort_handle();
    if tokio::time::timeout(grace, writer).await.is_err() {
        abort.abort();
    } else if over_budget {
        // The close is sent. Closing with unread input resets the connection and the page
        // would lose the reason: read (and drop) what it still sends until it answers.
        let answered = async {
            while let Some(Ok(frame)) = stream.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(FLUSH_OVER_BUDGET, answered).await;
    }
    drop(slot);
}

fn text(event: &ServerEvent) -> Message {
    Message::Text(
        serde_json::to_string(event)
            .unwrap_or_else(|_| r#"{"type":"error","message":"cannot encode"}"#.into())
            .into(),
    )
}

impl Connection {
    fn ready(&self) -> ServerEvent {
        ServerEvent::Ready {
            channels: self.model.channel_ids(),
            servers: self.model.servers.clone(),
            server: self.server.clone(),
            limits: LimitsInfo {
                max_message_bytes: self.limits.max_message_bytes,
                max_subscriptions: self.limits.max_subscriptions,
                publish_per_second: self.limits.publish_per_second,
                mock_max_rate: self.limits.mock_max_rate,
                outbound_queue: self.limits.outbound_queue,
            },
        }
    }

    /// Sends a `dropped` report while nothing else is written (the writer reports it
    /// before the next event otherwise).
    fn report_dropped(&self) {
        let dropped = self.outbox.take_dropped();
        if dropped > 0 {
            self.outbox
                .push_reply(ServerEvent::Dropped { count: dropped });
        }
    }

    async fn handle(&mut self, command: ClientCommand) {
        let result = match command {
            ClientCommand::Subscribe {
                id,
                channel,
                parameters,
            } => match self.subscribe(id, &channel, &parameters).await {
                // Its replies are queued already (the recent traffic as traffic).
                Ok(()) => return,
                Err(message) => Err(message),
            },
            ClientCommand::Unsubscribe { id } => match self.subscriptions.remove(&id) {
                Some(task) => {
                    task.abort();
                    Ok(ServerEvent::Unsubscribed { id })
                }
                None => Err(format!("There is no subscription {id:?}.")),
            },
            ClientCommand::Publish {
                channel,
                parameters,
                payload,
                qos,
                retain,
                headers,
            } => {
                self.publish(&channel, &parameters, payload, qos, retain, headers)
                    .await
            }
            ClientCommand::MockStart {
                channel,
                parameters,
                rate,
            } => self.start_mock(&channel, &parameters, rate),
            ClientCommand::MockStop { channel } => self.stop_mocks(channel.as_deref()),
            ClientCommand::UseServer { server } => self.use_server(server).await,
        };
        self.outbox.push_reply(match result {
            Ok(event) => event,
            Err(message) => ServerEvent::error(message),
        });
    }

    fn target(&self) -> Result<Arc<Target>, String> {
        self.target.clone().ok_or_else(|| {
            "No broker: the bundled broker is off on this server; choose a server of the document."
                .to_string()
        })
    }

    /// Starts a subscription and queues `subscribed` then the recent traffic.
    async fn subscribe(
        &mut self,
        id: String,
        channel_id: &str,
        parameters: &BTreeMap<String, String>,
    ) -> Result<(), String> {
        if id.is_empty() || id.len() > 100 {
            return Err("A subscription id is 1 to 100 characters.".into());
        }
        self.subscriptions.retain(|_, task| !task.is_finished());
        if self.subscriptions.contains_key(&id) {
            return Err(format!(
                "The subscription {id:?} exists; unsubscribe it first."
            ));
        }
        let limit = self.limits.max_subscriptions;
        if self.subscriptions.len() >= limit {
            return Err(format!(
                "At most {limit} subscriptions per connection; unsubscribe one first."
            ));
        }
        let channel = self.model.channel(channel_id)?;
        let filter = channel.filter(parameters)?;
        let target = self.target()?;
        let mut subscription = target.subscribe(&filter).await?;
        let recent: Vec<ConsoleMessage> = target
            .recent(&filter, MAX_RECENT)
            .iter()
            .map(|m| console_message(&self.model, &id, channel_id, &m.topic, m))
            .collect();
        let task = {
            let (model, outbox, id, channel_id) = (
                self.model.clone(),
                self.outbox.clone(),
                id.clone(),
                channel_id.to_owned(),
            );
            tokio::spawn(async move {
                let mut reported = 0;
                while let Some(message) = subscription.recv().await {
                    let dropped = subscription.dropped();
                    if dropped > reported {
                        outbox.add_dropped(dropped - reported);
                        reported = dropped;
                    }
                    let Some(topic) = target.shown_topic(&message.topic) else {
                        continue;
                    };
                    outbox.push_traffic(ServerEvent::Message(console_message(
                        &model,
                        &id,
                        &channel_id,
                        topic,
                        &message,
                    )));
                }
            })
        };
        self.subscriptions.insert(id.clone(), task);
        self.outbox.push_reply(ServerEvent::Subscribed {
            id: id.clone(),
            channel: channel_id.to_owned(),
            filter,
        });
        self.outbox.push_traffic(ServerEvent::Recent {
            subscription: id,
            messages: recent,
        });
        Ok(())
    }

    /// Refuses changes on the broker to a read-scope token.
    fn check_may_publish(&self) -> Result<(), String> {
        if self.may_publish {
            Ok(())
        } else {
            Err("This token has the read scope: it may watch channels, not publish or connect to other servers. Use a publish-scope token or the page.".into())
        }
    }

    async fn publish(
        &mut self,
        channel_id: &str,
        parameters: &BTreeMap<String, String>,
        payload: String,
        qos: u8,
        retain: bool,
        headers: Option<BTreeMap<String, String>>,
    ) -> Result<ServerEvent, String> {
        self.check_may_publish()?;
        let limit = self.limits.max_message_bytes;
        if payload.len() > limit {
            return Err(format!(
                "The payload is {} bytes; the limit is {limit} bytes ({} KB).",
                payload.len(),
                limit / 1024
            ));
        }
        if qos > 2 {
            return Err(format!("QoS is 0, 1 or 2, not {qos}."));
        }
        if !self.publish_limiter.try_take() {
            return Err(format!(
                "Publish rate limit: at most {} messages per second on one connection; use the mock publisher for more.",
                self.limits.publish_per_second
            ));
        }
        let channel = self.model.channel(channel_id)?;
        let topic = channel.topic(parameters)?;
        let verdict = self
            .model
            .check(Some(channel_id), &topic, payload.as_bytes());
        let size = payload.len();
        self.target()?
            .publish(
                &topic,
                Bytes::from(payload),
                qos,
                retain,
                headers.unwrap_or_default().into_iter().collect(),
            )
            .await?;
        Ok(ServerEvent::Published {
            channel: channel_id.to_owned(),
            topic,
            size,
            qos,
            retain,
            valid: verdict.valid,
            problems: verdict.problems,
        })
    }

    fn start_mock(
        &mut self,
        channel_id: &str,
        parameters: &BTreeMap<String, String>,
        rate: u32,
    ) -> Result<ServerEvent, String> {
        self.check_may_publish()?;
        let max = self.limits.mock_max_rate;
        if !(1..=max).contains(&rate) {
            return Err(format!(
                "The mock rate is 1 to {max} messages per second, not {rate}."
            ));
        }
        self.mocks.retain(|_, mock| !mock.task.is_finished());
        let others: u32 = self
            .mocks
            .iter()
            .filter(|(id, _)| id.as_str() != channel_id)
            .map(|(_, mock)| mock.rate)
            .sum();
        if others + rate > max {
            return Err(format!(
                "Mock publishers of one connection send at most {max} messages per second together; {others}/s are running."
            ));
        }
        let channel = self.model.channel(channel_id)?;
        let topic = channel.topic(parameters)?;
        let examples: Vec<Bytes> = channel.examples().into_iter().map(Bytes::from).collect();
        if examples.is_empty() {
            return Err(format!(
                "The channel {channel_id:?} has no message to generate examples from."
            ));
        }
        let target = self.target()?;
        if let Some(previous) = self.mocks.remove(channel_id) {
            previous.task.abort();
        }
        let sent = Arc::new(AtomicU64::new(0));
        let task = {
            let (topic, sent, outbox) = (topic.clone(), sent.clone(), self.outbox.clone());
            tokio::spawn(async move {
                let mut ticker =
                    tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                for example in examples.iter().cycle() {
                    ticker.tick().await;
                    if let Err(error) = target
                        .publish(&topic, example.clone(), 0, false, Vec::new())
                        .await
                    {
                        outbox.push_reply(ServerEvent::error(format!(
                            "The mock publisher on {topic:?} stopped: {error}"
                        )));
                        break;
                    }
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        self.mocks
            .insert(channel_id.to_owned(), Mock { task, sent, rate });
        Ok(ServerEvent::MockStarted {
            channel: channel_id.to_owned(),
            topic,
            rate,
        })
    }

    fn stop_mocks(&mut self, channel: Option<&str>) -> Result<ServerEvent, String> {
        let ids: Vec<String> = match channel {
            Some(id) if self.mocks.contains_key(id) => vec![id.to_owned()],
            Some(id) => return Err(format!("No mock publisher runs on {id:?}.")),
            None => self.mocks.keys().cloned().collect(),
        };
        let mut last = None;
        for id in ids {
            if let Some(mock) = self.mocks.remove(&id) {
                mock.task.abort();
                last = Some(ServerEvent::MockStopped {
                    channel: id,
                    sent: mock.sent.load(Ordering::Relaxed),
                });
            }
        }
        last.ok_or_else(|| "No mock publisher is running.".into())
    }

    /// Switches the broker. Connecting to a document's server happens only here, on the
    /// user's explicit choice (the server never fetches what a document names otherwise).
    async fn use_server(&mut self, server: Option<String>) -> Result<ServerEvent, String> {
        let target = match &server {
            None => {
                let (bundled, namespace) = self
                    .bundled
                    .clone()
                    .ok_or("The bundled broker is off on this server (PORTICO_MQTT_ADDR=off).")?;
                Target::Bundled(bundled, namespace)
            }
            Some(id) => {
                // Connecting outward takes a session or a publish-scope token.
                self.check_may_publish()?;
                let choice = self
                    .model
                    .servers
                    .iter()
                    .find(|s| &s.id == id)
                    .ok_or_else(|| format!("This document has no server {id:?}."))?;
                Target::External(
                    ExternalBroker::connect(choice, self.limits.max_message_bytes, &self.outbound)
                        .await?,
                )
            }
        };
        self.stop_everything();
        self.target = Some(Arc::new(target));
        self.server = server.clone();
        Ok(ServerEvent::ServerChanged { server })
    }

    fn stop_everything(&mut self) {
        for (_, task) in self.subscriptions.drain() {
            task.abort();
        }
        for (_, mock) in self.mocks.drain() {
            mock.task.abort();
        }
    }
}

/// A broker message as the console shows it, on `topic` as the document writes it,
/// checked against the channel's schemas.
fn console_message(
    model: &ConsoleModel,
    subscription: &str,
    channel: &str,
    topic: &str,
    message: &BrokerMessage,
) -> ConsoleMessage {
    let verdict = model.check(Some(channel), topic, &message.payload);
    ConsoleMessage {
        subscription: subscription.to_owned(),
        channel: verdict.channel,
        topic: topic.to_owned(),
        time: message
            .received_at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0),
        size: message.payload.len(),
        payload: String::from_utf8_lossy(&message.payload).into_owned(),
        json: verdict.json,
        valid: verdict.valid,
        problems: verdict.problems,
        headers: message.user_properties.clone(),
        retain: message.retain,
    }
}
