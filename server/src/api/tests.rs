//! The generated document is valid OpenAPI 3.1 by Portico's own lint, and it describes
//! exactly the routes `/api/v1` answers.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use tower::ServiceExt;

use portico_core::ServerContext;
use portico_core::repo::Db;

use super::{OPENAPI_JSON, WEBSOCKET_PATHS, v1_routes};
use crate::state::{AppState, Services};

/// The operation ids clients generate code from: renaming one breaks them.
const OPERATION_IDS: [&str; 43] = [
    "searchAssets",
    "getAsset",
    "compareVersions",
    "getEventMap",
    "updateAsset",
    "publishVersion",
    "getVersion",
    "changeLifecycle",
    "deleteVersion",
    "getDocument",
    "listDependencies",
    "listDependents",
    "listTokens",
    "createToken",
    "revokeToken",
    "listMembers",
    "setMemberRole",
    "removeMember",
    "listBrokerCredentials",
    "createBrokerCredential",
    "revokeBrokerCredential",
    "getOpenApi",
    "getAssetFeed",
    "listDiffRules",
    "getDiffRuleLevels",
    "setDiffRuleLevels",
    "getGovernanceDashboard",
    "getGovernanceProfile",
    "setGovernanceProfile",
    "getConformance",
    "listConsumers",
    "registerConsumer",
    "removeConsumer",
    "listReviews",
    "putReview",
    "deleteReview",
    "getInbox",
    "markInboxRead",
    "listWebhooks",
    "createWebhook",
    "removeWebhook",
    "listWebhookDeliveries",
    "redeliverWebhook",
];

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

fn document() -> Value {
    serde_json::from_str(&OPENAPI_JSON).expect("the served document is JSON")
}

/// `(path, method)` of every operation in the document.
fn documented_operations(document: &Value) -> BTreeSet<(String, Method)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method.as_str().to_ascii_lowercase()).is_some() {
                operations.insert((path.clone(), method));
            }
        }
    }
    operations
}

#[test]
fn the_document_passes_portico_lint() {
    let input = spec_engine::Input::single("openapi.json", &OPENAPI_JSON);
    let analysis = spec_engine::check(&input);
    assert_eq!(analysis.kind, Some(spec_engine::Kind::OpenApi));
    assert_eq!(analysis.version.as_deref(), Some("3.1.0"));
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == spec_engine::Severity::Error)
        .map(|d| format!("{} at {}", d.message, d.pointer))
        .collect();
    assert!(errors.is_empty(), "lint errors: {errors:#?}");
}

#[test]
fn the_document_keeps_its_contract() {
    let document = document();
    assert_eq!(document["info"]["title"], "Portico REST API");
    assert_eq!(document["info"]["license"]["identifier"], "Apache-2.0");
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "portico_session");

    let mut ids = BTreeSet::new();
    for item in document["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            let id = operation["operationId"].as_str().expect("an operationId");
            assert!(ids.insert(id.to_owned()), "{id} twice");
            let responses = operation["responses"].as_object().expect("responses");
            if id != "getOpenApi" {
                assert!(responses.contains_key("401"), "{id} can answer 401");
            }
        }
    }
    assert_eq!(ids, OPERATION_IDS.map(str::to_owned).into());

    let problem = &document["components"]["schemas"]["Problem"];
    let errors = &problem["properties"]["errors"];
    assert_eq!(errors["type"], "array", "present or absent, never null");
    assert_eq!(errors["items"]["$ref"], "#/components/schemas/Diagnostic");
    let invalid = &document["components"]["responses"]["Unprocessable"]["content"];
    assert_eq!(
        invalid["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
}

/// The paths the router matches. axum does not list its routes, but its `Debug` output
/// names each path; a change there shows as a failing assertion here, never a silent pass.
fn registered_paths(router: &axum::Router<AppState>) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    // What follows are the fallback's catch-all paths, which match no route.
    let routes = debug.split("fallback_router").next().unwrap_or_default();
    routes
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|text| text.starts_with('/') && !text.contains("__private__"))
        .map(str::to_owned)
        .collect()
}

/// A request path that matches `template`, with every `{parameter}` filled in.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn state() -> AppState {
    let db = Db::open("sqlite::memory:")
        .await
        .expect("an in-memory database");
    AppState::new(Services {
        leptos_options: LeptosOptions::builder().output_name("portico").build(),
        server: ServerContext::new(db, Default::default()),
        broker: None,
        console: crate::console::ConsoleSettings::standard(),
        pages: Arc::default(),
    })
}

#[tokio::test]
async fn every_route_is_documented() {
    let router = v1_routes();
    let paths = registered_paths(&router);
    assert!(
        paths.contains("/assets/{group}/{asset}/{version}"),
        "the router's paths are readable: {paths:?}"
    );
    let router = router.with_state(state().await);
    let mut registered = BTreeSet::new();
    for path in &paths {
        for method in METHODS {
            let request = Request::builder()
                .method(method.clone())
                .uri(concrete(path))
                .body(Body::empty())
                .expect("a request");
            let response = router.clone().oneshot(request).await.expect("an answer");
            // axum answers 405 when the path matches and the method does not.
            if response.status() != StatusCode::METHOD_NOT_ALLOWED {
                registered.insert((path.clone(), method));
            }
        }
    }
    let websockets: BTreeSet<_> = WEBSOCKET_PATHS
        .iter()
        .map(|path| (path.to_string(), Method::GET))
        .collect();
    let documented = documented_operations(&document());
    let expected: BTreeSet<_> = documented.union(&websockets).cloned().collect();
    let undocumented: Vec<_> = registered.difference(&expected).collect();
    assert!(
        undocumented.is_empty(),
        "routes under /api/v1 missing from the OpenAPI document (register them with routes!): {undocumented:?}"
    );
    let unanswered: Vec<_> = expected.difference(&registered).collect();
    assert!(
        unanswered.is_empty(),
        "documented operations the router does not answer: {unanswered:?}"
    );
}
