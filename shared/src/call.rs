//! The platform's call records: `Call`, `CallStatus`, `CallId` and the
//! paginated `CallList` of `GET /calls`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{ErrorCode, FieldError, Timestamp};

/// The platform's opaque call id. It may contain `+` and `_`
/// (`call-_+31612345678_abc123`), so it is percent-encoded in paths.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallId(String);

/// Why a string is not a call id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallIdError {
    /// Nothing was given.
    #[error("The call id is empty.")]
    Empty,
    /// Longer than 200 characters.
    #[error("The call id is too long.")]
    TooLong,
    /// Whitespace or a control character.
    #[error("The call id contains whitespace or a control character.")]
    InvalidCharacter,
}

impl FieldError for CallIdError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::CallIdEmpty,
            Self::TooLong => ErrorCode::CallIdTooLong,
            Self::InvalidCharacter => ErrorCode::CallIdInvalidCharacter,
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some("call_id")
    }
}

impl CallId {
    /// The longest id accepted.
    pub const MAX_CHARS: usize = 200;

    /// Accepts any printable id of at most 200 characters.
    ///
    /// # Errors
    /// A [`CallIdError`] naming the broken rule.
    pub fn parse(input: &str) -> Result<Self, CallIdError> {
        if input.is_empty() {
            return Err(CallIdError::Empty);
        }
        if input.chars().count() > Self::MAX_CHARS {
            return Err(CallIdError::TooLong);
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CallIdError::InvalidCharacter);
        }
        Ok(Self(input.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(CallId, CallIdError, |value| value.0);

/// Every status name on the wire: a call's in the order it goes through
/// them, then a booking's two, then the two the platform's other pages
/// name (`ringing`, `transferred`). The visitor's nine
/// ([`crate::LiveStatus`], by position); the history's four
/// ([`CallStatus`], [`crate::StatusFilter`]) are positions 1 to 4. The one table of these names: the types map to
/// positions, never to strings. (Its length is `LiveStatus::ALL`'s, so a
/// status added there without a name here does not compile.)
pub(crate) const STATUS_NAMES: [&str; crate::LiveStatus::ALL.len()] = [
    "dialing",
    "connecting",
    "in-progress",
    "ended",
    "failed",
    "scheduled",
    "cancelled",
    "ringing",
    "transferred",
];

/// Every status the platform names anywhere (its Calls page, its outbound
/// answer, its webhooks and its SDK), read from its word. It says how far
/// a call has come, so a record only ever moves forward, and what the
/// visitor sees of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformStatus {
    /// The outbound answer's status.
    Dialing,
    /// The phone rings (the SDK's word).
    Ringing,
    /// Being connected.
    Connecting,
    /// Answered; the agent is talking.
    InProgress,
    /// Handed to another number (the SDK's word).
    Transferred,
    /// Ended normally.
    Ended,
    /// Ended by a failure (webhooks; `error` says why).
    EndedWithError,
    /// Failed (the Calls page; `error` says why).
    Failed,
    /// Refused by the other side (the SDK's word).
    Rejected,
    /// The account ran out of credits (the SDK's word).
    InsufficientCredits,
    /// A word none of the pages names: says nothing certain, so the call
    /// is taken to be still live.
    Unknown,
}

impl PlatformStatus {
    /// Reads the platform's word; never fails.
    pub fn from_wire(text: &str) -> Self {
        match text {
            "dialing" => Self::Dialing,
            "ringing" => Self::Ringing,
            "connecting" => Self::Connecting,
            "in-progress" => Self::InProgress,
            "transferred" => Self::Transferred,
            "ended" => Self::Ended,
            "ended-with-error" => Self::EndedWithError,
            "failed" => Self::Failed,
            "rejected" => Self::Rejected,
            "insufficient-credits" => Self::InsufficientCredits,
            _ => Self::Unknown,
        }
    }

    /// How far along a call is: a record takes a status only when it is
    /// further than the one it holds, so a late `in-progress` never reopens
    /// an ended call. Every final status is as far as a call goes; a
    /// transferred call is final too (the agent's part is over).
    pub fn progress(self) -> u8 {
        match self {
            Self::Unknown | Self::Dialing => 0,
            Self::Ringing => 1,
            Self::Connecting => 2,
            Self::InProgress => 3,
            // Handed to a colleague: the agent's part of the call is over,
            // whatever the platform reports of it afterwards.
            Self::Transferred
            | Self::Ended
            | Self::EndedWithError
            | Self::Failed
            | Self::Rejected
            | Self::InsufficientCredits => 5,
        }
    }

    /// Whether nothing will change any more.
    pub fn is_final(self) -> bool {
        self.progress() == 5
    }

    /// What the visitor sees.
    pub fn live(self) -> crate::LiveStatus {
        use crate::LiveStatus;
        match self {
            Self::Unknown | Self::Dialing => LiveStatus::Dialing,
            Self::Ringing => LiveStatus::Ringing,
            Self::Connecting => LiveStatus::Connecting,
            Self::InProgress => LiveStatus::InProgress,
            Self::Transferred => LiveStatus::Transferred,
            Self::Ended => LiveStatus::Ended,
            Self::EndedWithError | Self::Failed | Self::Rejected | Self::InsufficientCredits => {
                LiveStatus::Failed
            }
        }
    }
}

/// A call's status in the history. The platform documents four; any other
/// value is kept as [`CallStatus::Other`] so one new status never breaks a
/// whole list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CallStatus {
    /// Being connected.
    Connecting,
    /// Active.
    InProgress,
    /// Ended normally.
    Ended,
    /// Failed; the call's `error` says why.
    Failed,
    /// A status the contract does not document.
    Other(String),
}

impl CallStatus {
    /// Reads a wire value; never fails.
    pub fn from_wire(text: &str) -> Self {
        match STATUS_NAMES.iter().position(|name| *name == text) {
            Some(1) => Self::Connecting,
            Some(2) => Self::InProgress,
            Some(3) => Self::Ended,
            Some(4) => Self::Failed,
            // `dialing` is the edge's word, never a history status.
            _ => Self::Other(text.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Connecting => STATUS_NAMES[1],
            Self::InProgress => STATUS_NAMES[2],
            Self::Ended => STATUS_NAMES[3],
            Self::Failed => STATUS_NAMES[4],
            Self::Other(other) => other,
        }
    }

    /// Whether the call is over (ended or failed).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Ended | Self::Failed)
    }
}

impl Serialize for CallStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CallStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::from_wire(&text))
    }
}

