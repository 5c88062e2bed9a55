//! Which side of each channel an AsyncAPI document's application is on: what the event
//! map joins across documents by address.
//!
//! Read from the [`Model`], whose adapters have already mapped 2.x onto 3.x: a 2.x
//! `publish` (other applications publish to the channel) is a receive, a 2.x `subscribe`
//! a send. A 3.x reply goes the other way on its own channel: the application that sends
//! a request receives the reply, the one that receives it sends the reply.

use crate::model::{Action, Model};
use portico_types::event_map::Side;

/// One channel the application sends or receives on, with what goes through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSide {
    /// The channel's key in the document (the address in 2.x).
    pub channel: String,
    /// The address as written, parameters left as `{name}`.
    pub address: String,
    pub side: Side,
    /// The operations (ids; a reply as `{operation}#reply`).
    pub operations: Vec<String>,
    /// The messages (ids).
    pub messages: Vec<String>,
    /// The servers the channel is on, `protocol://host/path`: those it names, or every
    /// server of the document when it names none.
    pub servers: Vec<String>,
}

/// The channels the document's application sends and receives on, in the order their
/// operations are written, one entry per channel and side. A channel without an address
/// (3.x: unknown until run time) cannot be matched with others and is left out, as is
/// every OpenAPI document.
pub fn channel_sides(model: &Model) -> Vec<ChannelSide> {
    let mut sides: Vec<ChannelSide> = Vec::new();
    for operation in &model.operations {
        let side = match operation.action {
            Action::Send => Side::Send,
            Action::Receive => Side::Receive,
            Action::Http(_) => continue,
        };
        if let Some(channel) = &operation.channel {
            add(
                &mut sides,
                model,
                channel,
                side,
                &operation.id,
                &operation.messages,
            );
        }
        if let Some(reply) = &operation.reply
            && let Some(channel) = &reply.channel
        {
            let id = format!("{}#reply", operation.id);
            add(
                &mut sides,
                model,
                channel,
                side.opposite(),
                &id,
                &reply.messages,
            );
        }
    }
    sides
}

/// Adds one operation's use of a channel, merged with an earlier one on the same side.
fn add(
    sides: &mut Vec<ChannelSide>,
    model: &Model,
    channel: &str,
    side: Side,
    operation: &str,
    messages: &[String],
) {
    let Some(found) = model.channel(channel) else {
        return;
    };
    let Some(address) = found.address.as_ref().filter(|a| !a.is_empty()) else {
        return;
    };
    let index = match sides
        .iter()
        .position(|s| s.channel == channel && s.side == side)
    {
        Some(index) => index,
        None => {
            sides.push(ChannelSide {
                channel: channel.to_owned(),
                address: address.clone(),
                side,
                operations: Vec::new(),
                messages: Vec::new(),
                servers: servers_of(model, &found.servers),
            });
            sides.len() - 1
        }
    };
    let entry = &mut sides[index];
    push_new(&mut entry.operations, operation);
    for message in messages {
        push_new(&mut entry.messages, message);
    }
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|known| known == item) {
        list.push(item.to_owned());
    }
}

