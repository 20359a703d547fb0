//! The portal chart's numbers (`GET /api/calls/summary`): the record's
//! calls counted per day of the reader's zone, by outcome, over the whole
//! filtered range. Pure: D1 hands over counts per quarter hour and status
//! word (a `GROUP BY` no bigger than the range, whatever the number of
//! calls), and the zone comes in as a [`Zone`].
//!
//! A quarter hour is small enough that every offset the tz database uses
//! today (whole, half and three-quarter hours) starts a day on one of its
//! edges, and every change of offset falls on one: all of a quarter's
//! calls fall on the same local day.

use callme_shared::{
    CallStatus, CallSummary, DateRange, DayCount, Outcome, SUMMARY_MAX_DAYS, civil_from_days,
};

use crate::hours::Zone;

/// The length of the record's buckets.
pub const QUARTER_MS: i64 = 15 * 60_000;

const DAY_MS: i64 = 86_400_000;

/// Calls of one status word that were created in one quarter hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// `created_ms / QUARTER_MS`.
    pub quarter: i64,
    /// The platform's status word, as the record keeps it.
    pub status: String,
    /// How many.
    pub calls: u32,
}

/// The local day (days since 1970-01-01 in `zone`) of the instant `utc_ms`.
fn local_day(zone: &dyn Zone, utc_ms: i64) -> i64 {
    (utc_ms + i64::from(zone.offset_minutes(utc_ms)) * 60_000).div_euclid(DAY_MS)
}

fn day_text(day: i64) -> String {
    let (year, month, date) = civil_from_days(day);
    format!("{year:04}-{month:02}-{date:02}")
}

