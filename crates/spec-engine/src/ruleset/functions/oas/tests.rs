//! One small document per function, linted with the whole `portico:oas` ruleset; each
//! test looks at the findings of the rule that calls the function.

use std::borrow::Cow;

use portico_jsonpath::Segment;
use serde_json::{Value, json};

use crate::ruleset::format::Format;
use crate::ruleset::functions::{Failure, Function, Lookup, Target};
use crate::ruleset::{NoFiles, Ruleset};

/// Portico reads no Swagger 2.0 document, so the functions of the `oas2-` rules are
/// called directly, on a document as written.
struct Swagger(Value);

impl Lookup for Swagger {
    fn formats(&self) -> &[Format] {
        &[Format::Oas2]
    }
    fn resolved<'v>(&self, value: &'v Value) -> Cow<'v, Value> {
        Cow::Borrowed(value)
    }
    fn is_referenced(&self, _pointer: &str) -> bool {
        false
    }
    fn follow<'v>(&'v self, value: &'v Value) -> &'v Value {
        value
    }
    fn document(&self) -> &Value {
        &self.0
    }
}

fn call(function: &str, options: Option<Value>, document: Value, at: &[&str]) -> Vec<Failure> {
    let function = Function::prepare(function, options.as_ref()).expect("a function");
    let path: Vec<Segment> = at.iter().map(|k| Segment::Key((*k).to_owned())).collect();
    let lookup = Swagger(document);
    let mut value = Some(lookup.document());
    for key in at {
        value = value.and_then(|v| v.get(*key));
    }
    function.call(Target { value, path: &path }, &lookup)
}

fn keys(at: &[&str]) -> Option<Vec<Segment>> {
    Some(at.iter().map(|k| Segment::Key((*k).to_owned())).collect())
}

#[test]
fn form_data_needs_a_form_media_type() {
    let document = json!({"paths": {"/a": {
        "post": {"consumes": ["application/json"], "parameters": [{"name": "f", "in": "formData"}]},
        "put": {"consumes": ["multipart/form-data"], "parameters": [{"name": "f", "in": "formData"}]},
    }}});
    let post = call(
        "oasOpFormDataConsumeCheck",
        None,
        document.clone(),
        &["paths", "/a", "post"],
    );
    assert_eq!(post.len(), 1);
    assert!(
        call(
            "oasOpFormDataConsumeCheck",
            None,
            document,
            &["paths", "/a", "put"]
        )
        .is_empty()
    );
}

#[test]
fn swagger_discriminators_are_required_properties() {
    let document = json!({"definitions": {"Pet": {
        "type": "object", "discriminator": "kind", "properties": {"kind": {"type": "string"}}
    }}});
    let failures = call("oasDiscriminator", None, document, &["definitions", "Pet"]);
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].path, keys(&["definitions", "Pet", "required"]));
}

#[test]
fn swagger_security_names_defined_schemes() {
    let document = json!({
        "securityDefinitions": {"key": {"type": "oauth2", "scopes": {"read": "r"}}},
        "security": [{"key": ["read", "write"], "other": []}]
    });
    let function = Function::prepare("oasSecurityDefined", Some(&json!({"oasVersion": 2})))
        .expect("a function");
    let lookup = Swagger(document);
    let requirement = &lookup.document()["security"][0];
    let path = [Segment::Key("security".into()), Segment::Index(0)];
    let failures = function.call(
        Target {
            value: Some(requirement),
            path: &path,
        },
        &lookup,
    );
    let messages: Vec<&str> = failures.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "\"write\" must be listed among scopes.",
            "API \"security\" values must match a scheme defined in the \"securityDefinitions\" object."
        ]
    );
}

fn oas() -> Ruleset {
    Ruleset::load("portico:oas", &NoFiles).unwrap_or_else(|e| panic!("{e}"))
}

/// The (pointer, message) findings of one rule on a document.
fn findings(document: &str, rule: &str) -> Vec<(String, String)> {
    crate::ruleset::functions::builtin_findings("portico:oas", document, rule)
}

fn pointers(document: &str, rule: &str) -> Vec<String> {
    crate::ruleset::functions::builtin_pointers("portico:oas", document, rule)
}

