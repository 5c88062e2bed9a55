//! `asyncApiDocumentSchema` and `asyncApiPayloadValidation`: the document (or a message
//! payload) against the official AsyncAPI schema of its version, with errors listed and
//! placed as Spectral lists and places them (see `functions::ajv`).
//!
//! The document is checked twice in AsyncAPI 3: resolved, against a schema in which the
//! places that hold references (a channel's servers, an operation's channel and
//! messages, a reply's) expect the objects they lead to, and as written, keeping only
//! the references the schema does not allow there.

use std::borrow::Cow;
use std::sync::OnceLock;

use jsonschema::Validator;
use portico_jsonpath::Segment;
use serde_json::{Value, json};

use super::{Failure, Lookup};
use crate::detect::SchemaId;
use crate::ruleset::format::Format;
use crate::ruleset::functions::ajv::{self, AjvError};

/// The AsyncAPI versions Spectral has schemas for, newest first, as it picks them.
const VERSIONS: [(SchemaId, &str); 9] = [
    (SchemaId::AsyncApi3_1, "3.1.0"),
    (SchemaId::AsyncApi3_0, "3.0.0"),
    (SchemaId::AsyncApi2_6, "2.6.0"),
    (SchemaId::AsyncApi2_5, "2.5.0"),
    (SchemaId::AsyncApi2_4, "2.4.0"),
    (SchemaId::AsyncApi2_3, "2.3.0"),
    (SchemaId::AsyncApi2_2, "2.2.0"),
    (SchemaId::AsyncApi2_1, "2.1.0"),
    (SchemaId::AsyncApi2_0, "2.0.0"),
];

/// The place in [`VERSIONS`] of the document's version, if Spectral knows it.
fn version(formats: &[Format]) -> Option<usize> {
    VERSIONS.iter().position(|(_, version)| {
        let (major, minor) = match version.as_bytes() {
            [major, b'.', minor, ..] => (major - b'0', minor - b'0'),
            _ => return false,
        };
        formats.iter().any(|format| match format {
            Format::AsyncApi2Minor(m) => major == 2 && *m == minor,
            Format::AsyncApi3Minor(m) => major == 3 && *m == minor,
            _ => false,
        })
    })
}

const MESSAGE_REF_NOT_EXPECTED: &str = "Property \"$ref\" is not expected to be here";

pub fn check(
    document: &Value,
    resolved: bool,
    path: &[Segment],
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    let Some(index) = version(lookup.formats()) else {
        return Vec::new();
    };
    let Some(validator) = document_validator(index, resolved) else {
        return Vec::new();
    };
    let target = if resolved {
        lookup.resolved(document)
    } else {
        Cow::Borrowed(document)
    };
    let mut errors = ajv::errors(validator, &target);
    if resolved {
        prepare_results(&mut errors);
    }
    let failures = ajv::results(&errors, &target, path, true);
    if resolved {
        failures
            .into_iter()
            .filter(|f| f.message != MESSAGE_REF_NOT_EXPECTED)
            .collect()
    } else {
        failures
            .into_iter()
            .filter(|f| f.message == MESSAGE_REF_NOT_EXPECTED)
            .map(|f| Failure {
                message: "Referencing in this place is not allowed".to_owned(),
                ..f
            })
            .collect()
    }
}

/// Spectral's `prepareResults` for the resolved document: an unexpected property is
/// placed on itself, a missing `$ref` is no error, and of errors at one place only the
/// first is kept (a `oneOf` below an error already kept goes too).
fn prepare_results(errors: &mut Vec<AjvError>) {
    errors.retain_mut(|error| {
        if let Some(name) = &error.additional_property {
            error.instance_path = format!("{}/{}", error.instance_path, name);
        }
        !(error.keyword == "required" && error.missing_property.as_deref() == Some("$ref"))
    });
    let mut i = 0;
    while i < errors.len() {
        if i + 1 < errors.len() && errors[i + 1].instance_path == errors[i].instance_path {
            errors.remove(i + 1);
        } else if i > 0
            && errors[i].keyword == "oneOf"
            && errors[i - 1]
                .instance_path
                .starts_with(&errors[i].instance_path)
        {
            errors.remove(i);
        } else {
            i += 1;
        }
    }
}

/// `asyncApiPayloadValidation`: a payload is an AsyncAPI Schema Object of the
/// document's version.
pub fn payload(schema: &Value, path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    let Some(index) = version(lookup.formats()) else {
        return Vec::new();
    };
    let Some(validator) = payload_validator(index) else {
        return Vec::new();
    };
    let target = lookup.resolved(schema);
    let errors = ajv::errors(validator, &target);
    ajv::results(&errors, &target, path, false)
}

fn build(schema: &Value) -> Option<Validator> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .ok()
}

fn document_validator(index: usize, resolved: bool) -> Option<&'static Validator> {
    static SLOTS: [OnceLock<Option<Validator>>; 18] = [const { OnceLock::new() }; 18];
    SLOTS[index * 2 + usize::from(resolved)]
        .get_or_init(|| {
            let (id, version) = VERSIONS[index];
            let mut schema = crate::schemas::schema_json(id);
            if resolved && version.starts_with('3') {
                expect_objects_where_references_lead(&mut schema, version);
            }
            build(&schema)
        })
        .as_ref()
}

/// Spectral's resolved AsyncAPI 3 schema: where the official one asks for a Reference
/// Object (because AsyncAPI 3 requires one there), the resolved document holds the object
/// it leads to.
pub(super) fn expect_objects_where_references_lead(schema: &mut Value, version: &str) {
    let definition = |name: &str| format!("http://asyncapi.com/definitions/{version}/{name}.json");
    let targets = [
        ("channel", "/properties/servers/items/$ref", "server"),
        ("operation", "/properties/channel/$ref", "channel"),
        (
            "operation",
            "/properties/messages/items/$ref",
            "messageObject",
        ),
        ("operationReply", "/properties/channel/$ref", "channel"),
        (
            "operationReply",
            "/properties/messages/items/$ref",
            "messageObject",
        ),
    ];
    for (owner, pointer, target) in targets {
        let Some(definitions) = schema.get_mut("definitions") else {
            return;
        };
        if let Some(slot) = definitions
            .get_mut(definition(owner))
            .and_then(|d| d.pointer_mut(pointer))
        {
            *slot = Value::String(definition_ref(version, target));
        }
    }
}

/// A reference to a definition of the embedded schemas, whose references are all local
/// (`#/definitions/http:~1~1asyncapi.com~1definitions~13.0.0~1server.json`).
fn definition_ref(version: &str, name: &str) -> String {
    let url = format!("http://asyncapi.com/definitions/{version}/{name}.json");
    format!("#/definitions/{}", crate::diagnostic::escape_token(&url))
}

fn payload_validator(index: usize) -> Option<&'static Validator> {
    static SLOTS: [OnceLock<Option<Validator>>; 9] = [const { OnceLock::new() }; 9];
    SLOTS[index]
        .get_or_init(|| {
            let (id, version) = VERSIONS[index];
            let official = crate::schemas::schema_json(id);
            let schema = json!({
                "$ref": definition_ref(version, "schema"),
                "definitions": official.get("definitions").cloned().unwrap_or(Value::Null),
            });
            build(&schema)
        })
        .as_ref()
}
