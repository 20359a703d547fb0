//! The call record: how fresh a live call's status must be, and how long
//! calls are kept.

use super::ConfigError;
use super::vars::Vars;

/// The call record's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// A live call unchanged this long is looked up once
    /// (`STATUS_REFRESH_SECONDS`, default 15).
    pub status_refresh_ms: i64,
    /// Calls older than this many days are deleted (`CALL_RETENTION_DAYS`,
    /// default 90).
    pub retention_days: i64,
}

impl Record {
    /// `STATUS_REFRESH_SECONDS`, `CALL_RETENTION_DAYS`.
    ///
    /// # Errors
    /// A number outside its range.
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        Ok(Self {
            status_refresh_ms: vars.ranged("STATUS_REFRESH_SECONDS", 15, 1..=3_600)? * 1_000,
            retention_days: vars.ranged("CALL_RETENTION_DAYS", 90, 1..=3_650)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{config, config_with};

    #[test]
    fn a_live_call_is_refreshed_every_15_s_and_kept_90_days() {
        let record = config().record;
        assert_eq!(
            (record.status_refresh_ms, record.retention_days),
            (15_000, 90)
        );
        assert!(config_with(&[("CALL_RETENTION_DAYS", "0")]).is_err());
        assert!(config_with(&[("STATUS_REFRESH_SECONDS", "soon")]).is_err());
    }
}
