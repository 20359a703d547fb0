//! The voice platform: where it is, the key, how the key is sent, and how
//! long an answer may take.

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
        })
    }
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
    }

    #[test]
    fn an_empty_scheme_sends_the_bare_key_and_the_timeout_is_clamped() {
        let set =
            config_with(&[("UPSTREAM_AUTH_SCHEME", ""), ("UPSTREAM_TIMEOUT_MS", "5")]).unwrap();
        assert_eq!(set.upstream.auth_scheme, "");
        assert_eq!(set.upstream.timeout_ms, 100);
    }
}
