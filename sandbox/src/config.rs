//! The sandbox's settings, from flags or environment variables.

use std::time::Duration;

use callme_shared::{AgentId, Timestamp};

use crate::budget::RateLimit;

/// One agent the sandbox knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The agent's UUID.
    pub id: AgentId,
    /// Its display name, shown as `agent_name` in the history.
    pub name: String,
    /// Inactive agents are refused with 400, as the platform documents.
    pub active: bool,
}

/// Everything the sandbox can be told at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one (the chosen port is printed).
    pub port: u16,
    /// The key clients must send as `Authorization: Bearer <key>`.
    pub api_key: String,
    /// Known agents.
    pub agents: Vec<Agent>,
    /// How long each stage of an outbound call lasts (the talk lasts two).
    pub step: Duration,
    /// The instant demo calls lead up to; now when not given.
    pub anchor: Option<Timestamp>,
    /// How many demo calls to start with.
    pub demo_calls: usize,
    /// The seed of the demo data.
    pub seed: u64,
    /// How long an outbound call stays `in-progress` (default two steps).
    pub talk: Duration,
    /// The key's budget: requests per window.
    pub rate_limit: RateLimit,
    /// Whether the account has credits; without, outbound calls are 402.
    pub credits: bool,
    /// Where call events are posted; none are sent without it.
    pub webhook_url: Option<String>,
    /// The secret events are signed with; unsigned without it.
    pub webhook_secret: Option<String>,
}

/// Agents known by default: two active, one inactive.
pub const DEFAULT_AGENTS: &str = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01=Customer Support,\
5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12=Sales,\
9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c23=Old IVR:inactive";

/// Why the settings could not be read: clap's own error (an unknown flag,
/// a missing value, a value that does not parse), which names the flag
/// and its variable.
pub type ConfigError = clap::Error;

/// The command line: each flag also reads its environment variable (flags
/// win), so scripts can set either.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "callme-sandbox",
    about = "A local stand-in of the voice platform's Calls API",
    // A flag given twice takes its last value, so a script can add to a
    // helper's defaults (`--step-ms 150 ... --step-ms 3000`).
    args_override_self = true,
    after_help = "Test hooks (no key needed, loopback only):
  GET/DELETE /_sandbox/requests     the journal of requests (?path=PREFIX&method=M)
  POST/DELETE /_sandbox/faults      answer faults {latency_ms,status,malformed,drop,times,path}
  POST /_sandbox/reset              calls, journals, faults, budget count and credits back to start
  GET/POST /_sandbox/budget         the key's budget {limit,window_ms}; answers {limit,window_ms,used,refused}
  GET/POST /_sandbox/credits        {credits: bool}; false makes POST /calls/outbound 402
  GET/POST /_sandbox/talk           {talk_ms}: in-progress length of calls placed afterwards
  GET/POST /_sandbox/webhook        {url, secret} where call events go (null turns either off)
  POST/DELETE /_sandbox/webhook-faults  {mode: late|twice|out_of_order|drop|bad_signature, times?, delay_ms?}
  GET /_sandbox/webhooks            the deliveries of call events
  GET /_sandbox/controls            control commands received (?call_id=ID)
