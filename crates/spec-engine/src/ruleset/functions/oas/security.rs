//! `oasSecurityDefined`: a security requirement names schemes the document defines, and
//! scopes those schemes list.

use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup, join, key};

pub fn defined(
    requirement: &Value,
    path: &[Segment],
    version: u8,
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    let Value::Object(requirement) = requirement else {
        return Vec::new();
    };
    // Spectral takes only {name: [string…]}.
    let well_formed = requirement
        .values()
        .all(|scopes| matches!(scopes, Value::Array(items) if items.iter().all(Value::is_string)));
    if requirement.is_empty() || !well_formed {
        return Vec::new();
    }
    let document = lookup.document();
    if !document.is_object() {
        return Vec::new();
    }
    let definitions = if version == 2 {
        document.get("securityDefinitions")
    } else {
        document
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
    };
    let mut failures = Vec::new();
    for (name, scopes) in requirement {
        let scheme = match definitions {
            Some(Value::Object(all)) => all.get(name),
            _ => None,
        };
        let Some(scheme) = scheme else {
            let object = if path.len() == 2 { "API" } else { "Operation" };
            let location = if version == 2 {
                "securityDefinitions"
            } else {
                "components.securitySchemes"
            };
            failures.push(Failure::at(
                join(path, [key(name)]),
                format!("{object} \"security\" values must match a scheme defined in the \"{location}\" object."),
            ));
            continue;
        };
        let Value::Array(scopes) = scopes else {
            continue;
        };
        for (index, scope) in scopes.iter().enumerate() {
            let scope = scope.as_str().unwrap_or_default();
            if !scope_defined(version, scope, scheme) {
                failures.push(Failure::at(
                    join(path, [key(name), Segment::Index(index)]),
                    format!("\"{scope}\" must be listed among scopes."),
                ));
            }
        }
    }
    failures
}

fn scope_defined(version: u8, scope: &str, scheme: &Value) -> bool {
    let Value::Object(scheme) = scheme else {
        return false;
    };
    if version == 2 {
        return matches!(scheme.get("scopes"), Some(Value::Object(scopes)) if scopes.contains_key(scope));
    }
    let Some(Value::Object(flows)) = scheme.get("flows") else {
        return false;
    };
    flows.values().any(|flow| {
        matches!(flow.get("scopes"), Some(Value::Object(scopes)) if scopes.contains_key(scope))
    })
}
