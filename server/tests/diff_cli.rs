//! `portico diff` as DESIGN.md specifies it: exit codes, the JSON report, Markdown for a
//! pull request, the rule catalog, severity overrides, projects with relative references,
//! refused inputs, and versions fetched from a server.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{ORDER_SERVICE, TestServer, put_document, user_with_token};

fn portico_diff(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("diff")
        .args(args)
        .env_remove("PORTICO_SERVER")
        .env_remove("PORTICO_TOKEN")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn diff(args: &[&str]) -> (i32, String, String) {
    portico_diff(args, &[])
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A small OpenAPI document: consumers receive pets and send new ones.
const PETS: &str = r#"openapi: 3.1.0
info:
  title: Pets
  version: 1.0.0
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: The pets.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewPet'
      responses:
        '201':
          description: Created.
  /pets/{id}:
    delete:
      operationId: deletePet
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        '204':
          description: Deleted.
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id:
          type: string
        name:
          type: string
    NewPet:
      type: object
      required: [name]
      properties:
        name:
          type: string
"#;

/// `PETS` with a compatible addition: an optional property in what consumers send.
fn pets_with_optional_tag() -> String {
    PETS.replace(
        "    NewPet:\n      type: object\n      required: [name]\n      properties:\n",
        "    NewPet:\n      type: object\n      required: [name]\n      properties:\n        tag:\n          type: string\n",
    )
}

/// `PETS` without its delete operation: breaking for consumers that call it.
fn pets_without_delete() -> String {
    let start = PETS.find("  /pets/{id}:").unwrap();
    let end = PETS.find("components:").unwrap();
    format!("{}{}", &PETS[..start], &PETS[end..])
}

#[test]
fn exit_codes_follow_the_changes_and_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", PETS);
    let same = write(dir.path(), "same.json", &to_json(PETS));
    let compatible = write(dir.path(), "compatible.yaml", &pets_with_optional_tag());
    let breaking = write(dir.path(), "breaking.yaml", &pets_without_delete());

    let (code, stdout, stderr) = diff(&[&old, &same]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "No changes.",
        "YAML and JSON of one document"
    );

    let (code, stdout, _) = diff(&[&old, &compatible]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("request-property-added") || stdout.contains("info"),
        "{stdout}"
    );
    assert!(stdout.contains("Suggested version bump: minor"), "{stdout}");

    let (code, stdout, _) = diff(&[&old, &breaking]);
    assert_eq!(code, 1, "{stdout}");
    let first = stdout.lines().next().unwrap();
    assert!(first.starts_with("breaking"), "{first}");
    assert!(first.contains("[operation-removed]"), "{first}");
    assert!(
        first.contains(&format!("{old}:")) && first.contains("(removed)"),
        "the old file and line of a removal: {first}"
    );
    assert!(stdout.contains("Suggested version bump: major"), "{stdout}");

    // The reverse is an addition: compatible, unless warnings fail too.
    let (code, _, _) = diff(&[&breaking, &old]);
    assert_eq!(code, 0);

    let missing = dir.path().join("missing.yaml");
    let (code, _, stderr) = diff(&[&old, &missing.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("missing.yaml") && stderr.contains("cannot read"),
        "{stderr}"
    );
    let (code, _, _) = diff(&[&old]);
    assert_eq!(code, 2, "NEW is required");
    let (code, _, _) = diff(&["--format", "xml", &old, &breaking]);
    assert_eq!(code, 2, "usage errors exit 2");
}

#[test]
fn json_report_is_one_object_with_locations_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", PETS);
    let new = write(
        dir.path(),
        "new.yaml",
        &PETS.replace("      required: [name]\n", ""),
    );
    let (code, stdout, stderr) = diff(&["--format", "json", &old, &new]);
    assert_eq!(
        code, 0,
        "a property consumers send became optional: {stderr}"
    );
    assert_eq!(stdout.lines().count(), 1, "exactly one object: {stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let mut keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["breaking", "changes", "suggested_bump", "warnings"],
        "{report}"
    );
    assert_eq!(report["breaking"], false);
    assert_eq!(report["warnings"], Value::Array(vec![]));
    let change = &report["changes"][0];
    for key in ["rule", "severity", "direction", "message", "old", "new"] {
        assert!(change.get(key).is_some(), "{key} in {change}");
    }
    assert_eq!(change["rule"], "request-property-became-optional");
    assert_eq!(change["severity"], "info");
    assert_eq!(change["direction"], "sends");
    assert_eq!(change["old"]["file"], old.as_str());
    assert_eq!(change["new"]["file"], new.as_str());
    assert!(change["old"]["line"].as_u64().unwrap() > 1, "{change}");
    assert!(
        change["old"]["pointer"]
            .as_str()
            .unwrap()
            .starts_with("/components/schemas/NewPet"),
        "{change}"
    );

    // A breaking change with a warning threshold, and the bump it calls for.
    let removed = write(dir.path(), "removed.yaml", &pets_without_delete());
    let (code, stdout, _) = diff(&["--format", "json", "--fail-on", "warning", &old, &removed]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["breaking"], true);
    assert_eq!(report["suggested_bump"], "major");
    assert_eq!(report["changes"][0]["severity"], "breaking");
    assert_eq!(report["changes"][0]["new"], Value::Null);
}

#[test]
fn markdown_is_made_for_a_pull_request_comment() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", PETS);
    let new = write(dir.path(), "new.yaml", &pets_without_delete());
    let (code, stdout, _) = diff(&["--format", "markdown", &old, &new]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("### API changes: **Breaking changes**"),
        "{stdout}"
    );
    assert!(stdout.contains("#### Breaking (1)"), "{stdout}");
    assert!(
        stdout.contains("| Change | Direction | Where | Rule |"),
        "{stdout}"
    );
    assert!(stdout.contains("`operation-removed`"), "{stdout}");
}

