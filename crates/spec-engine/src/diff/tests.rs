//! Every rule of the catalog fires on its own example, with its severity: schema rules in
//! an OpenAPI body and in an AsyncAPI message of the matching direction, the others in
//! the document their example is written for. Then behaviour the examples cannot show.

use serde_json::{Value, json};

use super::rules::{Scope, rules};
use super::{
    Bump, Change, DiffError, DiffOptions, DiffReport, Direction, RuleOverrides, Severity, diff,
};
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

const ORDERS_V2: &str = "asyncapi: 2.6.0
info: {title: Orders, version: 1.0.0}
channels:
  orders:
    publish:
      operationId: placeOrder
      message:
        $ref: '#/components/messages/OrderPlaced'
    subscribe:
      operationId: onOrderShipped
      message:
        $ref: '#/components/messages/OrderShipped'
components:
  messages:
    OrderPlaced:
      payload:
        $ref: '#/components/schemas/Order'
    OrderShipped:
      payload:
        type: object
        required: [orderId, carrier]
        properties:
          orderId: {type: string}
          carrier: {type: string}
          note: {type: string}
  schemas:
    Order:
      type: object
      properties:
        customerId: {type: string}
        lines:
          type: array
          items:
            $ref: '#/components/schemas/Line'
    Line:
      type: object
      properties:
        sku: {type: string}
        parent:
          $ref: '#/components/schemas/Line'
";

#[test]
fn asyncapi_2_publish_is_what_consumers_send_and_subscribe_what_they_receive() {
    // A field consumers receive is removed and a field consumers send becomes required.
    let new = ORDERS_V2
        .replace("          note: {type: string}\n", "")
        .replace(
            "      properties:\n        customerId",
            "      required: [customerId]\n      properties:\n        customerId",
        );
    let report = compare_yaml(ORDERS_V2, &new);
    let required =
        find(&report, "request-property-became-required").expect("required in what consumers send");
    assert_eq!(
        (required.severity, required.direction),
        (Severity::Breaking, Direction::Sends)
    );
    assert!(
        required.message.contains("`customerId`") && required.message.contains("OrderPlaced"),
        "{}",
        required.message
    );
    assert_eq!(
        required.new.as_ref().and_then(|l| l.line),
        Some(30),
        "points at the property in the new file"
    );
    let removed =
        find(&report, "response-property-removed").expect("removed from what consumers receive");
    assert_eq!(
        (removed.severity, removed.direction),
        (Severity::Breaking, Direction::Receives)
    );
    assert!(removed.old.as_ref().is_some_and(|l| l.line == Some(25)));
    assert!(report.breaking);
    assert_eq!(report.suggested_bump, Bump::Major);
}

#[test]
fn the_same_edits_the_other_way_round_are_compatible() {
    // Removing an optional field consumers send and making a received field required.
    let new = ORDERS_V2
        .replace(
            "      properties:\n        customerId: {type: string}\n",
            "      properties:\n",
        )
        .replace(
            "required: [orderId, carrier]",
            "required: [orderId, carrier, note]",
        );
    let report = compare_yaml(ORDERS_V2, &new);
    assert!(!report.breaking, "{:?}", rules_of(&report));
    assert_eq!(
        find(&report, "request-property-removed").map(|c| c.severity),
        Some(Severity::Warning)
    );
    assert_eq!(
        find(&report, "response-property-became-required").map(|c| c.severity),
        Some(Severity::Info)
    );
}

#[test]
fn recursive_schemas_are_compared_without_looping() {
    let new = ORDERS_V2.replace(
        "        sku: {type: string}",
        "        sku: {type: string, maxLength: 12}",
    );
    let report = compare_yaml(ORDERS_V2, &new);
    let change =
        find(&report, "request-max-length-decreased").expect("found through the $ref cycle");
    assert!(
        change.message.contains("`lines[].sku`"),
        "{}",
        change.message
    );
    assert!(compare_yaml(ORDERS_V2, ORDERS_V2).changes.is_empty());
}

