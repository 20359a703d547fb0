//! The call-history query (`limit`, `offset`, `status`, `start_date`,
//! `end_date`) shared by the edge's `/api/calls` and the platform's `/calls`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::call::STATUS_NAMES;
use crate::percent::percent_encode;
use crate::{CallStatus, ErrorCode, FieldError, Timestamp, TimestampError};

/// How many calls one page holds: 1 to 1000, 100 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PageLimit(u32);

impl PageLimit {
    /// The most calls a page may hold.
    pub const MAX: u32 = 1_000;
    /// The page size when none is given.
    pub const DEFAULT: Self = Self(100);

    /// Checks that `value` is within 1..=1000.
    ///
    /// # Errors
    /// [`QueryError::LimitOutOfRange`] otherwise.
    pub fn new(value: u32) -> Result<Self, QueryError> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(QueryError::LimitOutOfRange)
        }
    }

    /// Parses a query-string value.
    ///
    /// # Errors
    /// [`QueryError::LimitNotANumber`] or [`QueryError::LimitOutOfRange`].
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        Self::new(parse_u32(text).ok_or(QueryError::LimitNotANumber)?)
    }

    /// The limit as a number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// This limit, or `cap` when that is smaller.
    pub fn capped(self, cap: Self) -> Self {
        Self(self.0.min(cap.0))
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u32> for PageLimit {
    type Error = QueryError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<PageLimit> for u32 {
    fn from(value: PageLimit) -> Self {
        value.0
    }
}

/// How many calls to skip: 0 or more.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(from = "u32", into = "u32")]
pub struct PageOffset(u32);

impl PageOffset {
    /// Any `u32` is a valid offset.
    pub fn new(value: u32) -> Self {
        Self(value)
    }

    /// Parses a query-string value.
    ///
    /// # Errors
    /// [`QueryError::OffsetNotANumber`] for anything but a non-negative integer.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        parse_u32(text)
            .map(Self)
            .ok_or(QueryError::OffsetNotANumber)
    }

    /// The offset as a number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl From<u32> for PageOffset {
    fn from(value: u32) -> Self {
        Self(value)
    }
}

impl From<PageOffset> for u32 {
    fn from(value: PageOffset) -> Self {
        value.0
    }
}

/// Only plain decimal digits: no sign, no spaces, no exponent.
fn parse_u32(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A status to filter the history by; only the four documented ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusFilter {
    /// Being connected.
    Connecting = 1,
    /// Active.
    InProgress,
    /// Ended normally.
    Ended,
    /// Failed.
    Failed,
}

impl StatusFilter {
    /// All four, in lifecycle order.
    pub const ALL: [Self; 4] = [
        Self::Connecting,
        Self::InProgress,
        Self::Ended,
        Self::Failed,
    ];

    /// Parses `connecting`, `in-progress`, `ended` or `failed`.
    ///
    /// # Errors
    /// [`QueryError::UnknownStatus`] for anything else.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(QueryError::UnknownStatus)
    }

    /// The wire name (the discriminants are positions in the one table).
    pub fn as_str(self) -> &'static str {
        STATUS_NAMES[self as usize]
    }

    /// Whether a call with `status` passes this filter.
    pub fn matches(self, status: &CallStatus) -> bool {
        status.as_str() == self.as_str()
    }
}

