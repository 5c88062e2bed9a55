//! The breaking-change gate at publish and the compare endpoint, through the REST API.

mod support;

use serde_json::Value;
use support::{ORDER_SERVICE, TestServer, api_get, put_document, user_with_token};

const YAML: &str = "application/yaml";

/// 1.0.0 with a field removed from a message consumers receive (`approvedAt` of
/// `OrderApproved`): breaking for them.
fn without_approved_at() -> String {
    let changed = ORDER_SERVICE
        .replace("required: [orderId, approvedAt]", "required: [orderId]")
        .replace(
            "          approvedAt:\n            type: string\n            format: date-time\n",
            "",
        );
    assert_ne!(changed, ORDER_SERVICE, "the test document changed shape");
    changed
}

#[tokio::test]
async fn a_break_needs_a_major_release_or_an_admin_override() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    assert_eq!(
        put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE)
            .await
            .status(),
        201
    );
    let broken = without_approved_at();

    let refused = put_document(&server, &token, "acme/orders/1.1.0", YAML, &broken).await;
    assert_eq!(refused.status(), 409);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["base"], "1.0.0", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("2.0.0"),
        "suggests the major release: {problem}"
    );
    let changes = problem["changes"].as_array().unwrap();
    let removed = changes
        .iter()
        .find(|c| c["severity"] == "breaking" && c["direction"] == "receives")
        .unwrap_or_else(|| panic!("a breaking change consumers receive: {problem}"));
    assert!(removed["message"].as_str().unwrap().contains("approvedAt"));
    assert!(removed["old"]["line"].as_u64().unwrap() > 1, "{removed}");
    assert_eq!(removed["old"]["file"], "orders-1.0.0.yaml");

    // Nothing was stored: the number is still free, and a development version passes.
    let development = put_document(
        &server,
        &token,
        "acme/orders/1.1.0?lifecycle=development",
        YAML,
        &broken,
    )
    .await;
    assert_eq!(development.status(), 201);

    // A major release may break; the admin of the organisation may override with a reason.
    assert_eq!(
        put_document(&server, &token, "acme/orders/2.0.0", YAML, &broken)
            .await
            .status(),
        201
    );
    let no_reason = put_document(
        &server,
        &token,
        "acme/orders/1.2.0?override=breaking",
        YAML,
        &broken,
    )
    .await;
    assert_eq!(no_reason.status(), 422, "an override needs a reason");
    let overridden = put_document(
        &server,
        &token,
        "acme/orders/1.2.0?override=breaking&reason=nobody%20reads%20approvedAt",
        YAML,
        &broken,
    )
    .await;
    assert_eq!(overridden.status(), 201);

    let compared = api_get(
        &server,
        Some(&token),
        "assets/acme/orders/compare?from=1.0.0&to=2.0.0",
    )
    .await;
    assert_eq!(compared.status(), 200);
    let report: Value = compared.json().await.unwrap();
    assert_eq!(report["breaking"], true);
    assert_eq!(report["suggested_bump"], "major");
    assert!(!report["changes"].as_array().unwrap().is_empty());

    let missing = api_get(
        &server,
        Some(&token),
        "assets/acme/orders/compare?from=1.0.0&to=9.9.9",
    )
    .await;
    assert_eq!(missing.status(), 404);
}

