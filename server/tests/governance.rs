//! Governance profiles through the REST API: an admin makes one, a blocking ruleset's
//! error refuses a publish with the finding at its line, an advisory one keeps its
//! findings with the version, and a broken ruleset is refused with where and why.

mod support;

use serde_json::{Value, json};
use support::{ORDER_SERVICE, TestServer, api_get, put_document, user_with_token};

const YAML: &str = "application/yaml";

/// The house rule: every API names its owner (the Order Service does not).
const HOUSE: &str = r#"
extends: [portico:recommended]
rules:
  house-contact:
    description: Every API names the team that owns it.
    message: "info.contact is missing: name the owning team."
    severity: error
    given: $.info
    then:
      field: contact
      function: truthy
"#;

async fn put_profile(server: &TestServer, token: &str, profile: Value) -> reqwest::Response {
    reqwest::Client::new()
        .put(server.url("/api/v1/orgs/acme/governance"))
        .bearer_auth(token)
        .json(&profile)
        .send()
        .await
        .expect("request is sent")
}

#[tokio::test]
async fn blocking_rulesets_refuse_and_advisory_ones_are_kept_with_the_version() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;

    // No profile: nothing is checked.
    let empty: Value = api_get(&server, Some(&token), "orgs/acme/governance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["rulesets"], json!([]));

    let blocking = json!({
        "rulesets": [{"ruleset": "house", "enforcement": "blocking", "kinds": ["asyncapi"]}],
        "custom": {"house": HOUSE},
    });
    let stored = put_profile(&server, &token, blocking).await;
    assert_eq!(stored.status(), 200);

    let refused = put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    let diagnostics = problem["errors"].as_array().unwrap();
    let contact = diagnostics
        .iter()
        .find(|d| d["rule"] == "house-contact")
        .unwrap_or_else(|| panic!("the blocking finding: {problem}"));
    assert_eq!(contact["severity"], "error");
    assert_eq!(contact["pointer"], "/info");
    assert_eq!(contact["line"], 2);
    assert!(
        diagnostics.iter().all(|d| d["severity"] == "error"),
        "only errors refuse: {problem}"
    );

    // The same ruleset as advisory: the version is stored with its findings.
    let advisory = json!({
        "rulesets": [{"ruleset": "house", "enforcement": "advisory"}],
        "custom": {"house": HOUSE},
    });
    assert_eq!(put_profile(&server, &token, advisory).await.status(), 200);
    let published = put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(published.status(), 201);
    let conformance: Value = api_get(
        &server,
        Some(&token),
        "assets/acme/orders/1.0.0/conformance",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(conformance["errors"], 1, "{conformance}");
    let rules: Vec<&str> = conformance["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"house-contact"), "{rules:?}");
    assert!(
        rules.contains(&"portico-info-contact"),
        "extends the built-in one: {rules:?}"
    );

    // An asset the profile does not cover was not checked.
    let other = json!({
        "rulesets": [{"ruleset": "house", "enforcement": "blocking", "assets": "billing-*"}],
        "custom": {"house": HOUSE},
    });
    assert_eq!(put_profile(&server, &token, other).await.status(), 200);
    let published = put_document(&server, &token, "acme/shipping/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(published.status(), 201);
    let unchecked = api_get(
        &server,
        Some(&token),
        "assets/acme/shipping/1.0.0/conformance",
    )
    .await;
    assert_eq!(unchecked.status(), 404);
}

#[tokio::test]
async fn a_profile_that_does_not_load_is_refused_with_where_and_why() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    let cases = [
        (
            json!({"rulesets": [{"ruleset": "house", "enforcement": "blocking"}],
                   "custom": {"house": "rules:\n  r:\n    given: $\n    then: {function: pattern}\n"}}),
            "/rules/r",
        ),
        (
            json!({"rulesets": [{"ruleset": "nowhere", "enforcement": "advisory"}]}),
            "nowhere",
        ),
        (
            json!({"rulesets": [{"ruleset": "portico:recommended", "enforcement": "sometimes"}]}),
            "enforcement",
        ),
    ];
    for (profile, expected) in cases {
        let refused = put_profile(&server, &token, profile.clone()).await;
        let status = refused.status();
        let text = refused.text().await.unwrap();
        assert!(
            matches!(status.as_u16(), 400 | 422),
            "{profile}: {status} {text}"
        );
        assert!(text.contains(expected), "{profile}: {text}");
    }
    // A viewer of another organisation sees nothing of it.
    let stranger = user_with_token(&server, "stranger", "publish").await;
    let hidden = api_get(&server, Some(&stranger), "orgs/acme/governance").await;
    assert_eq!(hidden.status(), 404);
}

/// The house rule alone (no built-in ruleset under it).
const CONTACT_ONLY: &str = r#"
rules:
  house-contact:
    description: Every API names the team that owns it.
    severity: error
    given: $.info
    then:
      field: contact
      function: truthy
"#;

#[tokio::test]
async fn the_dashboard_and_the_catalog_show_how_the_latest_versions_conform() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    let profile = |enforcement: &str| {
        json!({
            "rulesets": [{"ruleset": "house", "enforcement": enforcement, "assets": "o*"}],
            "custom": {"house": CONTACT_ONLY},
        })
    };
    assert_eq!(
        put_profile(&server, &token, profile("advisory"))
            .await
            .status(),
        200
    );
    let owned = ORDER_SERVICE.replacen("info:\n", "info:\n  contact:\n    name: Orders team\n", 1);
    assert_ne!(owned, ORDER_SERVICE);
    for (path, body) in [
        ("acme/orders/1.0.0", ORDER_SERVICE),
        ("acme/owned/1.0.0", owned.as_str()),
        ("acme/billing/1.0.0", ORDER_SERVICE),
    ] {
        let published = put_document(&server, &token, path, YAML, body).await;
        assert_eq!(published.status(), 201, "{path}");
    }

    let dashboard: Value = api_get(&server, Some(&token), "orgs/acme/governance/dashboard")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        dashboard["rulesets"],
        json!([{"ruleset": "house", "assets": 2, "conformant": 1,
                "counts": {"errors": 1, "warnings": 0, "infos": 0, "hints": 0}}]),
        "{dashboard}"
    );
    let history = dashboard["history"].as_array().unwrap();
    assert_eq!(history.len(), 1, "one point today: {dashboard}");
    assert_eq!(history[0]["assets"], 2);
    assert_eq!(history[0]["conformant"], 1);
    assert_eq!(
        dashboard["at_risk"],
        json!([{"asset": "orders", "version": "1.0.0", "blocked_by": [],
                "counts": {"errors": 1, "warnings": 0, "infos": 0, "hints": 0}}])
    );

    // Made blocking, the re-check marks what its next publish would refuse.
    assert_eq!(
        put_profile(&server, &token, profile("blocking"))
            .await
            .status(),
        200
    );
    let mut marked = Value::Null;
    for _ in 0..100 {
        let dashboard: Value = api_get(&server, Some(&token), "orgs/acme/governance/dashboard")
            .await
            .json()
            .await
            .unwrap();
        marked = dashboard["at_risk"][0]["blocked_by"].clone();
        if marked == json!(["house"]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(marked, json!(["house"]));

    // The catalog filters by the latest version's conformance.
    let names = |filter: &'static str| {
        let server = &server;
        let token = token.clone();
        async move {
            let found: Value = api_get(
                server,
                Some(&token),
                &format!("assets?conformance={filter}&sort=name"),
            )
            .await
            .json()
            .await
            .unwrap();
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["asset"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("conformant").await, ["owned"]);
    assert_eq!(names("findings").await, ["orders"]);
    assert_eq!(names("errors").await, ["orders"]);
    assert_eq!(names("unchecked").await, ["billing"]);
    let all: Value = api_get(&server, Some(&token), "assets?sort=name")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        all["items"][0]["findings"],
        Value::Null,
        "billing is unchecked"
    );
    assert_eq!(all["items"][1]["findings"]["errors"], 1, "orders");
    let refused = api_get(&server, Some(&token), "assets?conformance=perfect").await;
    assert_eq!(refused.status(), 422);
}
