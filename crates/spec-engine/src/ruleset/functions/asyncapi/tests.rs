//! One small document per function, linted with the whole `portico:asyncapi` ruleset;
//! each test looks at the findings of the rule that calls the function.

use crate::ruleset::{NoFiles, Ruleset};

fn asyncapi() -> Ruleset {
    Ruleset::load("portico:asyncapi", &NoFiles).unwrap_or_else(|e| panic!("{e}"))
}

/// The (pointer, message) findings of one rule on a document.
fn findings(document: &str, rule: &str) -> Vec<(String, String)> {
    crate::ruleset::functions::builtin_findings("portico:asyncapi", document, rule)
}

/// The places one rule reports, each once (as the parity with Spectral counts them).
fn pointers(document: &str, rule: &str) -> Vec<String> {
    let mut out: Vec<String> = findings(document, rule)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    out.dedup();
    out
}

#[test]
fn every_rule_of_spectral_asyncapi_is_there_and_runs() {
    let ruleset = asyncapi();
    assert!(
        ruleset.unsupported().is_empty(),
        "{:?}",
        ruleset.unsupported()
    );
    assert_eq!(ruleset.rules.len(), 55);
    let spectral = Ruleset::load("spectral:asyncapi", &NoFiles).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spectral.rules.len(), 55);
    let recommended = ruleset.rules.iter().filter(|r| r.enabled).count();
    assert_eq!(recommended, 47);
}

#[test]
fn channel_parameters_match_the_address() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  user/{userId}/{kind}:
    parameters:
      userId: {schema: {type: string}}
      extra: {schema: {type: string}}
    subscribe: {message: {payload: {type: string}}}
  plain:
    parameters:
      unused: {schema: {type: string}}
    subscribe: {message: {payload: {type: string}}}
"#;
    assert_eq!(
        findings(document, "asyncapi-channel-parameters"),
        [
            (
                "/channels/user~1{userId}~1{kind}/parameters".to_owned(),
                "Not all channel's parameters are described with \"parameters\" object. Missed: kind."
                    .to_owned()
            ),
            (
                "/channels/user~1{userId}~1{kind}/parameters/extra".to_owned(),
                "Channel's \"parameters\" object has redundant defined \"extra\" parameter."
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn asyncapi_3_channel_parameters_read_the_address() {
    let document = r#"
asyncapi: 3.0.0
info: {title: T, version: "1"}
channels:
  userSignedUp:
    address: user/{userId}
    parameters:
      id: {description: the user}
"#;
    assert_eq!(
        pointers(document, "asyncapi-channel-parameters"),
        [
            "/channels/userSignedUp/parameters",
            "/channels/userSignedUp/parameters/id"
        ]
    );
}

#[test]
fn channel_servers_are_defined() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
servers:
  production: {url: broker.example.org, protocol: mqtt}
channels:
  a:
    servers: [production, staging]
    subscribe: {message: {payload: {type: string}}}
"#;
    assert_eq!(
        pointers(document, "asyncapi-channel-servers"),
        ["/channels/a/servers/1"]
    );
}

#[test]
fn operation_ids_are_unique_counting_traits() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe: {operationId: one, message: {payload: {type: string}}}
    publish:
      operationId: two
      traits: [{operationId: one}]
      message: {payload: {type: string}}
  b:
    subscribe: {operationId: two, message: {payload: {type: string}}}
"#;
    // `a.publish` is `one` through its trait; `b.subscribe`'s `two` is then the first.
    assert_eq!(
        pointers(document, "asyncapi-operation-operationId-uniqueness"),
        ["/channels/a/publish/traits/0/operationId"]
    );
}

#[test]
fn message_ids_are_unique_across_one_of() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe:
      operationId: s
      message:
        oneOf:
          - {messageId: m, payload: {type: string}}
          - {messageId: m, payload: {type: string}}
"#;
    assert_eq!(
        pointers(document, "asyncapi-message-messageId-uniqueness"),
        ["/channels/a/subscribe/message/oneOf/1/messageId"]
    );
}

#[test]
fn security_names_defined_schemes_and_scopes() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
servers:
  production:
    url: broker.example.org
    protocol: mqtt
    security:
      - oauth: [read, write]
        missing: []
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://a.example.org", scopes: {read: r}}
"#;
    assert_eq!(
        findings(document, "asyncapi-server-security"),
        [
            (
                "/servers/production/security/0/missing".to_owned(),
                "Server must not reference an undefined security scheme.".to_owned()
            ),
            (
                "/servers/production/security/0/oauth/1".to_owned(),
                "Non-existing security scope for the specified security scheme. Available: [read]"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn message_examples_follow_payload_and_headers_with_traits_applied() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe:
      operationId: s
      message:
        payload: {type: object, properties: {n: {type: integer}}}
        traits:
          - headers: {type: object, properties: {h: {type: string}}}
        examples:
          - payload: {n: one}
            headers: {h: 1}
          - payload: {n: 1}
"#;
    assert_eq!(
        pointers(document, "asyncapi-message-examples"),
        [
            "/channels/a/subscribe/message/examples/0/headers/h",
            "/channels/a/subscribe/message/examples/0/payload/n"
        ]
    );
}

#[test]
fn schema_defaults_and_examples_match_their_schema_but_text_is_never_reported() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels: {}
components:
  schemas:
    Count:
      type: integer
      default: 1.5
      examples: [1, "two", true]
"#;
    assert_eq!(
        pointers(document, "asyncapi-schema-default"),
        ["/components/schemas/Count/default"]
    );
    assert_eq!(
        pointers(document, "asyncapi-schema-examples"),
        ["/components/schemas/Count/examples/2"]
    );
}

#[test]
fn payloads_are_asyncapi_schema_objects() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe:
      operationId: s
      message:
        payload:
          type: object
          properties:
            name: {type: strin}
            age: {minimum: low}
"#;
    assert_eq!(
        pointers(document, "asyncapi-payload"),
        [
            "/channels/a/subscribe/message/payload/properties/age/minimum",
            "/channels/a/subscribe/message/payload/properties/name/type"
        ]
    );
}

