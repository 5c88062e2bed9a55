//! The authorization matrix: every REST endpoint against every kind of caller
//! (anonymous, a user of another organisation, viewer, contributor, admin, and a
//! contributor whose token may only read), all in one table so a gap shows at once.

mod support;

use reqwest::Method;
use support::{
    ORDER_SERVICE, TestServer, browser_like_client, create_token, put_document, sign_up,
};

#[derive(Clone, Copy, Debug)]
enum Caller {
    Anonymous,
    Outsider,
    Viewer,
    Contributor,
    ReadOnlyContributor,
    Admin,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Outsider,
    Caller::Viewer,
    Caller::Contributor,
    Caller::ReadOnlyContributor,
    Caller::Admin,
];

struct Tokens {
    outsider: String,
    viewer: String,
    contributor: String,
    read_only_contributor: String,
    admin: String,
}

impl Tokens {
    fn of(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Anonymous => None,
            Caller::Outsider => Some(&self.outsider),
            Caller::Viewer => Some(&self.viewer),
            Caller::Contributor => Some(&self.contributor),
            Caller::ReadOnlyContributor => Some(&self.read_only_contributor),
            Caller::Admin => Some(&self.admin),
        }
    }
}

/// 1.0.0 without a field of a message consumers receive: breaking for them.
fn breaking_change() -> String {
    ORDER_SERVICE
        .replace("required: [orderId, approvedAt]", "required: [orderId]")
        .replace(
            "          approvedAt:\n            type: string\n            format: date-time\n",
            "",
        )
}

/// One endpoint and the status each caller must get, in the order of `CALLERS`.
struct Row {
    method: Method,
    /// `{n}` is replaced by the caller's index, so state-changing calls do not collide.
    path: &'static str,
    body: Option<(&'static str, String)>,
    expected: [u16; 6],
}

async fn member_token(
    server: &TestServer,
    admin: &str,
    name: &str,
    role: &str,
    scope: &str,
) -> String {
    let client = browser_like_client();
    sign_up(&client, server, name, "long password").await;
    let token = create_token(&client, server, scope).await;
    if !role.is_empty() {
        let response = reqwest::Client::new()
            .put(server.url(&format!("/api/v1/orgs/acme/members/{name}")))
            .bearer_auth(admin)
            .json(&serde_json::json!({ "role": role }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "adding {name} as {role}");
    }
    token
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_as_its_role_allows() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(data.path(), &["--demo", "false"]);
    let admin_client = browser_like_client();
    sign_up(&admin_client, &server, "acme", "long password").await;
    let admin = create_token(&admin_client, &server, "publish").await;
    let tokens = Tokens {
        outsider: member_token(&server, &admin, "stranger", "", "publish").await,
        viewer: member_token(&server, &admin, "vera", "viewer", "publish").await,
        contributor: member_token(&server, &admin, "carl", "contributor", "publish").await,
        read_only_contributor: member_token(&server, &admin, "rita", "contributor", "read").await,
        admin,
    };
    // A private asset with a version per caller for the calls that change or delete one.
    let yaml = "application/yaml";
    assert_eq!(
        put_document(
            &server,
            &tokens.admin,
            "acme/orders/1.0.0",
            yaml,
            ORDER_SERVICE
        )
        .await
        .status(),
        201
    );
    for n in 0..CALLERS.len() {
        let path = format!("acme/orders/2.0.{n}?lifecycle=development");
        assert_eq!(
            put_document(&server, &tokens.admin, &path, yaml, ORDER_SERVICE)
                .await
                .status(),
            201
        );
        let path = format!("acme/orders/3.0.{n}");
        assert_eq!(
            put_document(&server, &tokens.admin, &path, yaml, ORDER_SERVICE)
                .await
                .status(),
            201
        );
    }
    // Search never shows a private asset to someone outside its organisation (checked
    // before the matrix, whose members row makes the outsider a viewer).
    let hits = |token: &str| {
        let request = reqwest::Client::new()
            .get(server.url("/api/v1/assets?q=order"))
            .bearer_auth(token.to_owned());
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        !hits(&tokens.outsider).await.contains("\"acme\""),
        "an outsider must not find acme's private asset"
    );
    assert!(
        hits(&tokens.viewer).await.contains("\"acme\""),
        "a viewer finds it"
    );
    let json = |v: serde_json::Value| Some(("application/json", v.to_string()));
    //                                       anon outsider viewer contrib read-only admin
    let rows = vec![
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0/spec",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0/spec?format=json",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::PUT,
            path: "/api/v1/assets/acme/orders/4.0.{n}",
            body: Some((yaml, ORDER_SERVICE.to_owned())),
            expected: [401, 404, 403, 201, 403, 201],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/compare?from=1.0.0&to=1.0.0",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            // A break 1.1.x may not carry: only an admin may publish it anyway.
            method: Method::PUT,
            path: "/api/v1/assets/acme/orders/1.1.{n}?override=breaking&reason=agreed",
            body: Some((yaml, breaking_change())),
            expected: [401, 404, 403, 403, 403, 201],
        },
        Row {
            method: Method::PATCH,
            path: "/api/v1/assets/acme/orders/2.0.{n}",
            body: json(serde_json::json!({"lifecycle": "stable"})),
            expected: [401, 404, 403, 403, 403, 200],
        },
        Row {
            method: Method::PATCH,
            path: "/api/v1/assets/acme/orders",
            body: json(serde_json::json!({"public": false})),
            expected: [401, 404, 403, 403, 403, 200],
        },
        Row {
            method: Method::DELETE,
            path: "/api/v1/assets/acme/orders/3.0.{n}",
            body: None,
            expected: [401, 404, 403, 403, 403, 204],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/feed",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/diff-rules",
            body: None,
            expected: [401, 200, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/diff-rules",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::PUT,
            path: "/api/v1/orgs/acme/diff-rules",
            body: json(serde_json::json!({"rules": {"operation-removed": "breaking"}})),
            expected: [401, 404, 403, 403, 403, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/members",
            body: None,
            expected: [401, 404, 200, 200, 200, 200],
        },
        Row {
            method: Method::PUT,
            path: "/api/v1/orgs/acme/members/stranger",
            body: json(serde_json::json!({"role": "viewer"})),
            expected: [401, 404, 403, 403, 403, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets?q=order",
            body: None,
            expected: [401, 200, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/tokens",
            body: None,
            expected: [401, 200, 200, 200, 200, 200],
        },
    ];
    let client = reqwest::Client::new();
    let mut mismatches = Vec::new();
    for row in &rows {
        for (n, caller) in CALLERS.iter().enumerate() {
            let path = row.path.replace("{n}", &n.to_string());
            let mut request = client.request(row.method.clone(), server.url(&path));
            if let Some(token) = tokens.of(*caller) {
                request = request.bearer_auth(token);
            }
            if let Some((content_type, body)) = &row.body {
                request = request
                    .header("content-type", *content_type)
                    .body(body.clone());
            }
            let status = request.send().await.unwrap().status().as_u16();
            if status != row.expected[n] {
                mismatches.push(format!(
                    "{} {path} as {caller:?}: got {status}, expected {}",
                    row.method, row.expected[n]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
