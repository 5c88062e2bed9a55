//! Reviews against the real binary: one review per user and minor version (a second
//! review of the same minor edits the first), ratings 1 to 5 and comments of at most
//! 4,000 characters (422 naming the field), nobody reviews what they may not see (404),
//! and the catalog shows each asset's summary, consumers and rating and sorts by rating.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{ORDER_SERVICE, TestServer, api_send, json_of, put_document, user_with_token};

async fn review(
    server: &TestServer,
    token: &str,
    asset: &str,
    version: &str,
    body: Value,
) -> reqwest::Response {
    let path = format!("/assets/{asset}/reviews/{version}");
    api_send(Method::PUT, server, token, &path, Some(body)).await
}

async fn reviews_of(server: &TestServer, token: &str, path: &str) -> Value {
    json_of(api_send(Method::GET, server, token, path, None).await, 200).await
}

async fn publish(server: &TestServer, token: &str, path: &str, text: &str) {
    let response = put_document(server, token, path, "application/yaml", text).await;
    assert_eq!(response.status(), 201, "publishing {path}");
}

#[tokio::test]
async fn one_review_per_user_and_minor_checked_and_only_of_visible_assets() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "false"]);
    let ada = user_with_token(&server, "ada", "admin").await;
    let bob = user_with_token(&server, "bob", "publish").await;
    for version in ["1.0.0", "1.0.1", "1.1.0"] {
        let text = ORDER_SERVICE.replace("version: 1.0.0", &format!("version: {version}"));
        publish(&server, &ada, &format!("ada/orders/{version}"), &text).await;
    }

    // A private asset of another organisation does not exist for bob.
    let hidden = review(&server, &bob, "ada/orders", "1.0.0", json!({"rating": 5})).await;
    assert_eq!(hidden.status(), 404);
    let listed = api_send(
        Method::GET,
        &server,
        &bob,
        "/assets/ada/orders/reviews",
        None,
    )
    .await;
    assert_eq!(listed.status(), 404);

    // As a viewer of ada's organisation he may see it, and so review it.
    let member = api_send(
        Method::PUT,
        &server,
        &ada,
        "/orgs/ada/members/bob",
        Some(json!({"role": "viewer"})),
    )
    .await;
    assert_eq!(member.status(), 200);
    let first = json_of(
        review(
            &server,
            &bob,
            "ada/orders",
            "1.0.0",
            json!({"rating": 4, "comment": "Clear <b>payloads</b>."}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(first["author"], "bob");
    assert_eq!(first["version"], "1.0");
    assert_eq!(first["rating"], 4);
    assert_eq!(
        first["comment"], "Clear <b>payloads</b>.",
        "kept as plain text"
    );
    assert_eq!(first["mine"], true);

    // 1.0.1 is the same minor: the review is edited, not doubled.
    let edited = json_of(
        review(
            &server,
            &bob,
            "ada/orders",
            "1.0.1",
            json!({"rating": 2, "comment": "Changed my mind."}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(edited["id"], first["id"]);
    assert_eq!(edited["rating"], 2);
    let all = reviews_of(&server, &bob, "/assets/ada/orders/reviews").await;
    assert_eq!(
        (all["count"].as_u64(), all["average"].as_f64()),
        (Some(1), Some(2.0))
    );

    // Another minor is another review; the average is over all, or one minor's.
    json_of(
        review(&server, &bob, "ada/orders", "1.1.0", json!({"rating": 5})).await,
        201,
    )
    .await;
    json_of(
        review(&server, &ada, "ada/orders", "1.1", json!({"rating": 3})).await,
        201,
    )
    .await;
    let all = reviews_of(&server, &ada, "/assets/ada/orders/reviews").await;
    assert_eq!(all["count"], 3);
    assert_eq!(
        all["average"].as_f64(),
        Some(3.3),
        "(2 + 5 + 3) / 3 to one decimal"
    );
    let mine: Vec<_> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mine"] == true)
        .collect();
    assert_eq!(mine.len(), 1, "ada wrote one of them");
    assert_eq!(mine[0]["author"], "ada");
    let minor = reviews_of(&server, &ada, "/assets/ada/orders/reviews?version=1.1").await;
    assert_eq!(
        (minor["count"].as_u64(), minor["average"].as_f64()),
        (Some(2), Some(4.0))
    );
    let minor = reviews_of(&server, &ada, "/assets/ada/orders/reviews?version=1.0.1").await;
    assert_eq!(minor["count"], 1);

    // Out of range, too long, or not a version: 422 naming the field.
    for (rating, comment, field) in [
        (0, String::new(), "rating"),
        (6, String::new(), "rating"),
        (3, "x".repeat(4001), "comment"),
    ] {
        let problem = json_of(
            review(
                &server,
                &bob,
                "ada/orders",
                "1.0.0",
                json!({"rating": rating, "comment": comment}),
            )
            .await,
            422,
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().starts_with(field),
            "{problem}"
        );
    }
    let problem = json_of(
        review(&server, &bob, "ada/orders", "latest", json!({"rating": 3})).await,
        422,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().starts_with("version"),
        "{problem}"
    );
    let absent = review(&server, &bob, "ada/orders", "9.9.0", json!({"rating": 3})).await;
    assert_eq!(absent.status(), 404, "no such version");
    let unchanged = reviews_of(&server, &bob, "/assets/ada/orders/reviews?version=1.0").await;
    assert_eq!(
        unchanged["items"][0]["rating"], 2,
        "a refused review changes nothing"
    );

    // A read-only token may read reviews but not write them.
    let reader = support::create_token(&logged_in(&server, "bob").await, &server, "read").await;
    assert_eq!(
        review(
            &server,
            &reader,
            "ada/orders",
            "1.0.0",
            json!({"rating": 1})
        )
        .await
        .status(),
        403
    );

    // Only one's own review is deleted, once.
    let path = "/assets/ada/orders/reviews/1.1.0";
    assert_eq!(
        api_send(Method::DELETE, &server, &bob, path, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        api_send(Method::DELETE, &server, &bob, path, None)
            .await
            .status(),
        404
    );
    let left = reviews_of(&server, &ada, "/assets/ada/orders/reviews").await;
    assert_eq!(left["count"], 2, "ada's review of 1.1 is still there");
    server.stop();
}

/// A browser-like client signed in as `name` (whose password the support helpers set).
async fn logged_in(server: &TestServer, name: &str) -> reqwest::Client {
    let client = support::browser_like_client();
    let response = client
        .post(server.url("/rpc/log_in"))
        .form(&[("username", name), ("password", "long password")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success() || response.status().is_redirection());
    client
}

#[tokio::test]
async fn catalog_cards_carry_summary_consumers_and_rating_and_sort_by_rating() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "false"]);
    let ada = user_with_token(&server, "ada", "admin").await;
    let bob = user_with_token(&server, "bob", "publish").await;
    let carol = user_with_token(&server, "carol", "publish").await;
    let payments = ORDER_SERVICE
        .replace("Order Service", "Payment Service")
        .replace("Accepts orders", "Takes *payments*");
    let inventory = ORDER_SERVICE.replace("Order Service", "Inventory Service");
    for (asset, text) in [
        ("orders", ORDER_SERVICE),
        ("payments", payments.as_str()),
        ("inventory", inventory.as_str()),
    ] {
        publish(&server, &ada, &format!("ada/{asset}/1.0.0"), text).await;
        let public = api_send(
            Method::PATCH,
            &server,
            &ada,
            &format!("/assets/ada/{asset}"),
            Some(json!({"public": true})),
        )
        .await;
        assert_eq!(public.status(), 200);
    }
    // orders: 3 and 4 (3.5); payments: 5 and 4 (4.5); inventory: unreviewed.
    for (token, asset, rating) in [
        (&bob, "orders", 3),
        (&carol, "orders", 4),
        (&bob, "payments", 5),
        (&carol, "payments", 4),
    ] {
        json_of(
            review(
                &server,
                token,
                &format!("ada/{asset}"),
                "1.0.0",
                json!({"rating": rating}),
            )
            .await,
            201,
        )
        .await;
    }
    for token in [&bob, &carol] {
        let registered = api_send(
            Method::POST,
            &server,
            token,
            "/assets/ada/orders/consumers",
            Some(json!({"range": "^1"})),
        )
        .await;
        assert_eq!(registered.status(), 201);
    }

    let sorted = reviews_of(&server, &bob, "/assets?sort=rating").await;
    let order: Vec<_> = sorted["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["asset"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        order,
        ["payments", "orders", "inventory"],
        "best rated first, unreviewed last"
    );
    let items = sorted["items"].as_array().unwrap();
    let (payments, orders, inventory) = (&items[0], &items[1], &items[2]);
    assert_eq!(
        (payments["rating"].as_f64(), payments["reviews"].as_u64()),
        (Some(4.5), Some(2))
    );
    assert_eq!(
        (orders["rating"].as_f64(), orders["reviews"].as_u64()),
        (Some(3.5), Some(2))
    );
    assert_eq!(
        (inventory["rating"].clone(), inventory["reviews"].as_u64()),
        (Value::Null, Some(0))
    );
    assert_eq!(orders["consumers"], 2);
    assert_eq!(payments["consumers"], 0);
    assert_eq!(
        orders["findings"],
        Value::Null,
        "no governance profile checked it"
    );

    // The description as one line of safe inline HTML: code spans, no backticks.
    let summary = orders["summaryHtml"].as_str().unwrap();
    assert!(
        summary.contains("Publish an <code>Order</code> on the <code>order</code> channel"),
        "{summary}"
    );
    assert!(
        !summary.contains('`') && !summary.contains("<p>"),
        "{summary}"
    );
    assert!(
        payments["summaryHtml"]
            .as_str()
            .unwrap()
            .starts_with("Takes <em>payments</em>")
    );
    assert!(!summary.ends_with('…'), "it fits in a card: {summary}");

    // `newest` is the other name of `updated`; an unknown order is refused with the list.
    let newest = reviews_of(&server, &bob, "/assets?sort=newest").await;
    assert_eq!(newest["total"], 3);
    let refused = api_send(Method::GET, &server, &bob, "/assets?sort=stars", None).await;
    let problem = json_of(refused, 422).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("rating"),
        "{problem}"
    );
    server.stop();
}
