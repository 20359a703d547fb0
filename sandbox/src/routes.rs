//! The HTTP surface: the platform's endpoints behind the bearer key and
//! the key's budget, and the `/_sandbox/*` test hooks (in `hooks.rs`).

use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use callme_shared::{
    AgentId, CallStatus, CallsQuery, FieldError, LiveStatus, OutboundCallResponse, PhoneNumber,
};
use serde_json::{Value, json};

use crate::budget::Admission;
use crate::control::Command;
use crate::errors::{field_error, platform_error};
use crate::faults::{FAULT_HEADER, Fault};
use crate::journal::Received;
use crate::store::OutboundError;
use crate::{AppState, hooks, lock, now_ms};

/// The largest request body read; the platform's requests are tiny.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// All routes, wired to `state`. Call events are sent by the ticker that
/// [`crate::start`] runs beside it, not by the router.
pub fn router(state: Arc<AppState>) -> Router {
    let platform = Router::new()
        .route("/calls", get(handle_list))
        .route("/calls/outbound", post(handle_outbound))
        .route("/calls/{id}", get(handle_get))
        .route("/calls/{id}/control", post(handle_control))
        .fallback(handle_not_found)
        .method_not_allowed_fallback(handle_wrong_method)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            misbehave_and_check_key,
        ));
    Router::new()
        .nest("/_sandbox", hooks::router())
        .merge(platform)
        .with_state(state)
}

/// Records the request, applies any fault, checks the bearer key, then
/// counts the request against the key's budget. Injected faults answer
/// before the key is checked and are not counted; a wrong key is 401 and
/// not counted either (it has no budget); everything else carries the
/// `X-RateLimit-*` headers, 429s included.
async fn misbehave_and_check_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return platform_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            "Request body too large",
        );
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
            Err(error) => {
                return platform_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    &error.to_string(),
                );
            }
        },
        Some(Err(_)) => {
            return platform_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "bad fault header",
            );
        }
        None => None,
    };
    let fault = from_header.or_else(|| lock(&state.faults).take(&path));
    let late_answer_ms = fault.as_ref().map_or(0, |f| f.late_answer_ms);
    if let Some(fault) = fault {
        fault.delay().await;
        if let Some(response) = fault.replacement() {
            return response;
        }
    }

    if !authorized {
        return platform_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid or missing API key",
        );
    }
    let admission = lock(&state.budget).admit(now_ms());
    let mut response = if admission.allowed {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    } else {
        rate_limited(
            admission.retry_after_s,
            &format!(
                "Rate limit exceeded: {} requests per window for this API key",
                admission.limit
            ),
        )
    };
    add_budget_headers(response.headers_mut(), &admission);
    if late_answer_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(late_answer_ms)).await;
    }
    response
}

fn add_budget_headers(headers: &mut HeaderMap, admission: &Admission) {
    let pairs = [
        ("x-ratelimit-limit", i64::from(admission.limit)),
        ("x-ratelimit-remaining", i64::from(admission.remaining)),
        ("x-ratelimit-reset", admission.reset_s),
    ];
    for (name, value) in pairs {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// 429 with `Retry-After`, for the key's budget and a call's commands.
fn rate_limited(retry_after_s: i64, message: &str) -> Response {
    let mut response = platform_error(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limit_exceeded",
        message,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s.max(1)));
    response
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
        Err(error) => field_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &error.to_string(),
            error.field(),
        ),
    }
}

fn call_not_found() -> Response {
    platform_error(StatusCode::NOT_FOUND, "not_found", "Call not found")
}

/// `GET /calls/{id}`: one call of the list's shape (the id percent-decoded
/// by the router; a `+` stays a `+`).
async fn handle_get(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return call_not_found();
    };
    match lock(&state.store).get(&id, now_ms()) {
        Some(call) => Json(call).into_response(),
        None => call_not_found(),
    }
}

