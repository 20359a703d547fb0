//! Who may ask for a callback and what the agent hears: the agents, the
//! allowed origins, countries and number types, consent, the languages,
//! the greetings and which of the visitor's words reach the agent.

use callme_shared::{AgentAlias, AgentId, CountryCode, Locale};

use crate::policy::NumberKind;

use super::ConfigError;
use super::vars::{Vars, invalid, items};

/// Languages with a per-language greeting setting.
const GREETING_LANGUAGES: [&str; 6] = ["en", "nl", "de", "fr", "es", "it"];

/// What the site offers its visitors.
#[derive(Debug, Clone)]
pub struct Public {
    /// Agent aliases and their UUIDs; the first is the default.
    pub agents: Vec<(AgentAlias, AgentId)>,
    /// Origins allowed to call the API from a browser, in normal form.
    pub allowed_origins: Vec<String>,
    /// Countries a callback may go to.
    pub allowed_countries: Vec<CountryCode>,
    /// The country the widget preselects.
    pub default_country: CountryCode,
    /// Number types a callback may go to.
    pub allowed_number_kinds: Vec<NumberKind>,
    /// Whether the consent box must be ticked.
    pub consent_required: bool,
    /// Languages offered.
    pub locales: Vec<Locale>,
    /// The agent's greeting when no per-language one matches.
    pub first_message: Option<String>,
    /// Per-language greetings (`FIRST_MESSAGE_NL`, ...), language lower case.
    pub first_messages: Vec<(String, String)>,
    /// Which visitor fields reach the agent (`VISITOR_TEXT_TO_AGENT`).
    pub visitor_text: VisitorText,
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
        for part in items(text) {
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

impl Public {
    /// `AGENTS`, `ALLOWED_ORIGINS`, `ALLOWED_COUNTRIES`, `DEFAULT_COUNTRY`,
    /// `ALLOWED_NUMBER_TYPES`, `CONSENT_REQUIRED`, `LOCALES`,
    /// `FIRST_MESSAGE` and `FIRST_MESSAGE_<LANG>`, `VISITOR_TEXT_TO_AGENT`.
    ///
    /// # Errors
    /// The first setting that is missing or does not parse.
    pub fn read(vars: &Vars) -> Result<Self, ConfigError> {
        let agents = parse_agents(&vars.required("AGENTS")?).map_err(|r| invalid("AGENTS", r))?;
        let allowed_origins = vars.list("ALLOWED_ORIGINS", None, |o| {
            normalize_origin(o)
                .ok_or_else(|| format!("{o:?} is not an origin like https://shop.example"))
        })?;
        let allowed_countries = vars.list("ALLOWED_COUNTRIES", None, |c| {
            CountryCode::parse(c).map_err(|e| format!("{c:?}: {e}"))
        })?;
        let default_country = match vars.get("DEFAULT_COUNTRY") {
            Some(c) => {
                CountryCode::parse(&c).map_err(|e| invalid("DEFAULT_COUNTRY", e.to_string()))?
            }
            None => allowed_countries[0],
        };
        if !allowed_countries.contains(&default_country) {
            return Err(invalid(
                "DEFAULT_COUNTRY",
                "must be one of ALLOWED_COUNTRIES",
            ));
        }
        let allowed_number_kinds = vars.list(
            "ALLOWED_NUMBER_TYPES",
            Some("mobile,fixed-line,fixed-line-or-mobile,voip"),
            |k| NumberKind::parse(k).ok_or_else(|| format!("unknown type {k:?}")),
        )?;
        if allowed_number_kinds.iter().any(|k| k.is_toll_fraud_risk()) {
            return Err(invalid(
                "ALLOWED_NUMBER_TYPES",
                "premium-rate, shared-cost and unknown numbers can never be allowed",
            ));
        }
        let locales = vars.list("LOCALES", Some("en,nl"), |l| {
            Locale::parse(l).map_err(|e| e.to_string())
        })?;
        let first_messages = GREETING_LANGUAGES
            .iter()
            .filter_map(|lang| {
                vars.get(&format!("FIRST_MESSAGE_{}", lang.to_ascii_uppercase()))
                    .map(|m| ((*lang).to_owned(), m))
            })
            .collect();
        Ok(Self {
            agents,
            allowed_origins,
            allowed_countries,
            default_country,
            allowed_number_kinds,
            consent_required: vars.flag("CONSENT_REQUIRED", true)?,
            locales,
            first_message: vars.get("FIRST_MESSAGE"),
            first_messages,
            visitor_text: VisitorText::parse(
                &vars
                    .get("VISITOR_TEXT_TO_AGENT")
                    .unwrap_or_else(|| "name,note".into()),
            )
            .map_err(|reason| invalid("VISITOR_TEXT_TO_AGENT", reason))?,
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

    /// The default agent's alias.
    pub fn default_agent(&self) -> &AgentAlias {
        &self.agents[0].0
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

    /// The allowed origin that an `Origin` header names, as configured:
    /// the header's own text is never passed on (not to the agent, not to a
    /// response header), only this copy of the setting.
    pub fn allowed_origin(&self, origin: &str) -> Option<&str> {
        // Browsers send the ASCII serialisation (punycode); IDNA would map
        // fullwidth letters and other look-alikes onto an allowed host.
        if !origin.is_ascii() {
            return None;
        }
        let origin = normalize_origin(origin)?;
        self.allowed_origins
            .iter()
            .find(|allowed| **allowed == origin)
            .map(String::as_str)
    }
}

/// `alias=uuid,alias=uuid`.
fn parse_agents(text: &str) -> Result<Vec<(AgentAlias, AgentId)>, String> {
    let agents = items(text)
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
    let origin = origin.trim();
    // Only `scheme://host[:port]` with at most a trailing slash: the URL
    // parser would resolve `/words/..` to `/` and drop tabs and line breaks
    // anywhere, so a header carrying a sentence could normalise to an
    // allowed origin. A browser never sends more than the bare origin.
    let authority = origin.split_once("://")?.1;
    let authority = authority.strip_suffix('/').unwrap_or(authority);
    if authority.is_empty()
        || authority
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '?' | '#' | '@' | '%' | ' ') || c.is_ascii_control())
    {
        return None;
    }
    let url = url::Url::parse(origin).ok()?;
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    let origin = url.origin();
    (matches!(url.scheme(), "http" | "https") && bare && origin.is_tuple())
        .then(|| origin.ascii_serialization())
}
