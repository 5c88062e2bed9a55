//! AsyncAPI adapters: 3.x (channels and operations apart) and 2.x (publish/subscribe
//! inside channels) onto the same model. In 2.x, `publish` means the application receives
//! and `subscribe` means it sends, as the 3.0 migration guide maps them.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{
    Action, Channel, Copier, Message, MessageExample, Model, Operation, Parameter, Reply,
    SecurityScheme, Server, Source, component_schemas, info_of, security_names, source_at, strings,
    tags_of, text,
};
use crate::detect::Detected;
use crate::diagnostic::child_pointer;
use crate::refs::Documents;

fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::iter)
}

/// The last token of a local reference (`#/channels/order` -> `order`).
fn ref_name(value: &Value) -> Option<String> {
    let reference = value.get("$ref")?.as_str()?;
    let token = reference.rsplit('/').next()?;
    // Fragments may be percent-encoded (`#/channels/a~1%7Bid%7D`).
    let token = crate::refs::percent_decode(token);
    Some(token.replace("~1", "/").replace("~0", "~"))
}

fn servers(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    root: &Value,
    v3: bool,
) -> Vec<Server> {
    entries(root.get("servers"))
        .filter_map(|(id, raw)| {
            let (_, server) = documents.deref(file, raw)?;
            let url = if v3 {
                format!(
                    "{}{}",
                    text(server, "host").unwrap_or_default(),
                    text(server, "pathname").unwrap_or_default()
                )
            } else {
                text(server, "url").unwrap_or_default()
            };
            Some(Server {
                source: source_at(documents, file, &child_pointer("/servers", id)),
                id: id.clone(),
                url,
                protocol: text(server, "protocol"),
                protocol_version: text(server, "protocolVersion"),
                description: text(server, "description"),
                security: security_names(server.get("security")),
                bindings: copier.value(server.get("bindings")),
                variables: entries(server.get("variables"))
                    .map(|(name, variable)| {
                        parameter(documents, copier, file, name, variable, "server", None)
                    })
                    .collect(),
            })
        })
        .collect()
}

fn parameter(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    name: &str,
    raw: &Value,
    location: &str,
    source: Option<Source>,
) -> Parameter {
    let (file, value) = documents.deref(file, raw).unwrap_or((file.to_owned(), raw));
    let schema = value
        .get("schema")
        .and_then(|s| copier.inlined(documents, &file, s));
    let enum_values = value
        .get("enum")
        .or_else(|| {
            let (_, schema) = documents.deref(&file, value.get("schema")?)?;
            schema.get("enum")
        })
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Parameter {
        name: name.to_owned(),
        location: location.to_owned(),
        description: text(value, "description"),
        required: true,
        schema,
        enum_values,
        default: value
            .get("default")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
        source,
    }
}

