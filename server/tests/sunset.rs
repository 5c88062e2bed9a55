//! Deprecation with a date, against the real binary: a deprecation names its replacement
//! and sunset day (checked, 422 naming the field otherwise), its consumers hear of both,
//! and are reminded once when the day comes within the configured lead, by inbox and a
//! signed `sunset.reminder` webhook, and not again after a restart.

mod support;

use std::time::Duration;

use chrono::{Days, Utc};
use serde_json::{Value, json};
use support::webhook_receiver::{Receiver, assert_signed_with};
use support::{ORDER_SERVICE, TestServer, put_document, user_with_token};

const SECRET: &str = "sunset hook secret";

async fn call(
    method: reqwest::Method,
    server: &TestServer,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, server.url(&format!("/api/v1{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn deprecate(server: &TestServer, token: &str, body: Value) -> (u16, Value) {
    call(
        reqwest::Method::PATCH,
        server,
        token,
        "/assets/acme/orders/1.0.0",
        Some(body),
    )
    .await
}

fn day_in(days: u64) -> String {
    Utc::now()
        .date_naive()
        .checked_add_days(Days::new(days))
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

/// The notifications of `token`'s inbox once it holds `count`.
async fn inbox_with(server: &TestServer, token: &str, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        let (_, inbox) = call(reqwest::Method::GET, server, token, "/inbox", None).await;
        let items = inbox["notifications"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if items.len() >= count {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the inbox never held {count} notifications");
}

#[tokio::test]
async fn a_deprecation_names_its_way_out_and_consumers_are_reminded_once_before_the_sunset() {
    let data = tempfile::tempdir().unwrap();
    let args = [
        "--demo",
        "false",
        "--allow-hosts",
        "127.0.0.1",
        "--sunset-reminder-days",
        "30",
    ];
    let server = TestServer::start_with(data.path(), &args);
    let ada = user_with_token(&server, "acme", "admin").await;
    let bob = user_with_token(&server, "bob", "admin").await;
    for version in ["1.0.0", "2.0.0"] {
        let path = format!("acme/orders/{version}");
        let published = put_document(&server, &ada, &path, "application/yaml", ORDER_SERVICE);
        assert_eq!(published.await.status(), 201);
    }
    let (status, _) = call(
        reqwest::Method::PATCH,
        &server,
        &ada,
        "/assets/acme/orders",
        Some(json!({"public": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        reqwest::Method::POST,
        &server,
        &bob,
        "/assets/acme/orders/consumers",
        Some(json!({"range": "^1.0"})),
    )
    .await;
    assert_eq!(status, 201);
    let (receiver, url) = Receiver::start(vec![]).await;
    let hook = json!({"url": url, "secret": SECRET, "events": ["sunset.reminder"]});
    let (status, _) = call(
        reqwest::Method::POST,
        &server,
        &bob,
        "/orgs/bob/webhooks",
        Some(hook),
    )
    .await;
    assert_eq!(status, 201);

    // Each field is checked and named when wrong.
    let refused = [
        (
            json!({"lifecycle": "deprecated", "sunset": "2020-01-01"}),
            "sunset:",
        ),
        (
            json!({"lifecycle": "deprecated", "sunset": "next week"}),
            "sunset:",
        ),
        (
            json!({"lifecycle": "deprecated", "sunset": day_in(0)}),
            "sunset:",
        ),
        (
            json!({"lifecycle": "deprecated", "replacement": "9.9.9"}),
            "replacement:",
        ),
        (
            json!({"lifecycle": "deprecated", "replacement": "1.0.0"}),
            "replacement:",
        ),
        (
            json!({"lifecycle": "stable", "sunset": day_in(90)}),
            "sunset",
        ),
    ];
    for (body, field) in refused {
        let (status, problem) = deprecate(&server, &ada, body.clone()).await;
        assert_eq!(status, 422, "{body}: {problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(field), "{body}: {detail}");
    }
    let (status, _) = deprecate(&server, &bob, json!({"lifecycle": "deprecated"})).await;
    assert_eq!(
        status, 404,
        "a consumer cannot deprecate what it does not own"
    );

    // Sixty days out is beyond the 30-day lead: the deprecation is heard, no reminder yet.
    let sunset = day_in(60);
    let (status, version) = deprecate(
        &server,
        &ada,
        json!({"lifecycle": "deprecated", "replacement": "2.0.0", "sunset": sunset}),
    )
    .await;
    assert_eq!(status, 200, "{version}");
    assert_eq!(version["lifecycle"], "deprecated");
    assert_eq!(version["replacement"], "2.0.0");
    assert_eq!(version["sunset"], sunset);
    assert_eq!(version["sunsetInDays"], 60);
    let heard = inbox_with(&server, &bob, 1).await;
    assert_eq!(heard[0]["event"], "version.deprecated");
    assert_eq!(heard[0]["summary"]["replacement"], "2.0.0");
    assert_eq!(heard[0]["summary"]["sunset"], sunset);

    // Moving the sunset within the lead: one reminder, in the inbox and by webhook.
    let sunset = day_in(10);
    let (status, version) = deprecate(
        &server,
        &ada,
        json!({"lifecycle": "deprecated", "replacement": "2.0.0", "sunset": sunset}),
    )
    .await;
    assert_eq!(status, 200, "{version}");
    assert_eq!(version["sunsetInDays"], 10);
    let heard = inbox_with(&server, &bob, 2).await;
    assert_eq!(heard[0]["event"], "sunset.reminder");
    assert_eq!(heard[0]["version"], "1.0.0");
    assert_eq!(heard[0]["summary"]["sunset"], sunset);
    let got = receiver.wait_for(1).await;
    assert_signed_with(SECRET, &got[0]);
    assert_eq!(got[0].headers["portico-event"], "sunset.reminder");
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["event"], "sunset.reminder");
    assert_eq!(body["summary"]["sunset"], sunset);
    assert_eq!(body["summary"]["replacement"], "2.0.0");

    // A restart does not remind again.
    server.stop();
    let server = TestServer::start_with(data.path(), &args);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, inbox) = call(reqwest::Method::GET, &server, &bob, "/inbox", None).await;
    assert_eq!(
        inbox["notifications"].as_array().unwrap().len(),
        2,
        "{inbox}"
    );
    assert_eq!(receiver.got().len(), 1, "one reminder per sunset day");

    // Back to stable: the way out is cleared.
    let (status, version) = deprecate(&server, &ada, json!({"lifecycle": "stable"})).await;
    assert_eq!(status, 200, "{version}");
    assert_eq!(version["replacement"], Value::Null);
    assert_eq!(version["sunset"], Value::Null);
}
