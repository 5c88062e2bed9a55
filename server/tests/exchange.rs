//! The exchange rules through the REST API, against the real binary.

mod support;

use serde_json::Value;
use support::{ORDER_SERVICE, TestServer, api_get, put_document, user_with_token};

const YAML: &str = "application/yaml";

#[tokio::test]
async fn publish_is_idempotent_and_stable_versions_never_change() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;

    let created = put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.headers()["location"],
        "/api/v1/assets/acme/orders/1.0.0"
    );
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["lifecycle"], "stable");
    assert_eq!(body["title"], "Order Service");

    let again = put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(again.status(), 200, "identical content is idempotent");

    let changed = ORDER_SERVICE.replace("Accepts orders", "Takes orders");
    let conflict = put_document(&server, &token, "acme/orders/1.0.0", YAML, &changed).await;
    assert_eq!(conflict.status(), 409);
    assert_eq!(
        conflict.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = conflict.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("never changes"),
        "{problem}"
    );

    let spec = api_get(&server, Some(&token), "assets/acme/orders/1.0.0/spec").await;
    assert_eq!(spec.status(), 200);
    assert_eq!(spec.headers()["content-type"], YAML);
    assert_eq!(
        spec.text().await.unwrap(),
        ORDER_SERVICE,
        "served exactly as published"
    );
}

#[tokio::test]
async fn development_versions_may_be_overwritten() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    let path = "acme/orders/2.0.0-beta.1?lifecycle=development";
    assert_eq!(
        put_document(&server, &token, path, YAML, ORDER_SERVICE)
            .await
            .status(),
        201
    );
    let changed = ORDER_SERVICE.replace("Accepts orders", "Takes orders");
    assert_eq!(
        put_document(&server, &token, path, YAML, &changed)
            .await
            .status(),
        200
    );
    let spec = api_get(
        &server,
        Some(&token),
        "assets/acme/orders/2.0.0-beta.1/spec",
    )
    .await;
    assert!(spec.text().await.unwrap().contains("Takes orders"));
}

#[tokio::test]
async fn invalid_documents_and_coordinates_are_refused_with_reasons() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;

    let broken = put_document(
        &server,
        &token,
        "acme/orders/1.0.0",
        YAML,
        "asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n",
    )
    .await;
    assert_eq!(broken.status(), 422);
    let problem: Value = broken.json().await.unwrap();
    let errors = problem["errors"]
        .as_array()
        .expect("diagnostics are listed");
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .any(|e| e["pointer"].as_str().unwrap().starts_with("/info")),
        "{problem}"
    );

    let not_yaml = put_document(
        &server,
        &token,
        "acme/orders/1.0.0",
        YAML,
        "asyncapi: [unclosed\n",
    )
    .await;
    assert_eq!(not_yaml.status(), 422);
    let problem: Value = not_yaml.json().await.unwrap();
    assert!(problem["errors"][0]["line"].as_u64().is_some(), "{problem}");

    let cases = [
        ("acme/Orders/1.0.0", "Asset id"),
        ("acme/orders/1.0", "not a semantic version"),
        ("acme/orders/1.0.0+build.7", "build metadata"),
    ];
    for (path, message) in cases {
        let response = put_document(&server, &token, path, YAML, ORDER_SERVICE).await;
        assert_eq!(response.status(), 422, "{path}");
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains(message),
            "{path}: {problem}"
        );
    }
    let long = format!("acme/{}/1.0.0", "a".repeat(210));
    assert_eq!(
        put_document(&server, &token, &long, YAML, ORDER_SERVICE)
            .await
            .status(),
        422
    );

    let wrong_type = put_document(
        &server,
        &token,
        "acme/orders/1.0.0",
        "text/plain",
        ORDER_SERVICE,
    )
    .await;
    assert_eq!(wrong_type.status(), 422);
}

