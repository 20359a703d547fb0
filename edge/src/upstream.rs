//! Reading the platform's answers. Its error bodies are undocumented, so
//! only the status is trusted; a 2xx body must parse as the documented
//! shape or the answer counts as malformed (502).

use callme_shared::{CallList, CallsQuery, ErrorCode, OutboundCallResponse};

use crate::error::EdgeError;

/// The platform's answer before interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// HTTP status.
    pub status: u16,
    /// Body text.
    pub body: String,
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
        401 | 403 => Err(upstream(
            ErrorCode::UpstreamError,
            raw,
            format!(
                "upstream_auth: the platform refused the key ({})",
                digest(&raw.body)
            ),
        )),
        _ => Err(upstream(ErrorCode::UpstreamError, raw, digest(&raw.body))),
    }
}

/// Interprets an answer to `GET /calls`.
///
/// # Errors
/// 502 for anything but a readable success.
pub fn list_answer(raw: &Raw) -> Result<CallList, EdgeError> {
    match raw.status {
        200..=299 => parse(raw),
        401 | 403 => Err(upstream(
            ErrorCode::UpstreamError,
            raw,
            format!(
                "upstream_auth: the platform refused the key ({})",
                digest(&raw.body)
            ),
        )),
        _ => Err(upstream(ErrorCode::UpstreamError, raw, digest(&raw.body))),
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

/// What the log may say of a platform body: its length and a hash, never
/// its text (it may echo numbers, names or the key's owner).
fn digest(body: &str) -> String {
    let hash = crate::sign::sha256_hex(body.as_bytes());
    format!("body of {} bytes, sha256 {}", body.len(), &hash[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> Raw {
        Raw {
            status,
            body: body.into(),
        }
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
