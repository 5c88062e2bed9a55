//! The authorization matrix: every REST endpoint and console WebSocket against every kind
//! of caller (anonymous, a user of another organisation, viewer, contributor, admin, and a
//! contributor whose token may only read; everyone's tokens but the admin's have the publish
//! scope, the admin's the admin scope), and every server function of the pages against
//! every kind of browser session, all in tables so a gap shows at once. The tables are
//! checked against `portico routes` (read from the router and the server functions'
//! registry): an endpoint without a row fails the test.

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
    /// An organisation admin whose token has the publish scope, not admin.
    PublishScopeAdmin,
    /// A contributor whose token has expired.
    Expired,
}

const CALLERS: [Caller; 8] = [
    Caller::Anonymous,
    Caller::Outsider,
    Caller::Viewer,
    Caller::Contributor,
    Caller::ReadOnlyContributor,
    Caller::Admin,
    Caller::PublishScopeAdmin,
    Caller::Expired,
];

struct Tokens {
    outsider: String,
    viewer: String,
    contributor: String,
    read_only_contributor: String,
    admin: String,
    publish_scope_admin: String,
    expired: String,
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
            Caller::PublishScopeAdmin => Some(&self.publish_scope_admin),
            Caller::Expired => Some(&self.expired),
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
    expected: [u16; 8],
}