#[test]
fn asyncapi_2_is_compared_with_its_3_0_upgrade_without_breaking_changes() {
    let old = yaml(ORDERS_V2);
    let upgraded = crate::upgrade::convert_asyncapi_to_v3(&old).unwrap();
    let report = compare(&old, &upgraded);
    assert!(!report.breaking, "{:?}", rules_of(&report));
    assert!(report.warnings.iter().any(|w| {
        w.message
            .contains("AsyncAPI 2.6.0 is compared with AsyncAPI 3.0.0")
    }));
}

#[test]
fn reply_messages_travel_the_other_way() {
    let doc = |extra: &str| {
        format!(
            "asyncapi: 3.0.0
info: {{title: Rpc, version: 1.0.0}}
channels:
  requests:
    address: requests
    messages:
      Ask: {{payload: {{type: object, properties: {{q: {{type: string}}}}}}}}
  replies:
    address: replies
    messages:
      Answer: {{payload: {{type: object, properties: {{a: {{type: string{extra}}}}}}}}}
operations:
  ask:
    action: receive
    channel: {{$ref: '#/channels/requests'}}
    reply:
      channel: {{$ref: '#/channels/replies'}}
"
        )
    };
    let report = compare_yaml(&doc(""), &doc(", enum: [yes, no]"));
    let change = find(&report, "response-enum-added").expect("the reply goes to consumers");
    assert_eq!(
        (change.direction, change.severity),
        (Direction::Receives, Severity::Info)
    );
}

#[test]
fn read_only_properties_in_requests_and_deprecated_removals_are_not_breaking() {
    let doc = |required: &str, extra: &str| {
        format!(
            "openapi: 3.0.3
info: {{title: Shop, version: 1.0.0}}
paths:
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [{required}]
              properties:
                id: {{type: string, readOnly: true}}
                name: {{type: string}}
      responses:
        '201': {{description: Created}}
{extra}"
        )
    };
    let report = compare_yaml(&doc("name", ""), &doc("name, id", ""));
    assert_eq!(
        find(&report, "request-property-became-required").map(|c| c.severity),
        Some(Severity::Info)
    );
    let deprecated =
        "    get:\n      deprecated: true\n      responses:\n        '200': {description: OK}\n";
    let report = compare_yaml(&doc("name", deprecated), &doc("name", ""));
    assert_eq!(
        find(&report, "deprecated-operation-removed").map(|c| c.severity),
        Some(Severity::Info)
    );
    assert!(!report.breaking);
}

#[test]
fn openapi_locations_have_lines_on_both_sides_and_null_where_absent() {
    let old = "openapi: 3.1.0\ninfo: {title: A, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: OK}\n  /b:\n    get:\n      responses:\n        '200': {description: OK}\n";
    let new = "openapi: 3.1.0\ninfo: {title: A, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: OK}\n";
    let report = compare_yaml(old, new);
    let removed = find(&report, "operation-removed").unwrap();
    let at = removed.old.as_ref().unwrap();
    assert_eq!(
        (at.file.as_str(), at.pointer.as_str(), at.line),
        ("old.yaml", "/paths/~1b/get", Some(9))
    );
    assert!(removed.new.is_none());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["suggested_bump"], "major");
    assert_eq!(json["changes"][0]["severity"], "breaking");
    assert_eq!(json["changes"][0]["direction"], "both");
    assert!(json["changes"][0]["new"].is_null());
    assert_eq!(json["changes"][0]["old"]["line"], 9);
}

