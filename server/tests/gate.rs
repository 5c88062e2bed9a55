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