/// PUTs JSON to an API path with a bearer token.
async fn api_put_json(
    server: &TestServer,
    token: &str,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .put(server.url(&format!("/api/v1/{path}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request is sent")
}

#[tokio::test]
async fn an_organisation_decides_what_a_rule_means_for_its_assets() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    let read_only = user_with_token(&server, "reader", "read").await;
    put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    let broken = without_approved_at();
    let refused = put_document(&server, &token, "acme/orders/1.1.0", YAML, &broken).await;
    assert_eq!(refused.status(), 409);
    let problem: Value = refused.json().await.unwrap();
    let breaking_rules: Vec<String> = problem["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["severity"] == "breaking")
        .map(|c| c["rule"].as_str().unwrap().to_owned())
        .collect();
    assert!(!breaking_rules.is_empty(), "{problem}");

    let levels = api_get(&server, Some(&token), "orgs/acme/diff-rules").await;
    assert_eq!(levels.status(), 200);
    assert_eq!(
        levels.json::<Value>().await.unwrap(),
        serde_json::json!({"rules": {}})
    );
    let catalog: Value = api_get(&server, Some(&token), "diff-rules")
        .await
        .json()
        .await
        .unwrap();
    let items = catalog["items"].as_array().unwrap();
    for rule in &breaking_rules {
        assert!(
            items.iter().any(|r| r["id"] == rule.as_str()),
            "{rule} listed"
        );
    }

    // Bad levels are refused with what is wrong, and change nothing.
    let unknown = api_put_json(
        &server,
        &token,
        "orgs/acme/diff-rules",
        &serde_json::json!({"rules": {"no-such-rule": "info"}}),
    )
    .await;
    assert_eq!(unknown.status(), 422);
    assert!(unknown.text().await.unwrap().contains("no-such-rule"));
    let bad_level = api_put_json(
        &server,
        &token,
        "orgs/acme/diff-rules",
        &serde_json::json!({"rules": {breaking_rules[0].clone(): "fatal"}}),
    )
    .await;
    assert_eq!(bad_level.status(), 422);
    // Only the organisation's admins change them; others do not learn it exists.
    let outsider = api_put_json(
        &server,
        &read_only,
        "orgs/acme/diff-rules",
        &serde_json::json!({"rules": {}}),
    )
    .await;
    assert_eq!(outsider.status(), 403, "a read token changes nothing");
    assert_eq!(
        api_get(&server, Some(&read_only), "orgs/acme/diff-rules")
            .await
            .status(),
        404
    );

    // The organisation calls these changes information: 1.1.0 now passes the gate.
    let rules: serde_json::Map<String, Value> = breaking_rules
        .iter()
        .map(|rule| (rule.clone(), Value::from("info")))
        .collect();
    let stored = api_put_json(
        &server,
        &token,
        "orgs/acme/diff-rules",
        &serde_json::json!({ "rules": rules }),
    )
    .await;
    assert_eq!(stored.status(), 200);
    let accepted = put_document(&server, &token, "acme/orders/1.1.0", YAML, &broken).await;
    assert_eq!(accepted.status(), 201, "{}", accepted.text().await.unwrap());
    let version: Value = api_get(&server, Some(&token), "assets/acme/orders/1.1.0")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(version["breaking"], false, "{version}");
    let compared: Value = api_get(
        &server,
        Some(&token),
        "assets/acme/orders/compare?from=1.0.0&to=1.1.0",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        compared["breaking"], false,
        "compare applies them too: {compared}"
    );
}

#[tokio::test]
async fn the_versions_say_which_broke_and_the_feed_tells_followers() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    let broken = without_approved_at();
    put_document(&server, &token, "acme/orders/2.0.0", YAML, &broken).await;
    let overridden = put_document(
        &server,
        &token,
        "acme/orders/1.1.0?override=breaking&reason=nobody%20reads%20%3Cb%3EapprovedAt%3C%2Fb%3E",
        YAML,
        &broken,
    )
    .await;
    assert_eq!(overridden.status(), 201);

    let asset: Value = api_get(&server, Some(&token), "assets/acme/orders")
        .await
        .json()
        .await
        .unwrap();
    let versions = asset["versions"].as_array().expect("versions");
    let mark = |v: &str| {
        let found = versions
            .iter()
            .find(|x| x["version"] == v)
            .unwrap_or_else(|| panic!("{v} listed: {asset}"));
        (found["breaking"].clone(), found["overrideReason"].clone())
    };
    assert_eq!(mark("1.0.0"), (Value::from(false), Value::Null));
    assert_eq!(mark("2.0.0"), (Value::from(true), Value::Null));
    assert_eq!(
        mark("1.1.0"),
        (
            Value::from(true),
            Value::from("nobody reads <b>approvedAt</b>")
        )
    );

    let response = api_get(&server, Some(&token), "assets/acme/orders/feed").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let text = response.text().await.unwrap();
    let feed: atom_syndication::Feed = text.parse().expect("an Atom document");
    let titles: Vec<&str> = feed
        .entries()
        .iter()
        .map(|e| e.title().value.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "2.0.0 (breaking)",
            "1.1.0 (breaking, published anyway)",
            "1.0.0"
        ]
    );
    let overridden_entry = &feed.entries()[1];
    let html = overridden_entry
        .content()
        .and_then(|c| c.value())
        .expect("content");
    assert!(html.contains("approvedAt"), "{html}");
    assert!(html.contains("Published anyway by acme"), "{html}");
    assert!(
        !html.contains("<b>"),
        "the reason is text, never markup: {html}"
    );
    assert!(
        feed.id().starts_with("http://"),
        "absolute ids: {}",
        feed.id()
    );
    assert_eq!(
        api_get(&server, None, "assets/acme/orders/feed")
            .await
            .status(),
        401
    );
}
