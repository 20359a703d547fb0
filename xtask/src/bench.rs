//! `cargo xtask bench`: sizes (raw, gzip -9, brotli -q 11) of what ships and
//! the edge's speed in workerd, each against a baseline built or measured
//! in the same run. Every target is printed as "met" or "not met", and the
//! whole run is written to `BENCHMARKS.md` with the machine it ran on.

use std::fmt::Write as _;
use std::fs;
use std::process::Command;

use serde_json::Value;

use crate::cmd::{self, Outcome};
use crate::tools::{self, WASM_TARGET};

/// Sizes of one artefact.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// What one run measured: lines by section, and the targets' verdicts.
#[derive(Default)]
struct Report {
    sections: Vec<(String, Vec<String>)>,
    targets: Vec<(String, String, String, bool)>,
}

impl Report {
    fn section(&mut self, title: &str) {
        println!("== {title}");
        self.sections.push((title.to_owned(), Vec::new()));
    }

    fn line(&mut self, text: String) {
        println!("{text}");
        if let Some((_, lines)) = self.sections.last_mut() {
            lines.push(text);
        }
    }

    /// A target: what was measured, the goal, and whether it was met.
    fn target(&mut self, name: &str, measured: String, goal: &str, met: bool) {
        let verdict = if met { "met" } else { "not met" };
        self.line(format!(
            "TARGET {name}: {measured} (goal {goal}): {verdict}"
        ));
        self.targets
            .push((name.to_owned(), measured, goal.to_owned(), met));
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "# Benchmarks\n\nWritten by `cargo xtask bench` (run it to reproduce: it builds everything, then measures; about 5 minutes with tools cached). Every ratio is against a baseline measured in the same run on the same machine.\n\n",
        );
        let _ = writeln!(out, "## Machine\n\n{}\n", machine().join("  \n"));
        out.push_str("## Targets\n\n| target | measured | goal | verdict |\n|---|---|---|---|\n");
        for (name, measured, goal, met) in &self.targets {
            let verdict = if *met { "met" } else { "**not met**" };
            let _ = writeln!(out, "| {name} | {measured} | {goal} | {verdict} |");
        }
        for (title, lines) in &self.sections {
            let _ = writeln!(out, "\n## {title}\n\n```\n{}\n```", lines.join("\n"));
        }
        out
    }
}

/// The machine and tools, for the report.
fn machine() -> Vec<String> {
    let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split(':')
                .nth(1)
                .map(str::trim)
        })
        .unwrap_or("unknown CPU")
        .to_owned();
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")
                .map(str::trim)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let probe = |command: &mut Command| {
        cmd::probe(command)
            .map(|v| v.lines().next().unwrap_or_default().trim().to_owned())
            .unwrap_or_else(|| "not found".into())
    };
    vec![
        format!(
            "{} cores ({cpu}), {memory} memory, {} {}",
            std::thread::available_parallelism().map_or(0, usize::from),
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
        format!("rustc: {}", probe(Command::new("rustc").arg("--version"))),
        format!(
            "node (for workerd via miniflare): {}",
            probe(Command::new(tools::node22()).arg("--version"))
        ),
        format!(
            "wrangler: {}",
            probe(crate::dev::wrangler_command(&tools::root()).arg("--version"))
        ),
    ]
}

/// Measures everything, prints it, and writes `BENCHMARKS.md`; with
/// `--edge-only`, only the worker's figures (and no file).
pub fn run(edge_only: bool) -> Outcome {
    let mut report = Report::default();
    if !edge_only {
        shared_size(&mut report)?;
        widget_sizes(&mut report)?;
    }
    crate::build::edge()?;
    crate::build::sandbox()?;
    if !edge_only {
        widget_browser(&mut report)?;
    }
    worker_upload_size(&mut report)?;
    edge_composition(&mut report)?;
    edge_latency(&mut report)?;
    platform_budget(&mut report)?;
    if !edge_only {
        let path = tools::root().join("BENCHMARKS.md");
        fs::write(&path, report.markdown()).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("\nwrote {}", path.display());
    }
    let missed: Vec<&str> = report
        .targets
        .iter()
        .filter(|t| !t.3)
        .map(|t| t.0.as_str())
        .collect();
    if missed.is_empty() {
        println!("every target met");
    } else {
        println!("targets not met: {}", missed.join(", "));
    }
    Ok(())
}