/// Applies message traits: fields a trait sets are used where the message has none.
/// Borrowed when there are no traits, as for most messages: copying each message's
/// tree only to read it was a tenth of a large document's model.
fn with_traits<'a>(documents: &Documents, file: &str, message: &'a Value) -> Cow<'a, Value> {
    let Some(traits) = message.get("traits").and_then(Value::as_array) else {
        return Cow::Borrowed(message);
    };
    let mut merged = message.as_object().cloned().unwrap_or_default();
    for raw in traits {
        if let Some((_, Value::Object(fields))) = documents.deref(file, raw) {
            for (key, value) in fields {
                merged.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    Cow::Owned(Value::Object(merged))
}

fn message(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    id: &str,
    raw: &Value,
    default_content_type: Option<&str>,
    source: Option<Source>,
) -> Option<Message> {
    let (file, value) = documents.deref(file, raw)?;
    let value = with_traits(documents, &file, value);
    let mut schema_format = text(&value, "schemaFormat");
    let payload = value.get("payload").and_then(|payload| {
        // AsyncAPI 3 multi-format schema: {schemaFormat, schema}.
        match (
            payload.get("schemaFormat").and_then(Value::as_str),
            payload.get("schema"),
        ) {
            (Some(format), Some(schema)) => {
                schema_format = Some(format.to_owned());
                copier.inlined(documents, &file, schema)
            }
            _ => copier.inlined(documents, &file, payload),
        }
    });
    let examples = value
        .get("examples")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|example| MessageExample {
                    name: text(example, "name"),
                    summary: text(example, "summary"),
                    headers: copier.value(example.get("headers")),
                    payload: copier.value(example.get("payload")),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Message {
        id: id.to_owned(),
        name: text(&value, "name"),
        title: text(&value, "title"),
        summary: text(&value, "summary"),
        description: text(&value, "description"),
        content_type: text(&value, "contentType").or(default_content_type.map(str::to_owned)),
        schema_format,
        headers: value
            .get("headers")
            .and_then(|h| copier.inlined(documents, &file, h)),
        payload,
        examples,
        correlation_id: value
            .get("correlationId")
            .and_then(|c| documents.deref(&file, c))
            .and_then(|(_, c)| text(c, "location")),
        bindings: copier.value(value.get("bindings")),
        source,
    })
}

/// Adds the message `id` unless the model has it already: a message referenced from
/// many places is built (and its schemas inlined) once.
fn add_message(messages: &mut Vec<Message>, id: &str, build: impl FnOnce() -> Option<Message>) {
    if !messages.iter().any(|m| m.id == id)
        && let Some(message) = build()
    {
        messages.push(message);
    }
}

fn security_schemes(documents: &Documents, file: &str, root: &Value) -> Vec<SecurityScheme> {
    entries(root.pointer("/components/securitySchemes"))
        .filter_map(|(name, raw)| {
            let (_, scheme) = documents.deref(file, raw)?;
            Some(SecurityScheme {
                source: source_at(
                    documents,
                    file,
                    &child_pointer("/components/securitySchemes", name),
                ),
                name: name.clone(),
                scheme_type: text(scheme, "type").unwrap_or_default(),
                description: text(scheme, "description"),
                details: scheme.clone(),
            })
        })
        .collect()
}

fn empty_operation(id: String, action: Action) -> Operation {
    Operation {
        id,
        action,
        channel: None,
        path: None,
        summary: None,
        description: None,
        tags: Vec::new(),
        deprecated: false,
        messages: Vec::new(),
        reply: None,
        parameters: Vec::new(),
        request_body: None,
        responses: Vec::new(),
        security: Vec::new(),
        message_sources: Vec::new(),
        source: None,
    }
}

/// AsyncAPI 3.x.
pub fn build_v3(detected: &Detected, documents: &Documents, copier: &Copier) -> Model {
    let file = documents.main.as_str();
    let root = documents.get(file, "").unwrap_or(&Value::Null);
    let default_content_type = root.get("defaultContentType").and_then(Value::as_str);
    let mut messages = Vec::new();
    let mut channels = Vec::new();
    for (id, raw) in entries(root.get("channels")) {
        let Some((channel_file, channel)) = documents.deref(file, raw) else {
            continue;
        };
        let channel_source = source_at(documents, file, &child_pointer("/channels", id));
        let channel_pointer = channel_source
            .as_ref()
            .map(|s| s.pointer.clone())
            .unwrap_or_default();
        let mut ids = Vec::new();
        let mut message_sources = Vec::new();
        for (message_id, raw_message) in entries(channel.get("messages")) {
            ids.push(message_id.clone());
            let source = source_at(
                documents,
                &channel_file,
                &child_pointer(&child_pointer(&channel_pointer, "messages"), message_id),
            );
            message_sources.extend(source.clone());
            add_message(&mut messages, message_id, || {
                message(
                    documents,
                    copier,
                    &channel_file,
                    message_id,
                    raw_message,
                    default_content_type,
                    source,
                )
            });
        }
        if message_sources.len() != ids.len() {
            message_sources.clear();
        }
        channels.push(Channel {
            source: channel_source,
            message_sources,
            id: id.clone(),
            address: text(channel, "address"),
            title: text(channel, "title"),
            description: text(channel, "description"),
            parameters: entries(channel.get("parameters"))
                .map(|(name, p)| {
                    let source = source_at(
                        documents,
                        &channel_file,
                        &child_pointer(&child_pointer(&channel_pointer, "parameters"), name),
                    );
                    parameter(documents, copier, &channel_file, name, p, "channel", source)
                })
                .collect(),
            messages: ids,
            servers: channel
                .get("servers")
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(ref_name).collect())
                .unwrap_or_default(),
            bindings: copier.value(channel.get("bindings")),
        });
    }
    for (id, raw) in entries(root.pointer("/components/messages")) {
        let source = source_at(documents, file, &child_pointer("/components/messages", id));
        add_message(&mut messages, id, || {
            message(
                documents,
                copier,
                file,
                id,
                raw,
                default_content_type,
                source,
            )
        });
    }
    let operations = entries(root.get("operations"))
        .filter_map(|(id, raw)| {
            let (_, op) = documents.deref(file, raw)?;
            let action = match op.get("action").and_then(Value::as_str) {
                Some("send") => Action::Send,
                _ => Action::Receive,
            };
            let mut operation = empty_operation(id.clone(), action);
            operation.source = source_at(documents, file, &child_pointer("/operations", id));
            let at = operation.source.clone().unwrap_or_default();
            operation.channel = op.get("channel").and_then(ref_name);
            operation.summary = text(op, "summary");
            operation.description = text(op, "description");
            operation.tags = tags_of(op.get("tags"))
                .into_iter()
                .map(|t| t.name)
                .collect();
            operation.security = security_names(op.get("security"));
            operation.messages = op
                .get("messages")
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(ref_name).collect())
                .unwrap_or_else(|| {
                    // No list means every message of the channel.
                    operation
                        .channel
                        .as_ref()
                        .and_then(|c| channels.iter().find(|ch| &ch.id == c))
                        .map(|c| c.messages.clone())
                        .unwrap_or_default()
                });
            operation.message_sources = match op.get("messages").and_then(Value::as_array) {
                Some(items) => listed_sources(documents, &at, "messages", items.len()),
                None => operation
                    .channel
                    .as_ref()
                    .and_then(|c| channels.iter().find(|ch| &ch.id == c))
                    .map(|c| c.message_sources.clone())
                    .unwrap_or_default(),
            };
            if operation.message_sources.len() != operation.messages.len() {
                operation.message_sources.clear();
            }
            let reply_source = source_at(documents, &at.file, &child_pointer(&at.pointer, "reply"));
            operation.reply =
                op.get("reply")
                    .and_then(|r| documents.deref(file, r))
                    .map(|(_, reply)| Reply {
                        message_sources: reply_source
                            .as_ref()
                            .map(|source| {
                                let count = reply
                                    .get("messages")
                                    .and_then(Value::as_array)
                                    .map_or(0, Vec::len);
                                listed_sources(documents, source, "messages", count)
                            })
                            .unwrap_or_default(),
                        source: reply_source.clone(),
                        channel: reply.get("channel").and_then(ref_name),
                        address: reply
                            .get("address")
                            .and_then(|a| documents.deref(file, a))
                            .and_then(|(_, a)| text(a, "location")),
                        messages: reply
                            .get("messages")
                            .and_then(Value::as_array)
                            .map(|items| items.iter().filter_map(ref_name).collect())
                            .unwrap_or_default(),
                    });
            Some(operation)
        })
        .collect();
    Model {
        kind: detected.kind,
        spec_version: detected.version.clone(),
        info: info_of(root),
        tags: tags_of(root.pointer("/info/tags")),
        servers: servers(documents, copier, file, root, true),
        channels,
        operations,
        messages,
        schemas: component_schemas(root, copier),
        webhooks: Vec::new(),
        security_schemes: security_schemes(documents, file, root),
    }
}

