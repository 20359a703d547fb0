//! `GET /api/calls/summary`: calls per day by outcome over a whole filtered
//! range, for the portal's chart. The query takes the history's filters
//! (`status`, `start_date`, `end_date`) and the reader's time zone (`tz`),
//! so a day is the reader's day; the answer is one small object whatever
//! the number of calls, and never pages.

use serde::{Deserialize, Serialize};

use crate::CallStatus;
use crate::query::{DateRange, Filters, QueryError, StatusFilter, read_pairs};

/// The most days one summary covers (the newest ones): a year and a day.
pub const SUMMARY_MAX_DAYS: usize = 366;

/// An IANA time zone's name as a query carries it (`Europe/Amsterdam`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`, `UTC`): letters, digits
/// and `/ _ + -`, at most 64 characters. Whether the zone exists is the
/// runtime's to say (its `Intl` holds the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneName(String);

impl ZoneName {
    /// The longest name taken (the longest in the database has 32).
    pub const MAX_CHARS: usize = 64;

    /// Checks the name's form.
    ///
    /// # Errors
    /// [`QueryError::TimeZone`] for an empty, long or oddly spelled name.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        let well_formed = (1..=Self::MAX_CHARS).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
            && !text.starts_with('/')
            && !text.ends_with('/')
            && !text.contains("//");
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(QueryError::TimeZone)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validated summary query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryQuery {
    /// Only calls with this status.
    pub status: Option<StatusFilter>,
    /// Only calls within this range.
    pub range: DateRange,
    /// The zone whose days are counted; the site's when absent.
    pub zone: Option<ZoneName>,
}

impl SummaryQuery {
    /// Builds a query from decoded query-string pairs; empty values count
    /// as absent, as in the history's query.
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
            &["status", "start_date", "end_date", "tz"],
            QueryError::UnknownSummaryParameter,
            |name, value| {
                if name == "tz" {
                    query.zone = Some(ZoneName::parse(value)?);
                    Ok(())
                } else {
                    filters.read(name, value)
                }
            },
        )?;
        query.status = filters.status;
        query.range = filters.range()?;
        Ok(query)
    }

    /// The query string, every value percent-encoded.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("status={}", status.as_str()));
        }
        for (name, instant) in [
            ("start_date", self.range.start()),
            ("end_date", self.range.end()),
        ] {
            if let Some(instant) = instant {
                parts.push(format!(
                    "{name}={}",
                    crate::percent_encode(instant.as_str())
                ));
            }
        }
        if let Some(zone) = &self.zone {
            parts.push(format!("tz={}", crate::percent_encode(zone.as_str())));
        }
        parts.join("&")
    }
}

/// What became of a call, as the chart tells them apart, by the history's
/// badges: `ended`; `failed` and the platform's other words for a call
/// that did not go through; everything else (live, transferred, or a word
/// no page names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `ended`.
    Ended,
    /// `failed`.
    Failed,
    /// Any other status.
    Other,
}

impl Outcome {
    /// The outcome of a call in `status`.
    pub fn of(status: &CallStatus) -> Self {
        match status {
            CallStatus::Ended => Self::Ended,
            CallStatus::Failed => Self::Failed,
            CallStatus::Other(word)
                if matches!(
                    word.as_str(),
                    "ended-with-error" | "rejected" | "insufficient-credits"
                ) =>
            {
                Self::Failed
            }
            _ => Self::Other,
        }
    }
}

/// One day's calls by outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The day in the summary's zone, `YYYY-MM-DD`.
    pub day: String,
    /// Calls that ended normally.
    pub ended: u32,
    /// Calls that failed.
    pub failed: u32,
    /// Calls still live or of another status.
    pub other: u32,
}

impl DayCount {
    /// A day with no calls.
    pub fn empty(day: String) -> Self {
        Self {
            day,
            ended: 0,
            failed: 0,
            other: 0,
        }
    }

    /// All calls of the day.
    pub fn total(&self) -> u32 {
        self.ended
            .saturating_add(self.failed)
            .saturating_add(self.other)
    }

    /// Counts `n` more calls of `outcome`.
    pub fn add(&mut self, outcome: Outcome, n: u32) {
        let count = match outcome {
            Outcome::Ended => &mut self.ended,
            Outcome::Failed => &mut self.failed,
            Outcome::Other => &mut self.other,
        };
        *count = count.saturating_add(n);
    }
}

