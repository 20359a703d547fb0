//! `cargo xtask dev`: run callme locally until Ctrl-C.
//!
//! For now this is the voice-platform stand-in (the sandbox) with a fresh
//! key; the edge worker and the demo pages join it as they land.

use std::process::Command;

use crate::cmd::{self, Outcome};
use crate::{setup, tools};

/// The sandbox's port in local runs.
const SANDBOX_PORT: &str = "8789";

/// Starts the sandbox in the foreground.
pub fn run(_args: &[String]) -> Outcome {
    setup::run()?;
    let root = tools::root();
    cmd::run(cmd::cargo(&root).args(["build", "--package", "callme-sandbox"]))?;
    let key = random_hex(24)?;
    println!("Sandbox (voice-platform stand-in): http://127.0.0.1:{SANDBOX_PORT}");
    println!(
        "  try: curl -H 'Authorization: Bearer {key}' 'http://127.0.0.1:{SANDBOX_PORT}/calls?limit=2'"
    );
    println!("Ctrl-C stops it.");
    cmd::run(
        Command::new(root.join("target/debug/callme-sandbox"))
            .args(["--port", SANDBOX_PORT])
            .env("SANDBOX_API_KEY", &key),
    )
}

/// `bytes` random bytes from the kernel, as hex: local secrets are made
/// fresh for every run, so none is ever committed.
pub fn random_hex(bytes: usize) -> Outcome<String> {
    use std::io::Read;
    let mut buffer = vec![0_u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buffer))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}
