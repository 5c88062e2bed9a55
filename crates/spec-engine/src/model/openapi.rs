//! OpenAPI 3.x adapter: servers, paths and their operations, webhooks, components. Schemas
//! stay as written (references intact): large APIs reuse schemas heavily, and consumers
//! resolve `#/components/schemas/…` through `Model::schema`.

use serde_json::{Map, Value};

use super::{
    Action, Body, Copier, MediaType, Model, Operation, Parameter, Response, SecurityScheme, Server,
    Source, component_schemas, info_of, security_names, source_at, tags_of, text,
};
use crate::detect::Detected;
use crate::diagnostic::child_pointer;
use crate::refs::Documents;

/// The HTTP methods a path item may hold, in display order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::iter)
}

fn parameters(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    list: Option<&Value>,
    list_pointer: &str,
) -> Vec<Parameter> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(index, raw)| {
            let (_, p) = documents.deref(file, raw)?;
            let source = source_at(documents, file, &format!("{list_pointer}/{index}"));
            let location = text(p, "in").unwrap_or_default();
            let written = p.get("schema");
            Some(Parameter {
                name: text(p, "name")?,
                required: p
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(location == "path"),
                location,
                description: text(p, "description"),
                enum_values: written
                    .and_then(|s| s.get("enum"))
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                default: written
                    .and_then(|s| s.get("default"))
                    .map(|v| v.to_string()),
                schema: copier.value(written),
                source,
            })
        })
        .collect()
}

