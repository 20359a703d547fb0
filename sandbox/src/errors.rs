//! The platform's documented error body, `{"error": {"code", "message",
//! "param", "type"}}`, for every error the sandbox answers itself (injected
//! faults keep their non-JSON bodies on purpose).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer without a field to blame.
pub fn platform_error(status: StatusCode, code: &str, message: &str) -> Response {
    field_error(status, code, message, None)
}

/// An error answer; `param` names the field at fault.
pub fn field_error(status: StatusCode, code: &str, message: &str, param: Option<&str>) -> Response {
    let body = json!({ "error": {
        "code": code,
        "message": message,
        "param": param,
        "type": error_type(status),
    }});
    (status, Json(body)).into_response()
}

/// The docs show `invalid_request_error` (400/404) and `billing_error`
/// (402); the other types are the sandbox's choice in the same style.
fn error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => "authentication_error",
        402 => "billing_error",
        429 => "rate_limit_error",
        400..=499 => "invalid_request_error",
        _ => "api_error",
    }
}
