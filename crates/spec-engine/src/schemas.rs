//! The official JSON Schemas, embedded from their npm packages at build time and compiled
//! once per process on first use (compile once, validate many).

use std::borrow::Cow;
use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::detect::SchemaId;

macro_rules! schema_text {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/schemas/", $name))
    };
}

// The AsyncAPI schemas: byte ranges of one store that concatenate to each schema's text
// (see build.rs: the store keeps each distinct definition once, grouped so that the
// gzip the WASM is served with sees the repeats between versions).
include!(concat!(env!("OUT_DIR"), "/schemas/asyncapi-pieces.rs"));
const ASYNCAPI_STORE: &str = schema_text!("asyncapi-store.txt");

fn assemble(pieces: &[(usize, usize)]) -> Cow<'static, str> {
    let length = pieces.iter().map(|(start, end)| end - start).sum();
    let mut text = String::with_capacity(length);
    for (start, end) in pieces {
        text.push_str(ASYNCAPI_STORE.get(*start..*end).unwrap_or_default());
    }
    Cow::Owned(text)
}

fn text(id: SchemaId) -> Cow<'static, str> {
    match id {
        SchemaId::AsyncApi2_0 => assemble(ASYNCAPI_2_0_0),
        SchemaId::AsyncApi2_1 => assemble(ASYNCAPI_2_1_0),
        SchemaId::AsyncApi2_2 => assemble(ASYNCAPI_2_2_0),
        SchemaId::AsyncApi2_3 => assemble(ASYNCAPI_2_3_0),
        SchemaId::AsyncApi2_4 => assemble(ASYNCAPI_2_4_0),
        SchemaId::AsyncApi2_5 => assemble(ASYNCAPI_2_5_0),
        SchemaId::AsyncApi2_6 => assemble(ASYNCAPI_2_6_0),
        SchemaId::AsyncApi3_0 => assemble(ASYNCAPI_3_0_0),
        SchemaId::AsyncApi3_1 => assemble(ASYNCAPI_3_1_0),
        SchemaId::OpenApi3_0 => Cow::Borrowed(schema_text!("openapi-3.0.json")),
        SchemaId::OpenApi3_1 => Cow::Borrowed(schema_text!("openapi-3.1.json")),
        SchemaId::OpenApi3_2 => Cow::Borrowed(schema_text!("openapi-3.2.json")),
    }
}

/// The schema document itself (for cross-checks and tooling).
pub fn schema_json(id: SchemaId) -> Value {
    serde_json::from_str(&text(id)).unwrap_or(Value::Null)
}

const ALL: [SchemaId; 12] = [
    SchemaId::AsyncApi2_0,
    SchemaId::AsyncApi2_1,
    SchemaId::AsyncApi2_2,
    SchemaId::AsyncApi2_3,
    SchemaId::AsyncApi2_4,
    SchemaId::AsyncApi2_5,
    SchemaId::AsyncApi2_6,
    SchemaId::AsyncApi3_0,
    SchemaId::AsyncApi3_1,
    SchemaId::OpenApi3_0,
    SchemaId::OpenApi3_1,
    SchemaId::OpenApi3_2,
];

fn slot(id: SchemaId) -> &'static OnceLock<Result<Validator, String>> {
    static SLOTS: [OnceLock<Result<Validator, String>>; 12] = [const { OnceLock::new() }; 12];
    let index = ALL
        .iter()
        .position(|candidate| *candidate == id)
        .unwrap_or(0);
    &SLOTS[index]
}

/// The compiled validator for a schema. It can only fail if a package shipped a broken
/// schema, which the tests catch; the error then becomes a diagnostic, never a panic.
pub fn validator(id: SchemaId) -> Result<&'static Validator, &'static str> {
    slot(id)
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(&text(id)).map_err(|e| e.to_string())?;
            jsonschema::options()
                .should_validate_formats(false)
                .build(&schema)
                .map_err(|e| format!("the official schema {id:?} does not compile: {e}"))
        })
        .as_ref()
        .map_err(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_official_schema_compiles_offline() {
        for id in ALL {
            assert!(validator(id).is_ok(), "{id:?}: {:?}", validator(id).err());
        }
    }

    #[test]
    fn the_asyncapi_store_rebuilds_each_schema_exactly() {
        let published = [
            (SchemaId::AsyncApi2_0, schema_text!("asyncapi-2.0.0.json")),
            (SchemaId::AsyncApi2_6, schema_text!("asyncapi-2.6.0.json")),
            (SchemaId::AsyncApi3_0, schema_text!("asyncapi-3.0.0.json")),
            (SchemaId::AsyncApi3_1, schema_text!("asyncapi-3.1.0.json")),
        ];
        for (id, whole) in published {
            assert_eq!(text(id), whole, "{id:?}");
        }
    }
}
