//! Opening hours: when a callback may be placed now, and when the site
//! opens next. Pure: the time zone comes in as a [`Zone`] (the glue's reads
//! workerd's `Intl`, which has the whole time-zone database, so the worker
//! ships none; tests use chrono-tz's), and every instant is Unix ms.
//!
//! `OPENING_HOURS` reads like `mon-fri 09:00-12:30,13:30-17:30; sat
//! 10:00-14:00`: entries split by `;`, each days (names or ranges, comma
//! separated) then one or more `HH:MM-HH:MM` ranges in the site's zone,
//! ending at `24:00` at the latest. Unset means always open.
//! `CLOSED_DATES` lists `YYYY-MM-DD` days (in the site's zone) that are
//! closed whatever the hours say.

use callme_shared::{civil_from_days, days_from_civil};

/// A time zone: its offset from UTC at an instant.
pub trait Zone {
    /// Minutes east of UTC at `utc_ms` (Amsterdam: 60 in winter, 120 in
    /// summer).
    fn offset_minutes(&self, utc_ms: i64) -> i32;
}

/// A zone with one offset all year (UTC, and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedZone(pub i32);

impl Zone for FixedZone {
    fn offset_minutes(&self, _utc_ms: i64) -> i32 {
        self.0
    }
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One opening: days of the week (Monday first) and minutes of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Opening {
    days: [bool; 7],
    start: i64,
    end: i64,
}

/// When the site takes calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Empty: always open.
    openings: Vec<Opening>,
    /// Closed days, as days since 1970-01-01 in the site's zone.
    closed: Vec<i64>,
}

impl Schedule {
    /// Reads `OPENING_HOURS` (absent or blank: always open) and
    /// `CLOSED_DATES`.
    ///
    /// # Errors
    /// What is wrong, naming the part (for the configuration error).
    pub fn parse(hours: Option<&str>, closed: Option<&str>) -> Result<Self, String> {
        let mut openings = Vec::new();
        for entry in hours.unwrap_or_default().split(';').map(str::trim) {
            if entry.is_empty() {
                continue;
            }
            let (days, times) = entry
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("{entry:?}: days, then times (mon-fri 09:00-17:00)"))?;
            let days = parse_days(days)?;
            for range in times.split(',').map(str::trim) {
                let (start, end) = range
                    .split_once('-')
                    .ok_or_else(|| format!("{range:?}: a range is HH:MM-HH:MM"))?;
                let (start, end) = (parse_time(start)?, parse_time(end)?);
                if start >= end {
                    return Err(format!(
                        "{range:?} ends before it starts (split a night at 24:00)"
                    ));
                }
                openings.push(Opening { days, start, end });
            }
        }
        let mut closed_days = Vec::new();
        for date in closed.unwrap_or_default().split(',').map(str::trim) {
            if !date.is_empty() {
                closed_days.push(parse_date(date)?);
            }
        }
        Ok(Self {
            openings,
            closed: closed_days,
        })
    }

    /// Whether callbacks are taken at `utc_ms`.
    pub fn is_open(&self, zone: &dyn Zone, utc_ms: i64) -> bool {
        if self.openings.is_empty() && self.closed.is_empty() {
            // Always open (the default): no need to ask the zone, which
            // in the worker is a call into `Intl` for every callback.
            return true;
        }
        let local = utc_ms + i64::from(zone.offset_minutes(utc_ms)) * MINUTE_MS;
        let day = local.div_euclid(DAY_MS);
        if self.closed.contains(&day) {
            return false;
        }
        let minute = local.rem_euclid(DAY_MS) / MINUTE_MS;
        self.openings.is_empty()
            || self
                .openings
                .iter()
                .any(|o| o.days[weekday(day)] && o.start <= minute && minute < o.end)
    }

    /// The first instant at or after `utc_ms` when callbacks are taken,
    /// looking `horizon_days` ahead; `None` when closed all that time.
    pub fn next_open(&self, zone: &dyn Zone, utc_ms: i64, horizon_days: i64) -> Option<i64> {
        if self.is_open(zone, utc_ms) {
            return Some(utc_ms);
        }
        let today =
            (utc_ms + i64::from(zone.offset_minutes(utc_ms)) * MINUTE_MS).div_euclid(DAY_MS);
        let starts = |day: i64| -> Vec<i64> {
            if self.openings.is_empty() {
                // Always open but for closed days: from midnight.
                return vec![0];
            }
            let mut starts: Vec<i64> = self
                .openings
                .iter()
                .filter(|o| o.days[weekday(day)])
                .map(|o| o.start)
                .collect();
            starts.sort_unstable();
            starts
        };
        (today..=today + horizon_days)
            .filter(|day| !self.closed.contains(day))
            .flat_map(|day| {
                starts(day)
                    .into_iter()
                    .map(move |start| day * DAY_MS + start * MINUTE_MS)
            })
            .map(|local| utc_of_local(zone, local))
            .find(|&at| at > utc_ms && self.is_open(zone, at))
    }
}

