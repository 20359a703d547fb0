//! `cargo xtask build`: build every shipped artefact.

use crate::cmd::{self, Outcome};
use crate::tools::{self, WASM_TARGET};

/// Builds the shared crate for wasm (it ships inside the widget) and the
/// sandbox binary.
pub fn run() -> Outcome {
    shared_for_wasm()?;
    cmd::run(cmd::cargo(&tools::root()).args(["build", "--package", "callme-sandbox"]))
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
