//! References to published assets (`portico:GROUP/ASSET/REQ#/pointer`): the engine
//! resolves them to documents the caller supplies, says plainly when it did not, and
//! keeps a published document a single file.

use std::collections::BTreeMap;

use spec_engine::dependency::{dependency_references, missing_dependencies};
use spec_engine::{Analysis, Input, Severity, analyze};

const ORDERS: &str = r#"asyncapi: 3.0.0
info: {title: Orders, version: 1.1.0}
components:
  schemas:
    Order:
      type: object
      properties:
        orderId: {type: string}
        customer: {$ref: '#/components/schemas/Customer'}
    Customer:
      type: object
      properties:
        name: {type: string}
"#;

fn billing(reference: &str) -> String {
    format!(
        r#"asyncapi: 3.0.0
info: {{title: Billing, version: 1.0.0}}
channels:
  invoices:
    address: invoices
    messages:
      Invoice:
        payload:
          $ref: '{reference}'
"#
    )
}

fn input(files: &[(&str, &str)]) -> Input {
    let files: BTreeMap<String, String> = files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    Input::project(files, "billing.yaml")
}

fn errors(analysis: &Analysis) -> Vec<String> {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}#{}: {}", d.file, d.pointer, d.message))
        .collect()
}

fn payload(analysis: &Analysis) -> serde_json::Value {
    let model = analysis.model.as_ref().expect("a model");
    model.messages[0].payload.clone().expect("a payload")
}

#[test]
fn a_missing_dependency_is_reported_plainly_at_its_ref() {
    let text = billing("portico:acme/orders/^9#/components/schemas/Order");
    let input = input(&[("billing.yaml", &text)]);
    let analysis = analyze(&input);
    let found = errors(&analysis);
    assert_eq!(
        found,
        [
            "billing.yaml#/channels/invoices/messages/Invoice/payload/$ref: Unresolved reference \"portico:acme/orders/^9#/components/schemas/Order\": no published version of acme/orders matching ^9 that you may read."
        ],
    );
    assert_eq!(
        analysis.documents.as_ref().unwrap().missing,
        ["portico:acme/orders/^9"]
    );
    assert_eq!(missing_dependencies(&input), ["portico:acme/orders/^9"]);
}

#[test]
fn a_supplied_dependency_resolves_with_its_own_local_references() {
    let text = billing("portico:acme/orders/%5E1#/components/schemas/Order");
    let input = input(&[("billing.yaml", &text), ("portico:acme/orders/^1", ORDERS)]);
    assert!(missing_dependencies(&input).is_empty());
    let analysis = analyze(&input);
    assert!(errors(&analysis).is_empty(), "{:?}", errors(&analysis));
    let payload = payload(&analysis);
    assert_eq!(
        payload["properties"]["customer"]["properties"]["name"]["type"], "string",
        "{payload}"
    );
    let references = dependency_references(analysis.documents.as_ref().unwrap());
    assert_eq!(references.len(), 1);
    assert_eq!(references[0].file, "billing.yaml");
    assert_eq!(references[0].target_file, "portico:acme/orders/^1");
    assert_eq!(references[0].target_pointer, "/components/schemas/Order");
    assert_eq!(
        references[0].pointer,
        "/channels/invoices/messages/Invoice/payload/$ref"
    );
}

#[test]
fn a_bundled_project_keeps_its_references_to_published_assets() {
    let main = billing("schemas.yaml#/Invoice");
    let schemas = "Invoice:\n  type: object\n  properties:\n    order: {$ref: 'portico:acme/orders/1.1.0#/components/schemas/Order'}\n";
    let input = input(&[
        ("billing.yaml", &main),
        ("schemas.yaml", schemas),
        ("portico:acme/orders/1.1.0", ORDERS),
    ]);
    let analysis = analyze(&input);
    assert!(errors(&analysis).is_empty(), "{:?}", errors(&analysis));
    let bundled = analysis.documents.unwrap().bundled().unwrap();
    let payload = &bundled["channels"]["invoices"]["messages"]["Invoice"]["payload"];
    assert_eq!(
        payload["properties"]["order"]["$ref"],
        "portico:acme/orders/1.1.0#/components/schemas/Order"
    );
}

