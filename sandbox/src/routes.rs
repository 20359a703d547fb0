//! The HTTP surface: the platform's three endpoints behind the bearer key,
//! and the `/_sandbox/*` test hooks.

use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use callme_shared::{AgentId, CallsQuery, LiveStatus, OutboundCallResponse, PhoneNumber};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::{FAULT_HEADER, Fault, FaultRule};
use crate::journal::Received;
use crate::store::OutboundError;
use crate::{AppState, lock, now_ms};

/// The largest request body read; the platform's requests are tiny.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// All routes, wired to `state`.
pub fn router(state: Arc<AppState>) -> Router {
    let platform = Router::new()
        .route("/calls", get(handle_list))
        .route("/calls/outbound", post(handle_outbound))
        .route("/calls/{id}/control", post(handle_control))
        .fallback(handle_not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            misbehave_and_check_key,
        ));
    let hooks = Router::new()
        .route("/health", get(|| async { Json(json!({"ok": true})) }))
        .route(
            "/requests",
            get(handle_journal).delete(handle_journal_clear),
        )
        .route("/faults", post(handle_fault_add).delete(handle_fault_clear))
        .route("/reset", post(handle_reset));
    Router::new()
        .nest("/_sandbox", hooks)
        .merge(platform)
        .with_state(state)
}

/// The platform's error bodies are not documented; the sandbox answers a
/// small JSON object, which clients must treat as opaque.
fn platform_error(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

/// Records the request, applies any fault, then checks the bearer key.
async fn misbehave_and_check_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return platform_error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
    };
    let authorized = bearer_matches(&parts.headers, &state.config.api_key);
    let path = parts.uri.path().to_owned();
    lock(&state.journal).record(Received {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        body: body_as_json(&bytes),
        authorized,
        at_ms: now_ms(),
    });

    let from_header = match parts.headers.get(FAULT_HEADER).map(|v| v.to_str()) {
        Some(Ok(spec)) => match Fault::parse(spec) {
            Ok(fault) => Some(fault),
            Err(error) => return platform_error(StatusCode::BAD_REQUEST, &error.to_string()),
        },
        Some(Err(_)) => return platform_error(StatusCode::BAD_REQUEST, "bad fault header"),
        None => None,
    };
    let fault = from_header.or_else(|| lock(&state.faults).take(&path));
    if let Some(fault) = fault {
        fault.delay().await;
        if let Some(response) = fault.replacement() {
            return response;
        }
    }

    if !authorized {
        return platform_error(StatusCode::UNAUTHORIZED, "Invalid or missing API key");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn body_as_json(bytes: &Bytes) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// `Authorization: Bearer <key>`, compared without an early exit so timing
/// says nothing about how much of a guess was right.
fn bearer_matches(headers: &HeaderMap, key: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    given.len() == key.len()
        && given
            .bytes()
            .zip(key.bytes())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// `GET /calls`.
async fn handle_list(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or_default();
    match CallsQuery::from_pairs(form_urlencoded::parse(query.as_bytes())) {
        Ok(query) => Json(lock(&state.store).list(&query, now_ms())).into_response(),
        Err(error) => platform_error(StatusCode::BAD_REQUEST, &error.to_string()),
    }
}

/// `POST /calls/outbound`: 400 for an invalid destination or an inactive
/// agent, 404 for an unknown agent, as documented.
async fn handle_outbound(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return platform_error(StatusCode::BAD_REQUEST, "Body must be a JSON object");
    };
    let destination = fields
        .get("destination")
        .and_then(Value::as_str)
        .and_then(|text| PhoneNumber::parse(text).ok());
    let Some(destination) = destination else {
        return platform_error(StatusCode::BAD_REQUEST, "Invalid destination format");
    };
    let agent = fields
        .get("agent_id")
        .and_then(Value::as_str)
        .and_then(|text| AgentId::parse(text).ok());
    let Some(agent) = agent else {
        return platform_error(StatusCode::BAD_REQUEST, "agent_id must be a UUID");
    };
    for optional in ["first_message", "context"] {
        if fields
            .get(optional)
            .is_some_and(|v| !v.is_string() && !v.is_null())
        {
            return platform_error(
                StatusCode::BAD_REQUEST,
                &format!("{optional} must be a string"),
            );
        }
    }
    let placed = lock(&state.store).place(destination, &agent, now_ms());
    match placed {
        Ok(call) => {
            let room = call.id.as_str().trim_start_matches("call-").to_owned();
            Json(OutboundCallResponse {
                success: true,
                call_id: call.id,
                room_name: Some(room),
                status: LiveStatus::Dialing.as_str().into(),
            })
            .into_response()
        }
        Err(error @ OutboundError::AgentNotFound) => {
            platform_error(StatusCode::NOT_FOUND, &error.to_string())
        }
        Err(error @ OutboundError::AgentInactive) => {
            platform_error(StatusCode::BAD_REQUEST, &error.to_string())
        }
    }
}

/// `POST /calls/{id}/control`: the command body is not documented, so any
/// JSON object is accepted for a known call.
async fn handle_control(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if !lock(&state.store).contains(&id) {
        return platform_error(StatusCode::NOT_FOUND, "Call not found");
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(_)) => Json(json!({ "success": true })).into_response(),
        _ => platform_error(StatusCode::BAD_REQUEST, "Body must be a JSON object"),
    }
}

async fn handle_not_found() -> Response {
    platform_error(StatusCode::NOT_FOUND, "Not found")
}

#[derive(Debug, Deserialize)]
struct JournalFilter {
    path: Option<String>,
    method: Option<String>,
}

/// `GET /_sandbox/requests?path=/calls/outbound&method=POST`.
async fn handle_journal(
    State(state): State<Arc<AppState>>,
    Query(filter): Query<JournalFilter>,
) -> Json<Value> {
    let requests = lock(&state.journal).matching(filter.path.as_deref(), filter.method.as_deref());
    Json(json!({ "count": requests.len(), "requests": requests }))
}

async fn handle_journal_clear(State(state): State<Arc<AppState>>) -> StatusCode {
    lock(&state.journal).clear();
    StatusCode::NO_CONTENT
}

/// `POST /_sandbox/faults` with a [`FaultRule`] as JSON.
async fn handle_fault_add(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) => {
            lock(&state.faults).push(rule);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => platform_error(StatusCode::BAD_REQUEST, &error.to_string()),
    }
}

async fn handle_fault_clear(State(state): State<Arc<AppState>>) -> StatusCode {
    lock(&state.faults).clear();
    StatusCode::NO_CONTENT
}

async fn handle_reset(State(state): State<Arc<AppState>>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}
