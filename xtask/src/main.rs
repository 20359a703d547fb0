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

mod bench;
mod build;
mod cmd;
mod dev;
mod fuzz;
mod numbers;
mod platform;
mod setup;
mod test;
mod token;
mod tools;
mod wasm_exports;
mod wasm_sizes;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <task>

Tasks:
  setup   install missing tools (cached in ~/.cache/callme; a second run does nothing)
  build   build every shipped artefact
  test    setup, fmt, clippy, every test suite, then a summary
  dev     run the product locally (Ctrl-C stops it)
  token   mint a portal token: [--phone E164] [--agent NAME] [--hours N] [--secret S]
  fuzz    run the fuzz targets with libFuzzer: [--time SECONDS] [TARGET...]
  numbers regenerate numbers/src/data.rs from the pinned libphonenumber metadata
  bench   print sizes and speeds against baselines measured in the same run, write
          BENCHMARKS.md [--edge-only: the worker's figures only, no file]
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match task.as_str() {
        "setup" => setup::run(),
        // A fresh clone has no wasm-bindgen, wasm-opt or esbuild yet.
        "build" => setup::run().and_then(|()| build::run()),
        "test" => test::run(rest),
        "dev" => dev::run(rest),
        "token" => token::run(rest),
        "bench" => bench::run(rest),
        "numbers" => numbers::run(),
        "fuzz" => fuzz::run(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {task}: {message}");
            ExitCode::FAILURE
        }
    }
}
