//! `/v1/users/{userId}/phoneNumbers`: E.164 numbers routed to endpoints.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::error::ApiError;
use super::{created, deleted, ApiPath};
use crate::app::AppState;
use crate::auth_basic::AuthUser;
use crate::db::{NewPhoneNumber, PhoneNumber};

/// `POST` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePhoneNumber {
    number: String,
    endpoint_id: String,
}

/// A number as JSON.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumberJson {
    id: String,
    number: String,
    endpoint_id: String,
}

impl From<PhoneNumber> for PhoneNumberJson {
    fn from(n: PhoneNumber) -> Self {
        PhoneNumberJson {
            id: n.id,
            number: n.number,
            endpoint_id: n.endpoint_id,
        }
    }
}

/// `POST /v1/users/{userId}/phoneNumbers`: the number is normalised to E.164 (US numbers get
/// `+1`); a number can be assigned once server-wide (409).
pub async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    JsonBody(body): JsonBody<CreatePhoneNumber>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let number = bwclient_sip::dial::normalize_number(&body.number).ok_or_else(|| {
            ApiError::invalid_field("number", "an E.164 number (+ and digits) or a US number")
        })?;
        let endpoint = state
            .store
            .endpoint_of_user(&user.id, &body.endpoint_id)?
            .ok_or_else(|| ApiError::not_found("endpoint"))?;
        let new = NewPhoneNumber {
            number,
            endpoint_id: endpoint.id,
        };
        let number = state.store.create_phone_number(&user.id, new)?;
        let location = format!("/v1/users/{}/phoneNumbers/{}", user.id, number.id);
        Ok(created(location, PhoneNumberJson::from(number)))
    })
    .await
}

/// `GET /v1/users/{userId}/phoneNumbers`.
pub async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Vec<PhoneNumberJson>>, ApiError> {
    super::db(&state, move |state| {
        let numbers = state.store.phone_numbers(&user.id)?;
        Ok(Json(numbers.into_iter().map(Into::into).collect()))
    })
    .await
}

/// The user's number named by `key`: its id, or the number itself in any accepted spelling.
fn find(state: &AppState, user_id: &str, key: &str) -> Result<PhoneNumber, ApiError> {
    if let Some(found) = state.store.phone_number(user_id, key)? {
        return Ok(found);
    }
    match bwclient_sip::dial::normalize_number(key) {
        Some(e164) => state.store.phone_number_by_number(user_id, &e164)?,
        None => None,
    }
    .ok_or_else(|| ApiError::not_found("phone number"))
}

/// `GET /v1/users/{userId}/phoneNumbers/{id or number}`.
pub async fn get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, key)): ApiPath<(String, String)>,
) -> Result<Json<PhoneNumberJson>, ApiError> {
    super::db(&state, move |state| {
        Ok(Json(find(state, &user.id, &key)?.into()))
    })
    .await
}

/// `DELETE /v1/users/{userId}/phoneNumbers/{id or number}`.
pub async fn remove(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, key)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let number = find(state, &user.id, &key)?;
        if !state.store.delete_phone_number(&user.id, &number.id)? {
            return Err(ApiError::not_found("phone number"));
        }
        Ok(deleted())
    })
    .await
}
