//! Demo mode (`--demo`): a demo user with a domain `demo`, an application, endpoints `alice`,
//! `bob` and `carol` with a number each, created idempotently at start; and `GET /demo/token`, which
//! hands out a token for either endpoint with no credentials so two browser tabs can call each
//! other with no typing. Outside demo mode that route answers 404.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::db::{
    DbError, Domain, Endpoint, NewApplication, NewDomain, NewEndpoint, NewPhoneNumber, Store, User,
};
use crate::rest::error::ApiError;
use crate::rest::tokens::{mint_for, DEFAULT_LIFETIME, MAX_LIFETIME};
use crate::same_origin::{check_origin, OriginCheck};

/// The demo domain's name.
pub const DOMAIN: &str = "demo";
/// The demo endpoints and their numbers (555-01xx numbers are reserved for fiction).
/// `carol` is the third party of transfer demos and tests.
pub const ENDPOINTS: [(&str, &str); 3] = [
    ("alice", "+15555550100"),
    ("bob", "+15555550101"),
    ("carol", "+15555550102"),
];

/// What demo mode created (or found).
#[derive(Debug, Clone)]
pub struct DemoInfo {
    pub user: User,
    pub domain: Domain,
    /// `alice`, `bob`, then `carol`.
    pub endpoints: Vec<Endpoint>,
}

/// Why the demo could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the domain name `demo` belongs to another user")]
    DomainTaken,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Creates whatever part of the demo is missing; running it again changes nothing.
pub fn ensure(store: &Store) -> Result<DemoInfo, DemoError> {
    // The demo user's API secret is stored hashed, so a new one is made at every start (and
    // printed): the demo needs it shown, not kept.
    let user = match store.user_by_name("demo")? {
        Some(user) => {
            let token = user.api_token.clone();
            store.set_user_credentials(user, &token, &crate::db::new_secret(32))?
        }
        None => store.ensure_user("demo", None)?,
    };
    let domain = match store.domain_by_name(DOMAIN)? {
        Some(domain) if domain.user_id == user.id => domain,
        Some(_) => return Err(DemoError::DomainTaken),
        None => store.create_domain(
            &user.id,
            NewDomain {
                name: DOMAIN.to_owned(),
                description: "Demo domain (created by --demo)".to_owned(),
            },
        )?,
    };
    let app = match store.application_by_name(&user.id, "demo")? {
        Some(app) => app,
        None => store.create_application(
            &user.id,
            NewApplication {
                name: "demo".to_owned(),
                incoming_call_url: None,
                auto_answer: true,
            },
        )?,
    };
    let mut endpoints = Vec::new();
    for (name, number) in ENDPOINTS {
        let endpoint = match store.endpoint_by_name(DOMAIN, name)? {
            Some(endpoint) => endpoint,
            None => store.create_endpoint(
                &user.id,
                &domain.id,
                NewEndpoint {
                    name: name.to_owned(),
                    description: format!("Demo endpoint {name}"),
                    application_id: Some(app.id.clone()),
                    enabled: true,
                    // Demo phones log in with tokens; no SIP password.
                    digest_ha1: None,
                },
            )?,
        };
        if store.endpoint_by_number(number)?.is_none() {
            store.create_phone_number(
                &user.id,
                NewPhoneNumber {
                    number: number.to_owned(),
                    endpoint_id: endpoint.id.clone(),
                },
            )?;
        }
        endpoints.push(endpoint);
    }
    Ok(DemoInfo {
        user,
        domain,
        endpoints,
    })
}

/// The demo endpoint named by `?endpoint=` (demo mode only).
fn wanted_endpoint<'q>(state: &AppState, query: &'q Option<String>) -> Result<&'q str, ApiError> {
    if state.demo.is_none() {
        return Err(ApiError::not_found("resource"));
    }
    let wanted = query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("endpoint="))
        .ok_or_else(|| ApiError::bad_request("missing_field", "endpoint: alice, bob or carol"))?;
    if !ENDPOINTS.iter().any(|(name, _)| *name == wanted) {
        return Err(ApiError::not_found("demo endpoint"));
    }
    Ok(wanted)
}

