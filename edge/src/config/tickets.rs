//! Callback tickets: the key that signs them and how long they live.

use super::vars::Vars;
use super::{ConfigError, Secret, signing_secret};

/// What signs and bounds the tickets the widget follows a call with.
#[derive(Debug, Clone)]
pub struct Tickets {
    /// Key that signs callback tickets. Kept as its problem when missing or
    /// too short: only the callback routes need it, and they answer 500
    /// `misconfigured` while the rest of the edge works.
    pub secret: Result<Secret, ConfigError>,
    /// How long a ticket lets its holder read the call's status.
    pub ttl_ms: i64,
}

impl Tickets {
    /// `TICKET_SECRET`, `TICKET_TTL_SECONDS`.
    ///
    /// # Errors
    /// A lifetime that is not a whole number (the secret's problem is kept,
    /// not returned).
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        Ok(Self {
            secret: vars
                .required("TICKET_SECRET")
                .and_then(|v| signing_secret("TICKET_SECRET", v)),
            ttl_ms: i64::try_from(vars.number("TICKET_TTL_SECONDS", 3_600)?.clamp(60, 86_400))
                .unwrap_or(3_600)
                * 1_000,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{config, config_with};

    #[test]
    fn a_ticket_lives_an_hour_unless_set_within_a_minute_and_a_day() {
        assert_eq!(config().tickets.ttl_ms, 3_600_000);
        let short = config_with(&[("TICKET_TTL_SECONDS", "5")]).unwrap();
        assert_eq!(short.tickets.ttl_ms, 60_000);
        let long = config_with(&[("TICKET_TTL_SECONDS", "999999")]).unwrap();
        assert_eq!(long.tickets.ttl_ms, 86_400_000);
    }
}