/// Runs a bench script under Node 22 (its output shown as it runs) and
/// returns the JSON it prints last on a `BENCH-JSON ` line.
fn node_bench(script: &str, env: &[(&str, &std::ffi::OsStr)]) -> Outcome<Value> {
    let mut node = Command::new(tools::node22());
    node.arg(script).current_dir(tools::root());
    for (name, value) in env {
        node.env(name, value);
    }
    let (ok, output) = cmd::run_teed(&mut node)?;
    let json = output
        .lines()
        .find_map(|l| l.strip_prefix("BENCH-JSON "))
        .filter(|_| ok)
        .ok_or_else(|| format!("{script} printed no result"))?;
    serde_json::from_str(json).map_err(|e| format!("{script}: {e}"))
}

/// The edge in workerd against a JavaScript worker (`edge/bench/latency.mjs`
/// measures; the verdicts are made here).
fn edge_latency(report: &mut Report) -> Outcome {
    let r = node_bench("edge/bench/latency.mjs", &[])?;
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    report.section("edge latency in workerd (miniflare), sequential, alternating rounds");
    for (name, key, goal) in [
        ("GET /api/health", "health", 1.2),
        ("POST /api/callback (proxied)", "callback", 1.6),
    ] {
        let (rust, js) = (&r[key]["rust"], &r[key]["js"]);
        let ratio = num(&rust["p50"]) / num(&js["p50"]);
        report.line(format!(
            "{name:<30} rust p50 {:.2} ms p95 {:.2} ms | js baseline p50 {:.2} ms p95 {:.2} ms | {} requests each",
            num(&rust["p50"]),
            num(&rust["p95"]),
            num(&js["p50"]),
            num(&js["p95"]),
            rust["n"]
        ));
        report.target(
            &format!("{name}: warm p50 against the JavaScript worker"),
            format!("{ratio:.2}x"),
            &format!("<= {goal}x"),
            ratio <= goal,
        );
    }
    let cold = &r["cold"];
    let warm = num(&r["callback"]["rust"]["p50"]);
    let first = num(&cold["rust_first_median"]);
    report.line(format!(
        "first callback of a fresh isolate: median {first:.1} ms over {} isolates (each: {}); the JavaScript worker's first: {:.1} ms",
        cold["isolates"],
        cold["rust_firsts"]
            .as_array()
            .map(|a| a.iter().map(|v| format!("{:.1}", num(v))).collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        num(&cold["js_first_median"])
    ));
    for (who, parts) in [
        ("rust", &cold["rust_parts"]),
        ("js baseline", &cold["js_parts"]),
    ] {
        report.line(format!(
            "  {who:<12} fresh isolate, step by step (medians): first request (module load) {:.1} ms, then first callback {:.1} ms, second callback {:.1} ms",
            num(&parts["first_request"]),
            num(&parts["first_callback_loaded"]),
            num(&parts["second_callback"])
        ));
    }
    report.target(
        "first callback of a fresh isolate, over a warm one",
        format!("+{:.1} ms ({first:.1} against {warm:.2} ms)", first - warm),
        "<= +10 ms",
        first - warm <= 10.0,
    );
    let guard = &r["guard_calls"];
    report.line(format!(
        "Guard round trips per callback: {} without Idempotency-Key, {} with one, {} with one and Turnstile on",
        guard["plain"], guard["idempotency_key"], guard["turnstile_and_key"]
    ));
    let most = guard["idempotency_key"].as_u64().unwrap_or(u64::MAX);
    report.target(
        "Guard round trips for a callback without Turnstile",
        format!("{most}"),
        "<= 2",
        most <= 2,
    );
    Ok(())
}

/// What the edge spends of the platform key's budget
/// (`edge/bench/platform.mjs` measures; the verdicts are made here).
fn platform_budget(report: &mut Report) -> Outcome {
    let r = node_bench("edge/bench/platform.mjs", &[])?;
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    report.section("the platform key's budget (the sandbox enforcing the platform's 100 a minute)");
    let with = &r["with_events"];
    let without = &r["without_events"];
    let (with_n, without_n) = (num(&with["requests"]), num(&without["requests"]));
    report.target(
        "platform requests for one call followed to ended, polled every second, with events",
        format!("{with_n} ({:.0} s call)", num(&with["seconds"])),
        "<= 2",
        with_n <= 2.0 && with["ended"] == true,
    );
    // One lookup per STATUS_REFRESH_SECONDS (15) of the call's life.
    let allowed = 1.0 + (num(&without["seconds"]) / 15.0).ceil();
    report.target(
        "the same without events",
        format!(
            "{without_n} ({:.0} s until ended was seen)",
            num(&without["seconds"])
        ),
        &format!("<= {allowed} (1 + its length / 15 s)"),
        without_n <= allowed && without["ended"] == true,
    );
    let load = &r["load"];
    report.line(format!(
        "load for {} s, 3 isolates: {} callbacks admitted, {} refused busy, {} refused otherwise, {} portal pages, {} status polls; {} platform requests, {} outbound",
        load["seconds"], load["admitted"], load["busy"], load["other"], load["pages"], load["polls"],
        load["platform_requests"], load["outbound"]
    ));
    let worst = num(&load["worst_window"]);
    report.target(
        "platform requests in the busiest 60 s, under load",
        format!("{worst}"),
        "<= 100",
        worst <= 100.0,
    );
    let refused = num(&load["platform_429"]);
    report.target(
        "platform 429s under load",
        format!("{refused}"),
        "= 0",
        refused == 0.0,
    );
    let (admitted, outbound) = (num(&load["admitted"]), num(&load["outbound"]));
    report.target(
        "admitted callbacks placed, under load",
        format!("{outbound} of {admitted}"),
        "all",
        (outbound - admitted).abs() < 0.5,
    );
    let lag = num(&r["record_lag"]["median_ms"]);
    report.line(format!(
        "a callback's record is written {lag:.1} ms after its answer (median of 20): off the visitor's path"
    ));
    Ok(())
}

/// What each element costs a page: the loader, its glue and its wasm, as
/// served from `www/` after `cargo xtask build`.
fn widget_sizes(report: &mut Report) -> Outcome {
    crate::build::widget()?;
    let www = tools::root().join("www");
    report.section("widget bundles (what a page downloads, gzip -9 / brotli -q 11)");
    let loader = measure(&fs::read(www.join("callme.js")).map_err(|e| e.to_string())?)?;
    print_row(report, "callme.js (loader, both elements)", loader);
    for kind in crate::build::WIDGET_BUNDLES {
        let mut total = loader;
        for file in [
            format!("callme_{kind}.js"),
            format!("callme_{kind}_bg.wasm"),
        ] {
            let sizes =
                measure(&fs::read(www.join("pkg").join(&file)).map_err(|e| e.to_string())?)?;
            print_row(report, &file, sizes);
            total.raw += sizes.raw;
            total.gzip += sizes.gzip;
            total.brotli += sizes.brotli;
        }
        let what = match kind {
            "send" => "the button's early sender total".to_owned(),
            kind => format!("<callme-{kind}> total"),
        };
        print_row(report, &what, total);
    }
    first_interaction(report, loader)?;
    languages(report, loader)?;
    widget_against_floor(report, loader)?;
    widget_composition(report)
}

/// What each language beyond English costs a visitor of another language:
/// its share of the loader's words (its words file is fetched only by its
/// own visitors), against the same loader built with English alone.
fn languages(report: &mut Report, loader: Sizes) -> Outcome {
    use callme_widget::i18n::Lang;
    let english = tools::root().join("target/widget/callme-en.js");
    crate::build::loader_for(&[Lang::En], &english)?;
    let alone = measure(&fs::read(&english).map_err(|e| e.to_string())?)?;
    let extra = Lang::ALL.len() - 1;
    let each = loader.gzip.saturating_sub(alone.gzip) / extra;
    let pkg = tools::root().join("www/pkg");
    report.section("languages (gzip -9)");
    let mut files = Vec::new();
    for lang in Lang::ALL.into_iter().skip(1) {
        let file = format!("words-{}.txt", lang.tag());
        let size = measure(&fs::read(pkg.join(&file)).map_err(|e| format!("{file}: {e}"))?)?;
        files.push(format!("{} {:.2} KB", lang.tag(), kb(size.gzip)));
    }
    report.line(format!(
        "loader with {} languages {:.2} KB, with English alone {:.2} KB: {each} B per language beyond English; each language's own words file, fetched only by its visitors: {}",
        Lang::ALL.len(),
        kb(loader.gzip),
        kb(alone.gzip),
        files.join(", ")
    ));
    report.target(
        "each extra language, added to what a visitor of another language downloads, gzip",
        format!("{each} B"),
        "<= 500 B",
        each <= 500,
    );
    Ok(())
}

/// What a visitor downloads before each element works: for the button,
/// before its form can be submitted (the loader draws the form; the early
/// sender sends it; the component comes after), and all of it; for the
/// history, before it shows calls.
fn first_interaction(report: &mut Report, loader: Sizes) -> Outcome {
    let pkg = tools::root().join("www/pkg");
    let gzip = |file: &str| -> Outcome<usize> {
        Ok(measure(&fs::read(pkg.join(file)).map_err(|e| format!("{file}: {e}"))?)?.gzip)
    };
    let bundle = |kind: &str| -> Outcome<usize> {
        Ok(gzip(&format!("callme_{kind}.js"))? + gzip(&format!("callme_{kind}_bg.wasm"))?)
    };
    report.section("what each element needs before it works (gzip -9)");
    let (sender, component) = (bundle("send")?, bundle("button")?);
    let button = loader.gzip + sender;
    report.line(format!(
        "<callme-button>: submittable after {:.1} KB (loader {:.1} with the early form, early sender {:.1}), all in {:.1} KB (the component {:.1}, loaded after the sender)",
        kb(button),
        kb(loader.gzip),
        kb(sender),
        kb(button + component),
        kb(component)
    ));
    let history = loader.gzip + bundle("history")?;
    report.line(format!(
        "<callme-history>: first interaction {:.1} KB (loader {:.1}, glue and wasm loaded whole on first use)",
        kb(history),
        kb(loader.gzip)
    ));
    report.target(
        "<callme-button> download before the form can be submitted, gzip",
        format!("{:.1} KB", kb(button)),
        "<= 60 KB",
        button <= 60_000,
    );
    Ok(())
}

/// Bytes in KB (1000 bytes), as the targets are written.
fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1000.0
}