Header x-sandbox-fault: latency=MS,status=CODE,malformed,drop for one request."
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, env = "SANDBOX_PORT", default_value_t = 0)]
    port: u16,
    /// The bearer key clients must send.
    #[arg(long, env = "SANDBOX_API_KEY", value_parser = non_blank)]
    api_key: Option<String>,
    /// Agents as uuid=Name[:inactive],...
    #[arg(long, env = "SANDBOX_AGENTS", default_value = DEFAULT_AGENTS, value_parser = parse_agents)]
    agents: Agents,
    /// Length of each call stage in milliseconds.
    #[arg(long, env = "SANDBOX_STEP_MS", default_value_t = 3_000)]
    step_ms: u64,
    /// RFC 3339 instant the demo calls lead up to (default: now).
    #[arg(long, env = "SANDBOX_ANCHOR", value_parser = parse_anchor)]
    anchor: Option<Timestamp>,
    /// Demo calls at start.
    #[arg(long, env = "SANDBOX_DEMO_CALLS", default_value_t = 160)]
    demo_calls: usize,
    /// Seed of the demo data.
    #[arg(long, env = "SANDBOX_SEED", default_value_t = 42)]
    seed: u64,
    /// Length of an outbound call's in-progress stage in milliseconds
    /// (default: two steps).
    #[arg(long, env = "SANDBOX_TALK_MS")]
    talk_ms: Option<u64>,
    /// The key's budget as N/WINDOW (100/60s, 100/1m, 5/500ms, 1000/1h),
    /// counted in fixed windows aligned to the Unix epoch.
    #[arg(long, env = "SANDBOX_RATE_LIMIT", default_value = "100/60s", value_parser = RateLimit::parse)]
    rate_limit: RateLimit,
    /// Start without credits: POST /calls/outbound answers 402.
    #[arg(long, env = "SANDBOX_NO_CREDITS")]
    no_credits: bool,
    /// URL call events (status-update, end-of-call-report) are posted to.
    #[arg(long, env = "SANDBOX_WEBHOOK_URL", value_parser = parse_webhook_url)]
    webhook_url: Option<String>,
    /// Secret of the events' X-Webhook-Signature (HMAC-SHA256).
    #[arg(long, env = "SANDBOX_WEBHOOK_SECRET", hide_env_values = true, value_parser = non_blank_secret)]
    webhook_secret: Option<String>,
}

/// A parsed `--agents` list (a newtype, so clap takes it as one value).
#[derive(Debug, Clone)]
pub struct Agents(pub Vec<Agent>);

impl Config {
    /// Reads the command line (`args` without the program name) and, for
    /// flags not given, the environment; then defaults.
    ///
    /// # Errors
    /// clap's error, naming the flag at fault; `--help` is one too (print
    /// it and exit as clap says).
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, ConfigError> {
        use clap::Parser;
        let program = std::iter::once("callme-sandbox".to_owned());
        let args = Args::try_parse_from(program.chain(args))?;
        // Required, but clap's own message would not name the variable.
        let api_key = args.api_key.ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::MissingRequiredArgument,
                "no API key: pass --api-key KEY or set SANDBOX_API_KEY\n",
            )
        })?;
        Ok(Self {
            port: args.port,
            api_key,
            agents: args.agents.0,
            step: Duration::from_millis(args.step_ms),
            anchor: args.anchor,
            demo_calls: args.demo_calls,
            seed: args.seed,
            talk: Duration::from_millis(args.talk_ms.unwrap_or(args.step_ms.saturating_mul(2))),
            rate_limit: args.rate_limit,
            credits: !args.no_credits,
            webhook_url: args.webhook_url,
            webhook_secret: args.webhook_secret,
        })
    }
}

fn non_blank(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("the key is blank".into())
    } else {
        Ok(text.to_owned())
    }
}

/// An absolute `http://` or `https://` URL (the sandbox is built without
/// TLS, so in practice a local `http://` receiver).
///
/// # Errors
/// Why the text is not such a URL.
pub fn parse_webhook_url(text: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(text.trim()).map_err(|error| format!("{text:?}: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{text:?} is not an http(s) URL"));
    }
    Ok(url.to_string())
}

fn non_blank_secret(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("the secret is blank".into())
    } else {
        Ok(text.to_owned())
    }
}

fn parse_anchor(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text).map_err(|error| error.to_string())
}

