//! The worker's configuration, read from `[vars]` and secrets. Every knob has
//! a safe default except the ones a deployment must choose (upstream, key,
//! agents, origins, countries, ticket secret).

use std::fmt;

use callme_shared::{AgentAlias, AgentId, CountryCode, Locale, PageLimit};

use crate::limits::RateRule;
use crate::policy::NumberKind;

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
    /// A setting does not parse.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The setting.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// Every setting of the worker, parsed.
#[derive(Debug, Clone)]
pub struct EdgeConfig {
    /// Base URL of the voice platform, without a trailing slash.
    pub upstream_url: String,
    /// The platform key.
    pub api_key: Secret,
    /// Header that carries the key (default `Authorization`).
    pub upstream_auth_header: String,
    /// Scheme before the key (default `Bearer`; empty sends the bare key).
    pub upstream_auth_scheme: String,
    /// Upstream time limit in milliseconds.
    pub upstream_timeout_ms: u64,
    /// Agent aliases and their UUIDs; the first is the default.
    pub agents: Vec<(AgentAlias, AgentId)>,
    /// Origins allowed to call the API from a browser.
    pub allowed_origins: Vec<String>,
    /// Countries a callback may go to.
    pub allowed_countries: Vec<CountryCode>,
    /// The country the widget preselects.
    pub default_country: CountryCode,
    /// Number types a callback may go to.
    pub allowed_number_kinds: Vec<NumberKind>,
    /// HS256 key of portal tokens; `/api/calls` refuses every token without
    /// it, and answers 500 `misconfigured` while it is too short.
    pub portal_token_secret: Option<Result<Secret, ConfigError>>,
    /// What portal tokens must satisfy beyond their signature.
    pub portal_token_rules: crate::token::Rules,
    /// Key that signs callback tickets; the callback routes answer 500
    /// `misconfigured` while it is missing or too short.
    pub ticket_secret: Result<Secret, ConfigError>,
    /// How long a ticket lets its holder read the call's status.
    pub ticket_ttl_ms: i64,
    /// Turnstile secret; when set, callbacks need a valid Turnstile token.
    pub turnstile_secret: Option<Secret>,
    /// Turnstile site key handed to the widget.
    pub turnstile_sitekey: Option<String>,
    /// Where Turnstile tokens are verified.
    pub turnstile_verify_url: String,
    /// Whether the consent box must be ticked.
    pub consent_required: bool,
    /// The site's time zone (`TIME_ZONE`, an IANA name; checked against
    /// workerd's `Intl` when the isolate starts).
    pub time_zone: String,
    /// When callbacks are taken (`OPENING_HOURS`, `CLOSED_DATES`).
    pub schedule: crate::hours::Schedule,
    /// Minutes between bookable slots (`SLOT_MINUTES`).
    pub slot_minutes: i64,
    /// Callbacks booked per slot (`SLOT_CAPACITY`).
    pub slot_capacity: u32,
    /// Days ahead a slot may be booked (`SCHEDULE_DAYS`).
    pub schedule_days: i64,
    /// Which visitor fields reach the agent (`VISITOR_TEXT_TO_AGENT`).
    pub visitor_text: VisitorText,
    /// Languages offered.
    pub locales: Vec<Locale>,
    /// The agent's greeting when no per-language one matches.
    pub first_message: Option<String>,
    /// Per-language greetings (`FIRST_MESSAGE_NL`, ...), language lower case.
    pub first_messages: Vec<(String, String)>,
    /// Callbacks per client: an IPv4 address or an IPv6 /64.
    pub limit_per_ip: RateRule,
    /// Callbacks per IPv6 /48 (a wider budget for what one site holds).
    pub limit_per_network: RateRule,
    /// Callbacks per destination number, short term.
    pub limit_per_phone: RateRule,
    /// Callbacks per destination number, per day.
    pub limit_per_phone_daily: RateRule,
    /// Callbacks per hour, all together (so nobody spends the day's cap in
    /// minutes).
    pub hourly_cap: u32,
    /// Callbacks per day (any 24 hours), all together.
    pub daily_cap: u32,
    /// Status polls per ticket (kept per isolate).
    pub limit_status_per_ticket: RateRule,
    /// History requests per portal token (kept by the Guard).
    pub limit_history_per_token: RateRule,
    /// The largest page `/api/calls` asks upstream for.
    pub history_max_limit: PageLimit,
    /// How many calls `/api/calls` may scan upstream to apply a token's
    /// phone or agent restriction.
    pub history_scan_max: u32,
}