#[test]
fn every_rule_of_spectral_oas_is_there_and_runs() {
    let ruleset = oas();
    assert!(
        ruleset.unsupported().is_empty(),
        "{:?}",
        ruleset.unsupported()
    );
    assert_eq!(ruleset.rules.len(), 57);
    let spectral = Ruleset::load("spectral:oas", &NoFiles).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spectral.rules.len(), 57);
    let recommended = ruleset.rules.iter().filter(|r| r.enabled).count();
    assert_eq!(recommended, 46);
}

#[test]
fn an_operation_needs_a_success_response() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      responses:
        "404": {description: no}
    put:
      responses:
        2XX: {description: ok}
"#;
    assert_eq!(
        findings(document, "operation-success-response"),
        [(
            "/paths/~1a/get/responses".to_owned(),
            // No message of its own: Spectral prints the description.
            "Operation must have at least one \"2xx\" or \"3xx\" response.".to_owned()
        )]
    );
}

#[test]
fn operation_ids_are_unique() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get: {operationId: one, responses: {"200": {description: ok}}}
  /b:
    get: {operationId: one, responses: {"200": {description: ok}}}
    put: {operationId: two, responses: {"200": {description: ok}}}
"#;
    assert_eq!(
        pointers(document, "operation-operationId-unique"),
        ["/paths/~1b/get/operationId"]
    );
}

#[test]
fn parameters_are_unique_with_one_body() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    post:
      parameters:
        - {name: q, in: query, type: string}
        - {name: q, in: query, type: string}
        - {name: b, in: body, schema: {}}
        - {name: c, in: body, schema: {}}
        - {name: f, in: formData, type: string}
      responses:
        "200": {description: ok}
"#;
    assert_eq!(
        pointers(document, "operation-parameters"),
        [
            "/paths/~1a/post/parameters",
            "/paths/~1a/post/parameters/1",
            "/paths/~1a/post/parameters/3"
        ]
    );
}

#[test]
fn operation_tags_are_declared() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
tags: [{name: pets}]
paths:
  /a:
    get: {tags: [pets, owners], responses: {"200": {description: ok}}}
"#;
    assert_eq!(
        pointers(document, "operation-tag-defined"),
        ["/paths/~1a/get/tags/1"]
    );
}

#[test]
fn path_parameters_match_the_template() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a/{id}:
    get:
      parameters:
        - {name: other, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
  /a/{key}:
    parameters:
      - {name: key, in: path, schema: {type: string}}
    get:
      responses: {"200": {description: ok}}
"#;
    let found = findings(document, "path-params");
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a~1{id}/get",
            "/paths/~1a~1{id}/get/parameters/0",
            "/paths/~1a~1{key}",
            "/paths/~1a~1{key}/parameters/0"
        ],
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, m)| m == "Paths \"/a/{id}\" and \"/a/{key}\" must not be equivalent.")
    );
}

#[test]
fn security_requirements_name_defined_schemes_and_scopes() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
security:
  - missing: []
paths:
  /a:
    get:
      security:
        - oauth: [read, write]
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://a.example/auth
          scopes: {read: Read}
"#;
    let found = findings(document, "oas3-operation-security-defined");
    assert_eq!(
        found,
        [
            (
                "/paths/~1a/get/security/0/oauth/1".to_owned(),
                "\"write\" must be listed among scopes.".to_owned()
            ),
            (
                "/security/0/missing".to_owned(),
                "API \"security\" values must match a scheme defined in the \"components.securitySchemes\" object.".to_owned()
            ),
        ]
    );
}

#[test]
fn examples_match_their_schema() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer}}}
              examples:
                good: {value: {id: 1}}
                bad: {value: {id: one}}
components:
  schemas:
    Count:
      type: integer
      example: many
"#;
    assert_eq!(
        pointers(document, "oas3-valid-media-example"),
        ["/paths/~1a/get/responses/200/content/application~1json/examples/bad/value/id"]
    );
    assert_eq!(
        pointers(document, "oas3-valid-schema-example"),
        ["/components/schemas/Count/example"]
    );
}

#[test]
fn read_only_properties_are_not_required_in_requests() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [id, name]
              properties:
                id: {type: integer, readOnly: true}
                name: {type: string}
            example: {name: rex}
      responses: {"200": {description: ok}}
