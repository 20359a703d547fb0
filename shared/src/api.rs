//! The edge's own API types: what the widget sends and receives.

use serde::{Deserialize, Serialize};

use crate::call::STATUS_NAMES;
use crate::{
    AgentAlias, AgentAliasError, CallId, CallStatus, CountryCode, ErrorCode, FieldError, Locale,
    LocaleError, PhoneError, PhoneNumber, TextError, Timestamp, TimestampError, VisitorName,
    VisitorNote,
};

/// The longest Turnstile token accepted (Cloudflare's documented maximum).
pub const TURNSTILE_TOKEN_MAX_CHARS: usize = 2_048;

/// `POST /api/callback` as it arrives: loose types, no rules yet. Unknown
/// fields are refused, so a visitor who tries `first_message`, `agent_id` or
/// `context` is told so instead of silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackRequestWire {
    /// The number to call, E.164.
    pub phone: Option<String>,
    /// Whether the visitor agreed to be called.
    pub consent: Option<bool>,
    /// Agent alias; the first configured agent when absent.
    pub agent: Option<String>,
    /// The visitor's name.
    pub name: Option<String>,
    /// The visitor's note.
    pub note: Option<String>,
    /// The visitor's language.
    pub locale: Option<String>,
    /// The Turnstile token, where the edge requires one.
    pub turnstile_token: Option<String>,
    /// A slot to be called at (RFC 3339, from `GET /api/slots`); absent:
    /// now.
    pub at: Option<String>,
}

/// A callback request that has passed every syntax rule. Policy (allowed
/// countries, number type, consent requirement, rate limits) is the edge's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CallbackRequestWire")]
pub struct CallbackRequest {
    /// The number to call.
    pub phone: PhoneNumber,
    /// Whether the visitor ticked the consent box.
    pub consent: bool,
    /// The agent alias asked for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentAlias>,
    /// The visitor's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<VisitorName>,
    /// The visitor's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<VisitorNote>,
    /// The visitor's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    /// The Turnstile token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turnstile_token: Option<String>,
    /// The slot asked for; `None` for a call now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
}

/// Why a callback request was refused before any policy ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackRequestError {
    /// No `phone` field.
    #[error("{}", crate::words::PHONE_EMPTY)]
    MissingPhone,
    /// The phone number breaks an E.164 rule.
    #[error(transparent)]
    Phone(#[from] PhoneError),
    /// The agent alias is malformed.
    #[error(transparent)]
    Agent(#[from] AgentAliasError),
    /// The name or note breaks a text rule.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The locale is malformed.
    #[error(transparent)]
    Locale(#[from] LocaleError),
    /// The Turnstile token is empty or longer than Cloudflare issues.
    #[error("The bot check token is malformed.")]
    TurnstileToken,
    /// `at` is not an RFC 3339 time.
    #[error("The time asked for is not a time: {0}")]
    At(TimestampError),
}

impl FieldError for CallbackRequestError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::MissingPhone => ErrorCode::PhoneMissing,
            Self::Phone(inner) => inner.code(),
            Self::Agent(inner) => inner.code(),
            Self::Text(inner) => inner.code(),
            Self::Locale(inner) => inner.code(),
            Self::TurnstileToken => ErrorCode::TurnstileTokenMalformed,
            Self::At(inner) => inner.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::MissingPhone => Some("phone"),
            Self::Phone(inner) => inner.field(),
            Self::Agent(inner) => inner.field(),
            Self::Text(inner) => inner.field(),
            Self::Locale(inner) => inner.field(),
            Self::TurnstileToken => Some("turnstile_token"),
            Self::At(_) => Some("at"),
        }
    }
}

impl TryFrom<CallbackRequestWire> for CallbackRequest {
    type Error = CallbackRequestError;

    fn try_from(wire: CallbackRequestWire) -> Result<Self, Self::Error> {
        let phone = PhoneNumber::parse(
            wire.phone
                .as_deref()
                .ok_or(CallbackRequestError::MissingPhone)?,
        )?;
        let turnstile_token = match wire.turnstile_token {
            Some(token)
                if token.is_empty()
                    || token.chars().count() > TURNSTILE_TOKEN_MAX_CHARS
                    || !token.is_ascii() =>
            {
                return Err(CallbackRequestError::TurnstileToken);
            }
            other => other,
        };
        Ok(Self {
            phone,
            consent: wire.consent.unwrap_or(false),
            agent: wire.agent.as_deref().map(AgentAlias::parse).transpose()?,
            name: wire.name.as_deref().map(VisitorName::parse).transpose()?,
            note: wire.note.as_deref().map(VisitorNote::parse).transpose()?,
            locale: wire.locale.as_deref().map(Locale::parse).transpose()?,
            turnstile_token,
            at: wire
                .at
                .as_deref()
                .map(Timestamp::parse)
                .transpose()
                .map_err(CallbackRequestError::At)?,
        })
    }
}