/// The widget in headless Chromium against plain JavaScript
/// (`widget/bench/browser.mjs` measures; the verdicts are made here).
fn widget_browser(report: &mut Report) -> Outcome {
    let chrome = crate::platform::chromium()?;
    let r = node_bench(
        "widget/bench/browser.mjs",
        &[("CHROME_PATH", chrome.as_os_str())],
    )?;
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    report.section("widget start-up in headless Chromium, medians (fresh context per run)");
    for (network, key) in [
        ("localhost", "localhost"),
        ("Slow 4G (DevTools preset, via CDP)", "slow_4g"),
    ] {
        let (callme, plain) = (&r["startup"][key]["callme"], &r["startup"][key]["plain"]);
        report.line(format!(
            "{network}: button painted (script tag to first paint) {:.1} ms, plain JS {:.1} ms; intent to a form taking keystrokes {:.1} ms, plain JS {:.1} ms ({:.2}x); intent to submittable {:.1} ms, plain JS {:.1} ms ({:.2}x); {} runs each",
            num(&callme["painted"]),
            num(&plain["painted"]),
            num(&callme["interactive"]),
            num(&plain["interactive"]),
            num(&callme["interactive"]) / num(&plain["interactive"]),
            num(&callme["submittable"]),
            num(&plain["submittable"]),
            num(&callme["submittable"]) / num(&plain["submittable"]),
            callme["n"]
        ));
    }
    let slow = &r["startup"]["slow_4g"];
    let keystroke = num(&slow["callme"]["interactive"]);
    report.target(
        "Slow 4G: first intent to the first keystroke accepted",
        format!("{keystroke:.1} ms"),
        "<= 100 ms",
        keystroke <= 100.0,
    );
    let submittable = num(&slow["callme"]["submittable"]) / num(&slow["plain"]["submittable"]);
    report.target(
        "Slow 4G: first intent to a submittable form, against plain JavaScript",
        format!("{submittable:.2}x"),
        "<= 1.3x",
        submittable <= 1.3,
    );
    let local = &r["startup"]["localhost"];
    let painted = num(&local["callme"]["painted"]);
    let interactive = num(&local["callme"]["interactive"]);
    let ratio = interactive / num(&local["plain"]["interactive"]);
    report.target(
        "button painted after its script tag (localhost)",
        format!("{painted:.1} ms"),
        "<= 50 ms",
        painted <= 50.0,
    );
    report.target(
        "form interactive after the first intent (localhost)",
        format!("{interactive:.1} ms"),
        "<= 150 ms",
        interactive <= 150.0,
    );
    report.target(
        "form interactive after the first intent, against plain JavaScript (localhost)",
        format!("{ratio:.2}x"),
        "<= 1.2x",
        ratio <= 1.2,
    );
    let render = &r["render"];
    report.section("history rendering against a plain JavaScript table in the same page, medians");
    for (what, key, rows) in [
        ("all calls", "full", &render["calls"]),
        ("status filter", "filter", &render["failed_calls"]),
    ] {
        let (callme, plain) = (&render[key]["callme"], &render[key]["plain"]);
        report.line(format!(
            "{what} ({rows} rows): DOM built {:.1} ms against {:.1} ms; laid out {:.1} ms against {:.1} ms; {} runs",
            num(&callme["dom"]),
            num(&plain["dom"]),
            num(&callme["layout"]),
            num(&plain["layout"]),
            callme["n"]
        ));
        for (stage, field, goal) in [("DOM build", "dom", 2.0), ("laid out", "layout", 1.2)] {
            let ratio = num(&callme[field]) / num(&plain[field]);
            report.target(
                &format!("history, {what}: {stage} against plain JavaScript"),
                format!("{ratio:.2}x"),
                &format!("<= {goal}x"),
                ratio <= goal,
            );
        }
    }
    Ok(())
}

