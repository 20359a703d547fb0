//! The error body of the edge API and the trait every validation error shares.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// A validation error that knows its stable machine code and the input field
/// it belongs to.
///
/// The `Display` text is the human message (English); clients translate by
/// `code`, so codes never change once shipped.
pub trait FieldError: std::error::Error {
    /// A stable, machine-readable code such as `phone_missing_plus`.
    fn code(&self) -> ErrorCode;
    /// The request field the error belongs to, when there is one.
    fn field(&self) -> Option<&'static str>;
}

/// The body of every error answer of the edge:
/// `{"error": {"code": "...", "message": "...", "field": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `invalid_phone`: an [`ErrorCode`]'s wire
    /// name, kept as text so that a code newer than the reader still reads.
    pub code: String,
    /// Human-readable English message.
    pub message: String,
    /// The request field at fault; absent for errors that are not about one field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `closed`: when the site opens next (RFC 3339, the site's offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_open: Option<String>,
}

impl ErrorBody {
    /// Builds a body from a code and message, with no field.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.as_str().to_owned(),
                message: message.into(),
                field: None,
                next_open: None,
            },
        }
    }

    /// Builds the body for a validation error, keeping its code, words and field.
    pub fn from_field_error(error: &dyn FieldError) -> Self {
        Self {
            error: ErrorDetail {
                code: error.code().as_str().to_owned(),
                message: error.to_string(),
                field: error.field().map(str::to_owned),
                next_open: None,
            },
        }
    }
}

impl ErrorDetail {
    /// The code, when this build knows it.
    pub fn known_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_wire(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PhoneNumber;

    #[test]
    fn a_field_error_keeps_its_code_message_and_field() {
        let error = PhoneNumber::parse("0612345678").unwrap_err();
        let body = ErrorBody::from_field_error(&error);
        assert_eq!(body.error.code, "phone_missing_plus");
        assert_eq!(body.error.field.as_deref(), Some("phone"));
        assert_eq!(body.error.message, error.to_string());
    }

    #[test]
    fn a_body_without_field_omits_the_key() {
        let json =
            serde_json::to_string(&ErrorBody::new(ErrorCode::RateLimited, "Slow down")).unwrap();
        assert_eq!(
            json,
            r#"{"error":{"code":"rate_limited","message":"Slow down"}}"#
        );
    }
}