impl fmt::Display for StatusFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An optional start and end instant, with start not after end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateRange {
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl DateRange {
    /// Builds a range, checking that start is not after end.
    ///
    /// # Errors
    /// [`QueryError::StartAfterEnd`] when it is.
    pub fn new(start: Option<Timestamp>, end: Option<Timestamp>) -> Result<Self, QueryError> {
        if let (Some(start), Some(end)) = (&start, &end)
            && start > end
        {
            return Err(QueryError::StartAfterEnd);
        }
        Ok(Self { start, end })
    }

    /// The first instant included, if bounded.
    pub fn start(&self) -> Option<&Timestamp> {
        self.start.as_ref()
    }

    /// The last instant included, if bounded.
    pub fn end(&self) -> Option<&Timestamp> {
        self.end.as_ref()
    }

    /// Whether `instant` lies within the range (both ends included).
    pub fn contains(&self, instant: &Timestamp) -> bool {
        self.start.as_ref().is_none_or(|start| instant >= start)
            && self.end.as_ref().is_none_or(|end| instant <= end)
    }
}

/// Why a history query was refused; the field is the query parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `limit` is not a whole number.
    #[error("limit must be a whole number from 1 to 1000.")]
    LimitNotANumber,
    /// `limit` is outside 1..=1000.
    #[error("limit must be from 1 to 1000.")]
    LimitOutOfRange,
    /// `offset` is not a whole number of 0 or more.
    #[error("offset must be a whole number of 0 or more.")]
    OffsetNotANumber,
    /// `status` is not one of the four.
    #[error("status must be one of connecting, in-progress, ended, failed.")]
    UnknownStatus,
    /// `start_date` is not RFC 3339.
    #[error("start_date: {0}")]
    StartDate(TimestampError),
    /// `end_date` is not RFC 3339.
    #[error("end_date: {0}")]
    EndDate(TimestampError),
    /// `start_date` is after `end_date`.
    #[error("start_date must not be after end_date.")]
    StartAfterEnd,
    /// A parameter this API does not have.
    #[error("Unknown query parameter {0:?}; use limit, offset, status, start_date, end_date.")]
    UnknownParameter(String),
    /// The same parameter twice.
    #[error("The query parameter {0} is given twice.")]
    RepeatedParameter(&'static str),
    /// A parameter the summary does not have.
    #[error("Unknown query parameter {0:?}; use status, start_date, end_date, tz.")]
    UnknownSummaryParameter(String),
    /// `tz` is not spelled as a time zone's name.
    #[error("tz must be a time zone's IANA name, such as Europe/Amsterdam.")]
    TimeZone,
}

impl FieldError for QueryError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::LimitNotANumber => ErrorCode::LimitNotANumber,
            Self::LimitOutOfRange => ErrorCode::LimitOutOfRange,
            Self::OffsetNotANumber => ErrorCode::OffsetNotANumber,
            Self::UnknownStatus => ErrorCode::StatusUnknown,
            Self::StartDate(_) => ErrorCode::StartDateInvalid,
            Self::EndDate(_) => ErrorCode::EndDateInvalid,
            Self::StartAfterEnd => ErrorCode::StartAfterEnd,
            Self::UnknownParameter(_) => ErrorCode::UnknownParameter,
            Self::RepeatedParameter(_) => ErrorCode::RepeatedParameter,
            Self::UnknownSummaryParameter(_) => ErrorCode::UnknownParameter,
            Self::TimeZone => ErrorCode::TimeZoneUnknown,
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::LimitNotANumber | Self::LimitOutOfRange => Some("limit"),
            Self::OffsetNotANumber => Some("offset"),
            Self::UnknownStatus => Some("status"),
            Self::StartDate(_) | Self::StartAfterEnd => Some("start_date"),
            Self::EndDate(_) => Some("end_date"),
            Self::RepeatedParameter(name) => Some(name),
            Self::TimeZone => Some("tz"),
            Self::UnknownParameter(_) | Self::UnknownSummaryParameter(_) => None,
        }
    }
}

