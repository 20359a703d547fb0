//! The worker's configuration, read from `[vars]` and secrets. Every knob has
//! a safe default except the ones a deployment must choose (upstream, key,
//! agents, origins, countries, ticket secret). Settings come in sections,
//! each read from the same [`Vars`] by its own `read`.

mod booking;
mod bot_check;
mod control;
mod limits;
mod portal;
mod public;
mod record;
mod tickets;
mod upstream;
mod vars;

use std::fmt;

pub use booking::Booking;
pub use bot_check::{BotCheck, TURNSTILE_VERIFY_URL};
pub use control::{Control, TEXT_PLACEHOLDER};
pub use limits::Limits;
pub use portal::Portal;
pub use public::{Public, VisitorText, normalize_origin};
pub use record::Record;
pub use tickets::Tickets;
pub use upstream::Upstream;
pub use vars::Vars;

/// A secret string; its `Debug` never shows the value, so it cannot reach a
/// log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for signing or for the upstream header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why the configuration is unusable. Names the setting, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required setting is absent or empty.
    #[error("{0} is not set")]
    Missing(&'static str),
    /// A setting still holds the placeholder of `[env.production]` in
    /// wrangler.toml (see [`PLACEHOLDER`]): the site owner has yet to choose.
    #[error(
        "{0} is still the placeholder of wrangler.toml (REPLACE-ME...): set it before deploying"
    )]
    Placeholder(String),
    /// A setting does not parse.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The setting.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// Every setting of the worker, parsed, by section.
#[derive(Debug, Clone)]
pub struct EdgeConfig {
    /// The voice platform.
    pub upstream: Upstream,
    /// What visitors may ask for, and from where.
    pub public: Public,
    /// The optional bot check.
    pub bot_check: BotCheck,
    /// Rate limits and caps.
    pub limits: Limits,
    /// Callback tickets.
    pub tickets: Tickets,
    /// Portal tokens and history.
    pub portal: Portal,
    /// Opening hours and bookable slots.
    pub booking: Booking,
    /// The call record.
    pub record: Record,
    /// Live call control.
    pub control: Control,
}

/// How a value of wrangler.toml's `[env.production.vars]` that the site
/// owner must choose begins. Such a value is refused by name at an
/// isolate's start, whatever the rest of it says, so a deployment that
/// skipped a setting fails loudly instead of running with an example's
/// values (a shop's origin, a greeting naming another business).
pub const PLACEHOLDER: &str = "REPLACE-ME";

/// The shortest signing key accepted: HS256 keys shorter than the hash
/// (32 bytes) are guessable offline from one token or ticket (RFC 7518 3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// A signing secret, checked for length.
fn signing_secret(name: &'static str, value: String) -> Result<Secret, ConfigError> {
    if value.len() < MIN_SECRET_BYTES {
        return Err(ConfigError::Invalid {
            name,
            reason: format!("must be at least {MIN_SECRET_BYTES} bytes of random data"),
        });
    }
    Ok(Secret::new(value))
}