#[test]
fn the_document_schema_places_errors_where_spectral_does() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1", colour: red}
channels:
  a:
    subscribe:
      message: {payload: {type: string}, contentType: 1}
"#;
    assert_eq!(
        pointers(document, "asyncapi-schema"),
        [
            "/channels/a/subscribe/message",
            "/channels/a/subscribe/message/contentType",
            "/channels/a/subscribe/message/payload",
            "/info/colour"
        ]
    );
}

#[test]
fn asyncapi_3_references_are_checked_before_and_after_resolving() {
    let document = r##"
asyncapi: 3.0.0
info: {title: T, version: "1"}
channels:
  a:
    address: a
    messages:
      m: {$ref: "#/components/messages/m"}
operations:
  send:
    action: send
    channel: {$ref: "#/channels/a"}
    messages: [{$ref: "#/channels/a/messages/m"}]
components:
  messages:
    m:
      payload: {type: string}
      headers: {$ref: "#/components/schemas/H"}
      correlationId: {location: 5}
  schemas:
    H: {type: object}
info2: {}
"##;
    assert_eq!(
        pointers(document, "asyncapi-3-document-resolved"),
        ["/components/messages/m/correlationId/location", "/info2"]
    );
    assert!(pointers(document, "asyncapi-3-document-unresolved").is_empty());
}

#[test]
fn a_failed_one_of_reports_the_errors_of_every_branch_and_its_own() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe:
      operationId: s
      message:
        payload:
          oneOf:
            - {type: object, required: [kind]}
            - {type: object, required: [code], properties: {code: {type: integer}}}
        examples:
          - payload: {code: "no"}
"#;
    let at = "/channels/a/subscribe/message/examples/0/payload";
    assert_eq!(
        findings(document, "asyncapi-message-examples"),
        [
            (at.to_owned(), "\"payload\" property must have required property \"kind\"".to_owned()),
            (
                at.to_owned(),
                "\"payload\" property must match exactly one schema in oneOf. None of the schemas matched, see the other errors reported for this value".to_owned()
            ),
            (format!("{at}/code"), "\"code\" property type must be integer".to_owned()),
        ]
    );
}

#[test]
fn a_failed_then_is_reported_at_its_if_too() {
    // AsyncAPI 2.6 checks a message's payload by `if schemaFormat … then …`.
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe:
      operationId: s
      message:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        payload: {type: record}
"#;
    let message = findings(document, "asyncapi-schema")
        .into_iter()
        .filter(|(at, _)| at == "/channels/a/subscribe/message")
        .map(|(_, message)| message)
        .collect::<Vec<_>>();
    assert_eq!(
        message,
        [
            "\"message\" property must have required property \"oneOf\"",
            "\"message\" property must match \"then\" schema"
        ]
    );
}

#[test]
fn a_payload_that_is_no_json_schema_is_reported_as_spectral_words_it() {
    let document = r#"
asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  a:
    subscribe:
      operationId: s
      message:
        payload: {type: record}
        examples: [{payload: {}}]
"#;
    assert_eq!(
        findings(document, "asyncapi-message-examples"),
        [(
            "/channels/a/subscribe/message/examples/0/payload".to_owned(),
            "schema is invalid: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf".to_owned()
        )]
    );
}

#[test]
fn a_finding_past_a_reference_to_a_file_not_read_stays_in_the_main_document() {
    let document = r##"
asyncapi: 3.0.0
info: {title: T, version: "1"}
channels:
  c:
    address: c
    messages:
      m: {$ref: "#/components/messages/m"}
components:
  messages:
    m:
      payload: {type: string}
      bindings:
        kafka:
          key: {$ref: "https://schemas.invalid/key.avsc"}
"##;
    // The key matches both a Reference and a Schema: several branches, so no "None of
    // the schemas matched"; through the channel, the finding stops at the reference.
    let key = "\"key\" property must match exactly one schema in oneOf".to_owned();
    assert_eq!(
        findings(document, "asyncapi-3-document-resolved"),
        [
            ("/channels/c/messages/m".to_owned(), key.clone()),
            (
                "/components/messages/m/bindings/kafka".to_owned(),
                "\"kafka\" property must match \"then\" schema".to_owned()
            ),
            ("/components/messages/m/bindings/kafka/key".to_owned(), key),
        ]
    );
}

#[test]
fn asyncapi_3_references_where_the_schema_allows_none_are_reported_as_written() {
    // A contact cannot be a reference; a correlation id can.
    let document = r##"
asyncapi: 3.0.0
info:
  title: T
  version: "1"
  contact: {$ref: "#/components/c"}
channels:
  c:
    address: c
    messages:
      m:
        payload: {type: string}
        correlationId: {$ref: "#/components/correlationIds/c"}
components:
  c: {name: n}
  correlationIds:
    c: {location: "$message.header#/id"}
"##;
    assert_eq!(
        findings(document, "asyncapi-3-document-unresolved"),
        [(
            "/info/contact".to_owned(),
            "Referencing in this place is not allowed".to_owned()
        )]
    );
}