#[tokio::test]
async fn a_deleted_version_can_never_be_reused() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    assert_eq!(
        put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE)
            .await
            .status(),
        201
    );
    let deleted = reqwest::Client::new()
        .delete(server.url("/api/v1/assets/acme/orders/1.0.0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        api_get(&server, Some(&token), "assets/acme/orders/1.0.0/spec")
            .await
            .status(),
        404
    );
    let reused = put_document(&server, &token, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(reused.status(), 409);
    let problem: Value = reused.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("never be used again")
    );
}

#[tokio::test]
async fn fifty_parallel_publishes_of_one_version_create_exactly_one() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    let url = server.url("/api/v1/assets/acme/orders/1.0.0");
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let request = reqwest::Client::new()
                .put(&url)
                .bearer_auth(&token)
                .header("content-type", YAML)
                .body(ORDER_SERVICE);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        49,
        "{statuses:?}"
    );
    let asset: Value = api_get(&server, Some(&token), "assets/acme/orders")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asset["versions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn search_finds_fields_inside_documents_and_respects_visibility() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let owner = user_with_token(&server, "acme", "publish").await;
    let stranger = user_with_token(&server, "other", "read").await;
    assert_eq!(
        put_document(&server, &owner, "acme/orders/1.0.0", YAML, ORDER_SERVICE)
            .await
            .status(),
        201
    );

    let found: Value = api_get(&server, Some(&owner), "assets?q=customerId")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["asset"], "orders");
    assert!(
        found["items"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("**customerId**"),
        "{found}"
    );
    let none: Value = api_get(&server, Some(&owner), "assets?q=warehouseLocation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);

    let hidden: Value = api_get(&server, Some(&stranger), "assets?q=customerId")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        hidden["total"], 0,
        "private assets stay inside their organisation"
    );
    assert_eq!(
        api_get(&server, Some(&stranger), "assets/acme/orders")
            .await
            .status(),
        404
    );

    let shown = reqwest::Client::new()
        .patch(server.url("/api/v1/assets/acme/orders"))
        .bearer_auth(&owner)
        .json(&serde_json::json!({"public": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 200);
    let visible: Value = api_get(&server, Some(&stranger), "assets?q=customerId")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(visible["total"], 1);
    assert_eq!(
        api_get(&server, None, "assets?q=customerId").await.status(),
        401
    );
}

#[tokio::test]
async fn lifecycle_moves_along_its_path_only() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let token = user_with_token(&server, "acme", "publish").await;
    put_document(
        &server,
        &token,
        "acme/orders/1.0.0?lifecycle=development",
        YAML,
        ORDER_SERVICE,
    )
    .await;
    let set = |lifecycle: &'static str| {
        let token = token.clone();
        let url = server.url("/api/v1/assets/acme/orders/1.0.0");
        async move {
            reqwest::Client::new()
                .patch(url)
                .bearer_auth(token)
                .json(&serde_json::json!({"lifecycle": lifecycle}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        set("deprecated").await,
        409,
        "development cannot skip stable"
    );
    assert_eq!(set("stable").await, 200);
    assert_eq!(
        set("development").await,
        409,
        "stable never goes back to development"
    );
    assert_eq!(set("deprecated").await, 200);
    assert_eq!(set("stable").await, 200);
    assert_eq!(set("retired").await, 422);
}

#[tokio::test]
async fn the_api_describes_itself() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let response = api_get(&server, None, "openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/assets/{group}/{asset}/{version}"]["put"].is_object());
    let unknown = api_get(&server, None, "nope").await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn a_first_start_seeds_a_living_catalog_once() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &[]);
    let token = user_with_token(&server, "newcomer", "read").await;
    let found: Value = api_get(&server, Some(&token), "assets?q=customerId")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["group"], "portico", "{found}");
    assert_eq!(found["items"][0]["asset"], "order-service");
    assert_eq!(found["items"][0]["latestVersion"], "1.1.0");
    let all: Value = api_get(&server, Some(&token), "assets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 4, "{all}");
    server.stop();

    let server = TestServer::start_with(data.path(), &[]);
    let asset: Value = api_get(&server, Some(&token), "assets/portico/order-service")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        asset["versions"].as_array().unwrap().len(),
        2,
        "seeded once: {asset}"
    );
}