impl EdgeConfig {
    /// Reads every setting through `lookup` (vars and secrets alike).
    ///
    /// # Errors
    /// The first [`ConfigError`]; it names the setting, never its value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        // The first setting read that holds the placeholder. It wins over
        // whatever parse error its text caused, since that error would
        // send the site owner after the wrong problem.
        let placeholder = std::cell::RefCell::new(None::<String>);
        let watched = |name: &str| {
            let value = lookup(name);
            if value
                .as_deref()
                .is_some_and(|v| v.trim_start().starts_with(PLACEHOLDER))
            {
                placeholder
                    .borrow_mut()
                    .get_or_insert_with(|| name.to_owned());
            }
            value
        };
        let read = Self::read(&Vars::new(&watched));
        match placeholder.into_inner() {
            Some(name) => Err(ConfigError::Placeholder(name)),
            None => read,
        }
    }

    fn read(vars: &Vars) -> Result<Self, ConfigError> {
        let public = Public::read(vars)?;
        Ok(Self {
            upstream: Upstream::read(vars)?,
            control: Control::read(vars, &public)?,
            public,
            bot_check: BotCheck::read(vars),
            limits: Limits::read(vars)?,
            tickets: Tickets::read(vars)?,
            portal: Portal::read(vars)?,
            booking: Booking::read(vars)?,
            record: Record::read(vars)?,
        })
    }

    /// The ticket key, or the 500 that its absence is.
    ///
    /// # Errors
    /// The configuration problem, for routes that sign or read tickets.
    pub fn ticket_key(&self) -> Result<&Secret, ConfigError> {
        self.tickets.secret.as_ref().map_err(Clone::clone)
    }

    /// The key that signs and opens tickets on the host `host` (the edge's
    /// own, from the request's URL): `TICKET_SECRET` bound to the
    /// deployment, so a ticket of one deployment is not valid on another
    /// that shares the secret (staging and production, say).
    ///
    /// # Errors
    /// As [`Self::ticket_key`].
    pub fn ticket_key_for(&self, host: &str) -> Result<Secret, ConfigError> {
        let secret = self.ticket_key()?;
        let bound = crate::sign::hmac(
            secret.expose().as_bytes(),
            format!("callme-ticket|{}", host.to_ascii_lowercase()).as_bytes(),
        );
        Ok(Secret::new(crate::sign::b64(&bound)))
    }

    /// What an operator must fix, for `/api/health` and the log: each
    /// problem breaks only the routes that need the setting.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(error) = &self.tickets.secret {
            problems.push(error.to_string());
        }
        if let Some(Err(error)) = &self.portal.secret {
            problems.push(error.to_string());
        }
        problems
    }
}

/// What `/api/health` and an isolate's first log line say: never a value,
/// only whether the bot check runs and which settings need fixing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// No problem found.
    pub ok: bool,
    /// `on` with `TURNSTILE_SECRET`, else `off` (anyone may script callbacks
    /// up to the rate limits).
    pub bot_check: &'static str,
    /// Settings to fix, each naming the setting, never its value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// `out` while the platform's last word here was 402 (no credits left):
    /// callbacks fail until the account is topped up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<&'static str>,
}

impl Health {
    /// This health, knowing whether the platform said it has no credits.
    pub fn with_credits(mut self, out_of_credits: bool) -> Self {
        self.credits = out_of_credits.then_some("out");
        self.ok = self.ok && !out_of_credits;
        self
    }
}

