//! The rules a JSON Schema cannot express: duplicate tags, operation ids and `required`
//! entries; path template and channel address parameters; AsyncAPI 3 operations that
//! must use their channel and its messages; security requirements that name no scheme;
//! message examples that do not match their payload schema.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::detect::{Detected, Kind, SchemaId};
use crate::diagnostic::{Diagnostic, escape_token};
use crate::model::{InlineBudget, inline_schema};
use crate::path::{Path, Token};
use crate::refs::{Documents, Target, is_scalar, resolve_target};

/// The rules about one file on its own: duplicate tags and `required` entries.
pub fn check_file(file: &str, value: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk_generic(file, value, &mut out);
    out
}

/// Runs every rule that applies to the document's kind and version, and the file rules
/// of every project file but the main one (the caller checks that with [`check_file`]).
/// Schemas inlined to check examples spend the analysis' `budget`.
pub fn check(detected: &Detected, documents: &Documents, budget: &InlineBudget) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, loaded) in &documents.files {
        // Published assets' documents were checked when they were published.
        if *file != documents.main && !crate::dependency::is_dependency(file) {
            walk_generic(file, &loaded.value, &mut out);
        }
    }
    let file = documents.main.as_str();
    let Some(root) = documents.get(file, "") else {
        return out;
    };
    match detected.kind {
        Kind::OpenApi => {
            if matches!(detected.schema, SchemaId::OpenApi3_1 | SchemaId::OpenApi3_2) {
                crate::dialect::check_schema_objects(file, root, &mut out);
            }
            openapi_operation_ids(documents, file, root, &mut out);
            openapi_path_parameters(documents, file, root, &mut out);
            openapi_security(root, file, &mut out);
        }
        Kind::AsyncApi if detected.major == 3 => {
            asyncapi3_operations(documents, file, root, &mut out);
            channel_address_parameters(documents, file, root, true, &mut out);
            message_examples(documents, budget, file, root, &mut out);
        }
        Kind::AsyncApi => {
            asyncapi2_operation_ids(documents, file, root, &mut out);
            channel_address_parameters(documents, file, root, false, &mut out);
            message_examples(documents, budget, file, root, &mut out);
        }
    }
    out
}

/// Duplicate tag names and duplicate `required` entries anywhere in a file.
fn walk_generic(file: &str, root: &Value, out: &mut Vec<Diagnostic>) {
    let mut path = Path::default();
    // (value, depth of its parent, its token)
    let mut pending: Vec<(&Value, usize, Option<Token>)> = vec![(root, 0, None)];
    while let Some((value, depth, token)) = pending.pop() {
        path.enter(depth, token);
        let depth = path.depth();
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if matches!(
                        key.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    ) || key.starts_with("x-")
                    {
                        continue;
                    }
                    if key == "tags" {
                        let pointer = path.pointer_with(&[Token::Key(key)]);
                        duplicate_names(file, &pointer, child, "tag", out);
                    }
                    if key == "required"
                        && let Some(items) = child.as_array()
                    {
                        let mut seen = BTreeSet::new();
                        for (index, item) in items.iter().enumerate() {
                            if let Some(name) = item.as_str()
                                && !seen.insert(name)
                            {
                                out.push(Diagnostic::error(
                                    file,
                                    path.pointer_with(&[Token::Key(key), Token::Index(index)]),
                                    format!("{name:?} is listed twice in `required`."),
                                ));
                            }
                        }
                    }
                    if !is_scalar(child) {
                        pending.push((child, depth, Some(Token::Key(key))));
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    if !is_scalar(item) {
                        pending.push((item, depth, Some(Token::Index(index))));
                    }
                }
            }
            _ => {}
        }
    }
}

fn duplicate_names(file: &str, pointer: &str, list: &Value, what: &str, out: &mut Vec<Diagnostic>) {
    let Some(items) = list.as_array() else { return };
    let mut seen = BTreeSet::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(name) = item.get("name").and_then(Value::as_str)
            && !seen.insert(name)
        {
            out.push(Diagnostic::error(
                file,
                format!("{pointer}/{index}"),
                format!("The {what} {name:?} appears twice; {what} names must be unique."),
            ));
        }
    }
}

fn objects(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter())
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn openapi_operation_ids(
    documents: &Documents,
    file: &str,
    root: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for section in ["paths", "webhooks"] {
        for (path, raw) in objects(root.get(section)) {
            let Some((_, item)) = documents.deref(file, raw) else {
                continue;
            };
            for method in METHODS {
                let Some(id) = item
                    .get(method)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let pointer = format!("/{section}/{}/{method}/operationId", escape_token(path));
                if let Some(first) = seen.get(id) {
                    out.push(Diagnostic::error(file, pointer, format!("operationId {id:?} is already used at {first}; operation ids must be unique.")));
                } else {
                    seen.insert(id.to_owned(), format!("{} {path}", method.to_uppercase()));
                }
            }
        }
    }
}

