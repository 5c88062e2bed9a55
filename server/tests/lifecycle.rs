//! The account lifecycle against the real binary: throttled log-ins and sign-ups, token
//! scopes and expiry, password change and sessions, member removal, shares that end, and
//! the sign-up modes. Each test reproduces a finding of the security review.

mod support;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use support::{TestServer, browser_like_client, call, create_token, sign_up, whoami};

/// A cookie-keeping client whose connections come from `ip` (any 127.x address on Linux),
/// so a test can be several client addresses.
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn log_in(
    client: &reqwest::Client,
    server: &TestServer,
    name: &str,
    password: &str,
) -> reqwest::Response {
    call(
        client,
        server,
        "log_in",
        &[("username", name), ("password", password)],
    )
    .await
}

/// Runs SQL on the server's database file (the server keeps running: WAL).
async fn sql(server: &TestServer, statement: &str) {
    let url = format!("sqlite://{}", server.data_dir.join("portico.db").display());
    let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query(statement)
        .execute(&mut connection)
        .await
        .unwrap();
}

#[tokio::test]
async fn concurrent_guesses_cannot_exceed_the_throttle() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    sign_up(&browser_like_client(), &server, "grace", "right password").await;

    // Thirty guesses at once: before, every one passed the check made before any failed.
    let attacker = client_from("127.0.0.2");
    let guesses = (0..30).map(|_| log_in(&attacker, &server, "grace", "guess"));
    let responses = futures_util::future::join_all(guesses).await;
    let verified = responses.iter().filter(|r| r.status() == 422).count();
    let throttled: Vec<_> = responses.iter().filter(|r| r.status() == 429).collect();
    assert!(verified <= 5, "{verified} guesses were checked");
    assert_eq!(verified + throttled.len(), 30);
    for response in throttled {
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry_after >= 1, "{retry_after}");
    }
}

#[tokio::test]
async fn backoff_instead_of_lockout() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    sign_up(&browser_like_client(), &server, "grace", "right password").await;

    let attacker = client_from("127.0.0.2");
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            log_in(&attacker, &server, "grace", "guess")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], [422; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // The attacker is refused even the right password while waiting...
    let response = log_in(&attacker, &server, "grace", "right password").await;
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "the first wait is short: {wait}");
    assert!(response.text().await.unwrap().contains("TooManyAttempts"));

    // ...but the owner, from elsewhere, is not locked out (before: 429 for everyone).
    let owner = client_from("127.0.0.3");
    let response = log_in(&owner, &server, "grace", "right password").await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{}",
        response.status()
    );
    assert_eq!(whoami(&owner, &server).await.as_deref(), Some("grace"));

    // And from the attacker's address, after waiting.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let response = log_in(&attacker, &server, "grace", "right password").await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{}",
        response.status()
    );
}

