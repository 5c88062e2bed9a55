//! Accounts, sessions and the security rules around them, against the real binary.

mod support;

use support::{TestServer, browser_like_client, call, sign_up, whoami};

#[tokio::test]
async fn sign_up_log_out_and_log_in_again() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let client = browser_like_client();

    assert_eq!(whoami(&client, &server).await, None);
    sign_up(&client, &server, "Alice", "correct horse battery").await;
    assert_eq!(
        whoami(&client, &server).await.as_deref(),
        Some("alice"),
        "names are lowercased"
    );

    let response = call(&client, &server, "log_out", &[]).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert_eq!(whoami(&client, &server).await, None);

    let response = call(
        &client,
        &server,
        "log_in",
        &[
            ("username", "alice"),
            ("password", "correct horse battery"),
            ("next", ""),
        ],
    )
    .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert_eq!(whoami(&client, &server).await.as_deref(), Some("alice"));
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site_lax() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = call(
        &browser_like_client(),
        &server,
        "sign_up",
        &[
            ("username", "carol"),
            ("password", "long password"),
            ("password_confirm", "long password"),
        ],
    )
    .await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portico_session="))
        .expect("a session cookie is set")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http by default: {cookie}"
    );
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let client = browser_like_client();
    sign_up(&client, &server, "dave", "right password").await;
    let other = browser_like_client();

    let wrong = call(
        &other,
        &server,
        "log_in",
        &[("username", "dave"), ("password", "wrong password")],
    )
    .await;
    let wrong_status = wrong.status();
    let wrong_body = wrong.text().await.unwrap();
    let unknown = call(
        &other,
        &server,
        "log_in",
        &[("username", "nobody"), ("password", "wrong password")],
    )
    .await;
    let unknown_status = unknown.status();
    let unknown_body = unknown.text().await.unwrap();

    assert_eq!(wrong_status, 422);
    assert_eq!(wrong_status, unknown_status);
    assert_eq!(wrong_body, unknown_body);
    assert!(
        wrong_body.contains("Wrong user name or password."),
        "{wrong_body}"
    );
    assert_eq!(whoami(&other, &server).await, None);
}

#[tokio::test]
async fn sign_up_rejects_bad_input_and_taken_names_with_reasons() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let client = browser_like_client();
    sign_up(&client, &server, "erin", "long password").await;

    let cases = [
        (
            ("erin", "long password", "long password"),
            409,
            "already taken",
        ),
        (
            ("bad name", "long password", "long password"),
            422,
            "User name may contain only",
        ),
        (("frank", "short", "short"), 422, "at least 8 characters"),
        (
            ("frank", "long password", "other password"),
            422,
            "do not match",
        ),
    ];
    for ((name, password, confirm), status, message) in cases {
        let response = call(
            &browser_like_client(),
            &server,
            "sign_up",
            &[
                ("username", name),
                ("password", password),
                ("password_confirm", confirm),
            ],
        )
        .await;
        assert_eq!(response.status(), status, "{name}");
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{name}: {body}");
    }
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let client = browser_like_client();
    sign_up(&client, &server, "grace", "right password").await;

    let attacker = browser_like_client();
    for attempt in 1..=5 {
        let response = call(
            &attacker,
            &server,
            "log_in",
            &[("username", "grace"), ("password", "guess")],
        )
        .await;
        assert_eq!(response.status(), 422, "attempt {attempt}");
    }
    // Even the right password is refused while the account is throttled.
    let response = call(
        &attacker,
        &server,
        "log_in",
        &[("username", "grace"), ("password", "right password")],
    )
    .await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=2).contains(&retry_after),
        "backoff starts short: {retry_after}"
    );
    assert!(response.text().await.unwrap().contains("TooManyAttempts"));
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = browser_like_client()
        .post(server.url("/rpc/sign_up"))
        .header("origin", "http://evil.example")
        .form(&[
            ("username", "mallory"),
            ("password", "long password"),
            ("password_confirm", "long password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = browser_like_client()
        .post(server.url("/rpc/log_out"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = browser_like_client()
        .post(server.url("/rpc/log_in"))
        .form(&[("username", "x"), ("password", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn a_session_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let client = browser_like_client();
    let server = TestServer::start(data.path());
    sign_up(&client, &server, "heidi", "long password").await;
    assert_eq!(whoami(&client, &server).await.as_deref(), Some("heidi"));
    let old_url = server.base_url.clone();
    server.stop();

    let server = TestServer::start(data.path());
    // Cookies are per host, not per port: the same jar applies to the new port.
    assert_ne!(server.base_url, old_url);
    assert_eq!(whoami(&client, &server).await.as_deref(), Some("heidi"));
}
