//! `cargo xtask build`: build every shipped artefact where `wrangler.toml`
//! expects it (`edge/build/`), plus the sandbox binary for local runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, Outcome};
use crate::stamp::Stamp;
use crate::tools::{
    self, WASM_BINDGEN, WASM_BINDGEN_VERSION, WASM_TARGET, WIDGET_RUSTFLAGS, WIDGET_TOOLCHAIN,
    WORKER_BUILD, WORKER_BUILD_VERSION,
};
use crate::wasm_rewrite;

/// Builds everything.
pub fn run() -> Outcome {
    shared_for_wasm()?;
    widget()?;
    edge()?;
    sandbox()
}

/// The widget's bundles, one per element, into `www/pkg/`, the minified
/// loader into `www/callme.js` with its types beside it, the same files under the versioned
/// path `www/v/<version>/` for sites that pin a version, and production's
/// assets folder from them (see [`crate::production`]).
pub fn widget() -> Outcome {
    let stamp = widget_stamp()?;
    let root = tools::root();
    let www = root.join("www");
    let pkg = www.join("pkg");
    fs::create_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    for kind in WIDGET_BUNDLES {
        let staging = root.join("target/widget").join(kind);
        let name = format!("callme_{kind}");
        let wasm = bindgen_widget_wasm("callme-widget", Some(kind), &staging, &name, false)?;
        wasm_opt(&wasm, &pkg.join(format!("{name}_bg.wasm")))?;
        minify(
            &staging.join(format!("{name}.js")),
            &pkg.join(format!("{name}.js")),
        )?;
    }
    let loader = root.join("target/widget/callme.js");
    fs::write(&loader, loader_with_words(&root)?)
        .map_err(|e| format!("{}: {e}", loader.display()))?;
    minify(&loader, &www.join("callme.js"))?;
    // The host page's types, served beside the loader they describe.
    fs::copy(
        root.join("widget/loader/callme.d.ts"),
        www.join("callme.d.ts"),
    )
    .map_err(|e| format!("callme.d.ts: {e}"))?;
    let pinned = www.join("v").join(WIDGET_VERSION);
    let _ = fs::remove_dir_all(&pinned);
    fs::create_dir_all(pinned.join("pkg")).map_err(|e| e.to_string())?;
    for file in ["callme.js", "callme.d.ts"] {
        fs::copy(www.join(file), pinned.join(file)).map_err(|e| e.to_string())?;
    }
    for entry in fs::read_dir(&pkg).map_err(|e| e.to_string())?.flatten() {
        fs::copy(entry.path(), pinned.join("pkg").join(entry.file_name()))
            .map_err(|e| e.to_string())?;
    }
    // Production's assets are the widget's files without the demo.
    crate::production::assemble()?;
    stamp.record()
}

/// What the widget's files are built from: its sources, `shared`, the
/// lock file and the toolchain with its flags.
///
/// # Errors
/// When a source cannot be read.
pub fn widget_stamp() -> Outcome<Stamp> {
    Stamp::of(
        "widget",
        &[
            "widget/src",
            "widget/loader",
            "widget/Cargo.toml",
            "shared/src",
            "shared/Cargo.toml",
            "deploy",
            "Cargo.toml",
            "Cargo.lock",
        ],
        &format!("{WIDGET_TOOLCHAIN} {WIDGET_RUSTFLAGS} {WASM_BINDGEN_VERSION}"),
        &[
            "www/callme.js",
            "www/callme.d.ts",
            "www/pkg/callme_button_bg.wasm",
            "www/pkg/callme_history_bg.wasm",
            crate::production::ASSETS_DIR,
        ],
    )
}

/// What the worker is built from: the edge and every crate it links.
///
/// # Errors
/// When a source cannot be read.
pub fn edge_stamp() -> Outcome<Stamp> {
    Stamp::of(
        "edge",
        &[
            "edge/src",
            "edge/Cargo.toml",
            "shared/src",
            "shared/Cargo.toml",
            "numbers/src",
            "numbers/Cargo.toml",
            "tokens/src",
            "tokens/Cargo.toml",
            "Cargo.toml",
            "Cargo.lock",
        ],
        &format!("{WORKER_BUILD_VERSION} {WASM_BINDGEN_VERSION}"),
        &["edge/build/index.js", "edge/build/index_bg.wasm"],
    )
}

/// Where the loader's source takes its words.
const WORDS_MARKER: &str = "/* cargo xtask build writes the table here */ {}";

/// The loader's source with the widget's words in it (`callme-words`
/// prints them from the message table, natively).
fn loader_with_words(root: &Path) -> Outcome<String> {
    let source = root.join("widget/loader/callme.js");
    let text = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    if text.matches(WORDS_MARKER).count() != 1 {
        return Err(format!(
            "{} must hold `{WORDS_MARKER}` once",
            source.display()
        ));
    }
    let mut words = cmd::cargo(root);
    words.args([
        "run",
        "--quiet",
        "--package",
        "callme-widget",
        "--bin",
        "callme-words",
    ]);
    let output = words
        .output()
        .map_err(|e| format!("`{}`: {e}", cmd::describe(&words)))?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed: {}",
            cmd::describe(&words),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let table = String::from_utf8(output.stdout).map_err(|e| e.to_string())?;
    Ok(text.replace(WORDS_MARKER, &table))
}