/// Parses `uuid=Name[:inactive],...`.
///
/// # Errors
/// What is wrong with the first entry that does not parse.
pub fn parse_agents(spec: &str) -> Result<Agents, String> {
    let bad = |reason: String| reason;
    spec.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (id, rest) = entry
                .split_once('=')
                .ok_or_else(|| bad(format!("{entry:?} is not uuid=Name")))?;
            let id = AgentId::parse(id.trim()).map_err(|e| bad(format!("{id:?}: {e}")))?;
            let (name, active) = match rest.strip_suffix(":inactive") {
                Some(name) => (name, false),
                None => (rest, true),
            };
            Ok(Agent {
                id,
                name: name.trim().to_owned(),
                active,
            })
        })
        .collect::<Result<_, _>>()
        .map(Agents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    // Flags only: the environment is read by clap from the real process
    // environment, which tests/cli.rs sets on a real child process.

    #[test]
    fn flags_are_read_with_or_without_equals() {
        let config = Config::from_args(args(&["--port", "8123", "--api-key=k"])).unwrap();
        assert_eq!(config.port, 8123);
        assert_eq!(config.api_key, "k");
        assert_eq!(config.agents.len(), 3);
        assert!(!config.agents[2].active);
        assert_eq!(config.step, Duration::from_millis(3_000));
        let config = Config::from_args(args(&["--api-key=k", "--step-ms", "1", "--step-ms=2"]));
        assert_eq!(config.unwrap().step, Duration::from_millis(2));
    }

    #[test]
    fn bad_values_name_their_flag() {
        let cases = [
            (vec!["--api-key", "k", "--port", "x"], "--port"),
            (vec!["--api-key", "k", "--port", "70000"], "--port"),
            (vec!["--api-key", "k", "--agents", "nope"], "--agents"),
            (vec!["--api-key", "k", "--anchor", "today"], "--anchor"),
            (vec!["--api-key", "k", "--bogus", "1"], "--bogus"),
            (vec!["--api-key", "  "], "--api-key"),
        ];
        for (list, flag) in cases {
            let error = Config::from_args(args(&list)).unwrap_err();
            assert!(error.to_string().contains(flag), "{list:?}: {error}");
        }
    }

    #[test]
    fn the_platform_settings_default_to_the_documented_budget_and_two_steps_of_talk() {
        let config = Config::from_args(args(&["--api-key", "k", "--step-ms", "150"])).unwrap();
        assert_eq!(config.talk, Duration::from_millis(300));
        assert_eq!(config.rate_limit, RateLimit::default());
        assert!(config.credits);
        assert_eq!((config.webhook_url, config.webhook_secret), (None, None));
        let config = Config::from_args(args(&[
            "--api-key=k",
            "--talk-ms=5000",
            "--rate-limit=10/1m",
            "--no-credits",
            "--webhook-url=http://127.0.0.1:9/hook",
            "--webhook-secret=s",
        ]))
        .unwrap();
        assert_eq!(config.talk, Duration::from_secs(5));
        assert_eq!(
            config.rate_limit,
            RateLimit {
                limit: 10,
                window_ms: 60_000
            }
        );
        assert!(!config.credits);
        assert_eq!(
            config.webhook_url.as_deref(),
            Some("http://127.0.0.1:9/hook")
        );
        assert_eq!(config.webhook_secret.as_deref(), Some("s"));
    }

    #[test]
    fn bad_platform_settings_name_their_flag() {
        let cases = [
            (
                vec!["--api-key", "k", "--rate-limit", "100"],
                "--rate-limit",
            ),
            (
                vec!["--api-key", "k", "--rate-limit", "100/1w"],
                "--rate-limit",
            ),
            (vec!["--api-key", "k", "--talk-ms", "long"], "--talk-ms"),
            (
                vec!["--api-key", "k", "--webhook-url", "ftp://x"],
                "--webhook-url",
            ),
            (
                vec!["--api-key", "k", "--webhook-url", "/hook"],
                "--webhook-url",
            ),
            (
                vec!["--api-key", "k", "--webhook-secret", " "],
                "--webhook-secret",
            ),
        ];
        for (list, flag) in cases {
            let error = Config::from_args(args(&list)).unwrap_err();
            assert!(error.to_string().contains(flag), "{list:?}: {error}");
        }
    }

    #[test]
    fn agents_parse_with_their_state() {
        let agents = parse_agents(DEFAULT_AGENTS).unwrap().0;
        assert_eq!(agents.len(), 3);
        assert_eq!(agents[0].name, "Customer Support");
        assert!(agents[0].active && !agents[2].active);
        assert!(parse_agents("x=Name").unwrap_err().contains("\"x\""));
    }
}
