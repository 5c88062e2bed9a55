//! Every rule of the catalog fires on its own example, with its severity: schema rules in
//! an OpenAPI body and in an AsyncAPI message of the matching direction, the others in
//! the document their example is written for. Then behaviour the examples cannot show.

use serde_json::{Value, json};

use super::rules::{Scope, rules};
use super::{Change, DiffOptions, DiffReport, Direction, Severity, diff};

#[allow(dead_code)]
const _: Severity = Severity::Info;
use crate::convert::to_json;
use crate::input::{Input, Limits};
use crate::parse::parse_text;

fn yaml(text: &str) -> Value {
    parse_text(text, &Limits::default()).unwrap().0
}

fn merged(base: Value, snippet: &str) -> Value {
    let mut base = base;
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), yaml(snippet)) {
        for (key, value) in extra {
            base.insert(key, value);
        }
    }
    base
}

fn openapi(snippet: &str) -> Value {
    merged(
        json!({"openapi": "3.1.0", "info": {"title": "Example", "version": "1.0.0"}}),
        snippet,
    )
}

fn asyncapi(snippet: &str) -> Value {
    merged(
        json!({"asyncapi": "3.0.0", "info": {"title": "Example", "version": "1.0.0"}}),
        snippet,
    )
}

fn openapi_with(schema: &str, request: bool) -> Value {
    let schema = yaml(schema);
    let body = json!({"content": {"application/json": {"schema": schema}}});
    let mut operation = json!({"responses": {"200": {"description": "OK"}}});
    if request {
        operation["requestBody"] = body;
    } else {
        operation["responses"]["200"]["content"] = body["content"].clone();
    }
    json!({"openapi": "3.1.0", "info": {"title": "Example", "version": "1.0.0"}, "paths": {"/orders": {"post": operation}}})
}

fn asyncapi_with(schema: &str, consumers_send: bool) -> Value {
    let action = if consumers_send { "receive" } else { "send" };
    json!({
        "asyncapi": "3.0.0",
        "info": {"title": "Example", "version": "1.0.0"},
        "channels": {"orders": {"address": "orders", "messages": {"OrderPlaced": {"payload": yaml(schema)}}}},
        "operations": {"onOrder": {"action": action, "channel": {"$ref": "#/channels/orders"}}}
    })
}

pub(crate) fn compare(old: &Value, new: &Value) -> DiffReport {
    let (old, new) = (
        Input::single("old.json", &to_json(old)),
        Input::single("new.json", &to_json(new)),
    );
    diff(&old, &new, &DiffOptions::default()).unwrap()
}

pub(crate) fn compare_yaml(old: &str, new: &str) -> DiffReport {
    let (old, new) = (
        Input::single("old.yaml", old),
        Input::single("new.yaml", new),
    );
    diff(&old, &new, &DiffOptions::default()).unwrap()
}

fn rules_of(report: &DiffReport) -> Vec<String> {
    report
        .changes
        .iter()
        .map(|c| format!("{} ({})", c.rule, c.severity.as_str()))
        .collect()
}

fn find<'r>(report: &'r DiffReport, rule: &str) -> Option<&'r Change> {
    report.changes.iter().find(|c| c.rule == rule)
}

#[test]
fn every_rule_fires_on_its_example() {
    let mut problems = Vec::new();
    for rule in rules() {
        let cases: Vec<(Value, Value, &str)> = match rule.scope {
            Scope::Schema => {
                let sends = rule.applies != Direction::Receives;
                let mut cases = vec![
                    (
                        openapi_with(rule.before, sends),
                        openapi_with(rule.after, sends),
                        "OpenAPI",
                    ),
                    (
                        asyncapi_with(rule.before, sends),
                        asyncapi_with(rule.after, sends),
                        "AsyncAPI",
                    ),
                ];
                if rule.applies == Direction::Both {
                    cases.truncate(1);
                }
                cases
            }
            Scope::OpenApi => vec![(openapi(rule.before), openapi(rule.after), "OpenAPI")],
            Scope::AsyncApi | Scope::Both => {
                vec![(asyncapi(rule.before), asyncapi(rule.after), "AsyncAPI")]
            }
        };
        for (before, after, kind) in cases {
            let report = compare(&before, &after);
            match find(&report, &rule.id) {
                Some(change) if change.severity == rule.severity => {}
                Some(change) => problems.push(format!(
                    "{} ({kind}): severity {:?}, expected {:?}",
                    rule.id, change.severity, rule.severity
                )),
                None => problems.push(format!(
                    "{} ({kind}): not reported; got {:?}",
                    rule.id,
                    rules_of(&report)
                )),
            }
            let unchanged = compare(&before, &before);
            if !unchanged.changes.is_empty() {
                problems.push(format!(
                    "{} ({kind}): the example compared with itself has changes {:?}",
                    rule.id,
                    rules_of(&unchanged)
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