impl Schedule {
    /// The bookable slot starts after `now_ms` and before `days` ahead:
    /// every `minutes` from local midnight, inside the opening hours, not
    /// on a closed date, in order. A start the zone skips (the spring
    /// gap) is no slot; in the autumn overlap the first of the two is.
    pub fn slots(&self, zone: &dyn Zone, now_ms: i64, minutes: i64, days: i64) -> Vec<i64> {
        let minutes = minutes.clamp(1, 24 * 60);
        let end_ms = now_ms + days * DAY_MS;
        let today =
            (now_ms + i64::from(zone.offset_minutes(now_ms)) * MINUTE_MS).div_euclid(DAY_MS);
        let always = [Opening {
            days: [true; 7],
            start: 0,
            end: 24 * 60,
        }];
        let openings: &[Opening] = if self.openings.is_empty() {
            &always
        } else {
            &self.openings
        };
        let mut slots = Vec::new();
        for day in today..=today + days {
            if self.closed.contains(&day) {
                continue;
            }
            for opening in openings.iter().filter(|o| o.days[weekday(day)]) {
                let first = (opening.start + minutes - 1) / minutes * minutes;
                for minute in (first..opening.end).step_by(usize::try_from(minutes).unwrap_or(1)) {
                    let local = day * DAY_MS + minute * MINUTE_MS;
                    let at = utc_of_local(zone, local);
                    let exists = at + i64::from(zone.offset_minutes(at)) * MINUTE_MS == local;
                    if exists && at > now_ms && at < end_ms {
                        slots.push(at);
                    }
                }
            }
        }
        slots.sort_unstable();
        slots.dedup();
        slots
    }
}

/// The instant a local wall-clock time (as ms since the local epoch) names.
/// In an autumn overlap (the hour that happens twice) the first; in a
/// spring gap (a time that never happens) the moment after the gap.
pub fn utc_of_local(zone: &dyn Zone, local_ms: i64) -> i64 {
    // No zone moves more than once in 28 hours, and no offset passes 14 h.
    let before = i64::from(zone.offset_minutes(local_ms - 14 * 60 * MINUTE_MS));
    let after = i64::from(zone.offset_minutes(local_ms + 14 * 60 * MINUTE_MS));
    let fits = |utc: i64| utc + i64::from(zone.offset_minutes(utc)) * MINUTE_MS == local_ms;
    let (early, late) = (local_ms - before * MINUTE_MS, local_ms - after * MINUTE_MS);
    match (fits(early), fits(late)) {
        (true, true) => early.min(late),
        (true, false) => early,
        (false, true) => late,
        // The gap: the earlier offset lands as far past it as the time
        // was into it.
        (false, false) => early,
    }
}

