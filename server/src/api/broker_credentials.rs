//! `/api/v1/orgs/{org}/broker-credentials`: the logins an organisation's admins make for
//! devices and services on the bundled MQTT broker (user name `NAME@ORG`, the secret as
//! password). Managed like members: admins only, changes with an admin-scope token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};

use portico_core::accounts::broker_credentials;
use portico_types::broker_credentials::MAX_CREDENTIAL_NAME;
use portico_types::{BrokerCredentialInfo, CreatedBrokerCredential};

use super::caller::Caller;
use super::coordinates::OrgPath;
use super::problem::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::state::AppState;

/// `/orgs/{org}/broker-credentials/{name}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CredentialPath {
    /// The organisation's slug.
    #[param(pattern = r"^[a-z0-9][a-z0-9._-]*$")]
    org: String,
    /// The credential's name.
    name: String,
}

/// The credentials of an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokerCredentials {
    pub items: Vec<BrokerCredentialInfo>,
}

/// Body of `POST /orgs/{org}/broker-credentials`. The name stays text until core checks
/// it, so a bad one is answered with what is wrong with it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBrokerCredential {
    /// 1 to 64 characters of `[a-z0-9._-]`, starting with a letter or digit; the MQTT
    /// user name is `NAME@ORG`.
    #[schema(schema_with = credential_name_schema)]
    name: String,
    /// May publish in the organisation's namespace.
    publish: bool,
    /// May subscribe in the organisation's namespace.
    subscribe: bool,
}

/// The names core accepts (after trimming).
fn credential_name_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_CREDENTIAL_NAME))
        .build()
}

/// An organisation's broker credentials, never their secrets (admin role)
#[utoipa::path(
    get,
    path = "/orgs/{org}/broker-credentials",
    operation_id = "listBrokerCredentials",
    tag = "organisations",
    params(OrgPath),
    responses(
        (status = 200, description = "Credentials by name", body = BrokerCredentials),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<Json<BrokerCredentials>, Problem> {
    let items = broker_credentials::list(&state.server.db, &caller.user, &org).await?;
    Ok(Json(BrokerCredentials { items }))
}

/// Create a broker credential for a device or service (admin role, admin scope)
///
/// The secret is shown only in this response. The client logs in to the bundled broker
/// with the user name `NAME@ORG` and the secret as password, and lives in the
/// organisation's namespace from its root. 409 when the name is taken in the
/// organisation.
#[utoipa::path(
    post,
    path = "/orgs/{org}/broker-credentials",
    operation_id = "createBrokerCredential",
    tag = "organisations",
    params(OrgPath),
    request_body = NewBrokerCredential,
    responses(
        (status = 201, description = "Created", body = CreatedBrokerCredential),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    Json(new): Json<NewBrokerCredential>,
) -> Result<(StatusCode, Json<CreatedBrokerCredential>), Problem> {
    caller.require_admin_scope()?;
    let created = broker_credentials::create(
        &state.server.db,
        &caller.user,
        &org,
        &new.name,
        new.publish,
        new.subscribe,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke a broker credential (admin role, admin scope)
///
/// Its next CONNECT is refused (0x86), and the bundled broker ends the connections it has
/// open (MQTT 5: DISCONNECT 0x98).
#[utoipa::path(
    delete,
    path = "/orgs/{org}/broker-credentials/{name}",
    operation_id = "revokeBrokerCredential",
    tag = "organisations",
    params(CredentialPath),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(CredentialPath { org, name }): Path<CredentialPath>,
) -> Result<StatusCode, Problem> {
    caller.require_admin_scope()?;
    broker_credentials::revoke(&state.server, &caller.user, &org, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
