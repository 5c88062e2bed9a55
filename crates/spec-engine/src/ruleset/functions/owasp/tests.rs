//! Small documents linted with the whole `portico:owasp` ruleset; each test looks at the
//! findings of the rule that calls the function, or calls the function with options the
//! ruleset does not use.

use serde_json::json;

use crate::ruleset::functions::{Function, PrepareError};
use crate::ruleset::{NoFiles, Ruleset};

/// The (pointer, message) findings of one rule on a document.
fn findings(document: &str, rule: &str) -> Vec<(String, String)> {
    crate::ruleset::functions::builtin_findings("portico:owasp", document, rule)
}

/// The findings of a one-rule ruleset calling `function` on the document with other
/// options (YAML), its message the function's own.
fn custom_findings(function: &str, options: &str, document: &str) -> Vec<(String, String)> {
    let text = format!(
        "rules:\n  custom:\n    message: \"{{{{error}}}}\"\n    given: $\n    then:\n      \
         function: {function}\n      functionOptions: {options}\n"
    );
    let ruleset =
        Ruleset::from_text(&text, "rules.yaml", &NoFiles).unwrap_or_else(|e| panic!("{e}"));
    crate::ruleset::functions::findings_of(&ruleset, document, "custom")
}

fn pointers(document: &str, rule: &str) -> Vec<String> {
    crate::ruleset::functions::builtin_pointers("portico:owasp", document, rule)
}

#[test]
fn every_rule_of_the_owasp_package_is_there_and_runs() {
    let ruleset = Ruleset::load("portico:owasp", &NoFiles).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        ruleset.unsupported().is_empty(),
        "{:?}",
        ruleset.unsupported()
    );
    assert_eq!(ruleset.rules.len(), 32);
    assert!(ruleset.rules.iter().all(|rule| rule.enabled));
    assert!(
        ruleset
            .rules
            .iter()
            .all(|rule| rule.then.iter().all(|then| then.function.is_ok()))
    );
    let package = Ruleset::load("@stoplight/spectral-owasp-ruleset", &NoFiles)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(package.rules.len(), 32);
}

const UNPROTECTED: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    post: {responses: {}}
    put: {security: [{}], responses: {}}
    delete: {security: [{key: []}], responses: {}}
    get: {security: [], responses: {}}
    head: {security: [{}], responses: {}}
  /b:
    get: {responses: {}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
"#;

#[test]
fn write_operations_need_a_security_requirement() {
    // `post` has none anywhere: reported at the operation (it has no `security`); `put`'s
    // empty requirement is anonymous access, which the rule does not refuse.
    assert_eq!(
        findings(UNPROTECTED, "owasp:api2:2023-write-restricted"),
        [(
            "/paths/~1a/post".to_owned(),
            "This write operation is not protected by any security scheme.".to_owned()
        )]
    );
}

#[test]
fn read_operations_need_a_security_requirement() {
    assert_eq!(
        pointers(UNPROTECTED, "owasp:api2:2023-read-restricted"),
        ["/paths/~1a/get/security", "/paths/~1b/get"]
    );
}

#[test]
fn the_document_requirement_protects_operations_without_their_own() {
    let document = UNPROTECTED.replace("paths:\n", "security: [{key: []}]\npaths:\n");
    assert!(pointers(&document, "owasp:api2:2023-write-restricted").is_empty());
    assert_eq!(
        pointers(&document, "owasp:api2:2023-read-restricted"),
        ["/paths/~1a/get/security"]
    );
}

#[test]
fn check_security_words_where_the_requirement_was_looked_for() {
    let found = custom_findings(
        "checkSecurity",
        "{schemesPath: [securitySchemes], nullable: false, methods: [get, put]}",
        UNPROTECTED,
    );
    assert_eq!(
        found,
        [
            (
                "/paths/~1a/get/security".to_owned(),
                "Operation has undefined security scheme in /a,get.".to_owned()
            ),
            (
                "/paths/~1a/put/security/0".to_owned(),
                "Operation referencing empty security scheme in /a,put.".to_owned()
            ),
            (
                "/paths/~1b/get".to_owned(),
                "Operation has undefined security scheme in $.security.".to_owned()
            ),
        ]
    );
}

#[test]
fn check_security_options_are_checked_as_spectral_checks_them() {
    assert!(matches!(
        Function::prepare("checkSecurity", None),
        Err(PrepareError::Options(message)) if message.contains("\"\" option accepts only the following types: object")
    ));
    assert_eq!(
        Function::prepare("checkSecurity", Some(&json!({"scopes": []}))).err(),
        Some(PrepareError::Options(
            "\"checkSecurity\" function does not support \"scopes\" option".into()
        ))
    );
    assert_eq!(
        Function::prepare("checkSecurity", Some(&json!({"methods": "get"}))).err(),
        Some(PrepareError::Options(
            "\"checkSecurity\" function and its \"methods\" option accepts only the following types: array".into()
        ))
    );
    for options in [json!({"nullable": "anything"}), json!({})] {
        assert!(Function::prepare("checkSecurity", Some(&options)).is_ok());
    }
}

const ADMIN: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /users:
    get: {security: [{key: [read]}, {oauth: [a, b]}], responses: {}}
  /admin/users:
    get: {security: [{admin: []}, {key: [read]}], responses: {}}
    post: {responses: {}}
  /v1/admin/settings:
    put: {security: [{oauth: [b, a]}, {oauth: [a, b]}], responses: {}}
"#;

#[test]
fn admin_operations_need_requirements_of_their_own() {
    // Requirements compare as JSON: scopes in another order are another requirement; an
    // admin operation without `security` of its own is not compared.
    assert_eq!(
        findings(ADMIN, "owasp:api5:2023-admin-security-unique"),
        [
            (
                "/paths/~1admin~1users/get/security/1".to_owned(),
                "Admin endpoint /admin/users has the same security requirement as a non-admin endpoint.".to_owned()
            ),
            (
                "/paths/~1v1~1admin~1settings/put/security/1".to_owned(),
                "Admin endpoint /v1/admin/settings has the same security requirement as a non-admin endpoint.".to_owned()
            ),
        ]
    );
}

#[test]
fn the_admin_url_is_an_option() {
    assert_eq!(
        Function::prepare("differentSecuritySchemes", Some(&json!({"adminUrl": 1}))).err(),
        Some(PrepareError::Options(
            "\"differentSecuritySchemes\" function and its \"adminUrl\" option accepts only the following types: string".into()
        ))
    );
    let pointers: Vec<String> =
        custom_findings("differentSecuritySchemes", "{adminUrl: /users}", ADMIN)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
    // /users and /admin/users both contain "/users"; /v1/admin/settings is the other side.
    assert_eq!(pointers, ["/paths/~1users/get/security/1"]);
}

#[test]
fn numeric_ids_are_found_through_the_parameter_name() {
    let document = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /users/{user_id}:
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: integer}}
      - {name: id, in: query, schema: {type: string, format: uuid}}
    get: {responses: {}}
"#;
    assert_eq!(
        pointers(document, "owasp:api1:2023-no-numeric-ids"),
        ["/paths/~1users~1{user_id}/parameters/0/schema"]
    );
}