/// The servers named by `ids` (every server of the document when empty), each as
/// `protocol://host/path` so the same broker reads the same in every document.
fn servers_of(model: &Model, ids: &[String]) -> Vec<String> {
    let mut servers = Vec::new();
    for server in &model.servers {
        if !ids.is_empty() && !ids.contains(&server.id) {
            continue;
        }
        if server.url.is_empty() {
            continue;
        }
        let url = match &server.protocol {
            Some(protocol) if !server.url.contains("://") => {
                format!("{protocol}://{}", server.url)
            }
            _ => server.url.clone(),
        };
        push_new(&mut servers, &url);
    }
    servers
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::{Input, analyze};

    fn sides_of(text: &str) -> Vec<ChannelSide> {
        let analysis = analyze(&Input::single("asyncapi.yaml", text));
        channel_sides(analysis.model.as_ref().expect("a model"))
    }

    fn corpus(path: &str) -> String {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus")
            .join(path);
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    /// (address, side) pairs, sorted.
    fn summary(sides: &[ChannelSide]) -> Vec<(String, Side)> {
        let mut pairs: Vec<_> = sides.iter().map(|s| (s.address.clone(), s.side)).collect();
        pairs.sort();
        pairs
    }

    const ORDER_SERVICE: &str = "asyncapi: 3.0.0
info: {title: Order Service, version: 1.0.0}
servers:
  development: {host: 'localhost:1883', protocol: mqtt}
  production: {host: 'mqtt.example.com:8883', protocol: mqtts}
channels:
  order:
    address: order
    messages:
      Order: {payload: {type: object}}
  order-approved:
    address: order-approved
    servers: [{$ref: '#/servers/production'}]
    messages:
      OrderApproved: {payload: {type: object}}
operations:
  placeOrder:
    action: receive
    channel: {$ref: '#/channels/order'}
  announceApproval:
    action: send
    channel: {$ref: '#/channels/order-approved'}
";

    #[test]
    fn a_3x_send_produces_and_a_receive_consumes() {
        let sides = sides_of(ORDER_SERVICE);
        assert_eq!(
            sides,
            [
                ChannelSide {
                    channel: "order".into(),
                    address: "order".into(),
                    side: Side::Receive,
                    operations: vec!["placeOrder".into()],
                    messages: vec!["Order".into()],
                    servers: vec![
                        "mqtt://localhost:1883".into(),
                        "mqtts://mqtt.example.com:8883".into()
                    ],
                },
                ChannelSide {
                    channel: "order-approved".into(),
                    address: "order-approved".into(),
                    side: Side::Send,
                    operations: vec!["announceApproval".into()],
                    messages: vec!["OrderApproved".into()],
                    servers: vec!["mqtts://mqtt.example.com:8883".into()],
                },
            ]
        );
    }

    #[test]
    fn a_2x_publish_is_received_and_a_subscribe_is_sent() {
        // AsyncAPI 2.6, Channel Item Object: `publish` describes the messages the
        // application consumes from the channel, `subscribe` those it produces.
        let sides = sides_of(&corpus(
            "asyncapi/valid/spec-examples-2.6.0/streetlights-mqtt.yml",
        ));
        let base = "smartylighting/streetlights/1/0";
        assert_eq!(
            summary(&sides),
            [
                (format!("{base}/action/{{streetlightId}}/dim"), Side::Send),
                (
                    format!("{base}/action/{{streetlightId}}/turn/off"),
                    Side::Send
                ),
                (
                    format!("{base}/action/{{streetlightId}}/turn/on"),
                    Side::Send
                ),
                (
                    format!("{base}/event/{{streetlightId}}/lighting/measured"),
                    Side::Receive
                ),
            ]
        );
        let measured = sides.iter().find(|s| s.side == Side::Receive).unwrap();
        assert_eq!(measured.operations, ["receiveLightMeasurement"]);
        assert_eq!(measured.messages, ["lightMeasured"]);
        assert_eq!(measured.servers, ["mqtt://test.mosquitto.org:{port}"]);
    }

    #[test]
    fn the_same_api_in_2x_and_3x_is_on_the_same_sides() {
        let v2 = sides_of(&corpus(
            "asyncapi/valid/spec-examples-2.6.0/streetlights-mqtt.yml",
        ));
        let v3 = sides_of(&corpus(
            "asyncapi/valid/spec-examples-3.0.0/streetlights-mqtt-asyncapi.yml",
        ));
        assert_eq!(summary(&v2), summary(&v3));
        assert_eq!(v3.len(), 4);
    }

    #[test]
    fn a_2x_channel_with_both_operations_is_on_both_sides() {
        let sides = sides_of(
            "asyncapi: 2.6.0
info: {title: Chat, version: 1.0.0}
channels:
  rooms/{roomId}:
    parameters:
      roomId: {schema: {type: string}}
    publish:
      operationId: hear
      message: {name: Said, payload: {type: string}}
    subscribe:
      operationId: say
      message: {name: Said, payload: {type: string}}
",
        );
        assert_eq!(
            summary(&sides),
            [
                ("rooms/{roomId}".into(), Side::Send),
                ("rooms/{roomId}".into(), Side::Receive),
            ]
        );
        assert!(sides.iter().all(|s| s.servers.is_empty()));
    }

    #[test]
    fn a_3x_reply_goes_the_other_way_on_its_own_channel() {
        let sides = sides_of(&corpus(
            "asyncapi/valid/spec-examples-3.1.0/kraken-websocket-request-reply-multiple-channels-asyncapi.yml",
        ));
        let on = |channel: &str| {
            sides
                .iter()
                .filter(|s| s.channel == channel)
                .map(|s| (s.side, s.operations.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(on("ping"), [(Side::Receive, vec!["receivePing".into()])]);
        assert_eq!(on("pong"), [(Side::Send, vec!["receivePing#reply".into()])]);
        // Two requests reply on one channel: one side, both operations.
        assert_eq!(
            on("currencyInfo"),
            [(
                Side::Send,
                vec!["subscribe#reply".into(), "unsubscribe#reply".into()]
            )]
        );
        assert!(sides.iter().all(|s| s.address == "/"));
    }

    #[test]
    fn a_reply_to_an_address_known_only_at_run_time_is_left_out() {
        let sides = sides_of(&corpus(
            "asyncapi/valid/spec-examples-3.1.0/adeo-kafka-request-reply-asyncapi.yml",
        ));
        assert_eq!(
            summary(&sides),
            [(
                "adeo-{env}-case-study-COSTING-REQUEST-{version}".into(),
                Side::Receive
            )]
        );
    }

    #[test]
    fn channels_without_an_address_and_openapi_are_left_out() {
        let sides = sides_of(
            "asyncapi: 3.0.0
info: {title: Dynamic, version: 1.0.0}
channels:
  inbox:
    address: null
operations:
  listen:
    action: receive
    channel: {$ref: '#/channels/inbox'}
",
        );
        assert!(sides.is_empty());
        let openapi = "openapi: 3.1.0\ninfo: {title: A, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";
        assert!(sides_of(openapi).is_empty());
    }
}