/// `utc_ms` as RFC 3339 with the zone's offset there, to the second:
/// `2026-11-25T09:00:00+01:00`.
pub fn local_rfc3339(zone: &dyn Zone, utc_ms: i64) -> String {
    let offset = zone.offset_minutes(utc_ms);
    let local = utc_ms + i64::from(offset) * MINUTE_MS;
    let (year, month, day) = civil_from_days(local.div_euclid(DAY_MS));
    let seconds = local.rem_euclid(DAY_MS) / 1_000;
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        offset.abs() / 60,
        offset.abs() % 60
    )
}

/// Minutes east of UTC in `Intl`'s `longOffset` form: `GMT`, `GMT+01:00`,
/// `GMT-03:30`.
pub fn parse_gmt_offset(text: &str) -> Option<i32> {
    let rest = text.strip_prefix("GMT")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m) = (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

fn parse_days(text: &str) -> Result<[bool; 7], String> {
    let index = |name: &str| {
        DAY_NAMES
            .iter()
            .position(|d| d.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("{name:?} is not a day (mon, tue, ... sun)"))
    };
    let mut days = [false; 7];
    for part in text.split(',').map(str::trim) {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (index(from)?, index(to)?);
                if from > to {
                    return Err(format!("{part:?} runs backwards (mon-fri, not fri-mon)"));
                }
                days[from..=to].iter_mut().for_each(|d| *d = true);
            }
            None => days[index(part)?] = true,
        }
    }
    Ok(days)
}

/// Minutes of the day of `HH:MM` (`24:00` is the end of the day).
fn parse_time(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a time (HH:MM)");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let two = |s: &str| {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
            .ok_or_else(bad)
    };
    let (h, m) = (two(h)?, two(m)?);
    if m > 59 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a date (YYYY-MM-DD)");
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
            .ok_or_else(bad)
    };
    let (y, m, d) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    let days = days_from_civil(y, m, d);
    // A date that does not exist (02-30) comes back as another one.
    if !(1..=12).contains(&m) || civil_from_days(days) != (y, m, d) {
        return Err(bad());
    }
    Ok(days)
}

/// Monday = 0 (1970-01-01 was a Thursday).
fn weekday(days: i64) -> usize {
    usize::try_from((days + 3).rem_euclid(7)).unwrap_or(0)
}

/// Real zones for the native tests of every module that takes a [`Zone`]:
/// the tz database comes from chrono-tz (natively only).
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tz {
    use super::Zone;
    use chrono::{Offset, TimeZone};

    /// A real zone from the tz database (chrono-tz), as `Intl` has it.
    pub(crate) struct Tz(pub(crate) chrono_tz::Tz);

    impl Zone for Tz {
        fn offset_minutes(&self, utc_ms: i64) -> i32 {
            let at = chrono::DateTime::from_timestamp_millis(utc_ms).unwrap();
            self.0
                .offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        }
    }
}