#[test]
fn overrides_change_and_silence_rules() {
    let old = openapi(
        rules()
            .iter()
            .find(|r| r.id == "operation-removed")
            .unwrap()
            .before,
    );
    let new = openapi(
        rules()
            .iter()
            .find(|r| r.id == "operation-removed")
            .unwrap()
            .after,
    );
    let (old, new) = (
        Input::single("a.json", &to_json(&old)),
        Input::single("b.json", &to_json(&new)),
    );
    let options = DiffOptions {
        overrides: RuleOverrides::parse("rules:\n  operation-removed: warning\n").unwrap(),
    };
    let report = diff(&old, &new, &options).unwrap();
    assert_eq!(
        find(&report, "operation-removed").map(|c| c.severity),
        Some(Severity::Warning)
    );
    assert!(!report.breaking);
    assert_eq!(report.suggested_bump, Bump::Minor);
    let options = DiffOptions {
        overrides: RuleOverrides::parse(r#"{"rules": {"operation-removed": "off"}}"#).unwrap(),
    };
    assert!(diff(&old, &new, &options).unwrap().changes.is_empty());
}

#[test]
fn bad_input_is_refused_with_the_side_and_its_diagnostics() {
    let openapi_doc = Input::single(
        "a.yaml",
        "openapi: 3.1.0\ninfo: {title: A, version: '1'}\npaths: {}\n",
    );
    let asyncapi_doc = Input::single(
        "b.yaml",
        "asyncapi: 3.0.0\ninfo: {title: B, version: '1'}\n",
    );
    let error = diff(&openapi_doc, &asyncapi_doc, &DiffOptions::default()).unwrap_err();
    assert!(matches!(error, DiffError::KindMismatch { .. }));
    assert!(error.to_string().contains("OpenAPI") && error.to_string().contains("AsyncAPI"));
    let broken = Input::single("c.yaml", "openapi: [unclosed\n");
    match diff(&broken, &openapi_doc, &DiffOptions::default()).unwrap_err() {
        DiffError::Unreadable { side, diagnostics } => {
            assert!(side == "old" && !diagnostics.is_empty())
        }
        other => panic!("{other:?}"),
    }
    // Parses with a known version but does not validate: compared, with warnings.
    let invalid = Input::single("d.yaml", "openapi: 3.1.0\ninfo: {title: A}\npaths: {}\n");
    let report = diff(&invalid, &openapi_doc, &DiffOptions::default()).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.side == Some(super::Side::Old)),
        "{:?}",
        report.warnings
    );
}

#[test]
fn renderers_summarise_and_point_at_lines() {
    let report = compare_yaml(
        ORDERS_V2,
        &ORDERS_V2.replace("          note: {type: string}\n", ""),
    );
    let text = report.to_text();
    assert!(
        text.contains("breaking") && text.contains("old.yaml:25"),
        "{text}"
    );
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("### API changes: **Breaking changes**"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| Change | Direction | Where | Rule |")
            && markdown.contains("`response-property-removed`"),
        "{markdown}"
    );
    assert_eq!(
        compare_yaml(ORDERS_V2, ORDERS_V2)
            .to_markdown()
            .lines()
            .next(),
        Some("### API changes: No breaking changes")
    );
}

#[test]
fn renamed_and_moved_channels_are_matched_not_removed_and_added() {
    let old = asyncapi(
        "channels:\n  orders: {address: orders}\n  refunds: {address: refunds}\n  audit: {address: audit}\n\
         operations:\n  onRefund: {action: receive, channel: {$ref: '#/channels/refunds'}}\n",
    );
    // `orders` renamed (same address); `refunds` moved (new id and address, same
    // operation on it); `audit` gone; `billing` new.
    let new = asyncapi(
        "channels:\n  orderEvents: {address: orders}\n  money-back: {address: refunds/v2}\n  billing: {address: billing}\n\
         operations:\n  onRefund: {action: receive, channel: {$ref: '#/channels/money-back'}}\n",
    );
    let report = compare(&old, &new);
    let rules = rules_of(&report);
    assert!(
        find(&report, "channel-address-changed").is_some(),
        "the moved channel is matched by its operation: {rules:?}"
    );
    let removed: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.rule == "channel-removed")
        .map(|c| c.message.as_str())
        .collect();
    assert_eq!(removed.len(), 1, "{rules:?}");
    assert!(removed[0].contains("`audit`"), "{removed:?}");
    let added: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.rule == "channel-added")
        .map(|c| c.message.as_str())
        .collect();
    assert_eq!(added.len(), 1, "{rules:?}");
    assert!(added[0].contains("`billing`"), "{added:?}");
}
