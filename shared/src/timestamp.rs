//! `Timestamp`: an RFC 3339 instant, parsed without a date library so the
//! widget's wasm stays small.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// An instant written as RFC 3339 (`2025-12-13T10:00:00.000Z`, or with an
/// offset such as `+01:00`).
///
/// The original text is kept (it is what goes back on the wire) together with
/// the instant in Unix milliseconds, which is what comparisons use: two texts
/// for the same instant in different offsets are equal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp {
    text: String,
    unix_millis: i64,
}

/// Why a string is not an RFC 3339 instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not of the form `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`.
    #[error("Use an RFC 3339 date and time, like 2025-12-13T10:00:00Z.")]
    Malformed,
    /// The date does not exist (month 13, February 30, ...).
    #[error("That date does not exist.")]
    NoSuchDate,
    /// The time of day or the offset is out of range.
    #[error("That time of day does not exist.")]
    NoSuchTime,
}

impl FieldError for TimestampError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed => ErrorCode::TimestampMalformed,
            Self::NoSuchDate => ErrorCode::TimestampNoSuchDate,
            Self::NoSuchTime => ErrorCode::TimestampNoSuchTime,
        }
    }

    fn field(&self) -> Option<&'static str> {
        None
    }
}

impl Timestamp {
    /// Parses RFC 3339 (`T` or `t` or a space between date and time, `Z` or
    /// `z` or an offset; any number of fraction digits, kept to milliseconds).
    ///
    /// # Errors
    /// A [`TimestampError`] saying whether the shape, the date or the time is wrong.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        let b = input.as_bytes();
        if b.len() < 20 || !b.is_ascii() {
            return Err(TimestampError::Malformed);
        }
        let shape_ok = b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'T' | b't' | b' ')
            && b[13] == b':'
            && b[16] == b':';
        if !shape_ok {
            return Err(TimestampError::Malformed);
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let hour = digits(&b[11..13])?;
        let minute = digits(&b[14..16])?;
        let second = digits(&b[17..19])?;
        let (millis, rest) = fraction(&b[19..])?;
        let offset_minutes = offset(rest)?;

        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(TimestampError::NoSuchDate);
        }
        // Second 60 is a leap second; it is read as the last millisecond of
        // the minute so ordering stays correct.
        if hour > 23 || minute > 59 || second > 60 {
            return Err(TimestampError::NoSuchTime);
        }
        let (second, millis) = if second == 60 {
            (59, 999)
        } else {
            (second, millis)
        };

        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
        Ok(Self {
            text: input.to_owned(),
            unix_millis: seconds * 1_000 + millis,
        })
    }

    /// The instant `unix_millis` after 1970-01-01T00:00:00Z, written in UTC
    /// with milliseconds, as the platform writes its timestamps.
    pub fn from_unix_millis(unix_millis: i64) -> Self {
        let days = unix_millis.div_euclid(86_400_000);
        let in_day = unix_millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1_000 % 60,
            in_day % 1_000
        );
        Self { text, unix_millis }
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        self.unix_millis
    }

    /// The text as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn digits(bytes: &[u8]) -> Result<i64, TimestampError> {
    bytes.iter().try_fold(0_i64, |acc, &b| {
        if b.is_ascii_digit() {
            Ok(acc * 10 + i64::from(b - b'0'))
        } else {
            Err(TimestampError::Malformed)
        }
    })
}

/// Reads `.fff...` if present: the milliseconds and what follows.
fn fraction(b: &[u8]) -> Result<(i64, &[u8]), TimestampError> {
    let Some(rest) = b.strip_prefix(b".") else {
        return Ok((0, b));
    };
    let count = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if count == 0 {
        return Err(TimestampError::Malformed);
    }
    let mut padded = [b'0'; 3];
    for (slot, digit) in padded.iter_mut().zip(&rest[..count]) {
        *slot = *digit;
    }
    Ok((digits(&padded)?, &rest[count..]))
}

