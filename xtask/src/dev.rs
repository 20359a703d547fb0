//! `cargo xtask dev`: the product locally. The sandbox stands in for the
//! voice platform on 127.0.0.1:8789, the worker runs in workerd through
//! `wrangler dev` on 127.0.0.1:8787 with fresh local secrets in `.dev.vars`,
//! and Ctrl-C stops both.
//!
//! The widget and the worker are rebuilt only when their sources changed
//! since their last build (see [`crate::stamp`]); the URLs are printed once
//! the worker answers, not while wrangler is still starting; Ctrl-C (or
//! SIGTERM) stops wrangler and the sandbox and ends with one line.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// How long wrangler may take to answer its first request (its first
/// start on a busy two-core machine takes tens of seconds).
const READY_TIMEOUT: Duration = Duration::from_secs(180);

/// How often `dev` runs the edge's Cron Trigger (`wrangler.toml` says every
/// five minutes).
const RECONCILE_EVERY: Duration = Duration::from_secs(300);

/// Builds what changed, writes `.dev.vars`, starts the sandbox and
/// `wrangler dev`, prints the URLs once the worker answers, and waits for
/// Ctrl-C.
pub fn run() -> Outcome {
    // Set before any child starts: the terminal sends Ctrl-C's SIGINT to
    // the whole process group, and xtask must live to stop the rest.
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    // A build that Ctrl-C interrupted fails; that is no error to report.
    if let Err(error) = setup::run().and_then(|()| build_what_changed()) {
        return if stop.load(Ordering::SeqCst) {
            println!("\ncallme stopped.");
            Ok(())
        } else {
            Err(error)
        };
    }
    // Another run still listening would answer our health polls.
    if answers_http(EDGE_PORT, "/api/health") {
        return Err(format!(
            "127.0.0.1:{EDGE_PORT} already answers: stop the other `cargo xtask dev` (or whatever listens there) first"
        ));
    }
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
                // No hotkeys: they put the terminal in raw mode, where
                // Ctrl-C reaches wrangler as a key instead of a signal to
                // every process of the run.
                "--show-interactive-dev-session=false",
                // `wrangler dev` runs no Cron Trigger by itself: `GET
                // /__scheduled` runs one (see `RECONCILE_EVERY`).
                "--test-scheduled",
            ])
            .spawn()
            .map_err(|e| format!("cannot start wrangler: {e}"))?,
    );
    match wait_until_listening(&mut wrangler.0, &stop)? {
        Ready::Listening => print_urls(&token),
        Ready::Stopped => return stopped(wrangler),
        Ready::Exited(status) => return Err(format!("wrangler dev stopped ({status})")),
    }
    let mut reconciled: Option<Instant> = None;
    loop {
        if stop.load(Ordering::SeqCst) {
            return stopped(wrangler);
        }
        // The deployed edge's Cron Trigger, by hand: the sandbox's demo
        // history reaches the call record (the portal's chart, restricted
        // tokens) at once, then every few minutes as in production.
        if reconciled.is_none_or(|at| at.elapsed() >= RECONCILE_EVERY) {
            answers_http(EDGE_PORT, "/__scheduled?cron=*/5+*+*+*+*");
            reconciled = Some(Instant::now());
        }
        if let Some(status) = wrangler.0.try_wait().map_err(|e| e.to_string())? {
            // Killed by the terminal's signal before our handler saw it,
            // or ended by an operator: an end, not a failure.
            return if status.success() || by_signal(status) {
                println!("\ncallme stopped.");
                Ok(())
            } else {
                Err(format!("wrangler dev stopped ({status})"))
            };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Rebuilds the widget and the worker only when their sources changed
/// since their last build, and the sandbox (cargo knows when it is fresh).
fn build_what_changed() -> Outcome {
    if build::widget_stamp()?.is_fresh() {
        println!("dev: widget sources unchanged since its last build: not rebuilt");
    } else {
        build::widget()?;
    }
    if build::edge_stamp()?.is_fresh() {
        println!("dev: edge sources unchanged since its last build: not rebuilt");
    } else {
        build::edge()?;
    }
    build::sandbox()
}

/// How waiting for wrangler ended.
enum Ready {
    /// The worker answered a request.
    Listening,
    /// Ctrl-C came first.
    Stopped,
    /// Wrangler exited first.
    Exited(ExitStatus),
}

/// Polls the worker's health endpoint until it answers (any HTTP status:
/// a misconfigured worker answers too, and says why), wrangler exits,
/// Ctrl-C comes, or [`READY_TIMEOUT`] passes.
fn wait_until_listening(wrangler: &mut Child, stop: &AtomicBool) -> Outcome<Ready> {
    let started = Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(Ready::Stopped);
        }
        if let Some(status) = wrangler.try_wait().map_err(|e| e.to_string())? {
            return Ok(Ready::Exited(status));
        }
        if answers_http(EDGE_PORT, "/api/health") {
            return Ok(Ready::Listening);
        }
        if started.elapsed() > READY_TIMEOUT {
            return Err(format!(
                "wrangler dev did not answer on 127.0.0.1:{EDGE_PORT} within {} s",
                READY_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Whether `GET path` on 127.0.0.1:`port` gets an HTTP answer. Plain
/// HTTP/1.1 over a socket: xtask needs no HTTP client for one line.
fn answers_http(port: &str, path: &str) -> bool {
    let Ok(address) = format!("127.0.0.1:{port}").parse() else {
        return false;
    };
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 ")
}

/// Stops wrangler (SIGTERM, so it stops its workerd too; a kill after
/// 5 s) and, when dropped, the sandbox; says so in one line.
fn stopped(mut wrangler: Guarded) -> Outcome {
    terminate(&mut wrangler.0);
    drop(wrangler);
    println!("\ncallme stopped.");
    Ok(())
}

/// Asks a child to end and waits a little for it.
fn terminate(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    // `kill -TERM`, not Child::kill (SIGKILL, which would orphan workerd).
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
}

/// Whether a child ended by a signal (Ctrl-C, SIGTERM) or its shell's
/// code for one (128 + n).
fn by_signal(status: ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if status.signal().is_some() {
            return true;
        }
    }
    status.code().is_some_and(|code| code > 128)
}

/// The local URLs and the demo portal token.
fn print_urls(token: &str) {
    let base = format!("http://127.0.0.1:{EDGE_PORT}");
    println!("\ncallme is running:");
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
