//! The channel console's server side: one WebSocket per asset page at
//! `GET /api/v1/console/{group}/{asset}/{version}/ws` (or per editor at
//! `GET /api/v1/console/design/{project}/ws`), speaking the JSON protocol of
//! `portico_types::console` (documented in README.md), between the browser and the bundled broker
//! (in process) or a document's MQTT server chosen by the user.
//!
//! Who may connect is decided exactly like the asset page (or the editor): the session's
//! user (or a bearer token) must be able to view the asset (the project); others get
//! 401/404 before any upgrade. On the bundled broker a console reaches only the
//! namespace of the asset's (project's) organisation. Sockets are bounded per user and
//! per server; past a bound the socket opens only to close with the reason, since a
//! browser cannot read the body of a refused upgrade.
//! A browser's upgrade must come from our own origin (a WebSocket is not covered by
//! SameSite cookies or CORS).

mod bundled;
mod channels;
mod external;
pub(crate) mod namespace;
mod outbox;
mod recent;
mod session;
mod sockets;
mod target;

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade, close_code};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use portico_core::Error;
use portico_core::design::project_for;
use portico_core::exchange::access::asset_for;
use portico_core::exchange::dependencies;
use portico_core::repo::assets::version_content;
use portico_core::repo::design::project_files;
use portico_core::repo::tokens::TokenScope;
use portico_types::Role;

use crate::api::caller::Caller;
use crate::api::problem::Problem;
use crate::state::AppState;

pub use bundled::BundledBroker;
pub use channels::ConsoleModel;
pub use recent::RecentConfig;
pub use sockets::ConsoleSockets;

use namespace::Namespace;
use sockets::SocketSlot;

/// Messages sent on a new subscription from the recent traffic.
const MAX_RECENT: usize = 100;

/// The console's server-wide settings, from the configuration.
#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    /// The open sockets, bounded per user and per server.
    pub sockets: Arc<ConsoleSockets>,
    /// Each socket's outbound budget in bytes (`Limits::outbound_bytes`).
    pub socket_bytes: usize,
}

impl ConsoleSettings {
    /// 8 sockets per user, 1,000 per server, 8 MiB per socket: the documented defaults.
    pub fn standard() -> ConsoleSettings {
        ConsoleSettings {
            sockets: ConsoleSockets::new(8, 1000),
            socket_bytes: Limits::DEFAULT.outbound_bytes,
        }
    }
}

/// The explicit limits of one console connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest payload a publish may carry (the broker's own limit).
    pub max_message_bytes: usize,
    pub max_subscriptions: usize,
    /// Publishes per second from the browser (bursts of one second's worth).
    pub publish_per_second: u32,
    /// Highest mock publisher rate, for all mocks of a connection together.
    pub mock_max_rate: u32,
    /// Events waiting for a slow browser before the oldest are dropped...
    pub outbound_queue: usize,
    /// ...or bytes, whichever bound is reached first.
    pub outbound_bytes: usize,
}

impl Limits {
    /// The standard limits; the payload limit follows the bundled broker's.
    pub const DEFAULT: Limits = Limits {
        max_message_bytes: 256 * 1024,
        max_subscriptions: 20,
        publish_per_second: 50,
        mock_max_rate: 1000,
        outbound_queue: 1000,
        outbound_bytes: 8 * 1024 * 1024,
    };
}

/// `GET /api/v1/console/{group}/{asset}/{version}/ws`: authorizes, builds the model of
/// the version once, then upgrades to the console protocol.
pub async fn open(
    State(state): State<AppState>,
    Path((group, asset, version)): Path<(String, String, String)>,
    caller: Caller,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, Problem> {
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Viewer).await?;
    refuse_cross_origin(&headers)?;
    let slot = match state.console.sockets.open(caller.user.id) {
        Ok(slot) => slot,
        Err(reason) => return Ok(refuse(upgrade, reason)),
    };
    let (content, _) = version_content(db, row.id, &version)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No version {version} of {group}/{asset}.")))?;
    let text = String::from_utf8_lossy(&content).into_owned();
    let input = portico_core::analysis::single("document", &text);
    // Payloads are checked against schemas from published assets as pinned at publish.
    let input = dependencies::supply_pinned(db, &caller.user, (row.id, &version), input).await?;
    let model = console_model(&caller, input, format!("{group}/{asset}/{version}")).await?;
    let owner = Owner {
        namespace: Namespace::of_org(&row.group_slug),
        caller: &caller,
        slot,
    };
    Ok(upgrade_to_console(&state, model, owner, upgrade))
}

