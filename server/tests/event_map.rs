//! `GET /api/v1/event-map` against the real binary: the demo catalog's channels on a
//! fresh start, AsyncAPI 2.x and 3.x sides joined by address, what each caller may see
//! (a private asset stays with its organisation, a registration with the organisations
//! on either side), the filters, and versions published before the map existed.

mod support;

use serde_json::{Value, json};
use support::{TestServer, api_get, put_document, user_with_token};

/// A shop of alice's (private), in AsyncAPI 2.6: it sends orders (`subscribe`) and hears
/// approvals (`publish`), on a Kafka broker.
const SHOP: &str = "asyncapi: 2.6.0
info:
  title: Web Shop
  version: 1.0.0
tags:
  - name: web
servers:
  kafka:
    url: kafka.internal:9092
    protocol: kafka
channels:
  order:
    subscribe:
      operationId: placeOrder
      message:
        name: Order
        payload: {type: object}
  order-approved:
    publish:
      operationId: hearApproval
      message:
        name: OrderApproved
        payload: {type: object}
";

async fn map(server: &TestServer, token: Option<&str>, query: &str) -> Value {
    let response = api_get(server, token, &format!("event-map{query}")).await;
    assert_eq!(response.status(), 200, "event-map{query}");
    response.json().await.unwrap()
}

/// The channel at `address`: (producer ids, consumer ids).
fn sides(map: &Value, address: &str) -> (Vec<String>, Vec<String>) {
    let channel = map["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no channel {address} in {map:#}"));
    let ids = |side: &str| {
        channel[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|end| end["app"].as_str().unwrap().to_owned())
            .collect()
    };
    (ids("producers"), ids("consumers"))
}