/// The filters the history and its summary share (`status`, `start_date`,
/// `end_date`), read one parameter at a time.
#[derive(Default)]
pub(crate) struct Filters {
    pub(crate) status: Option<StatusFilter>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl Filters {
    /// Reads the filter `name` (one of the three) from `value`.
    pub(crate) fn read(&mut self, name: &str, value: &str) -> Result<(), QueryError> {
        match name {
            "status" => self.status = Some(StatusFilter::parse(value)?),
            "start_date" => {
                self.start = Some(Timestamp::parse(value).map_err(QueryError::StartDate)?);
            }
            _ => self.end = Some(Timestamp::parse(value).map_err(QueryError::EndDate)?),
        }
        Ok(())
    }

    /// The range read, start not after end.
    pub(crate) fn range(&self) -> Result<DateRange, QueryError> {
        DateRange::new(self.start.clone(), self.end.clone())
    }
}

/// Feeds each pair of a query to `read` under its name in `names`: a name
/// not there is `unknown`, one given twice is refused, and an empty value
/// counts as absent (a form with an empty filter sends `status=`).
pub(crate) fn read_pairs<K, V>(
    pairs: impl IntoIterator<Item = (K, V)>,
    names: &[&'static str],
    unknown: fn(String) -> QueryError,
    mut read: impl FnMut(&'static str, &str) -> Result<(), QueryError>,
) -> Result<(), QueryError>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut seen: Vec<&'static str> = Vec::new();
    for (key, value) in pairs {
        let (key, value) = (key.as_ref(), value.as_ref());
        let name = *names
            .iter()
            .find(|name| **name == key)
            .ok_or_else(|| unknown(key.to_owned()))?;
        if seen.contains(&name) {
            return Err(QueryError::RepeatedParameter(name));
        }
        seen.push(name);
        if !value.is_empty() {
            read(name, value)?;
        }
    }
    Ok(())
}

/// A validated history query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallsQuery {
    /// Page size.
    pub limit: PageLimit,
    /// Calls to skip.
    pub offset: PageOffset,
    /// Only calls with this status.
    pub status: Option<StatusFilter>,
    /// Only calls within this range.
    pub range: DateRange,
}

impl CallsQuery {
    /// Builds a query from decoded query-string pairs. Empty values count as
    /// absent (a form with an empty filter sends `status=`).
    ///
    /// # Errors
    /// The first [`QueryError`] found, naming its parameter.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Self, QueryError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut query = Self::default();
        let mut filters = Filters::default();
        read_pairs(
            pairs,
            &["limit", "offset", "status", "start_date", "end_date"],
            QueryError::UnknownParameter,
            |name, value| {
                match name {
                    "limit" => query.limit = PageLimit::parse(value)?,
                    "offset" => query.offset = PageOffset::parse(value)?,
                    _ => filters.read(name, value)?,
                }
                Ok(())
            },
        )?;
        query.status = filters.status;
        query.range = filters.range()?;
        Ok(query)
    }

