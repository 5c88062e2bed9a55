//! Which specification and version a document claims, and which official schema checks it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The two specifications Portico understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    AsyncApi,
    OpenApi,
}

impl Kind {
    /// The name used in diagnostics and the lint output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AsyncApi => "asyncapi",
            Kind::OpenApi => "openapi",
        }
    }
}

/// The official schema a document is validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaId {
    AsyncApi2_0,
    AsyncApi2_1,
    AsyncApi2_2,
    AsyncApi2_3,
    AsyncApi2_4,
    AsyncApi2_5,
    AsyncApi2_6,
    AsyncApi3_0,
    AsyncApi3_1,
    OpenApi3_0,
    OpenApi3_1,
    OpenApi3_2,
}

/// What a document claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub kind: Kind,
    /// The version string as written (`3.0.0`, `3.1.1`).
    pub version: String,
    pub schema: SchemaId,
    /// AsyncAPI 3.x (channels/operations split) rather than 2.x (publish/subscribe).
    pub major: u8,
}

/// Reads `asyncapi` / `openapi` from the root; the error says what is missing or unknown.
pub fn detect(root: &Value) -> Result<Detected, String> {
    let Some(object) = root.as_object() else {
        return Err(
            "The document must be a mapping with an `asyncapi` or `openapi` field at the top."
                .into(),
        );
    };
    if let Some(version) = object.get("asyncapi") {
        let Some(version) = version.as_str() else {
            return Err(
                "`asyncapi` must be a version string such as \"3.0.0\" (quote it in YAML).".into(),
            );
        };
        let schema = match version {
            "2.0.0" => SchemaId::AsyncApi2_0,
            "2.1.0" => SchemaId::AsyncApi2_1,
            "2.2.0" => SchemaId::AsyncApi2_2,
            "2.3.0" => SchemaId::AsyncApi2_3,
            "2.4.0" => SchemaId::AsyncApi2_4,
            "2.5.0" => SchemaId::AsyncApi2_5,
            "2.6.0" => SchemaId::AsyncApi2_6,
            "3.0.0" => SchemaId::AsyncApi3_0,
            "3.1.0" => SchemaId::AsyncApi3_1,
            other => {
                return Err(format!(
                    "AsyncAPI {other} is not supported; use 2.0.0 to 2.6.0, 3.0.0 or 3.1.0."
                ));
            }
        };
        let major = if version.starts_with('3') { 3 } else { 2 };
        return Ok(Detected {
            kind: Kind::AsyncApi,
            version: version.to_owned(),
            schema,
            major,
        });
    }
    if let Some(version) = object.get("openapi") {
        let Some(version) = version.as_str() else {
            return Err(
                "`openapi` must be a version string such as \"3.1.0\" (quote it in YAML).".into(),
            );
        };
        let schema = if is_patch_of(version, "3.0") {
            SchemaId::OpenApi3_0
        } else if is_patch_of(version, "3.1") {
            SchemaId::OpenApi3_1
        } else if is_patch_of(version, "3.2") {
            SchemaId::OpenApi3_2
        } else {
            return Err(format!(
                "OpenAPI {version} is not supported; use 3.0.x, 3.1.x or 3.2.x."
            ));
        };
        return Ok(Detected {
            kind: Kind::OpenApi,
            version: version.to_owned(),
            schema,
            major: 3,
        });
    }
    if object.contains_key("swagger") {
        return Err("Swagger 2.0 is not supported; convert the document to OpenAPI 3.".into());
    }
    Err("This is neither AsyncAPI nor OpenAPI: the top level needs an `asyncapi` or `openapi` version field.".into())
}

fn is_patch_of(version: &str, minor: &str) -> bool {
    version
        .strip_prefix(minor)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_versions_and_refuses_the_rest() {
        assert_eq!(
            detect(&json!({"asyncapi": "2.6.0"})).unwrap().schema,
            SchemaId::AsyncApi2_6
        );
        assert_eq!(
            detect(&json!({"openapi": "3.1.1"})).unwrap().schema,
            SchemaId::OpenApi3_1
        );
        assert_eq!(
            detect(&json!({"openapi": "3.0.3"})).unwrap().schema,
            SchemaId::OpenApi3_0
        );
        assert!(detect(&json!({"openapi": "3.1"})).is_err());
        assert!(
            detect(&json!({"asyncapi": "1.2.0"}))
                .unwrap_err()
                .contains("not supported")
        );
        assert!(
            detect(&json!({"swagger": "2.0"}))
                .unwrap_err()
                .contains("Swagger")
        );
        assert!(
            detect(&json!({"asyncapi": 3.0}))
                .unwrap_err()
                .contains("version string")
        );
        assert!(detect(&json!([])).is_err());
    }
}