/// The summary of `buckets` in `zone` (named `zone_name`): every day from
/// the range's first (or the first with a call) to its last (or today),
/// never past today unless a call is, at most [`SUMMARY_MAX_DAYS`], the
/// newest.
pub fn summarize(
    buckets: &[Bucket],
    zone: &dyn Zone,
    zone_name: &str,
    range: &DateRange,
    now_ms: i64,
) -> CallSummary {
    let counted: Vec<(i64, Outcome, u32)> = buckets
        .iter()
        .map(|b| {
            let day = local_day(zone, b.quarter.saturating_mul(QUARTER_MS));
            (day, Outcome::of(&CallStatus::from_wire(&b.status)), b.calls)
        })
        .collect();
    let today = local_day(zone, now_ms);
    let newest_call = counted.iter().map(|(day, ..)| *day).max();
    let oldest_call = counted.iter().map(|(day, ..)| *day).min();
    let last = range
        .end()
        .map_or(today, |end| local_day(zone, end.unix_millis()).min(today))
        .max(newest_call.unwrap_or(i64::MIN));
    let Some(first) = range
        .start()
        .map(|start| local_day(zone, start.unix_millis()))
        .or(oldest_call)
    else {
        return CallSummary {
            zone: zone_name.to_owned(),
            days: Vec::new(),
            total: 0,
        };
    };
    let max_days = i64::try_from(SUMMARY_MAX_DAYS).unwrap_or(i64::MAX);
    let first = first.max(last.saturating_sub(max_days - 1));
    let mut days: Vec<DayCount> = if first <= last {
        (first..=last)
            .map(|day| DayCount::empty(day_text(day)))
            .collect()
    } else {
        Vec::new()
    };
    let mut total: u64 = 0;
    for (day, outcome, calls) in counted {
        if (first..=last).contains(&day) {
            let index = usize::try_from(day - first).unwrap_or(usize::MAX);
            if let Some(entry) = days.get_mut(index) {
                entry.add(outcome, calls);
                total += u64::from(calls);
            }
        }
    }
    CallSummary {
        zone: zone_name.to_owned(),
        days,
        total,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::hours::FixedZone;
    use crate::hours::tz::Tz;
    use callme_shared::Timestamp;

    fn ms(text: &str) -> i64 {
        Timestamp::parse(text).unwrap().unix_millis()
    }

    /// The bucket of one call created at `at` (RFC 3339) in `status`.
    fn call(at: &str, status: &str) -> Bucket {
        Bucket {
            quarter: ms(at).div_euclid(QUARTER_MS),
            status: status.into(),
            calls: 1,
        }
    }

    fn range(start: Option<&str>, end: Option<&str>) -> DateRange {
        DateRange::new(
            start.map(|s| Timestamp::parse(s).unwrap()),
            end.map(|s| Timestamp::parse(s).unwrap()),
        )
        .unwrap()
    }

    fn counts(summary: &CallSummary) -> Vec<(&str, u32, u32, u32)> {
        summary
            .days
            .iter()
            .map(|d| (d.day.as_str(), d.ended, d.failed, d.other))
            .collect()
    }

    #[test]
    fn calls_fall_on_the_readers_day_not_utcs() {
        // 23:30 UTC on 30 Nov is 00:30 on 1 Dec in Amsterdam, and still
        // 30 Nov in New York.
        let buckets = [
            call("2026-11-30T23:30:00Z", "ended"),
            call("2026-11-30T22:59:00Z", "failed"),
        ];
        let now = ms("2026-12-01T12:00:00Z");
        let amsterdam = summarize(
            &buckets,
            &Tz(chrono_tz::Europe::Amsterdam),
            "Europe/Amsterdam",
            &DateRange::default(),
            now,
        );
        assert_eq!(
            counts(&amsterdam),
            [("2026-11-30", 0, 1, 0), ("2026-12-01", 1, 0, 0)]
        );
        assert_eq!(
            (amsterdam.zone.as_str(), amsterdam.total),
            ("Europe/Amsterdam", 2)
        );
        let new_york = summarize(
            &buckets,
            &Tz(chrono_tz::America::New_York),
            "America/New_York",
            &DateRange::default(),
            now,
        );
        assert_eq!(
            counts(&new_york),
            [("2026-11-30", 1, 1, 0), ("2026-12-01", 0, 0, 0)]
        );
    }

    #[test]
    fn three_quarter_hour_zones_and_offset_changes_land_on_the_right_day() {
        // Kathmandu is +05:45: 18:14 UTC is 23:59, 18:15 UTC is 00:00.
        let buckets = [
            call("2026-06-01T18:14:59Z", "ended"),
            call("2026-06-01T18:15:00Z", "ended"),
        ];
        let summary = summarize(
            &buckets,
            &Tz(chrono_tz::Asia::Kathmandu),
            "Asia/Kathmandu",
            &DateRange::default(),
            ms("2026-06-02T06:00:00Z"),
        );
        assert_eq!(
            counts(&summary),
            [("2026-06-01", 1, 0, 0), ("2026-06-02", 1, 0, 0)]
        );
        // Amsterdam's spring change: 29 March 2026 has 23 hours. 21:59 UTC
        // is 23:59 that day (summer time), 22:00 UTC the next day.
        let buckets = [
            call("2026-03-28T23:00:00Z", "ended"),
            call("2026-03-29T21:59:00Z", "failed"),
            call("2026-03-29T22:00:00Z", "other-word"),
        ];
        let summary = summarize(
            &buckets,
            &Tz(chrono_tz::Europe::Amsterdam),
            "Europe/Amsterdam",
            &DateRange::default(),
            ms("2026-03-30T12:00:00Z"),
        );
        assert_eq!(
            counts(&summary),
            [("2026-03-29", 1, 1, 0), ("2026-03-30", 0, 0, 1)]
        );
    }

    #[test]
    fn the_range_is_every_day_of_the_filter_days_without_calls_too() {
        let buckets = [
            call("2026-11-10T09:00:00Z", "ended"),
            call("2026-11-10T09:05:00Z", "ended"),
            call("2026-11-12T09:00:00Z", "in-progress"),
        ];
        let filter = range(Some("2026-11-09T00:00:00Z"), Some("2026-11-13T23:59:59Z"));
        let summary = summarize(
            &buckets,
            &FixedZone(0),
            "UTC",
            &filter,
            ms("2026-12-01T00:00:00Z"),
        );
        assert_eq!(
            counts(&summary),
            [
                ("2026-11-09", 0, 0, 0),
                ("2026-11-10", 2, 0, 0),
                ("2026-11-11", 0, 0, 0),
                ("2026-11-12", 0, 0, 1),
                ("2026-11-13", 0, 0, 0),
            ]
        );
        assert_eq!(summary.total, 3);
        // Two calls in one bucket count twice.
        let together = [Bucket {
            quarter: ms("2026-11-10T09:00:00Z") / QUARTER_MS,
            status: "ended".into(),
            calls: 2,
        }];
        let summary = summarize(
            &together,
            &FixedZone(0),
            "UTC",
            &filter,
            ms("2026-12-01T00:00:00Z"),
        );
        assert_eq!(summary.days[1].ended, 2);
    }

    #[test]
    fn no_filter_runs_from_the_first_call_to_today_and_an_empty_record_has_no_days() {
        let now = ms("2026-12-03T10:00:00Z");
        let summary = summarize(
            &[call("2026-12-01T10:00:00Z", "failed")],
            &FixedZone(0),
            "UTC",
            &DateRange::default(),
            now,
        );
        assert_eq!(
            counts(&summary),
            [
                ("2026-12-01", 0, 1, 0),
                ("2026-12-02", 0, 0, 0),
                ("2026-12-03", 0, 0, 0)
            ]
        );
        let empty = summarize(&[], &FixedZone(0), "UTC", &DateRange::default(), now);
        assert!(empty.days.is_empty());
        assert_eq!(empty.total, 0);
        // A filter with days but no calls still draws its days.
        let filter = range(Some("2026-12-02T00:00:00Z"), None);
        let quiet = summarize(&[], &FixedZone(0), "UTC", &filter, now);
        assert_eq!(
            counts(&quiet),
            [("2026-12-02", 0, 0, 0), ("2026-12-03", 0, 0, 0)]
        );
    }

    #[test]
    fn the_future_is_not_drawn_and_a_year_and_a_day_is_the_most() {
        let now = ms("2026-12-03T10:00:00Z");
        let filter = range(Some("2026-12-01T00:00:00Z"), Some("2027-01-31T00:00:00Z"));
        let summary = summarize(&[], &FixedZone(0), "UTC", &filter, now);
        assert_eq!(summary.days.last().unwrap().day, "2026-12-03");
        // A range starting in the future has no days yet.
        let ahead = range(Some("2027-01-01T00:00:00Z"), None);
        assert!(
            summarize(&[], &FixedZone(0), "UTC", &ahead, now)
                .days
                .is_empty()
        );
        // Ten years: the newest 366 days, the older calls left out of the
        // counts as well as the days.
        let decade = range(Some("2016-12-01T00:00:00Z"), None);
        let buckets = [
            call("2017-01-01T10:00:00Z", "ended"),
            call("2026-12-02T10:00:00Z", "ended"),
        ];
        let summary = summarize(&buckets, &FixedZone(0), "UTC", &decade, now);
        assert_eq!(summary.days.len(), SUMMARY_MAX_DAYS);
        assert_eq!(summary.days[0].day, "2025-12-03");
        assert_eq!(summary.total, 1);
        // A call stamped after "now" (another isolate's clock) is still
        // counted, on its own day.
        let skewed = summarize(
            &[call("2026-12-04T00:10:00Z", "ended")],
            &FixedZone(0),
            "UTC",
            &DateRange::default(),
            now,
        );
        assert_eq!(counts(&skewed), [("2026-12-04", 1, 0, 0)]);
    }
}
