//! Converting a document between JSON and YAML (key order kept).

use serde_json::Value;
use yaml_rust2::YamlEmitter;
use yaml_rust2::yaml::{Hash, Yaml};

/// Pretty JSON with two-space indentation.
pub fn to_json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// Block-style YAML.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline_strings(true);
    if emitter.dump(&to_yaml_node(value)).is_err() {
        return String::new();
    }
    let body = out.strip_prefix("---\n").unwrap_or(&out).to_owned();
    body + "\n"
}

fn to_yaml_node(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml_node).collect()),
        Value::Object(map) => {
            let mut hash = Hash::new();
            for (key, child) in map {
                hash.insert(Yaml::String(key.clone()), to_yaml_node(child));
            }
            Yaml::Hash(hash)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Limits;
    use crate::parse::parse_text;

    #[test]
    fn round_trips_between_syntaxes() {
        let text = "asyncapi: 3.0.0\ninfo:\n  title: 'Order: service'\n  version: '1.0'\n  x-count: 3\n  x-list:\n    - true\n    - ~\n";
        let (value, _) = parse_text(text, &Limits::default()).unwrap();
        let yaml = to_yaml(&value);
        let (again, _) = parse_text(&yaml, &Limits::default()).unwrap();
        assert_eq!(again, value, "{yaml}");
        let json = to_json(&value);
        let (from_json, _) = parse_text(&json, &Limits::default()).unwrap();
        assert_eq!(from_json, value);
    }
}