fn addresses(map: &Value) -> Vec<String> {
    map["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap().to_owned())
        .collect()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

#[tokio::test]
async fn the_event_map_joins_what_each_caller_may_see_by_address() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "true"]);
    let alice = user_with_token(&server, "alice", "publish").await;
    let bob = user_with_token(&server, "bob", "read").await;

    // A fresh start: the demo's Order Service (3.0) and Account Events (2.6), no OpenAPI.
    let demo = map(&server, Some(&bob), "").await;
    assert_eq!(
        addresses(&demo),
        [
            "order",
            "order-approved",
            "order-failed",
            "user/signedup",
            "user/{userId}/deleted"
        ]
    );
    let service = "portico/order-service";
    assert_eq!(sides(&demo, "order"), (vec![], strings(&[service])));
    assert_eq!(sides(&demo, "order-failed"), (strings(&[service]), vec![]));
    assert_eq!(
        sides(&demo, "user/{userId}/deleted"),
        (strings(&["portico/account-events"]), vec![])
    );
    let app = &demo["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == service)
        .unwrap();
    assert_eq!(app["version"], "1.1.0", "the latest live version");
    assert_eq!(app["title"], "Order Service");
    assert_eq!(app["source"], "declared");
    assert_eq!(
        app["servers"],
        json!(["mqtt://localhost:1883", "mqtts://mqtt.example.com:8883"])
    );
    assert_eq!(demo["choices"]["organisations"], json!(["portico"]));

    // Alice's private shop joins the demo's channels by address, for her alone.
    let published = put_document(
        &server,
        &alice,
        "alice/shop/1.0.0",
        "application/yaml",
        SHOP,
    )
    .await;
    assert_eq!(published.status(), 201);
    let hers = map(&server, Some(&alice), "").await;
    assert_eq!(
        sides(&hers, "order"),
        (strings(&["alice/shop"]), strings(&[service]))
    );
    assert_eq!(
        sides(&hers, "order-approved"),
        (strings(&[service]), strings(&["alice/shop"]))
    );
    assert_eq!(
        map(&server, Some(&bob), "").await,
        demo,
        "bob sees no private shop"
    );

    // Filters narrow the map; the choices stay those of the whole map.
    let web = map(&server, Some(&alice), "?tag=web").await;
    assert_eq!(addresses(&web), ["order", "order-approved"]);
    assert_eq!(sides(&web, "order"), (strings(&["alice/shop"]), vec![]));
    assert_eq!(
        web["choices"]["tags"],
        json!(["commerce", "identity", "orders", "web"])
    );
    let kafka = map(&server, Some(&alice), "?server=kafka://kafka.internal:9092").await;
    assert_eq!(kafka["applications"][0]["id"], "alice/shop", "{kafka:#}");
    assert_eq!(kafka["applications"].as_array().unwrap().len(), 1);
    let portico = map(&server, Some(&alice), "?organisation=portico&tag=identity").await;
    assert_eq!(
        addresses(&portico),
        ["user/signedup", "user/{userId}/deleted"]
    );
    // Around one asset: its channels, with everyone on them.
    let around = map(&server, Some(&alice), "?asset=alice/shop").await;
    assert_eq!(addresses(&around), ["order", "order-approved"]);
    assert_eq!(
        sides(&around, "order"),
        (strings(&["alice/shop"]), strings(&[service]))
    );
    let nothing = map(&server, Some(&alice), "?organisation=nobody").await;
    assert_eq!(nothing["channels"], json!([]));

    // Bobby registers for what he uses of the Order Service: he hears approvals.
    let bobby = user_with_token(&server, "bobby", "publish").await;
    let registered = reqwest::Client::new()
        .post(server.url("/api/v1/assets/portico/order-service/consumers"))
        .bearer_auth(&bobby)
        .json(&json!({"range": "^1.0", "uses": ["order-approved"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let consumer = "bobby@portico/order-service";
    let his = map(&server, Some(&bobby), "").await;
    assert_eq!(
        sides(&his, "order-approved"),
        (strings(&[service]), strings(&[consumer]))
    );
    // Alice is in neither organisation: she does not see the registration.
    let hers = map(&server, Some(&alice), "").await;
    assert!(!hers.to_string().contains(consumer), "{hers:#}");

    // Anonymous callers are asked to authenticate, as for search.
    let anonymous = api_get(&server, None, "event-map").await;
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn a_registered_consumer_is_on_the_other_side_of_what_it_uses() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "true"]);
    let carol = user_with_token(&server, "carol", "publish").await;
    let registered = reqwest::Client::new()
        .post(server.url("/api/v1/assets/portico/order-service/consumers"))
        .bearer_auth(&carol)
        .json(&json!({"range": "~1.0", "uses": ["placeOrder", "order-failed"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let map = map(&server, Some(&carol), "").await;
    let consumer = "carol@portico/order-service";
    // ~1.0 holds 1.0.0 only: the version drawn is that one, not the latest 1.1.0.
    let app = map["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == consumer)
        .unwrap_or_else(|| panic!("{map:#}"));
    assert_eq!(app["source"], "registered");
    assert_eq!(app["version"], "1.0.0");
    assert_eq!(app["range"], "~1.0");
    assert_eq!(app["organisation"], "carol");
    let service = "portico/order-service";
    // It sends the orders the service receives, hears the failures the service sends,
    // and is not on order-approved, which it did not name.
    assert_eq!(
        sides(&map, "order"),
        (strings(&[consumer]), strings(&[service]))
    );
    assert_eq!(
        sides(&map, "order-failed"),
        (strings(&[service]), strings(&[consumer]))
    );
    assert_eq!(sides(&map, "order-approved"), (strings(&[service]), vec![]));
    // Another user outside carol's organisation and portico's does not see it.
    let dave = user_with_token(&server, "dave", "read").await;
    let theirs = api_get(&server, Some(&dave), "event-map").await;
    let text = theirs.text().await.unwrap();
    assert!(!text.contains(consumer), "{text}");
}

#[tokio::test]
async fn versions_published_before_the_event_map_are_read_at_the_next_start() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "true"]);
    let erin = user_with_token(&server, "erin", "read").await;
    let before = map(&server, Some(&erin), "").await;
    server.stop();
    // As a database from before the event map: no channel rows, nothing indexed.
    let url = format!("sqlite://{}", data.path().join("portico.db").display());
    let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("DELETE FROM asset_channels")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query("UPDATE asset_versions SET channels_indexed = 0")
        .execute(&mut connection)
        .await
        .unwrap();
    drop(connection);
    let server = TestServer::start_with(data.path(), &["--demo", "true"]);
    let mut after = Value::Null;
    for _ in 0..100 {
        after = map(&server, Some(&erin), "").await;
        if after == before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(after, before, "the background indexing rebuilt the map");
}