/// The button against the smallest Leptos widget built the same way.
fn widget_against_floor(report: &mut Report, loader: Sizes) -> Outcome {
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
    report.section("the button against a Leptos counter built the same way (baseline)");
    print_row(report, "counter wasm (Leptos floor)", floor_wasm);
    print_row(report, "counter glue (minified)", floor_glue);
    let kib = |bytes: usize| bytes as f64 / 1024.0;
    let button = loader.gzip + button_glue.gzip + button_wasm.gzip;
    report.line(format!(
        "button wasm / counter wasm gzip: {:.2}; the button's whole download is {:.1} KiB gzip, of which {:.1} KiB is Leptos' floor",
        button_wasm.gzip as f64 / floor_wasm.gzip.max(1) as f64,
        kib(button),
        kib(floor_wasm.gzip)
    ));
    Ok(())
}

/// Which crates the button's wasm is made of (function bodies by the crate
/// that defines them; generic code counts for its defining crate).
fn widget_composition(report: &mut Report) -> Outcome {
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
    report.section("what the button's wasm is made of (raw bytes after wasm-opt -Oz)");
    print_composition(report, &parts);
    Ok(())
}

/// A module's code by crate (the 14 largest, then the rest) and its data,
/// each with its share.
fn print_composition(report: &mut Report, parts: &crate::wasm_sizes::Composition) {
    let code: usize = parts.crates.iter().map(|(_, size)| size).sum();
    let share = |bytes: usize| 100.0 * bytes as f64 / (code + parts.data).max(1) as f64;
    report.line(format!("{:<28} {:>9} {:>7}", "crate", "bytes", "share"));
    let mut rest = 0;
    for (index, (krate, size)) in parts.crates.iter().enumerate() {
        if index < 14 {
            report.line(format!("{krate:<28} {size:>9} {:>6.1}%", share(*size)));
        } else {
            rest += size;
        }
    }
    report.line(format!(
        "{:<28} {rest:>9} {:>6.1}%",
        "(other crates)",
        share(rest)
    ));
    report.line(format!(
        "{:<28} {:>9} {:>6.1}%",
        "data (strings, tables)",
        parts.data,
        share(parts.data)
    ));
}

