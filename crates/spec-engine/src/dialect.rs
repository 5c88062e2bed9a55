//! OpenAPI 3.1 and later: every Schema Object is a JSON Schema 2020-12 schema (the OAS
//! base dialect adds annotations only), so each is checked against the 2020-12
//! meta-schema: `required: true` or `type: "text"` are errors at their line. The
//! official OpenAPI schema accepts any object there, leaving this to the dialect.
//!
//! A document whose `jsonSchemaDialect` names another dialect, or a schema whose
//! `$schema` does, is left to that dialect (which Portico does not know).

use serde_json::Value;

use crate::diagnostic::{Diagnostic, escape_token};

/// The dialects these checks stand for.
const KNOWN_DIALECTS: [&str; 3] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-11-10",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Most meta-schema errors reported for one document.
const MAX_ERRORS: usize = 100;

/// Checks the Schema Objects of an OpenAPI 3.1+ document in `file`.
pub fn check_schema_objects(file: &str, root: &Value, out: &mut Vec<Diagnostic>) {
    if let Some(dialect) = root.get("jsonSchemaDialect").and_then(Value::as_str)
        && !is_known(dialect)
    {
        return;
    }
    let mut schemas: Vec<(String, &Value)> = Vec::new();
    if let Some(Value::Object(components)) = root.pointer("/components/schemas") {
        for (name, schema) in components {
            schemas.push((
                format!("/components/schemas/{}", escape_token(name)),
                schema,
            ));
        }
    }
    find_schemas(root, String::new(), &mut schemas);
    let validator = jsonschema::draft202012::meta::validator();
    let mut reported = 0;
    for (pointer, schema) in schemas {
        if let Some(declared) = schema.get("$schema").and_then(Value::as_str)
            && !is_known(declared)
        {
            continue;
        }
        for error in validator.iter_errors(schema) {
            if reported == MAX_ERRORS {
                return;
            }
            reported += 1;
            let at = format!("{pointer}{}", error.instance_path());
            out.push(Diagnostic::error(
                file,
                at,
                format!("This Schema Object is not valid JSON Schema 2020-12: {error}"),
            ));
        }
    }
}

fn is_known(dialect: &str) -> bool {
    let dialect = dialect.trim_end_matches('#');
    KNOWN_DIALECTS.contains(&dialect)
}

/// The values of `schema` fields outside schemas (parameters, headers, media types),
/// each with its pointer; schemas themselves are not entered (the meta-schema checks
/// their insides), nor are examples or extensions.
fn find_schemas<'v>(value: &'v Value, pointer: String, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key.starts_with("x-") || key == "example" || key == "examples" {
                    continue;
                }
                let here = format!("{pointer}/{}", escape_token(key));
                if key == "schema" && (child.is_object() || child.is_boolean()) {
                    out.push((here, child));
                } else if !(pointer == "/components" && key == "schemas") {
                    find_schemas(child, here, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find_schemas(item, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(root: &Value) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        check_schema_objects("api.yaml", root, &mut out);
        out
    }

    #[test]
    fn a_schema_object_breaking_the_dialect_is_an_error_at_its_keyword() {
        let root = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "minLength": -1}}
            ]}}},
            "components": {"schemas": {"Pet": {"type": "object", "required": true}}}
        });
        let found = check(&root);
        let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"/components/schemas/Pet/required"),
            "{found:?}"
        );
        assert!(
            pointers.contains(&"/paths/~1a/get/parameters/0/schema/minLength"),
            "{found:?}"
        );
    }

    #[test]
    fn valid_schemas_and_other_dialects_pass() {
        let valid = json!({"openapi": "3.1.0", "components": {"schemas": {
            "Pet": {"type": ["object", "null"], "required": ["id"], "properties": {"id": {"$ref": "#/components/schemas/Id"}}},
            "Id": true
        }}});
        assert!(check(&valid).is_empty());
        let other = json!({"openapi": "3.1.0", "jsonSchemaDialect": "https://example.com/dialect",
            "components": {"schemas": {"Pet": {"required": true}}}});
        assert!(check(&other).is_empty());
    }
}