// Natively only: the tz database comes from chrono-tz.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::tz::Tz;
    use super::*;
    use chrono::{Datelike, NaiveDate};

    fn amsterdam() -> Tz {
        Tz(chrono_tz::Europe::Amsterdam)
    }

    /// Unix ms of an RFC 3339 text.
    fn at(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    fn office() -> Schedule {
        Schedule::parse(
            Some("mon-fri 09:00-12:30, 13:30-17:30; sat 10:00-14:00"),
            Some("2026-12-25, 2026-12-26"),
        )
        .unwrap()
    }

    #[test]
    fn open_inside_the_hours_and_closed_outside_them() {
        let (s, z) = (office(), amsterdam());
        // Tuesday 2026-11-24, Amsterdam is UTC+1.
        assert!(!s.is_open(&z, at("2026-11-24T08:59:59+01:00")));
        assert!(s.is_open(&z, at("2026-11-24T09:00:00+01:00")));
        assert!(
            !s.is_open(&z, at("2026-11-24T12:30:00+01:00")),
            "the end is not open"
        );
        assert!(s.is_open(&z, at("2026-11-24T13:30:00+01:00")));
        assert!(s.is_open(&z, at("2026-11-28T13:59:00+01:00")), "saturday");
        assert!(!s.is_open(&z, at("2026-11-29T11:00:00+01:00")), "sunday");
        assert!(
            !s.is_open(&z, at("2026-12-25T11:00:00+01:00")),
            "a closed date"
        );
    }

    /// A zone that must not be asked.
    struct Unasked;

    impl Zone for Unasked {
        fn offset_minutes(&self, _: i64) -> i32 {
            panic!("an always-open site asked its zone")
        }
    }

    #[test]
    fn without_hours_or_closed_dates_the_site_is_open_without_asking_its_zone() {
        let always = Schedule::parse(None, None).unwrap();
        for instant in [
            0,
            at("2026-11-29T03:00:00+01:00"),
            at("2026-03-29T02:30:00+01:00"),
        ] {
            assert!(always.is_open(&Unasked, instant));
            assert_eq!(always.next_open(&Unasked, instant, 60), Some(instant));
        }
        // With only a closed date, the zone says which day it is.
        let holiday = Schedule::parse(None, Some("2026-12-25")).unwrap();
        let half_past_eleven_utc = at("2026-12-24T23:30:00Z");
        assert!(
            !holiday.is_open(&amsterdam(), half_past_eleven_utc),
            "already the 25th in Amsterdam"
        );
        assert!(
            holiday.is_open(&FixedZone(0), half_past_eleven_utc),
            "still the 24th in UTC"
        );
    }

    #[test]
    fn the_next_opening_skips_lunch_nights_weekends_and_closed_dates() {
        let (s, z) = (office(), amsterdam());
        let next = |from: &str| local_rfc3339(&z, s.next_open(&z, at(from), 14).unwrap());
        assert_eq!(
            next("2026-11-24T12:45:00+01:00"),
            "2026-11-24T13:30:00+01:00"
        );
        assert_eq!(
            next("2026-11-24T18:00:00+01:00"),
            "2026-11-25T09:00:00+01:00"
        );
        assert_eq!(
            next("2026-11-28T15:00:00+01:00"),
            "2026-11-30T09:00:00+01:00"
        );
        // Christmas on a Friday, Boxing Day on the Saturday.
        assert_eq!(
            next("2026-12-24T18:00:00+01:00"),
            "2026-12-28T09:00:00+01:00"
        );
        // Open now: now.
        assert_eq!(
            next("2026-11-24T10:15:00+01:00"),
            "2026-11-24T10:15:00+01:00"
        );
    }

    #[test]
    fn summer_time_starts_on_the_last_sunday_of_march() {
        let s = Schedule::parse(Some("mon-sun 01:00-04:00"), None).unwrap();
        let z = amsterdam();
        // 2026-03-29: 02:00 CET becomes 03:00 CEST.
        assert!(s.is_open(&z, at("2026-03-29T01:30:00+01:00")));
        assert!(s.is_open(&z, at("2026-03-29T03:30:00+02:00")));
        assert!(!s.is_open(&z, at("2026-03-29T04:00:00+02:00")));
        // Saturday's opening is 09:00 local in winter time, Monday's in summer time.
        let nine = Schedule::parse(Some("mon-sat 09:00-17:00"), None).unwrap();
        let next = nine
            .next_open(&z, at("2026-03-28T18:00:00+01:00"), 7)
            .unwrap();
        assert_eq!(local_rfc3339(&z, next), "2026-03-30T09:00:00+02:00");
        assert_eq!(next, at("2026-03-30T07:00:00Z"));
        // 02:30 never happens that night: the opening starts after the gap.
        let gap = Schedule::parse(Some("sun 02:30-05:00"), None).unwrap();
        let next = gap
            .next_open(&z, at("2026-03-29T00:00:00+01:00"), 1)
            .unwrap();
        assert_eq!(local_rfc3339(&z, next), "2026-03-29T03:30:00+02:00");
    }

    #[test]
    fn summer_time_ends_on_the_last_sunday_of_october() {
        let z = amsterdam();
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        let night = Schedule::parse(Some("sun 02:30-02:45"), None).unwrap();
        let next = night
            .next_open(&z, at("2026-10-25T00:00:00+02:00"), 1)
            .unwrap();
        assert_eq!(
            local_rfc3339(&z, next),
            "2026-10-25T02:30:00+02:00",
            "the first 02:30"
        );
        assert!(
            night.is_open(&z, at("2026-10-25T02:40:00+01:00")),
            "and the second"
        );
        let nine = Schedule::parse(Some("mon-fri 09:00-17:00"), None).unwrap();
        let next = nine
            .next_open(&z, at("2026-10-23T18:00:00+02:00"), 7)
            .unwrap();
        assert_eq!(local_rfc3339(&z, next), "2026-10-26T09:00:00+01:00");
        assert_eq!(next, at("2026-10-26T08:00:00Z"));
    }

    #[test]
    fn a_zone_without_summer_time_keeps_its_offset() {
        let z = Tz(chrono_tz::Asia::Kolkata);
        let s = Schedule::parse(Some("mon-fri 09:30-18:00"), None).unwrap();
        let next = s.next_open(&z, at("2026-03-28T12:00:00Z"), 7).unwrap();
        assert_eq!(local_rfc3339(&z, next), "2026-03-30T09:30:00+05:30");
        assert!(
            s.is_open(&z, at("2026-10-26T04:00:00Z")),
            "09:30 in Kolkata"
        );
        assert_eq!(
            local_rfc3339(&FixedZone(-210), at("2026-01-01T12:00:00Z")),
            "2026-01-01T08:30:00-03:30"
        );
    }

    #[test]
    fn unset_hours_are_always_open_but_closed_dates_still_close() {
        let z = amsterdam();
        let always = Schedule::parse(None, None).unwrap();
        assert!(always.is_open(&z, at("2026-11-29T03:00:00+01:00")));
        let holiday = Schedule::parse(Some(" "), Some("2026-12-25")).unwrap();
        assert!(!holiday.is_open(&z, at("2026-12-25T12:00:00+01:00")));
        let next = holiday
            .next_open(&z, at("2026-12-25T12:00:00+01:00"), 7)
            .unwrap();
        assert_eq!(local_rfc3339(&z, next), "2026-12-26T00:00:00+01:00");
        let never = Schedule::parse(Some("mon 09:00-10:00"), Some("2026-11-30")).unwrap();
        assert_eq!(
            never.next_open(&z, at("2026-11-29T12:00:00+01:00"), 3),
            None
        );
    }

    #[test]
    fn slots_are_every_slot_length_inside_the_hours_and_in_the_future() {
        let (s, z) = (office(), amsterdam());
        let now = at("2026-11-24T16:50:00+01:00");
        let slots = s.slots(&z, now, 15, 2);
        let local: Vec<String> = slots.iter().map(|&t| local_rfc3339(&z, t)).collect();
        assert_eq!(
            local[..3],
            [
                "2026-11-24T17:00:00+01:00",
                "2026-11-24T17:15:00+01:00",
                "2026-11-25T09:00:00+01:00"
            ]
        );
        // 09:00-12:30 and 13:30-17:30: 14 and 16 starts; none at 12:30.
        let wednesday = local.iter().filter(|t| t.starts_with("2026-11-25")).count();
        assert_eq!(wednesday, 14 + 16);
        assert!(!local.iter().any(|t| t.contains("T12:30")));
        // Two days ahead and no further.
        assert!(slots.iter().all(|&t| t < now + 2 * DAY_MS));
        assert!(slots.windows(2).all(|w| w[0] < w[1]));
        // Slots start on multiples of their length from midnight.
        let odd = Schedule::parse(Some("mon-sun 09:10-10:00"), None).unwrap();
        let starts: Vec<String> = odd
            .slots(&z, now, 20, 1)
            .iter()
            .map(|&t| local_rfc3339(&z, t)[11..16].to_owned())
            .collect();
        assert_eq!(starts, ["09:20", "09:40"]);
    }

    #[test]
    fn slots_follow_the_clock_across_both_daylight_saving_changes() {
        let z = amsterdam();
        let night = Schedule::parse(Some("sun 01:00-04:00"), None).unwrap();
        // 2026-03-29: 02:00-03:00 never happens: no slot in it.
        let spring: Vec<String> = night
            .slots(&z, at("2026-03-28T12:00:00+01:00"), 60, 2)
            .iter()
            .map(|&t| local_rfc3339(&z, t))
            .collect();
        assert_eq!(
            spring,
            ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"]
        );
        // 2026-10-25: 02:00-03:00 happens twice: one slot at its first time.
        let autumn: Vec<String> = night
            .slots(&z, at("2026-10-24T12:00:00+02:00"), 60, 2)
            .iter()
            .map(|&t| local_rfc3339(&z, t))
            .collect();
        assert_eq!(
            autumn,
            [
                "2026-10-25T01:00:00+02:00",
                "2026-10-25T02:00:00+02:00",
                "2026-10-25T03:00:00+01:00"
            ]
        );
        // Always open, closed dates skipped.
        let always = Schedule::parse(None, Some("2026-11-25")).unwrap();
        let slots = always.slots(&FixedZone(0), at("2026-11-24T23:00:00Z"), 60, 2);
        let days: Vec<String> = slots
            .iter()
            .map(|&t| local_rfc3339(&FixedZone(0), t)[..13].to_owned())
            .collect();
        assert_eq!(days.first().map(String::as_str), Some("2026-11-26T00"));
        assert_eq!(
            slots.len(),
            23,
            "the 26th up to 23:00 (two days from 23:00 on the 24th), not the 25th"
        );
    }

    #[test]
    fn intl_offsets_read_as_minutes() {
        for (text, minutes) in [
            ("GMT", Some(0)),
            ("GMT+01:00", Some(60)),
            ("GMT-03:30", Some(-210)),
            ("GMT+5", Some(300)),
            ("UTC", None),
            ("GMT+99:00", None),
            ("GMT*1", None),
        ] {
            assert_eq!(parse_gmt_offset(text), minutes, "{text}");
        }
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        for (hours, closed, says) in [
            (Some("mon-fri"), None, "days, then times"),
            (Some("moon 09:00-17:00"), None, "\"moon\" is not a day"),
            (Some("fri-mon 09:00-17:00"), None, "runs backwards"),
            (Some("mon 9:00-17:00"), None, "\"9:00\" is not a time"),
            (Some("mon 09:00-24:30"), None, "\"24:30\" is not a time"),
            (Some("mon 22:00-02:00"), None, "ends before it starts"),
            (Some("mon 09:00"), None, "HH:MM-HH:MM"),
            (None, Some("2026-02-30"), "is not a date"),
            (None, Some("25-12-2026"), "is not a date"),
        ] {
            let error = Schedule::parse(hours, closed).unwrap_err();
            assert!(error.contains(says), "{hours:?} {closed:?}: {error}");
        }
    }

    #[test]
    fn civil_days_agree_with_chrono() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            let date = NaiveDate::from_ymd_opt(
                i32::try_from(y).unwrap(),
                u32::try_from(m).unwrap(),
                u32::try_from(d).unwrap(),
            )
            .unwrap();
            assert_eq!(
                date.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
                    .num_days(),
                days
            );
            assert_eq!(days_from_civil(y, m, d), days);
            assert_eq!(
                weekday(days),
                date.weekday().num_days_from_monday() as usize
            );
        }
    }
}