fn content(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    value: Option<&Value>,
    pointer: &str,
) -> Vec<MediaType> {
    entries(value)
        .map(|(media_type, raw)| {
            let media = documents.deref(file, raw).map(|(_, v)| v).unwrap_or(raw);
            MediaType {
                source: source_at(documents, file, &child_pointer(pointer, media_type)),
                media_type: media_type.clone(),
                schema: copier.value(media.get("schema")),
                example: copier.value(media.get("example").or_else(|| {
                    entries(media.get("examples"))
                        .next()
                        .and_then(|(_, e)| documents.deref(file, e))
                        .and_then(|(_, e)| e.get("value"))
                })),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn operation(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    path: &str,
    method: &str,
    op: &Value,
    op_pointer: &str,
    shared: &[Parameter],
    root_security: &[String],
) -> Operation {
    let at = |token: &str| child_pointer(op_pointer, token);
    let mut parameters = parameters(
        documents,
        copier,
        file,
        op.get("parameters"),
        &at("parameters"),
    );
    for p in shared {
        if !parameters
            .iter()
            .any(|q| q.name == p.name && q.location == p.location)
        {
            parameters.push(p.clone());
        }
    }
    Operation {
        id: text(op, "operationId").unwrap_or_else(|| format!("{} {path}", method.to_uppercase())),
        action: Action::Http(method.to_owned()),
        channel: None,
        path: Some(path.to_owned()),
        summary: text(op, "summary"),
        description: text(op, "description"),
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        deprecated: op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        messages: Vec::new(),
        reply: None,
        parameters,
        request_body: op
            .get("requestBody")
            .and_then(|b| documents.deref(file, b))
            .map(|(body_file, body)| {
                let source = source_at(documents, file, &at("requestBody"));
                (body_file, body, source)
            })
            .map(|(body_file, body, source)| Body {
                description: text(body, "description"),
                required: body
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                content: match &source {
                    Some(at) => content(
                        documents,
                        copier,
                        &at.file,
                        body.get("content"),
                        &child_pointer(&at.pointer, "content"),
                    ),
                    None => content(documents, copier, &body_file, body.get("content"), ""),
                },
                source,
            }),
        responses: entries(op.get("responses"))
            .filter_map(|(status, raw)| {
                let (_, response) = documents.deref(file, raw)?;
                let source = source_at(documents, file, &child_pointer(&at("responses"), status))
                    .unwrap_or_else(|| Source {
                        file: file.to_owned(),
                        pointer: child_pointer(&at("responses"), status),
                    });
                Some(Response {
                    status: status.clone(),
                    description: text(response, "description"),
                    content: content(
                        documents,
                        copier,
                        &source.file,
                        response.get("content"),
                        &child_pointer(&source.pointer, "content"),
                    ),
                    headers: entries(response.get("headers"))
                        .filter_map(|(name, h)| {
                            let (_, header) = documents.deref(&source.file, h)?;
                            let headers = child_pointer(&source.pointer, "headers");
                            Some(Parameter {
                                source: source_at(
                                    documents,
                                    &source.file,
                                    &child_pointer(&headers, name),
                                ),
                                name: name.clone(),
                                location: "header".into(),
                                description: text(header, "description"),
                                required: header
                                    .get("required")
                                    .and_then(Value::as_bool)
                                    .unwrap_or(false),
                                schema: copier.value(header.get("schema")),
                                enum_values: Vec::new(),
                                default: None,
                            })
                        })
                        .collect(),
                    source: Some(source),
                })
            })
            .collect(),
        security: match op.get("security") {
            Some(security) => security_names(Some(security)),
            None => root_security.to_vec(),
        },
        message_sources: Vec::new(),
        source: Some(Source {
            file: file.to_owned(),
            pointer: op_pointer.to_owned(),
        }),
    }
}

fn path_operations(
    documents: &Documents,
    copier: &Copier,
    file: &str,
    items: Option<&Value>,
    items_pointer: &str,
    root_security: &[String],
) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (path, raw) in entries(items) {
        let Some((item_file, item)) = documents.deref(file, raw) else {
            continue;
        };
        let item_pointer = documents
            .locate(file, &child_pointer(items_pointer, path))
            .map(|(_, pointer)| pointer)
            .unwrap_or_default();
        let shared = parameters(
            documents,
            copier,
            &item_file,
            item.get("parameters"),
            &child_pointer(&item_pointer, "parameters"),
        );
        for method in METHODS {
            if let Some(op) = item.get(method) {
                operations.push(operation(
                    documents,
                    copier,
                    &item_file,
                    path,
                    method,
                    op,
                    &child_pointer(&item_pointer, method),
                    &shared,
                    root_security,
                ));
            }
        }
    }
    operations
}

/// OpenAPI 3.0, 3.1 and 3.2.
pub fn build(detected: &Detected, documents: &Documents, copier: &Copier) -> Model {
    let file = documents.main.as_str();
    let root = documents.get(file, "").unwrap_or(&Value::Null);
    let root_security = security_names(root.get("security"));
    Model {
        kind: detected.kind,
        spec_version: detected.version.clone(),
        info: info_of(root),
        tags: tags_of(root.get("tags")),
        servers: root
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(index, server)| Server {
                source: Some(Source {
                    file: file.to_owned(),
                    pointer: format!("/servers/{index}"),
                }),
                id: text(server, "url").unwrap_or_default(),
                url: text(server, "url").unwrap_or_default(),
                protocol: text(server, "url")
                    .and_then(|u| u.split_once("://").map(|(p, _)| p.to_owned())),
                protocol_version: None,
                description: text(server, "description"),
                security: Vec::new(),
                bindings: None,
                variables: entries(server.get("variables"))
                    .map(|(name, v)| Parameter {
                        source: None,
                        name: name.clone(),
                        location: "server".into(),
                        description: text(v, "description"),
                        required: true,
                        schema: None,
                        enum_values: v
                            .get("enum")
                            .and_then(Value::as_array)
                            .map(|items| {
                                items
                                    .iter()
                                    .filter_map(|e| e.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        default: text(v, "default"),
                    })
                    .collect(),
            })
            .collect(),
        channels: Vec::new(),
        operations: path_operations(
            documents,
            copier,
            file,
            root.get("paths"),
            "/paths",
            &root_security,
        ),
        messages: Vec::new(),
        schemas: component_schemas(root, copier),
        webhooks: path_operations(
            documents,
            copier,
            file,
            root.get("webhooks"),
            "/webhooks",
            &root_security,
        ),
        security_schemes: entries(root.pointer("/components/securitySchemes"))
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
            .collect(),
    }
}

/// The callbacks of the operation written at `file#op_pointer`: each callback's name and
/// the operations of its path items (keyed by their runtime expressions), so they can be
/// compared like the operations of `paths` (outlines: the diff reads the values from
/// the documents).
pub(crate) fn callback_operations(
    documents: &Documents,
    file: &str,
    op_pointer: &str,
) -> Vec<(String, Vec<Operation>)> {
    let callbacks = child_pointer(op_pointer, "callbacks");
    entries(documents.get(file, &callbacks))
        .filter_map(|(name, _)| {
            let (callback_file, pointer) =
                documents.locate(file, &child_pointer(&callbacks, name))?;
            let value = documents.get(&callback_file, &pointer);
            Some((
                name.clone(),
                path_operations(
                    documents,
                    &Copier::Outline,
                    &callback_file,
                    value,
                    &pointer,
                    &[],
                ),
            ))
        })
        .collect()
}
