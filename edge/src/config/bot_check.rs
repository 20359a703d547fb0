//! The optional bot check (Cloudflare Turnstile).

use super::Secret;
use super::vars::Vars;

/// The Turnstile verification endpoint documented by Cloudflare.
pub const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// Turnstile's keys and endpoint.
#[derive(Debug, Clone)]
pub struct BotCheck {
    /// Turnstile secret; when set, callbacks need a valid Turnstile token.
    pub secret: Option<Secret>,
    /// Turnstile site key handed to the widget.
    pub sitekey: Option<String>,
    /// Where Turnstile tokens are verified.
    pub verify_url: String,
}

impl BotCheck {
    /// `TURNSTILE_SECRET`, `TURNSTILE_SITEKEY`, `TURNSTILE_VERIFY_URL`.
    pub fn read(vars: &Vars) -> Self {
        Self {
            secret: vars.get("TURNSTILE_SECRET").map(Secret::new),
            sitekey: vars.get("TURNSTILE_SITEKEY"),
            verify_url: vars
                .get("TURNSTILE_VERIFY_URL")
                .unwrap_or_else(|| TURNSTILE_VERIFY_URL.into()),
        }
    }

    /// Whether callbacks must pass the bot check.
    pub fn on(&self) -> bool {
        self.secret.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::{config, config_with};

    #[test]
    fn the_bot_check_is_off_until_its_secret_is_set() {
        let off = config().bot_check;
        assert!(!off.on());
        assert_eq!(off.verify_url, TURNSTILE_VERIFY_URL);
        let on =
            config_with(&[("TURNSTILE_SECRET", "1x0000000000000000000000000000000AA")]).unwrap();
        assert!(on.bot_check.on());
    }
}
