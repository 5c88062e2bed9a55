//! Rulesets end to end: read in Spectral's format, run over small projects, findings
//! compared by rule id, pointer, severity and message.

use std::collections::BTreeMap;

use super::*;
use crate::diagnostic::Severity;
use crate::input::Input;

/// Reads rulesets from an in-memory folder.
struct Files(BTreeMap<&'static str, &'static str>);

impl RulesetReader for Files {
    fn read(&self, reference: &str, _from: Option<&str>) -> Result<(String, String), String> {
        self.0
            .get(reference)
            .map(|text| (reference.to_owned(), (*text).to_owned()))
            .ok_or_else(|| format!("no ruleset {reference}"))
    }
}

fn ruleset(text: &str) -> Ruleset {
    Ruleset::from_text(text, "rules.yaml", &NoFiles).unwrap_or_else(|e| panic!("{e}"))
}

fn lint_text(document: &str, ruleset: &Ruleset) -> Vec<crate::Diagnostic> {
    let input = Input::single("api.yaml", document);
    let mut analysis = crate::check(&input);
    crate::apply_ruleset(&input, &mut analysis, ruleset);
    analysis
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.is_some())
        .collect()
}

fn found(document: &str, ruleset: &Ruleset) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = lint_text(document, ruleset)
        .into_iter()
        .map(|d| (d.rule.unwrap_or_default(), d.pointer))
        .collect();
    out.sort();
    out
}

const PETSTORE: &str = r##"openapi: 3.0.3
info:
  title: Pets
  version: "1"
paths:
  /pets:
    get:
      operationId: list_pets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Pet"
    post:
      operationId: createPet
      description: Adds a pet.
      responses:
        "201":
          description: created
components:
  schemas:
    Pet:
      type: object
      properties:
        name:
          type: string
          enum: [1, rex]
        friend:
          $ref: "#/components/schemas/Pet"
    Unused:
      type: string
"##;

#[test]
fn a_rule_reports_at_the_line_of_its_value_with_its_id_and_message() {
    let rules = ruleset(
        r#"
rules:
  operation-description:
    description: Operations are described.
    message: "{{property}} is missing at {{path}}"
    severity: error
    given: $.paths[*][*]
    then:
      field: description
      function: truthy
"#,
    );
    let findings = lint_text(PETSTORE, &rules);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding.rule.as_deref(), Some("operation-description"));
    assert_eq!(finding.severity, Severity::Error);
    // Spectral reports a missing field at its parent, naming the field in the message.
    assert_eq!(finding.pointer, "/paths/~1pets/get");
    assert_eq!(
        finding.message,
        "get.description is missing at #/paths/~1pets/get"
    );
    assert_eq!(finding.line, Some(7));
}

#[test]
fn resolved_rules_report_where_the_value_is_written_once() {
    let rules = ruleset(
        r#"
rules:
  typed-enum:
    given: "$..[?(@ && @.enum && @.type)]"
    then:
      function: typedEnum
"#,
    );
    assert_eq!(
        found(PETSTORE, &rules),
        [(
            "typed-enum".into(),
            "/components/schemas/Pet/properties/name/enum/0".into()
        )]
    );
}

#[test]
fn a_key_spectral_percent_encodes_ends_a_location_reached_through_a_reference() {
    // Spectral's ref map keeps the keys after a reference percent-encoded: `+1` reached
    // through the operation's `$ref` is reported at `properties`, and at itself when the
    // walk reaches it directly in components. `total` is placed exactly either way.
    let document = r##"openapi: 3.0.3
info: {title: Reactions, version: "1"}
paths:
  /reactions:
    get:
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Rollup"}
components:
  schemas:
    Rollup:
      type: object
      properties:
        "+1": {type: integer}
        total: {type: integer}
"##;
    let rules = ruleset(
        r#"
rules:
  integer-format:
    given: $..[?(@ && @.type=="integer")]
    then:
      field: format
      function: defined
"#,
    );
    let pointers: Vec<String> = found(document, &rules)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(
        pointers,
        [
            "/components/schemas/Rollup/properties",
            "/components/schemas/Rollup/properties/+1",
            "/components/schemas/Rollup/properties/total",
        ]
    );
}

#[test]
fn unresolved_rules_see_references_as_written() {
    let rules = ruleset(
        r#"
rules:
  no-ref-siblings:
    resolved: false
    given: "$..[?(@property === '$ref')]"
    then:
      function: pattern
      functionOptions:
        notMatch: "Pet$"
"#,
    );
    let found = found(PETSTORE, &rules);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(_, pointer)| pointer.ends_with("/$ref")));
}

#[test]
fn unreferenced_reusable_objects_are_found() {
    let rules = ruleset(
        r##"
rules:
  unused:
    given: $.components.schemas
    then:
      function: unreferencedReusableObject
      functionOptions:
        reusableObjectsLocation: "#/components/schemas"
"##,
    );
    assert_eq!(
        found(PETSTORE, &rules),
        [("unused".into(), "/components/schemas/Unused".into())]
    );
}

