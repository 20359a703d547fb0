//! Building responses: JSON bodies, the error mapping, CORS and the
//! headers every API answer carries.

use serde::Serialize;
use worker::{Headers, Response};

use crate::cors::{self, Caller};
use crate::error::EdgeError;

/// A JSON answer.
pub fn json(status: u16, body: &impl Serialize) -> Result<Response, EdgeError> {
    let text = serde_json::to_string(body).map_err(|e| EdgeError::Internal(e.to_string()))?;
    json_text(status, text)
}

/// A JSON answer already serialised (kept for replays as it is sent).
pub fn json_text(status: u16, text: String) -> Result<Response, EdgeError> {
    let headers = Headers::new();
    set(&headers, "Content-Type", "application/json; charset=utf-8")?;
    Ok(Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(text.into_bytes()))
}

/// The answer for an error: its status, the documented body, and
/// `Retry-After` or `Allow` where they apply.
pub fn error(error: &EdgeError) -> worker::Result<Response> {
    let response =
        json(error.status(), &error.body()).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let headers = response.headers();
    if let Some(seconds) = error.retry_after() {
        headers.set("Retry-After", &seconds.to_string())?;
    }
    if let Some(allow) = error.allow() {
        headers.set("Allow", allow)?;
    }
    Ok(response)
}

/// A CORS preflight answer: 204 for an allowed origin, 403 otherwise.
pub fn preflight(caller: &Caller) -> Result<Response, EdgeError> {
    if !matches!(caller, Caller::AllowedOrigin(_)) {
        return Err(cors::browser_only());
    }
    let headers = Headers::new();
    for (name, value) in cors::preflight_headers(caller) {
        set(&headers, name, &value)?;
    }
    Ok(Response::empty()
        .map_err(internal)?
        .with_status(204)
        .with_headers(headers))
}

/// Adds what every API answer carries: CORS for the caller, no caching
/// (unless the handler chose), no sniffing.
pub fn finish(response: Response, caller: Option<&Caller>) -> worker::Result<Response> {
    let headers = response.headers();
    let caller = caller.cloned().unwrap_or(Caller::Server);
    for (name, value) in cors::headers(&caller) {
        if name != "Vary" || headers.get("Vary")?.is_none() {
            headers.set(name, &value)?;
        }
    }
    if headers.get("Cache-Control")?.is_none() {
        headers.set("Cache-Control", "no-store")?;
    }
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(response)
}

fn set(headers: &Headers, name: &str, value: &str) -> Result<(), EdgeError> {
    headers.set(name, value).map_err(internal)
}

/// Any runtime error, as an internal error.
pub fn internal(error: impl std::fmt::Display) -> EdgeError {
    EdgeError::Internal(error.to_string())
}