async fn member_token(
    server: &TestServer,
    admin: &str,
    name: &str,
    role: &str,
    scope: &str,
) -> (reqwest::Client, String) {
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
    (client, token)
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_as_its_role_allows() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(
        data.path(),
        &[
            "--demo",
            "false",
            "--mqtt-addr",
            "127.0.0.1:0",
            "--allow-hosts",
            "127.0.0.1",
        ],
    );
    let admin_client = browser_like_client();
    sign_up(&admin_client, &server, "acme", "long password").await;
    let admin = create_token(&admin_client, &server, "admin").await;
    let (outsider_client, outsider) =
        member_token(&server, &admin, "stranger", "", "publish").await;
    let (viewer_client, viewer) = member_token(&server, &admin, "vera", "viewer", "publish").await;
    let (contributor_client, contributor) =
        member_token(&server, &admin, "carl", "contributor", "publish").await;
    let (_, read_only_contributor) =
        member_token(&server, &admin, "rita", "contributor", "read").await;
    let (_, publish_scope_admin) = member_token(&server, &admin, "pam", "admin", "publish").await;
    let (_, expired) = member_token(&server, &admin, "ezra", "contributor", "publish").await;
    expire_tokens_of(&server, "ezra").await;
    let tokens = Tokens {
        outsider,
        viewer,
        contributor,
        read_only_contributor,
        admin,
        publish_scope_admin,
        expired,
    };
    member_token(&server, &tokens.admin, "extra", "", "read").await;
    // Members for the admin to remove, once by token and once in the browser.
    member_token(&server, &tokens.admin, "leaver", "viewer", "read").await;
    member_token(&server, &tokens.admin, "leaver2", "viewer", "read").await;
    let sessions = Sessions([
        browser_like_client(),
        outsider_client,
        viewer_client,
        contributor_client,
        admin_client,
    ]);
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
    // A design project of acme's, shared once, for the editor's calls and its console.
    let project = create_project(&sessions.0[4], &server).await;
    let share = rpc(
        &sessions.0[4],
        &server,
        "design_share",
        Body::Form(vec![("id", project.clone())]),
    )
    .await;
    assert_eq!(share.status(), 200, "sharing the project");
    let share: String = share.json().await.unwrap();
    // A second project, for the contributor to delete.
    let doomed = create_project(&sessions.0[4], &server).await;

    // Search never shows a private asset to someone outside its organisation.
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
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0/spec",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0/spec?format=json",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::PUT,
            path: "/api/v1/assets/acme/orders/4.0.{n}",
            body: Some((yaml, ORDER_SERVICE.to_owned())),
            expected: [401, 404, 403, 201, 403, 201, 201, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/compare?from=1.0.0&to=1.0.0",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            // A break 1.1.x may not carry: only an admin may publish it anyway.
            method: Method::PUT,
            path: "/api/v1/assets/acme/orders/1.1.{n}?override=breaking&reason=agreed",
            body: Some((yaml, breaking_change())),
            expected: [401, 404, 403, 403, 403, 201, 201, 401],
        },
        Row {
            method: Method::PATCH,
            path: "/api/v1/assets/acme/orders/2.0.{n}",
            body: json(serde_json::json!({"lifecycle": "stable"})),
            expected: [401, 404, 403, 403, 403, 200, 200, 401],
        },
        Row {
            method: Method::PATCH,
            path: "/api/v1/assets/acme/orders",
            body: json(serde_json::json!({"public": false})),
            expected: [401, 404, 403, 403, 403, 200, 200, 401],
        },
        Row {
            method: Method::DELETE,
            path: "/api/v1/assets/acme/orders/3.0.{n}",
            body: None,
            expected: [401, 404, 403, 403, 403, 204, 204, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/feed",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/diff-rules",
            body: None,
            expected: [401, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/diff-rules",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::PUT,
            path: "/api/v1/orgs/acme/diff-rules",
            body: json(serde_json::json!({"rules": {"operation-removed": "breaking"}})),
            expected: [401, 404, 403, 403, 403, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/governance",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::PUT,
            path: "/api/v1/orgs/acme/governance",
            body: json(serde_json::json!({"rulesets": [
                {"ruleset": "portico:recommended", "enforcement": "advisory"}
            ]})),
            expected: [401, 404, 403, 403, 403, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/governance/dashboard",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            // 1.0.0 was published before the profile: members learn it was not checked.
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0/conformance",
            body: None,
            expected: [401, 404, 404, 404, 404, 404, 404, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/members",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            // Managing members takes an admin-scope token: a publish token is refused
            // before the organisation is looked at.
            method: Method::PUT,
            path: "/api/v1/orgs/acme/members/extra",
            body: json(serde_json::json!({"role": "viewer"})),
            expected: [401, 403, 403, 403, 403, 200, 403, 401],
        },
        Row {
            method: Method::DELETE,
            path: "/api/v1/orgs/acme/members/leaver",
            body: None,
            expected: [401, 403, 403, 403, 403, 204, 403, 401],
        },
        Row {
            // Broker credentials are managed like members: admins, with an admin-scope
            // token for changes; listing them shows no secret, but is for admins too.
            method: Method::GET,
            path: "/api/v1/orgs/acme/broker-credentials",
            body: None,
            expected: [401, 404, 403, 403, 403, 200, 200, 401],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/orgs/acme/broker-credentials",
            body: json(serde_json::json!({"name": "matrix", "publish": true, "subscribe": true})),
            expected: [401, 403, 403, 403, 403, 201, 403, 401],
        },
        Row {
            method: Method::DELETE,
            path: "/api/v1/orgs/acme/broker-credentials/matrix",
            body: None,
            expected: [401, 403, 403, 403, 403, 204, 403, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/console/acme/orders/1.0.0/ws",
            body: None,
            expected: [401, 404, 101, 101, 101, 101, 101, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/console/design/{project}/ws",
            body: None,
            expected: [401, 404, 101, 101, 101, 101, 101, 401],
        },
        Row {
            // MQTT over WebSocket: the upgrade is open, the MQTT CONNECT inside is what
            // authenticates (tests/mqtt.rs).
            method: Method::GET,
            path: "/mqtt",
            body: None,
            expected: [101, 101, 101, 101, 101, 101, 101, 101],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets?q=order",
            body: None,
            expected: [401, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/tokens",
            body: None,
            expected: [401, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/tokens",
            body: json(serde_json::json!({"name": "matrix", "scope": "read"})),
            expected: [401, 403, 403, 403, 403, 201, 403, 401],
        },
        Row {
            // Someone else's token, or none: not found either way.
            method: Method::DELETE,
            path: "/api/v1/tokens/999999",
            body: None,
            expected: [401, 403, 403, 403, 403, 404, 403, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/consumers",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/1.0.0/dependencies",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/dependents",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            // As themselves: each caller's personal organisation.
            method: Method::POST,
            path: "/api/v1/assets/acme/orders/consumers",
            body: json(serde_json::json!({"range": "^1"})),
            expected: [401, 404, 201, 201, 403, 201, 201, 401],
        },
        Row {
            method: Method::DELETE,
            path: "/api/v1/assets/acme/orders/consumers/999999",
            body: None,
            expected: [401, 404, 404, 404, 403, 404, 404, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/assets/acme/orders/reviews?version=1.0",
            body: None,
            expected: [401, 404, 200, 200, 200, 200, 200, 401],
        },
        Row {
            // Anyone who may see the asset reviews it, as themselves (new: 201).
            method: Method::PUT,
            path: "/api/v1/assets/acme/orders/reviews/1.0.0",
            body: json(serde_json::json!({"rating": 4, "comment": "matrix"})),
            expected: [401, 404, 201, 201, 403, 201, 201, 401],
        },
        Row {
            // Each deletes the review they just wrote; the read-only token wrote none.
            method: Method::DELETE,
            path: "/api/v1/assets/acme/orders/reviews/1.0.0",
            body: None,
            expected: [401, 404, 204, 204, 403, 204, 204, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/event-map",
            body: None,
            expected: [401, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/inbox",
            body: None,
            expected: [401, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/inbox/read",
            body: json(serde_json::json!({})),
            expected: [401, 200, 200, 200, 403, 200, 200, 401],
        },
        Row {
            // Webhooks take an admin-scope token, like members.
            method: Method::GET,
            path: "/api/v1/orgs/acme/webhooks",
            body: None,
            expected: [401, 403, 403, 403, 403, 200, 403, 401],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/orgs/acme/webhooks",
            body: json(serde_json::json!({
                "url": "http://127.0.0.1:9/hook", "secret": "a secret of some length"
            })),
            expected: [401, 403, 403, 403, 403, 201, 403, 401],
        },
        Row {
            method: Method::DELETE,
            path: "/api/v1/orgs/acme/webhooks/999999",
            body: None,
            expected: [401, 403, 403, 403, 403, 404, 403, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/orgs/acme/webhooks/999999/deliveries",
            body: None,
            expected: [401, 403, 403, 403, 403, 404, 403, 401],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/orgs/acme/webhooks/999999/deliveries/1/redeliver",
            body: None,
            expected: [401, 403, 403, 403, 403, 404, 403, 401],
        },
        Row {
            method: Method::GET,
            path: "/api/v1/openapi.json",
            body: None,
            expected: [200, 200, 200, 200, 200, 200, 200, 200],
        },
    ];
    let client = reqwest::Client::new();
    let mut mismatches = Vec::new();
    for row in &rows {
        for (n, caller) in CALLERS.iter().enumerate() {
            let path = row
                .path
                .replace("{n}", &n.to_string())
                .replace("{project}", &project);
            if path.ends_with("/ws") || path == "/mqtt" {
                let status = websocket_status(&server, &path, tokens.of(*caller)).await;
                if status != row.expected[n] {
                    mismatches.push(format!(
                        "WebSocket {path} as {caller:?}: got {status}, expected {}",
                        row.expected[n]
                    ));
                }
                continue;
            }
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
    let rpc_rows = rpc_rows(&project, &share, &doomed);
    for row in &rpc_rows {
        for (n, caller) in SESSION_CALLERS.iter().enumerate() {
            let response = rpc(&sessions.0[n], &server, row.endpoint, (row.body)(n)).await;
            // A form post that succeeds may answer with a redirect (log in, sign up).
            let status = match response.status().as_u16() {
                200..=399 => 200,
                other => other,
            };
            if status != row.expected[n] {
                let body = response.text().await.unwrap_or_default();
                mismatches.push(format!(
                    "/rpc/{} as {caller:?}: got {status}, expected {} ({body:.200})",
                    row.endpoint, row.expected[n]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");

    // Every entry point the server has is in a table.
    let listed = server_routes();
    let mut missing = Vec::new();
    for route in &listed {
        let covered = match route.kind.as_str() {
            "rpc" => rpc_rows
                .iter()
                .any(|row| format!("/rpc/{}", row.endpoint) == route.path),
            _ => rows.iter().any(|row| {
                (row.method.as_str() == route.method || route.kind == "websocket")
                    && template_matches(&route.path, row.path)
            }),
        };
        if !covered {
            missing.push(format!("{} {} {}", route.kind, route.method, route.path));
        }
    }
    assert!(
        missing.is_empty(),
        "entry points without a row in the authorization matrix: {missing:#?}"
    );
}

/// Makes every token of `user` expired, as time would (the server keeps running: WAL).
async fn expire_tokens_of(server: &TestServer, user: &str) {
    let url = format!("sqlite://{}", server.data_dir.join("portico.db").display());
    let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z'
         WHERE user_id = (SELECT id FROM users WHERE username = ?)",
    )
    .bind(user)
    .execute(&mut connection)
    .await
    .unwrap();
}

/// What the server says it answers (`portico routes --format json`).
#[derive(serde::Deserialize)]
struct ListedRoute {
    kind: String,
    method: String,
    path: String,
}

fn server_routes() -> Vec<ListedRoute> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["routes", "--format", "json"])
        .output()
        .expect("portico routes runs");
    assert!(output.status.success(), "portico routes: {output:?}");
    let routes: Vec<ListedRoute> = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(
        routes.iter().any(|r| r.kind == "rpc"),
        "server functions are listed"
    );
    routes
}

/// Whether the concrete `path` of a row (query string and all) fits a route's template,
/// where `{name}` stands for one segment.
fn template_matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

/// The status of a WebSocket handshake: 101 when it upgrades, else the HTTP answer.
async fn websocket_status(server: &TestServer, path: &str, token: Option<&str>) -> u16 {
    use tokio_tungstenite::tungstenite::Error;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let url = server.url(path).replace("http://", "ws://");
    let mut request = url.into_client_request().expect("a request");
    if let Some(token) = token {
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("a header"),
        );
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, response)) => {
            let _ = socket.close(None).await;
            response.status().as_u16()
        }
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(error) => panic!("WebSocket {path}: {error}"),
    }
}

/// The browser sessions, in the order of [`SESSION_CALLERS`].
struct Sessions([reqwest::Client; 5]);

/// Server functions are called with the session cookie only: no tokens.
const SESSION_CALLERS: [Caller; 5] = [
    Caller::Anonymous,
    Caller::Outsider,
    Caller::Viewer,
    Caller::Contributor,
    Caller::Admin,
];

/// A server function's arguments, encoded as its codec wants them.
enum Body {
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    Postcard(Vec<u8>),
}

async fn rpc(
    client: &reqwest::Client,
    server: &TestServer,
    endpoint: &str,
    body: Body,
) -> reqwest::Response {
    let request = client.post(server.url(&format!("/rpc/{endpoint}")));
    let request = match body {
        Body::Form(fields) => request.form(&fields),
        Body::Json(value) => request.json(&value),
        Body::Postcard(bytes) => request
            .header("content-type", "application/x-postcard")
            .header("accept", "application/json")
            .body(bytes),
    };
    request.send().await.expect("request is sent")
}

/// Creates a project from the Order Service template in acme; its id.
async fn create_project(admin: &reqwest::Client, server: &TestServer) -> String {
    let response = rpc(
        admin,
        server,
        "design_create",
        Body::Form(vec![
            ("group", "acme".into()),
            ("name", "Orders".into()),
            ("source[Template]", "order-service".into()),
        ]),
    )
    .await;
    assert_eq!(response.status(), 200, "creating a project");
    response.json().await.expect("the project's id")
}

/// One server function and the status each browser session must get, in the order of
/// [`SESSION_CALLERS`]; `body(n)` gives caller `n`'s arguments (so that changes do not
/// collide).
struct RpcRow {
    endpoint: &'static str,
    body: Box<dyn Fn(usize) -> Body>,
    expected: [u16; 5],
}

fn form(fields: &[(&'static str, &str)]) -> Body {
    Body::Form(fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
}

/// Every server function, state-changing calls last among those of a kind; logging in,
/// signing up and out change the session and come at the very end.
fn rpc_rows(project: &str, share: &str, doomed: &str) -> Vec<RpcRow> {
    let p = project.to_owned();
    let doomed = doomed.to_owned();
    let row = |endpoint, expected, body: Box<dyn Fn(usize) -> Body>| RpcRow {
        endpoint,
        body,
        expected,
    };
    let asset = |extra: &[(&'static str, &str)]| {
        let mut fields = vec![("group", "acme"), ("asset", "orders")];
        fields.extend_from_slice(extra);
        form(&fields)
    };
    let share = share.to_owned();
    //                                             anon outsider viewer contrib admin
    vec![
        row(
            "current_user",
            [200, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "search_catalog",
            [401, 200, 200, 200, 200],
            Box::new(|_| {
                form(&[
                    ("q", "order"),
                    ("kind", ""),
                    ("lifecycle", ""),
                    ("conformance", ""),
                    ("sort", ""),
                    ("page", "1"),
                ])
            }),
        ),
        row(
            "event_map",
            [401, 200, 200, 200, 200],
            Box::new(|_| {
                form(&[
                    ("tag", ""),
                    ("server", ""),
                    ("organisation", ""),
                    ("asset", ""),
                ])
            }),
        ),
        row(
            "load_asset",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row(
            "version_document",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("version", "1.0.0")])),
        ),
        row(
            "version_model",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("version", "1.0.0")])),
        ),
        row(
            "asset_changes",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row(
            "compare_versions",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("from", "1.0.0"), ("to", "1.0.0")])),
        ),
        row(
            "asset_pages",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row(
            "asset_page_save",
            [401, 404, 403, 200, 200],
            Box::new(move |n| {
                let title = format!("Guide {n}");
                asset(&[("title", title.as_str()), ("body", "Read this.")])
            }),
        ),
        row(
            "asset_page_delete",
            [401, 404, 403, 404, 404],
            Box::new(move |_| asset(&[("slug", "no-such-page")])),
        ),
        row(
            "version_lifecycle",
            [401, 404, 403, 403, 200],
            Box::new(move |n| {
                let version = format!("2.0.{n}");
                asset(&[("version", version.as_str()), ("lifecycle", "stable")])
            }),
        ),
        row(
            "version_delete",
            [401, 404, 403, 403, 200],
            Box::new(move |n| {
                let version = format!("3.0.{n}");
                asset(&[("version", version.as_str())])
            }),
        ),
        row(
            "version_open_in_editor",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("version", "1.0.0")])),
        ),
        row(
            "diff_rule_catalog",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "rule_levels",
            [401, 404, 200, 200, 200],
            Box::new(|_| form(&[("organization", "acme")])),
        ),
        row(
            "save_rule_levels",
            [401, 404, 403, 403, 200],
            Box::new(|_| {
                Body::Json(
                    serde_json::json!({"organization": "acme", "levels": {"rules": {"operation-removed": "breaking"}}}),
                )
            }),
        ),
        row(
            "governance_profile",
            [401, 404, 200, 200, 200],
            Box::new(|_| form(&[("organization", "acme")])),
        ),
        row(
            "save_governance_profile",
            [401, 404, 403, 403, 200],
            Box::new(|_| {
                Body::Json(serde_json::json!({"organization": "acme", "profile": {
                    "rulesets": [{"ruleset": "portico:recommended", "enforcement": "advisory"}]
                }}))
            }),
        ),
        row(
            "governance_dashboard",
            [401, 404, 200, 200, 200],
            Box::new(|_| form(&[("organization", "acme")])),
        ),
        row(
            // The editor learns nothing of an organisation it is not in: an empty profile.
            "editor_governance",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[("organization", "acme"), ("asset", "orders")])),
        ),
        row(
            // Any signed-in user; what they may not read answers null.
            "design_dependencies",
            [401, 200, 200, 200, 200],
            Box::new(|_| Body::Json(serde_json::json!({"files": ["portico:acme/orders/1.0.0"]}))),
        ),
        row(
            "version_dependencies",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("version", "1.0.0")])),
        ),
        row(
            "asset_dependents",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row(
            "asset_consumers",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row(
            // For acme, which the REST rows registered already (the admin's own
            // organisation): a viewer may not speak for it, members who may meet that
            // registration.
            "consumer_register",
            [401, 404, 403, 409, 409],
            Box::new(move |_| asset(&[("range", "^1"), ("organisation", "acme")])),
        ),
        row(
            "consumer_remove",
            [401, 404, 404, 404, 404],
            Box::new(move |_| asset(&[("id", "999999")])),
        ),
        row(
            "asset_reviews",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row(
            "review_save",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("version", "1.0.0"), ("rating", "5"), ("comment", "rpc")])),
        ),
        row(
            // Each deletes the review they just saved.
            "review_delete",
            [401, 404, 200, 200, 200],
            Box::new(move |_| asset(&[("version", "1.0.0")])),
        ),
        row(
            "inbox_load",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "inbox_unread",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "inbox_mark_read",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "org_webhooks",
            [401, 404, 403, 403, 200],
            Box::new(|_| form(&[("org", "acme")])),
        ),
        row(
            "webhook_create",
            [401, 404, 403, 403, 200],
            Box::new(|_| {
                form(&[
                    ("org", "acme"),
                    ("url", "http://127.0.0.1:9/from-the-page"),
                    ("secret", "a secret of some length"),
                ])
            }),
        ),
        row(
            "webhook_remove",
            [401, 404, 403, 403, 404],
            Box::new(|_| form(&[("org", "acme"), ("id", "999999")])),
        ),
        row(
            "webhook_deliveries",
            [401, 404, 403, 403, 404],
            Box::new(|_| form(&[("org", "acme"), ("id", "999999")])),
        ),
        row(
            "webhook_redeliver",
            [401, 404, 403, 403, 404],
            Box::new(|_| form(&[("org", "acme"), ("id", "999999"), ("delivery", "1")])),
        ),
        row(
            "org_members",
            [401, 404, 200, 200, 200],
            Box::new(|_| form(&[("org", "acme")])),
        ),
        row(
            "org_set_member",
            [401, 404, 403, 403, 200],
            Box::new(|_| form(&[("org", "acme"), ("username", "extra"), ("role", "viewer")])),
        ),
        row(
            "org_remove_member",
            [401, 404, 403, 403, 200],
            Box::new(|_| form(&[("org", "acme"), ("username", "leaver2")])),
        ),
        row(
            "org_broker_credentials",
            [401, 404, 403, 403, 200],
            Box::new(|_| form(&[("org", "acme")])),
        ),
        row(
            "org_create_broker_credential",
            [401, 404, 403, 403, 200],
            Box::new(|_| {
                form(&[
                    ("org", "acme"),
                    ("name", "matrix-rpc"),
                    ("publish", "true"),
                    ("subscribe", "true"),
                ])
            }),
        ),
        row(
            "org_revoke_broker_credential",
            [401, 404, 403, 403, 200],
            Box::new(|_| form(&[("org", "acme"), ("name", "matrix-rpc")])),
        ),
        row(
            "list_sessions",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "sign_out_other_sessions",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            // The same password again: the row checks who may, not what changes.
            "change_password",
            [401, 200, 200, 200, 200],
            Box::new(|_| {
                form(&[
                    ("current", "long password"),
                    ("password", "long password"),
                    ("password_confirm", "long password"),
                ])
            }),
        ),
        row(
            // Site administrators only; none of these sessions is one.
            "create_invitation",
            [401, 403, 403, 403, 403],
            Box::new(|_| form(&[])),
        ),
        row(
            "list_invitations",
            [401, 403, 403, 403, 403],
            Box::new(|_| form(&[])),
        ),
        row(
            "revoke_invitation",
            [401, 403, 403, 403, 403],
            Box::new(|_| form(&[("id", "999999")])),
        ),
        row(
            "list_api_tokens",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "create_api_token",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[("name", "matrix"), ("scope", "read")])),
        ),
        row(
            "revoke_api_token",
            [401, 404, 404, 404, 404],
            Box::new(|_| form(&[("id", "999999")])),
        ),
        row(
            "render_markdown",
            [200, 200, 200, 200, 200],
            Box::new(|_| Body::Json(serde_json::json!({"texts": ["*hi*"]}))),
        ),
        row(
            "design_projects",
            [401, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
        row(
            "design_create",
            [401, 404, 403, 200, 200],
            Box::new(|_| {
                form(&[
                    ("group", "acme"),
                    ("name", "More"),
                    ("source[Template]", "order-service"),
                ])
            }),
        ),
        row("design_open", [401, 404, 200, 200, 200], {
            let p = p.clone();
            Box::new(move |_| form(&[("id", p.as_str())]))
        }),
        row("design_save", [401, 404, 403, 200, 200], {
            let p = p.clone();
            Box::new(move |n| {
                let args = app::design::server::SaveFile {
                    id: p.clone(),
                    path: format!("notes-{n}.yaml"),
                    content: "notes: kept\n".into(),
                    base_revision: None,
                    force: true,
                };
                Body::Postcard(postcard::to_allocvec(&args).expect("postcard"))
            })
        }),
        row("design_set_main", [401, 404, 403, 200, 200], {
            let p = p.clone();
            Box::new(move |_| form(&[("id", p.as_str()), ("path", "order-service.yaml")]))
        }),
        row("design_delete_file", [401, 404, 403, 200, 200], {
            let p = p.clone();
            Box::new(move |n| {
                let path = format!("notes-{n}.yaml");
                form(&[("id", p.as_str()), ("path", path.as_str())])
            })
        }),
        row(
            "design_publish_options",
            [401, 200, 200, 200, 200],
            Box::new(move |_| asset(&[])),
        ),
        row("design_publish_preview", [401, 404, 200, 200, 200], {
            let p = p.clone();
            Box::new(move |_| {
                form(&[
                    ("id", p.as_str()),
                    ("group", "acme"),
                    ("asset", "orders"),
                    ("version", "1.0.1"),
                ])
            })
        }),
        row("design_publish", [401, 404, 403, 200, 200], {
            let p = p.clone();
            Box::new(move |n| {
                let version = format!("5.0.{n}");
                form(&[
                    ("id", p.as_str()),
                    ("group", "acme"),
                    ("asset", "orders"),
                    ("version", version.as_str()),
                    ("lifecycle", "stable"),
                ])
            })
        }),
        // Sharing makes a private design public to anyone with the link: contributors.
        row("design_share", [401, 404, 403, 200, 200], {
            let p = p.clone();
            Box::new(move |_| form(&[("id", p.as_str()), ("days", "7")]))
        }),
        row("design_shares", [401, 404, 200, 200, 200], {
            let p = p.clone();
            Box::new(move |_| form(&[("id", p.as_str())]))
        }),
        row("design_share_revoke", [401, 404, 403, 404, 404], {
            let p = p.clone();
            Box::new(move |_| form(&[("id", p.as_str()), ("share", "no-such-share")]))
        }),
        // The contributor deletes it; the admin then finds nothing.
        row("design_delete_project", [401, 404, 403, 200, 404], {
            Box::new(move |_| form(&[("id", doomed.as_str())]))
        }),
        row(
            "design_shared",
            [200, 200, 200, 200, 200],
            Box::new(move |_| form(&[("share", share.as_str())])),
        ),
        row(
            "log_in",
            [200, 200, 200, 200, 200],
            Box::new(|n| {
                let name = match n {
                    1 => "stranger",
                    2 => "vera",
                    3 => "carl",
                    _ => "acme",
                };
                form(&[("username", name), ("password", "long password")])
            }),
        ),
        row(
            "sign_up",
            [200, 200, 200, 200, 200],
            Box::new(|n| {
                let name = format!("newcomer{n}");
                Body::Form(vec![
                    ("username", name),
                    ("password", "long password".into()),
                    ("password_confirm", "long password".into()),
                ])
            }),
        ),
        row(
            "log_out",
            [200, 200, 200, 200, 200],
            Box::new(|_| form(&[])),
        ),
    ]
}