/// `POST /calls/outbound`: 400 for an invalid destination or an inactive
/// agent, 404 for an unknown agent, as documented; then 402 when the
/// account has no credits (checked last, so a bad request is still told
/// what is wrong with it).
async fn handle_outbound(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let bad = |code: &str, message: &str, param: Option<&str>| {
        field_error(StatusCode::BAD_REQUEST, code, message, param)
    };
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return bad("invalid_request", "Body must be a JSON object", None);
    };
    let destination = match fields.get("destination") {
        None | Some(Value::Null) => {
            return bad(
                "missing_field",
                "destination is required",
                Some("destination"),
            );
        }
        Some(value) => value
            .as_str()
            .and_then(|text| PhoneNumber::parse(text).ok()),
    };
    let Some(destination) = destination else {
        return bad(
            "invalid_request",
            "Invalid destination format",
            Some("destination"),
        );
    };
    let agent = match fields.get("agent_id") {
        None | Some(Value::Null) => {
            return bad("missing_field", "agent_id is required", Some("agent_id"));
        }
        Some(value) => value.as_str().and_then(|text| AgentId::parse(text).ok()),
    };
    let Some(agent) = agent else {
        return bad(
            "invalid_request",
            "agent_id must be a UUID",
            Some("agent_id"),
        );
    };
    for optional in ["first_message", "context"] {
        if fields
            .get(optional)
            .is_some_and(|v| !v.is_string() && !v.is_null())
        {
            return bad(
                "invalid_request",
                &format!("{optional} must be a string"),
                Some(optional),
            );
        }
    }
    let first_message = fields
        .get("first_message")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut store = lock(&state.store);
    match store.check_agent(&agent) {
        Err(error @ OutboundError::AgentNotFound) => {
            return field_error(
                StatusCode::NOT_FOUND,
                "not_found",
                &error.to_string(),
                Some("agent_id"),
            );
        }
        Err(error @ OutboundError::AgentInactive) => {
            return bad("invalid_request", &error.to_string(), Some("agent_id"));
        }
        Ok(_) => {}
    }
    if !state.has_credits() {
        return platform_error(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_credits",
            "Insufficient credits",
        );
    }
    match store.place_with_greeting(destination, &agent, first_message, now_ms()) {
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
        Err(error) => bad("invalid_request", &error.to_string(), Some("agent_id")),
    }
}

/// `POST /calls/{id}/control`: 404 for an unknown call, 400 for a bad
/// command, then 400 `call_not_active` unless the call is in progress at
/// this instant, then 429 past the per-call limit.
async fn handle_control(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return call_not_found();
    };
    if !lock(&state.store).contains(&id) {
        return call_not_found();
    }
    let command = match Command::parse(&body) {
        Ok(command) => command,
        Err(invalid) => {
            return field_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &invalid.message,
                invalid.param,
            );
        }
    };
    let mut controls = lock(&state.controls);
    let mut store = lock(&state.store);
    let now = now_ms();
    let Some(call) = store.get(&id, now) else {
        return call_not_found();
    };
    if call.status != CallStatus::InProgress {
        return platform_error(
            StatusCode::BAD_REQUEST,
            "call_not_active",
            &format!("Call is not active (status {})", call.status.as_str()),
        );
    }
    if let Some(retry_after_s) = controls.retry_after(&id, now) {
        return rate_limited(
            retry_after_s,
            &format!(
                "Rate limit exceeded: {} control commands per minute for this call",
                crate::control::PER_CALL_LIMIT
            ),
        );
    }
    if let Some(line) = command.spoken() {
        store.note_said(&id, line);
    }
    if let Some(transferred) = command.ends_call() {
        store.end_early(&id, now, transferred);
    }
    let received = serde_json::from_slice(&body).unwrap_or(Value::Null);
    controls.record(&id, command.name(), received, now);
    Json(json!({"success": true, "message": "Command sent successfully"})).into_response()
}

async fn handle_not_found() -> Response {
    platform_error(StatusCode::NOT_FOUND, "not_found", "Not found")
}

async fn handle_wrong_method() -> Response {
    platform_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method not allowed",
    )
}
