//! Consumers and what they hear, end to end against the real binary: a consumer's range
//! decides which events reach them, once per event; an organisation's webhook receives
//! each event signed, is retried with backoff after a failure with the same delivery key,
//! and keeps that one delivery across a crash mid-delivery; nothing goes to a host the
//! allow-list does not name.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::webhook_receiver::{Answer, Receiver, assert_signed_with};
use support::{ORDER_SERVICE, TestServer, api_send, json_of, put_document, user_with_token};

const SECRET: &str = "the webhook secret, shared";

fn assert_signed(received: &support::webhook_receiver::Received) {
    assert_signed_with(SECRET, received);
}

/// 1.x without a field of a message consumers receive: breaking for them.
fn breaking_change() -> String {
    ORDER_SERVICE
        .replace("required: [orderId, approvedAt]", "required: [orderId]")
        .replace(
            "          approvedAt:\n            type: string\n            format: date-time\n",
            "",
        )
}

/// The owner `ada` publishes acme/orders 1.0.0 (public); `bob` consumes it.
async fn owner_and_consumer(server: &TestServer) -> (String, String) {
    let ada = user_with_token(server, "acme", "admin").await;
    let bob = user_with_token(server, "bob", "admin").await;
    let yaml = "application/yaml";
    assert_eq!(
        put_document(server, &ada, "acme/orders/1.0.0", yaml, ORDER_SERVICE)
            .await
            .status(),
        201
    );
    let public = api_send(
        reqwest::Method::PATCH,
        server,
        &ada,
        "/assets/acme/orders",
        Some(json!({"public": true})),
    )
    .await;
    assert_eq!(public.status(), 200);
    (ada, bob)
}

/// GETs `path` of the API, which must answer 200 with JSON.
async fn get_json(server: &TestServer, token: &str, path: &str) -> Value {
    json_of(
        api_send(reqwest::Method::GET, server, token, path, None).await,
        200,
    )
    .await
}

async fn inbox(server: &TestServer, token: &str) -> Value {
    get_json(server, token, "/inbox").await
}

/// Waits until the inbox holds `count` notifications.
async fn inbox_with(server: &TestServer, token: &str, count: usize) -> Value {
    for _ in 0..100 {
        let found = inbox(server, token).await;
        if found["notifications"].as_array().unwrap().len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the inbox never held {count} notifications: {}",
        inbox(server, token).await
    );
}

