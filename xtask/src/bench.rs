//! `cargo xtask bench`: sizes (raw, gzip -9, brotli -q 11) of what ships,
//! each against a baseline built in the same run.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use crate::cmd::{self, Outcome};
use crate::tools::{self, WASM_TARGET};

/// Sizes of one artefact.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Prints every measurement.
pub fn run() -> Outcome {
    shared_size()?;
    widget_sizes()?;
    crate::build::edge()?;
    crate::build::sandbox()?;
    worker_upload_size()?;
    let root = tools::root();
    cmd::run(
        Command::new(tools::node22())
            .arg("edge/bench/latency.mjs")
            .current_dir(&root),
    )
}

/// What each element costs a page: the loader, its glue and its wasm, as
/// served from `www/` after `cargo xtask build`.
fn widget_sizes() -> Outcome {
    crate::build::widget()?;
    let www = tools::root().join("www");
    println!("== widget bundles (what a page downloads, gzip -9 / brotli -q 11)");
    let loader = measure(&fs::read(www.join("callme.js")).map_err(|e| e.to_string())?)?;
    print_row("callme.js (loader, both elements)", loader);
    for kind in crate::build::WIDGET_BUNDLES {
        let mut total = loader;
        for file in [
            format!("callme_{kind}.js"),
            format!("callme_{kind}_bg.wasm"),
        ] {
            let sizes =
                measure(&fs::read(www.join("pkg").join(&file)).map_err(|e| e.to_string())?)?;
            print_row(&file, sizes);
            total.raw += sizes.raw;
            total.gzip += sizes.gzip;
            total.brotli += sizes.brotli;
        }
        print_row(&format!("<callme-{kind}> total"), total);
    }
    widget_against_floor(loader)?;
    widget_composition()
}

/// The button against the smallest Leptos widget built the same way.
fn widget_against_floor(loader: Sizes) -> Outcome {
    let root = tools::root();
    let staging = root.join("target/widget/floor");
    let wasm =
        crate::build::bindgen_widget_wasm("callme-leptos-floor", None, &staging, "floor", false)?;
    let optimised = staging.join("floor_opt.wasm");
    crate::build::wasm_opt(&wasm, &optimised)?;
    let read = |path: &std::path::Path| fs::read(path).map_err(|e| e.to_string());
    let floor_wasm = measure(&read(&optimised)?)?;
    let minified = staging.join("floor.min.js");
    crate::build::minify(&staging.join("floor.js"), &minified)?;
    let floor_glue = measure(&read(&minified)?)?;
    let pkg = root.join("www/pkg");
    let button_wasm = measure(&read(&pkg.join("callme_button_bg.wasm"))?)?;
    let button_glue = measure(&read(&pkg.join("callme_button.js"))?)?;
    println!("== the button against a Leptos counter built the same way (baseline)");
    print_row("counter wasm (Leptos floor)", floor_wasm);
    print_row("counter glue (minified)", floor_glue);
    let kib = |bytes: usize| bytes as f64 / 1024.0;
    let button = loader.gzip + button_glue.gzip + button_wasm.gzip;
    println!(
        "button wasm / counter wasm gzip: {:.2}; the button's whole download is {:.1} KiB gzip, of which {:.1} KiB is Leptos' floor",
        button_wasm.gzip as f64 / floor_wasm.gzip.max(1) as f64,
        kib(button),
        kib(floor_wasm.gzip)
    );
    Ok(())
}

/// Which crates the button's wasm is made of (function bodies by the crate
/// that defines them; generic code counts for its defining crate).
fn widget_composition() -> Outcome {
    let root = tools::root();
    let staging = root.join("target/widget/named");
    let wasm = crate::build::bindgen_widget_wasm(
        "callme-widget",
        Some("button"),
        &staging,
        "named",
        true,
    )?;
    let named = staging.join("named_opt.wasm");
    crate::build::wasm_opt_with(&wasm, &named, &["-g"])?;
    let bytes = fs::read(&named).map_err(|e| e.to_string())?;
    let parts = crate::wasm_sizes::composition(&bytes)?;
    let code: usize = parts.crates.iter().map(|(_, size)| size).sum();
    println!("== what the button's wasm is made of (raw bytes after wasm-opt -Oz)");
    println!("{:<28} {:>9} {:>7}", "crate", "bytes", "share");
    let share = |bytes: usize| 100.0 * bytes as f64 / (code + parts.data).max(1) as f64;
    let mut rest = 0;
    for (index, (krate, size)) in parts.crates.iter().enumerate() {
        if index < 14 {
            println!("{krate:<28} {size:>9} {:>6.1}%", share(*size));
        } else {
            rest += size;
        }
    }
    println!("{:<28} {rest:>9} {:>6.1}%", "(other crates)", share(rest));
    println!(
        "{:<28} {:>9} {:>6.1}%",
        "data (strings, tables)",
        parts.data,
        share(parts.data)
    );
    Ok(())
}