/// A callback's status as the visitor sees it: the platform's `dialing`
/// first, then the four history statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiveStatus {
    /// The platform accepted the call and is dialing.
    Dialing,
    /// The phone is ringing or being connected.
    Connecting,
    /// The visitor is talking to the agent.
    InProgress,
    /// The call ended normally.
    Ended,
    /// The call failed.
    Failed,
    /// Booked for a slot; the edge places it then.
    Scheduled,
    /// A booked callback the visitor cancelled.
    Cancelled,
    /// The visitor's phone rings.
    Ringing,
    /// The agent handed the call to a colleague.
    Transferred,
}

impl LiveStatus {
    /// The visitor's view of a history status. A status none of the
    /// platform's pages names says nothing certain, so the call is still
    /// `dialing`.
    pub fn from_call_status(status: &CallStatus) -> Self {
        match status {
            CallStatus::Connecting => Self::Connecting,
            CallStatus::InProgress => Self::InProgress,
            CallStatus::Ended => Self::Ended,
            CallStatus::Failed => Self::Failed,
            CallStatus::Other(word) => crate::PlatformStatus::from_wire(word).live(),
        }
    }

    /// Whether nothing will change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Ended | Self::Failed | Self::Cancelled)
    }

    /// Every status, in the order of the wire-name table (a call's own
    /// order, then the two of a booking).
    pub const ALL: [Self; 9] = [
        Self::Dialing,
        Self::Connecting,
        Self::InProgress,
        Self::Ended,
        Self::Failed,
        Self::Scheduled,
        Self::Cancelled,
        Self::Ringing,
        Self::Transferred,
    ];

    /// The wire value (what serde writes).
    pub fn as_str(self) -> &'static str {
        STATUS_NAMES[self as usize]
    }

    /// Reads a wire value without serde (the widget's lighter path).
    pub fn from_wire(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

impl Serialize for LiveStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LiveStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::from_wire(&text)
            .ok_or_else(|| serde::de::Error::unknown_variant(&text, &STATUS_NAMES))
    }
}

/// The `202` answer of `POST /api/callback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackAccepted {
    /// The platform's id of the new call; for a booked one, the booking's
    /// (`sched-...`) until the edge places it.
    pub call_id: CallId,
    /// `dialing` right after the request; `scheduled` for a booked slot.
    pub status: LiveStatus,
    /// Opaque signed proof that this client asked for this call; needed to
    /// read its status (and to cancel a booked one).
    pub ticket: String,
    /// The booked slot (RFC 3339 with the site's offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// The answer of `GET /api/callback/{call_id}`: only what the visitor who
/// asked may see (never the summary, never anyone else's data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackStatus {
    /// The call.
    pub call_id: CallId,
    /// Where it is.
    pub status: LiveStatus,
    /// For a booked callback: its slot (RFC 3339 with the site's offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Length in seconds once ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u32>,
    /// When the call was answered, to run a timer from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Why it failed, for a failed call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /api/config`: what the widget needs to draw its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicConfig {
    /// Countries a callback may go to.
    pub countries: Vec<CountryCode>,
    /// Each country's calling code, in the order of `countries` (`"31"`
    /// for NL): the loader labels its first form with them before any
    /// wasm (which knows them from the dialing plans) has arrived.
    #[serde(default)]
    pub calling_codes: Vec<String>,
    /// The country preselected in the form.
    pub default_country: CountryCode,
    /// Agent aliases; the first is the default.
    pub agents: Vec<AgentAlias>,
    /// Turnstile site key, when the edge requires a bot check.
    pub turnstile_sitekey: Option<String>,
    /// Whether the consent box must be ticked.
    pub consent_required: bool,
    /// Languages the widget and agent speak.
    pub locales: Vec<Locale>,
    /// The site's opening hours, as they stand now.
    #[serde(default)]
    pub hours: Hours,
}

/// Whether the site takes callbacks now, and when it opens next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    /// The site's IANA time zone (`Europe/Amsterdam`).
    pub time_zone: String,
    /// Whether a callback now would be placed.
    pub open_now: bool,
    /// When it opens next (RFC 3339 with the site's offset); absent while
    /// open, and when it does not open within the coming weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_open: Option<String>,
}