#[test]
fn the_catalog_lists_every_rule() {
    let (code, stdout, _) = diff(&["--list-rules"]);
    assert_eq!(code, 0);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("operation-removed "))
        .expect("operation-removed is listed");
    let columns: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&columns[1..3], ["breaking", "both"], "{line}");

    let (code, stdout, _) = diff(&["--list-rules", "--format", "json"]);
    assert_eq!(code, 0);
    let rules: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert!(rules.len() >= 150, "{} rules", rules.len());
    let rule = rules
        .iter()
        .find(|r| r["id"] == "request-required-property-added")
        .unwrap();
    assert_eq!(rule["severity"], "breaking");
    assert_eq!(rule["direction"], "sends");
    assert!(!rule["description"].as_str().unwrap().is_empty());
    for rule in &rules {
        let direction = rule["direction"].as_str().unwrap();
        assert!(["sends", "receives", "both", "none"].contains(&direction));
        let severity = rule["severity"].as_str().unwrap();
        assert!(["breaking", "warning", "info"].contains(&severity));
    }
}

#[test]
fn a_rules_file_overrides_severities() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", PETS);
    let new = write(dir.path(), "new.yaml", &pets_without_delete());
    let rules = write(
        dir.path(),
        "rules.yaml",
        "rules:\n  operation-removed: warning\n",
    );
    let (code, stdout, stderr) = diff(&["--rules", &rules, "--format", "json", &old, &new]);
    assert_eq!(code, 0, "no longer breaking: {stdout}{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["breaking"], false);
    assert_eq!(report["changes"][0]["rule"], "operation-removed");
    assert_eq!(report["changes"][0]["severity"], "warning");
    let (code, _, _) = diff(&["--rules", &rules, "--fail-on", "warning", &old, &new]);
    assert_eq!(code, 1, "still a warning");

    let off = write(
        dir.path(),
        "off.json",
        r#"{"rules": {"operation-removed": "off"}}"#,
    );
    let (code, stdout, _) = diff(&["--rules", &off, &old, &new]);
    assert_eq!((code, stdout.trim()), (0, "No changes."));

    let unknown = write(dir.path(), "unknown.yaml", "rules:\n  no-such-rule: info\n");
    let (code, _, stderr) = diff(&["--rules", &unknown, &old, &new]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown.yaml") && stderr.contains("no-such-rule"),
        "{stderr}"
    );
}

#[test]
fn a_side_reads_its_relative_references() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old/api.yaml", PETS);
    let split = PETS.replace(
        "    Pet:\n      type: object\n      required: [id, name]\n      properties:\n        id:\n          type: string\n        name:\n          type: string\n",
        "    Pet:\n      $ref: './schemas/pet.yaml'\n",
    );
    let new = write(dir.path(), "new/api.yaml", &split);
    let pet = write(
        dir.path(),
        "new/schemas/pet.yaml",
        "type: object\nrequired: [id, name]\nproperties:\n  id:\n    type: string\n    format: uuid\n",
    );
    let (code, stdout, stderr) = diff(&["--format", "json", &old, &new]);
    assert_eq!(
        code, 1,
        "a property consumers receive is gone: {stdout}{stderr}"
    );
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let changes = report["changes"].as_array().unwrap();
    let removed = changes
        .iter()
        .find(|c| c["rule"] == "response-property-removed")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(removed["severity"], "breaking");
    assert_eq!(removed["old"]["file"], old.as_str());
    assert!(
        changes.iter().all(|c| c["rule"] != "schema-removed"),
        "the referenced file is read: {report}"
    );
    assert_eq!(report["warnings"], Value::Array(vec![]), "{report}");
    let format = changes
        .iter()
        .find(|c| c["rule"] == "response-format-added")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(
        format["new"]["file"],
        pet.as_str(),
        "named as a path: {format}"
    );
    assert_eq!(format["new"]["line"], 6);
}

