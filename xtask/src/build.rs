//! `cargo xtask build`: build every shipped artefact where `wrangler.toml`
//! expects it (`edge/build/`), plus the sandbox binary for local runs.

use std::process::Command;

use crate::cmd::{self, Outcome};
use crate::tools::{self, WASM_BINDGEN, WASM_TARGET, WORKER_BUILD};

/// Builds everything.
pub fn run() -> Outcome {
    shared_for_wasm()?;
    edge()?;
    sandbox()
}

/// Proves `callme-shared` compiles for the browser.
pub fn shared_for_wasm() -> Outcome {
    cmd::run(cmd::cargo(&tools::root()).args([
        "build",
        "--package",
        "callme-shared",
        "--target",
        WASM_TARGET,
        "--release",
    ]))
}

/// The worker, through worker-build, with every helper tool pointed at a
/// local binary so nothing is downloaded.
pub fn edge() -> Outcome {
    let root = tools::root();
    cmd::run(
        Command::new(WORKER_BUILD.bin())
            .arg("--release")
            .current_dir(root.join("edge"))
            .env("WASM_BINDGEN_BIN", WASM_BINDGEN.bin())
            .env("WASM_OPT_BIN", tools::npm_bin("wasm-opt"))
            .env("ESBUILD_BIN", tools::npm_bin("esbuild")),
    )
}

/// The sandbox binary (the upstream of local runs and runtime tests).
pub fn sandbox() -> Outcome {
    cmd::run(cmd::cargo(&tools::root()).args(["build", "--package", "callme-sandbox"]))
}