impl Default for Hours {
    /// Always open, in UTC (an edge without opening hours).
    fn default() -> Self {
        Self {
            time_zone: "UTC".into(),
            open_now: true,
            next_open: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<CallbackRequest, CallbackRequestError> {
        let wire: CallbackRequestWire = serde_json::from_str(json).unwrap();
        CallbackRequest::try_from(wire)
    }

    #[test]
    fn live_status_wire_values_match_serde() {
        for status in LiveStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(LiveStatus::from_wire(status.as_str()), Some(status));
        }
        assert_eq!(LiveStatus::from_wire("queued"), None);
    }

    #[test]
    fn the_documented_request_is_accepted() {
        let request = parse(
            r#"{ "phone": "+31612345678", "consent": true, "agent": "support", "name": "Ada", "note": "About my order", "locale": "nl", "turnstile_token": "XXXX.DUMMY.TOKEN" }"#,
        )
        .unwrap();
        assert_eq!(request.phone.as_str(), "+31612345678");
        assert!(request.consent);
        assert_eq!(request.agent.unwrap().as_str(), "support");
        assert_eq!(request.name.unwrap().as_str(), "Ada");
        assert_eq!(request.note.unwrap().as_str(), "About my order");
        assert_eq!(request.locale.unwrap().as_str(), "nl");
    }

    #[test]
    fn a_missing_phone_names_the_phone_field() {
        let error = parse(r#"{"consent": true}"#).unwrap_err();
        assert_eq!(
            (error.code().as_str(), error.field()),
            ("phone_missing", Some("phone"))
        );
    }

    #[test]
    fn consent_defaults_to_false() {
        assert!(!parse(r#"{"phone": "+31612345678"}"#).unwrap().consent);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (r#"{"phone":"0612345678"}"#, "phone"),
            (r#"{"phone":"+31612345678","agent":"no such"}"#, "agent"),
            (r#"{"phone":"+31612345678","name":""}"#, "name"),
            (r#"{"phone":"+31612345678","note":"a\u202eb"}"#, "note"),
            (r#"{"phone":"+31612345678","locale":"dutch"}"#, "locale"),
            (
                r#"{"phone":"+31612345678","turnstile_token":""}"#,
                "turnstile_token",
            ),
        ];
        for (json, field) in cases {
            assert_eq!(parse(json).unwrap_err().field(), Some(field), "{json}");
        }
    }

    #[test]
    fn a_visitor_cannot_send_agent_internals() {
        for field in ["first_message", "context", "agent_id", "destination"] {
            let json = format!(r#"{{"phone":"+31612345678","{field}":"x"}}"#);
            let error = serde_json::from_str::<CallbackRequestWire>(&json).unwrap_err();
            assert!(
                error.to_string().contains("unknown field"),
                "{field}: {error}"
            );
        }
    }

    #[test]
    fn a_request_round_trips_through_serde() {
        let request = parse(r#"{"phone":"+31612345678","consent":true,"note":"hi"}"#).unwrap();
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(
            serde_json::from_str::<CallbackRequest>(&json).unwrap(),
            request
        );
    }

    #[test]
    fn live_statuses_use_the_wire_names() {
        assert_eq!(
            serde_json::to_string(&LiveStatus::InProgress).unwrap(),
            r#""in-progress""#
        );
        assert_eq!(
            serde_json::to_string(&LiveStatus::Dialing).unwrap(),
            r#""dialing""#
        );
        assert_eq!(
            LiveStatus::from_call_status(&CallStatus::Other("queued".into())),
            LiveStatus::Dialing
        );
    }

    #[test]
    fn the_documented_accepted_answer_parses() {
        let json = r#"{ "call_id": "call-outbound-abc123", "status": "dialing", "ticket": "t" }"#;
        let accepted: CallbackAccepted = serde_json::from_str(json).unwrap();
        assert_eq!(accepted.status, LiveStatus::Dialing);
    }

    #[test]
    fn the_public_config_has_the_documented_keys() {
        let config = PublicConfig {
            countries: vec![CountryCode::parse("NL").unwrap()],
            calling_codes: vec!["31".into()],
            default_country: CountryCode::parse("NL").unwrap(),
            agents: vec![AgentAlias::parse("support").unwrap()],
            turnstile_sitekey: None,
            consent_required: true,
            locales: vec![Locale::parse("en").unwrap(), Locale::parse("nl").unwrap()],
            hours: Hours::default(),
        };
        let value = serde_json::to_value(&config).unwrap();
        let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "agents",
                "calling_codes",
                "consent_required",
                "countries",
                "default_country",
                "hours",
                "locales",
                "turnstile_sitekey"
            ]
        );
        assert_eq!(
            value["hours"],
            serde_json::json!({"time_zone": "UTC", "open_now": true})
        );
        assert_eq!(value["turnstile_sitekey"], serde_json::Value::Null);
    }
}
