//! The document as the console needs it, built once per socket: each channel's address
//! template (to fill parameters, build subscription filters and recognise topics) and
//! its messages' payload schemas compiled once, so every message is checked cheaply.

use std::collections::BTreeMap;

use serde_json::Value;
use spec_engine::{Model, PayloadSchema};

use portico_types::console::{Problem, ServerChoice};

/// One piece of an address level: literal text or a `{parameter}`.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Parameter(String),
}

/// A channel of the document.
pub struct ConsoleChannel {
    pub id: String,
    /// The address split at `/`, each level split into pieces.
    levels: Vec<Vec<Piece>>,
    /// Each message's compiled payload schema; `None` when it cannot be checked.
    schemas: Vec<Option<PayloadSchema>>,
    /// What the mock publisher cycles through, one payload per message.
    examples: Vec<String>,
}

/// The document's channels and servers for one console connection.
pub struct ConsoleModel {
    channels: Vec<ConsoleChannel>,
    pub servers: Vec<ServerChoice>,
}

/// The outcome of checking one payload.
pub struct Verdict {
    pub channel: Option<String>,
    pub json: Option<Value>,
    pub valid: bool,
    pub problems: Vec<Problem>,
}

impl ConsoleModel {
    /// Compiles the channels of `model`; channels without an address (dynamic) are left
    /// out, since there is no topic to subscribe to.
    pub fn build(model: &Model) -> ConsoleModel {
        let channels = model
            .channels
            .iter()
            .filter_map(|channel| {
                let address = channel.address.as_deref()?;
                let messages: Vec<&spec_engine::Message> = channel
                    .messages
                    .iter()
                    .filter_map(|id| model.message(id))
                    .collect();
                Some(ConsoleChannel {
                    id: channel.id.clone(),
                    levels: address.split('/').map(parse_level).collect(),
                    schemas: messages.iter().map(|m| compiled(m)).collect(),
                    examples: messages.iter().map(|m| example_text(m)).collect(),
                })
            })
            .collect();
        let servers = model
            .servers
            .iter()
            .map(|server| ServerChoice {
                id: server.id.clone(),
                protocol: server.protocol.clone(),
                url: server.url.clone(),
                supported: matches!(server.protocol.as_deref(), Some("mqtt" | "mqtts")),
            })
            .collect();
        ConsoleModel { channels, servers }
    }

    /// The ids of the channels the console can use.
    pub fn channel_ids(&self) -> Vec<String> {
        self.channels.iter().map(|c| c.id.clone()).collect()
    }

    /// The channel `id`, or an error naming it.
    pub fn channel(&self, id: &str) -> Result<&ConsoleChannel, String> {
        self.channels
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| format!("This document has no channel {id:?} with an address."))
    }

    /// Checks a payload that arrived on `topic` against the channel whose address
    /// matches it, `preferred` first (the channel that was subscribed to).
    pub fn check(&self, preferred: Option<&str>, topic: &str, payload: &[u8]) -> Verdict {
        let json = serde_json::from_slice::<Value>(payload).ok();
        let channel = preferred
            .and_then(|id| self.channels.iter().find(|c| c.id == id))
            .filter(|c| c.matches(topic))
            .or_else(|| self.channels.iter().find(|c| c.matches(topic)));
        let Some(channel) = channel else {
            return Verdict {
                channel: None,
                json,
                valid: false,
                problems: vec![Problem {
                    path: String::new(),
                    message: format!("No channel of this document has the address {topic:?}."),
                }],
            };
        };
        let problems = channel.problems(json.as_ref());
        Verdict {
            channel: Some(channel.id.clone()),
            json,
            valid: problems.is_empty(),
            problems,
        }
    }
}

impl ConsoleChannel {
    /// The MQTT filter for a subscription, as the document writes it: parameters filled,
    /// and `+` for a parameter left empty or given as `+` ("any"). Nothing else becomes a
    /// wildcard: `#` is refused, and so is an address whose own text holds one.
    pub fn filter(&self, parameters: &BTreeMap<String, String>) -> Result<String, String> {
        let mut levels = Vec::with_capacity(self.levels.len());
        for level in &self.levels {
            let mut text = String::new();
            let mut any = false;
            for piece in level {
                match piece {
                    Piece::Text(literal) => text.push_str(self.checked_literal(literal)?),
                    Piece::Parameter(name) => {
                        match parameters.get(name).map(String::as_str).unwrap_or("") {
                            "" | "+" => any = true,
                            value => text.push_str(checked_value(name, value)?),
                        }
                    }
                }
            }
            levels.push(if any { "+".to_owned() } else { text });
        }
        self.not_system(levels.join("/"))
    }

    /// The topic to publish on: every parameter must have a concrete value.
    pub fn topic(&self, parameters: &BTreeMap<String, String>) -> Result<String, String> {
        let mut levels = Vec::with_capacity(self.levels.len());
        for level in &self.levels {
            let mut text = String::new();
            for piece in level {
                match piece {
                    Piece::Text(literal) => text.push_str(self.checked_literal(literal)?),
                    Piece::Parameter(name) => {
                        let value = parameters.get(name).map(String::as_str).unwrap_or("");
                        if value.is_empty() || value == "+" {
                            return Err(format!(
                                "Publishing on {:?} needs a value for the parameter {{{name}}}.",
                                self.id
                            ));
                        }
                        text.push_str(checked_value(name, value)?);
                    }
                }
            }
            levels.push(text);
        }
        self.not_system(levels.join("/"))
    }

