//! The `/_sandbox/*` test hooks: no key needed (the sandbox listens on
//! loopback only), never counted against the key's budget, never journaled.
//! Each setting a hook changes also has a flag, so a test may use either.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::config::parse_webhook_url;
use crate::errors::field_error;
use crate::faults::FaultRule;
use crate::webhooks::WebhookFault;
use crate::{AppState, lock, now_ms};

type Shared = State<Arc<AppState>>;

/// The hooks, to be nested under `/_sandbox`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(|| async { Json(json!({"ok": true})) }))
        .route(
            "/requests",
            get(handle_journal).delete(handle_journal_clear),
        )
        .route("/faults", post(handle_fault_add).delete(handle_fault_clear))
        .route("/reset", post(handle_reset))
        .route("/budget", get(handle_budget).post(handle_budget_set))
        .route("/credits", get(handle_credits).post(handle_credits_set))
        .route("/talk", get(handle_talk).post(handle_talk_set))
        .route("/webhook", get(handle_webhook).post(handle_webhook_set))
        .route(
            "/webhook-faults",
            post(handle_webhook_fault_add).delete(handle_webhook_fault_clear),
        )
        .route("/webhooks", get(handle_deliveries))
        .route("/controls", get(handle_controls))
}

/// A 400 for a hook body, naming the field at fault.
fn bad(message: &str, param: Option<&str>) -> Response {
    field_error(StatusCode::BAD_REQUEST, "invalid_request", message, param)
}

/// The body as a JSON object.
fn object(body: &Bytes) -> Option<Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Some(fields),
        _ => None,
    }
}

fn not_an_object() -> Response {
    bad("Body must be a JSON object", None)
}

#[derive(Debug, Deserialize)]
struct JournalFilter {
    path: Option<String>,
    method: Option<String>,
}

/// `GET /_sandbox/requests?path=/calls/outbound&method=POST`.
async fn handle_journal(State(state): Shared, Query(filter): Query<JournalFilter>) -> Json<Value> {
    let requests = lock(&state.journal).matching(filter.path.as_deref(), filter.method.as_deref());
    Json(json!({ "count": requests.len(), "requests": requests }))
}

async fn handle_journal_clear(State(state): Shared) -> StatusCode {
    lock(&state.journal).clear();
    StatusCode::NO_CONTENT
}

/// `POST /_sandbox/faults` with a [`FaultRule`] as JSON.
async fn handle_fault_add(State(state): Shared, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) => {
            lock(&state.faults).push(rule);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => bad(&error.to_string(), None),
    }
}

async fn handle_fault_clear(State(state): Shared) -> StatusCode {
    lock(&state.faults).clear();
    StatusCode::NO_CONTENT
}

async fn handle_reset(State(state): Shared) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

/// `GET /_sandbox/budget`: `{limit, window_ms, used, refused}`.
async fn handle_budget(State(state): Shared) -> Response {
    Json(lock(&state.budget).view(now_ms())).into_response()
}

/// `POST /_sandbox/budget {"limit"?: N, "window_ms"?: M}`: a new budget
/// (a field left out keeps its value), counted afresh.
async fn handle_budget_set(State(state): Shared, body: Bytes) -> Response {
    let Some(fields) = object(&body) else {
        return not_an_object();
    };
    let mut budget = lock(&state.budget);
    let mut rate = budget.rate();
    if let Some(limit) = fields.get("limit") {
        match limit.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(limit) => rate.limit = limit,
            None => return bad("limit must be a whole number", Some("limit")),
        }
    }
    if let Some(window) = fields.get("window_ms") {
        match window.as_u64().and_then(|n| i64::try_from(n).ok()) {
            Some(window_ms) if window_ms >= 1 => rate.window_ms = window_ms,
            _ => return bad("window_ms must be at least 1", Some("window_ms")),
        }
    }
    budget.set(rate);
    Json(budget.view(now_ms())).into_response()
}

/// `GET /_sandbox/credits`: `{credits}`.
async fn handle_credits(State(state): Shared) -> Json<Value> {
    Json(json!({ "credits": state.has_credits() }))
}