/// Reads `Z` or `±HH:MM`, giving the offset east of UTC in minutes.
fn offset(b: &[u8]) -> Result<i64, TimestampError> {
    match b {
        [b'Z' | b'z'] => Ok(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return Err(TimestampError::NoSuchTime);
            }
            let total = hours * 60 + minutes;
            Ok(if *sign == b'-' { -total } else { total })
        }
        _ => Err(TimestampError::Malformed),
    }
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.unix_millis == other.unix_millis
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.unix_millis.cmp(&other.unix_millis)
    }
}

text_conversions!(Timestamp, TimestampError, |value| value.text);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_platform_format_is_read_to_the_millisecond() {
        let t = Timestamp::parse("2025-12-13T10:00:00.123Z").unwrap();
        assert_eq!(t.unix_millis(), 1_765_620_000_123);
    }

    #[test]
    fn the_epoch_is_zero() {
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:00Z")
                .unwrap()
                .unix_millis(),
            0
        );
    }

    #[test]
    fn an_offset_is_applied() {
        let utc = Timestamp::parse("2025-12-13T10:00:00Z").unwrap();
        let amsterdam = Timestamp::parse("2025-12-13T11:00:00+01:00").unwrap();
        let new_york = Timestamp::parse("2025-12-13T05:00:00-05:00").unwrap();
        assert_eq!(utc, amsterdam);
        assert_eq!(utc, new_york);
    }

    #[test]
    fn extra_fraction_digits_are_cut_to_milliseconds() {
        let t = Timestamp::parse("2025-12-13T10:00:00.123456789Z").unwrap();
        assert_eq!(t.unix_millis() % 1_000, 123);
        let t = Timestamp::parse("2025-12-13T10:00:00.5Z").unwrap();
        assert_eq!(t.unix_millis() % 1_000, 500);
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        assert!(Timestamp::parse("2024-02-29T00:00:00Z").is_ok());
        assert!(Timestamp::parse("2000-02-29T00:00:00Z").is_ok());
        assert_eq!(
            Timestamp::parse("2025-02-29T00:00:00Z"),
            Err(TimestampError::NoSuchDate)
        );
        assert_eq!(
            Timestamp::parse("1900-02-29T00:00:00Z"),
            Err(TimestampError::NoSuchDate)
        );
    }

    #[test]
    fn malformed_timestamps_are_rejected() {
        use TimestampError::*;
        let cases = [
            ("", Malformed),
            ("2025-12-13", Malformed),
            ("2025-12-13T10:00:00", Malformed),
            ("2025-12-13T10:00Z", Malformed),
            ("2025/12/13T10:00:00Z", Malformed),
            ("2025-12-13T10:00:00.Z", Malformed),
            ("2025-12-13T10:00:00+0100", Malformed),
            ("2025-12-13T10:00:00 Z", Malformed),
            ("２025-12-13T10:00:00Z", Malformed),
            ("2025-13-01T00:00:00Z", NoSuchDate),
            ("2025-00-01T00:00:00Z", NoSuchDate),
            ("2025-04-31T00:00:00Z", NoSuchDate),
            ("2025-12-13T24:00:00Z", NoSuchTime),
            ("2025-12-13T10:60:00Z", NoSuchTime),
            ("2025-12-13T10:00:61Z", NoSuchTime),
            ("2025-12-13T10:00:00+24:00", NoSuchTime),
        ];
        for (input, expected) in cases {
            assert_eq!(Timestamp::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn formatting_uses_the_platform_format() {
        assert_eq!(
            Timestamp::from_unix_millis(1_765_620_000_123).as_str(),
            "2025-12-13T10:00:00.123Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(-1).as_str(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    proptest! {
        #[test]
        fn formatted_instants_parse_back_to_themselves(
            millis in -62_135_596_800_000_i64..253_402_300_799_999
        ) {
            let t = Timestamp::from_unix_millis(millis);
            let parsed = Timestamp::parse(t.as_str()).unwrap();
            prop_assert_eq!(parsed.unix_millis(), millis);
            let json = serde_json::to_string(&t).unwrap();
            let back: Timestamp = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.as_str(), t.as_str());
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = Timestamp::parse(&input);
        }

        #[test]
        fn parsing_near_misses_never_panics(input in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.+Zz-]{0,20}") {
            let _ = Timestamp::parse(&input);
        }
    }
}