/// `GET /api/v1/console/design/{project}/ws`: the console beside the editor, over the
/// design project as last saved (viewers of its organisation may use it).
pub async fn open_design(
    State(state): State<AppState>,
    Path(project): Path<String>,
    caller: Caller,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, Problem> {
    let db = &state.server.db;
    let (row, _) = project_for(db, &caller.user, &project, Role::Viewer).await?;
    refuse_cross_origin(&headers)?;
    let slot = match state.console.sockets.open(caller.user.id) {
        Ok(slot) => slot,
        Err(reason) => return Ok(refuse(upgrade, reason)),
    };
    let files = project_files(db, row.id)
        .await?
        .into_iter()
        .map(|file| (file.path, file.content))
        .collect();
    let input = portico_core::analysis::project(files, &row.main_file);
    let (input, _) = dependencies::supply(db, &caller.user, input).await?;
    let model = console_model(&caller, input, format!("design project {:?}", row.name)).await?;
    let owner = Owner {
        namespace: Namespace::of_org(&row.org_slug),
        caller: &caller,
        slot,
    };
    Ok(upgrade_to_console(&state, model, owner, upgrade))
}

/// A browser's upgrade must come from our own pages: the same origin rule as every
/// state-changing request (csrf.rs).
fn refuse_cross_origin(headers: &HeaderMap) -> Result<(), Problem> {
    if crate::csrf::is_same_origin(headers) {
        Ok(())
    } else {
        Err(Problem(Error::Forbidden(
            "Cross-origin WebSocket refused: the console must be opened from Portico's own pages."
                .into(),
        )))
    }
}

/// Analyses the document on the CPU pool, in the caller's share; `what` names it in the
/// error.
async fn console_model(
    caller: &Caller,
    input: spec_engine::Input,
    what: String,
) -> Result<ConsoleModel, Error> {
    portico_core::analysis::run(Some(caller.user.id), move || {
        spec_engine::analyze(&input)
            .model
            .map(|model| ConsoleModel::build(&model))
    })
    .await?
    .ok_or_else(|| {
        Error::Invalid(format!(
            "{what} could not be read as AsyncAPI; the console needs its channels."
        ))
    })
}

/// Whose console a socket is: the namespace it reaches, who opened it and its place.
struct Owner<'a> {
    namespace: Namespace,
    caller: &'a Caller,
    slot: SocketSlot,
}

fn upgrade_to_console(
    state: &AppState,
    model: ConsoleModel,
    owner: Owner<'_>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let limits = Limits {
        max_message_bytes: state
            .broker
            .as_ref()
            .map_or(Limits::DEFAULT.max_message_bytes, |b| {
                b.handle.max_message_bytes()
            }),
        outbound_bytes: state.console.socket_bytes,
        ..Limits::DEFAULT
    };
    let setup = session::Setup {
        model,
        bundled: state.broker.clone(),
        namespace: owner.namespace,
        limits,
        may_publish: owner.caller.scope >= TokenScope::Publish,
        outbound: state.server.outbound.clone(),
        slot: owner.slot,
    };
    upgrade
        // A frame carries one command; a publish of the largest payload, JSON-escaped
        // (up to 6 bytes per byte for control characters), still fits.
        .max_message_size(limits.max_message_bytes * 6 + 64 * 1024)
        .on_upgrade(move |socket| session::run(socket, setup))
        .into_response()
}

/// Opens the socket only to close it with `reason` (code 1013, try again later): the
/// page shows a close reason, not the body of a refused upgrade.
fn refuse(upgrade: WebSocketUpgrade, reason: String) -> Response {
    upgrade
        .on_upgrade(move |mut socket| async move {
            let frame = CloseFrame {
                code: close_code::AGAIN,
                reason: reason.into(),
            };
            let _ = socket.send(Message::Close(Some(frame))).await;
        })
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    #[test]
    fn the_origin_must_be_this_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(
            crate::csrf::is_same_origin(&headers),
            "no Origin: not a browser"
        );
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(crate::csrf::is_same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!crate::csrf::is_same_origin(&headers));
    }
}