/// What `wrangler deploy` would upload, measured offline with `--dry-run`.
fn worker_upload_size(report: &mut Report) -> Outcome {
    let root = tools::root();
    let out = root.join("target/deploy-dry-run");
    let _ = fs::remove_dir_all(&out);
    cmd::run(
        crate::dev::wrangler_command(&root)
            .args(["deploy", "--dry-run", "--outdir"])
            .arg(&out),
    )?;
    report.section("worker upload (wrangler deploy --dry-run)");
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
        print_row(report, &entry.file_name().to_string_lossy(), sizes);
        total.raw += sizes.raw;
        total.gzip += sizes.gzip;
        total.brotli += sizes.brotli;
    }
    print_row(report, "total upload", total);
    report.target(
        "worker upload (wrangler deploy --dry-run), gzip",
        format!("{:.1} KB", total.gzip as f64 / 1000.0),
        "<= 400 KB",
        total.gzip <= 400_000,
    );
    Ok(())
}

/// Which crates the worker's wasm is made of, as the widget's.
fn edge_composition(report: &mut Report) -> Outcome {
    let root = tools::root();
    cmd::run(
        cmd::cargo(&root)
            .args([
                "build",
                "--quiet",
                "--release",
                "--package",
                "callme-edge",
                "--target",
                WASM_TARGET,
            ])
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s"),
    )?;
    let built = root
        .join("target")
        .join(WASM_TARGET)
        .join("release/callme_edge.wasm");
    let named = built.with_extension("named.wasm");
    crate::build::wasm_opt_with(&built, &named, &["-g"])?;
    let parts = crate::wasm_sizes::composition(&fs::read(&named).map_err(|e| e.to_string())?)?;
    report.section(
        "what the worker's wasm is made of (raw bytes after wasm-opt -Oz, before wasm-bindgen)",
    );
    print_composition(report, &parts);
    Ok(())
}

