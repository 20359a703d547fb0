//! The sandbox's settings, from flags or environment variables.

use std::time::Duration;

use callme_shared::{AgentId, Timestamp};

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
}

/// Agents known by default: two active, one inactive.
pub const DEFAULT_AGENTS: &str = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01=Customer Support,\
5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12=Sales,\
9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c23=Old IVR:inactive";

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No key anywhere.
    #[error("no API key: pass --api-key KEY or set SANDBOX_API_KEY")]
    MissingApiKey,
    /// A flag this program does not have.
    #[error("unknown argument {0:?}; see --help")]
    UnknownArgument(String),
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// A value that does not parse.
    #[error("{flag}: {reason}")]
    BadValue {
        /// The flag or variable.
        flag: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// The `--help` text.
pub const USAGE: &str = "\
callme-sandbox: a local stand-in of the voice platform's Calls API

Usage: callme-sandbox [options]   (each option also reads an environment variable)

  --port N          SANDBOX_PORT       port on 127.0.0.1; 0 = any free one (default 0)
  --api-key KEY     SANDBOX_API_KEY    required bearer key
  --agents SPEC     SANDBOX_AGENTS     uuid=Name[:inactive],... (default: three demo agents)
  --step-ms N       SANDBOX_STEP_MS    length of each call stage in ms (default 3000)
  --anchor TIME     SANDBOX_ANCHOR     RFC 3339 instant demo calls lead up to (default: now)
  --demo-calls N    SANDBOX_DEMO_CALLS demo calls at start (default 160)
  --seed N          SANDBOX_SEED       seed of the demo data (default 42)

Test hooks (no key needed, loopback only): GET/DELETE /_sandbox/requests,
POST/DELETE /_sandbox/faults, POST /_sandbox/reset; header x-sandbox-fault.
";

impl Config {
    /// Reads flags first, then the environment, then defaults.
    ///
    /// # Errors
    /// A [`ConfigError`] that names the flag at fault.
    pub fn from_args_and_env(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        const FLAGS: [(&str, &str); 7] = [
            ("--port", "SANDBOX_PORT"),
            ("--api-key", "SANDBOX_API_KEY"),
            ("--agents", "SANDBOX_AGENTS"),
            ("--step-ms", "SANDBOX_STEP_MS"),
            ("--anchor", "SANDBOX_ANCHOR"),
            ("--demo-calls", "SANDBOX_DEMO_CALLS"),
            ("--seed", "SANDBOX_SEED"),
        ];
        let mut given: Vec<(&str, String)> = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg.clone(), None),
            };
            let Some((name, _)) = FLAGS.iter().find(|(name, _)| *name == flag) else {
                return Err(ConfigError::UnknownArgument(arg));
            };
            let value = match inline {
                Some(value) => value,
                None => args.next().ok_or(ConfigError::MissingValue(flag))?,
            };
            given.push((name, value));
        }
        let lookup = |flag: &str| -> Option<String> {
            given
                .iter()
                .rev()
                .find(|(name, _)| *name == flag)
                .map(|(_, value)| value.clone())
                .or_else(|| {
                    let var = FLAGS.iter().find(|(name, _)| *name == flag)?.1;
                    env(var).filter(|v| !v.is_empty())
                })
        };
        let number = |flag: &'static str, default: u64| -> Result<u64, ConfigError> {
            lookup(flag).map_or(Ok(default), |text| {
                text.parse().map_err(|_| ConfigError::BadValue {
                    flag,
                    reason: format!("{text:?} is not a whole number"),
                })
            })
        };
        let too_big = |flag: &'static str| ConfigError::BadValue {
            flag,
            reason: "too large".into(),
        };
        Ok(Self {
            port: u16::try_from(number("--port", 0)?).map_err(|_| too_big("--port"))?,
            api_key: lookup("--api-key")
                .filter(|key| !key.trim().is_empty())
                .ok_or(ConfigError::MissingApiKey)?,
            agents: parse_agents(&lookup("--agents").unwrap_or_else(|| DEFAULT_AGENTS.into()))?,
            step: Duration::from_millis(number("--step-ms", 3_000)?),
            anchor: lookup("--anchor")
                .map(|text| Timestamp::parse(&text))
                .transpose()
                .map_err(|error| ConfigError::BadValue {
                    flag: "--anchor",
                    reason: error.to_string(),
                })?,
            demo_calls: usize::try_from(number("--demo-calls", 160)?)
                .map_err(|_| too_big("--demo-calls"))?,
            seed: number("--seed", 42)?,
        })
    }
}

/// Parses `uuid=Name[:inactive],...`.
///
/// # Errors
/// [`ConfigError::BadValue`] for `--agents` when an entry does not parse.
pub fn parse_agents(spec: &str) -> Result<Vec<Agent>, ConfigError> {
    let bad = |reason: String| ConfigError::BadValue {
        flag: "--agents",
        reason,
    };
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn flags_win_over_the_environment() {
        let env = |name: &str| (name == "SANDBOX_PORT").then(|| "9000".to_owned());
        let config =
            Config::from_args_and_env(args(&["--port", "8123", "--api-key=k"]), env).unwrap();
        assert_eq!(config.port, 8123);
        assert_eq!(config.api_key, "k");
        assert_eq!(config.agents.len(), 3);
        assert!(!config.agents[2].active);
    }

    #[test]
    fn the_environment_is_read_when_no_flag_is_given() {
        let env = |name: &str| match name {
            "SANDBOX_API_KEY" => Some("from-env".to_owned()),
            "SANDBOX_STEP_MS" => Some("50".to_owned()),
            _ => None,
        };
        let config = Config::from_args_and_env(args(&[]), env).unwrap();
        assert_eq!(config.api_key, "from-env");
        assert_eq!(config.step, Duration::from_millis(50));
    }

    #[test]
    fn a_missing_key_is_refused_with_a_fix() {
        let error = Config::from_args_and_env(args(&[]), |_| None).unwrap_err();
        assert!(error.to_string().contains("SANDBOX_API_KEY"));
    }

    #[test]
    fn bad_values_name_their_flag() {
        let cases = [
            (vec!["--api-key", "k", "--port", "x"], "--port"),
            (vec!["--api-key", "k", "--port", "70000"], "--port"),
            (vec!["--api-key", "k", "--agents", "nope"], "--agents"),
            (vec!["--api-key", "k", "--anchor", "today"], "--anchor"),
            (vec!["--api-key", "k", "--bogus", "1"], "--bogus"),
            (vec!["--api-key"], "--api-key"),
        ];
        for (list, flag) in cases {
            let error = Config::from_args_and_env(args(&list), |_| None).unwrap_err();
            assert!(error.to_string().contains(flag), "{list:?}: {error}");
        }
    }
}