    /// The query as a string for the platform's `GET /calls`, every parameter
    /// percent-encoded (an offset's `+` would otherwise read as a space).
    pub fn to_query_string(&self) -> String {
        let mut out = format!("limit={}&offset={}", self.limit.get(), self.offset.get());
        if let Some(status) = self.status {
            out.push_str("&status=");
            out.push_str(status.as_str());
        }
        for (name, instant) in [
            ("start_date", self.range.start()),
            ("end_date", self.range.end()),
        ] {
            if let Some(instant) = instant {
                out.push('&');
                out.push_str(name);
                out.push('=');
                out.push_str(&percent_encode(instant.as_str()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the edge does with a request's query: WHATWG form decoding
    /// (`url`'s `query_pairs`), then [`CallsQuery::from_pairs`].
    fn parse(query: &str) -> Result<CallsQuery, QueryError> {
        CallsQuery::from_pairs(form_urlencoded::parse(query.as_bytes()))
    }
    use proptest::prelude::*;

    #[test]
    fn an_empty_query_takes_the_documented_defaults() {
        let query = parse("").unwrap();
        assert_eq!(query.limit.get(), 100);
        assert_eq!(query.offset.get(), 0);
        assert_eq!(query.status, None);
        assert_eq!(query.range, DateRange::default());
    }

    #[test]
    fn every_parameter_is_read() {
        let query = parse(
            "limit=50&offset=100&status=in-progress&start_date=2025-12-01T00:00:00Z&end_date=2025-12-13T10:00:00%2B01:00",
        )
        .unwrap();
        assert_eq!(query.limit.get(), 50);
        assert_eq!(query.offset.get(), 100);
        assert_eq!(query.status, Some(StatusFilter::InProgress));
        assert_eq!(
            query.range.start().unwrap().as_str(),
            "2025-12-01T00:00:00Z"
        );
        assert_eq!(
            query.range.end().unwrap().as_str(),
            "2025-12-13T10:00:00+01:00"
        );
    }

    #[test]
    fn the_limit_is_one_to_a_thousand() {
        assert!(PageLimit::new(1).is_ok());
        assert!(PageLimit::new(1_000).is_ok());
        assert_eq!(PageLimit::new(0), Err(QueryError::LimitOutOfRange));
        assert_eq!(PageLimit::new(1_001), Err(QueryError::LimitOutOfRange));
    }

    #[test]
    fn a_capped_limit_never_grows() {
        let cap = PageLimit::new(50).unwrap();
        assert_eq!(PageLimit::new(500).unwrap().capped(cap).get(), 50);
        assert_eq!(PageLimit::new(20).unwrap().capped(cap).get(), 20);
    }

    #[test]
    fn bad_queries_name_their_parameter() {
        let cases = [
            ("limit=abc", "limit_not_a_number", Some("limit")),
            ("limit=-1", "limit_not_a_number", Some("limit")),
            ("limit=1e3", "limit_not_a_number", Some("limit")),
            ("limit=99999999999", "limit_not_a_number", Some("limit")),
            ("limit=0", "limit_out_of_range", Some("limit")),
            ("limit=1001", "limit_out_of_range", Some("limit")),
            ("offset=-5", "offset_not_a_number", Some("offset")),
            ("offset=%201", "offset_not_a_number", Some("offset")),
            ("status=dialing", "status_unknown", Some("status")),
            ("status=ENDED", "status_unknown", Some("status")),
            (
                "start_date=yesterday",
                "start_date_invalid",
                Some("start_date"),
            ),
            (
                "end_date=2025-02-30T00:00:00Z",
                "end_date_invalid",
                Some("end_date"),
            ),
            (
                "start_date=2025-12-13T00:00:00Z&end_date=2025-12-12T00:00:00Z",
                "start_after_end",
                Some("start_date"),
            ),
            ("phone=%2B31612345678", "unknown_parameter", None),
            ("limit=5&limit=6", "repeated_parameter", Some("limit")),
        ];
        for (input, code, field) in cases {
            let error = parse(input).unwrap_err();
            assert_eq!(
                (error.code().as_str(), error.field()),
                (code, field),
                "{input:?}"
            );
        }
    }

    #[test]
    fn empty_values_count_as_absent() {
        let query = parse("status=&start_date=&limit=").unwrap();
        assert_eq!(query, CallsQuery::default());
    }

    #[test]
    fn an_offset_timestamp_survives_the_query_string() {
        let query = parse("start_date=2025-12-13T10:00:00%2B01:00&status=ended").unwrap();
        let again = parse(&query.to_query_string()).unwrap();
        assert_eq!(again, query);
        assert!(query.to_query_string().contains("%2B01%3A00"));
    }

    #[test]
    fn a_range_includes_both_ends() {
        let start = Timestamp::parse("2025-12-01T00:00:00Z").unwrap();
        let end = Timestamp::parse("2025-12-02T00:00:00Z").unwrap();
        let range = DateRange::new(Some(start.clone()), Some(end.clone())).unwrap();
        assert!(range.contains(&start));
        assert!(range.contains(&end));
        assert!(!range.contains(&Timestamp::parse("2025-12-02T00:00:00.001Z").unwrap()));
    }

    proptest! {
        #[test]
        fn valid_limits_round_trip_through_serde(value in 1_u32..=1_000) {
            let limit = PageLimit::new(value).unwrap();
            let json = serde_json::to_string(&limit).unwrap();
            prop_assert_eq!(serde_json::from_str::<PageLimit>(&json).unwrap(), limit);
        }

        #[test]
        fn valid_queries_round_trip_through_the_query_string(
            limit in 1_u32..=1_000,
            offset in any::<u32>(),
            status in proptest::option::of(0_usize..4),
            start in proptest::option::of(0_i64..4_000_000_000_000),
            span in 0_i64..1_000_000_000,
        ) {
            let start = start.map(Timestamp::from_unix_millis);
            let end = start.as_ref().map(|s| Timestamp::from_unix_millis(s.unix_millis() + span));
            let query = CallsQuery {
                limit: PageLimit::new(limit).unwrap(),
                offset: PageOffset::new(offset),
                status: status.map(|i| StatusFilter::ALL[i]),
                range: DateRange::new(start, end).unwrap(),
            };
            prop_assert_eq!(parse(&query.to_query_string()).unwrap(), query);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = parse(&input);
        }
    }
}