/// Answers are cached in memory (repo/read_cache.rs); every write must show at once.
#[tokio::test]
async fn revocations_role_changes_and_lifecycle_changes_take_effect_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path());
    let owner = user_with_token(&server, "olive", "admin").await;
    let path = "olive/orders/1.0.0";
    let published = put_document(&server, &owner, path, "application/yaml", ORDER_SERVICE).await;
    assert_eq!(published.status(), 201);

    // Another user does not see the private asset, then does once made a viewer.
    let client = support::browser_like_client();
    support::sign_up(&client, &server, "vera", "long password").await;
    let reader = support::create_token(&client, &server, "read").await;
    let spec = format!("assets/{path}/spec");
    assert_eq!(api_get(&server, Some(&reader), &spec).await.status(), 404);
    let added = reqwest::Client::new()
        .put(server.url("/api/v1/orgs/olive/members/vera"))
        .bearer_auth(&owner)
        .json(&serde_json::json!({ "role": "viewer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    assert_eq!(api_get(&server, Some(&reader), &spec).await.status(), 200);

    // A deleted version is gone for readers whose earlier download was answered.
    let deleted = reqwest::Client::new()
        .delete(server.url(&format!("/api/v1/assets/{path}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    assert_eq!(api_get(&server, Some(&reader), &spec).await.status(), 404);

    // A revoked token is refused on its next request.
    let listed: Value = client
        .get(server.url("/api/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = listed["items"][0]["id"].as_i64().expect("a token id");
    let revoked = client
        .delete(server.url(&format!("/api/v1/tokens/{id}")))
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success(), "{}", revoked.status());
    assert_eq!(
        api_get(&server, Some(&reader), "tokens").await.status(),
        401
    );
    server.stop();
}

#[tokio::test]
async fn asset_pages_show_every_change_at_once_and_only_to_their_readers() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path());
    let owner = support::browser_like_client();
    support::sign_up(&owner, &server, "olive", "long password").await;
    let token = support::create_token(&owner, &server, "publish").await;
    let published = put_document(
        &server,
        &token,
        "olive/orders/1.0.0",
        "application/yaml",
        ORDER_SERVICE,
    )
    .await;
    assert_eq!(published.status(), 201);
    let page = server.url("/exchange/olive/orders/1.0.0");
    let view = |client: reqwest::Client| {
        let page = page.clone();
        async move {
            let response = client.get(&page).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    // Seen twice (the second view may be answered from memory), then a new version.
    for _ in 0..2 {
        let (status, html) = view(owner.clone()).await;
        assert_eq!(status, 200);
        assert!(html.contains("Order Service") && !html.contains("1.1.0"));
    }
    let newer = ORDER_SERVICE.replacen("version: 1.0.0", "version: 1.1.0", 1);
    let published = put_document(
        &server,
        &token,
        "olive/orders/1.1.0",
        "application/yaml",
        &newer,
    )
    .await;
    assert_eq!(published.status(), 201);
    let (status, html) = view(owner.clone()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("1.1.0"),
        "the version switcher lists the new version"
    );

    // The owner's page of the private asset is neither another user's nor a visitor's.
    let other = support::browser_like_client();
    support::sign_up(&other, &server, "vera", "long password").await;
    for client in [other, reqwest::Client::new()] {
        let (_, html) = view(client).await;
        let refused = html.contains("No asset olive/orders") || html.contains("Log in to see");
        assert!(refused && !html.contains("Order Service"), "{html}");
    }

    // Signing out changes what the same browser is shown.
    let signed_out = support::call(&owner, &server, "log_out", &[]).await;
    assert!(signed_out.status().is_success() || signed_out.status().is_redirection());
    let (_, html) = view(owner).await;
    assert!(
        html.contains("Log in to see") && !html.contains("Order Service"),
        "{html}"
    );
    server.stop();
}
