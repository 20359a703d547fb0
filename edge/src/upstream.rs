//! Reading the platform's answers. Its error bodies come in two shapes
//! (the docs' `{"error": {"code", ...}}`, the SDK's `{"error": "..."}`):
//! only their code reaches the log, never their text, and neither reaches a
//! visitor. A 2xx body must parse as the documented shape or the answer
//! counts as malformed (502). 402 (no credits) and 429 (the key's budget)
//! are the platform's state, not the visitor's fault: 503.

use callme_shared::{Call, CallId, CallList, CallsQuery, ErrorCode, OutboundCallResponse};
use serde::Deserialize;

use crate::budget::RateHeaders;
use crate::error::EdgeError;

/// The platform's answer before interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// HTTP status.
    pub status: u16,
    /// Body text.
    pub body: String,
    /// Its rate-limit headers.
    pub rate: RateHeaders,
}

/// How long before the request a maybe-placed call's creation may be
/// stamped (clocks differ).
pub const PLACED_SKEW_MS: i64 = 5_000;

/// Whether an outbound request that failed this way may still have placed
/// the call: it timed out, or the connection broke after the request may
/// have been sent. Such a request is never sent again blindly.
pub fn maybe_placed(error: &EdgeError) -> bool {
    matches!(
        error,
        EdgeError::UpstreamTimeout
            | EdgeError::Upstream {
                code: ErrorCode::UpstreamUnreachable,
                ..
            }
    )
}

/// The list query that finds a call placed from `sent_ms` on.
pub fn placed_query(sent_ms: i64) -> CallsQuery {
    CallsQuery {
        limit: callme_shared::PageLimit::new(100).unwrap_or_default(),
        offset: callme_shared::PageOffset::new(0),
        status: None,
        range: callme_shared::DateRange::new(
            Some(callme_shared::Timestamp::from_unix_millis(
                sent_ms - PLACED_SKEW_MS,
            )),
            None,
        )
        .unwrap_or_default(),
    }
}

/// The call a maybe-placed request to `phone` at `sent_ms` made, if the
/// list holds one: the newest to that number created since then.
pub fn placed_call(list: &CallList, phone: &str, sent_ms: i64) -> Option<CallId> {
    list.calls
        .iter()
        .filter(|call| call.caller_phone == phone)
        .filter(|call| call.created_at.unix_millis() >= sent_ms - PLACED_SKEW_MS)
        .max_by_key(|call| call.created_at.unix_millis())
        .map(|call| call.id.clone())
}

/// The path of `GET /calls/{id}` (ids may hold `+` and `_`).
pub fn call_path(id: &CallId) -> String {
    format!("/calls/{}", callme_shared::percent_encode(id.as_str()))
}

/// Interprets an answer to `GET /calls/{id}`: the call, or `None` when the
/// platform does not know it.
///
/// # Errors
/// 503 for 402 and 429, 502 for anything else but a readable success.
pub fn call_answer(raw: &Raw) -> Result<Option<Call>, EdgeError> {
    match raw.status {
        200..=299 => parse(raw).map(Some),
        404 => Ok(None),
        _ => Err(failure(raw)),
    }
}

/// The error every unexpected answer is: the platform's state (402, 429)
/// or a failure whose code only the log hears.
pub fn failure(raw: &Raw) -> EdgeError {
    match raw.status {
        402 => EdgeError::NoCredits,
        429 => EdgeError::Busy {
            retry_after_s: raw.rate.retry_after_s.unwrap_or(1).clamp(1, 3_600),
        },
        401 | 403 => upstream(
            ErrorCode::UpstreamError,
            raw,
            format!(
                "upstream_auth: the platform refused the key ({})",
                digest(&raw.body)
            ),
        ),
        _ => upstream(ErrorCode::UpstreamError, raw, digest(&raw.body)),
    }
}

