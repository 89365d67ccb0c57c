//! `/v1/users/{userId}/domains`: namespaces of endpoints (`<name>.<realm>` is their SIP host).

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::error::ApiError;
use super::{created, deleted, validate, ApiPath};
use crate::app::AppState;
use crate::auth_basic::AuthUser;
use crate::db::{Domain, NewDomain};
use crate::sip::RevokeReason;

/// `POST` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDomain {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

/// A domain as JSON.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainJson {
    id: String,
    name: String,
    description: String,
}

impl From<Domain> for DomainJson {
    fn from(domain: Domain) -> Self {
        DomainJson {
            id: domain.id,
            name: domain.name,
            description: domain.description,
        }
    }
}

/// `POST /v1/users/{userId}/domains`. Names are unique server-wide (409 otherwise).
pub async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    JsonBody(body): JsonBody<CreateDomain>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let new = NewDomain {
            name: validate::domain_name(&body.name)?,
            description: validate::description(body.description)?,
        };
        let domain = state.store.create_domain(&user.id, new)?;
        let location = format!("/v1/users/{}/domains/{}", user.id, domain.id);
        Ok(created(location, DomainJson::from(domain)))
    })
    .await
}

/// `GET /v1/users/{userId}/domains`.
pub async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Vec<DomainJson>>, ApiError> {
    super::db(&state, move |state| {
        let domains = state.store.domains(&user.id)?;
        Ok(Json(domains.into_iter().map(Into::into).collect()))
    })
    .await
}

/// `GET /v1/users/{userId}/domains/{domainId}`.
pub async fn get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, id)): ApiPath<(String, String)>,
) -> Result<Json<DomainJson>, ApiError> {
    super::db(&state, move |state| {
        let domain = state
            .store
            .domain(&user.id, &id)?
            .ok_or_else(|| ApiError::not_found("domain"))?;
        Ok(Json(domain.into()))
    })
    .await
}

/// `DELETE /v1/users/{userId}/domains/{domainId}`, with its endpoints, their numbers and
/// tokens; their registrations end at once (issue 11, hole 3).
pub async fn remove(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        if state.store.domain(&user.id, &id)?.is_none() {
            return Err(ApiError::not_found("domain"));
        }
        let endpoints = state.store.endpoints(&user.id, &id)?;
        if !state.store.delete_domain(&user.id, &id)? {
            return Err(ApiError::not_found("domain"));
        }
        for endpoint in &endpoints {
            crate::revocation::endpoint_revoked(state, endpoint, RevokeReason::EndpointDeleted)?;
        }
        Ok(deleted())
    })
    .await
}
