//! `cargo xtask token [--phone E164] [--agent ALIAS] [--hours N] [--secret S]`:
//! mint a portal token (HS256 JWT) for trying `/api/calls`. The secret comes
//! from `--secret`, else `PORTAL_TOKEN_SECRET`, else `.dev.vars`.
//!
//! `--agent` is an alias of `AGENTS` (`support`), as the edge reads a
//! token's `agent` claim on `/api/calls` and `/api/scheduled` alike; it is
//! checked against the local `wrangler.toml`, so a platform agent name
//! ("Customer Support") fails here with the aliases to choose from rather
//! than as a 401 later.

use std::fs;

use callme_tokens::token::mint;

use crate::cmd::Outcome;
use crate::dev::demo_claims;
use crate::tools;

/// `cargo xtask token`'s flags.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Restrict the token to calls with this number (E.164).
    #[arg(long)]
    phone: Option<String>,
    /// Restrict the token to calls of this agent: an alias of AGENTS in
    /// wrangler.toml (e.g. support), not the platform's agent name.
    #[arg(long)]
    agent: Option<String>,
    /// Skip the check of --agent against wrangler.toml's AGENTS (for
    /// another deployment's aliases).
    #[arg(long)]
    any_agent: bool,
    /// Hours the token is valid.
    #[arg(long, default_value_t = 24)]
    hours: i64,
    /// The signing secret (else PORTAL_TOKEN_SECRET, else .dev.vars).
    #[arg(long, env = "PORTAL_TOKEN_SECRET", hide_env_values = true)]
    secret: Option<String>,
}

/// Prints a token.
pub fn run(options: Options) -> Outcome {
    let secret = match options.secret.filter(|s| !s.is_empty()) {
        Some(secret) => secret,
        None => from_dev_vars()?,
    };
    if let Some(agent) = &options.agent
        && !options.any_agent
    {
        let toml = fs::read_to_string(tools::root().join("wrangler.toml"))
            .map_err(|e| format!("wrangler.toml: {e}"))?;
        check_alias(agent, &local_aliases(&toml))?;
    }
    let claims = demo_claims(options.phone, options.agent, options.hours)?;
    println!("{}", mint(&secret, &claims));
    Ok(())
}

fn from_dev_vars() -> Outcome<String> {
    let path = tools::root().join(".dev.vars");
    let text = fs::read_to_string(&path).map_err(|_| {
        "no secret: pass --secret, set PORTAL_TOKEN_SECRET, or run `cargo xtask dev` once to write .dev.vars".to_owned()
    })?;
    text.lines()
        .find_map(|line| line.strip_prefix("PORTAL_TOKEN_SECRET="))
        .map(|s| s.trim().to_owned())
        .ok_or_else(|| format!("{} has no PORTAL_TOKEN_SECRET", path.display()))
}

/// The aliases of the top-level `AGENTS` in `wrangler.toml` (the local
/// run's; production's are under `[env.production.vars]`).
fn local_aliases(toml: &str) -> Vec<String> {
    toml.lines()
        .take_while(|line| !line.trim_start().starts_with("[env."))
        .find_map(|line| {
            let (name, value) = line.split_once('=')?;
            (name.trim() == "AGENTS").then(|| value.trim().trim_matches('"').to_owned())
        })
        .map(|agents| {
            agents
                .split(',')
                .filter_map(|pair| Some(pair.split_once('=')?.0.trim().to_ascii_lowercase()))
                .filter(|alias| !alias.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// `agent` when it is one of `aliases` (case folded, as the edge folds it).
fn check_alias(agent: &str, aliases: &[String]) -> Outcome {
    if aliases.iter().any(|a| a.eq_ignore_ascii_case(agent.trim())) {
        Ok(())
    } else {
        Err(format!(
            "--agent {agent:?} is not an alias of AGENTS in wrangler.toml ({}): the token's agent claim is an alias, not the platform's agent name or id (--any-agent skips this check)",
            aliases.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_must_be_an_alias_of_the_local_agents() {
        let toml = std::fs::read_to_string(tools::root().join("wrangler.toml")).unwrap();
        let aliases = local_aliases(&toml);
        assert_eq!(
            aliases,
            ["support", "sales"],
            "the demo's, not production's"
        );
        assert!(check_alias("support", &aliases).is_ok());
        assert!(check_alias("Sales", &aliases).is_ok());
        let error = check_alias("Customer Support", &aliases).unwrap_err();
        assert!(error.contains("support, sales"), "{error}");
        assert!(check_alias("0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01", &aliases).is_err());
    }
}
