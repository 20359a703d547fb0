//! callme's chores, run as `cargo xtask <task>`:
//!
//! - `setup`: install what a fresh machine lacks (wasm32 target,
//!   wasm-bindgen-cli, worker-build, npm tools, Chromium); idempotent and cached.
//! - `build`: build every shipped artefact.
//! - `test`: setup, then formatting, clippy, every test suite, and a summary.
//! - `dev`: run the product locally until Ctrl-C.
//! - `token`: mint a portal token for trying `/api/calls`.
//! - `numbers`: regenerate the phone-number metadata tables from the pinned
//!   libphonenumber release.
//! - `fuzz`: run the cargo-fuzz targets (`--time SECONDS`, target names).
//! - `bench`: print sizes and speeds against baselines measured in the same run.
//! - `deploy-check`: build, then check what `wrangler deploy --env production`
//!   would upload (the test command runs the same check).

mod bench;
mod build;
mod cmd;
mod dev;
mod examples;
mod fuzz;
mod numbers;
mod platform;
mod production;
mod setup;
mod stamp;
mod test;
mod token;
mod tools;
mod wasm_rewrite;
mod wasm_sizes;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// callme's chores.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", about = "callme's chores")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install missing tools (cached in ~/.cache/callme; a second run does nothing).
    Setup,
    /// Build every shipped artefact.
    Build,
    /// Setup, fmt, clippy, every test suite, then a summary.
    Test {
        /// Skip setup, for a quick local loop on a machine that has everything.
        #[arg(long)]
        skip_setup: bool,
    },
    /// Run the product locally (Ctrl-C stops it).
    Dev,
    /// Mint a portal token for trying /api/calls.
    Token(token::Options),
    /// Run the fuzz targets with libFuzzer.
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        time: u64,
        /// Targets to run (all when none is named).
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(fuzz::TARGETS))]
        targets: Vec<String>,
    },
    /// Regenerate numbers/src/data.rs from the pinned libphonenumber metadata.
    Numbers,
    /// Build, then check what `wrangler deploy --env production` would upload (a dry run; no login).
    DeployCheck,
    /// Print sizes and speeds against baselines measured in the same run; write BENCHMARKS.md.
    Bench {
        /// The worker's figures only, and no file.
        #[arg(long)]
        edge_only: bool,
    },
}

impl Task {
    fn name(&self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::Build => "build",
            Self::Test { .. } => "test",
            Self::Dev => "dev",
            Self::Token(_) => "token",
            Self::Fuzz { .. } => "fuzz",
            Self::Numbers => "numbers",
            Self::Bench { .. } => "bench",
            Self::DeployCheck => "deploy-check",
        }
    }
}

fn main() -> ExitCode {
    // clap prints help to stdout (exit 0) and errors to stderr (exit 2).
    let task = Cli::parse().task;
    let name = task.name();
    let result = match task {
        Task::Setup => setup::run(),
        // A fresh clone has no wasm-bindgen, wasm-opt or esbuild yet.
        Task::Build => setup::run().and_then(|()| build::run()),
        Task::Test { skip_setup } => test::run(skip_setup),
        Task::Dev => dev::run(),
        Task::Token(options) => token::run(options),
        Task::Bench { edge_only } => bench::run(edge_only),
        Task::DeployCheck => setup::run()
            .and_then(|()| build::run())
            .and_then(|()| production::check_dry_run())
            .map(|checks| println!("deploy-check: {checks} checks held")),
        Task::Numbers => numbers::run(),
        Task::Fuzz { time, targets } => fuzz::run(time, targets),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {name}: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn tasks_and_their_flags_parse() {
        let parse = |line: &[&str]| Cli::try_parse_from(line).map(|cli| cli.task);
        assert!(matches!(
            parse(&["xtask", "test", "--skip-setup"]),
            Ok(Task::Test { skip_setup: true })
        ));
        assert!(matches!(
            parse(&["xtask", "bench", "--edge-only"]),
            Ok(Task::Bench { edge_only: true })
        ));
        let Ok(Task::Fuzz { time, targets }) = parse(&["xtask", "fuzz", "--time", "5", "ticket"])
        else {
            panic!("fuzz should parse");
        };
        assert_eq!((time, targets), (5, vec!["ticket".to_owned()]));
        assert!(parse(&["xtask", "fuzz", "no_such_target"]).is_err());
        assert!(parse(&["xtask", "bogus"]).is_err());
        assert!(parse(&["xtask", "token", "--hours", "many"]).is_err());
    }
}