/// AsyncAPI 2.x.
pub fn build_v2(detected: &Detected, documents: &Documents, copier: &Copier) -> Model {
    let file = documents.main.as_str();
    let root = documents.get(file, "").unwrap_or(&Value::Null);
    let default_content_type = root.get("defaultContentType").and_then(Value::as_str);
    let mut messages = Vec::new();
    let mut channels = Vec::new();
    let mut operations = Vec::new();
    for (address, raw) in entries(root.get("channels")) {
        let Some((channel_file, channel)) = documents.deref(file, raw) else {
            continue;
        };
        let channel_source = source_at(documents, file, &child_pointer("/channels", address));
        let channel_pointer = channel_source
            .as_ref()
            .map(|s| s.pointer.clone())
            .unwrap_or_default();
        let mut channel_messages = Vec::new();
        let mut channel_message_sources = Vec::new();
        for (verb, action) in [("publish", Action::Receive), ("subscribe", Action::Send)] {
            let Some((op_file, op)) = channel
                .get(verb)
                .and_then(|o| documents.deref(&channel_file, o))
            else {
                continue;
            };
            let op_source = source_at(
                documents,
                &channel_file,
                &child_pointer(&channel_pointer, verb),
            );
            let op = with_traits(documents, &op_file, op);
            let id = text(&op, "operationId").unwrap_or_else(|| format!("{verb} {address}"));
            let mut operation = empty_operation(id.clone(), action);
            operation.source = op_source.clone();
            operation.channel = Some(address.clone());
            operation.summary = text(&op, "summary");
            operation.description = text(&op, "description");
            operation.tags = tags_of(op.get("tags"))
                .into_iter()
                .map(|t| t.name)
                .collect();
            operation.security = security_names(op.get("security"));
            let message_at = op_source
                .as_ref()
                .and_then(|s| source_at(documents, &s.file, &child_pointer(&s.pointer, "message")));
            let (raw_messages, message_sources): (Vec<&Value>, Vec<Option<Source>>) =
                match op.get("message") {
                    Some(m) => match documents.deref(&op_file, m) {
                        Some((_, resolved)) if resolved.get("oneOf").is_some() => {
                            let items: Vec<&Value> = resolved["oneOf"]
                                .as_array()
                                .map(|items| items.iter().collect())
                                .unwrap_or_default();
                            let sources = (0..items.len())
                                .map(|index| {
                                    message_at.as_ref().and_then(|s| {
                                        source_at(
                                            documents,
                                            &s.file,
                                            &format!("{}/oneOf/{index}", s.pointer),
                                        )
                                    })
                                })
                                .collect();
                            (items, sources)
                        }
                        _ => (vec![m], vec![message_at.clone()]),
                    },
                    None => (Vec::new(), Vec::new()),
                };
            for (index, (raw_message, source)) in
                raw_messages.into_iter().zip(message_sources).enumerate()
            {
                let resolved = documents.deref(&op_file, raw_message).map(|(_, v)| v);
                let message_id = ref_name(raw_message)
                    .or_else(|| resolved.and_then(|m| text(m, "messageId")))
                    .or_else(|| resolved.and_then(|m| text(m, "name")))
                    .unwrap_or_else(|| {
                        if index == 0 {
                            format!("{id}Message")
                        } else {
                            format!("{id}Message{index}")
                        }
                    });
                add_message(&mut messages, &message_id, || {
                    message(
                        documents,
                        copier,
                        &op_file,
                        &message_id,
                        raw_message,
                        default_content_type,
                        source.clone(),
                    )
                });
                operation.messages.push(message_id.clone());
                operation.message_sources.extend(source.clone());
                if !channel_messages.contains(&message_id) {
                    channel_messages.push(message_id);
                    channel_message_sources.extend(source);
                }
            }
            if operation.message_sources.len() != operation.messages.len() {
                operation.message_sources.clear();
            }
            operations.push(operation);
        }
        if channel_message_sources.len() != channel_messages.len() {
            channel_message_sources.clear();
        }
        channels.push(Channel {
            source: channel_source,
            message_sources: channel_message_sources,
            id: address.clone(),
            address: Some(address.clone()),
            title: None,
            description: text(channel, "description"),
            parameters: entries(channel.get("parameters"))
                .map(|(name, p)| {
                    let source = source_at(
                        documents,
                        &channel_file,
                        &child_pointer(&child_pointer(&channel_pointer, "parameters"), name),
                    );
                    parameter(documents, copier, &channel_file, name, p, "channel", source)
                })
                .collect(),
            messages: channel_messages,
            servers: strings(channel.get("servers")),
            bindings: copier.value(channel.get("bindings")),
        });
    }
    for (id, raw) in entries(root.pointer("/components/messages")) {
        let source = source_at(documents, file, &child_pointer("/components/messages", id));
        add_message(&mut messages, id, || {
            message(
                documents,
                copier,
                file,
                id,
                raw,
                default_content_type,
                source,
            )
        });
    }
    Model {
        kind: detected.kind,
        spec_version: detected.version.clone(),
        info: info_of(root),
        tags: tags_of(root.get("tags")),
        servers: servers(documents, copier, file, root, false),
        channels,
        operations,
        messages,
        schemas: component_schemas(root, copier),
        webhooks: Vec::new(),
        security_schemes: security_schemes(documents, file, root),
    }
}

/// The sources of the `count` items of the list `key` under `parent`, each followed
/// through its `$ref`; empty when one of them cannot be located.
fn listed_sources(documents: &Documents, parent: &Source, key: &str, count: usize) -> Vec<Source> {
    let list = child_pointer(&parent.pointer, key);
    (0..count)
        .map(|index| source_at(documents, &parent.file, &format!("{list}/{index}")))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}
