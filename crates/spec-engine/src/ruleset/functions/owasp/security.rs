//! Whether operations are protected, from their security requirements (the operation's,
//! else the document's): `checkSecurity` reports operations no scheme protects,
//! `differentSecuritySchemes` admin operations protected like the others.

use portico_jsonpath::Segment;
use serde_json::Value;

use super::super::oas::operations;
use super::super::{Failure, Lookup, js, key, keys};
use crate::ruleset::message::js_string;

/// `checkSecurity`'s options: which methods to check, and whether an empty requirement
/// (`{}`, anonymous access) counts as protection.
pub struct Required {
    /// Written into the path of a missing requirement, where Spectral's placement cuts it
    /// off again (it names no place in the document).
    pub schemes_path: Option<Value>,
    pub empty_allowed: bool,
    /// `None`: every method.
    pub methods: Option<Vec<Value>>,
}

/// `checkSecurity`: an operation with no requirement (`security` missing everywhere,
/// empty or falsy) is reported at its `security` (or itself when it has none), an empty
/// requirement at that requirement unless empty ones are allowed.
pub fn unprotected(root: &Value, required: &Required, lookup: &dyn Lookup) -> Vec<Failure> {
    let mut failures = Vec::new();
    let Value::Object(root) = lookup.follow(root) else {
        return failures;
    };
    let Some(paths) = root.get("paths") else {
        return failures;
    };
    for (path, method, operation) in operations(paths, lookup) {
        if let Some(methods) = &required.methods
            && !methods.iter().any(|m| m.as_str() == Some(method))
        {
            continue;
        }
        let (security, declared_in) = match operation.get("security") {
            Some(own) => (Some(lookup.follow(own)), format!("{path},{method}")),
            None => (
                root.get("security").map(|s| lookup.follow(s)),
                "$.security".to_owned(),
            ),
        };
        let at = |last: Segment| {
            let mut at = keys(&["paths", path, method, "security"]);
            at.push(last);
            at
        };
        if !js::truthy(security) || security.is_some_and(has_zero_length) {
            failures.push(Failure::at(
                at(key(&js_string(required.schemes_path.as_ref()))),
                format!("Operation has undefined security scheme in {declared_in}."),
            ));
        }
        let Some(Value::Array(requirements)) = security else {
            continue;
        };
        for (index, requirement) in requirements.iter().enumerate() {
            let empty = match lookup.follow(requirement) {
                Value::Object(schemes) => schemes.is_empty(),
                Value::Array(items) => items.is_empty(),
                _ => false,
            };
            if empty && !required.empty_allowed {
                failures.push(Failure::at(
                    at(Segment::Index(index)),
                    format!("Operation referencing empty security scheme in {declared_in}."),
                ));
            }
        }
    }
    failures
}

/// `value.length === 0` in JavaScript: an empty array or string, or an object whose
/// `length` member is 0.
fn has_zero_length(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::String(text) => text.is_empty(),
        Value::Object(map) => map.get("length").is_some_and(|l| l.as_f64() == Some(0.0)),
        _ => false,
    }
}

/// `differentSecuritySchemes`: a requirement of an operation whose path contains
/// `admin_url` that some other operation also declares (the same JSON) is reported.
/// Operations without their own `security` are not compared.
pub fn admin_shared(root: &Value, admin_url: &str, lookup: &dyn Lookup) -> Vec<Failure> {
    let Some(paths) = lookup.follow(root).get("paths") else {
        return Vec::new();
    };
    let mut others = Vec::new();
    let mut admin = Vec::new();
    for (path, method, operation) in operations(paths, lookup) {
        let Some(Value::Array(requirements)) = operation.get("security").map(|s| lookup.follow(s))
        else {
            continue;
        };
        for (index, requirement) in requirements.iter().enumerate() {
            if !matches!(
                lookup.follow(requirement),
                Value::Object(_) | Value::Array(_) | Value::Null
            ) {
                continue;
            }
            let json = js::json_stringify(&lookup.resolved(requirement));
            if path.contains(admin_url) {
                admin.push((path, method, index, json));
            } else {
                others.push(json);
            }
        }
    }
    admin
        .into_iter()
        .filter(|(.., json)| others.contains(json))
        .map(|(path, method, index, _)| {
            let mut at = keys(&["paths", path, method, "security"]);
            at.push(Segment::Index(index));
            Failure::at(
                at,
                format!("Admin endpoint {path} has the same security requirement as a non-admin endpoint."),
            )
        })
        .collect()
}