fn template_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        names.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    names
}

fn openapi_path_parameters(
    documents: &Documents,
    file: &str,
    root: &Value,
    out: &mut Vec<Diagnostic>,
) {
    for (path, raw) in objects(root.get("paths")) {
        let Some((item_file, item)) = documents.deref(file, raw) else {
            continue;
        };
        let names = template_names(path);
        let declared = |list: Option<&Value>| -> Vec<String> {
            list.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| documents.deref(&item_file, p))
                .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("path"))
                .filter_map(|(_, p)| p.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        };
        let shared = declared(item.get("parameters"));
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut all = shared.clone();
            all.extend(declared(op.get("parameters")));
            let op_pointer = format!("/paths/{}/{method}", escape_token(path));
            for name in &names {
                if !all.contains(name) {
                    out.push(Diagnostic::error(
                        file,
                        op_pointer.clone(),
                        format!("The path {path} has the template parameter {{{name}}}, but {} {path} declares no path parameter {name:?}.", method.to_uppercase()),
                    ));
                }
            }
            for name in &all {
                if !names.contains(name) {
                    out.push(Diagnostic::error(
                        file,
                        op_pointer.clone(),
                        format!(
                            "The path parameter {name:?} of {} {path} is not in the path template.",
                            method.to_uppercase()
                        ),
                    ));
                }
            }
        }
    }
}

fn openapi_security(root: &Value, file: &str, out: &mut Vec<Diagnostic>) {
    let defined: BTreeSet<&String> = objects(root.pointer("/components/securitySchemes"))
        .map(|(k, _)| k)
        .collect();
    let mut check = |pointer: String, list: Option<&Value>| {
        for (index, requirement) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (name, _) in objects(Some(requirement)) {
                if !defined.contains(name) {
                    out.push(Diagnostic::error(
                        file,
                        format!("{pointer}/{index}"),
                        format!("The security requirement names {name:?}, which is not in components.securitySchemes."),
                    ));
                }
            }
        }
    };
    check("/security".into(), root.get("security"));
    for (path, item) in objects(root.get("paths")) {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                check(
                    format!("/paths/{}/{method}/security", escape_token(path)),
                    op.get("security"),
                );
            }
        }
    }
}

fn asyncapi2_operation_ids(
    documents: &Documents,
    file: &str,
    root: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen = BTreeSet::new();
    for (address, raw) in objects(root.get("channels")) {
        let Some((_, channel)) = documents.deref(file, raw) else {
            continue;
        };
        for verb in ["publish", "subscribe"] {
            if let Some(id) = channel
                .get(verb)
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str)
                && !seen.insert(id.to_owned())
            {
                out.push(Diagnostic::error(
                    file,
                    format!("/channels/{}/{verb}/operationId", escape_token(address)),
                    format!(
                        "operationId {id:?} is used more than once; operation ids must be unique."
                    ),
                ));
            }
        }
    }
}

/// Where a local reference points, as `file#pointer`.
fn target_key(file: &str, reference: &str) -> Option<(String, String)> {
    match resolve_target(file, reference).ok()? {
        Target::Local { file, pointer } => Some((file, pointer)),
        Target::External(_) => None,
    }
}

fn asyncapi3_operations(
    documents: &Documents,
    file: &str,
    root: &Value,
    out: &mut Vec<Diagnostic>,
) {
    for (id, raw) in objects(root.get("operations")) {
        let Some((op_file, op)) = documents.deref(file, raw) else {
            continue;
        };
        let pointer = format!("/operations/{}", escape_token(id));
        let Some(channel_ref) = op
            .get("channel")
            .and_then(|c| c.get("$ref"))
            .and_then(Value::as_str)
        else {
            continue; // the schema reports a missing channel
        };
        let Some((channel_file, channel_pointer)) = target_key(&op_file, channel_ref) else {
            continue;
        };
        let is_channel = channel_file == documents.main
            && channel_pointer.starts_with("/channels/")
            && channel_pointer.matches('/').count() == 2;
        if !is_channel {
            out.push(Diagnostic::error(
                file,
                format!("{pointer}/channel"),
                format!("Operation {id:?} must reference a channel of this document (#/channels/…), not {channel_ref:?}."),
            ));
            continue;
        }
        let channel_messages = format!("{channel_pointer}/messages/");
        for (index, message) in op
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(reference) = message.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let belongs = target_key(&op_file, reference).is_some_and(|(f, p)| {
                f == channel_file
                    && p.starts_with(&channel_messages)
                    && p[channel_messages.len()..].split('/').count() == 1
            });
            if !belongs {
                out.push(Diagnostic::error(
                    file,
                    format!("{pointer}/messages/{index}"),
                    format!("Operation {id:?} may only use messages of its channel ({}…); {reference:?} is not one of them.", "#".to_owned() + &channel_messages),
                ));
            }
        }
    }
}

