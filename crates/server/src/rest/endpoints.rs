//! `/v1/users/{userId}/domains/{domainId}/endpoints`: the SIP identities clients log in as.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::error::ApiError;
use super::{created, deleted, validate, ApiPath};
use crate::app::AppState;
use crate::auth_basic::AuthUser;
use crate::db::{Endpoint, NewEndpoint};
use crate::secrets::DigestHa1;
use crate::sip::RevokeReason;
use crate::store_directory::StoreDirectory;

/// `POST` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateEndpoint {
    name: String,
    #[serde(default)]
    description: Option<String>,
    /// Optional; if given it must equal the path's domain.
    #[serde(default)]
    domain_id: Option<String>,
    #[serde(default)]
    application_id: Option<String>,
    #[serde(default = "default_enabled")]
    enabled: bool,
    #[serde(default)]
    credentials: Option<CreateCredentials>,
}

fn default_enabled() -> bool {
    true
}

/// `credentials` in a `POST` body.
#[derive(Debug, Deserialize)]
pub struct CreateCredentials {
    #[serde(default)]
    password: Option<String>,
}

/// An endpoint as JSON. The password is never returned.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointJson {
    id: String,
    name: String,
    description: String,
    domain_id: String,
    application_id: Option<String>,
    enabled: bool,
    sip_uri: String,
    credentials: CredentialsJson,
}

/// `credentials` in an answer: where and as whom to authenticate, not the secret.
#[derive(Debug, Serialize)]
pub struct CredentialsJson {
    realm: String,
    username: String,
}

impl EndpointJson {
    /// The JSON of `endpoint`, with its SIP URI under the directory's realm.
    pub fn new(endpoint: Endpoint, directory: &StoreDirectory) -> Self {
        let host = directory.host_of(&endpoint.domain_name);
        EndpointJson {
            sip_uri: format!("{}@{host}", endpoint.name),
            credentials: CredentialsJson {
                realm: host,
                username: endpoint.name.clone(),
            },
            id: endpoint.id,
            name: endpoint.name,
            description: endpoint.description,
            domain_id: endpoint.domain_id,
            application_id: endpoint.application_id,
            enabled: endpoint.enabled,
        }
    }
}

/// `POST /v1/users/{userId}/domains/{domainId}/endpoints`.
pub async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id)): ApiPath<(String, String)>,
    JsonBody(body): JsonBody<CreateEndpoint>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let domain = state
            .store
            .domain(&user.id, &domain_id)?
            .ok_or_else(|| ApiError::not_found("domain"))?;
        if body.domain_id.as_deref().is_some_and(|d| d != domain.id) {
            return Err(ApiError::invalid_field(
                "domainId",
                "must be the domain in the path",
            ));
        }
        let application_id = match body.application_id.filter(|a| !a.is_empty()) {
            Some(id) => Some(
                state
                    .store
                    .application(&user.id, &id)?
                    .ok_or_else(|| ApiError::not_found("application"))?
                    .id,
            ),
            None => None,
        };
        let name = validate::endpoint_name(&body.name)?;
        let password = validate::password(body.credentials.and_then(|c| c.password))?;
        // Only the digest HA1s are stored, never the password (issue 11, hole 8).
        let host = state.directory.host_of(&domain.name);
        let new = NewEndpoint {
            digest_ha1: password.map(|p| DigestHa1::from_password(&name, &host, &p)),
            name,
            description: validate::description(body.description)?,
            application_id,
            enabled: body.enabled,
        };
        let endpoint = state.store.create_endpoint(&user.id, &domain.id, new)?;
        let location = format!(
            "/v1/users/{}/domains/{}/endpoints/{}",
            user.id, domain.id, endpoint.id
        );
        Ok(created(
            location,
            EndpointJson::new(endpoint, &state.directory),
        ))
    })
    .await
}

/// `GET /v1/users/{userId}/domains/{domainId}/endpoints`.
pub async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id)): ApiPath<(String, String)>,
) -> Result<Json<Vec<EndpointJson>>, ApiError> {
    super::db(&state, move |state| {
        if state.store.domain(&user.id, &domain_id)?.is_none() {
            return Err(ApiError::not_found("domain"));
        }
        let endpoints = state.store.endpoints(&user.id, &domain_id)?;
        Ok(Json(
            endpoints
                .into_iter()
                .map(|e| EndpointJson::new(e, &state.directory))
                .collect(),
        ))
    })
    .await
}

/// `GET /v1/users/{userId}/domains/{domainId}/endpoints/{endpointId}`.
pub async fn get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id, id)): ApiPath<(String, String, String)>,
) -> Result<Json<EndpointJson>, ApiError> {
    super::db(&state, move |state| {
        let endpoint = state
            .store
            .endpoint(&user.id, &domain_id, &id)?
            .ok_or_else(|| ApiError::not_found("endpoint"))?;
        Ok(Json(EndpointJson::new(endpoint, &state.directory)))
    })
    .await
}

/// `PATCH` body: what may change on an endpoint.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateEndpoint {
    enabled: bool,
}

/// `PATCH /v1/users/{userId}/domains/{domainId}/endpoints/{endpointId}` with
/// `{"enabled": false|true}`. Disabling ends its registrations at once (issue 11, hole 3).
pub async fn update(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id, id)): ApiPath<(String, String, String)>,
    JsonBody(body): JsonBody<UpdateEndpoint>,
) -> Result<Json<EndpointJson>, ApiError> {
    super::db(&state, move |state| {
        if !state
            .store
            .set_endpoint_enabled(&user.id, &domain_id, &id, body.enabled)?
        {
            return Err(ApiError::not_found("endpoint"));
        }
        let endpoint = state
            .store
            .endpoint(&user.id, &domain_id, &id)?
            .ok_or_else(|| ApiError::not_found("endpoint"))?;
        if !body.enabled {
            crate::revocation::endpoint_revoked(state, &endpoint, RevokeReason::EndpointDisabled)?;
        }
        Ok(Json(EndpointJson::new(endpoint, &state.directory)))
    })
    .await
}

/// `DELETE /v1/users/{userId}/domains/{domainId}/endpoints/{endpointId}`, with its numbers
/// and tokens; its registrations end at once (issue 11, hole 3).
pub async fn remove(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id, id)): ApiPath<(String, String, String)>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let endpoint = state
            .store
            .endpoint(&user.id, &domain_id, &id)?
            .ok_or_else(|| ApiError::not_found("endpoint"))?;
        if !state.store.delete_endpoint(&user.id, &domain_id, &id)? {
            return Err(ApiError::not_found("endpoint"));
        }
        crate::revocation::endpoint_revoked(state, &endpoint, RevokeReason::EndpointDeleted)?;
        Ok(deleted())
    })
    .await
}
