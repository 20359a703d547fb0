//! `cargo xtask build`: build every shipped artefact where `wrangler.toml`
//! expects it (`edge/build/`), plus the sandbox binary for local runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use callme_widget::i18n::{self, Lang};

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

/// The widget's bundles, one per element, into `www/pkg/` with each
/// language's words file (English is in the wasm), the minified loader
/// with every language's few words of its own into `www/callme.js` with
/// its types beside it, and the same files under the versioned path
/// `www/v/<version>/` for sites that pin a version, and production's
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
    words_files(&pkg)?;
    let source = root.join("widget/loader/callme.js");
    let source = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let loader = root.join("target/widget/callme.js");
    fs::write(&loader, loader_with_words(&source)?)
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
            "www/pkg/callme_send_bg.wasm",
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

/// Writes `words-<tag>.txt` for every language but English into `pkg`:
/// what the loader fetches for a visitor of that language.
fn words_files(pkg: &Path) -> Outcome {
    for lang in Lang::ALL.into_iter().filter(|lang| *lang != Lang::En) {
        let path = pkg.join(format!("words-{}.txt", lang.tag()));
        fs::write(&path, i18n::words_file(lang)).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Where in `widget/loader/callme.js` the loader's words go.
const WORDS_MARKER: &str = "/* words: cargo xtask build */ {}";

/// The loader's source with [`WORDS_MARKER`] replaced by every language's
/// words for the loader: the launcher, the early form and its failures
/// (`callme_widget::words`), as a JavaScript object by tag.
fn loader_with_words(source: &str) -> Outcome<String> {
    loader_with(source, &callme_widget::words::loader_table())
}

fn loader_with(source: &str, table: &str) -> Outcome<String> {
    if source.matches(WORDS_MARKER).count() != 1 {
        return Err(format!(
            "widget/loader/callme.js needs {WORDS_MARKER:?} once, where its words go"
        ));
    }
    Ok(source.replace(WORDS_MARKER, table))
}

/// The minified loader as it would be with only `languages`' words, at
/// `output` (for the bench's cost of a language).
///
/// # Errors
/// When the source cannot be read or esbuild fails.
pub fn loader_for(languages: &[Lang], output: &Path) -> Outcome {
    let root = tools::root();
    let source = root.join("widget/loader/callme.js");
    let source = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let staged = output.with_extension("src.js");
    let text = loader_with(&source, &callme_widget::words::loader_table_of(languages))?;
    fs::write(&staged, text).map_err(|e| format!("{}: {e}", staged.display()))?;
    minify(&staged, output)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_gets_every_languages_words_in_place_of_the_marker() {
        let built = loader_with_words(&format!("const WORDS = {WORDS_MARKER};")).unwrap();
        let words: serde_json::Value = serde_json::from_str(
            built
                .strip_prefix("const WORDS = ")
                .unwrap()
                .trim_end_matches(';'),
        )
        .unwrap();
        for lang in Lang::ALL {
            assert_eq!(
                words[lang.tag()]["label"],
                i18n::t(lang, i18n::Msg::Launcher)
            );
            assert_eq!(
                words[lang.tag()]["submit"],
                i18n::t(lang, i18n::Msg::Submit)
            );
        }
        assert_eq!(words["nl"]["retry"], "Opnieuw proberen");
        assert!(loader_with_words("const WORDS = {};").is_err());
    }

    #[test]
    fn every_language_but_english_gets_a_words_file_the_widget_reads() {
        let pkg = std::env::temp_dir().join(format!("callme-words-{}", std::process::id()));
        fs::create_dir_all(&pkg).unwrap();
        words_files(&pkg).unwrap();
        assert!(!pkg.join("words-en.txt").exists());
        for lang in Lang::ALL.into_iter().skip(1) {
            let file = fs::read_to_string(pkg.join(format!("words-{}.txt", lang.tag()))).unwrap();
            // What the wasm does with the file the loader hands it.
            assert!(lang.install(&file), "{lang:?}");
        }
        fs::remove_dir_all(&pkg).unwrap();
    }
}