/// The answer of `GET /api/calls/summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSummary {
    /// The zone the days are counted in.
    pub zone: String,
    /// Every day of the range, oldest first, days without calls included
    /// (at most [`SUMMARY_MAX_DAYS`], the newest).
    pub days: Vec<DayCount>,
    /// All calls of those days.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_take_the_databases_spellings_and_nothing_else() {
        for good in [
            "UTC",
            "Europe/Amsterdam",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "Etc/GMT-14",
            "America/Port-au-Prince",
        ] {
            assert_eq!(ZoneName::parse(good).unwrap().as_str(), good);
        }
        let long = "A".repeat(65);
        for bad in [
            "",
            "/Europe",
            "Europe/",
            "Europe//Amsterdam",
            "Europe/Amsterdam\0",
            "Europe/Amst erdam",
            "Europe/Ämsterdam",
            "../etc/passwd",
            long.as_str(),
        ] {
            assert_eq!(ZoneName::parse(bad), Err(QueryError::TimeZone), "{bad:?}");
        }
    }

    /// `%XX` escapes back to their bytes (what a URL parser does).
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_query_takes_the_filters_and_the_zone_and_round_trips() {
        let query = SummaryQuery::from_pairs([
            ("status", "failed"),
            ("start_date", "2026-11-01T00:00:00+01:00"),
            ("end_date", "2026-11-30T23:59:59.999+01:00"),
            ("tz", "Europe/Amsterdam"),
        ])
        .unwrap();
        assert_eq!(query.status, Some(StatusFilter::Failed));
        assert_eq!(
            query.zone.as_ref().map(ZoneName::as_str),
            Some("Europe/Amsterdam")
        );
        let text = query.to_query_string();
        assert_eq!(
            text,
            "status=failed&start_date=2026-11-01T00%3A00%3A00%2B01%3A00\
             &end_date=2026-11-30T23%3A59%3A59.999%2B01%3A00&tz=Europe%2FAmsterdam"
        );
        let pairs: Vec<(String, String)> = text
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                (k.to_owned(), decode(v))
            })
            .collect();
        assert_eq!(SummaryQuery::from_pairs(pairs).unwrap(), query);
        assert_eq!(SummaryQuery::default().to_query_string(), "");
    }

    #[test]
    fn the_query_refuses_paging_repeats_and_bad_values() {
        let refused = |pairs: &[(&str, &str)]| SummaryQuery::from_pairs(pairs.iter().copied());
        assert_eq!(
            refused(&[("limit", "10")]),
            Err(QueryError::UnknownSummaryParameter("limit".into()))
        );
        assert_eq!(
            refused(&[("tz", "UTC"), ("tz", "UTC")]),
            Err(QueryError::RepeatedParameter("tz"))
        );
        assert_eq!(
            refused(&[("tz", "Mars/Base One")]),
            Err(QueryError::TimeZone)
        );
        assert_eq!(
            refused(&[("status", "done")]),
            Err(QueryError::UnknownStatus)
        );
        assert_eq!(
            refused(&[
                ("start_date", "2026-12-02T00:00:00Z"),
                ("end_date", "2026-12-01T00:00:00Z")
            ]),
            Err(QueryError::StartAfterEnd)
        );
        assert_eq!(
            refused(&[("tz", ""), ("status", "")]),
            Ok(SummaryQuery::default())
        );
    }

    #[test]
    fn outcomes_follow_the_historys_status_words() {
        assert_eq!(Outcome::of(&CallStatus::from_wire("ended")), Outcome::Ended);
        assert_eq!(
            Outcome::of(&CallStatus::from_wire("failed")),
            Outcome::Failed
        );
        for failed in ["ended-with-error", "rejected", "insufficient-credits"] {
            assert_eq!(
                Outcome::of(&CallStatus::from_wire(failed)),
                Outcome::Failed,
                "{failed}"
            );
        }
        for other in ["in-progress", "connecting", "dialing", "transferred", "new"] {
            assert_eq!(
                Outcome::of(&CallStatus::from_wire(other)),
                Outcome::Other,
                "{other}"
            );
        }
        let mut day = DayCount::empty("2026-12-01".into());
        day.add(Outcome::Failed, 2);
        day.add(Outcome::Ended, 3);
        day.add(Outcome::Other, u32::MAX);
        assert_eq!((day.ended, day.failed, day.other), (3, 2, u32::MAX));
        assert_eq!(day.total(), u32::MAX);
    }
}
