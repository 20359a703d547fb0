//! The abuse limits: per client, per number, for everybody, and on the
//! reading routes.

use crate::limits::RateRule;

use super::ConfigError;
use super::vars::Vars;

/// How often who may do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Callbacks per client: an IPv4 address or an IPv6 /64.
    pub per_ip: RateRule,
    /// Callbacks per IPv6 /48 (a wider budget for what one site holds).
    pub per_network: RateRule,
    /// Callbacks per destination number, short term.
    pub per_phone: RateRule,
    /// Callbacks per destination number, per day.
    pub per_phone_daily: RateRule,
    /// Callbacks per hour, all together (so nobody spends the day's cap in
    /// minutes).
    pub hourly_cap: u32,
    /// Callbacks per day (any 24 hours), all together.
    pub daily_cap: u32,
    /// Status polls per ticket (kept per isolate).
    pub status_per_ticket: RateRule,
    /// History requests per portal token (kept by the Guard).
    pub history_per_token: RateRule,
    /// `GET /api/slots` per client (kept per isolate).
    pub slots_per_client: RateRule,
    /// `DELETE /api/callback` per ticket (kept per isolate).
    pub cancel_per_ticket: RateRule,
}

impl Limits {
    /// `RATE_LIMIT_*` (`RATE_LIMIT_SLOTS` per client and
    /// `RATE_LIMIT_CANCEL` per ticket among them), `HOURLY_CAP`,
    /// `DAILY_CAP`.
    ///
    /// # Errors
    /// A rule or cap that does not parse.
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        let cap = |name, default| {
            vars.number(name, default)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        Ok(Self {
            per_ip: vars.rule("RATE_LIMIT_PER_IP", "5/1h")?,
            per_network: vars.rule("RATE_LIMIT_PER_NETWORK", "15/1h")?,
            per_phone: vars.rule("RATE_LIMIT_PER_PHONE", "3/1h")?,
            per_phone_daily: vars.rule("RATE_LIMIT_PER_PHONE_DAILY", "6/1d")?,
            hourly_cap: cap("HOURLY_CAP", 50)?,
            status_per_ticket: vars.rule("RATE_LIMIT_STATUS", "120/1m")?,
            history_per_token: vars.rule("RATE_LIMIT_HISTORY", "30/1m")?,
            slots_per_client: vars.rule("RATE_LIMIT_SLOTS", "60/1m")?,
            cancel_per_ticket: vars.rule("RATE_LIMIT_CANCEL", "10/1m")?,
            daily_cap: cap("DAILY_CAP", 200)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::{config, config_with};

    #[test]
    fn the_limits_default_to_the_documented_rules() {
        let limits = config().limits;
        assert_eq!(limits.per_ip, RateRule::parse("5/1h").unwrap());
        assert_eq!(limits.per_network, RateRule::parse("15/1h").unwrap());
        assert_eq!(limits.per_phone, RateRule::parse("3/1h").unwrap());
        assert_eq!(limits.per_phone_daily, RateRule::parse("6/1d").unwrap());
        assert_eq!((limits.hourly_cap, limits.daily_cap), (50, 200));
    }

    #[test]
    fn slot_listings_and_cancellations_have_limits_of_their_own() {
        let limits = config().limits;
        assert_eq!(limits.slots_per_client, RateRule::parse("60/1m").unwrap());
        assert_eq!(limits.cancel_per_ticket, RateRule::parse("10/1m").unwrap());
        let set = config_with(&[("RATE_LIMIT_SLOTS", "5/10s"), ("RATE_LIMIT_CANCEL", "2/1h")])
            .unwrap()
            .limits;
        assert_eq!(set.slots_per_client, RateRule::parse("5/10s").unwrap());
        assert_eq!(set.cancel_per_ticket, RateRule::parse("2/1h").unwrap());
        assert!(config_with(&[("RATE_LIMIT_SLOTS", "often")]).is_err());
    }

    #[test]
    fn a_cap_too_large_for_the_counter_is_as_good_as_none() {
        let set = config_with(&[("DAILY_CAP", "99999999999")]).unwrap();
        assert_eq!(set.limits.daily_cap, u32::MAX);
        assert!(config_with(&[("HOURLY_CAP", "-1")]).is_err());
    }
}
