//! Snapshots of REST response bodies (insta): the shapes clients depend on, reviewed
//! when they change. Timestamps are redacted; everything else is deterministic.

mod support;

use insta::assert_json_snapshot;
use serde_json::Value;
use support::{ORDER_SERVICE, TestServer, api_get, put_document, user_with_token};

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

#[tokio::test]
async fn response_bodies_keep_their_shape() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "false"]);
    let token = user_with_token(&server, "acme", "publish").await;
    let yaml = "application/yaml";

    let created =
        body(put_document(&server, &token, "acme/orders/1.0.0", yaml, ORDER_SERVICE).await).await;
    assert_json_snapshot!("publish_created", created, { ".publishedAt" => "[time]" });

    let changed = ORDER_SERVICE.replace("Accepts orders", "Takes orders");
    let conflict =
        body(put_document(&server, &token, "acme/orders/1.0.0", yaml, &changed).await).await;
    assert_json_snapshot!("publish_conflict", conflict);

    let invalid = body(
        put_document(
            &server,
            &token,
            "acme/broken/1.0.0",
            yaml,
            "asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n",
        )
        .await,
    )
    .await;
    assert_json_snapshot!("publish_invalid", invalid);

    let asset = body(api_get(&server, Some(&token), "assets/acme/orders").await).await;
    assert_json_snapshot!("asset", asset, { ".versions[].publishedAt" => "[time]" });

    let search = body(api_get(&server, Some(&token), "assets?q=customerId").await).await;
    assert_json_snapshot!("search", search, { ".items[].updatedAt" => "[time]" });

    let event_map = body(api_get(&server, Some(&token), "event-map").await).await;
    assert_json_snapshot!("event_map", event_map);

    let missing = body(api_get(&server, Some(&token), "assets/acme/nothing").await).await;
    assert_json_snapshot!("not_found", missing);
}
