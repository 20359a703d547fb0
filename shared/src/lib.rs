//! Call types and validation shared by the callme widget, edge and sandbox.
//!
//! Every rule-bearing value is a newtype whose only door is a parser, so a
//! value that exists has passed its rules, whether it was built in code or
//! arrived over the wire (the serde impls run the same parser). Every parser
//! fails with an error enum of its own concern; each variant has a stable
//! `code` and the `field` it belongs to (see [`FieldError`]), so the widget
//! can show the message under the right input and the edge can answer 400
//! with the same words.

#[macro_use]
mod newtype;

mod agent;
mod api;
mod call;
mod code;
mod country;
mod error;
mod grouping;
mod locale;
mod normalize;
mod outbound;
mod percent;
mod phone;
mod query;
mod summary;
mod text;
mod timestamp;
pub mod words;

pub use agent::{AgentAlias, AgentAliasError, AgentId, AgentIdError};
pub use api::{
    CallbackAccepted, CallbackRequest, CallbackRequestError, CallbackRequestWire, CallbackStatus,
    Hours, LiveStatus, PublicConfig, TURNSTILE_TOKEN_MAX_CHARS,
};
pub use call::{
    Call, CallCommand, CallId, CallIdError, CallList, CallStatus, Pagination, PlatformStatus,
};
pub use code::ErrorCode;
pub use country::{CountryCode, CountryError, DIALING_PLANS, DialingPlan};
pub use error::{ErrorBody, ErrorDetail, FieldError};
pub use grouping::grouped;
pub use locale::{Locale, LocaleError};
pub use normalize::{NormalizeError, normalize};
pub use outbound::{OutboundCallRequest, OutboundCallResponse};
pub use percent::percent_encode;
pub use phone::{PhoneError, PhoneNumber};
pub use query::{CallsQuery, DateRange, PageLimit, PageOffset, QueryError, StatusFilter};
pub use summary::{CallSummary, DayCount, Outcome, SUMMARY_MAX_DAYS, SummaryQuery, ZoneName};
pub use text::{CallNote, ControlMessage, SpokenText, TextError, VisitorName, VisitorNote};
pub use timestamp::{Timestamp, TimestampError, civil_from_days, days_from_civil};