#[test]
fn a_malformed_coordinate_is_an_error_at_its_ref() {
    let text = billing("portico:acme/orders/latest#/components/schemas/Order");
    let analysis = analyze(&input(&[("billing.yaml", &text)]));
    let found = errors(&analysis);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("billing.yaml#/channels/invoices/messages/Invoice/payload/$ref: The reference \"portico:acme/orders/latest#/components/schemas/Order\" names no published asset"),
        "{found:?}"
    );
}

#[test]
fn a_published_document_may_not_reference_relative_files() {
    let orders = ORDERS.replace(
        "'#/components/schemas/Customer'",
        "'customer.yaml#/Customer'",
    );
    let text = billing("portico:acme/orders/^1#/components/schemas/Order");
    let analysis = analyze(&input(&[
        ("billing.yaml", &text),
        ("portico:acme/orders/^1", &orders),
        ("customer.yaml", "Customer: {type: object}"),
    ]));
    let found = errors(&analysis);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "portico:acme/orders/^1#/components/schemas/Order/properties/customer/$ref:"
        ) && found[0].contains("is a single file"),
        "{found:?}"
    );
}

#[test]
fn nested_dependencies_resolve_and_are_bounded() {
    let orders = ORDERS.replace(
        "'#/components/schemas/Customer'",
        "'portico:acme/customers/1.0.0#/components/schemas/Customer'",
    );
    let customers = "asyncapi: 3.0.0\ninfo: {title: Customers, version: 1.0.0}\ncomponents:\n  schemas:\n    Customer: {type: object, properties: {name: {type: integer}}}\n";
    let text = billing("portico:acme/orders/^1#/components/schemas/Order");
    let partial = input(&[("billing.yaml", &text), ("portico:acme/orders/^1", &orders)]);
    assert_eq!(
        missing_dependencies(&partial),
        ["portico:acme/customers/1.0.0"]
    );
    let complete = input(&[
        ("billing.yaml", &text),
        ("portico:acme/orders/^1", &orders),
        ("portico:acme/customers/1.0.0", customers),
    ]);
    let analysis = analyze(&complete);
    assert!(errors(&analysis).is_empty(), "{:?}", errors(&analysis));
    assert_eq!(
        payload(&analysis)["properties"]["customer"]["properties"]["name"]["type"],
        "integer"
    );
    let references = dependency_references(analysis.documents.as_ref().unwrap());
    assert_eq!(references.len(), 2);
    assert_eq!(references[1].file, "portico:acme/orders/^1");

    // A chain of 40 published documents stops at the bound, and says so.
    let mut files = vec![(
        "billing.yaml".to_owned(),
        billing("portico:acme/a0/1.0.0#/components/schemas/S"),
    )];
    for n in 0..40 {
        files.push((
            format!("portico:acme/a{n}/1.0.0"),
            format!(
                "asyncapi: 3.0.0\ninfo: {{title: A, version: 1.0.0}}\ncomponents:\n  schemas:\n    S: {{$ref: 'portico:acme/a{}/1.0.0#/components/schemas/S'}}\n",
                n + 1
            ),
        ));
    }
    let chained: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let analysis = analyze(&input(&chained));
    assert!(
        errors(&analysis)
            .iter()
            .any(|e| e.contains("at most 32 published documents")),
        "{:?}",
        errors(&analysis)
    );
}

#[test]
fn the_file_rules_leave_published_documents_alone() {
    let orders = format!("{ORDERS}tags:\n  - name: a\n  - name: a\n");
    let text = billing("portico:acme/orders/^1#/components/schemas/Order");
    let analysis = analyze(&input(&[
        ("billing.yaml", &text),
        ("portico:acme/orders/^1", &orders),
    ]));
    assert!(
        analysis
            .diagnostics
            .iter()
            .all(|d| !d.file.starts_with("portico:")),
        "{:?}",
        analysis.diagnostics
    );
}
