//! Starts the real `portico` binary on a free loopback port with its own data folder,
//! and stops it when dropped.

#![allow(dead_code)]

pub mod webhook_receiver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running server process.
pub struct TestServer {
    child: Option<Child>,
    pub base_url: String,
    pub data_dir: PathBuf,
    /// The bundled broker's port, when it runs.
    pub mqtt_port: Option<u16>,
}

impl TestServer {
    /// Starts a server whose SQLite database lives in `data_dir`, without demo data.
    pub fn start(data_dir: &Path) -> TestServer {
        TestServer::start_with(data_dir, &["--demo", "false"])
    }

    /// Starts a server with extra `serve` arguments (the bundled broker is off unless
    /// they give `--mqtt-addr`).
    pub fn start_with(data_dir: &Path, extra: &[&str]) -> TestServer {
        let broker_off: &[&str] = if extra.contains(&"--mqtt-addr") {
            &[]
        } else {
            &["--mqtt-addr", "off"]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(broker_off)
            .args(extra)
            .arg("--data")
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the portico binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let mut mqtt_port = None;
        let base_url = loop {
            let line = lines
                .next()
                .expect("the server prints its address before anything else")
                .expect("stdout is readable");
            if let Some(url) = line.strip_prefix("Portico MQTT broker on mqtt://") {
                mqtt_port = url.trim().rsplit(':').next().and_then(|p| p.parse().ok());
            }
            if let Some(url) = line.strip_prefix("Portico listening on ") {
                break url.trim().to_owned();
            }
        };
        TestServer {
            child: Some(child),
            base_url,
            data_dir: data_dir.to_path_buf(),
            mqtt_port,
        }
    }

    /// The absolute URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Stops the server with SIGTERM and waits for its graceful exit.
    pub fn stop(mut self) {
        self.terminate();
    }

    /// Kills the server at once (SIGKILL), as a crash or a power cut would.
    pub fn kill(mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            for _ in 0..100 {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// An HTTP client that keeps cookies, like a browser tab.
pub fn browser_like_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds")
}

/// Calls a server function with form fields, as a hydrated page does.
pub async fn call(
    client: &reqwest::Client,
    server: &TestServer,
    endpoint: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(server.url(&format!("/rpc/{endpoint}")))
        .form(form)
        .send()
        .await
        .expect("request is sent")
}

/// Sends a REST API request (`path` below `/api/v1`) with a bearer token and an
/// optional JSON body.
pub async fn api_send(
    method: reqwest::Method,
    server: &TestServer,
    token: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method, server.url(&format!("/api/v1{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request is sent")
}

/// The JSON body of a response that must have `status` (null when it has none).
pub async fn json_of(response: reqwest::Response, status: u16) -> serde_json::Value {
    let got = response.status().as_u16();
    let text = response.text().await.expect("a body");
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// Signs up a new account with the given name and password through the server function.
pub async fn sign_up(client: &reqwest::Client, server: &TestServer, name: &str, password: &str) {
    let response = call(
        client,
        server,
        "sign_up",
        &[
            ("username", name),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "sign up of {name} failed: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
}

/// The signed-in user's name according to the server, or `None`.
pub async fn whoami(client: &reqwest::Client, server: &TestServer) -> Option<String> {
    let response = call(client, server, "current_user", &[]).await;
    assert!(
        response.status().is_success(),
        "current_user: {}",
        response.status()
    );
    let body: serde_json::Value = response.json().await.expect("JSON body");
    body.get("username")
        .and_then(|name| name.as_str())
        .map(str::to_owned)
}

/// Creates a personal access token for the signed-in user of `client`.
pub async fn create_token(client: &reqwest::Client, server: &TestServer, scope: &str) -> String {
    let response = client
        .post(server.url("/api/v1/tokens"))
        .json(&serde_json::json!({"name": "test", "scope": scope}))
        .send()
        .await
        .expect("request is sent");
    assert_eq!(response.status(), 201, "token creation");
    let body: serde_json::Value = response.json().await.expect("JSON body");
    body["token"].as_str().expect("a token").to_owned()
}

/// Signs up a user in a fresh client and returns a token of the given scope.
pub async fn user_with_token(server: &TestServer, name: &str, scope: &str) -> String {
    let client = browser_like_client();
    sign_up(&client, server, name, "long password").await;
    create_token(&client, server, scope).await
}

/// The Order Service document used as demo data.
pub const ORDER_SERVICE: &str = include_str!("../../src/demo/order-service-1.0.0.yaml");

/// Publishes `body` with a bearer token.
pub async fn put_document(
    server: &TestServer,
    token: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .put(server.url(&format!("/api/v1/assets/{path}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("request is sent")
}

/// GETs an API path with a bearer token (or none).
pub async fn api_get(server: &TestServer, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.url(&format!("/api/v1/{path}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request is sent")
}

/// Creates an account in `data_dir` with the CLI (`portico user create`), a site
/// administrator when `admin`.
pub fn cli_user(data_dir: &Path, name: &str, admin: bool) {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command.args(["user", "create", name, "--password-stdin", "--data"]);
    command.arg(data_dir);
    if admin {
        command.arg("--admin");
    }
    let mut create = command
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("portico user create runs");
    create
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a long password\n")
        .expect("password written");
    assert!(create.wait().expect("user create ends").success());
}

/// A token of `user` with `scope`, made with the CLI (`portico token create`).
pub fn cli_token(data_dir: &Path, user: &str, scope: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args([
            "token", "create", "--user", user, "--scope", scope, "--data",
        ])
        .arg(data_dir)
        .output()
        .expect("portico token create runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned()
}
