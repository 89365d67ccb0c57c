//! `/v1/users/{userId}/applications`: where call events of endpoints go, and the secret they
//! are signed with (returned by the creation and by `POST …/callbackSecret` only).

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::error::ApiError;
use super::{created, deleted, validate, ApiPath};
use crate::app::AppState;
use crate::auth_basic::AuthUser;
use crate::db::{Application, NewApplication};

/// `POST` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApplication {
    name: String,
    #[serde(default)]
    incoming_call_url: Option<String>,
    #[serde(default = "default_auto_answer")]
    auto_answer: bool,
}

// The original product answered incoming calls automatically unless told otherwise.
fn default_auto_answer() -> bool {
    true
}

/// An application as JSON.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationJson {
    id: String,
    name: String,
    incoming_call_url: Option<String>,
    auto_answer: bool,
}

impl From<Application> for ApplicationJson {
    fn from(app: Application) -> Self {
        ApplicationJson {
            id: app.id,
            name: app.name,
            incoming_call_url: app.incoming_call_url,
            auto_answer: app.auto_answer,
        }
    }
}

/// An application as JSON with its callback secret: the answer of its creation only.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApplicationJson {
    #[serde(flatten)]
    application: ApplicationJson,
    callback_secret: String,
}

/// `POST …/applications/{applicationId}/callbackSecret` answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackSecretJson {
    callback_secret: String,
}

/// `POST /v1/users/{userId}/applications`.
pub async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    JsonBody(body): JsonBody<CreateApplication>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let new = NewApplication {
            name: validate::name("name", &body.name)?,
            incoming_call_url: validate::callback_url(
                body.incoming_call_url,
                state.directory.callbacks().targets(),
            )?,
            auto_answer: body.auto_answer,
        };
        let app = state.store.create_application(&user.id, new)?;
        let location = format!("/v1/users/{}/applications/{}", user.id, app.id);
        let callback_secret = app.callback_secret.clone();
        let body = CreatedApplicationJson {
            application: app.into(),
            callback_secret,
        };
        Ok(created(location, body))
    })
    .await
}

/// `POST /v1/users/{userId}/applications/{applicationId}/callbackSecret`: a new secret signs
/// the events queued from now on (those already queued keep the old one, read when queued).
pub async fn rotate_secret(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, id)): ApiPath<(String, String)>,
) -> Result<Json<CallbackSecretJson>, ApiError> {
    super::db(&state, move |state| {
        let callback_secret = state
            .store
            .rotate_callback_secret(&user.id, &id)?
            .ok_or_else(|| ApiError::not_found("application"))?;
        Ok(Json(CallbackSecretJson { callback_secret }))
    })
    .await
}

/// `GET /v1/users/{userId}/applications`.
pub async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Vec<ApplicationJson>>, ApiError> {
    super::db(&state, move |state| {
        let apps = state.store.applications(&user.id)?;
        Ok(Json(apps.into_iter().map(Into::into).collect()))
    })
    .await
}

/// `GET /v1/users/{userId}/applications/{applicationId}`.
pub async fn get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, id)): ApiPath<(String, String)>,
) -> Result<Json<ApplicationJson>, ApiError> {
    super::db(&state, move |state| {
        let app = state
            .store
            .application(&user.id, &id)?
            .ok_or_else(|| ApiError::not_found("application"))?;
        Ok(Json(app.into()))
    })
    .await
}

/// `DELETE /v1/users/{userId}/applications/{applicationId}`; endpoints using it are detached.
pub async fn remove(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        if !state.store.delete_application(&user.id, &id)? {
            return Err(ApiError::not_found("application"));
        }
        Ok(deleted())
    })
    .await
}
