//! `EdgeError`: every way a request can fail, and the one place that turns
//! each into a status and the documented error body.

use callme_shared::{ErrorBody, ErrorCode, FieldError};

use crate::config::ConfigError;
use crate::limits::LimitKind;
use crate::policy::PolicyError;

/// The words of `upstream_timeout`, whether or not the call may be placed.
const UPSTREAM_TIMEOUT: &str = "The voice platform did not answer in time.";

/// The words of a 404 for a path that is no route.
pub const NO_SUCH_ENDPOINT: &str = "No such endpoint.";

/// Seconds a client is asked to wait when a Durable Object (the Guard or
/// the Scheduler) is unavailable: one that failed is restarted within
/// moments.
pub const OBJECT_RETRY_AFTER_S: u64 = 5;

/// Every failure the edge answers. Variants for the client carry the words
/// the client sees; internal ones carry detail for the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdgeError {
    /// 400: a field or query parameter breaks a rule.
    #[error("{message}")]
    Invalid {
        /// Stable code.
        code: ErrorCode,
        /// Human message.
        message: String,
        /// The field at fault.
        field: Option<&'static str>,
    },
    /// 400: the body is not the JSON this endpoint takes.
    #[error("The request body is not valid JSON for this endpoint: {0}")]
    BadJson(String),
    /// 401: no token or ticket, or a bad one.
    #[error("{message}")]
    Unauthorized {
        /// Stable code.
        code: ErrorCode,
        /// Human message.
        message: &'static str,
    },
    /// 403: origin, country, number type, consent or bot check.
    #[error("{message}")]
    Forbidden {
        /// Stable code.
        code: ErrorCode,
        /// Human message.
        message: String,
        /// The field at fault.
        field: Option<&'static str>,
    },
    /// 404: no such route.
    #[error("{0}")]
    NotFound(&'static str),
    /// 404: the ticket is valid but the platform never listed the call.
    #[error("The platform does not know this call.")]
    CallNotFound,
    /// 405, with the methods the route takes.
    #[error("This method is not allowed here.")]
    MethodNotAllowed(&'static str),
    /// 409: a callback now while the site is closed; when it opens next.
    #[error("{}", callme_shared::words::CLOSED)]
    Closed {
        /// RFC 3339 with the site's offset, if it opens within weeks.
        next_open: Option<String>,
    },
    /// 409: the request conflicts with a booking's state (`slot_full`,
    /// `not_cancellable`).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: ErrorCode,
        /// Human message.
        message: &'static str,
    },
    /// 409: the same idempotency key is still being processed.
    #[error("A request with this Idempotency-Key is still being processed; retry in a moment.")]
    IdempotencyInProgress,
    /// 413: the body exceeds the limit.
    #[error("The request body is larger than {0} bytes.")]
    TooLarge(usize),
    /// 415: not `application/json`.
    #[error("Send the body as application/json.")]
    UnsupportedMediaType,
    /// 422: an idempotency key reused with a different body.
    #[error("This Idempotency-Key was used with a different request.")]
    IdempotencyConflict,
    /// 429, with seconds to wait.
    #[error("Too many callback requests. Try again in {retry_after_s} seconds.")]
    RateLimited {
        /// Seconds until a retry can succeed.
        retry_after_s: u64,
        /// Which limit (for the log).
        limit: LimitKind,
    },
    /// 502: the platform answered with an error or something unreadable.
    #[error("The voice platform answered badly.")]
    Upstream {
        /// Client-facing code (`upstream_error`, `agent_not_found`, ...).
        code: ErrorCode,
        /// The platform's status, if it answered.
        status: Option<u16>,
        /// Detail for the log.
        detail: String,
    },
    /// 400: the platform refused the destination or agent.
    #[error("The voice platform refused this number or agent.")]
    UpstreamRejected,
    /// 504: the platform did not answer in time.
    #[error("{UPSTREAM_TIMEOUT}")]
    UpstreamTimeout,
    /// 504: an outbound request timed out or broke after it may have been
    /// sent, and the call is not in the platform's list (yet): the
    /// idempotency key keeps when it was sent, so a retry looks again
    /// instead of placing a second call.
    #[error("{UPSTREAM_TIMEOUT}")]
    MaybePlaced {
        /// When the request was sent (Unix ms).
        sent_ms: i64,
    },
    /// 500: configuration is unusable (detail for the log, never values).
    #[error("The service is not configured correctly.")]
    Config(#[from] ConfigError),
    /// 503: a Durable Object (the Guard: limits and idempotency; the
    /// Scheduler: bookings) cannot be reached or cannot store; nothing is
    /// placed or booked without it (detail for the log).
    #[error("The service is busy. Try again in a moment.")]
    ObjectUnavailable(String),
    /// 503: the platform key's budget is spent for now; nothing was counted
    /// or placed, and `Retry-After` says when to try again.
    #[error("We are very busy right now. Try again in a moment.")]
    Busy {
        /// Seconds until the budget has room.
        retry_after_s: u64,
    },
    /// 503: the platform has no credits left (the operator's log says so;
    /// the visitor hears only that the service is unavailable).
    #[error("The service is unavailable right now. Try again later.")]
    NoCredits,
    /// 401: a platform event whose signature does not hold (detail for the
    /// log).
    #[error("The event's signature does not hold.")]
    WebhookSignature(String),
    /// 403: a portal token without the scope this endpoint needs.
    #[error("The portal token does not grant {0}.")]
    TokenScope(&'static str),
    /// 500: anything else (detail for the log).
    #[error("Internal error.")]
    Internal(String),
}

impl EdgeError {
    /// A 400 from a shared validation error, with its code, words and field.
    pub fn invalid(error: &dyn FieldError) -> Self {
        Self::Invalid {
            code: error.code(),
            message: error.to_string(),
            field: error.field(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } | Self::BadJson(_) | Self::UpstreamRejected => 400,
            Self::Unauthorized { .. } | Self::WebhookSignature(_) => 401,
            Self::Forbidden { .. } | Self::TokenScope(_) => 403,
            Self::NotFound(_) | Self::CallNotFound => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::IdempotencyInProgress | Self::Closed { .. } | Self::Conflict { .. } => 409,
            Self::TooLarge(_) => 413,
            Self::UnsupportedMediaType => 415,
            Self::IdempotencyConflict => 422,
            Self::RateLimited { .. } => 429,
            Self::Upstream { .. } => 502,
            Self::ObjectUnavailable(_) | Self::Busy { .. } | Self::NoCredits => 503,
            Self::UpstreamTimeout | Self::MaybePlaced { .. } => 504,
            Self::Config(_) | Self::Internal(_) => 500,
        }
    }

    /// The documented error body. Internal variants say little; the log
    /// line says the rest.
    pub fn body(&self) -> ErrorBody {
        let (code, field) = match self {
            Self::Invalid { code, field, .. } | Self::Forbidden { code, field, .. } => {
                (*code, *field)
            }
            Self::BadJson(_) => (ErrorCode::InvalidJson, None),
            Self::Unauthorized { code, .. } => (*code, None),
            Self::NotFound(_) => (ErrorCode::NotFound, None),
            Self::CallNotFound => (ErrorCode::CallNotFound, None),
            Self::MethodNotAllowed(_) => (ErrorCode::MethodNotAllowed, None),
            Self::IdempotencyInProgress => (ErrorCode::IdempotencyInProgress, None),
            Self::Closed { .. } => (ErrorCode::Closed, None),
            Self::Conflict { code, .. } => (*code, None),
            Self::TooLarge(_) => (ErrorCode::BodyTooLarge, None),
            Self::UnsupportedMediaType => (ErrorCode::UnsupportedMediaType, None),
            Self::IdempotencyConflict => (ErrorCode::IdempotencyConflict, None),
            Self::RateLimited { .. } => (ErrorCode::RateLimited, None),
            Self::Upstream { code, .. } => (*code, None),
            Self::UpstreamRejected => (ErrorCode::UpstreamRejected, Some("phone")),
            Self::UpstreamTimeout | Self::MaybePlaced { .. } => (ErrorCode::UpstreamTimeout, None),
            Self::Config(_) => (ErrorCode::Misconfigured, None),
            Self::ObjectUnavailable(_) | Self::NoCredits => (ErrorCode::Unavailable, None),
            Self::Busy { .. } => (ErrorCode::Busy, None),
            Self::WebhookSignature(_) => (ErrorCode::WebhookSignature, None),
            Self::TokenScope(_) => (ErrorCode::TokenScope, None),
            Self::Internal(_) => (ErrorCode::Internal, None),
        };
        let mut body = ErrorBody::new(code, self.to_string());
        body.error.field = field.map(str::to_owned);
        if let Self::Closed { next_open } = self {
            body.error.next_open.clone_from(next_open);
        }
        body
    }

    /// `Retry-After` seconds, for 429 and 503.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_s, .. } | Self::Busy { retry_after_s } => {
                Some(*retry_after_s)
            }
            Self::ObjectUnavailable(_) => Some(OBJECT_RETRY_AFTER_S),
            _ => None,
        }
    }

    /// `Allow`, for 405.
    pub fn allow(&self) -> Option<&'static str> {
        match self {
            Self::MethodNotAllowed(allow) => Some(allow),
            _ => None,
        }
    }

    /// What the log line says beyond the client's message.
    pub fn log_detail(&self) -> Option<String> {
        match self {
            Self::Upstream { status, detail, .. } => {
                Some(format!("upstream status {status:?}: {detail}"))
            }
            Self::Config(error) => Some(error.to_string()),
            Self::Internal(detail) | Self::ObjectUnavailable(detail) => Some(detail.clone()),
            Self::RateLimited { limit, .. } => Some(format!("limit {}", limit.name())),
            Self::Busy { .. } => Some("platform budget spent".into()),
            Self::NoCredits => Some("credits: the platform has no credits left (402)".into()),
            Self::WebhookSignature(detail) => Some(detail.clone()),
            Self::MaybePlaced { sent_ms } => Some(format!(
                "outbound sent at {sent_ms} may have placed the call; not in the list"
            )),
            _ => None,
        }
    }

    /// A 403 from a number-policy refusal (400 for a number that does not exist).
    pub fn from_policy(error: &PolicyError) -> Self {
        match error {
            PolicyError::InvalidNumber => Self::Invalid {
                code: error.code(),
                message: error.to_string(),
                field: Some("phone"),
            },
            _ => Self::Forbidden {
                code: error.code(),
                message: error.to_string(),
                field: Some("phone"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callme_shared::PhoneNumber;

    #[test]
    fn a_validation_error_keeps_its_shared_words() {
        let shared = PhoneNumber::parse("0612").unwrap_err();
        let error = EdgeError::invalid(&shared);
        assert_eq!(error.status(), 400);
        let body = error.body();
        assert_eq!(body.error.code, "phone_missing_plus");
        assert_eq!(body.error.message, shared.to_string());
        assert_eq!(body.error.field.as_deref(), Some("phone"));
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let error = EdgeError::Internal("storage exploded at 0xdeadbeef".into());
        assert_eq!(error.status(), 500);
        assert!(
            !serde_json::to_string(&error.body())
                .unwrap()
                .contains("deadbeef")
        );
        assert!(error.log_detail().unwrap().contains("deadbeef"));
        let error = EdgeError::Upstream {
            code: ErrorCode::UpstreamError,
            status: Some(500),
            detail: "stack trace".into(),
        };
        assert!(
            !serde_json::to_string(&error.body())
                .unwrap()
                .contains("stack")
        );
    }

    #[test]
    fn a_failing_guard_asks_for_a_retry_and_keeps_its_words_for_the_log() {
        let error = EdgeError::ObjectUnavailable("guard answered 500: SQLITE_FULL".into());
        assert_eq!(error.status(), 503);
        assert_eq!(error.retry_after(), Some(OBJECT_RETRY_AFTER_S));
        let body = serde_json::to_string(&error.body()).unwrap();
        assert!(body.contains("\"unavailable\"") && !body.contains("SQLITE"));
        assert!(error.log_detail().unwrap().contains("SQLITE_FULL"));
    }

    /// One error of every variant, each with the status and code the
    /// README documents. The `match` has no wildcard: a new variant does
    /// not compile until it is listed here with its documented answer.
    fn documented(error: &EdgeError) -> (u16, &'static str) {
        match error {
            EdgeError::Invalid { .. } => (400, "phone_missing_plus"),
            EdgeError::BadJson(_) => (400, "invalid_json"),
            EdgeError::Unauthorized { .. } => (401, "token_missing"),
            EdgeError::Forbidden { .. } => (403, "origin_not_allowed"),
            EdgeError::NotFound(_) => (404, "not_found"),
            EdgeError::CallNotFound => (404, "call_not_found"),
            EdgeError::MethodNotAllowed(_) => (405, "method_not_allowed"),
            EdgeError::IdempotencyInProgress => (409, "idempotency_in_progress"),
            EdgeError::Closed { .. } => (409, "closed"),
            EdgeError::Conflict { .. } => (409, "slot_full"),
            EdgeError::TooLarge(_) => (413, "body_too_large"),
            EdgeError::UnsupportedMediaType => (415, "unsupported_media_type"),
            EdgeError::IdempotencyConflict => (422, "idempotency_conflict"),
            EdgeError::RateLimited { .. } => (429, "rate_limited"),
            EdgeError::Upstream { .. } => (502, "upstream_error"),
            EdgeError::UpstreamRejected => (400, "upstream_rejected"),
            EdgeError::UpstreamTimeout => (504, "upstream_timeout"),
            EdgeError::MaybePlaced { .. } => (504, "upstream_timeout"),
            EdgeError::Config(_) => (500, "misconfigured"),
            EdgeError::ObjectUnavailable(_) => (503, "unavailable"),
            EdgeError::Busy { .. } => (503, "busy"),
            EdgeError::NoCredits => (503, "unavailable"),
            EdgeError::WebhookSignature(_) => (401, "webhook_signature"),
            EdgeError::TokenScope(_) => (403, "token_scope"),
            EdgeError::Internal(_) => (500, "internal"),
        }
    }

    #[test]
    fn every_variant_answers_its_documented_status_and_code() {
        let errors = [
            EdgeError::invalid(&PhoneNumber::parse("0612").unwrap_err()),
            EdgeError::BadJson("x".into()),
            EdgeError::Unauthorized {
                code: ErrorCode::TokenMissing,
                message: "m",
            },
            EdgeError::Forbidden {
                code: ErrorCode::OriginNotAllowed,
                message: "m".into(),
                field: None,
            },
            EdgeError::NotFound("m"),
            EdgeError::CallNotFound,
            EdgeError::MethodNotAllowed("GET"),
            EdgeError::IdempotencyInProgress,
            EdgeError::Closed {
                next_open: Some("2026-11-25T09:00:00+01:00".into()),
            },
            EdgeError::Conflict {
                code: ErrorCode::SlotFull,
                message: "m",
            },
            EdgeError::TooLarge(8192),
            EdgeError::UnsupportedMediaType,
            EdgeError::IdempotencyConflict,
            EdgeError::RateLimited {
                retry_after_s: 5,
                limit: LimitKind::Client,
            },
            EdgeError::Upstream {
                code: ErrorCode::UpstreamError,
                status: None,
                detail: String::new(),
            },
            EdgeError::UpstreamRejected,
            EdgeError::UpstreamTimeout,
            EdgeError::MaybePlaced { sent_ms: 1 },
            EdgeError::Config(ConfigError::Missing("TICKET_SECRET")),
            EdgeError::ObjectUnavailable(String::new()),
            EdgeError::Busy { retry_after_s: 3 },
            EdgeError::NoCredits,
            EdgeError::WebhookSignature("stale".into()),
            EdgeError::TokenScope("calls:erase"),
            EdgeError::Internal(String::new()),
        ];
        for error in &errors {
            let (status, code) = documented(error);
            assert_eq!(error.status(), status, "{error:?}");
            assert_eq!(error.body().error.code, code, "{error:?}");
        }
        // Each variant once: the list above is the whole enum.
        let mut codes: Vec<(u16, &str)> = errors.iter().map(documented).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 23);
        assert_eq!(errors[13].retry_after(), Some(5));
        assert_eq!(
            errors[8].body().error.next_open.as_deref(),
            Some("2026-11-25T09:00:00+01:00")
        );
        assert_eq!(errors[6].allow(), Some("GET"));
    }
}
