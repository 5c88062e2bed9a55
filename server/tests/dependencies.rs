//! Dependencies between assets, against the real binary: a document that `$ref`s a
//! published asset (`portico:group/asset/range#/pointer`) is resolved at publish for the
//! publisher, pinned to the version it resolved to and stored as written; what it cannot
//! read is a 422 at the reference, the same for a private asset as for none; the asset
//! lists its dependents, and a breaking release names the dependents it breaks.

mod support;

use serde_json::Value;
use support::{
    ORDER_SERVICE, TestServer, api_get, browser_like_client, call, create_token, put_document,
    sign_up, user_with_token,
};

const YAML: &str = "application/yaml";

/// Billing's document: one message whose payload is `reference`.
fn billing(reference: &str) -> String {
    format!(
        r#"asyncapi: 3.0.0
info:
  title: Billing
  version: 1.0.0
channels:
  invoices:
    address: invoices
    messages:
      Invoice:
        payload:
          $ref: '{reference}'
operations:
  sendInvoice:
    action: send
    channel:
      $ref: '#/channels/invoices'
"#
    )
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

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn publish(server: &TestServer, token: &str, path: &str, body: &str, status: u16) -> Value {
    json_of(put_document(server, token, path, YAML, body).await, status).await
}

#[tokio::test]
async fn references_to_published_assets_are_resolved_pinned_and_listed() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "false", "--mqtt-addr", "off"]);
    let ada_client = browser_like_client();
    sign_up(&ada_client, &server, "acme", "long password").await;
    let ada = create_token(&ada_client, &server, "admin").await;
    let zed = user_with_token(&server, "zed", "admin").await;

    publish(&server, &ada, "acme/orders/1.0.0", ORDER_SERVICE, 201).await;
    let orders_1_1 = ORDER_SERVICE.replace("version: 1.0.0", "version: 1.1.0");
    publish(&server, &ada, "acme/orders/1.1.0", &orders_1_1, 201).await;
    // A development version in the range is not what a range resolves to.
    let development = ORDER_SERVICE.replace("version: 1.0.0", "version: 1.9.0");
    publish(
        &server,
        &ada,
        "acme/orders/1.9.0?lifecycle=development",
        &development,
        201,
    )
    .await;

    // Published against the highest stable version in the range, stored as written.
    let text = billing("portico:acme/orders/^1#/components/schemas/Order");
    let created = publish(&server, &ada, "acme/billing/1.0.0", &text, 201).await;
    assert_eq!(created["breaksDependents"], serde_json::json!([]));
    let spec = api_get(&server, Some(&ada), "assets/acme/billing/1.0.0/spec").await;
    assert_eq!(spec.text().await.unwrap(), text);
    let dependencies = json_of(
        api_get(
            &server,
            Some(&ada),
            "assets/acme/billing/1.0.0/dependencies",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        dependencies["items"],
        serde_json::json!([{
            "group": "acme",
            "asset": "orders",
            "requirement": "^1",
            "pinned": "1.1.0",
            "references": [{
                "pointer": "/channels/invoices/messages/Invoice/payload/$ref",
                "reference": "portico:acme/orders/^1#/components/schemas/Order"
            }]
        }])
    );

    // The asset page's documentation shows the referenced schema.
    let model = json_of(
        call(
            &ada_client,
            &server,
            "version_model",
            &[
                ("group", "acme"),
                ("asset", "billing"),
                ("version", "1.0.0"),
            ],
        )
        .await,
        200,
    )
    .await;
    let payload = &model["messages"][0]["payload"];
    assert_eq!(
        payload["properties"]["orderId"]["format"], "uuid",
        "{payload}"
    );

    // A reference no published version answers: 422 at the reference.
    let missing = billing("portico:acme/orders/^9#/components/schemas/Order");
    let refused = publish(&server, &ada, "acme/billing/1.0.1", &missing, 422).await;
    let errors = refused["errors"].as_array().unwrap();
    let error = errors
        .iter()
        .find(|e| e["pointer"] == "/channels/invoices/messages/Invoice/payload/$ref")
        .unwrap_or_else(|| panic!("{refused}"));
    assert_eq!(
        error["message"],
        "Unresolved reference \"portico:acme/orders/^9#/components/schemas/Order\": no published version of acme/orders matching ^9 that you may read."
    );
    // A malformed one says what is wrong, at the same place.
    let malformed = billing("portico:acme/orders/latest#/components/schemas/Order");
    let refused = publish(&server, &ada, "acme/billing/1.0.1", &malformed, 422).await;
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("neither a version"),
        "{refused}"
    );

    // Another organisation's private asset reads exactly like one that does not exist.
    publish(&server, &zed, "zed/secret/1.0.0", ORDER_SERVICE, 201).await;
    let message_for = |asset: &str| {
        format!(
            "Unresolved reference \"portico:zed/{asset}/1.0.0#/components/schemas/Order\": no published version zed/{asset} 1.0.0 that you may read."
        )
    };
    for asset in ["secret", "nothing"] {
        let text = billing(&format!(
            "portico:zed/{asset}/1.0.0#/components/schemas/Order"
        ));
        let refused = publish(&server, &ada, "acme/billing/1.0.1", &text, 422).await;
        assert_eq!(refused["errors"][0]["message"], message_for(asset));
    }

    // Who depends on orders, as each caller may see it.
    let dependents = json_of(
        api_get(&server, Some(&ada), "assets/acme/orders/dependents").await,
        200,
    )
    .await;
    assert_eq!(
        dependents["items"],
        serde_json::json!([{
            "group": "acme", "asset": "billing", "version": "1.0.0",
            "requirement": "^1", "pinned": "1.1.0"
        }])
    );
    let opened = reqwest::Client::new()
        .patch(server.url("/api/v1/assets/acme/orders"))
        .bearer_auth(&ada)
        .json(&serde_json::json!({"public": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    let seen_by_zed = json_of(
        api_get(&server, Some(&zed), "assets/acme/orders/dependents").await,
        200,
    )
    .await;
    assert_eq!(
        seen_by_zed["items"],
        serde_json::json!([]),
        "billing is private to acme"
    );

    // A stable release in the range later does not move the pin.
    let orders_1_2 = ORDER_SERVICE.replace("version: 1.0.0", "version: 1.2.0");
    publish(&server, &ada, "acme/orders/1.2.0", &orders_1_2, 201).await;
    let dependencies = json_of(
        api_get(
            &server,
            Some(&ada),
            "assets/acme/billing/1.0.0/dependencies",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(dependencies["items"][0]["pinned"], "1.1.0");

    // A breaking minor release is refused, and names the dependents it would break.
    let refused = publish(&server, &ada, "acme/orders/1.3.0", &breaking_change(), 409).await;
    assert_eq!(
        refused["breaks_dependents"],
        serde_json::json!([{
            "group": "acme", "asset": "billing", "version": "1.0.0",
            "requirement": "^1", "pinned": "1.1.0", "acceptsNew": true
        }]),
        "{refused}"
    );
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("It breaks 1 dependent: acme/billing 1.0.0."),
        "{refused}"
    );
    // The major release is published, and still says whom it breaks.
    let created = publish(&server, &ada, "acme/orders/2.0.0", &breaking_change(), 201).await;
    assert_eq!(
        created["breaksDependents"],
        serde_json::json!([{
            "group": "acme", "asset": "billing", "version": "1.0.0",
            "requirement": "^1", "pinned": "1.1.0", "acceptsNew": false
        }])
    );
    // A dependent pinned to a later version is not broken by a break below it: billing
    // 1.1.0 (now its newest) uses 2.0.0, and the breaking 1.3.0 is refused for no one.
    let text = billing("portico:acme/orders/2.0.0#/components/schemas/Order");
    publish(&server, &ada, "acme/billing/1.1.0", &text, 201).await;
    let refused = publish(&server, &ada, "acme/orders/1.3.0", &breaking_change(), 409).await;
    assert_eq!(
        refused["breaks_dependents"],
        serde_json::json!([]),
        "{refused}"
    );
}
