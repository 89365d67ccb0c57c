//! The REST API under `/v1`, shaped like the original product's (camelCase JSON, `201` with
//! `Location`). One file per resource; every error is a JSON [`error::ApiError`].

pub mod applications;
pub mod body;
pub mod domains;
pub mod endpoints;
pub mod error;
pub mod me;
pub mod phone_numbers;
pub mod tokens;
pub mod validate;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Path};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::app::AppState;
use error::ApiError;

/// Runs a handler's storage work (SQLite queries and writes, with the logic between them) on
/// tokio's blocking pool, so that no async worker waits on SQLite (issue 12, item 1): those
/// workers also carry every SIP connection.
///
/// `spawn_blocking` rather than a dedicated DB thread: a handler's storage work is several
/// dependent calls with checks in between (ownership, then the write, then the revocation of
/// registrations), which a closure keeps straight-line; a dedicated thread would need a
/// message per operation or the same boxed closures with a reply channel. The one connection
/// mutex already serialises the statements, and the pool grows only with REST concurrency.
pub async fn db<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let state = state.clone();
    tokio::task::spawn_blocking(move || work(&state))
        .await
        .map_err(ApiError::internal)?
}

/// The `/v1` routes (to be nested at `/v1`).
pub fn router() -> Router<AppState> {
    let user = "/users/{userId}";
    let endpoint = "/users/{userId}/domains/{domainId}/endpoints/{endpointId}";
    Router::new()
        .route("/me", get(me::get))
        .route(
            &format!("{user}/applications"),
            post(applications::create).get(applications::list),
        )
        .route(
            &format!("{user}/applications/{{applicationId}}"),
            get(applications::get).delete(applications::remove),
        )
        .route(
            &format!("{user}/applications/{{applicationId}}/callbackSecret"),
            post(applications::rotate_secret),
        )
        .route(
            &format!("{user}/domains"),
            post(domains::create).get(domains::list),
        )
        .route(
            &format!("{user}/domains/{{domainId}}"),
            get(domains::get).delete(domains::remove),
        )
        .route(
            &format!("{user}/domains/{{domainId}}/endpoints"),
            post(endpoints::create).get(endpoints::list),
        )
        .route(
            endpoint,
            get(endpoints::get)
                .patch(endpoints::update)
                .delete(endpoints::remove),
        )
        .route(&format!("{endpoint}/tokens"), post(tokens::create))
        .route(
            &format!("{endpoint}/tokens/{{token}}"),
            delete(tokens::revoke),
        )
        .route(
            &format!("{user}/phoneNumbers"),
            post(phone_numbers::create).get(phone_numbers::list),
        )
        .route(
            &format!("{user}/phoneNumbers/{{phoneNumberId}}"),
            get(phone_numbers::get).delete(phone_numbers::remove),
        )
        .fallback(error::unknown_route)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(body::MAX_BODY))
}

/// Path parameters, with a JSON 404 instead of axum's plain-text rejection.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|_| ApiError::not_found("resource"))
    }
}

/// `201 Created` with a `Location` and a JSON body.
pub fn created(location: String, body: impl Serialize) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// `200 OK` with no body, for a successful DELETE (the original product answered 200).
pub fn deleted() -> Response {
    StatusCode::OK.into_response()
}
