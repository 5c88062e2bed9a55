//! `portico convert`: syntax conversion and the AsyncAPI 2.x -> 3.0 upgrade, checked by
//! linting what it prints.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn portico(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portico"))
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
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const V2: &str = r#"asyncapi: 2.6.0
info:
  title: Orders
  version: 1.0.0
servers:
  prod:
    url: mqtt://broker.example.com:1883
    protocol: mqtt
channels:
  orders/{orderId}:
    parameters:
      orderId:
        schema:
          type: string
    subscribe:
      operationId: publishOrder
      message:
        $ref: './messages.yaml#/OrderPlaced'
    publish:
      operationId: receiveCancel
      message:
        messageId: cancel
        payload:
          type: object
"#;

#[test]
fn upgrades_asyncapi_2_to_a_valid_3_0_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "orders.yaml", V2);
    write(
        dir.path(),
        "messages.yaml",
        "OrderPlaced:\n  messageId: orderPlaced\n  payload:\n    type: object\n",
    );
    let (code, stdout, stderr) = portico(&["convert", "--asyncapi-v3", "--to", "json", &file]);
    assert_eq!(code, 0, "{stderr}");
    let v3: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v3["asyncapi"], "3.0.0");
    assert_eq!(v3["servers"]["prod"]["host"], "broker.example.com:1883");
    assert_eq!(v3["operations"]["publishOrder"]["action"], "send");
    assert_eq!(v3["operations"]["receiveCancel"]["action"], "receive");
    let channel = &v3["channels"]["orders/{orderId}"];
    assert_eq!(channel["address"], "orders/{orderId}");
    // The message from the other file is inlined, so the output stands alone.
    assert_eq!(
        channel["messages"]["orderPlaced"]["payload"]["type"],
        "object"
    );

    let out = write(dir.path(), "elsewhere.json", &stdout);
    let (code, lint_out, _) = portico(&["lint", &out]);
    assert_eq!(code, 0, "{lint_out}");
    assert!(lint_out.contains("valid asyncapi 3.0.0"), "{lint_out}");
}

#[test]
fn converts_syntax_and_refuses_what_it_cannot_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "api.yaml",
        "asyncapi: 3.0.0\ninfo:\n  title: 'A: b'\n  version: 1.0.0\n",
    );
    let (code, stdout, stderr) = portico(&["convert", &file]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["info"]["title"], "A: b");

    let (code, _, stderr) = portico(&["convert", "--asyncapi-v3", &file]);
    assert_eq!(code, 1);
    assert!(stderr.contains("upgrades AsyncAPI 2.x"), "{stderr}");

    let broken = write(dir.path(), "broken.yaml", "asyncapi: [\n");
    let (code, stdout, stderr) = portico(&["convert", &broken]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("broken.yaml:"), "{stderr}");

    let (code, _, stderr) = portico(&["convert", "missing.yaml"]);
    assert_eq!(code, 2, "{stderr}");
}