#[test]
fn unreadable_sides_and_mixed_kinds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", PETS);
    let broken = write(dir.path(), "broken.yaml", "openapi: 3.1.0\ninfo: [\n");
    let (code, stdout, stderr) = diff(&[&old, &broken]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.is_empty(), "{stdout}");
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{broken}:")) && first.contains(": error: "),
        "FILE:LINE:COLUMN: severity: message, got {first}"
    );
    let position: Vec<&str> = first[broken.len() + 1..].splitn(3, ':').collect();
    assert!(position[0].parse::<u32>().is_ok() && position[1].parse::<u32>().is_ok());

    let unknown = write(dir.path(), "unknown.yaml", "swagger: '2.0'\ninfo: {}\n");
    let (code, _, stderr) = diff(&[&unknown, &old]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown.yaml:"), "{stderr}");

    let asyncapi = write(dir.path(), "orders.yaml", ORDER_SERVICE);
    let (code, stdout, stderr) = diff(&["--format", "json", &asyncapi, &old]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("AsyncAPI") && stderr.contains("OpenAPI"),
        "says why: {stderr}"
    );

    // A side that parses but does not validate is compared, with a warning.
    let partial = write(
        dir.path(),
        "partial.yaml",
        &PETS.replace("  title: Pets\n", ""),
    );
    let (code, stdout, _) = diff(&["--format", "json", &old, &partial]);
    assert_eq!(code, 0, "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let warning = &report["warnings"][0];
    assert_eq!(warning["side"], "new");
    assert_eq!(warning["file"], partial.as_str());
}

#[tokio::test]
async fn published_versions_are_fetched_from_the_server() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    const YAML: &str = "application/yaml";
    let created = put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(created.status(), 201);
    // Consumers receive approvals: a field they read is gone.
    let next = ORDER_SERVICE.replace(
        "        required: [orderId, approvedAt]\n        properties:\n          orderId:\n            type: string\n            format: uuid\n          approvedAt:\n            type: string\n            format: date-time\n",
        "        required: [orderId]\n        properties:\n          orderId:\n            type: string\n            format: uuid\n",
    );
    assert_ne!(next, ORDER_SERVICE);
    let created = put_document(&server, &token, "acme/orders/2.0.0", YAML, &next).await;
    assert_eq!(created.status(), 201);

    let dir = tempfile::tempdir().unwrap();
    let local = write(dir.path(), "orders.yaml", &next);
    let base = server.base_url.as_str();

    // A published version against a local file, the token as a flag. The binary runs
    // while this test waits: the server is a process of its own.
    let (code, stdout, stderr) = diff(&[
        "--format",
        "json",
        "--server",
        base,
        "--token",
        &token,
        "acme/orders/1.0.0",
        &local,
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let removed = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "response-property-removed")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(removed["direction"], "receives");
    assert_eq!(removed["old"]["file"], "acme/orders/1.0.0");
    assert!(removed["old"]["line"].as_u64().unwrap() > 60, "{removed}");

    // Two published versions, server and token from the environment.
    let (code, stdout, stderr) = portico_diff(
        &["acme/orders/1.0.0", "acme/orders/2.0.0"],
        &[("PORTICO_SERVER", base), ("PORTICO_TOKEN", &token)],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("[response-property-removed]"), "{stdout}");

    // A version that does not exist, and a coordinate without a server.
    let (code, _, stderr) = diff(&[
        "--server",
        base,
        "--token",
        &token,
        "acme/orders/9.9.9",
        &local,
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("acme/orders/9.9.9") && stderr.contains("404"),
        "{stderr}"
    );
    let (code, _, stderr) = diff(&["acme/orders/1.0.0", &local]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--server"), "{stderr}");
}

/// The same document as JSON, through `portico convert`.
fn to_json(yaml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "doc.yaml", yaml);
    let out = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["convert", "--to", "json", &file])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}