#[test]
fn extends_severities_and_recommended_follow_spectral() {
    let reader = Files(BTreeMap::from([
        (
            "base.yaml",
            r#"
rules:
  op-id-camel:
    given: "$.paths[*][*].operationId"
    then:
      function: casing
      functionOptions: { type: camel }
  info-contact:
    recommended: false
    given: $.info
    then: { field: contact, function: truthy }
"#,
        ),
        (
            "team.yaml",
            r#"
extends: [base.yaml]
rules:
  op-id-camel: error
"#,
        ),
    ]));
    let team = Ruleset::load("team.yaml", &reader).unwrap();
    let findings = lint_text(PETSTORE, &team);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].pointer, "/paths/~1pets/get/operationId");

    // `all` turns on what is not recommended; `off` turns everything off.
    let all = Ruleset::from_text("extends: [[base.yaml, all]]", "x.yaml", &reader).unwrap();
    assert_eq!(lint_text(PETSTORE, &all).len(), 2);
    let off = Ruleset::from_text(
        "extends: [[base.yaml, off]]\nrules:\n  info-contact: warn\n",
        "x.yaml",
        &reader,
    )
    .unwrap();
    let findings = lint_text(PETSTORE, &off);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].rule.as_deref(), Some("info-contact"));
    assert_eq!(findings[0].pointer, "/info");
}

#[test]
fn a_rule_needing_javascript_is_listed_not_skipped_in_silence() {
    let rules = ruleset(
        r#"
functions: [myCheck]
rules:
  custom:
    given: $
    then: { function: myCheck }
"#,
    );
    assert_eq!(
        rules.unsupported(),
        [Unsupported {
            rule: "custom".into(),
            function: "myCheck".into()
        }]
    );
    assert!(lint_text(PETSTORE, &rules).is_empty());
}

#[test]
fn bad_rulesets_say_what_and_where() {
    let cases = [
        (
            "rules:\n  r:\n    given: $\n    then: { function: pattern }\n",
            "/rules/r",
        ),
        (
            "rules:\n  r:\n    given: '$[?(@.a ==)]'\n    then: { function: truthy }\n",
            "/rules/r/given",
        ),
        ("rules:\n  r: error\n", "/rules/r"),
        ("rulez: {}\n", "/rulez"),
        (
            "rules:\n  r:\n    given: '#Nope'\n    then: { function: truthy }\n",
            "/rules/r/given",
        ),
    ];
    for (text, pointer) in cases {
        let error = Ruleset::from_text(text, "rules.yaml", &NoFiles).unwrap_err();
        assert_eq!(error.pointer, pointer, "{text}: {error}");
        assert!(!error.message.is_empty());
    }
}

#[test]
fn formats_limit_rules_to_their_documents() {
    let rules = ruleset(
        r#"
rules:
  async-only:
    formats: [asyncapi2, asyncapi3]
    given: $.info
    then: { field: contact, function: truthy }
"#,
    );
    assert!(lint_text(PETSTORE, &rules).is_empty());
    let asyncapi = "asyncapi: 3.0.0\ninfo:\n  title: A\n  version: '1'\n";
    assert_eq!(lint_text(asyncapi, &rules).len(), 1);
}

#[test]
fn aliases_expand_simply_and_per_format() {
    let rules = ruleset(
        r##"
aliases:
  PathItem: ["$.paths[*]"]
  Operation: ["#PathItem[get,post]"]
  Described:
    targets:
      - formats: [oas2]
        given: ["$.info"]
      - formats: [oas3]
        given: ["#Operation"]
rules:
  op-ids:
    given: "#Operation.operationId"
    then: { function: casing, functionOptions: { type: snake } }
  described:
    given: "#Described"
    then: { field: description, function: truthy }
"##,
    );
    assert_eq!(
        found(PETSTORE, &rules),
        [
            ("described".into(), "/paths/~1pets/get".into()),
            ("op-ids".into(), "/paths/~1pets/post/operationId".into()),
        ]
    );
}

#[test]
fn overrides_apply_by_file_and_by_pointer() {
    let text = r#"
rules:
  info-contact:
    given: $.info
    then: { field: contact, function: truthy }
overrides:
  - files: ["legacy/**/*.yaml"]
    rules:
      info-contact: off
  - files: ["api.yaml#/info"]
    rules:
      info-contact: error
"#;
    let rules = Ruleset::from_text(text, "/work/rules.yaml", &NoFiles).unwrap();
    let legacy = rules
        .for_document("/work/legacy/v1/api.yaml", &NoFiles)
        .unwrap();
    assert!(lint_text(PETSTORE, &legacy).is_empty());
    let current = rules.for_document("/work/api.yaml", &NoFiles).unwrap();
    let findings = lint_text(PETSTORE, &current);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Error);
    let other = rules.for_document("/work/other.yaml", &NoFiles).unwrap();
    assert_eq!(lint_text(PETSTORE, &other)[0].severity, Severity::Warning);
}