/// Either documented error shape; only the code is kept.
#[derive(Deserialize)]
struct ErrorShape {
    error: ErrorValue,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorValue {
    Documented { code: String },
    Flat(String),
}

/// The platform's error code in either shape, when it is a plain word
/// (anything else could be text the log must not keep).
pub fn error_code(body: &str) -> Option<String> {
    let code = match serde_json::from_str::<ErrorShape>(body).ok()?.error {
        ErrorValue::Documented { code } | ErrorValue::Flat(code) => code,
    };
    (!code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'))
    .then_some(code)
}

/// The path and query of a `GET /calls`.
pub fn list_path(query: &CallsQuery) -> String {
    format!("/calls?{}", query.to_query_string())
}

/// Interprets an answer to `POST /calls/outbound`.
///
/// # Errors
/// 400 for the documented 400 (invalid destination or inactive agent), 502
/// for everything else that is not a readable success.
pub fn outbound_answer(raw: &Raw) -> Result<OutboundCallResponse, EdgeError> {
    match raw.status {
        200..=299 => {
            let answer: OutboundCallResponse = parse(raw)?;
            if answer.success {
                Ok(answer)
            } else {
                Err(upstream(
                    ErrorCode::UpstreamRefused,
                    raw,
                    "success: false".into(),
                ))
            }
        }
        400 => Err(EdgeError::UpstreamRejected),
        // To a visitor these are like any other platform failure: the
        // operator's mistake is theirs to read in the log, not the world's.
        404 => Err(upstream(
            ErrorCode::UpstreamError,
            raw,
            format!(
                "agent_not_found: the configured agent does not exist ({})",
                digest(&raw.body)
            ),
        )),
        _ => Err(failure(raw)),
    }
}

/// Interprets an answer to `GET /calls`.
///
/// # Errors
/// 503 for 402 and 429, 502 for anything but a readable success.
pub fn list_answer(raw: &Raw) -> Result<CallList, EdgeError> {
    match raw.status {
        200..=299 => parse(raw),
        _ => Err(failure(raw)),
    }
}

fn parse<T: serde::de::DeserializeOwned>(raw: &Raw) -> Result<T, EdgeError> {
    serde_json::from_str(&raw.body).map_err(|e| {
        upstream(
            ErrorCode::UpstreamMalformed,
            raw,
            format!("unreadable body: {e}"),
        )
    })
}

fn upstream(code: ErrorCode, raw: &Raw, detail: String) -> EdgeError {
    EdgeError::Upstream {
        code,
        status: Some(raw.status),
        detail,
    }
}

/// What the log may say of a platform body: its error code (a plain word),
/// its length and a hash, never its text (it may echo numbers, names or
/// the key's owner).
fn digest(body: &str) -> String {
    let hash = crate::sign::sha256_hex(body.as_bytes());
    let code = error_code(body).map_or_else(String::new, |code| format!("code {code}, "));
    format!("{code}body of {} bytes, sha256 {}", body.len(), &hash[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> Raw {
        Raw {
            status,
            body: body.into(),
            rate: RateHeaders {
                status,
                retry_after_s: Some(12),
                ..RateHeaders::default()
            },
        }
    }

    #[test]
    fn no_credits_and_a_spent_budget_are_503_whatever_the_body_says() {
        let credits = r#"{"error":{"code":"insufficient_credits","message":"Top up at https://x","param":null,"type":"billing_error"}}"#;
        for answer in [
            outbound_answer(&raw(402, credits)),
            outbound_answer(&raw(402, r#"{"error":"Insufficient credits"}"#)),
            list_answer(&raw(402, "")).map(|_| unreachable!()),
        ] {
            let error = answer.unwrap_err();
            assert_eq!(error, EdgeError::NoCredits);
            assert!(!error.body().error.message.contains("Top up"));
        }
        let busy = outbound_answer(&raw(
            429,
            r#"{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"#,
        ))
        .unwrap_err();
        assert_eq!(busy, EdgeError::Busy { retry_after_s: 12 });
        assert_eq!(busy.retry_after(), Some(12));
    }

    #[test]
    fn both_error_shapes_give_their_code_to_the_log_and_nothing_else() {
        assert_eq!(
            error_code(r#"{"error":{"code":"missing_field","message":"destination","param":"destination","type":"x"}}"#).as_deref(),
            Some("missing_field")
        );
        assert_eq!(
            error_code(r#"{"error":"unauthorized","message":"no"}"#).as_deref(),
            Some("unauthorized")
        );
        for text in [
            r#"{"error":"Agent +31612345678 not found"}"#,
            r#"{"error":{"code":"<script>"}}"#,
            r#"{"detail":"x"}"#,
            "<html>",
        ] {
            assert_eq!(error_code(text), None, "{text}");
        }
        let error = outbound_answer(&raw(
            500,
            r#"{"error":{"code":"internal_error","message":"db at 10.0.0.1 down"}}"#,
        ))
        .unwrap_err();
        let detail = error.log_detail().unwrap();
        assert!(
            detail.contains("code internal_error") && !detail.contains("10.0.0.1"),
            "{detail}"
        );
    }

    #[test]
    fn a_maybe_placed_call_is_the_newest_to_its_number_since_the_request() {
        let list: CallList = serde_json::from_value(serde_json::json!({
            "calls": [
                {"id": "old", "caller_phone": "+31612345678", "status": "ended", "created_at": "2025-12-13T09:00:00.000Z", "updated_at": "2025-12-13T09:00:00.000Z"},
                {"id": "other", "caller_phone": "+31687654321", "status": "dialing", "created_at": "2025-12-13T10:00:01.000Z", "updated_at": "2025-12-13T10:00:01.000Z"},
                {"id": "mine", "caller_phone": "+31612345678", "status": "dialing", "created_at": "2025-12-13T10:00:00.500Z", "updated_at": "2025-12-13T10:00:00.500Z"}
            ],
            "pagination": {"total": 3, "limit": 100, "offset": 0}
        }))
        .unwrap();
        let sent = 1_765_620_000_000; // 10:00:00
        assert_eq!(
            placed_call(&list, "+31612345678", sent).unwrap().as_str(),
            "mine"
        );
        assert_eq!(placed_call(&list, "+31600000000", sent), None);
        assert_eq!(placed_call(&list, "+31612345678", sent + 60_000), None);
        assert!(maybe_placed(&EdgeError::UpstreamTimeout));
        assert!(!maybe_placed(&EdgeError::UpstreamRejected));
        assert!(!maybe_placed(&EdgeError::NoCredits));
    }

    #[test]
    fn one_call_is_read_or_unknown() {
        let body = r#"{"id":"call-_+31612345678_a","caller_phone":"+31612345678","status":"ringing","created_at":"2025-12-13T09:59:55.000Z","updated_at":"2025-12-13T09:59:55.000Z"}"#;
        let call = call_answer(&raw(200, body)).unwrap().unwrap();
        assert_eq!(call.status.as_str(), "ringing");
        assert_eq!(call_answer(&raw(404, "")).unwrap(), None);
        assert_eq!(call_path(&call.id), "/calls/call-_%2B31612345678_a");
    }

    #[test]
    fn a_documented_success_is_read() {
        let answer = outbound_answer(&raw(200, r#"{"success":true,"call_id":"call-outbound-abc123","room_name":"r","status":"dialing"}"#)).unwrap();
        assert_eq!(answer.call_id.as_str(), "call-outbound-abc123");
    }

    #[test]
    fn each_upstream_failure_maps_to_a_clear_error() {
        let cases = [
            (
                raw(400, "Invalid destination format"),
                400,
                "upstream_rejected",
            ),
            (
                raw(404, "{\"detail\":\"Agent not found\"}"),
                502,
                "upstream_error",
            ),
            (raw(401, ""), 502, "upstream_error"),
            (raw(500, "<html>boom</html>"), 502, "upstream_error"),
            (raw(503, ""), 502, "upstream_error"),
            (
                raw(200, "{\"calls\": [{\"id\": \"call-"),
                502,
                "upstream_malformed",
            ),
            (
                raw(200, r#"{"success":false,"call_id":"c","status":"failed"}"#),
                502,
                "upstream_refused",
            ),
        ];
        for (raw, status, code) in cases {
            let error = outbound_answer(&raw).unwrap_err();
            assert_eq!(
                (error.status(), error.body().error.code.as_str()),
                (status, code),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn the_log_gets_a_platform_body_by_length_and_hash_only() {
        let body = "{\"detail\":\"no agent for +31612345678 of Ada\"}";
        for error in [
            outbound_answer(&raw(404, body)).unwrap_err(),
            outbound_answer(&raw(500, body)).unwrap_err(),
            list_answer(&raw(403, body)).unwrap_err(),
        ] {
            let detail = error.log_detail().unwrap_or_default();
            assert!(
                !detail.contains("+3161") && !detail.contains("Ada"),
                "{detail}"
            );
            assert!(
                detail.contains(&format!("body of {} bytes", body.len())),
                "{detail}"
            );
            assert_eq!(error.body().error.code, "upstream_error");
        }
    }

    #[test]
    fn a_malformed_list_is_502() {
        let error = list_answer(&raw(200, "{\"calls\": [")).unwrap_err();
        assert_eq!(error.status(), 502);
        assert!(
            list_answer(&raw(
                200,
                r#"{"calls":[],"pagination":{"total":0,"limit":100,"offset":0}}"#
            ))
            .is_ok()
        );
    }
}
