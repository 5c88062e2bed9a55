//! AsyncAPI 2.x (2.0-2.6) -> 3.0 conversion, with the semantics of the official
//! converter (asyncapi/converter-js, application point of view): a v2 `subscribe`
//! operation means the application sends (`action: send`), `publish` means it receives
//! (`action: receive`). Channels are keyed by id (`x-channelId`, else the v2 address)
//! and carry `address`; operations leave the channels and keep their `operationId` as
//! key; messages move into the channel's `messages` and operations point at them there;
//! server `url`s split into `host`, `pathname` and `protocol`; parameters lose their
//! schema; security requirements become references to schemes; root tags and external
//! docs move into `info`; local `$ref`s to moved objects are rewritten.
//!
//! The conversion works on one tree. References to other files stay as they are, so a
//! multi-file project should be bundled first (see [`crate::Documents::bundled`]).

use serde_json::{Map, Value};

use crate::diagnostic::escape_token;
use crate::refs::{Target, fragment_ref, resolve_target};

/// Converts an AsyncAPI 2.x document to AsyncAPI 3.0.0. Errors say why the input is not
/// convertible (not AsyncAPI 2.x, not a mapping).
pub fn convert_asyncapi_to_v3(document: &Value) -> Result<Value, String> {
    let Some(root) = document.as_object() else {
        return Err("The document is not a mapping, so it is not an AsyncAPI document.".into());
    };
    let version = match root.get("asyncapi") {
        Some(Value::String(version)) => version.as_str(),
        Some(_) => return Err("The `asyncapi` field must be a version string.".into()),
        None if root.contains_key("openapi") || root.contains_key("swagger") => {
            return Err("This is an OpenAPI document; only AsyncAPI 2.x converts to 3.0.".into());
        }
        None => return Err("The document has no `asyncapi` field.".into()),
    };
    if !version.starts_with("2.") {
        return Err(format!(
            "The document is AsyncAPI {version}; only AsyncAPI 2.x (2.0-2.6) converts to 3.0."
        ));
    }
    let mut converter = Converter {
        original: document,
        moves: Vec::new(),
    };
    let mut out = root.clone();
    out.insert("asyncapi".into(), Value::String("3.0.0".into()));
    converter.info(&mut out);
    if let Some(Value::Object(servers)) = out.get_mut("servers") {
        converter.servers(servers);
    }
    let mut operations = match out.remove("operations") {
        Some(Value::Object(existing)) => existing,
        _ => Map::new(),
    };
    if let Some(Value::Object(channels)) = out.remove("channels") {
        let channels = converter.channels(channels, &["channels"], &mut operations);
        out.insert("channels".into(), Value::Object(channels));
    }
    if !operations.is_empty() {
        out.insert("operations".into(), Value::Object(operations));
    }
    if let Some(Value::Object(mut components)) = out.remove("components") {
        converter.components(&mut components);
        out.insert("components".into(), Value::Object(components));
    }
    let mut converted = Value::Object(sorted(
        out,
        &[
            "asyncapi",
            "id",
            "info",
            "defaultContentType",
            "servers",
            "channels",
            "operations",
            "components",
        ],
    ));
    converter.upgrade_bindings(&mut converted);
    converter.rewrite_refs(&mut converted);
    Ok(converted)
}

struct Converter<'a> {
    /// The v2 document, for looking up what references point at.
    original: &'a Value,
    /// (old pointer, new pointer), decoded JSON pointers: where things moved.
    moves: Vec<(String, String)>,
}

/// A JSON pointer from plain tokens.
fn pointer(tokens: &[&str]) -> String {
    tokens
        .iter()
        .map(|token| format!("/{}", escape_token(token)))
        .collect()
}

/// A `{"$ref": "#..."}` to `tokens`.
fn reference(tokens: &[&str]) -> Value {
    let mut map = Map::new();
    map.insert("$ref".into(), Value::String(fragment_ref(&pointer(tokens))));
    Value::Object(map)
}

fn is_ref(value: &Value) -> bool {
    value.get("$ref").is_some()
}

