//! `cargo xtask dev`: the product locally. The sandbox stands in for the
//! voice platform on 127.0.0.1:8789, the worker runs in workerd through
//! `wrangler dev` on 127.0.0.1:8787 with fresh local secrets in `.dev.vars`,
//! and Ctrl-C stops both.

use std::fs;
use std::process::{Child, Command};

use callme_tokens::token::{Claims, Scope, mint};

use crate::cmd::Outcome;
use crate::{build, setup, tools};

/// The sandbox's port in local runs (`UPSTREAM_URL` in wrangler.toml).
const SANDBOX_PORT: &str = "8789";
/// The worker's port in local runs (an allowed origin in wrangler.toml).
const EDGE_PORT: &str = "8787";

/// Kills a child when dropped, so an early return never leaves one running.
struct Guarded(Child);

impl Drop for Guarded {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds, writes `.dev.vars`, starts the sandbox and `wrangler dev`.
pub fn run() -> Outcome {
    setup::run()?;
    build::run()?;
    let root = tools::root();
    let voice_key = random_hex(24)?;
    let portal_secret = random_hex(32)?;
    let webhook_secret = random_hex(32)?;
    let dev_vars = format!(
        "# Written by `cargo xtask dev` for local runs only; never commit.\n\
         VOICE_API_KEY={voice_key}\nTICKET_SECRET={}\nPORTAL_TOKEN_SECRET={portal_secret}\n\
         PLATFORM_WEBHOOK_SECRET={webhook_secret}\n",
        random_hex(32)?
    );
    fs::write(root.join(".dev.vars"), dev_vars)
        .map_err(|e| format!("cannot write .dev.vars: {e}"))?;
    // The call record's schema, in the same local state `wrangler dev` uses.
    let migrated = wrangler_command(&root)
        .args([
            "d1",
            "migrations",
            "apply",
            "CALLS",
            "--local",
            "--persist-to",
            ".wrangler/state",
        ])
        .env("CI", "true")
        .status()
        .map_err(|e| format!("cannot run wrangler d1 migrations apply: {e}"))?;
    if !migrated.success() {
        return Err(format!(
            "wrangler d1 migrations apply CALLS --local failed ({migrated})"
        ));
    }

    // The sandbox signs its call events as the platform does and posts
    // them to the local edge, so the demo runs on events.
    let _sandbox = Guarded(
        Command::new(root.join("target/debug/callme-sandbox"))
            .args([
                "--port",
                SANDBOX_PORT,
                "--webhook-url",
                &format!("http://127.0.0.1:{EDGE_PORT}/api/platform/events"),
                // Long enough to type a note or end the call from the portal.
                "--talk-ms",
                "60000",
            ])
            .env("SANDBOX_API_KEY", &voice_key)
            .env("SANDBOX_WEBHOOK_SECRET", &webhook_secret)
            .spawn()
            .map_err(|e| format!("cannot start the sandbox: {e}"))?,
    );
    // A day: the edge refuses portal tokens living longer than
    // PORTAL_TOKEN_MAX_TTL (24 h unless set). The demo operator may end and
    // transfer live calls.
    let mut claims = demo_claims(None, None, 24)?;
    claims.scope = Scope::Text("calls:read calls:control".into());
    let token = mint(&portal_secret, &claims);
    let base = format!("http://127.0.0.1:{EDGE_PORT}");
    println!("\ncallme is starting:");
    println!("  demo site         {base}/");
    // The token rides in the fragment, which no server sees: the static
    // portal page hands it to the history (www/portal.js).
    println!("  customer portal   {base}/portal.html#token={token}");
    println!("  embedding guide   {base}/embed.html");
    println!("  API               {base}/api/config");
    println!("  voice platform    http://127.0.0.1:{SANDBOX_PORT} (the sandbox)");
    println!("  portal token      {token}");
    println!(
        "  try the history:  curl -H 'Authorization: Bearer {token}' '{base}/api/calls?limit=3'"
    );
    println!("Ctrl-C stops everything.\n");
    let mut wrangler = Guarded(
        wrangler_command(&root)
            .args([
                "dev",
                "--ip",
                "127.0.0.1",
                "--port",
                EDGE_PORT,
                "--persist-to",
                ".wrangler/state",
            ])
            .spawn()
            .map_err(|e| format!("cannot start wrangler: {e}"))?,
    );
    let status = wrangler.0.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("wrangler dev stopped ({status})"))
    }
}

/// `wrangler` under Node 22, with telemetry and network lookups off.
pub fn wrangler_command(root: &std::path::Path) -> Command {
    let mut command = Command::new(tools::node22());
    command
        .arg(root.join("node_modules/wrangler/bin/wrangler.js"))
        .current_dir(root)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
    command
}

/// Claims of a portal token valid for `hours`.
pub fn demo_claims(phone: Option<String>, agent: Option<String>, hours: i64) -> Outcome<Claims> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    Ok(Claims {
        exp: i64::try_from(now).map_err(|e| e.to_string())? + hours * 3_600,
        nbf: None,
        iat: Some(i64::try_from(now).map_err(|e| e.to_string())?),
        aud: None,
        iss: None,
        scope: Scope::Text("calls:read".into()),
        phone,
        agent,
        sub: Some("demo-portal".into()),
    })
}

/// `bytes` random bytes from the kernel, as hex: local secrets are made
/// fresh for every run, so none is ever committed.
pub fn random_hex(bytes: usize) -> Outcome<String> {
    let mut buffer = vec![0_u8; bytes];
    // The operating system's generator, on Linux, macOS and Windows alike.
    getrandom::fill(&mut buffer).map_err(|e| format!("no random bytes: {e}"))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_secrets_are_fresh_hex_of_the_asked_length() {
        let (a, b) = (random_hex(32).unwrap(), random_hex(32).unwrap());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
