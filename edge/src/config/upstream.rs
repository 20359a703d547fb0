//! The voice platform: where it is, the key, how the key is sent, and how
//! long an answer may take.

use crate::budget::Budget;

use super::vars::{Vars, invalid};
use super::{ConfigError, Secret};

/// How the edge reaches the platform.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// Base URL of the voice platform, without a trailing slash.
    pub url: String,
    /// The platform key.
    pub api_key: Secret,
    /// Header that carries the key (default `Authorization`).
    pub auth_header: String,
    /// Scheme before the key (default `Bearer`; empty sends the bare key).
    pub auth_scheme: String,
    /// Upstream time limit in milliseconds.
    pub timeout_ms: u64,
    /// The key's budget (`PLATFORM_RATE_LIMIT`, `PLATFORM_RESERVE`).
    pub budget: Budget,
    /// The agent's webhook secret; without it `POST /api/platform/events`
    /// is 404 (`PLATFORM_WEBHOOK_SECRET`).
    pub webhook_secret: Option<Secret>,
    /// How long after a maybe-placed request the platform's list is taken
    /// at its word: a call still missing then was not placed, and a retry
    /// may send it (`MAYBE_PLACED_SECONDS`, default 30).
    pub maybe_placed_ms: i64,
}

impl Upstream {
    /// `UPSTREAM_URL`, `VOICE_API_KEY`, `UPSTREAM_AUTH_HEADER`,
    /// `UPSTREAM_AUTH_SCHEME`, `UPSTREAM_TIMEOUT_MS`.
    ///
    /// # Errors
    /// A missing URL or key, a URL that is not http(s), a bad timeout.
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        let url = vars
            .required("UPSTREAM_URL")?
            .trim_end_matches('/')
            .to_owned();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(invalid(
                "UPSTREAM_URL",
                "must start with https:// or http://",
            ));
        }
        Ok(Self {
            url,
            api_key: Secret::new(vars.required("VOICE_API_KEY")?),
            auth_header: vars
                .get("UPSTREAM_AUTH_HEADER")
                .unwrap_or_else(|| "Authorization".into()),
            // Set but empty is a choice here (send the bare key), so the
            // raw value is read.
            auth_scheme: vars
                .raw("UPSTREAM_AUTH_SCHEME")
                .map_or_else(|| "Bearer".into(), |s| s.trim().to_owned()),
            timeout_ms: vars
                .number("UPSTREAM_TIMEOUT_MS", 10_000)?
                .clamp(100, 60_000),
            budget: budget(vars)?,
            webhook_secret: vars.get("PLATFORM_WEBHOOK_SECRET").map(Secret::new),
            maybe_placed_ms: vars.ranged("MAYBE_PLACED_SECONDS", 30, 1..=600)? * 1_000,
        })
    }
}

/// `PLATFORM_RATE_LIMIT` (default the platform's documented `100/1m`) and
/// `PLATFORM_RESERVE` (default 20, less than the limit).
fn budget(vars: &Vars) -> Result<Budget, ConfigError> {
    let rule = vars.rule("PLATFORM_RATE_LIMIT", "100/1m")?;
    let reserve = u32::try_from(vars.number("PLATFORM_RESERVE", 20)?).unwrap_or(u32::MAX);
    if reserve >= rule.count {
        return Err(invalid(
            "PLATFORM_RESERVE",
            format!("{reserve} leaves nothing of PLATFORM_RATE_LIMIT for reading"),
        ));
    }
    Ok(Budget { rule, reserve })
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{config, config_with};

    #[test]
    fn the_platform_defaults_are_the_documented_ones() {
        let upstream = config().upstream;
        assert_eq!(upstream.url, "http://127.0.0.1:8789");
        assert_eq!(upstream.auth_header, "Authorization");
        assert_eq!(upstream.auth_scheme, "Bearer");
        assert_eq!(upstream.timeout_ms, 10_000);
        assert_eq!(upstream.budget.rule.count, 100);
        assert_eq!(upstream.budget.rule.window_ms, 60_000);
        assert_eq!(upstream.budget.reserve, 20);
        assert!(upstream.webhook_secret.is_none());
        assert_eq!(upstream.maybe_placed_ms, 30_000);
    }

    #[test]
    fn a_reserve_must_leave_room_for_reading() {
        let error = config_with(&[("PLATFORM_RATE_LIMIT", "10/1m"), ("PLATFORM_RESERVE", "10")])
            .unwrap_err();
        assert!(
            error.to_string().starts_with("PLATFORM_RESERVE is invalid"),
            "{error}"
        );
        assert!(config_with(&[("PLATFORM_RATE_LIMIT", "many")]).is_err());
    }

    #[test]
    fn an_empty_scheme_sends_the_bare_key_and_the_timeout_is_clamped() {
        let set =
            config_with(&[("UPSTREAM_AUTH_SCHEME", ""), ("UPSTREAM_TIMEOUT_MS", "5")]).unwrap();
        assert_eq!(set.upstream.auth_scheme, "");
        assert_eq!(set.upstream.timeout_ms, 100);
    }
}