fn channel_address_parameters(
    documents: &Documents,
    file: &str,
    root: &Value,
    v3: bool,
    out: &mut Vec<Diagnostic>,
) {
    for (id, raw) in objects(root.get("channels")) {
        let Some((_, channel)) = documents.deref(file, raw) else {
            continue;
        };
        let address = if v3 {
            match channel.get("address").and_then(Value::as_str) {
                Some(address) => address.to_owned(),
                None => continue,
            }
        } else {
            id.clone()
        };
        let names = template_names(&address);
        let Some(parameters) = channel.get("parameters") else {
            // The spec demands that a parameters map list every expression; without a map
            // the address is still usable, but readers cannot know what to fill in.
            if !names.is_empty() {
                out.push(Diagnostic::warning(
                    file,
                    format!("/channels/{}", escape_token(id)),
                    format!("The channel address {address:?} has parameters ({}) but the channel describes none.", names.join(", ")),
                ));
            }
            continue;
        };
        let declared: Vec<&String> = objects(Some(parameters)).map(|(k, _)| k).collect();
        for name in names {
            if !declared.iter().any(|d| **d == name) {
                out.push(Diagnostic::error(
                    file,
                    format!("/channels/{}/parameters", escape_token(id)),
                    format!("The channel address {address:?} uses {{{name}}}, but the channel's parameters do not define {name:?}."),
                ));
            }
        }
    }
}

/// Message examples must match the message's payload (and headers) schema.
fn message_examples(
    documents: &Documents,
    budget: &InlineBudget,
    file: &str,
    root: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let mut messages: Vec<(String, String, &Value)> = Vec::new();
    for (name, raw) in objects(root.pointer("/components/messages")) {
        messages.push((
            file.to_owned(),
            format!("/components/messages/{}", escape_token(name)),
            raw,
        ));
    }
    for (id, raw) in objects(root.get("channels")) {
        let channel_pointer = format!("/channels/{}", escape_token(id));
        let Some(channel) = raw.as_object() else {
            continue;
        };
        for (name, message) in objects(channel.get("messages")) {
            messages.push((
                file.to_owned(),
                format!("{channel_pointer}/messages/{}", escape_token(name)),
                message,
            ));
        }
        for verb in ["publish", "subscribe"] {
            if let Some(message) = channel.get(verb).and_then(|op| op.get("message")) {
                if message.get("oneOf").is_some() {
                    for (index, item) in message["oneOf"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        messages.push((
                            file.to_owned(),
                            format!("{channel_pointer}/{verb}/message/oneOf/{index}"),
                            item,
                        ));
                    }
                } else {
                    messages.push((
                        file.to_owned(),
                        format!("{channel_pointer}/{verb}/message"),
                        message,
                    ));
                }
            }
        }
    }
    let mut checked = BTreeSet::new();
    for (message_file, pointer, raw) in messages {
        if raw.get("$ref").is_some() {
            continue; // checked where it is defined
        }
        if !checked.insert(pointer.clone()) {
            continue;
        }
        let Some(examples) = raw.get("examples").and_then(Value::as_array) else {
            continue;
        };
        let format = raw.get("schemaFormat").and_then(Value::as_str);
        let payload = raw.get("payload");
        let (payload_schema, format) = match payload {
            Some(p) if p.get("schemaFormat").is_some() && p.get("schema").is_some() => (
                p.get("schema"),
                p.get("schemaFormat").and_then(Value::as_str),
            ),
            other => (other, format),
        };
        if format.is_some_and(|f| !crate::payload::is_json_schema_format(f)) {
            continue;
        }
        for (part, schema) in [("payload", payload_schema), ("headers", raw.get("headers"))] {
            let Some(schema) = schema else { continue };
            let schema = inline_schema(documents, &message_file, schema, budget);
            let Ok(checker) = crate::payload::PayloadSchema::compile(&schema) else {
                continue;
            };
            for (index, example) in examples.iter().enumerate() {
                let Some(value) = example.get(part) else {
                    continue;
                };
                if let Some(problem) = checker.check(value).into_iter().next() {
                    out.push(Diagnostic::error(
                        &message_file,
                        format!("{pointer}/examples/{index}/{part}{}", problem.pointer),
                        format!(
                            "Example {} does not match the message's {part} schema: {}",
                            index + 1,
                            problem.message
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::template_names;

    #[test]
    fn finds_template_names() {
        assert_eq!(
            template_names("/users/{id}/posts/{postId}"),
            vec!["id", "postId"]
        );
        assert!(template_names("/users").is_empty());
    }
}
