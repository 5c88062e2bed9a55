//! `portico lint` as DESIGN.md specifies it: exit codes, JSON lines, positions,
//! references read where they lead (or inside `--root`), governance rulesets with
//! `--fail-severity`, and SARIF.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn lint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("lint")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const VALID: &str = "asyncapi: 3.0.0\ninfo:\n  title: T\n  version: 1.0.0\nchannels:\n  c:\n    address: c\n    messages:\n      m:\n        $ref: './messages.yaml#/M'\n";

#[test]
fn exit_codes_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.yaml", VALID);
    write(
        dir.path(),
        "messages.yaml",
        "M:\n  payload:\n    type: string\n",
    );
    let bad = write(
        dir.path(),
        "bad.yaml",
        "asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n",
    );

    let (code, stdout, _) = lint(&["--format", "json", &good]);
    assert_eq!(code, 0, "{stdout}");
    let line: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(line["kind"], "asyncapi");
    assert_eq!(line["version"], "3.0.0");
    assert_eq!(line["valid"], true);

    let (code, stdout, _) = lint(&["--format", "json", &good, &bad]);
    assert_eq!(code, 1);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one object per file");
    let diagnostic = &lines[1]["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["pointer"], "/info");
    assert_eq!(diagnostic["line"], 2);
    assert!(diagnostic["message"].as_str().unwrap().contains("title"));
    for key in ["severity", "message", "pointer", "line", "column"] {
        assert!(diagnostic.get(key).is_some(), "{key}");
    }

    let (code, _, stderr) = lint(&[&dir.path().join("missing.yaml").to_string_lossy()]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = lint(&["--format", "xml", &good]);
    assert_eq!(code, 2, "usage errors exit 2");
}

#[test]
fn references_are_read_where_they_lead_unless_a_root_confines_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "common/messages.yaml",
        "M:\n  payload:\n    type: string\n",
    );
    // AsyncAPI's own examples reference `../common/...` from their folder.
    let root = write(
        dir.path(),
        "api/main.yaml",
        &VALID.replace("./messages.yaml#/M", "../common/messages.yaml#/M"),
    );
    let (code, stdout, _) = lint(&["--format", "json", &root]);
    assert_eq!(code, 0, "{stdout}");

    let api = dir.path().join("api");
    let (code, stdout, _) = lint(&["--format", "json", "--root", &api.to_string_lossy(), &root]);
    assert_eq!(code, 1);
    assert!(stdout.contains("leaves the project folder"), "{stdout}");

    let remote = write(
        dir.path(),
        "remote.yaml",
        &VALID.replace("./messages.yaml#/M", "https://example.invalid/m.yaml"),
    );
    let (code, stdout, _) = lint(&["--format", "json", &remote]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("External reference not fetched"),
        "{stdout}"
    );
}

#[test]
fn a_pure_reference_loop_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let looped = write(
        dir.path(),
        "loop.yaml",
        "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n",
    );
    let (code, stdout, _) = lint(&["--format", "json", &looped]);
    assert_eq!(code, 1, "{stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    let loops: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("loop"))
        .collect();
    assert_eq!(loops.len(), 1, "{stdout}");
    assert!(
        [9, 11].contains(&loops[0]["line"].as_u64().unwrap()),
        "{stdout}"
    );
}

#[test]
fn openapi_3_1_schema_objects_follow_json_schema_2020_12() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "api.yaml",
        "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      required: true\n",
    );
    let (code, stdout, _) = lint(&["--format", "json", &file]);
    assert_eq!(code, 1, "{stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["pointer"], "/components/schemas/Pet/required");
    assert_eq!(diagnostic["line"], 10);
}

const RULES: &str = r#"
rules:
  info-contact:
    description: The API names its owner.
    given: $.info
    then:
      field: contact
      function: truthy
  custom-check:
    given: $
    then:
      function: companyCheck
"#;

