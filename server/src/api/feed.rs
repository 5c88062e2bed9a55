//! `/assets/{group}/{asset}/feed`: an Atom feed (RFC 4287) of an asset's versions and
//! what each changed against the release before it, for feed readers and chat
//! integrations that follow an API without visiting the exchange.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::response::{IntoResponse, Response};

use portico_core::exchange::{catalog, compare};
use portico_types::VersionSummary;
use portico_types::diff::VersionChanges;

use super::caller::Caller;
use super::coordinates::AssetPath;
use super::problem::{BadRequest, NotFound, Problem, Unauthorized, Unprocessable};
use crate::state::AppState;

/// The media type of an Atom feed document.
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// An asset's versions and their changes, as an Atom feed (viewer role)
///
/// One entry per live version, newest first: whether it breaks consumers, why it was
/// published anyway when an organisation admin overrode the gate, and its change list
/// against the release before it (HTML). Feed readers authenticate with a token
/// (`Authorization: Bearer …`).
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/feed",
    operation_id = "getAssetFeed",
    tag = "assets",
    params(AssetPath),
    responses(
        (status = 200, description = "The feed", content_type = "application/atom+xml", body = String),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn feed(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(AssetPath { group, asset }): Path<AssetPath>,
) -> Result<Response, Problem> {
    let db = &state.server.db;
    let detail = catalog::asset_detail(db, &caller.user, &group, &asset).await?;
    let changes = compare::changelog(db, &caller.user, &group, &asset).await?;
    let origin = origin(&headers);
    let page = format!("{origin}/exchange/{group}/{asset}");
    let entries: Vec<Entry> = detail
        .versions
        .iter()
        .map(|version| {
            let stored = changes.iter().find(|c| c.version == version.version);
            entry(&page, version, stored)
        })
        .collect();
    let updated = detail
        .versions
        .iter()
        .map(|v| date(&v.published_at))
        .max()
        .unwrap_or_default();
    let feed = Feed {
        title: Text::plain(format!("{} ({group}/{asset}): versions", detail.title)),
        id: page.clone(),
        updated,
        links: vec![
            link(
                "self",
                &format!("{origin}/api/v1/assets/{group}/{asset}/feed"),
            ),
            link("alternate", &page),
        ],
        subtitle: Some(Text::plain(
            "Each published version and what it changed for the API's consumers.",
        )),
        entries,
        ..Feed::default()
    };
    Ok(([(CONTENT_TYPE, ATOM)], feed.to_string()).into_response())
}

/// One version's entry.
fn entry(page: &str, version: &VersionSummary, stored: Option<&VersionChanges>) -> Entry {
    let mark = match (&version.override_reason, version.breaking) {
        (Some(_), _) => " (breaking, published anyway)",
        (None, true) => " (breaking)",
        (None, false) => "",
    };
    let url = format!("{page}/{}", version.version);
    let published = date(&version.published_at);
    Entry {
        title: Text::plain(format!("{}{mark}", version.version)),
        id: url.clone(),
        updated: published,
        published: Some(published),
        authors: version
            .published_by
            .iter()
            .map(|name| Person {
                name: name.clone(),
                ..Person::default()
            })
            .collect(),
        links: vec![link("alternate", &url)],
        content: Some(Content {
            content_type: Some("html".into()),
            value: Some(changes_html(version, stored)),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

/// What a version changed, as sanitised HTML (the change list is written from the
/// documents, so it goes through the one Markdown renderer and its sanitiser).
fn changes_html(version: &VersionSummary, stored: Option<&VersionChanges>) -> String {
    let markdown = match stored {
        None => format!(
            "Version {} ({}): no earlier release to compare with.",
            version.version,
            version.lifecycle.as_str()
        ),
        Some(changes) => {
            let mut text = format!("Compared with {}.\n\n", changes.base);
            if let Some(reason) = &changes.override_reason {
                text.push_str(&format!(
                    "Published anyway by {}: {reason}\n\n",
                    changes
                        .overridden_by
                        .as_deref()
                        .unwrap_or("an organisation admin")
                ));
            }
            text.push_str(&changes.report.to_markdown());
            text
        }
    };
    portico_markdown::markdown_to_safe_html(&markdown)
}

fn link(rel: &str, href: &str) -> Link {
    Link {
        rel: rel.to_owned(),
        href: href.to_owned(),
        ..Link::default()
    }
}

/// A stored timestamp (RFC 3339, UTC); the epoch for one that does not read, which no
/// stored row has.
fn date(stored: &str) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(stored).unwrap_or_default()
}

/// Where the caller reached this server (Atom ids and links are absolute), by the
/// request's `Host`. Forwarded headers are not trusted: any client can send them.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty() && !host.contains(['/', '@', ' ']))
        .unwrap_or("localhost");
    format!("http://{host}")
}