/// One call in the platform's history.
///
/// Fields the page marks as sometimes missing accept both `null` and absence.
/// Free text (`summary`, `error`, names) is untrusted: render it as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// Opaque id.
    pub id: CallId,
    /// The other party's number. Kept as given: the list is the platform's
    /// record, and one odd number must not hide the rest.
    pub caller_phone: String,
    /// The agent's number.
    #[serde(default)]
    pub assistant_phone: Option<String>,
    /// Where the call is in its life.
    pub status: CallStatus,
    /// Why the call failed; null unless `status` is `failed`.
    #[serde(default)]
    pub error: Option<String>,
    /// When the call started.
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    /// When it ended; null or absent while live.
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    /// Length in seconds; null or absent while live.
    #[serde(default)]
    pub duration_seconds: Option<u32>,
    /// The platform's summary of the conversation, in the caller's language.
    #[serde(default)]
    pub summary: Option<String>,
    /// The agent's display name.
    #[serde(default)]
    pub agent_name: Option<String>,
    /// The agent's id (its UUID), as the platform's SDK documents it
    /// (optional; the Calls page omits it): what a portal token's `agent`
    /// alias is mapped to, through `AGENTS`, for calls callme did not place.
    /// Kept as given, like `caller_phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// The business the agent speaks for.
    #[serde(default)]
    pub business_name: Option<String>,
    /// When the record was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// The live-control commands sent into it, oldest first (the edge's
    /// record adds them; the platform's list has none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<CallCommand>,
}

/// A command sent into a live call, as the portal shows it: what, when and
/// by whom, never its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCommand {
    /// `note` (the visitor's), `say`, `end-call` or `transfer`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was sent.
    pub at: Timestamp,
    /// A portal token's `sub`, or `visitor`.
    pub by: String,
    /// A transfer's alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// One page of history with its position in the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallList {
    /// The calls on this page, newest first.
    pub calls: Vec<Call>,
    /// Where this page is.
    pub pagination: Pagination,
}

