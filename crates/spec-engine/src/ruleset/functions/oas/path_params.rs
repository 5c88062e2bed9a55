//! `oasPathParam`: paths are not equivalent, use each template parameter once, and every
//! operation defines exactly the path parameters its path names, as required ones.

use portico_jsonpath::Segment;
use serde_json::Value;

use super::operations::js_string;
use super::{Failure, Lookup, METHODS, key};

/// The templates of a path as Spectral's `/(\{;?\??[a-zA-Z0-9_-]+\*?\})/g` finds them:
/// (start, end) byte ranges.
fn templates(path: &str) -> Vec<(usize, usize)> {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'{'
            && let Some(end) = template_end(bytes, at)
        {
            out.push((at, end));
            at = end;
            continue;
        }
        at += 1;
    }
    out
}

fn template_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    if bytes.get(at) == Some(&b';') {
        at += 1;
    }
    if bytes.get(at) == Some(&b'?') {
        at += 1;
    }
    let name_start = at;
    while bytes
        .get(at)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    {
        at += 1;
    }
    if at == name_start {
        return None;
    }
    if bytes.get(at) == Some(&b'*') {
        at += 1;
    }
    (bytes.get(at) == Some(&b'}')).then_some(at + 1)
}

type Defined = Vec<(String, Option<Vec<Segment>>)>;

pub fn check(paths: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let Value::Object(paths) = paths else {
        return Vec::new();
    };
    let mut failures = Vec::new();
    let mut normalized_seen: Vec<(String, &str)> = Vec::new();
    for (path, item) in paths {
        let item = lookup.follow(item);
        if !(item.is_object() || item.is_array()) {
            continue;
        }
        let found = templates(path);
        let mut normalized = String::new();
        let mut last = 0;
        for (start, end) in &found {
            normalized.push_str(&path[last..*start]);
            normalized.push('%');
            last = *end;
        }
        normalized.push_str(&path[last..]);
        let at_path = || vec![key("paths"), key(path)];
        if let Some((_, first)) = normalized_seen.iter().find(|(n, _)| *n == normalized) {
            failures.push(Failure::at(
                at_path(),
                format!("Paths \"{first}\" and \"{path}\" must not be equivalent."),
            ));
        } else {
            normalized_seen.push((normalized, path));
        }
        let mut elements: Vec<String> = Vec::new();
        for (start, end) in &found {
            let name: String = path[*start..*end]
                .chars()
                .filter(|c| !"{}?*;".contains(*c))
                .collect();
            if elements.contains(&name) {
                failures.push(Failure::at(
                    at_path(),
                    format!(
                        "Path \"{path}\" must not use parameter \"{{{name}}}\" multiple times."
                    ),
                ));
            } else {
                elements.push(name);
            }
        }
        let Value::Object(item) = item else {
            continue;
        };
        let top = declared(
            item.get("parameters"),
            &[key("paths"), key(path), key("parameters")],
            lookup,
            &mut failures,
        );
        for (method, operation) in item {
            let operation = lookup.follow(operation);
            if !(operation.is_object() || operation.is_array())
                || !METHODS.contains(&method.as_str())
            {
                continue;
            }
            let operation_path = vec![key("paths"), key(path), key(method)];
            let mut parameters_path = operation_path.clone();
            parameters_path.push(key("parameters"));
            let own = declared(
                operation.get("parameters"),
                &parameters_path,
                lookup,
                &mut failures,
            );
            let mut defined: Defined = top.clone();
            for (name, at) in own {
                match defined.iter_mut().find(|(n, _)| *n == name) {
                    Some(entry) => entry.1 = at,
                    None => defined.push((name, at)),
                }
            }
            for (name, at) in &defined {
                if let Some(at) = at
                    && !elements.contains(name)
                {
                    failures.push(Failure::at(
                        at.clone(),
                        format!("Parameter \"{name}\" must be used in path \"{path}\"."),
                    ));
                }
            }
            for name in &elements {
                if !defined.iter().any(|(n, _)| n == name) {
                    failures.push(Failure::at(
                        operation_path.clone(),
                        format!(
                            "Operation must define parameter \"{{{name}}}\" as expected by path \"{path}\"."
                        ),
                    ));
                }
            }
        }
    }
    failures
}

/// The path parameters a `parameters` list defines, by name, with where each is; reports
/// those not required and those defined twice.
fn declared(
    parameters: Option<&Value>,
    at: &[Segment],
    lookup: &dyn Lookup,
    failures: &mut Vec<Failure>,
) -> Defined {
    let mut out: Defined = Vec::new();
    let Some(Value::Array(parameters)) = parameters.map(|p| lookup.follow(p)) else {
        return out;
    };
    for (index, parameter) in parameters.iter().enumerate() {
        let parameter = lookup.follow(parameter);
        let Value::Object(object) = parameter else {
            continue;
        };
        let Some(name) = object.get("name") else {
            continue;
        };
        if object.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let name = js_string(lookup.follow(name));
        let mut path = at.to_vec();
        path.push(Segment::Index(index));
        if object.get("required") != Some(&Value::Bool(true)) {
            failures.push(Failure::at(
                path.clone(),
                format!("Path parameter \"{name}\" must have \"required\" property that is set to \"true\"."),
            ));
        }
        if out.iter().any(|(n, _)| *n == name) {
            failures.push(Failure::at(
                path,
                format!("Path parameter \"{name}\" must not be defined multiple times."),
            ));
            continue;
        }
        out.push((name, Some(path)));
    }
    out
}