#[test]
fn rulesets_add_findings_with_their_rule_ids() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(dir.path(), "rules.yaml", RULES);
    let good = write(dir.path(), "good.yaml", VALID);
    write(
        dir.path(),
        "messages.yaml",
        "M:\n  payload:\n    type: string\n",
    );

    let (code, stdout, stderr) = lint(&["--format", "json", "--ruleset", &rules, &good]);
    assert_eq!(code, 0, "a warning does not fail by default: {stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["valid"], true);
    let finding = &report["diagnostics"][0];
    assert_eq!(finding["rule"], "info-contact");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["pointer"], "/info");
    assert_eq!(finding["line"], 2);
    // A rule that needs JavaScript is named, not skipped in silence.
    assert!(
        stderr.contains("custom-check") && stderr.contains("companyCheck"),
        "{stderr}"
    );

    let (code, _, _) = lint(&["--ruleset", &rules, "--fail-severity", "warning", &good]);
    assert_eq!(code, 1);
    let (code, stdout, _) = lint(&["--ruleset", &rules, &good]);
    assert_eq!(code, 0);
    assert!(stdout.contains("[info-contact]"), "{stdout}");

    // Schema diagnostics say `"rule": null`.
    let bad = write(
        dir.path(),
        "bad.yaml",
        "asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n",
    );
    let (_, stdout, _) = lint(&["--format", "json", "--ruleset", &rules, &bad]);
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"].is_null())
    );

    let (code, stdout, _) = lint(&[
        "--format",
        "json",
        "--ruleset",
        "portico:recommended",
        &good,
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("portico-info-contact"), "{stdout}");
}

#[test]
fn a_ruleset_that_cannot_be_used_stops_with_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.yaml", VALID);
    let broken = write(
        dir.path(),
        "broken.yaml",
        "rules:\n  r:\n    given: $\n    then:\n      function: pattern\n",
    );
    let (code, _, stderr) = lint(&["--ruleset", &broken, &good]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("/rules/r") && stderr.contains("pattern"),
        "{stderr}"
    );
    let (code, _, stderr) = lint(&["--ruleset", "nowhere.yaml", &good]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nowhere.yaml"), "{stderr}");
    let (code, _, stderr) = lint(&["--ruleset", "portico:nonsense", &good]);
    assert_eq!(code, 2);
    assert!(stderr.contains("portico:recommended"), "{stderr}");
}

#[test]
fn sarif_is_one_log_for_code_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(dir.path(), "rules.yaml", RULES);
    let bad = write(
        dir.path(),
        "bad.yaml",
        "asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n",
    );
    let (code, stdout, _) = lint(&["--format", "sarif", "--ruleset", &rules, &bad]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "portico");
    let results = run["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "info-contact" && r["level"] == "warning")
    );
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "portico-schema" && r["level"] == "error")
    );
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("bad.yaml")
    );
    assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rule_ids.contains(&"info-contact"), "{rule_ids:?}");
}

#[test]
fn text_output_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.yaml",
        "asyncapi: 3.0.0\ninfo:\n  title: T\n  version: 1.0.0\n  colour: red\n",
    );
    let (code, stdout, _) = lint(&[&bad]);
    assert_eq!(code, 1);
    assert!(stdout.contains("bad.yaml:5:3: error:"), "{stdout}");
    assert!(stdout.contains("colour"), "{stdout}");
}

#[test]
fn oversize_files_get_one_clear_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "big.yaml", VALID);
    write(
        dir.path(),
        "messages.yaml",
        "M:\n  payload:\n    type: string\n",
    );
    let (code, stdout, _) = lint(&["--format", "json", "--max-document-bytes", "64", &file]);
    assert_eq!(code, 1, "{stdout}");
    let line: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(line["valid"], false);
    let diagnostics = line["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{stdout}");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{} bytes", VALID.len())) && message.contains("at most 64"),
        "{message}"
    );

    let (code, stdout, _) = lint(&["--max-document-bytes", "100000", &file]);
    assert_eq!(code, 0, "{stdout}");
}