/// The `pagination` object of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// Calls matching the query in all pages.
    pub total: u64,
    /// The page size used.
    pub limit: u32,
    /// Calls skipped before this page.
    pub offset: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LiveStatus, StatusFilter};
    use proptest::prelude::*;

    #[test]
    fn every_status_the_platform_names_is_read_and_an_unknown_one_is_live() {
        use crate::LiveStatus;
        for (word, live, is_final) in [
            ("dialing", LiveStatus::Dialing, false),
            ("ringing", LiveStatus::Ringing, false),
            ("connecting", LiveStatus::Connecting, false),
            ("in-progress", LiveStatus::InProgress, false),
            ("transferred", LiveStatus::Transferred, true),
            ("ended", LiveStatus::Ended, true),
            ("ended-with-error", LiveStatus::Failed, true),
            ("failed", LiveStatus::Failed, true),
            ("rejected", LiveStatus::Failed, true),
            ("insufficient-credits", LiveStatus::Failed, true),
            ("queued", LiveStatus::Dialing, false),
            ("", LiveStatus::Dialing, false),
        ] {
            let status = PlatformStatus::from_wire(word);
            assert_eq!(
                (status.live(), status.is_final()),
                (live, is_final),
                "{word:?}"
            );
            assert_eq!(
                LiveStatus::from_call_status(&CallStatus::from_wire(word)),
                live,
                "{word:?}"
            );
        }
    }

    #[test]
    fn progress_only_grows_along_a_calls_life() {
        let life = ["dialing", "ringing", "connecting", "in-progress", "ended"];
        let steps: Vec<u8> = life
            .iter()
            .map(|w| PlatformStatus::from_wire(w).progress())
            .collect();
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
        let transferred = PlatformStatus::from_wire("transferred");
        assert_eq!(transferred.progress(), PlatformStatus::Ended.progress());
    }

    #[test]
    fn every_status_type_reads_and_writes_the_one_table() {
        let live: Vec<&str> = LiveStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(live, STATUS_NAMES);
        let filters: Vec<&str> = StatusFilter::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(filters, STATUS_NAMES[1..5]);
        for (live, name) in LiveStatus::ALL.into_iter().zip(STATUS_NAMES) {
            let json = serde_json::to_string(&live).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<LiveStatus>(&json).unwrap(), live);
            let history = CallStatus::from_wire(name);
            assert_eq!(history.as_str(), name);
            // `dialing`, a booking's two and the SDK's two are not history
            // statuses of the Calls page; the other four are known.
            let history_status = !matches!(
                live,
                LiveStatus::Dialing
                    | LiveStatus::Scheduled
                    | LiveStatus::Cancelled
                    | LiveStatus::Ringing
                    | LiveStatus::Transferred
            );
            assert_eq!(matches!(history, CallStatus::Other(_)), !history_status);
            if history_status {
                assert_eq!(LiveStatus::from_call_status(&history), live);
                let filter = StatusFilter::parse(name).unwrap();
                assert!(filter.matches(&history));
                assert_eq!(
                    StatusFilter::ALL
                        .iter()
                        .filter(|f| f.matches(&history))
                        .count(),
                    1
                );
            }
        }
        assert!(serde_json::from_str::<LiveStatus>("\"in_progress\"").is_err());
    }

    /// The example answer of `GET /calls`, verbatim from the platform's page.
    const LIST_EXAMPLE: &str = r#"{
  "calls": [
    {
      "id": "call-_+31612345678_abc123",
      "caller_phone": "+31612345678",
      "assistant_phone": "+31850835037",
      "status": "ended",
      "error": null,
      "started_at": "2025-12-13T10:00:00.000Z",
      "ended_at": "2025-12-13T10:01:24.000Z",
      "duration_seconds": 84,
      "summary": "Klant vroeg naar openingstijden en wilde een afspraak maken.",
      "agent_name": "Customer Support",
      "business_name": "Acme Corp",
      "created_at": "2025-12-13T09:59:55.000Z",
      "updated_at": "2025-12-13T10:01:24.000Z"
    }
  ],
  "pagination": { "total": 150, "limit": 50, "offset": 0 }
}"#;

    #[test]
    fn the_documented_list_example_parses_exactly() {
        let list: CallList = serde_json::from_str(LIST_EXAMPLE).unwrap();
        assert_eq!(
            list.pagination,
            Pagination {
                total: 150,
                limit: 50,
                offset: 0
            }
        );
        let call = &list.calls[0];
        assert_eq!(call.id.as_str(), "call-_+31612345678_abc123");
        assert_eq!(call.caller_phone, "+31612345678");
        assert_eq!(call.assistant_phone.as_deref(), Some("+31850835037"));
        assert_eq!(call.status, CallStatus::Ended);
        assert_eq!(call.error, None);
        assert_eq!(
            call.started_at.as_ref().unwrap().as_str(),
            "2025-12-13T10:00:00.000Z"
        );
        assert_eq!(
            call.ended_at.as_ref().unwrap().as_str(),
            "2025-12-13T10:01:24.000Z"
        );
        assert_eq!(call.duration_seconds, Some(84));
        assert_eq!(
            call.summary.as_deref(),
            Some("Klant vroeg naar openingstijden en wilde een afspraak maken.")
        );
        assert_eq!(call.agent_name.as_deref(), Some("Customer Support"));
        assert_eq!(call.business_name.as_deref(), Some("Acme Corp"));
        assert_eq!(call.created_at.as_str(), "2025-12-13T09:59:55.000Z");
        assert_eq!(call.updated_at.as_str(), "2025-12-13T10:01:24.000Z");
    }

    #[test]
    fn the_example_serialises_back_to_the_same_json() {
        let list: CallList = serde_json::from_str(LIST_EXAMPLE).unwrap();
        let original: serde_json::Value = serde_json::from_str(LIST_EXAMPLE).unwrap();
        assert_eq!(serde_json::to_value(&list).unwrap(), original);
    }

    #[test]
    fn a_live_call_may_leave_out_or_null_its_end() {
        let absent = r#"{"id":"c1","caller_phone":"+31612345678","status":"in-progress",
            "created_at":"2025-12-13T09:59:55.000Z","updated_at":"2025-12-13T09:59:55.000Z"}"#;
        let null = r#"{"id":"c1","caller_phone":"+31612345678","status":"in-progress",
            "ended_at":null,"duration_seconds":null,
            "created_at":"2025-12-13T09:59:55.000Z","updated_at":"2025-12-13T09:59:55.000Z"}"#;
        for json in [absent, null] {
            let call: Call = serde_json::from_str(json).unwrap();
            assert_eq!(call.status, CallStatus::InProgress);
            assert_eq!(call.ended_at, None);
            assert_eq!(call.duration_seconds, None);
        }
    }

    #[test]
    fn an_unknown_status_does_not_break_the_list() {
        let json = r#"{"calls":[{"id":"c1","caller_phone":"+31612345678","status":"voicemail",
            "created_at":"2025-12-13T09:59:55.000Z","updated_at":"2025-12-13T09:59:55.000Z"}],
            "pagination":{"total":1,"limit":100,"offset":0}}"#;
        let list: CallList = serde_json::from_str(json).unwrap();
        assert_eq!(list.calls[0].status, CallStatus::Other("voicemail".into()));
        assert_eq!(
            serde_json::to_string(&list.calls[0].status).unwrap(),
            r#""voicemail""#
        );
    }

    #[test]
    fn the_hyphenated_status_is_read_and_written_with_its_hyphen() {
        let status: CallStatus = serde_json::from_str(r#""in-progress""#).unwrap();
        assert_eq!(status, CallStatus::InProgress);
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""in-progress""#);
    }

    #[test]
    fn bad_call_ids_are_rejected() {
        assert_eq!(CallId::parse(""), Err(CallIdError::Empty));
        assert_eq!(CallId::parse("a b"), Err(CallIdError::InvalidCharacter));
        assert_eq!(CallId::parse("a\u{0}"), Err(CallIdError::InvalidCharacter));
        assert_eq!(CallId::parse(&"x".repeat(201)), Err(CallIdError::TooLong));
    }

    proptest! {
        #[test]
        fn call_ids_round_trip_through_serde(id in "[!-~]{1,200}") {
            let parsed = CallId::parse(&id).unwrap();
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<CallId>(&json).unwrap(), parsed);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = CallId::parse(&input);
            let _ = CallStatus::from_wire(&input);
        }
    }
}
