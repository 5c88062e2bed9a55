//! `portico lint` as DESIGN.md specifies it: exit codes, JSON lines, positions, and
//! references read from the root file's folder only.

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
fn references_never_leave_the_root_folder_nor_reach_the_network() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "secret.yaml",
        "M:\n  payload:\n    type: string\n",
    );
    let root = write(
        dir.path(),
        "api/main.yaml",
        &VALID.replace("./messages.yaml#/M", "../secret.yaml#/M"),
    );
    let (code, stdout, _) = lint(&["--format", "json", &root]);
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