#[tokio::test]
async fn a_no_script_form_post_that_is_throttled_answers_429() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    sign_up(&browser_like_client(), &server, "ivy", "right password").await;
    let attacker = client_from("127.0.0.2");
    for _ in 0..5 {
        log_in(&attacker, &server, "ivy", "guess").await;
    }
    // As a browser without WebAssembly posts the form.
    let response = attacker
        .post(server.url("/rpc/log_in"))
        .header("accept", "text/html")
        .header("referer", server.url("/login"))
        .form(&[("username", "ivy"), ("password", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn long_user_names_are_refused() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let long = "a".repeat(5000);
    let response = log_in(&browser_like_client(), &server, &long, "some password").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("at most 39 characters")
    );
    let response = call(
        &browser_like_client(),
        &server,
        "sign_up",
        &[
            ("username", &long),
            ("password", "long password"),
            ("password_confirm", "long password"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn a_sign_up_flood_is_throttled_and_does_not_stall_other_requests() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let flood = (0..60).map(|n| {
        let server = &server;
        async move {
            let name = format!("bot{n}");
            call(
                &browser_like_client(),
                server,
                "sign_up",
                &[
                    ("username", name.as_str()),
                    ("password", "long password"),
                    ("password_confirm", "long password"),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    });
    let health = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut slowest = Duration::ZERO;
        for _ in 0..10 {
            let start = Instant::now();
            let response = reqwest::get(server.url("/healthz")).await.unwrap();
            assert_eq!(response.status(), 200);
            slowest = slowest.max(start.elapsed());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        slowest
    };
    let (statuses, slowest) = tokio::join!(futures_util::future::join_all(flood), health);
    let created = statuses.iter().filter(|s| **s < 400).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(created <= 20, "one address made {created} accounts");
    assert_eq!(created + refused, 60, "{statuses:?}");
    assert!(
        slowest < Duration::from_millis(500),
        "/healthz took {slowest:?}"
    );
}

#[tokio::test]
async fn token_scopes_and_expiry() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let owner = browser_like_client();
    sign_up(&owner, &server, "olga", "long password").await;
    let publish = create_token(&owner, &server, "publish").await;
    let admin = create_token(&owner, &server, "admin").await;
    let api = reqwest::Client::new();
    let new_token = |token: &str, body: serde_json::Value| {
        api.post(server.url("/api/v1/tokens"))
            .bearer_auth(token.to_owned())
            .json(&body)
            .send()
    };

    // A publish token cannot make tokens (before: it could, with any scope)...
    let response = new_token(&publish, serde_json::json!({"name": "x", "scope": "admin"}))
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("admin scope"));
    // ...nor manage members.
    let response = api
        .put(server.url("/api/v1/orgs/olga/members/olga"))
        .bearer_auth(&publish)
        .json(&serde_json::json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    // An admin token can, with an expiry chosen or 90 days by default.
    let response = new_token(&admin, serde_json::json!({"name": "ci", "scope": "read"}))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    let expires = body["expiresAt"].as_str().unwrap().to_owned();
    assert!(expires.ends_with("T00:00:00.000Z"), "{expires}");
    let response = new_token(
        &admin,
        serde_json::json!({"name": "ci", "scope": "read", "expiresAt": "1999-01-01"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 422);

    // The list shows each token's expiry.
    let list: serde_json::Value = api
        .get(server.url("/api/v1/tokens"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["expiresAt"].is_string()),
        "{list}"
    );

    // An expired token answers 401 (before: tokens never expired).
    let read = body["token"].as_str().unwrap().to_owned();
    sql(
        &server,
        "UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE name = 'ci'",
    )
    .await;
    let response = api
        .get(server.url("/api/v1/tokens"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_token_command_prints_the_token_alone_with_its_expiry_on_stderr() {
    let data = tempfile::tempdir().unwrap();
    let portico = env!("CARGO_BIN_EXE_portico");
    let mut child = std::process::Command::new(portico)
        .args(["user", "create", "cli", "--password-stdin", "--data"])
        .arg(data.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"long password\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let output = std::process::Command::new(portico)
        .args([
            "token", "create", "--user", "cli", "--scope", "admin", "--data",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.trim().starts_with("ptc_") && stdout.lines().count() == 1,
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("expiring at"));
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let laptop = browser_like_client();
    sign_up(&laptop, &server, "pat", "old password").await;
    let phone = browser_like_client();
    assert!(
        log_in(&phone, &server, "pat", "old password")
            .await
            .status()
            .as_u16()
            < 400
    );
    let listed: serde_json::Value = call(&laptop, &server, "list_sessions", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");

    let wrong = call(
        &laptop,
        &server,
        "change_password",
        &[
            ("current", "nope nope"),
            ("password", "new password"),
            ("password_confirm", "new password"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let response = call(
        &laptop,
        &server,
        "change_password",
        &[
            ("current", "old password"),
            ("password", "new password"),
            ("password_confirm", "new password"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "1");
    assert_eq!(
        whoami(&phone, &server).await,
        None,
        "the phone is signed out"
    );
    assert_eq!(whoami(&laptop, &server).await.as_deref(), Some("pat"));
    assert_eq!(
        log_in(&phone, &server, "pat", "old password")
            .await
            .status(),
        422
    );
    assert!(
        log_in(&phone, &server, "pat", "new password")
            .await
            .status()
            .as_u16()
            < 400
    );

    // Sign out other sessions, from the phone this time.
    let response = call(&phone, &server, "sign_out_other_sessions", &[]).await;
    assert_eq!(response.text().await.unwrap(), "1");
    assert_eq!(whoami(&laptop, &server).await, None);
    assert_eq!(whoami(&phone, &server).await.as_deref(), Some("pat"));
}

#[tokio::test]
async fn members_can_be_removed_but_not_the_last_admin() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let owner = browser_like_client();
    sign_up(&owner, &server, "rosa", "long password").await;
    sign_up(&browser_like_client(), &server, "sam", "long password").await;
    let api = reqwest::Client::new();
    let admin = create_token(&owner, &server, "admin").await;
    let member = |method: reqwest::Method, user: &str| {
        api.request(
            method,
            server.url(&format!("/api/v1/orgs/rosa/members/{user}")),
        )
        .bearer_auth(admin.clone())
    };
    let response = member(reqwest::Method::PUT, "sam")
        .json(&serde_json::json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        member(reqwest::Method::DELETE, "sam")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        member(reqwest::Method::DELETE, "sam")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let response = member(reqwest::Method::DELETE, "rosa")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        409,
        "the owner of a personal organisation stays"
    );
}

/// A project of `org` made by `client`; its id.
async fn project(client: &reqwest::Client, server: &TestServer, org: &str) -> String {
    let response = call(
        client,
        server,
        "design_create",
        &[
            ("group", org),
            ("name", "Orders"),
            ("source[Template]", "order-service"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn share(client: &reqwest::Client, server: &TestServer, project: &str) -> String {
    let response = call(client, server, "design_share", &[("id", project)]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn shared_status(server: &TestServer, share: &str) -> u16 {
    call(
        &browser_like_client(),
        server,
        "design_shared",
        &[("share", share)],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn shares_end_by_expiry_revocation_demotion_and_deletion() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let owner = browser_like_client();
    sign_up(&owner, &server, "team", "long password").await;
    let helper = browser_like_client();
    sign_up(&helper, &server, "hugo", "long password").await;
    let admin = create_token(&owner, &server, "admin").await;
    let set_role = |role: &str| {
        reqwest::Client::new()
            .put(server.url("/api/v1/orgs/team/members/hugo"))
            .bearer_auth(admin.clone())
            .json(&serde_json::json!({ "role": role }))
            .send()
    };
    assert_eq!(set_role("viewer").await.unwrap().status(), 200);
    let id = project(&owner, &server, "team").await;

    // A viewer cannot share a private design (before: anyone who could read it).
    let response = call(&helper, &server, "design_share", &[("id", id.as_str())]).await;
    assert_eq!(response.status(), 403);

    // A share lives 30 days unless chosen, and is listed.
    let first = share(&owner, &server, &id).await;
    assert_eq!(shared_status(&server, &first).await, 200);
    let listed: serde_json::Value = call(&owner, &server, "design_shares", &[("id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], first.as_str());
    let response = call(
        &owner,
        &server,
        "design_share",
        &[("id", id.as_str()), ("days", "400")],
    )
    .await;
    assert_eq!(response.status(), 422);

    // Expired.
    sql(
        &server,
        &format!(
            "UPDATE design_shares SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = '{first}'"
        ),
    )
    .await;
    assert_eq!(shared_status(&server, &first).await, 404);

    // Revoked.
    let second = share(&owner, &server, &id).await;
    let response = call(
        &owner,
        &server,
        "design_share_revoke",
        &[("id", id.as_str()), ("share", second.as_str())],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(shared_status(&server, &second).await, 404);

    // The sharer demoted, then removed.
    assert_eq!(set_role("contributor").await.unwrap().status(), 200);
    let third = share(&helper, &server, &id).await;
    assert_eq!(shared_status(&server, &third).await, 200);
    assert_eq!(set_role("viewer").await.unwrap().status(), 200);
    assert_eq!(shared_status(&server, &third).await, 404);
    assert_eq!(set_role("contributor").await.unwrap().status(), 200);
    assert_eq!(
        shared_status(&server, &third).await,
        200,
        "access back, link back"
    );
    let removed = reqwest::Client::new()
        .delete(server.url("/api/v1/orgs/team/members/hugo"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(shared_status(&server, &third).await, 404);

    // The project deleted.
    let fourth = share(&owner, &server, &id).await;
    assert_eq!(shared_status(&server, &fourth).await, 200);
    let response = call(
        &owner,
        &server,
        "design_delete_project",
        &[("id", id.as_str())],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(shared_status(&server, &fourth).await, 404);
}

#[tokio::test]
async fn sign_up_can_be_closed_or_by_invitation() {
    let data = tempfile::tempdir().unwrap();
    let closed = TestServer::start_with(data.path(), &["--demo", "false", "--signup", "closed"]);
    let response = call(
        &browser_like_client(),
        &closed,
        "sign_up",
        &[
            ("username", "zed"),
            ("password", "long password"),
            ("password_confirm", "long password"),
        ],
    )
    .await;
    assert_eq!(response.status(), 403);
    closed.stop();

    let portico = env!("CARGO_BIN_EXE_portico");
    let mut child = std::process::Command::new(portico)
        .args([
            "user",
            "create",
            "root",
            "--admin",
            "--password-stdin",
            "--data",
        ])
        .arg(data.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"long password\n")
        .unwrap();
    assert!(child.wait().unwrap().success());

    let server = TestServer::start_with(data.path(), &["--demo", "false", "--signup", "invite"]);
    let form = |invite: &'static str| {
        [
            ("username", "zed"),
            ("password", "long password"),
            ("password_confirm", "long password"),
            ("invite", invite),
        ]
    };
    let response = call(&browser_like_client(), &server, "sign_up", &form("")).await;
    assert_eq!(response.status(), 403);
    let root = browser_like_client();
    assert!(
        log_in(&root, &server, "root", "long password")
            .await
            .status()
            .as_u16()
            < 400
    );
    let code: String = call(&root, &server, "create_invitation", &[])
        .await
        .json()
        .await
        .unwrap();
    let code: &'static str = Box::leak(code.into_boxed_str());
    let response = call(&browser_like_client(), &server, "sign_up", &form(code)).await;
    assert!(
        response.status().is_redirection() || response.status().is_success(),
        "{}",
        response.status()
    );
    let again = [
        ("username", "zoe"),
        ("password", "long password"),
        ("password_confirm", "long password"),
        ("invite", code),
    ];
    let response = call(&browser_like_client(), &server, "sign_up", &again).await;
    assert_eq!(response.status(), 403, "an invitation makes one account");
}