/// Builds a widget crate's wasm with the widget toolchain, and runs
/// wasm-bindgen on it into `staging` (`NAME.js`, `NAME_bg.wasm`) without
/// the exports nothing uses; returns the wasm's path. `keep_names` keeps
/// the name section, for `bench`'s cost per crate.
pub fn bindgen_widget_wasm(
    package: &str,
    features: Option<&str>,
    staging: &Path,
    name: &str,
    keep_names: bool,
) -> Outcome<PathBuf> {
    let root = tools::root();
    // A target folder of its own: sharing `target/` with the stable
    // toolchain would make each rebuild everything the other built.
    let target_dir = root.join("target/widget-nightly");
    let mut build = Command::new("rustup");
    build
        .current_dir(&root)
        .args([
            "run",
            WIDGET_TOOLCHAIN,
            "cargo",
            "build",
            "--release",
            "--lib",
        ])
        .args(["--package", package])
        .args(["--target", WASM_TARGET, "-Zbuild-std=std,panic_abort"])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", WIDGET_RUSTFLAGS);
    if let Some(features) = features {
        build.args(["--features", features]);
    }
    cmd::run(&mut build)?;
    let mut bindgen = Command::new(WASM_BINDGEN.bin());
    bindgen
        .arg(
            target_dir
                .join(WASM_TARGET)
                .join("release")
                .join(format!("{}.wasm", package.replace('-', "_"))),
        )
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--remove-producers-section",
        ])
        .arg("--out-dir")
        .arg(staging)
        .args(["--out-name", name]);
    if !keep_names {
        bindgen.arg("--remove-name-section");
    }
    cmd::run(&mut bindgen)?;
    let wasm = staging.join(format!("{name}_bg.wasm"));
    wasm_rewrite::drop_exports(&wasm, &UNUSED_EXPORTS)?;
    Ok(wasm)
}

/// The widget's bundles: one cargo feature, one wasm, per element, and the
/// button's early sender (`send`, which the loader's early form uses before
/// the button's component has arrived).
pub const WIDGET_BUNDLES: [&str; 3] = ["button", "history", "send"];
/// The versioned path the widget is also served under.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");
/// What Rust's wasm32 target emits by default; wasm-opt must keep to it.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// `wasm-opt -Oz` from the npm binaryen (Debian's is too old for
/// wasm-bindgen 0.2.130 output), keeping to the target's features.
pub fn wasm_opt(input: &Path, output: &Path) -> Outcome {
    wasm_opt_with(input, output, &[])
}

/// [`wasm_opt`] with more flags (`-g` keeps the names).
pub fn wasm_opt_with(input: &Path, output: &Path, extra: &[&str]) -> Outcome {
    cmd::run(
        Command::new(tools::npm_bin("wasm-opt"))
            .arg(input)
            .arg("-Oz")
            .args(WASM_FEATURES)
            .args(extra)
            .arg("-o")
            .arg(output),
    )
}

/// Exports of `wasm-streams` (pulled in by Leptos' server functions, which
/// the widget does not use); see [`wasm_rewrite`].
const UNUSED_EXPORTS: [&str; 2] = ["intounderlying", "__wbg_intounderlying"];

/// Minifies an ES module with esbuild.
pub fn minify(input: &Path, output: &Path) -> Outcome {
    cmd::run(
        Command::new(tools::npm_bin("esbuild"))
            .arg(input)
            .args([
                "--minify",
                "--format=esm",
                "--log-level=warning",
                "--target=es2022",
            ])
            .arg(format!("--outfile={}", output.display())),
    )
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
/// local binary so nothing is downloaded, without the custom sections
/// nothing reads at run time.
pub fn edge() -> Outcome {
    let stamp = edge_stamp()?;
    let root = tools::root();
    cmd::run(
        Command::new(WORKER_BUILD.bin())
            .arg("--release")
            .current_dir(root.join("edge"))
            // The workspace's release profile is size-first for the widget
            // (what a visitor downloads). The worker is uploaded once and
            // run for every request: "s" is about as small as "z" here
            // (350 vs 345 KB gzip) and ~0.15 ms faster per callback.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")
            .env("WASM_BINDGEN_BIN", WASM_BINDGEN.bin())
            .env("WASM_OPT_BIN", tools::npm_bin("wasm-opt"))
            .env("ESBUILD_BIN", tools::npm_bin("esbuild")),
    )?;
    // worker-build keeps the function names (see [`wasm_rewrite`]).
    let wasm = root.join("edge/build/index_bg.wasm");
    wasm_rewrite::drop_custom_sections(&wasm, &UNREAD_SECTIONS)?;
    stamp.record()
}

/// Custom sections of the worker's wasm that workerd never reads.
const UNREAD_SECTIONS: [&str; 2] = ["name", "producers"];

/// The sandbox binary (the upstream of local runs and runtime tests).
pub fn sandbox() -> Outcome {
    cmd::run(cmd::cargo(&tools::root()).args(["build", "--package", "callme-sandbox"]))
}
