//! Server-rendered pages and operational endpoints, against the real binary.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use support::{TestServer, browser_like_client, call, whoami};

#[tokio::test]
async fn healthz_reports_the_database() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "up");
    assert_eq!(body["broker"], "off");
    assert!(
        data.path().join("portico.db").exists(),
        "the SQLite file lives in the data folder"
    );
}

#[tokio::test]
async fn home_page_is_rendered_on_the_server_with_hydration_scripts() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Design, publish and try your APIs"), "{html}");
    assert!(
        html.contains("/pkg/portico.js"),
        "hydration script is linked"
    );
    assert!(
        html.contains(r#"href="/signup""#),
        "visitors are offered sign-up"
    );
}

#[tokio::test]
async fn unknown_paths_answer_404_with_a_helpful_page() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = reqwest::get(server.url("/no/such/page")).await.unwrap();
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Nothing here"), "{html}");
    assert!(html.contains("/no/such/page"));
}

#[tokio::test]
async fn account_page_sends_visitors_to_log_in() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = browser_like_client()
        .get(server.url("/account"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/login?next=/account");
}

fn portico(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn user_create_from_the_shell_makes_an_account_that_can_log_in() {
    let data = tempfile::tempdir().unwrap();
    let data_arg = data.path().to_str().unwrap();
    let out = portico(
        &[
            "user",
            "create",
            "root",
            "--password-stdin",
            "--admin",
            "--data",
            data_arg,
        ],
        "admin password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("site administrator"));

    let again = portico(
        &[
            "user",
            "create",
            "root",
            "--password-stdin",
            "--data",
            data_arg,
        ],
        "admin password\n",
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));

    let weak = portico(
        &[
            "user",
            "create",
            "weak",
            "--password-stdin",
            "--data",
            data_arg,
        ],
        "short\n",
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 8"));

    let server = TestServer::start(data.path());
    let client = browser_like_client();
    let response = call(
        &client,
        &server,
        "log_in",
        &[("username", "root"), ("password", "admin password")],
    )
    .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert_eq!(whoami(&client, &server).await.as_deref(), Some("root"));
}

#[test]
fn help_lists_the_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "user"] {
        assert!(help.contains(command), "{help}");
    }
}

#[tokio::test]
async fn markdown_built_in_the_browser_is_rendered_safely_by_the_server() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let client = reqwest::Client::new();
    let render = |texts: Vec<String>| {
        client
            .post(server.url("/rpc/render_markdown"))
            .json(&serde_json::json!({ "texts": texts }))
            .send()
    };
    let response = render(vec![
        "Use **the broker**. <script>alert(1)</script>".into(),
        "[click](javascript:alert(1)) [docs](https://example.com)".into(),
    ])
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        200,
        "visitors may ask (asset pages are public)"
    );
    let html: Vec<String> = response.json().await.unwrap();
    assert_eq!(html.len(), 2);
    assert!(
        html[0].contains("<strong>the broker</strong>"),
        "{}",
        html[0]
    );
    assert!(html[0].contains("&lt;script&gt;"), "{}", html[0]);
    assert!(!html[0].contains("<script"), "{}", html[0]);
    assert!(
        !html[1].to_lowercase().contains("javascript:"),
        "{}",
        html[1]
    );
    assert!(
        html[1].contains(r#"href="https://example.com""#),
        "{}",
        html[1]
    );

    let too_many = render(vec![
        "x".into();
        app::docs::markdown::MAX_TEXTS_PER_REQUEST + 1
    ])
    .await
    .unwrap();
    assert_eq!(too_many.status(), 422);
    assert!(too_many.text().await.unwrap().contains("At most"));
}
