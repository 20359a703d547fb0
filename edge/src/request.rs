//! Checks on an incoming request before its body is trusted: size, type,
//! JSON shape, then the shared rules.

use callme_shared::{CallbackRequest, CallbackRequestError, CallbackRequestWire};

use crate::error::EdgeError;
use crate::sign::sha256_hex;

/// The largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024;

/// Refuses a declared length over the limit before reading anything.
///
/// # Errors
/// 413 when `Content-Length` says more than [`MAX_BODY_BYTES`].
pub fn check_declared_length(content_length: Option<&str>) -> Result<(), EdgeError> {
    match content_length.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > MAX_BODY_BYTES as u64 => Err(EdgeError::TooLarge(MAX_BODY_BYTES)),
        _ => Ok(()),
    }
}

/// Requires `application/json` (parameters such as `charset` allowed).
///
/// # Errors
/// 415 otherwise.
pub fn check_json_type(content_type: Option<&str>) -> Result<(), EdgeError> {
    let media = content_type
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media.as_deref() == Some("application/json") {
        Ok(())
    } else {
        Err(EdgeError::UnsupportedMediaType)
    }
}

/// Parses a callback body: JSON of the right shape, then every shared rule.
///
/// # Errors
/// 413 for a body over the limit (a body sent without a length), 400 for
/// bad JSON or a broken rule, with the field.
pub fn parse_callback(body: &[u8]) -> Result<CallbackRequest, EdgeError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(EdgeError::TooLarge(MAX_BODY_BYTES));
    }
    let wire: CallbackRequestWire =
        serde_json::from_slice(body).map_err(|e| EdgeError::BadJson(e.to_string()))?;
    CallbackRequest::try_from(wire).map_err(|e: CallbackRequestError| EdgeError::invalid(&e))
}

/// What identifies a callback request for idempotency: everything but the
/// one-use bot-check token, so a retry with a fresh token is the same request.
pub fn fingerprint(request: &CallbackRequest) -> String {
    let mut stable = request.clone();
    stable.turnstile_token = None;
    sha256_hex(&serde_json::to_vec(&stable).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_is_accepted() {
        assert!(check_json_type(Some("application/json")).is_ok());
        assert!(check_json_type(Some("Application/JSON; charset=utf-8")).is_ok());
        for bad in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
        ] {
            assert_eq!(
                check_json_type(bad),
                Err(EdgeError::UnsupportedMediaType),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_oversized_body_is_refused_by_length_or_by_size() {
        assert!(check_declared_length(Some("8192")).is_ok());
        assert_eq!(
            check_declared_length(Some("8193")),
            Err(EdgeError::TooLarge(8192))
        );
        let big = vec![b' '; 8193];
        assert_eq!(parse_callback(&big).unwrap_err().status(), 413);
    }

    #[test]
    fn bad_json_and_broken_rules_are_400_with_the_field() {
        assert_eq!(
            parse_callback(b"{").unwrap_err().body().error.code,
            "invalid_json"
        );
        assert_eq!(parse_callback(b"[]").unwrap_err().status(), 400);
        let error = parse_callback(br#"{"phone":"+31 6"}"#).unwrap_err();
        assert_eq!(error.body().error.field.as_deref(), Some("phone"));
        let error =
            parse_callback(br#"{"phone":"+31612345678","first_message":"hi"}"#).unwrap_err();
        assert_eq!(error.body().error.code, "invalid_json");
    }

    #[test]
    fn a_fresh_bot_token_does_not_change_the_fingerprint() {
        let a = parse_callback(br#"{"phone":"+31612345678","turnstile_token":"one"}"#).unwrap();
        let b = parse_callback(br#"{"phone":"+31612345678","turnstile_token":"two"}"#).unwrap();
        let c = parse_callback(br#"{"phone":"+31612345679"}"#).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
}