/// What `callme-shared` adds to a wasm module.
fn shared_size(report: &mut Report) -> Outcome {
    report.section("what callme-shared adds to a wasm module (release, wasm-opt -Oz)");
    let baseline = size_probe(false)?;
    let probe = size_probe(true)?;
    print_row(report, "baseline (std, same exports)", baseline);
    print_row(report, "every shared parser", probe);
    let kib = |bytes: usize| bytes as f64 / 1024.0;
    report.line(format!(
        "shared costs {:.1} KiB gzip ({:.1} KiB brotli) over the baseline; probe/baseline gzip ratio {:.2}",
        kib(probe.gzip.saturating_sub(baseline.gzip)),
        kib(probe.brotli.saturating_sub(baseline.brotli)),
        probe.gzip as f64 / baseline.gzip.max(1) as f64
    ));
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
/// Raw, gzip -9 and brotli -q 11 sizes, compressed in process (the same
/// formats and levels as the `gzip` and `brotli` tools, without needing
/// them installed).
fn measure(bytes: &[u8]) -> Outcome<Sizes> {
    use std::io::Write as _;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes).map_err(|e| e.to_string())?;
    let gzip = gzip.finish().map_err(|e| e.to_string())?.len();
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params).map_err(|e| e.to_string())?;
    Ok(Sizes {
        raw: bytes.len(),
        gzip,
        brotli: brotli.len(),
    })
}

fn print_row(report: &mut Report, name: &str, sizes: Sizes) {
    report.line(format!(
        "{name:<32} raw {:>8} B   gzip {:>7} B   brotli {:>7} B",
        sizes.raw, sizes.gzip, sizes.brotli
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_those_of_streams_that_decompress_to_the_input() {
        use std::io::Read as _;
        let text = "callme: a call-me-back widget. ".repeat(200);
        let sizes = measure(text.as_bytes()).unwrap();
        assert_eq!(sizes.raw, text.len());
        assert!(sizes.gzip < sizes.raw / 10, "{sizes:?}");
        assert!(sizes.brotli < sizes.gzip, "{sizes:?}");
        // The gzip size is a real gzip stream's: rebuild it and read it back.
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gzip, text.as_bytes()).unwrap();
        let stream = gzip.finish().unwrap();
        assert_eq!(stream.len(), sizes.gzip);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&stream[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }
}