/// What `wrangler deploy` would upload, measured offline with `--dry-run`.
fn worker_upload_size() -> Outcome {
    let root = tools::root();
    let out = root.join("target/deploy-dry-run");
    let _ = fs::remove_dir_all(&out);
    cmd::run(
        crate::dev::wrangler_command(&root)
            .args(["deploy", "--dry-run", "--outdir"])
            .arg(&out),
    )?;
    println!("== worker upload (wrangler deploy --dry-run)");
    let mut total = Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    let mut entries: Vec<_> = fs::read_dir(&out)
        .map_err(|e| e.to_string())?
        .flatten()
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if !path.is_file() || path.extension().is_some_and(|e| e == "map") {
            continue;
        }
        let sizes = measure(&fs::read(&path).map_err(|e| e.to_string())?)?;
        print_row(&entry.file_name().to_string_lossy(), sizes);
        total.raw += sizes.raw;
        total.gzip += sizes.gzip;
        total.brotli += sizes.brotli;
    }
    print_row("total upload", total);
    Ok(())
}

/// What `callme-shared` adds to a wasm module.
fn shared_size() -> Outcome {
    println!("== what callme-shared adds to a wasm module (release, wasm-opt -Oz)");
    let baseline = size_probe(false)?;
    let probe = size_probe(true)?;
    print_row("baseline (std, same exports)", baseline);
    print_row("every shared parser", probe);
    let kib = |bytes: usize| bytes as f64 / 1024.0;
    println!(
        "shared costs {:.1} KiB gzip ({:.1} KiB brotli) over the baseline; probe/baseline gzip ratio {:.2}",
        kib(probe.gzip.saturating_sub(baseline.gzip)),
        kib(probe.brotli.saturating_sub(baseline.brotli)),
        probe.gzip as f64 / baseline.gzip.max(1) as f64
    );
    Ok(())
}

/// Builds the size probe for wasm (with or without `callme-shared`),
/// optimises it and measures it.
fn size_probe(with_shared: bool) -> Outcome<Sizes> {
    let root = tools::root();
    let mut build = cmd::cargo(&root);
    build.args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "callme-size-probe",
        "--target",
        WASM_TARGET,
    ]);
    if with_shared {
        build.args(["--features", "shared"]);
    }
    cmd::run(&mut build)?;
    let built = root
        .join("target")
        .join(WASM_TARGET)
        .join("release/callme_size_probe.wasm");
    let optimised = built.with_extension("opt.wasm");
    crate::build::wasm_opt(&built, &optimised)?;
    measure(&fs::read(&optimised).map_err(|e| format!("{}: {e}", optimised.display()))?)
}

/// Raw, gzip -9 and brotli -q 11 sizes of `bytes`.
fn measure(bytes: &[u8]) -> Outcome<Sizes> {
    Ok(Sizes {
        raw: bytes.len(),
        gzip: compressed_len(Command::new("gzip").args(["-9", "-c"]), bytes)?,
        brotli: compressed_len(Command::new("brotli").args(["-q", "11", "-c"]), bytes)?,
    })
}

fn compressed_len(command: &mut Command, bytes: &[u8]) -> Outcome<usize> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", cmd::describe(command)))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .map_err(|_| "writer panicked".to_owned())?
        .map_err(|e| e.to_string())?;
    Ok(output.stdout.len())
}

fn print_row(name: &str, sizes: Sizes) {
    println!(
        "{name:<32} raw {:>8} B   gzip {:>7} B   brotli {:>7} B",
        sizes.raw, sizes.gzip, sizes.brotli
    );
}
