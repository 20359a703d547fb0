//! `cargo xtask fuzz [--time SECONDS] [TARGET...]`: run the cargo-fuzz
//! targets in `fuzz/` (shared parsers, callback body, portal tokens,
//! tickets, phone numbers) with libFuzzer, two at a time, each for the
//! given time (default 60 s). `cargo xtask test` runs every target for 30 s,
//! all at once and at the lowest CPU priority, beside the Node suites (a
//! smoke run: the time, not the executions, is what counts).
//!
//! cargo-fuzz needs a nightly: the one pinned for the widget bundles
//! ([`tools::WIDGET_TOOLCHAIN`]). Corpora stay in `fuzz/corpus/` (ignored
//! by git); a crash leaves its input in `fuzz/artifacts/` and fails the run.

use std::process::Command;
use std::thread;

use crate::cmd::{self, Outcome};
use crate::tools::{self, CARGO_FUZZ, WIDGET_TOOLCHAIN};

/// Every target, as named in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 5] = [
    "shared_parsers",
    "callback_body",
    "portal_token",
    "ticket",
    "phone_numbers",
];

/// `cargo xtask fuzz`: `targets` (all when empty) for `seconds` each.
pub fn run(seconds: u64, mut targets: Vec<String>) -> Outcome {
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    crate::setup::ensure_fuzzer()?;
    // Long runs two at a time, one per core.
    for (target, executions) in run_targets(&targets, seconds, 2, Priority::Normal)? {
        println!("fuzz: {target}: {executions} executions, no crash");
    }
    Ok(())
}

/// How a fuzz run shares the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// As any command, the build's output on the terminal.
    Normal,
    /// At the lowest CPU priority (`nice -n 19`), the build's output kept
    /// back (shown on failure): beside tests, which keep the CPU they use.
    Background,
}

/// cargo-fuzz with the pinned nightly, at `priority`.
fn cargo_fuzz(priority: Priority) -> Command {
    let mut command = match priority {
        Priority::Normal => Command::new(CARGO_FUZZ.bin()),
        Priority::Background => {
            let mut nice = Command::new("nice");
            nice.args(["-n", "19"]).arg(CARGO_FUZZ.bin());
            nice
        }
    };
    command
        .current_dir(tools::root())
        .env("RUSTUP_TOOLCHAIN", WIDGET_TOOLCHAIN)
        .arg("fuzz");
    command
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let last: Vec<&str> = text.lines().rev().take(lines).collect();
    last.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Builds the targets, then runs them `at_once` at a time, each for
/// `seconds`; returns how many executions each made.
///
/// # Errors
/// When a build fails or a target finds a crash.
pub fn run_targets(
    targets: &[String],
    seconds: u64,
    at_once: usize,
    priority: Priority,
) -> Outcome<Vec<(String, u64)>> {
    let mut build = cargo_fuzz(priority);
    build.args(["build", "--release"]);
    match priority {
        Priority::Normal => cmd::run(&mut build)?,
        Priority::Background => {
            let output = build
                .output()
                .map_err(|e| format!("cannot start cargo-fuzz: {e}"))?;
            if !output.status.success() {
                let text = String::from_utf8_lossy(&output.stderr);
                return Err(format!(
                    "the fuzz targets did not build:\n{}",
                    tail(&text, 40)
                ));
            }
        }
    }
    let mut results = Vec::new();
    for pair in targets.chunks(at_once.max(1)) {
        let runs: Vec<_> = pair
            .iter()
            .map(|target| {
                let mut command = cargo_fuzz(priority);
                command.args([
                    "run".to_owned(),
                    target.clone(),
                    "--release".to_owned(),
                    "--".to_owned(),
                    format!("-max_total_time={seconds}"),
                    "-print_final_stats=1".to_owned(),
                ]);
                let target = target.clone();
                thread::spawn(move || {
                    let output = command
                        .output()
                        .map_err(|e| format!("cannot start cargo-fuzz: {e}"))?;
                    let text = String::from_utf8_lossy(&output.stderr).into_owned();
                    if !output.status.success() {
                        return Err(format!("fuzz target {target} failed:\n{}", tail(&text, 30)));
                    }
                    Ok((target, executions(&text)))
                })
            })
            .collect();
        for run in runs {
            results.push(run.join().map_err(|_| "a fuzz run panicked".to_owned())??);
        }
    }
    Ok(results)
}

/// libFuzzer's `stat::number_of_executed_units` line.
fn executions(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("stat::number_of_executed_units:")
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions_come_from_libfuzzers_final_stats() {
        let stderr =
            "#1234 DONE cov: 10\nstat::number_of_executed_units: 98765\nstat::peak_rss_mb: 40\n";
        assert_eq!(executions(stderr), 98_765);
        assert_eq!(executions("no stats"), 0);
    }
}
