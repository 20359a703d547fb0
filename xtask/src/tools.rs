//! Where things are: the workspace, the per-user tool cache, and every
//! external tool with its pinned version.

use std::path::{Path, PathBuf};

/// Must equal the `wasm-bindgen` pin in the workspace (`=0.2.130`): the CLI
/// and the library must match exactly.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The `worker-build` that matches the `worker` crate.
pub const WORKER_BUILD_VERSION: &str = "0.8.7";
/// The Rust target of the widget and the worker.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The toolchain the widget bundles are built with (everything else uses
/// `rust-toolchain.toml`'s stable). Only a nightly
/// can rebuild the standard library for size (`-Z build-std`) and leave out
/// panic messages, file names and `Debug` output that no visitor ever sees;
/// together that is 12% of the button's gzip. Pinned by date, so a build
/// is the same next month.
pub const WIDGET_TOOLCHAIN: &str = "nightly-2026-05-19";

/// The flags that toolchain builds the bundles with.
pub const WIDGET_RUSTFLAGS: &str =
    "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// The per-user cache that outlives clones: `$CALLME_CACHE`, else
/// `$XDG_CACHE_HOME/callme`, else `~/.cache/callme`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLME_CACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("callme");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into());
    PathBuf::from(home).join(".cache").join("callme")
}

/// A tool that `cargo install` puts into the cache, one folder per version.
pub struct CargoTool {
    /// The crate to install.
    pub krate: &'static str,
    /// Its pinned version.
    pub version: &'static str,
    /// The binary it provides.
    pub binary: &'static str,
    /// Whether `--locked` works for it (it does not for wasm-bindgen-cli).
    pub locked: bool,
}

impl CargoTool {
    /// The folder `cargo install --root` writes to.
    pub fn install_root(&self) -> PathBuf {
        cache_dir().join(format!("{}-{}", self.krate, self.version))
    }

    /// The installed binary's path.
    pub fn bin(&self) -> PathBuf {
        self.install_root().join("bin").join(self.binary)
    }
}

/// wasm-bindgen-cli at the pinned version.
pub const WASM_BINDGEN: CargoTool = CargoTool {
    krate: "wasm-bindgen-cli",
    version: WASM_BINDGEN_VERSION,
    binary: "wasm-bindgen",
    locked: false,
};

/// worker-build at the pinned version.
pub const WORKER_BUILD: CargoTool = CargoTool {
    krate: "worker-build",
    version: WORKER_BUILD_VERSION,
    binary: "worker-build",
    locked: true,
};

/// cargo-fuzz at a pinned version (runs on the widget's nightly).
pub const CARGO_FUZZ: CargoTool = CargoTool {
    krate: "cargo-fuzz",
    version: "0.13.2",
    binary: "cargo-fuzz",
    locked: true,
};

/// A binary from the npm packages (`node_modules/.bin/NAME`).
pub fn npm_bin(name: &str) -> PathBuf {
    root().join("node_modules").join(".bin").join(name)
}

/// Node >= 22 (wrangler needs it; the machine's own Node may be older):
/// see [`crate::platform::node22`].
pub fn node22() -> PathBuf {
    crate::platform::node22(&root())
}

/// Whether [`node22`] can run: the system's, or the npm build installed.
pub fn node22_ready() -> bool {
    let node = node22();
    node == Path::new("node") || node.exists()
}
