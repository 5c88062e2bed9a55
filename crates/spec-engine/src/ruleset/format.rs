//! Document formats a rule can be limited to, named as Spectral's YAML rulesets name
//! them (`oas3`, `oas3.1`, `asyncapi2`, `aas2_6`…) and recognised from the document as
//! Spectral's `@stoplight/spectral-formats` recognises them.

use serde_json::Value;

/// One format a document may have (a document has several: `oas3` and `oas3.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Oas2,
    Oas3,
    Oas3_0,
    Oas3_1,
    Oas3_2,
    AsyncApi2,
    /// `aas2_N`: AsyncAPI 2.N.x.
    AsyncApi2Minor(u8),
    AsyncApi3,
    /// `aas3_N`: AsyncAPI 3.N.x.
    AsyncApi3Minor(u8),
    /// The JSON Schema formats are accepted in rulesets; Portico lints API documents only,
    /// so no document has them.
    JsonSchema,
    /// Arazzo workflows: accepted in rulesets, never a document here.
    Arazzo,
}

impl Format {
    /// Reads a format name of a ruleset; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Format> {
        let format = match name {
            "oas2" => Format::Oas2,
            "oas3" => Format::Oas3,
            "oas3.0" | "oas3_0" => Format::Oas3_0,
            "oas3.1" | "oas3_1" => Format::Oas3_1,
            "oas3.2" | "oas3_2" => Format::Oas3_2,
            "asyncapi2" | "asyncApi2" | "aas2" => Format::AsyncApi2,
            "asyncapi3" | "aas3" => Format::AsyncApi3,
            "arazzo1" | "arazzo1.0" | "arazzo1_0" => Format::Arazzo,
            other if other.starts_with("json-schema") || other.starts_with("jsonSchema") => {
                Format::JsonSchema
            }
            other => {
                let minor = |prefix: &str| {
                    other
                        .strip_prefix(prefix)
                        .and_then(|minor| minor.parse::<u8>().ok())
                };
                if let Some(minor) = minor("aas2_").or_else(|| minor("aas2.")) {
                    Format::AsyncApi2Minor(minor)
                } else if let Some(minor) = minor("aas3_").or_else(|| minor("aas3.")) {
                    Format::AsyncApi3Minor(minor)
                } else {
                    return None;
                }
            }
        };
        Some(format)
    }

    /// The formats of a document (empty when it is neither OpenAPI nor AsyncAPI).
    pub fn of(document: &Value) -> Vec<Format> {
        let Some(object) = document.as_object() else {
            return Vec::new();
        };
        let mut formats = Vec::new();
        if let Some(swagger) = object.get("swagger")
            && leading_integer(swagger) == Some(2)
        {
            formats.push(Format::Oas2);
        }
        if let Some(openapi) = object.get("openapi")
            && leading_integer(openapi) == Some(3)
        {
            formats.push(Format::Oas3);
            let text = as_text(openapi);
            for (minor, format) in [
                ("0", Format::Oas3_0),
                ("1", Format::Oas3_1),
                ("2", Format::Oas3_2),
            ] {
                if minor_matches(&text, "3", minor) {
                    formats.push(format);
                }
            }
        }
        if let Some(version) = object.get("asyncapi") {
            let text = as_text(version);
            let parts: Vec<&str> = text.split('.').collect();
            let semver_like = parts.len() == 3
                && parts.iter().all(|part| {
                    !part.is_empty()
                        && part.bytes().all(|b| b.is_ascii_digit())
                        && (part.len() == 1 || !part.starts_with('0'))
                });
            if semver_like {
                let minor = parts[1].parse::<u8>().ok();
                match parts[0] {
                    "2" => {
                        formats.push(Format::AsyncApi2);
                        formats.extend(minor.map(Format::AsyncApi2Minor));
                    }
                    "3" => {
                        formats.push(Format::AsyncApi3);
                        formats.extend(minor.map(Format::AsyncApi3Minor));
                    }
                    _ => {}
                }
            }
        }
        formats
    }
}

/// `String(value)` as JavaScript prints a version field.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `parseInt(String(value))`: the leading digits of the text.
fn leading_integer(value: &Value) -> Option<u64> {
    let text = as_text(value);
    let digits: String = text
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `/^M\.m(?:\.[0-9]*)?$/`.
fn minor_matches(text: &str, major: &str, minor: &str) -> bool {
    let Some(rest) = text
        .strip_prefix(major)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_prefix(minor))
    else {
        return false;
    };
    rest.is_empty()
        || rest
            .strip_prefix('.')
            .is_some_and(|patch| patch.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_have_the_formats_spectral_gives_them() {
        assert_eq!(
            Format::of(&json!({"openapi": "3.1.0"})),
            [Format::Oas3, Format::Oas3_1]
        );
        assert_eq!(Format::of(&json!({"swagger": "2.0"})), [Format::Oas2]);
        assert_eq!(
            Format::of(&json!({"asyncapi": "2.6.0"})),
            [Format::AsyncApi2, Format::AsyncApi2Minor(6)]
        );
        assert_eq!(
            Format::of(&json!({"asyncapi": "3.0.0"})),
            [Format::AsyncApi3, Format::AsyncApi3Minor(0)]
        );
        assert!(Format::of(&json!({"asyncapi": "2.6"})).is_empty());
        assert_eq!(
            Format::of(&json!({"openapi": "3.0"})),
            [Format::Oas3, Format::Oas3_0]
        );
    }

    #[test]
    fn ruleset_names_read() {
        assert_eq!(Format::parse("oas3.1"), Some(Format::Oas3_1));
        assert_eq!(Format::parse("aas2_4"), Some(Format::AsyncApi2Minor(4)));
        assert_eq!(
            Format::parse("json-schema-draft7"),
            Some(Format::JsonSchema)
        );
        assert_eq!(Format::parse("raml"), None);
    }
}