#[test]
fn circular_references_neither_hang_nor_repeat() {
    let document = r##"openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    A:
      type: object
      properties:
        b: {$ref: "#/components/schemas/B"}
    B:
      type: object
      properties:
        a: {$ref: "#/components/schemas/A"}
        self: {$ref: "#/components/schemas/B"}
"##;
    let rules = ruleset(
        r#"
rules:
  described:
    given: "$..properties[*]"
    then: { field: description, function: truthy }
"#,
    );
    let found = found(document, &rules);
    assert_eq!(
        found,
        [
            (
                "described".into(),
                "/components/schemas/A/properties/b".into()
            ),
            (
                "described".into(),
                "/components/schemas/B/properties/a".into()
            ),
            (
                "described".into(),
                "/components/schemas/B/properties/self".into()
            ),
        ]
    );
}

#[test]
fn a_file_that_references_itself_by_name_is_linted_without_end() {
    // As Spectral resolves a whole-file reference to the file itself, the document is
    // infinite as the rules see it: a `schema` function copying it must stop.
    let document = r##"type: object
properties:
  name: {type: string}
  steps:
    type: array
    items: {$ref: api.yaml}
"##;
    let rules = ruleset(
        r#"
rules:
  steps-are-strings:
    given: "$.properties.steps"
    then: { function: schema, functionOptions: { schema: { type: string } } }
"#,
    );
    assert_eq!(
        found(document, &rules),
        [("steps-are-strings".into(), "/properties/steps".into())]
    );
}

#[test]
fn the_recommended_ruleset_checks_each_message_example_against_its_schemas() {
    let document = r##"asyncapi: 3.0.0
info: {title: T, version: "1", description: d, contact: {name: n}}
servers:
  production: {host: broker.example.com, protocol: mqtt, security: [{$ref: "#/components/securitySchemes/user"}]}
channels:
  orders:
    address: orders
    description: Orders.
    messages:
      created: {$ref: "#/components/messages/created"}
operations:
  onCreated:
    action: receive
    description: Hears of orders.
    channel: {$ref: "#/channels/orders"}
components:
  securitySchemes:
    user: {type: userPassword}
  messages:
    created:
      payload:
        type: object
        required: [id]
        properties: {id: {type: string}}
      examples:
        - payload: {id: "1"}
        - payload: {id: 2}
"##;
    let rules = Ruleset::load("portico:recommended", &NoFiles).expect("built in");
    let findings: Vec<_> = found(document, &rules)
        .into_iter()
        .filter(|(rule, _)| rule == "portico-message-examples-valid")
        .collect();
    assert_eq!(
        findings,
        [(
            "portico-message-examples-valid".into(),
            "/components/messages/created/examples/1/payload/id".into()
        )]
    );
}

#[test]
fn core_functions_behave_as_documented() {
    let document = r#"openapi: 3.0.3
info:
  title: pets API
  version: "1"
  x-list: [b, a]
  x-count: 3
  x-both: {a: 1, b: 2}
paths: {}
"#;
    let cases: [(&str, usize); 14] = [
        (
            "{ field: title, function: pattern, functionOptions: { match: '^[A-Z]' } }",
            1,
        ),
        (
            "{ field: title, function: pattern, functionOptions: { notMatch: '/API$/i' } }",
            1,
        ),
        (
            "{ field: title, function: casing, functionOptions: { type: flat } }",
            1,
        ),
        (
            "{ field: version, function: casing, functionOptions: { type: flat } }",
            1,
        ),
        (
            "{ field: title, function: length, functionOptions: { max: 4 } }",
            1,
        ),
        (
            "{ field: x-count, function: length, functionOptions: { min: 3 } }",
            0,
        ),
        (
            "{ field: version, function: enumeration, functionOptions: { values: ['1', '2'] } }",
            0,
        ),
        (
            "{ field: x-count, function: enumeration, functionOptions: { values: [1, 2] } }",
            1,
        ),
        ("{ field: x-list, function: alphabetical }", 1),
        (
            "{ field: x-both, function: xor, functionOptions: { properties: [a, b] } }",
            1,
        ),
        (
            "{ field: x-both, function: or, functionOptions: { properties: [a, c] } }",
            0,
        ),
        ("{ field: x-missing, function: defined }", 1),
        ("{ field: title, function: undefined }", 1),
        (
            "{ field: x-both, function: schema, functionOptions: { schema: { type: object, required: [c] } } }",
            1,
        ),
    ];
    for (then, expected) in cases {
        let rules = ruleset(&format!(
            "rules:\n  r:\n    given: $.info\n    then: {then}\n"
        ));
        let findings = lint_text(document, &rules);
        assert_eq!(findings.len(), expected, "{then}: {findings:?}");
    }
}
