//! `GET /api/v1/event-map`: which applications send and which receive on each channel
//! address, over every AsyncAPI asset the caller may see.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use portico_core::exchange::event_map;
use portico_types::event_map::{EventMap, EventMapFilter};

use super::caller::Caller;
use super::problem::{BadRequest, Problem, Unauthorized, Unprocessable};
use crate::state::AppState;

/// Query of `GET /event-map`; an empty value is no filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventMapQuery {
    /// Only applications with this tag.
    tag: Option<String>,
    /// Only channel ends on this server, `protocol://host/path` as listed in `choices`.
    server: Option<String>,
    /// Only applications of this organisation (its slug).
    organisation: Option<String>,
    /// Only the channels this asset (`group/asset`) sends or receives on, with every
    /// application on them.
    asset: Option<String>,
}

/// The event map
///
/// Over the latest live version of every AsyncAPI asset the caller may see (public ones
/// and their organisations'): each channel address with the applications that send on it
/// (`producers`) and those that receive from it (`consumers`). AsyncAPI 3 `send` and
/// `receive` are read as written; in 2.x, `subscribe` is a send and `publish` a receive.
/// A registered consumer of an asset uses it from the other side: it receives what the
/// newest live version in its range sends and sends what that version receives (only the
/// channels or operations it named, when it named some). `choices` lists every value the
/// filters may take; `asset` shows one asset's channels with everyone on them.
#[utoipa::path(
    get,
    path = "/event-map",
    operation_id = "getEventMap",
    tag = "assets",
    params(EventMapQuery),
    responses(
        (status = 200, description = "The event map", body = EventMap),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_event_map(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<EventMapQuery>,
) -> Result<Json<EventMap>, Problem> {
    let set = |value: Option<String>| value.filter(|v| !v.is_empty());
    let filter = EventMapFilter {
        tag: set(query.tag),
        server: set(query.server),
        organisation: set(query.organisation),
        asset: set(query.asset),
    };
    let map = event_map::event_map(&state.server.db, &caller.user, &filter).await?;
    Ok(Json(map))
}
