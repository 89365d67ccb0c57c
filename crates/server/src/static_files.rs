//! The demo page (`www/` at `/`) and the built client (`pkg/` at `/pkg/`) on the API's port.
//! Content types come from the file extension (`.wasm` is `application/wasm`, which
//! `WebAssembly.instantiateStreaming` requires).

use std::path::Path;

use axum::http::{header, HeaderValue};
use axum::middleware::map_response;
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

use crate::app::AppState;

/// Routes for `/pkg/…` and, as the fallback, every path the other routes don't claim.
pub fn router(www: &Path, pkg: &Path) -> Router<AppState> {
    Router::new()
        .nest_service("/pkg", ServeDir::new(pkg))
        .fallback_service(ServeDir::new(www))
        .layer(map_response(no_cache))
}

// A rebuilt client must be picked up on reload: make the browser revalidate every time (the
// files carry ETag-free Last-Modified, so a revalidation is a cheap 304).
async fn no_cache(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