#[tokio::test]
async fn consumers_hear_once_per_event_in_range_and_webhooks_are_signed_and_retried() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(
        data.path(),
        &[
            "--demo",
            "false",
            "--allow-hosts",
            "127.0.0.1",
            "--webhook-first-retry-ms",
            "200",
        ],
    );
    let (ada, bob) = owner_and_consumer(&server).await;
    // The receiver fails the first delivery: it must come again, later, with its key.
    let (receiver, url) = Receiver::start(vec![Answer::Status(503)]).await;

    let registered = api_send(
        reqwest::Method::POST,
        &server,
        &bob,
        "/assets/acme/orders/consumers",
        Some(json!({"range": "^1.0", "uses": ["placeOrder"], "contact": "bob@example.com"})),
    )
    .await;
    let registered = json_of(registered, 201).await;
    assert_eq!(registered["organisation"], "bob");
    assert_eq!(registered["range"], "^1.0");
    let again = api_send(
        reqwest::Method::POST,
        &server,
        &bob,
        "/assets/acme/orders/consumers",
        Some(json!({"range": "^1"})),
    )
    .await;
    assert_eq!(
        again.status(),
        409,
        "one registration per organisation and asset"
    );
    let bad = api_send(
        reqwest::Method::POST,
        &server,
        &bob,
        "/assets/acme/orders/consumers",
        Some(json!({"range": "one point oh"})),
    )
    .await;
    let bad = json_of(bad, 422).await;
    assert!(bad["detail"].as_str().unwrap().contains("range:"), "{bad}");
    // The owner sees the consumer; the consumer's organisation hears through its webhook.
    let seen = get_json(&server, &ada, "/assets/acme/orders/consumers").await;
    assert_eq!(seen["items"][0]["contact"], "bob@example.com");
    let hook = api_send(reqwest::Method::POST, &server, &bob, "/orgs/bob/webhooks",
        Some(json!({"url": url, "secret": SECRET, "events": ["version.published", "version.deprecated"]}))).await;
    let hook = json_of(hook, 201).await;
    assert!(
        hook.get("secret").is_none(),
        "a secret is never shown again"
    );
    let hook_id = hook["id"].as_i64().unwrap();
    let refused = api_send(
        reqwest::Method::POST,
        &server,
        &bob,
        "/orgs/bob/webhooks",
        Some(json!({"url": "http://10.1.2.3/hook", "secret": SECRET})),
    )
    .await;
    let refused = json_of(refused, 422).await;
    assert!(
        refused["detail"].as_str().unwrap().contains("not allowed"),
        "{refused}"
    );

    // In range, compatible: one notification, one delivery (after one retry).
    let yaml = "application/yaml";
    assert_eq!(
        put_document(&server, &ada, "acme/orders/1.1.0", yaml, ORDER_SERVICE)
            .await
            .status(),
        201
    );
    let got = receiver.wait_for(2).await;
    let (first, second) = (&got[0], &got[1]);
    assert_signed(first);
    assert_signed(second);
    assert_eq!(
        first.headers["portico-delivery"], second.headers["portico-delivery"],
        "a retry keeps its key"
    );
    assert_eq!(first.headers["portico-event"], "version.published");
    assert_eq!(first.body, second.body, "a retry sends the same body");
    let body: Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(body["event"], "version.published");
    assert_eq!(body["asset"], json!({"group": "acme", "asset": "orders"}));
    assert_eq!(
        body["versions"],
        json!({"version": "1.1.0", "base": "1.0.0"})
    );
    assert_eq!(body["breaking"], false);

    // Out of range: nothing. A breaking 2.0.0 is outside ^1.0.
    assert_eq!(
        put_document(&server, &ada, "acme/orders/2.0.0", yaml, &breaking_change())
            .await
            .status(),
        201
    );
    // Deprecating a version in range: heard once.
    let deprecate = api_send(
        reqwest::Method::PATCH,
        &server,
        &ada,
        "/assets/acme/orders/1.0.0",
        Some(json!({"lifecycle": "deprecated"})),
    )
    .await;
    assert_eq!(deprecate.status(), 200);
    let got = receiver.wait_for(3).await;
    assert_signed(&got[2]);
    assert_eq!(got[2].headers["portico-event"], "version.deprecated");
    let found = inbox_with(&server, &bob, 2).await;
    let notifications = found["notifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 2, "{found}");
    assert_eq!(found["unread"], 2);
    assert_eq!(notifications[0]["event"], "version.deprecated");
    assert_eq!(notifications[0]["version"], "1.0.0");
    assert_eq!(notifications[1]["event"], "version.published");
    assert_eq!(notifications[1]["version"], "1.1.0");
    assert_eq!(notifications[1]["summary"]["breaking"], false);
    // The owner consumes nothing: their inbox stays empty.
    assert_eq!(inbox(&server, &ada).await["notifications"], json!([]));

    // The delivery log: the first delivery had two attempts, 503 then 200.
    let log = get_json(
        &server,
        &bob,
        &format!("/orgs/bob/webhooks/{hook_id}/deliveries"),
    )
    .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    let published = items
        .iter()
        .find(|d| d["event"] == "version.published")
        .unwrap();
    assert_eq!(published["state"], "delivered");
    let statuses: Vec<&Value> = published["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [&json!(503), &json!(200)]);
    // Delivering it again sends the same key once more.
    let delivery = published["id"].as_i64().unwrap();
    let redeliver = api_send(
        reqwest::Method::POST,
        &server,
        &bob,
        &format!("/orgs/bob/webhooks/{hook_id}/deliveries/{delivery}/redeliver"),
        None,
    )
    .await;
    assert_eq!(redeliver.status(), 202);
    let got = receiver.wait_for(4).await;
    assert_eq!(
        got[3].headers["portico-delivery"],
        got[0].headers["portico-delivery"]
    );

    // Marking read empties the count.
    let marked = json_of(
        api_send(
            reqwest::Method::POST,
            &server,
            &bob,
            "/inbox/read",
            Some(json!({})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(marked["marked"], 2);
    assert_eq!(inbox(&server, &bob).await["unread"], 0);
    // Removing the registration stops the notifications.
    let id = registered["id"].as_i64().unwrap();
    let removed = api_send(
        reqwest::Method::DELETE,
        &server,
        &bob,
        &format!("/assets/acme/orders/consumers/{id}"),
        None,
    )
    .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(
        put_document(&server, &ada, "acme/orders/1.2.0", yaml, ORDER_SERVICE)
            .await
            .status(),
        201
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        inbox(&server, &bob).await["notifications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(receiver.got().len(), 4);
}

#[tokio::test]
async fn a_crash_mid_delivery_sends_the_same_delivery_again_and_a_disallowed_host_gets_nothing() {
    let data = tempfile::tempdir().unwrap();
    let args = [
        "--demo",
        "false",
        "--allow-hosts",
        "127.0.0.1",
        "--webhook-first-retry-ms",
        "200",
        "--webhook-timeout-ms",
        "500",
    ];
    let server = TestServer::start_with(data.path(), &args);
    let (ada, bob) = owner_and_consumer(&server).await;
    let (receiver, url) = Receiver::start(vec![Answer::Hang]).await;
    let registered = api_send(
        reqwest::Method::POST,
        &server,
        &bob,
        "/assets/acme/orders/consumers",
        Some(json!({"range": ">=1"})),
    )
    .await;
    assert_eq!(registered.status(), 201);
    let hook = json_of(
        api_send(
            reqwest::Method::POST,
            &server,
            &bob,
            "/orgs/bob/webhooks",
            Some(json!({"url": url, "secret": SECRET})),
        )
        .await,
        201,
    )
    .await;
    let hook_id = hook["id"].as_i64().unwrap();
    assert_eq!(
        put_document(
            &server,
            &ada,
            "acme/orders/1.1.0",
            "application/yaml",
            ORDER_SERVICE
        )
        .await
        .status(),
        201
    );
    // The receiver holds the first attempt; the server dies meanwhile.
    let first = receiver.wait_for(1).await;
    server.kill();

    let server = TestServer::start_with(data.path(), &args);
    let got = receiver.wait_for(2).await;
    assert_eq!(
        got[1].headers["portico-delivery"], first[0].headers["portico-delivery"],
        "the same delivery, not a new one"
    );
    assert_signed(&got[1]);
    let log = get_json(
        &server,
        &bob,
        &format!("/orgs/bob/webhooks/{hook_id}/deliveries"),
    )
    .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log["items"][0]["state"], "delivered");
    server.stop();

    // Without the allow-list entry, the next event's delivery is refused before any
    // connection: the receiver gets nothing and the log says why.
    let server = TestServer::start_with(
        data.path(),
        &["--demo", "false", "--webhook-first-retry-ms", "200"],
    );
    assert_eq!(
        put_document(
            &server,
            &ada,
            "acme/orders/1.2.0",
            "application/yaml",
            ORDER_SERVICE
        )
        .await
        .status(),
        201
    );
    let mut refused = Value::Null;
    for _ in 0..100 {
        let log = get_json(
            &server,
            &bob,
            &format!("/orgs/bob/webhooks/{hook_id}/deliveries"),
        )
        .await;
        let newest = &log["items"][0];
        if newest["version"] == "1.2.0" && !newest["attempts"].as_array().unwrap().is_empty() {
            refused = newest.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let error = refused["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("not allowed"), "{refused}");
    assert_eq!(
        refused["state"], "pending",
        "retried later, in case an administrator allows it"
    );
    assert_eq!(receiver.got().len(), 2, "nothing reached the receiver");
}