/// `POST /demo/drop?endpoint=alice` (demo mode only): the server closes that endpoint's
/// WebSockets, as a network failure would, so the demo and the fault tests can watch the client
/// reconnect with its calls up. Answers `{"dropped": <connections closed>}`. With
/// `&close=1001` the sockets are closed with 1001 Going Away instead, as a graceful shutdown
/// closes them (the client then reconnects at once).
///
/// Same origin only (issue 11, hole 10): a request whose `Origin` is neither the server's own
/// nor one of `--demo-drop-origins` gets `403 {"code": "cross_origin"}` and changes nothing;
/// no answer carries `Access-Control-Allow-Origin`, so no other page can read one, and a CORS
/// preflight (`OPTIONS`) is not served (405).
pub async fn drop_connections(
    State(state): State<AppState>,
    request_headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    if state.demo.is_none() {
        return Err(ApiError::not_found("resource"));
    }
    let text = |name| request_headers.get(name).and_then(|v| v.to_str().ok());
    let from = check_origin(
        text(header::ORIGIN),
        text(header::HOST),
        state.ws_urls.first().map_or("", String::as_str),
        &state.demo_drop_origins,
    );
    if from == OriginCheck::Foreign {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "/demo/drop answers requests from the server's own pages only",
        ));
    }
    let wanted = wanted_endpoint(&state, &query)?;
    let host = state.directory.host_of(DOMAIN);
    let going_away = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|pair| pair == "close=1001"));
    let close = going_away.then_some((crate::sip::CLOSE_GOING_AWAY, "server shutting down"));
    let dropped = state.sip.drop_connections_with(wanted, &host, close);
    // An allowed other origin (the browser-test runner's page, cross-origin isolated) sends
    // it `no-cors`: its opaque answer must be embeddable there, though never readable.
    let resource_policy = match from {
        OriginCheck::Allowed => "cross-origin",
        _ => "same-origin",
    };
    Ok((
        [(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            resource_policy,
        )],
        Json(serde_json::json!({ "dropped": dropped })),
    ))
}

/// `GET /demo/token` answer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoToken {
    pub token: String,
    /// Lifetime in seconds.
    pub expires: u64,
    pub sip_uri: String,
}

/// `GET /demo/token?endpoint=alice|bob|carol[&expires=<seconds>]` (demo mode only). Tokens are
/// recorded like any other (see `crate::db::tokens`), so test harnesses mint here or through the
/// REST API instead of signing tokens themselves. Readable cross-origin by loopback pages only
/// (the browser tests' runner serves its page from another loopback port).
pub async fn token(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<(HeaderMap, Json<DemoToken>), ApiError> {
    let wanted = wanted_endpoint(&state, &query)?;
    let lifetime = match query_value(&query, "expires") {
        None => DEFAULT_LIFETIME,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|v| (1..=MAX_LIFETIME).contains(v))
            .ok_or_else(|| {
                ApiError::invalid_field("expires", "seconds, from 1 to 2592000 (30 days)")
            })?,
    };
    // Read it again: it may have been disabled or deleted through the API since start.
    let endpoint = state
        .store
        .endpoint_by_name(DOMAIN, wanted)?
        .ok_or_else(|| ApiError::not_found("demo endpoint"))?;
    // Minting writes its `tokens` row: off the async workers.
    let (token, lifetime) =
        crate::rest::db(&state, move |state| mint_for(state, &endpoint, lifetime)).await?;
    let mut answer = HeaderMap::new();
    if let Some(origin) = headers
        .get(header::ORIGIN)
        .filter(|o| o.to_str().is_ok_and(is_loopback_origin))
    {
        answer.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        answer.insert(header::VARY, HeaderValue::from_static("origin"));
    }
    Ok((
        answer,
        Json(DemoToken {
            token: token.as_str().to_owned(),
            expires: lifetime,
            sip_uri: format!("{}@{}", token.user, token.host),
        }),
    ))
}

/// The value of `name=` in a query string.
fn query_value<'q>(query: &'q Option<String>, name: &str) -> Option<&'q str> {
    query
        .as_deref()?
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// `http://127.0.0.1:<port>`, `http://localhost:<port>` or `http://[::1]:<port>`.
fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => rest,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_and_query_values() {
        assert!(is_loopback_origin("http://127.0.0.1:8000"));
        assert!(is_loopback_origin("http://localhost"));
        assert!(is_loopback_origin("http://[::1]:9"));
        assert!(!is_loopback_origin("http://127.0.0.1.evil.test"));
        assert!(!is_loopback_origin("https://example.com"));
        assert!(!is_loopback_origin("null"));
        let q = Some("endpoint=alice&expires=60".to_owned());
        assert_eq!(query_value(&q, "expires"), Some("60"));
        assert_eq!(query_value(&q, "expire"), None);
        assert_eq!(query_value(&None, "expires"), None);
    }
}