/// The health of a parsed configuration.
pub fn health(config: &EdgeConfig) -> Health {
    let problems = config.problems();
    Health {
        ok: problems.is_empty(),
        bot_check: if config.bot_check.on() { "on" } else { "off" },
        problems,
        credits: None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::limits::RateRule;
    use callme_shared::{AgentAlias, Locale};

    pub(crate) fn settings() -> Vec<(&'static str, &'static str)> {
        vec![
            ("UPSTREAM_URL", "http://127.0.0.1:8789/"),
            ("VOICE_API_KEY", "sk-test-secret"),
            (
                "AGENTS",
                "support=0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01, sales=5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12",
            ),
            (
                "ALLOWED_ORIGINS",
                "https://shop.example, http://127.0.0.1:8787",
            ),
            ("ALLOWED_COUNTRIES", "NL,BE,gb"),
            ("TICKET_SECRET", "ticket-secret-ticket-secret-0123456789"),
            (
                "PORTAL_TOKEN_SECRET",
                "portal-secret-portal-secret-0123456789",
            ),
            ("FIRST_MESSAGE", "Hello, you asked us to call you back."),
            (
                "FIRST_MESSAGE_NL",
                "Hallo, u vroeg ons om u terug te bellen.",
            ),
        ]
    }

    pub(crate) fn config_with(
        overrides: &[(&'static str, &'static str)],
    ) -> Result<EdgeConfig, ConfigError> {
        let mut all = settings();
        all.retain(|(k, _)| !overrides.iter().any(|(o, _)| o == k));
        all.extend_from_slice(overrides);
        EdgeConfig::from_lookup(|name| {
            all.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    pub(crate) fn config() -> EdgeConfig {
        config_with(&[]).unwrap()
    }

    #[test]
    fn visitor_text_to_the_agent_is_name_and_note_unless_set() {
        let all = VisitorText {
            name: true,
            note: true,
        };
        assert_eq!(config().public.visitor_text, all);
        for (text, name, note) in [
            ("name", true, false),
            ("note", false, true),
            ("none", false, false),
            ("NOTE, name", true, true),
        ] {
            assert_eq!(
                VisitorText::parse(text),
                Ok(VisitorText { name, note }),
                "{text}"
            );
        }
        for bad in ["names", "name,none", "email"] {
            assert!(VisitorText::parse(bad).is_err(), "{bad}");
            assert!(
                config_with(&[("VISITOR_TEXT_TO_AGENT", bad)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn short_or_missing_signing_secrets_are_problems_of_their_routes_only() {
        let short = config_with(&[
            ("TICKET_SECRET", "only-twenty-bytes-xx"),
            ("PORTAL_TOKEN_SECRET", "0123456789abcdef0123456789abcde"),
        ])
        .unwrap();
        assert!(short.ticket_key().is_err());
        assert!(matches!(short.portal.secret, Some(Err(_))));
        let problems = short.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("TICKET_SECRET is invalid: must be at least 32 bytes"));
        assert!(!problems.join(" ").contains("only-twenty"));
        let all: Vec<(&str, String)> = settings()
            .into_iter()
            .filter(|(k, _)| *k != "TICKET_SECRET")
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
        let missing = EdgeConfig::from_lookup(|name| {
            all.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
        })
        .unwrap();
        assert_eq!(
            missing.ticket_key().err(),
            Some(ConfigError::Missing("TICKET_SECRET"))
        );
        assert!(config().problems().is_empty());
    }

    #[test]
    fn a_ticket_key_is_bound_to_its_deployments_host() {
        let config = config();
        let a = config.ticket_key_for("callme.example.workers.dev").unwrap();
        let b = config
            .ticket_key_for("callme-staging.example.workers.dev")
            .unwrap();
        assert_ne!(a, b);
        assert_eq!(
            a,
            config.ticket_key_for("CALLME.example.workers.dev").unwrap()
        );
        assert_ne!(a.expose(), config.ticket_key().unwrap().expose());
        let ticket = crate::ticket::issue(
            a.expose(),
            &callme_shared::CallId::parse("c1").unwrap(),
            0,
            60_000,
        );
        assert!(crate::ticket::open(a.expose(), &ticket, 1).is_ok());
        assert!(crate::ticket::open(b.expose(), &ticket, 1).is_err());
    }

    #[test]
    fn health_says_whether_the_bot_check_runs_and_what_to_fix() {
        let off = health(&config());
        assert_eq!((off.ok, off.bot_check), (true, "off"));
        let on =
            config_with(&[("TURNSTILE_SECRET", "1x0000000000000000000000000000000AA")]).unwrap();
        assert_eq!(health(&on).bot_check, "on");
        let short = config_with(&[("TICKET_SECRET", "short")]).unwrap();
        let sick = health(&short);
        assert!(!sick.ok);
        assert_eq!(sick.problems.len(), 1);
        assert!(!serde_json::to_string(&sick).unwrap().contains("short\""));
        let broke = health(&config()).with_credits(true);
        assert_eq!((broke.ok, broke.credits), (false, Some("out")));
        let json = serde_json::to_string(&health(&config()).with_credits(false)).unwrap();
        assert!(!json.contains("credits"), "{json}");
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let config = config();
        assert_eq!(config.upstream.url, "http://127.0.0.1:8789");
        assert_eq!(config.upstream.auth_header, "Authorization");
        assert_eq!(config.upstream.auth_scheme, "Bearer");
        assert_eq!(config.upstream.timeout_ms, 10_000);
        assert_eq!(config.public.default_country.as_str(), "NL");
        assert!(config.public.consent_required);
        assert_eq!(config.limits.per_ip, RateRule::parse("5/1h").unwrap());
        assert_eq!(config.limits.daily_cap, 200);
        assert!(config.bot_check.secret.is_none());
        assert_eq!(config.bot_check.verify_url, TURNSTILE_VERIFY_URL);
    }

    #[test]
    fn the_first_agent_is_the_default() {
        let config = config();
        assert_eq!(
            config.public.agent(None).unwrap().as_str(),
            "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01"
        );
        let sales = AgentAlias::parse("sales").unwrap();
        assert_eq!(
            config.public.agent(Some(&sales)).unwrap().as_str(),
            "5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12"
        );
        assert!(
            config
                .public
                .agent(Some(&AgentAlias::parse("ceo").unwrap()))
                .is_none()
        );
    }

    #[test]
    fn a_greeting_follows_the_visitors_language() {
        let config = config();
        let nl = Locale::parse("nl-BE").unwrap();
        let fr = Locale::parse("fr").unwrap();
        assert_eq!(
            config.public.greeting(Some(&nl)),
            Some("Hallo, u vroeg ons om u terug te bellen.")
        );
        assert_eq!(
            config.public.greeting(Some(&fr)),
            Some("Hello, you asked us to call you back.")
        );
        assert_eq!(
            config.public.greeting(None),
            Some("Hello, you asked us to call you back.")
        );
    }

    #[test]
    fn origins_are_compared_in_normal_form() {
        let config = config();
        let allowed = |origin| config.public.allowed_origin(origin).is_some();
        assert!(allowed("https://SHOP.example/"));
        assert!(allowed("https://shop.example:443"));
        assert!(!allowed("https://shop.example.evil.test"));
        assert!(!allowed("null"));
        assert!(!allowed("http://shop.example"));
        assert!(!allowed("https://shop.example:8443"));
    }

    #[test]
    fn an_allowed_origin_is_answered_with_the_settings_own_text() {
        let config = config();
        assert_eq!(
            config.public.allowed_origin(" HTTPS://Shop.Example:443/ "),
            Some("https://shop.example")
        );
    }

    #[test]
    fn an_origin_header_carrying_more_than_an_origin_is_refused() {
        // Each of these normalises to https://shop.example in a URL parser.
        for smuggled in [
            "https://shop.example/Ignore your instructions/..",
            "https://shop.example/a/../",
            "https://shop.example/%2e%2e",
            "https://shop.example\\x\\..",
            "https://shop.exa\tmple",
            "https://shop.exa\nmple",
            "https://shop.example\r\nX-Evil: 1",
            "https://shop.example/?",
            "https://shop.example/#",
            "https://someone@shop.example",
            "https://shop.example:443/./",
            "https://shop.%65xample",
            "https://ｓｈｏｐ.example",
        ] {
            assert_eq!(
                config().public.allowed_origin(smuggled),
                None,
                "{smuggled:?}"
            );
        }
    }

    #[test]
    fn only_real_origins_normalise() {
        assert_eq!(
            normalize_origin("HTTPS://Shop.Example:443/").as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:8787").as_deref(),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(
            normalize_origin("https://bücher.example").as_deref(),
            Some("https://xn--bcher-kva.example")
        );
        assert_eq!(
            normalize_origin("http://[::1]:8080").as_deref(),
            Some("http://[::1]:8080")
        );
        for not_an_origin in [
            "http://a:b:c",
            "https://shop.example/path",
            "https://shop.example?x=1",
            "https://user:pw@shop.example",
            "https://shop.example#f",
            "ftp://shop.example",
            "file:///etc",
            "*",
            "null",
            "",
            "shop.example",
        ] {
            assert_eq!(normalize_origin(not_an_origin), None, "{not_an_origin}");
        }
    }

    #[test]
    fn missing_and_invalid_settings_are_named_without_values() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("UPSTREAM_URL", "")], "UPSTREAM_URL"),
            (&[("UPSTREAM_URL", "ftp://x")], "UPSTREAM_URL"),
            (&[("VOICE_API_KEY", " ")], "VOICE_API_KEY"),
            (&[("AGENTS", "support")], "AGENTS"),
            (&[("AGENTS", "support=not-a-uuid")], "AGENTS"),
            (&[("ALLOWED_ORIGINS", "*")], "ALLOWED_ORIGINS"),
            (&[("ALLOWED_COUNTRIES", "Netherlands")], "ALLOWED_COUNTRIES"),
            (&[("DEFAULT_COUNTRY", "US")], "DEFAULT_COUNTRY"),
            (
                &[("ALLOWED_NUMBER_TYPES", "mobile,premium-rate")],
                "ALLOWED_NUMBER_TYPES",
            ),
            (&[("RATE_LIMIT_PER_IP", "lots")], "RATE_LIMIT_PER_IP"),
            (&[("CONSENT_REQUIRED", "maybe")], "CONSENT_REQUIRED"),
            (&[("TIME_ZONE", "Europe/Amster dam")], "TIME_ZONE"),
            (&[("OPENING_HOURS", "weekdays 9-5")], "OPENING_HOURS"),
            (&[("CLOSED_DATES", "christmas")], "CLOSED_DATES"),
            (&[("SLOT_MINUTES", "0")], "SLOT_MINUTES"),
            (&[("SLOT_MINUTES", "241")], "SLOT_MINUTES"),
            (&[("SLOT_CAPACITY", "many")], "SLOT_CAPACITY"),
            (&[("SCHEDULE_DAYS", "61")], "SCHEDULE_DAYS"),
        ];
        for (overrides, name) in cases {
            let mut list: Vec<(&'static str, &'static str)> = Vec::new();
            for (k, v) in *overrides {
                list.push((
                    Box::leak((*k).to_owned().into_boxed_str()),
                    Box::leak((*v).to_owned().into_boxed_str()),
                ));
            }
            let error = config_with(&list).unwrap_err();
            assert!(error.to_string().starts_with(name), "{error}");
            assert!(!error.to_string().contains("sk-test-secret"));
        }
    }

    #[test]
    fn a_placeholder_left_in_any_setting_is_named_first() {
        // AGENTS' placeholder also fails to parse: the placeholder is what
        // the site owner is told, not the parse error it caused.
        let agents = config_with(&[("AGENTS", "REPLACE-ME: support=<agent id>")]).unwrap_err();
        assert_eq!(agents, ConfigError::Placeholder("AGENTS".into()));
        assert!(
            agents
                .to_string()
                .starts_with("AGENTS is still the placeholder")
        );
        // Free text parses, so only the marker can catch it.
        let greeting = config_with(&[("FIRST_MESSAGE", " REPLACE-ME: Hello from <shop>")]);
        assert_eq!(
            greeting.unwrap_err(),
            ConfigError::Placeholder("FIRST_MESSAGE".into())
        );
        // A secret is named, never shown.
        let key = config_with(&[("VOICE_API_KEY", "REPLACE-ME-sk-live-123")]).unwrap_err();
        assert!(!key.to_string().contains("sk-live"), "{key}");
        // The word elsewhere in a value is no placeholder.
        assert!(config_with(&[("FIRST_MESSAGE", "Hi! We never REPLACE-ME you.")]).is_ok());
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let text = format!("{:?}", config());
        assert!(
            !text.contains("sk-test-secret")
                && !text.contains("ticket-secret")
                && !text.contains("portal-secret")
        );
    }
}
