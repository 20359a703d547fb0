//! `cargo xtask token [--phone E164] [--agent NAME] [--hours N] [--secret S]`:
//! mint a portal token (HS256 JWT) for trying `/api/calls`. The secret comes
//! from `--secret`, else `PORTAL_TOKEN_SECRET`, else `.dev.vars`.

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
    /// Restrict the token to calls of this agent (alias).
    #[arg(long)]
    agent: Option<String>,
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
