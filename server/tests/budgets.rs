//! Documents that expand past their budget through the REST API, against the real
//! binary: refused with a diagnostic at the alias, while the server keeps answering.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{ORDER_SERVICE, TestServer, api_get, put_document, user_with_token};

const YAML: &str = "application/yaml";

/// A valid AsyncAPI document whose `scalar_bytes` description is aliased `aliases`
/// times, one alias a line from line 7 on.
fn alias_bomb(scalar_bytes: usize, aliases: usize) -> String {
    let mut text = format!(
        "asyncapi: 3.0.0\ninfo:\n  title: Bomb\n  version: 1.0.0\n  description: &big {}\n  x-copies:\n",
        "x".repeat(scalar_bytes)
    );
    text.push_str(&"    - *big\n".repeat(aliases));
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_alias_bomb_is_refused_at_its_alias_while_others_are_served() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path());
    let attacker = user_with_token(&server, "mallory", "publish").await;
    let other = user_with_token(&server, "acme", "publish").await;

    // Four 1 MB documents, each aliasing its scalar 2,000 times (2 GB expanded), at once.
    let bomb = alias_bomb(1024 * 1024, 2_000);
    let server = std::sync::Arc::new(server);
    let bombs: Vec<_> = (0..4)
        .map(|index| {
            let (server, token, bomb) = (server.clone(), attacker.clone(), bomb.clone());
            tokio::spawn(async move {
                let path = format!("mallory/bomb/1.0.{index}");
                put_document(&server, &token, &path, YAML, &bomb).await
            })
        })
        .collect();

    // Meanwhile another user publishes and reads.
    let started = Instant::now();
    let published = put_document(&server, &other, "acme/orders/1.0.0", YAML, ORDER_SERVICE).await;
    assert_eq!(published.status(), 201);
    let read = api_get(
        &server,
        Some(&other),
        "assets/acme/orders/1.0.0/spec?format=json",
    )
    .await;
    assert_eq!(read.status(), 200);
    let json: Value = read.json().await.unwrap();
    assert_eq!(json["info"]["title"], "Order Service");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "another user waited {:?}",
        started.elapsed()
    );

    for bomb in bombs {
        let refused = bomb.await.unwrap();
        assert_eq!(refused.status(), 422);
        let problem: Value = refused.json().await.unwrap();
        let errors = problem["errors"]
            .as_array()
            .expect("diagnostics are listed");
        assert_eq!(errors.len(), 1, "{problem}");
        let message = errors[0]["message"].as_str().unwrap();
        assert!(
            message.contains("The alias *big expands the document"),
            "{problem}"
        );
        // Ten copies of the scalar fit: the original and nine aliases (lines 7-15).
        assert_eq!(errors[0]["line"], 16, "{problem}");
    }
}

#[tokio::test]
async fn the_expansion_ratio_is_a_setting() {
    // 200 KB aliased 30 times: 6 MB, past 10x the document but within 100x.
    let document = alias_bomb(200 * 1024, 30);
    let data = tempfile::tempdir().unwrap();
    let strict = TestServer::start(data.path());
    let token = user_with_token(&strict, "acme", "publish").await;
    let refused = put_document(&strict, &token, "acme/copies/1.0.0", YAML, &document).await;
    assert_eq!(refused.status(), 422);
    strict.stop();

    let data = tempfile::tempdir().unwrap();
    let generous = TestServer::start_with(
        data.path(),
        &["--demo", "false", "--max-expansion-ratio", "100"],
    );
    let token = user_with_token(&generous, "acme", "publish").await;
    let accepted = put_document(&generous, &token, "acme/copies/1.0.0", YAML, &document).await;
    assert_eq!(accepted.status(), 201, "{}", accepted.text().await.unwrap());
}
