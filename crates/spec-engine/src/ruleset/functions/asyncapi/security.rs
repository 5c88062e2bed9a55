//! `asyncApiSecurity`: a security requirement names schemes defined in
//! `components.securitySchemes`, and an OAuth 2 scheme's scopes among its flows' scopes.

use portico_jsonpath::Segment;
use serde_json::{Map, Value};

use super::{Failure, Lookup, join, key};

/// The OAuth 2 flows whose `scopes` count, in Spectral's order.
const OAUTH2_FLOWS: [&str; 4] = [
    "implicit",
    "password",
    "clientCredentials",
    "authorizationCode",
];

pub fn check(
    requirement: &Value,
    object_type: &str,
    path: &[Segment],
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    // Spectral's input: an object of lists of names.
    let Value::Object(requirement) = requirement else {
        return Vec::new();
    };
    let mut scopes_of = Vec::new();
    for (name, scopes) in requirement {
        let Value::Array(scopes) = lookup.follow(scopes) else {
            return Vec::new();
        };
        if !scopes.iter().all(|s| lookup.follow(s).is_string()) {
            return Vec::new();
        }
        scopes_of.push((name, scopes));
    }
    // As Spectral reads them: the document as written.
    let schemes = lookup
        .document()
        .get("components")
        .and_then(|c| c.get("securitySchemes"));
    let mut failures = Vec::new();
    for (name, scopes) in scopes_of {
        let scheme = schemes.and_then(|s| s.get(name));
        if scheme.is_none() {
            failures.push(Failure::at(
                join(path, [key(name)]),
                format!("{object_type} must not reference an undefined security scheme."),
            ));
        }
        let Some(scheme) = scheme else { continue };
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            continue;
        }
        let available = available_scopes(scheme.get("flows"));
        for (index, scope) in scopes.iter().enumerate() {
            let scope = lookup.follow(scope).as_str().unwrap_or_default();
            if !available.iter().any(|a| a == scope) {
                failures.push(Failure::at(
                    join(path, [key(name), Segment::Index(index)]),
                    format!(
                        "Non-existing security scope for the specified security scheme. Available: [{}]",
                        available.join(", ")
                    ),
                ));
            }
        }
    }
    failures
}

/// The scope names of every flow, each once, in order of appearance.
fn available_scopes(flows: Option<&Value>) -> Vec<String> {
    let empty = Map::new();
    let flows = flows.and_then(Value::as_object).unwrap_or(&empty);
    let mut out: Vec<String> = Vec::new();
    for flow in OAUTH2_FLOWS {
        let Some(Value::Object(flow)) = flows.get(flow) else {
            continue;
        };
        if let Some(Value::Object(scopes)) = flow.get("scopes") {
            for scope in scopes.keys() {
                if !out.contains(scope) {
                    out.push(scope.clone());
                }
            }
        }
    }
    out
}