/// `POST /_sandbox/credits {"credits": bool}`: false makes outbound calls
/// 402 until true or a reset.
async fn handle_credits_set(State(state): Shared, body: Bytes) -> Response {
    let Some(fields) = object(&body) else {
        return not_an_object();
    };
    let Some(credits) = fields.get("credits").and_then(Value::as_bool) else {
        return bad("credits must be true or false", Some("credits"));
    };
    state.set_credits(credits);
    Json(json!({ "credits": credits })).into_response()
}

/// `GET /_sandbox/talk`: `{talk_ms}`.
async fn handle_talk(State(state): Shared) -> Json<Value> {
    Json(json!({ "talk_ms": lock(&state.store).talk_ms() }))
}

/// `POST /_sandbox/talk {"talk_ms": N}`: how long calls placed from now on
/// stay in progress.
async fn handle_talk_set(State(state): Shared, body: Bytes) -> Response {
    let Some(fields) = object(&body) else {
        return not_an_object();
    };
    let Some(talk_ms) = fields
        .get("talk_ms")
        .and_then(Value::as_u64)
        .and_then(|n| i64::try_from(n).ok())
    else {
        return bad("talk_ms must be a whole number", Some("talk_ms"));
    };
    lock(&state.store).set_talk_ms(talk_ms);
    Json(json!({ "talk_ms": talk_ms })).into_response()
}

/// `GET /_sandbox/webhook`: `{url, signed}` (never the secret).
async fn handle_webhook(State(state): Shared) -> Json<Value> {
    let hooks = lock(&state.webhooks);
    Json(json!({ "url": hooks.url(), "signed": hooks.signed() }))
}

/// `POST /_sandbox/webhook {"url": ..., "secret": ...}`: null turns either
/// off, a field left out keeps its value. Answers as the GET does.
async fn handle_webhook_set(State(state): Shared, body: Bytes) -> Response {
    let Some(fields) = object(&body) else {
        return not_an_object();
    };
    let url = match fields.get("url") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(text)) => match parse_webhook_url(text) {
            Ok(url) => Some(Some(url)),
            Err(error) => return bad(&error, Some("url")),
        },
        Some(_) => return bad("url must be a string or null", Some("url")),
    };
    let secret = match fields.get("secret") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(text)) if !text.trim().is_empty() => Some(Some(text.clone())),
        Some(_) => return bad("secret must be a non-blank string or null", Some("secret")),
    };
    let mut hooks = lock(&state.webhooks);
    if let Some(url) = url {
        hooks.set_url(url);
    }
    if let Some(secret) = secret {
        hooks.set_secret(secret);
    }
    Json(json!({ "url": hooks.url(), "signed": hooks.signed() })).into_response()
}

/// `POST /_sandbox/webhook-faults` with a [`WebhookFault`] as JSON; it
/// replaces any fault in force.
async fn handle_webhook_fault_add(State(state): Shared, body: Bytes) -> Response {
    match serde_json::from_slice::<WebhookFault>(&body) {
        Ok(fault) => {
            lock(&state.webhooks).set_fault(fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => bad(&error.to_string(), Some("mode")),
    }
}

async fn handle_webhook_fault_clear(State(state): Shared) -> StatusCode {
    lock(&state.webhooks).clear_fault();
    StatusCode::NO_CONTENT
}

/// `GET /_sandbox/webhooks`: `{deliveries: [...]}`, in the order they
/// completed.
async fn handle_deliveries(State(state): Shared) -> Json<Value> {
    Json(json!({ "deliveries": lock(&state.webhooks).deliveries() }))
}

#[derive(Debug, Deserialize)]
struct ControlFilter {
    call_id: Option<String>,
}

/// `GET /_sandbox/controls?call_id=ID`: `{commands: [...]}`, all calls'
/// without `call_id`.
async fn handle_controls(State(state): Shared, Query(filter): Query<ControlFilter>) -> Json<Value> {
    let commands = lock(&state.controls).log(filter.call_id.as_deref());
    Json(json!({ "commands": commands }))
}