/// Which of the visitor's own words are passed to the agent. An operator who
/// does not want visitor text near the agent at all sets `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitorText {
    /// The visitor's name.
    pub name: bool,
    /// The visitor's note.
    pub note: bool,
}

impl VisitorText {
    /// Parses `name,note`, `name`, `note` or `none`.
    ///
    /// # Errors
    /// The reason, for anything else.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut fields = Self {
            name: false,
            note: false,
        };
        if text.trim().eq_ignore_ascii_case("none") {
            return Ok(fields);
        }
        for part in list(text) {
            match part.to_ascii_lowercase().as_str() {
                "name" => fields.name = true,
                "note" => fields.note = true,
                other => {
                    return Err(format!("{other:?} is not name or note (or use none alone)"));
                }
            }
        }
        Ok(fields)
    }
}

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

/// A duration like `24h`, `90m`, `3600s`, `1d` or `3600` (seconds), in
/// seconds.
fn duration_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, 's') => (&text[..i], 1),
        (i, 'm') => (&text[..i], 60),
        (i, 'h') => (&text[..i], 3_600),
        (i, 'd') => (&text[..i], 86_400),
        _ => (text, 1),
    };
    number
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(unit))
}

impl EdgeConfig {
    /// The ticket key, or the 500 that its absence is.
    ///
    /// # Errors
    /// The configuration problem, for routes that sign or read tickets.
    pub fn ticket_key(&self) -> Result<&Secret, ConfigError> {
        self.ticket_secret.as_ref().map_err(Clone::clone)
    }

    /// What an operator must fix, for `/api/health` and the log: each
    /// problem breaks only the routes that need the setting.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(error) = &self.ticket_secret {
            problems.push(error.to_string());
        }
        if let Some(Err(error)) = &self.portal_token_secret {
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
}

/// The health of a parsed configuration.
pub fn health(config: &EdgeConfig) -> Health {
    let problems = config.problems();
    Health {
        ok: problems.is_empty(),
        bot_check: if config.turnstile_secret.is_some() {
            "on"
        } else {
            "off"
        },
        problems,
    }
}

