//! When callbacks are taken and booked: the site's zone, its opening
//! hours, and the slots a visitor may book.

use crate::hours::Schedule;

use super::ConfigError;
use super::vars::{Vars, invalid};

/// The site's time and its bookable slots.
#[derive(Debug, Clone)]
pub struct Booking {
    /// The site's time zone (`TIME_ZONE`, an IANA name; checked against
    /// workerd's `Intl` when the isolate starts).
    pub time_zone: String,
    /// When callbacks are taken (`OPENING_HOURS`, `CLOSED_DATES`).
    pub schedule: Schedule,
    /// Minutes between bookable slots (`SLOT_MINUTES`).
    pub slot_minutes: i64,
    /// Callbacks booked per slot (`SLOT_CAPACITY`).
    pub slot_capacity: u32,
    /// Days ahead a slot may be booked (`SCHEDULE_DAYS`).
    pub schedule_days: i64,
}

impl Booking {
    /// `TIME_ZONE`, `OPENING_HOURS`, `CLOSED_DATES`, `SLOT_MINUTES`,
    /// `SLOT_CAPACITY`, `SCHEDULE_DAYS`.
    ///
    /// # Errors
    /// A zone name that cannot be one, hours or dates that do not parse,
    /// slot numbers outside their ranges.
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        let time_zone = vars.get("TIME_ZONE").unwrap_or_else(|| "UTC".into());
        let plausible = time_zone.len() <= 64
            && time_zone
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
        if !plausible {
            return Err(invalid(
                "TIME_ZONE",
                format!("{time_zone:?} is not an IANA time zone like Europe/Amsterdam"),
            ));
        }
        let hours = vars.get("OPENING_HOURS");
        // The hours alone first, so a mistake in them is not blamed on the
        // closed dates.
        Schedule::parse(hours.as_deref(), None).map_err(|r| invalid("OPENING_HOURS", r))?;
        let schedule = Schedule::parse(hours.as_deref(), vars.get("CLOSED_DATES").as_deref())
            .map_err(|r| invalid("CLOSED_DATES", r))?;
        Ok(Self {
            time_zone,
            schedule,
            slot_minutes: vars.ranged("SLOT_MINUTES", 15, 1..=240)?,
            slot_capacity: u32::try_from(vars.ranged("SLOT_CAPACITY", 4, 1..=1_000)?).unwrap_or(1),
            schedule_days: vars.ranged("SCHEDULE_DAYS", 7, 1..=60)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{config, config_with};

    #[test]
    fn a_site_without_settings_is_utc_always_open_in_quarter_hours() {
        let booking = config().booking;
        assert_eq!(booking.time_zone, "UTC");
        assert_eq!(
            (
                booking.slot_minutes,
                booking.slot_capacity,
                booking.schedule_days
            ),
            (15, 4, 7)
        );
        assert!(booking.schedule.is_open(&crate::hours::FixedZone(0), 0));
    }

    #[test]
    fn a_mistake_in_the_hours_is_not_blamed_on_the_closed_dates() {
        let error =
            config_with(&[("OPENING_HOURS", "weekdays 9-5"), ("CLOSED_DATES", "x")]).unwrap_err();
        assert!(error.to_string().starts_with("OPENING_HOURS"), "{error}");
    }
}