"#;
    assert!(pointers(document, "oas3-valid-media-example").is_empty());
}

#[test]
fn duplicated_enum_entries_are_found() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Color: {type: string, enum: [red, blue, red]}
"#;
    assert_eq!(
        pointers(document, "duplicated-entry-in-enum"),
        ["/components/schemas/Color/enum"]
    );
}

#[test]
fn the_document_matches_the_openapi_schema() {
    let document = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: id, in: path, schema: {type: string}}
        - $ref: "#/components/parameters/Q"
      responses:
        "200": {description: ok, colour: red}
components:
  parameters:
    Q: {name: q, in: query, schema: {type: string}}
"##;
    assert_eq!(
        pointers(document, "oas3-schema"),
        [
            "/paths/~1a/get/parameters/0",
            "/paths/~1a/get/responses/200/colour"
        ]
    );
}

#[test]
fn swagger_documents_are_not_validated_without_a_schema() {
    let document = "swagger: \"2.0\"\ninfo: {title: T}\npaths: {}\n";
    assert!(pointers(document, "oas2-schema").is_empty());
}

#[test]
fn unused_components_are_found() {
    let document = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Used"}
components:
  schemas:
    Used: {type: string}
    Unused: {type: string}
"##;
    assert_eq!(
        pointers(document, "oas3-unused-component"),
        ["/components/schemas/Unused"]
    );
}

#[test]
fn tag_names_are_unique() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
tags: [{name: a}, {name: b}, {name: a}]
paths: {}
"#;
    assert_eq!(
        pointers(document, "openapi-tags-uniqueness"),
        ["/tags/2/name"]
    );
}

#[test]
fn refs_have_no_siblings() {
    let document = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    A: {type: string}
    B:
      $ref: "#/components/schemas/A"
      description: an A
"##;
    assert_eq!(
        pointers(document, "no-$ref-siblings"),
        ["/components/schemas/B/description"]
    );
}

#[test]
fn server_variables_are_described_and_used() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
servers:
  - url: "https://{region}.example.com/{version}"
    variables:
      region: {enum: [eu, us], default: asia}
      unused: {default: x}
  - url: "{scheme}://example.com"
    variables:
      scheme: {default: "not a scheme"}
paths: {}
"#;
    let found = findings(document, "oas3-server-variables");
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/servers/0/variables",
            "/servers/0/variables/region/default",
            "/servers/0/variables/unused",
            "/servers/1/variables",
        ],
        "{found:?}"
    );
}

#[test]
fn nullable_admits_null_in_examples() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    When:
      type: object
      properties:
        at: {type: string, nullable: true}
      example: {at: null}
    Broken:
      nullable: true
      format: date
      allOf: [{type: string}]
      example: text
"#;
    assert_eq!(
        findings(document, "oas3-valid-schema-example"),
        [(
            "/components/schemas/Broken/example".to_owned(),
            "\"nullable\" cannot be used without \"type\"".to_owned()
        )]
    );
}

#[test]
fn the_first_error_is_the_one_spectral_meets_first() {
    // Ajv checks `required` before `properties`, whatever order the schema writes them in.
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
      required: [id]
      example: {name: 1}
"#;
    assert_eq!(
        pointers(document, "oas3-valid-schema-example"),
        ["/components/schemas/Pet/example"]
    );
}

#[test]
fn schemas_left_with_references_to_other_files_are_not_checked() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: "missing.yaml#/Owner"}
      example: {owner: 1}
"#;
    assert!(pointers(document, "oas3-valid-schema-example").is_empty());
}

#[test]
fn a_result_on_a_reference_is_placed_where_it_leads() {
    // Spectral reports the example once, at the component the parameter refers to.
    let document = r##"
openapi: 3.1.0
info: {title: T, version: "1"}
components:
  examples:
    empty: {}
  parameters:
    p:
      name: p
      in: query
      schema: {type: string}
      examples:
        a: {$ref: "#/components/examples/empty"}
"##;
    assert_eq!(
        pointers(document, "oas3-examples-value-or-externalValue"),
        ["/components/examples/empty"]
    );
}
