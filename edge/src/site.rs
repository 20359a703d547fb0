//! The site as one isolate knows it: its configuration and its time zone,
//! made once (the zone checked when the isolate starts) and handed to every
//! request, so no handler looks the zone up again.

use std::rc::Rc;

use callme_shared::Hours;

use crate::config::EdgeConfig;
use crate::hours::{self, Zone};

/// How far ahead the next opening is looked for.
const NEXT_OPEN_HORIZON_DAYS: i64 = 60;

/// A deployment's settings with its zone.
pub struct Site {
    /// Every setting, parsed.
    pub config: EdgeConfig,
    /// `config.booking.time_zone`, known to the runtime.
    pub zone: Rc<dyn Zone>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("config", &self.config)
            .field("zone", &self.config.booking.time_zone)
            .finish()
    }
}

impl Site {
    /// Whether the site is open at `now_ms`, and when it opens next.
    pub fn hours(&self, now_ms: i64) -> Hours {
        let booking = &self.config.booking;
        let open_now = booking.schedule.is_open(&*self.zone, now_ms);
        let next_open = (!open_now)
            .then(|| {
                booking
                    .schedule
                    .next_open(&*self.zone, now_ms, NEXT_OPEN_HORIZON_DAYS)
            })
            .flatten()
            .map(|at| self.local(at));
        Hours {
            time_zone: booking.time_zone.clone(),
            open_now,
            next_open,
        }
    }

    /// The bookable slot starts of the next `days` days (full ones
    /// included: only the Scheduler knows those).
    pub fn slots(&self, now_ms: i64, days: i64) -> Vec<i64> {
        let booking = &self.config.booking;
        booking
            .schedule
            .slots(&*self.zone, now_ms, booking.slot_minutes, days)
    }

    /// An instant in RFC 3339 with the site's offset.
    pub fn local(&self, utc_ms: i64) -> String {
        hours::local_rfc3339(&*self.zone, utc_ms)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::tests::config_with;
    use crate::hours::FixedZone;

    /// A site with `overrides`, in a fixed offset of `offset_minutes`.
    pub(crate) fn site_with(
        overrides: &[(&'static str, &'static str)],
        offset_minutes: i32,
    ) -> Site {
        Site {
            config: config_with(overrides).unwrap(),
            zone: Rc::new(FixedZone(offset_minutes)),
        }
    }

    /// Monday 2025-12-15 10:00 UTC.
    const MONDAY_10: i64 = 1_765_792_800_000;

    #[test]
    fn a_closed_site_says_when_it_opens_in_its_own_offset() {
        let site = site_with(&[("OPENING_HOURS", "mon-fri 12:00-17:00")], 60);
        let hours = site.hours(MONDAY_10);
        assert!(!hours.open_now);
        assert_eq!(
            hours.next_open.as_deref(),
            Some("2025-12-15T12:00:00+01:00")
        );
        assert!(site.hours(MONDAY_10 + 2 * 3_600_000).open_now);
    }

    #[test]
    fn slots_start_on_the_slot_grid_and_print_with_the_offset() {
        let site = site_with(&[("SLOT_MINUTES", "30")], 60);
        let slots = site.slots(MONDAY_10 + 60_000, 1);
        assert_eq!(site.local(slots[0]), "2025-12-15T11:30:00+01:00");
        assert!(slots.windows(2).all(|w| w[1] - w[0] == 1_800_000));
    }
}