/// A whole number setting within `range` (its default when unset).
fn ranged(
    number: &dyn Fn(&'static str, u64) -> Result<u64, ConfigError>,
    name: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<i64, ConfigError> {
    let value = number(name, default)?;
    if range.contains(&value) {
        Ok(i64::try_from(value).unwrap_or(i64::MAX))
    } else {
        Err(ConfigError::Invalid {
            name,
            reason: format!("{value} is outside {}-{}", range.start(), range.end()),
        })
    }
}

/// The Turnstile verification endpoint documented by Cloudflare.
pub const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// Languages with a per-language greeting setting.
const GREETING_LANGUAGES: [&str; 6] = ["en", "nl", "de", "fr", "es", "it"];

impl EdgeConfig {
    /// Reads every setting through `lookup` (vars and secrets alike).
    ///
    /// # Errors
    /// The first [`ConfigError`]; it names the setting, never its value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let invalid = |name: &'static str, reason: String| ConfigError::Invalid { name, reason };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            get(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| invalid(name, format!("{v:?} is not a whole number")))
            })
        };
        let flag = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
                None => Ok(default),
                Some("true" | "1" | "yes") => Ok(true),
                Some("false" | "0" | "no") => Ok(false),
                Some(other) => Err(invalid(name, format!("{other:?} is not true or false"))),
            }
        };
        let rule = |name: &'static str, default: &str| -> Result<RateRule, ConfigError> {
            RateRule::parse(&get(name).unwrap_or_else(|| default.to_owned()))
                .map_err(|e| invalid(name, e.to_string()))
        };

        let upstream_url = required("UPSTREAM_URL")?.trim_end_matches('/').to_owned();
        if !(upstream_url.starts_with("https://") || upstream_url.starts_with("http://")) {
            return Err(invalid(
                "UPSTREAM_URL",
                "must start with https:// or http://".into(),
            ));
        }
        let agents = parse_agents(&required("AGENTS")?).map_err(|r| invalid("AGENTS", r))?;
        let allowed_origins = list(&required("ALLOWED_ORIGINS")?)
            .map(|o| {
                normalize_origin(o).ok_or_else(|| {
                    invalid(
                        "ALLOWED_ORIGINS",
                        format!("{o:?} is not an origin like https://shop.example"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let allowed_countries = list(&required("ALLOWED_COUNTRIES")?)
            .map(|c| {
                CountryCode::parse(c)
                    .map_err(|e| invalid("ALLOWED_COUNTRIES", format!("{c:?}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let default_country = match get("DEFAULT_COUNTRY") {
            Some(c) => {
                CountryCode::parse(&c).map_err(|e| invalid("DEFAULT_COUNTRY", e.to_string()))?
            }
            None => allowed_countries[0],
        };
        if !allowed_countries.contains(&default_country) {
            return Err(invalid(
                "DEFAULT_COUNTRY",
                "must be one of ALLOWED_COUNTRIES".into(),
            ));
        }
        let allowed_number_kinds = list(
            &get("ALLOWED_NUMBER_TYPES")
                .unwrap_or_else(|| "mobile,fixed-line,fixed-line-or-mobile,voip".into()),
        )
        .map(|k| {
            NumberKind::parse(k)
                .ok_or_else(|| invalid("ALLOWED_NUMBER_TYPES", format!("unknown type {k:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
        if allowed_number_kinds.iter().any(|k| k.is_toll_fraud_risk()) {
            return Err(invalid(
                "ALLOWED_NUMBER_TYPES",
                "premium-rate, shared-cost and unknown numbers can never be allowed".into(),
            ));
        }
        let locales = list(&get("LOCALES").unwrap_or_else(|| "en,nl".into()))
            .map(|l| Locale::parse(l).map_err(|e| invalid("LOCALES", e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let first_messages = GREETING_LANGUAGES
            .iter()
            .filter_map(|lang| {
                get(&format!("FIRST_MESSAGE_{}", lang.to_ascii_uppercase()))
                    .map(|m| ((*lang).to_owned(), m))
            })
            .collect();
        let history_max_limit =
            PageLimit::new(u32::try_from(number("HISTORY_MAX_LIMIT", 200)?).unwrap_or(0))
                .map_err(|e| invalid("HISTORY_MAX_LIMIT", e.to_string()))?;

        Ok(Self {
            upstream_url,
            api_key: Secret::new(required("VOICE_API_KEY")?),
            upstream_auth_header: get("UPSTREAM_AUTH_HEADER")
                .unwrap_or_else(|| "Authorization".into()),
            upstream_auth_scheme: lookup("UPSTREAM_AUTH_SCHEME")
                .map_or_else(|| "Bearer".into(), |s| s.trim().to_owned()),
            upstream_timeout_ms: number("UPSTREAM_TIMEOUT_MS", 10_000)?.clamp(100, 60_000),
            agents,
            allowed_origins,
            allowed_countries,
            default_country,
            allowed_number_kinds,
            portal_token_secret: get("PORTAL_TOKEN_SECRET")
                .map(|v| signing_secret("PORTAL_TOKEN_SECRET", v)),
            portal_token_rules: crate::token::Rules {
                max_ttl_s: match get("PORTAL_TOKEN_MAX_TTL") {
                    None => 24 * 3_600,
                    Some(v) => duration_seconds(&v).ok_or_else(|| {
                        invalid(
                            "PORTAL_TOKEN_MAX_TTL",
                            format!("{v:?} is not a duration like 24h or 3600s"),
                        )
                    })?,
                },
                audience: get("PORTAL_TOKEN_AUDIENCE"),
                issuer: get("PORTAL_TOKEN_ISSUER"),
            },
            ticket_secret: required("TICKET_SECRET")
                .and_then(|v| signing_secret("TICKET_SECRET", v)),
            ticket_ttl_ms: i64::try_from(number("TICKET_TTL_SECONDS", 3_600)?.clamp(60, 86_400))
                .unwrap_or(3_600)
                * 1_000,
            turnstile_secret: get("TURNSTILE_SECRET").map(Secret::new),
            turnstile_sitekey: get("TURNSTILE_SITEKEY"),
            turnstile_verify_url: get("TURNSTILE_VERIFY_URL")
                .unwrap_or_else(|| TURNSTILE_VERIFY_URL.into()),
            consent_required: flag("CONSENT_REQUIRED", true)?,
            time_zone: {
                let zone = get("TIME_ZONE").unwrap_or_else(|| "UTC".into());
                let plausible = zone.len() <= 64
                    && zone
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
                if !plausible {
                    return Err(invalid(
                        "TIME_ZONE",
                        format!("{zone:?} is not an IANA time zone like Europe/Amsterdam"),
                    ));
                }
                zone
            },
            schedule: {
                let hours = get("OPENING_HOURS");
                crate::hours::Schedule::parse(hours.as_deref(), None)
                    .map_err(|reason| invalid("OPENING_HOURS", reason))?;
                crate::hours::Schedule::parse(hours.as_deref(), get("CLOSED_DATES").as_deref())
                    .map_err(|reason| invalid("CLOSED_DATES", reason))?
            },
            slot_minutes: ranged(&number, "SLOT_MINUTES", 15, 1..=240)?,
            slot_capacity: u32::try_from(ranged(&number, "SLOT_CAPACITY", 4, 1..=1_000)?)
                .unwrap_or(1),
            schedule_days: ranged(&number, "SCHEDULE_DAYS", 7, 1..=60)?,
            visitor_text: VisitorText::parse(
                &get("VISITOR_TEXT_TO_AGENT").unwrap_or_else(|| "name,note".into()),
            )
            .map_err(|reason| invalid("VISITOR_TEXT_TO_AGENT", reason))?,
            locales,
            first_message: get("FIRST_MESSAGE"),
            first_messages,
            limit_per_ip: rule("RATE_LIMIT_PER_IP", "5/1h")?,
            limit_per_network: rule("RATE_LIMIT_PER_NETWORK", "15/1h")?,
            limit_per_phone: rule("RATE_LIMIT_PER_PHONE", "3/1h")?,
            limit_per_phone_daily: rule("RATE_LIMIT_PER_PHONE_DAILY", "6/1d")?,
            hourly_cap: u32::try_from(number("HOURLY_CAP", 50)?).unwrap_or(u32::MAX),
            limit_status_per_ticket: rule("RATE_LIMIT_STATUS", "120/1m")?,
            limit_history_per_token: rule("RATE_LIMIT_HISTORY", "30/1m")?,
            daily_cap: u32::try_from(number("DAILY_CAP", 200)?).unwrap_or(u32::MAX),
            history_max_limit,
            history_scan_max: u32::try_from(
                number("HISTORY_SCAN_MAX", 5_000)?.clamp(1_000, 20_000),
            )
            .unwrap_or(5_000),
        })
    }

    /// The UUID of an alias, or of the default agent when `alias` is `None`.
    pub fn agent(&self, alias: Option<&AgentAlias>) -> Option<&AgentId> {
        match alias {
            None => self.agents.first().map(|(_, id)| id),
            Some(alias) => self
                .agents
                .iter()
                .find(|(a, _)| a == alias)
                .map(|(_, id)| id),
        }
    }

    /// The greeting for a visitor's language, if one is configured.
    pub fn greeting(&self, locale: Option<&Locale>) -> Option<&str> {
        locale
            .and_then(|l| {
                self.first_messages
                    .iter()
                    .find(|(lang, _)| lang == l.language())
            })
            .map(|(_, m)| m.as_str())
            .or(self.first_message.as_deref())
    }

    /// Whether `origin` may call the API from a browser.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        normalize_origin(origin).is_some_and(|o| self.allowed_origins.contains(&o))
    }
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// `alias=uuid,alias=uuid`.
fn parse_agents(text: &str) -> Result<Vec<(AgentAlias, AgentId)>, String> {
    let agents = list(text)
        .map(|pair| {
            let (alias, id) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not alias=uuid"))?;
            let alias = AgentAlias::parse(alias.trim()).map_err(|e| format!("{alias:?}: {e}"))?;
            let id = AgentId::parse(id.trim()).map_err(|e| format!("{id:?}: {e}"))?;
            Ok((alias, id))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if agents.is_empty() {
        return Err("no agent".into());
    }
    Ok(agents)
}

/// An origin as browsers write it in `Origin` (WHATWG URL's serialisation:
/// lower-case scheme and host, IDNA for non-ASCII hosts, no default port,
/// no trailing slash); `None` for anything that is not an http(s) origin
/// (a path, a query, credentials, a wildcard, `null`, a port that is not a
/// number). Parsed by `url`, which workers-rs links anyway.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin.trim()).ok()?;
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    let origin = url.origin();
    (matches!(url.scheme(), "http" | "https") && bare && origin.is_tuple())
        .then(|| origin.ascii_serialization())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
        assert_eq!(config().visitor_text, all);
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
        assert!(matches!(short.portal_token_secret, Some(Err(_))));
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
    }

    #[test]
    fn portal_token_rules_come_from_their_settings() {
        assert_eq!(config().portal_token_rules, crate::token::Rules::default());
        let set = config_with(&[
            ("PORTAL_TOKEN_MAX_TTL", "2h"),
            ("PORTAL_TOKEN_AUDIENCE", "callme"),
            ("PORTAL_TOKEN_ISSUER", "https://portal.example"),
        ])
        .unwrap();
        assert_eq!(set.portal_token_rules.max_ttl_s, 7_200);
        assert_eq!(set.portal_token_rules.audience.as_deref(), Some("callme"));
        assert_eq!(
            set.portal_token_rules.issuer.as_deref(),
            Some("https://portal.example")
        );
        for (text, seconds) in [("90m", 5_400), ("3600", 3_600), ("1d", 86_400), ("45s", 45)] {
            assert_eq!(duration_seconds(text), Some(seconds), "{text}");
        }
        for bad in ["", "h", "-1h", "0", "soon", "1w"] {
            assert_eq!(duration_seconds(bad), None, "{bad}");
        }
        assert!(config_with(&[("PORTAL_TOKEN_MAX_TTL", "forever")]).is_err());
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let config = config();
        assert_eq!(config.upstream_url, "http://127.0.0.1:8789");
        assert_eq!(config.upstream_auth_header, "Authorization");
        assert_eq!(config.upstream_auth_scheme, "Bearer");
        assert_eq!(config.upstream_timeout_ms, 10_000);
        assert_eq!(config.default_country.as_str(), "NL");
        assert!(config.consent_required);
        assert_eq!(config.limit_per_ip, RateRule::parse("5/1h").unwrap());
        assert_eq!(config.daily_cap, 200);
        assert!(config.turnstile_secret.is_none());
        assert_eq!(config.turnstile_verify_url, TURNSTILE_VERIFY_URL);
    }

    #[test]
    fn the_first_agent_is_the_default() {
        let config = config();
        assert_eq!(
            config.agent(None).unwrap().as_str(),
            "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01"
        );
        let sales = AgentAlias::parse("sales").unwrap();
        assert_eq!(
            config.agent(Some(&sales)).unwrap().as_str(),
            "5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12"
        );
        assert!(
            config
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
            config.greeting(Some(&nl)),
            Some("Hallo, u vroeg ons om u terug te bellen.")
        );
        assert_eq!(
            config.greeting(Some(&fr)),
            Some("Hello, you asked us to call you back.")
        );
        assert_eq!(
            config.greeting(None),
            Some("Hello, you asked us to call you back.")
        );
    }

    #[test]
    fn origins_are_compared_in_normal_form() {
        let config = config();
        assert!(config.origin_allowed("https://SHOP.example/"));
        assert!(config.origin_allowed("https://shop.example:443"));
        assert!(!config.origin_allowed("https://shop.example.evil.test"));
        assert!(!config.origin_allowed("null"));
        assert!(!config.origin_allowed("http://shop.example"));
        assert!(!config.origin_allowed("https://shop.example:8443"));
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
    fn a_secret_never_shows_in_debug_output() {
        let text = format!("{:?}", config());
        assert!(
            !text.contains("sk-test-secret")
                && !text.contains("ticket-secret")
                && !text.contains("portal-secret")
        );
    }
}
