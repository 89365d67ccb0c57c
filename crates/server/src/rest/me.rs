//! `GET /v1/me`: who the credentials belong to (so a client can learn its `userId`).

use axum::Json;
use serde::Serialize;

use crate::auth_basic::AuthUser;

/// The caller as JSON.
#[derive(Debug, Serialize)]
pub struct MeJson {
    id: String,
}

/// `GET /v1/me`.
pub async fn get(AuthUser(user): AuthUser) -> Json<MeJson> {
    Json(MeJson { id: user.id })
}
