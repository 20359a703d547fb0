//! `WidgetError`: every way a request to the edge can fail, as the widget
//! tells it to the visitor.

use callme_shared::{ErrorBody, ErrorCode};

use crate::i18n::{Lang, Msg, error_text, rate_limited, t};

/// A failed request to the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetError {
    /// The edge refused a field (400/403 with `field`): shown under it.
    Field {
        /// The input it belongs to (`phone`, `consent`, ...).
        field: String,
        /// The edge's code, when this build knows it.
        code: Option<ErrorCode>,
        /// The edge's English message, used when the widget has no words.
        message: String,
    },
    /// The widget's own check of a field, already in the visitor's words
    /// (the request was not sent).
    Invalid {
        /// The input it belongs to.
        field: &'static str,
        /// The shared rule's code.
        code: ErrorCode,
        /// What to change.
        text: String,
    },
    /// 429.
    RateLimited {
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// 401: the token or ticket is not accepted.
    Unauthorized,
    /// Another refusal with a code (403 origin, 502 upstream, ...).
    Refused {
        /// HTTP status.
        status: u16,
        /// The edge's code, when this build knows it.
        code: Option<ErrorCode>,
        /// The edge's English message.
        message: String,
    },
    /// No answer at all: offline, DNS, CORS.
    Network,
    /// An answer that is not what the edge sends.
    Unreadable {
        /// HTTP status.
        status: u16,
    },
}

impl WidgetError {
    /// Reads an error answer of the edge.
    pub fn from_answer(status: u16, body: Option<ErrorBody>, retry_after: Option<u64>) -> Self {
        let Some(body) = body else {
            return Self::Unreadable { status };
        };
        let code = body.error.known_code();
        let detail = body.error;
        match (status, detail.field) {
            (429, _) => Self::RateLimited {
                retry_after_s: retry_after.unwrap_or(60),
            },
            (401, _) => Self::Unauthorized,
            (400 | 403, Some(field)) => Self::Field {
                field,
                code,
                message: detail.message,
            },
            _ => Self::Refused {
                status,
                code,
                message: detail.message,
            },
        }
    }

    /// The field this error belongs under, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Field { field, .. } => Some(field),
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The visitor's words for it.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            // A code newer than this build: the edge's own (English) words.
            Self::Field { code, message, .. } | Self::Refused { code, message, .. } => {
                code.map_or_else(|| message.clone(), |code| error_text(lang, code).to_owned())
            }
            Self::Invalid { text, .. } => text.clone(),
            Self::RateLimited { retry_after_s } => rate_limited(lang, *retry_after_s),
            Self::Unauthorized => t(lang, Msg::Unauthorized).to_owned(),
            Self::Network => t(lang, Msg::Network).to_owned(),
            Self::Unreadable { .. } => t(lang, Msg::ServerError).to_owned(),
        }
    }

    /// The code the host page is told in `callme:error`: the edge's (or the
    /// shared rules') code, or one of the widget's own for what has none:
    /// `rate_limited`, `unauthorized`, `network`, `unreadable`, and
    /// `unknown` for an edge code newer than this build.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Field { code, .. } | Self::Refused { code, .. } => {
                code.map_or("unknown", ErrorCode::as_str)
            }
            Self::Invalid { code, .. } => code.as_str(),
            Self::RateLimited { .. } => ErrorCode::RateLimited.as_str(),
            Self::Unauthorized => "unauthorized",
            Self::Network => "network",
            Self::Unreadable { .. } => "unreadable",
        }
    }

    /// Whether trying the same request again may succeed (and should reuse
    /// its idempotency key).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Network
                | Self::Unreadable { .. }
                | Self::Refused {
                    status: 500..=599,
                    ..
                }
        )
    }

    /// Whether the slot asked for was taken meanwhile (booked full, or no
    /// longer offered): the form then offers what is left.
    pub fn is_slot_taken(&self) -> bool {
        matches!(
            self,
            Self::Field {
                code: Some(ErrorCode::SlotFull | ErrorCode::SlotUnavailable),
                ..
            } | Self::Refused {
                code: Some(ErrorCode::SlotFull | ErrorCode::SlotUnavailable),
                ..
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str, field: Option<&str>) -> Option<ErrorBody> {
        let mut body = ErrorBody::new(ErrorCode::Internal, "English words");
        body.error.code = code.to_owned();
        body.error.field = field.map(str::to_owned);
        Some(body)
    }

    #[test]
    fn a_field_error_goes_under_its_field_in_the_visitors_language() {
        let error = WidgetError::from_answer(403, body("country_not_allowed", Some("phone")), None);
        assert_eq!(error.field(), Some("phone"));
        assert_eq!(
            error.text(Lang::Nl),
            "Wij kunnen geen nummers in dit land bellen."
        );
    }

    #[test]
    fn an_unknown_code_falls_back_to_the_edges_words() {
        let error = WidgetError::from_answer(400, body("something_new", Some("note")), None);
        assert_eq!(error.text(Lang::Nl), "English words");
    }

    #[test]
    fn a_429_says_how_long_to_wait() {
        let error = WidgetError::from_answer(429, body("rate_limited", None), Some(120));
        assert_eq!(
            error.text(Lang::En),
            "Too many requests. Try again in 2 minutes."
        );
        assert!(!error.is_retryable());
    }

    #[test]
    fn the_host_page_is_told_codes_only() {
        let refused =
            WidgetError::from_answer(403, body("country_not_allowed", Some("phone")), None);
        assert_eq!(
            (refused.code(), refused.field()),
            ("country_not_allowed", Some("phone"))
        );
        let newer = WidgetError::from_answer(400, body("something_new", None), None);
        assert_eq!(newer.code(), "unknown");
        assert_eq!(WidgetError::Network.code(), "network");
        assert_eq!(
            WidgetError::from_answer(429, body("rate_limited", None), Some(3)).code(),
            "rate_limited"
        );
    }

    #[test]
    fn server_and_network_trouble_is_retryable() {
        assert!(WidgetError::Network.is_retryable());
        assert!(WidgetError::from_answer(502, body("upstream_error", None), None).is_retryable());
        assert!(WidgetError::from_answer(500, None, None).is_retryable());
        assert!(
            !WidgetError::from_answer(403, body("origin_not_allowed", None), None).is_retryable()
        );
    }

    #[test]
    fn a_slot_taken_meanwhile_is_told_by_the_edges_code_only() {
        for (status, code, field, taken) in [
            (409, "slot_full", None, true),
            (400, "slot_unavailable", Some("at"), true),
            (409, "not_cancellable", None, false),
            (400, "something_new", Some("at"), false),
        ] {
            let error = WidgetError::from_answer(status, body(code, field), None);
            assert_eq!(error.is_slot_taken(), taken, "{code}");
        }
        let own = WidgetError::Invalid {
            field: "at",
            code: ErrorCode::SlotUnavailable,
            text: String::new(),
        };
        assert!(!own.is_slot_taken(), "the form's own check reloads nothing");
    }
}