/// `map` with `first` keys in that order, then the rest as they were.
fn sorted(mut map: Map<String, Value>, first: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for key in first {
        if let Some(value) = map.remove(*key) {
            out.insert((*key).to_owned(), value);
        }
    }
    out.extend(map);
    out
}

/// A key not yet in `taken`: `base`, else `base_2`, `base_3`, …
fn unique_key(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_owned())
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

impl Converter<'_> {
    /// Follows a local reference in the v2 document.
    fn lookup<'v>(&'v self, value: &'v Value) -> &'v Value {
        let mut current = value;
        for _ in 0..32 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return current;
            };
            match resolve_target("", reference) {
                Ok(Target::Local { file, pointer }) if file.is_empty() => {
                    match self.original.pointer(&pointer) {
                        Some(next) => current = next,
                        None => return current,
                    }
                }
                _ => return current,
            }
        }
        current
    }

    /// Root `tags` and `externalDocs` move into `info`.
    fn info(&mut self, root: &mut Map<String, Value>) {
        let mut info = match root.remove("info") {
            Some(Value::Object(info)) => info,
            Some(other) => {
                root.insert("info".into(), other);
                return;
            }
            None => Map::new(),
        };
        for key in ["tags", "externalDocs"] {
            if let Some(value) = root.remove(key) {
                info.insert(key.into(), value);
                self.moves.push((pointer(&[key]), pointer(&["info", key])));
            }
        }
        let info = sorted(
            info,
            &[
                "title",
                "version",
                "description",
                "termsOfService",
                "contact",
                "license",
                "tags",
                "externalDocs",
            ],
        );
        root.insert("info".into(), Value::Object(info));
    }

    fn servers(&self, servers: &mut Map<String, Value>) {
        for server in servers.values_mut() {
            if let Value::Object(fields) = server
                && !fields.contains_key("$ref")
            {
                *server = Value::Object(self.server(std::mem::take(fields)));
            }
        }
    }

    /// `url` becomes `host` (+ `pathname`, + `protocol` when the URL names one and the
    /// server does not); security requirements become scheme references.
    fn server(&self, mut server: Map<String, Value>) -> Map<String, Value> {
        if let Some(Value::String(url)) = server.remove("url") {
            let (scheme, rest) = match url.split_once("://") {
                Some((scheme, rest)) => (Some(scheme), rest),
                None => (None, url.as_str()),
            };
            let (host, pathname) = match rest.split_once('/') {
                Some((host, path)) => (host, Some(format!("/{path}"))),
                None => (rest, None),
            };
            server.insert("host".into(), Value::String(host.to_owned()));
            if let Some(pathname) = pathname {
                server.insert("pathname".into(), Value::String(pathname));
            }
            if let Some(scheme) = scheme
                && !server.contains_key("protocol")
            {
                server.insert("protocol".into(), Value::String(scheme.to_owned()));
            }
        }
        if let Some(security) = server.remove("security") {
            server.insert("security".into(), self.security(&security));
        }
        sorted(
            server,
            &[
                "host",
                "pathname",
                "protocol",
                "protocolVersion",
                "title",
                "summary",
                "description",
                "variables",
                "security",
                "tags",
                "externalDocs",
                "bindings",
            ],
        )
    }

    /// v2 requirements (`[{name: [scopes]}]`) to v3 schemes: a reference when no scopes
    /// are required, else a copy of the OAuth2/OpenID Connect scheme with `scopes`.
    fn security(&self, requirements: &Value) -> Value {
        let mut schemes = Vec::new();
        for requirement in requirements.as_array().into_iter().flatten() {
            for (name, scopes) in requirement.as_object().into_iter().flatten() {
                let scopes = scopes.as_array().cloned().unwrap_or_default();
                let scheme = self
                    .original
                    .pointer(&pointer(&["components", "securitySchemes", name]))
                    .map(|scheme| self.lookup(scheme));
                let scoped_type = scheme
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .is_some_and(|t| t == "oauth2" || t == "openIdConnect");
                match scheme {
                    Some(scheme) if !scopes.is_empty() && scoped_type && !is_ref(scheme) => {
                        let mut copy = security_scheme(scheme.clone());
                        if let Value::Object(fields) = &mut copy {
                            fields.insert("scopes".into(), Value::Array(scopes));
                        }
                        schemes.push(copy);
                    }
                    _ => schemes.push(reference(&["components", "securitySchemes", name])),
                }
            }
        }
        Value::Array(schemes)
    }

    fn channels(
        &mut self,
        channels: Map<String, Value>,
        base: &[&str],
        operations: &mut Map<String, Value>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for (address, channel) in channels {
            let id = channel
                .get("x-channelId")
                .and_then(Value::as_str)
                .filter(|_| !is_ref(&channel))
                .unwrap_or(&address)
                .to_owned();
            let id = unique_key(&id, |k| out.contains_key(k));
            let old_path = [base, &[address.as_str()]].concat();
            let new_path = [base, &[id.as_str()]].concat();
            self.moves.push((pointer(&old_path), pointer(&new_path)));
            let Value::Object(fields) = channel else {
                out.insert(id, channel);
                continue;
            };
            if fields.contains_key("$ref") {
                out.insert(id, Value::Object(fields));
                continue;
            }
            let converted = self.channel(fields, &address, &id, base, operations);
            out.insert(id, Value::Object(converted));
        }
        out
    }

    fn channel(
        &mut self,
        mut channel: Map<String, Value>,
        address: &str,
        id: &str,
        base: &[&str],
        operations: &mut Map<String, Value>,
    ) -> Map<String, Value> {
        let in_components = base.first() == Some(&"components");
        channel.insert("address".into(), Value::String(address.to_owned()));
        if let Some(Value::Array(servers)) = channel.remove("servers") {
            let refs = servers
                .iter()
                .map(|name| reference(&["servers", &text(name)]))
                .collect();
            channel.insert("servers".into(), Value::Array(refs));
        }
        if let Some(Value::Object(parameters)) = channel.remove("parameters") {
            channel.insert("parameters".into(), self.parameters(parameters));
        }
        if let Some(deprecated) = channel.remove("deprecated") {
            // v3 channels have no `deprecated`; keep what the author wrote.
            channel.insert("x-deprecated".into(), deprecated);
        }
        let mut messages = Map::new();
        for kind in ["publish", "subscribe"] {
            let Some(Value::Object(operation)) = channel.remove(kind) else {
                continue;
            };
            let old_path = [base, &[address, kind]].concat();
            let (operation_id, converted) =
                self.operation(operation, kind, id, base, &old_path, &mut messages, |k| {
                    operations.contains_key(k)
                });
            let mut operation_path: Vec<&str> = if in_components {
                vec!["components", "operations"]
            } else {
                vec!["operations"]
            };
            operation_path.push(&operation_id);
            self.moves
                .push((pointer(&old_path), pointer(&operation_path)));
            // Operations of channels kept in components wait there, like the official
            // converter does; root channels' operations are the application's.
            operations.insert(operation_id, Value::Object(converted));
        }
        if !messages.is_empty() {
            channel.insert("messages".into(), Value::Object(messages));
        }
        sorted(
            channel,
            &[
                "address",
                "messages",
                "title",
                "summary",
                "description",
                "servers",
                "parameters",
                "tags",
                "externalDocs",
                "bindings",
            ],
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        mut operation: Map<String, Value>,
        kind: &str,
        channel_id: &str,
        base: &[&str],
        old_path: &[&str],
        channel_messages: &mut Map<String, Value>,
        taken: impl Fn(&str) -> bool,
    ) -> (String, Map<String, Value>) {
        let operation_id = match operation.remove("operationId") {
            Some(Value::String(id)) if !id.is_empty() => id,
            _ => format!("{channel_id}.{kind}"),
        };
        let operation_id = unique_key(&operation_id, taken);
        // v2 `publish`: others publish to the application, which receives.
        let action = if kind == "publish" { "receive" } else { "send" };
        operation.insert("action".into(), Value::String(action.into()));
        let channel_path = [base, &[channel_id]].concat();
        operation.insert("channel".into(), reference(&channel_path));
        if let Some(message) = operation.remove("message") {
            let message_path = [old_path, &["message"]].concat();
            let mut refs = Vec::new();
            let items: Vec<(Value, Vec<String>, Option<usize>)> = match message {
                Value::Object(mut fields)
                    if !fields.contains_key("$ref")
                        && matches!(fields.get("oneOf"), Some(Value::Array(_))) =>
                {
                    let Some(Value::Array(items)) = fields.remove("oneOf") else {
                        unreachable!("checked above")
                    };
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let mut path: Vec<String> =
                                message_path.iter().map(|s| (*s).to_owned()).collect();
                            path.push("oneOf".into());
                            path.push(index.to_string());
                            (item, path, Some(index))
                        })
                        .collect()
                }
                single => {
                    let path = message_path.iter().map(|s| (*s).to_owned()).collect();
                    vec![(single, path, None)]
                }
            };
            for (item, old_message_path, index) in items {
                let wanted = self.message_id(&item, &operation_id, index);
                let item = if is_ref(&item) {
                    item
                } else {
                    convert_message(item)
                };
                let key = match channel_messages.get(&wanted) {
                    Some(existing) if *existing == item => wanted,
                    None => wanted,
                    Some(_) => unique_key(&wanted, |k| channel_messages.contains_key(k)),
                };
                let new_path = [&channel_path[..], &["messages", key.as_str()]].concat();
                let old: Vec<&str> = old_message_path.iter().map(String::as_str).collect();
                self.moves.push((pointer(&old), pointer(&new_path)));
                refs.push(reference(&new_path));
                channel_messages.insert(key, item);
            }
            operation.insert("messages".into(), Value::Array(refs));
        }
        if let Some(security) = operation.remove("security") {
            operation.insert("security".into(), self.security(&security));
        }
        if let Some(Value::Array(traits)) = operation.remove("traits") {
            let traits = traits
                .into_iter()
                .map(|t| self.operation_trait(t))
                .collect();
            operation.insert("traits".into(), Value::Array(traits));
        }
        let operation = sorted(
            operation,
            &[
                "action",
                "channel",
                "title",
                "summary",
                "description",
                "security",
                "tags",
                "externalDocs",
                "bindings",
                "traits",
                "messages",
            ],
        );
        (operation_id, operation)
    }

    /// A message's key in its channel: its `messageId`, else the name of the component
    /// it references, else `<operationId>.message[.<index>]`.
    fn message_id(&self, message: &Value, operation_id: &str, index: Option<usize>) -> String {
        let target = self.lookup(message);
        if let Some(id) = target.get("messageId").and_then(Value::as_str) {
            return id.to_owned();
        }
        if let Some(reference) = message.get("$ref").and_then(Value::as_str)
            && let Some(name) = reference.strip_prefix("#/components/messages/")
            && !name.contains('/')
        {
            if let Ok(Target::Local { pointer, .. }) = resolve_target("", reference) {
                let name = pointer.rsplit('/').next().unwrap_or(name);
                return name.replace("~1", "/").replace("~0", "~");
            }
            return name.to_owned();
        }
        match index {
            Some(index) => format!("{operation_id}.message.{index}"),
            None => format!("{operation_id}.message"),
        }
    }

    fn operation_trait(&self, operation_trait: Value) -> Value {
        let Value::Object(mut fields) = operation_trait else {
            return operation_trait;
        };
        if fields.contains_key("$ref") {
            return Value::Object(fields);
        }
        // The operation's key is its id in v3; a trait cannot set it.
        fields.remove("operationId");
        if let Some(security) = fields.remove("security") {
            fields.insert("security".into(), self.security(&security));
        }
        Value::Object(fields)
    }

    /// v2 parameters hold a schema; v3 ones hold its `enum`, `default` and `examples`
    /// (as strings, since addresses are text), and keep description and location.
    fn parameters(&self, parameters: Map<String, Value>) -> Value {
        Value::Object(
            parameters
                .into_iter()
                .map(|(name, parameter)| (name, self.parameter(parameter)))
                .collect(),
        )
    }

    fn parameter(&self, parameter: Value) -> Value {
        let Value::Object(fields) = parameter else {
            return parameter;
        };
        if fields.contains_key("$ref") {
            return Value::Object(fields);
        }
        let schema = fields.get("schema").map(|s| self.lookup(s));
        let mut out = Map::new();
        for (key, value) in &fields {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        let strings = |value: &Value| -> Option<Value> {
            let items = value.as_array()?;
            Some(Value::Array(
                items.iter().map(|v| Value::String(text(v))).collect(),
            ))
        };
        if let Some(values) = schema.and_then(|s| s.get("enum")).and_then(strings) {
            out.insert("enum".into(), values);
        }
        if let Some(default) = schema.and_then(|s| s.get("default")) {
            out.insert("default".into(), Value::String(text(default)));
        }
        let description = fields
            .get("description")
            .or_else(|| schema.and_then(|s| s.get("description")));
        if let Some(description) = description {
            out.insert("description".into(), description.clone());
        }
        if let Some(values) = schema.and_then(|s| s.get("examples")).and_then(strings) {
            out.insert("examples".into(), values);
        }
        if let Some(location) = fields.get("location") {
            out.insert("location".into(), location.clone());
        }
        Value::Object(out)
    }

    /// Components: channels (with their operations), servers, security schemes,
    /// messages, parameters and traits in their v3 shapes.
    fn components(&mut self, components: &mut Map<String, Value>) {
        if let Some(Value::Object(servers)) = components.get_mut("servers") {
            self.servers(servers);
        }
        if let Some(Value::Object(channels)) = components.remove("channels") {
            let mut operations = match components.remove("operations") {
                Some(Value::Object(existing)) => existing,
                _ => Map::new(),
            };
            let channels = self.channels(channels, &["components", "channels"], &mut operations);
            components.insert("channels".into(), Value::Object(channels));
            if !operations.is_empty() {
                components.insert("operations".into(), Value::Object(operations));
            }
        }
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            for scheme in schemes.values_mut() {
                *scheme = security_scheme(std::mem::take(scheme));
            }
        }
        if let Some(Value::Object(messages)) = components.get_mut("messages") {
            for message in messages.values_mut() {
                *message = convert_message(std::mem::take(message));
            }
        }
        if let Some(Value::Object(traits)) = components.get_mut("messageTraits") {
            for message_trait in traits.values_mut() {
                *message_trait = convert_message_trait(std::mem::take(message_trait));
            }
        }
        if let Some(Value::Object(traits)) = components.get_mut("operationTraits") {
            for operation_trait in traits.values_mut() {
                *operation_trait = self.operation_trait(std::mem::take(operation_trait));
            }
        }
        if let Some(Value::Object(parameters)) = components.remove("parameters") {
            components.insert("parameters".into(), self.parameters(parameters));
        }
    }

    /// Bindings in their v3-era shape: a protocol's binding is an object, not a
    /// reference (v2 documents could point at one), and HTTP operation bindings have no
    /// `type` (removed in HTTP bindings 0.2.0; the operation's action says it).
    fn upgrade_bindings(&self, root: &mut Value) {
        let mut sites: Vec<(&mut Value, BindingKind)> = Vec::new();
        let Value::Object(root) = root else {
            return;
        };
        let (mut servers, mut channels, mut operations, mut components) = (None, None, None, None);
        for (key, value) in root.iter_mut() {
            match key.as_str() {
                "servers" => servers = Some(value),
                "channels" => channels = Some(value),
                "operations" => operations = Some(value),
                "components" => components = Some(value),
                _ => {}
            }
        }
        collect_bindings(servers, BindingKind::Server, &mut sites);
        collect_bindings(channels, BindingKind::Channel, &mut sites);
        collect_bindings(operations, BindingKind::Operation, &mut sites);
        if let Some(Value::Object(components)) = components {
            for (key, value) in components.iter_mut() {
                let (kind, direct) = match key.as_str() {
                    "servers" => (BindingKind::Server, false),
                    "channels" => (BindingKind::Channel, false),
                    "operations" => (BindingKind::Operation, false),
                    "messages" => (BindingKind::Message, false),
                    "operationTraits" => (BindingKind::Operation, false),
                    "messageTraits" => (BindingKind::Message, false),
                    "serverBindings" => (BindingKind::Server, true),
                    "channelBindings" => (BindingKind::Channel, true),
                    "operationBindings" => (BindingKind::Operation, true),
                    "messageBindings" => (BindingKind::Message, true),
                    _ => continue,
                };
                if direct {
                    if let Value::Object(map) = value {
                        sites.extend(map.values_mut().map(|b| (b, kind)));
                    }
                } else {
                    collect_bindings(Some(value), kind, &mut sites);
                }
            }
        }
        for (bindings, kind) in sites {
            let Value::Object(protocols) = bindings else {
                continue;
            };
            for (protocol, binding) in protocols.iter_mut() {
                if protocol.starts_with("x-") || protocol == "$ref" {
                    continue;
                }
                if let Some(reference) = binding.get("$ref").and_then(Value::as_str) {
                    let in_bindings_components = ["server", "channel", "operation", "message"]
                        .iter()
                        .any(|k| reference.starts_with(&format!("#/components/{k}Bindings/")));
                    let target = self.lookup(binding);
                    // Components hold whole Bindings Objects (keyed by protocol); a
                    // protocol's binding that points at one means its entry.
                    *binding = match target.get(protocol.as_str()) {
                        Some(inner) if in_bindings_components => inner.clone(),
                        _ => target.clone(),
                    };
                }
                if kind == BindingKind::Operation
                    && protocol == "http"
                    && let Value::Object(fields) = binding
                    && fields.remove("type").is_some()
                    && fields.get("bindingVersion").and_then(Value::as_str) == Some("0.1.0")
                {
                    fields.remove("bindingVersion");
                }
            }
        }
    }

    /// Rewrites local references to moved objects (the longest moved prefix wins).
    fn rewrite_refs(&self, value: &mut Value) {
        let mut pending = vec![value];
        while let Some(value) = pending.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(text)) = map.get_mut("$ref")
                        && let Some(rewritten) = self.rewritten(text)
                    {
                        *text = rewritten;
                    }
                    pending.extend(map.values_mut());
                }
                Value::Array(items) => pending.extend(items.iter_mut()),
                _ => {}
            }
        }
    }

    fn rewritten(&self, text: &str) -> Option<String> {
        if !text.starts_with('#') {
            return None;
        }
        let Ok(Target::Local { pointer: old, .. }) = resolve_target("", text) else {
            return None;
        };
        let (from, to) = self
            .moves
            .iter()
            .filter(|(from, _)| {
                old == *from
                    || (old.starts_with(from.as_str()) && old[from.len()..].starts_with('/'))
            })
            .max_by_key(|(from, _)| from.len())?;
        let new_pointer = format!("{to}{}", &old[from.len()..]);
        if new_pointer == old {
            return None;
        }
        Some(fragment_ref(&new_pointer))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindingKind {
    Server,
    Channel,
    Operation,
    Message,
}

/// The `bindings` of every object in a map of `kind` objects (and, for channels, of
/// their messages; for operations and messages, of their traits).
fn collect_bindings<'v>(
    map: Option<&'v mut Value>,
    kind: BindingKind,
    sites: &mut Vec<(&'v mut Value, BindingKind)>,
) {
    let Some(Value::Object(map)) = map else {
        return;
    };
    for object in map.values_mut() {
        let Value::Object(fields) = object else {
            continue;
        };
        for (key, value) in fields.iter_mut() {
            match key.as_str() {
                "bindings" => sites.push((value, kind)),
                "messages" if kind == BindingKind::Channel => {
                    collect_bindings(Some(value), BindingKind::Message, sites);
                }
                "traits" => {
                    if let Value::Array(traits) = value {
                        for item in traits.iter_mut() {
                            if let Value::Object(fields) = item
                                && let Some(bindings) = fields.get_mut("bindings")
                            {
                                sites.push((bindings, kind));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// OAuth2 flows name their scopes `availableScopes` in v3.
fn security_scheme(scheme: Value) -> Value {
    let Value::Object(mut fields) = scheme else {
        return scheme;
    };
    if let Some(Value::Object(flows)) = fields.get_mut("flows") {
        for flow in flows.values_mut() {
            if let Value::Object(flow) = flow
                && let Some(scopes) = flow.remove("scopes")
            {
                flow.insert("availableScopes".into(), scopes);
            }
        }
    }
    Value::Object(fields)
}

/// A v2 message in its v3 shape: no `messageId` (the key is the id), a non-default
/// `schemaFormat` wrapped with the payload into a multi-format schema, examples as
/// Message Example Objects, traits without v2-only fields.
fn convert_message(message: Value) -> Value {
    let Value::Object(mut fields) = message else {
        return message;
    };
    if fields.contains_key("$ref") {
        return Value::Object(fields);
    }
    fields.remove("messageId");
    if let Some(format) = fields.remove("schemaFormat")
        && let Some(payload) = fields.remove("payload")
    {
        let mut schema = Map::new();
        schema.insert("schemaFormat".into(), format);
        schema.insert("schema".into(), payload);
        fields.insert("payload".into(), Value::Object(schema));
    }
    if let Some(Value::Array(examples)) = fields.remove("examples") {
        let examples = examples.into_iter().map(convert_example).collect();
        fields.insert("examples".into(), Value::Array(examples));
    }
    if let Some(Value::Array(traits)) = fields.remove("traits") {
        let traits = traits.into_iter().map(convert_message_trait).collect();
        fields.insert("traits".into(), Value::Array(traits));
    }
    Value::Object(fields)
}

fn convert_message_trait(message_trait: Value) -> Value {
    let Value::Object(mut fields) = message_trait else {
        return message_trait;
    };
    if !fields.contains_key("$ref") {
        fields.remove("messageId");
        fields.remove("schemaFormat");
        if let Some(Value::Array(examples)) = fields.remove("examples") {
            let examples = examples.into_iter().map(convert_example).collect();
            fields.insert("examples".into(), Value::Array(examples));
        }
    }
    Value::Object(fields)
}

/// AsyncAPI 2.0 examples were free-form objects; v3 wants `{headers?, payload?, name?,
/// summary?}`. Anything else is taken to be the payload.
fn convert_example(example: Value) -> Value {
    let is_example_object = example.as_object().is_some_and(|fields| {
        (fields.contains_key("payload") || fields.contains_key("headers"))
            && fields
                .keys()
                .all(|k| matches!(k.as_str(), "name" | "summary" | "headers" | "payload"))
    });
    if is_example_object {
        return example;
    }
    let mut wrapped = Map::new();
    wrapped.insert("payload".into(), example);
    Value::Object(wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Input, analyze};
    use serde_json::json;

    fn convert_yaml(text: &str) -> Value {
        let (value, _) = crate::parse::parse_text(text, &crate::Limits::default()).unwrap();
        convert_asyncapi_to_v3(&value).unwrap()
    }

    #[test]
    fn splits_channels_into_channels_and_operations() {
        let v3 = convert_yaml(
            r#"
asyncapi: 2.6.0
info: {title: Shop, version: '1.0'}
tags: [{name: shop}]
servers:
  prod: {url: 'mqtt://broker.test:1883/base', protocol: mqtt}
channels:
  order/{orderId}/created:
    parameters:
      orderId: {description: Order id, schema: {type: string, enum: [a, b]}}
    subscribe:
      operationId: sendOrderCreated
      message: {$ref: '#/components/messages/OrderCreated'}
    publish:
      message:
        oneOf:
          - messageId: cancel
            payload: {type: object}
          - name: noId
            payload: {type: string}
components:
  messages:
    OrderCreated:
      messageId: orderCreated
      payload: {$ref: '#/components/schemas/Order'}
  schemas:
    Order: {type: object}
"#,
        );
        assert_eq!(v3["asyncapi"], "3.0.0");
        assert_eq!(v3["info"]["tags"], json!([{"name": "shop"}]));
        assert_eq!(
            v3["servers"]["prod"],
            json!({"host": "broker.test:1883", "pathname": "/base", "protocol": "mqtt"})
        );
        let channel = &v3["channels"]["order/{orderId}/created"];
        assert_eq!(channel["address"], "order/{orderId}/created");
        assert_eq!(
            channel["parameters"]["orderId"],
            json!({"enum": ["a", "b"], "description": "Order id"})
        );
        assert_eq!(
            channel["messages"]["orderCreated"],
            json!({"$ref": "#/components/messages/OrderCreated"})
        );
        assert_eq!(
            channel["messages"]["cancel"]["payload"],
            json!({"type": "object"})
        );
        let send = &v3["operations"]["sendOrderCreated"];
        assert_eq!(send["action"], "send");
        assert_eq!(
            send["channel"]["$ref"],
            "#/channels/order~1%7BorderId%7D~1created"
        );
        assert_eq!(
            send["messages"][0]["$ref"],
            "#/channels/order~1%7BorderId%7D~1created/messages/orderCreated"
        );
        let receive = &v3["operations"]["order/{orderId}/created.publish"];
        assert_eq!(receive["action"], "receive");
        assert_eq!(receive["messages"].as_array().unwrap().len(), 2);
        assert!(
            v3["components"]["messages"]["OrderCreated"]
                .get("messageId")
                .is_none()
        );

        let text = crate::to_yaml(&v3);
        let analysis = analyze(&Input::single("v3.yaml", &text));
        assert!(
            !analysis.has_errors(),
            "{:#?}\n{text}",
            analysis.diagnostics
        );
    }

    #[test]
    fn converts_security_and_rewrites_moved_refs() {
        let v3 = convert_yaml(
            r#"
asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  s:
    url: ws.test
    protocol: ws
    security: [{oauth: [write]}, {key: []}]
channels:
  a:
    x-channelId: alpha
    subscribe:
      message:
        payload: {type: object, properties: {n: {type: integer}}}
  b:
    publish:
      message:
        payload: {$ref: '#/channels/a/subscribe/message/payload'}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: 'https://auth.test/token', scopes: {write: Write}}
    key: {type: httpApiKey, name: key, in: header}
"#,
        );
        assert_eq!(v3["servers"]["s"]["host"], "ws.test");
        let security = &v3["servers"]["s"]["security"];
        assert_eq!(security[0]["scopes"], json!(["write"]));
        assert_eq!(
            security[0]["flows"]["clientCredentials"]["availableScopes"],
            json!({"write": "Write"})
        );
        assert_eq!(
            security[1],
            json!({"$ref": "#/components/securitySchemes/key"})
        );
        assert_eq!(v3["operations"]["alpha.subscribe"]["action"], "send");
        assert_eq!(
            v3["channels"]["b"]["messages"]["b.publish.message"]["payload"]["$ref"],
            "#/channels/alpha/messages/alpha.subscribe.message/payload"
        );
        let analysis = analyze(&Input::single("v3.json", &crate::to_json(&v3)));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    }

    #[test]
    fn refuses_what_is_not_asyncapi_2() {
        assert!(
            convert_asyncapi_to_v3(&json!({"asyncapi": "3.0.0"}))
                .unwrap_err()
                .contains("only AsyncAPI 2.x")
        );
        assert!(
            convert_asyncapi_to_v3(&json!({"openapi": "3.1.0"}))
                .unwrap_err()
                .contains("OpenAPI")
        );
        assert!(convert_asyncapi_to_v3(&json!([1])).is_err());
    }
}
