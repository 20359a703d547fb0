//! The customer portal: its token key and rules, and how much history one
//! request may read.

use callme_shared::PageLimit;

use super::vars::{Vars, duration_seconds, invalid};
use super::{ConfigError, Secret, signing_secret};

/// What a portal token must be and what it may read.
#[derive(Debug, Clone)]
pub struct Portal {
    /// HS256 key of portal tokens; `/api/calls` refuses every token without
    /// it, and answers 500 `misconfigured` while it is too short.
    pub secret: Option<Result<Secret, ConfigError>>,
    /// What portal tokens must satisfy beyond their signature.
    pub rules: crate::token::Rules,
    /// The largest page `/api/calls` asks upstream for.
    pub history_max_limit: PageLimit,
    /// How many calls `/api/calls` may scan upstream to apply a token's
    /// phone or agent restriction.
    pub history_scan_max: u32,
}

impl Portal {
    /// `PORTAL_TOKEN_SECRET`, `PORTAL_TOKEN_MAX_TTL`, `PORTAL_TOKEN_AUDIENCE`,
    /// `PORTAL_TOKEN_ISSUER`, `HISTORY_MAX_LIMIT`, `HISTORY_SCAN_MAX`.
    ///
    /// # Errors
    /// A lifetime or page size that does not parse (the secret's problem is
    /// kept, not returned).
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        let max_ttl_s = match vars.get("PORTAL_TOKEN_MAX_TTL") {
            None => 24 * 3_600,
            Some(v) => duration_seconds(&v).ok_or_else(|| {
                invalid(
                    "PORTAL_TOKEN_MAX_TTL",
                    format!("{v:?} is not a duration like 24h or 3600s"),
                )
            })?,
        };
        let history_max_limit =
            PageLimit::new(u32::try_from(vars.number("HISTORY_MAX_LIMIT", 200)?).unwrap_or(0))
                .map_err(|e| invalid("HISTORY_MAX_LIMIT", e.to_string()))?;
        Ok(Self {
            secret: vars
                .get("PORTAL_TOKEN_SECRET")
                .map(|v| signing_secret("PORTAL_TOKEN_SECRET", v)),
            rules: crate::token::Rules {
                max_ttl_s,
                audience: vars.get("PORTAL_TOKEN_AUDIENCE"),
                issuer: vars.get("PORTAL_TOKEN_ISSUER"),
            },
            history_max_limit,
            history_scan_max: u32::try_from(
                vars.number("HISTORY_SCAN_MAX", 5_000)?.clamp(1_000, 20_000),
            )
            .unwrap_or(5_000),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{config, config_with};

    #[test]
    fn portal_token_rules_come_from_their_settings() {
        assert_eq!(config().portal.rules, crate::token::Rules::default());
        let set = config_with(&[
            ("PORTAL_TOKEN_MAX_TTL", "2h"),
            ("PORTAL_TOKEN_AUDIENCE", "callme"),
            ("PORTAL_TOKEN_ISSUER", "https://portal.example"),
        ])
        .unwrap();
        assert_eq!(set.portal.rules.max_ttl_s, 7_200);
        assert_eq!(set.portal.rules.audience.as_deref(), Some("callme"));
        assert_eq!(
            set.portal.rules.issuer.as_deref(),
            Some("https://portal.example")
        );
        assert!(config_with(&[("PORTAL_TOKEN_MAX_TTL", "forever")]).is_err());
    }

    #[test]
    fn history_pages_and_scans_stay_within_their_bounds() {
        let portal = config().portal;
        assert_eq!(
            (portal.history_max_limit.get(), portal.history_scan_max),
            (200, 5_000)
        );
        let set = config_with(&[("HISTORY_SCAN_MAX", "1")]).unwrap();
        assert_eq!(set.portal.history_scan_max, 1_000);
        assert!(config_with(&[("HISTORY_MAX_LIMIT", "0")]).is_err());
        assert!(config_with(&[("HISTORY_MAX_LIMIT", "1001")]).is_err());
    }
}