    /// Refuses an address that starts with `$`: MQTT keeps those for the broker's own
    /// topics, whatever a document or a parameter value says.
    fn not_system(&self, address: String) -> Result<String, String> {
        if address.starts_with('$') {
            Err(format!(
                "The address {address:?} of the channel {:?} starts with '$', which MQTT keeps for system topics.",
                self.id
            ))
        } else {
            Ok(address)
        }
    }

    /// The address's own text, refused when it holds a wildcard or NUL: a document cannot
    /// widen a subscription by writing `#` into its address.
    fn checked_literal<'a>(&self, literal: &'a str) -> Result<&'a str, String> {
        if literal.contains(['+', '#', '\0']) {
            Err(format!(
                "The address of the channel {:?} contains '+', '#' or NUL; the console uses only addresses without MQTT wildcards.",
                self.id
            ))
        } else {
            Ok(literal)
        }
    }

    /// Whether `topic` is an address of this channel (each parameter one or more
    /// characters within its level).
    pub fn matches(&self, topic: &str) -> bool {
        let mut topic_levels = topic.split('/');
        for level in &self.levels {
            match topic_levels.next() {
                Some(text) if level_matches(level, text) => {}
                _ => return false,
            }
        }
        topic_levels.next().is_none()
    }

    /// The problems of a payload on this channel: none when some message accepts it,
    /// else those of the message it comes closest to.
    fn problems(&self, json: Option<&Value>) -> Vec<Problem> {
        spec_engine::closest_problems(&self.schemas, json)
            .into_iter()
            .map(|p| Problem {
                path: p.pointer,
                message: p.message,
            })
            .collect()
    }

    /// The payloads the mock publisher cycles through, one per message.
    pub fn examples(&self) -> Vec<String> {
        self.examples.clone()
    }
}

/// A parameter value that stays within one topic level and is not a wildcard.
fn checked_value<'a>(name: &str, value: &'a str) -> Result<&'a str, String> {
    if value.contains(['/', '+', '#', '\0']) {
        Err(format!(
            "The parameter {{{name}}} may not contain '/', '+', '#' or NUL (got {value:?}); leave it empty or + for any value."
        ))
    } else {
        Ok(value)
    }
}

fn parse_level(level: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = level;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_owned()));
        }
        pieces.push(Piece::Parameter(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    pieces
}

/// Matches one topic level against pieces; a parameter takes one or more characters.
fn level_matches(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Text(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|remaining| level_matches(rest, remaining)),
        Some((Piece::Parameter(_), rest)) => text
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .filter(|_| !text.is_empty())
            .any(|split| level_matches(rest, &text[split..])),
    }
}

/// The message's payload schema, compiled, when payloads can be checked against it.
fn compiled(message: &spec_engine::Message) -> Option<PayloadSchema> {
    let payload = message.checkable_payload()?;
    match PayloadSchema::compile(payload) {
        Ok(schema) => Some(schema),
        Err(error) => {
            tracing::warn!(message = %message.id, %error, "payload schema not checkable");
            None
        }
    }
}

/// The message's example as the text a publisher sends (a string example as is).
fn example_text(message: &spec_engine::Message) -> String {
    match message.example_payload().unwrap_or(Value::Null) {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(address: &str) -> ConsoleChannel {
        ConsoleChannel {
            id: "c".into(),
            levels: address.split('/').map(parse_level).collect(),
            schemas: Vec::new(),
            examples: Vec::new(),
        }
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_fill_parameters_and_use_wildcards_for_empty_ones() {
        let c = channel("shop/{region}/order.{orderId}/{rest}");
        assert_eq!(
            c.filter(&params(&[
                ("region", "eu"),
                ("orderId", "7"),
                ("rest", "x")
            ])),
            Ok("shop/eu/order.7/x".into())
        );
        assert_eq!(
            c.filter(&params(&[("orderId", "7"), ("rest", "+")])),
            Ok("shop/+/order.7/+".into())
        );
        assert!(c.filter(&params(&[("region", "a/b")])).is_err());
    }

    #[test]
    fn wildcards_come_only_from_parameters_left_as_any() {
        let c = channel("{t}");
        let error = c.filter(&params(&[("t", "#")])).unwrap_err();
        assert!(error.contains("{t}"), "{error}");
        assert!(c.filter(&params(&[("t", "a+")])).is_err());
        assert!(c.topic(&params(&[("t", "#")])).is_err());
        assert!(c.filter(&params(&[("t", "$SYS")])).is_err());
        for address in ["orders/#", "orders/+/x", "a\0b", "$SYS/x"] {
            assert!(channel(address).filter(&params(&[])).is_err(), "{address}");
            assert!(channel(address).topic(&params(&[])).is_err(), "{address}");
        }
    }

    #[test]
    fn publishing_needs_every_parameter() {
        let c = channel("order/{orderId}");
        assert_eq!(
            c.topic(&params(&[("orderId", "42")])),
            Ok("order/42".into())
        );
        let error = c.topic(&params(&[])).unwrap_err();
        assert!(error.contains("{orderId}"), "{error}");
    }

    #[test]
    fn topics_are_recognised_by_the_address_template() {
        let c = channel("shop/{region}/order.{orderId}");
        assert!(c.matches("shop/eu/order.7"));
        assert!(!c.matches("shop/eu/order."));
        assert!(!c.matches("shop/eu/invoice.7"));
        assert!(!c.matches("shop/eu/order.7/more"));
        assert!(channel("order-approved").matches("order-approved"));
    }
}
