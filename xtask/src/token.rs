//! `cargo xtask token [--phone E164] [--agent NAME] [--hours N] [--secret S]`:
//! mint a portal token (HS256 JWT) for trying `/api/calls`. The secret comes
//! from `--secret`, else `PORTAL_TOKEN_SECRET`, else `.dev.vars`.

use std::fs;

use callme_tokens::token::mint;

use crate::cmd::Outcome;
use crate::dev::demo_claims;
use crate::tools;

/// Prints a token.
pub fn run(args: &[String]) -> Outcome {
    let mut phone = None;
    let mut agent = None;
    let mut hours = 24;
    let mut secret = std::env::var("PORTAL_TOKEN_SECRET")
        .ok()
        .filter(|s| !s.is_empty());
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || rest.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--phone" => phone = Some(value()?),
            "--agent" => agent = Some(value()?),
            "--hours" => {
                hours = value()?
                    .parse()
                    .map_err(|_| "--hours takes a whole number".to_owned())?
            }
            "--secret" => secret = Some(value()?),
            other => {
                return Err(format!(
                    "unknown flag {other}; use --phone, --agent, --hours, --secret"
                ));
            }
        }
    }
    let secret = match secret {
        Some(secret) => secret,
        None => from_dev_vars()?,
    };
    println!("{}", mint(&secret, &demo_claims(phone, agent, hours)?));
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
