//! The production deployment (`[env.production]` in wrangler.toml): the
//! assets folder `cargo xtask build` assembles for it, and the check the
//! test command runs on what `wrangler deploy --dry-run --env production`
//! would publish. The demo site is for local runs only; a site owner's
//! worker serves the widget's files and the API, nothing else.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cmd::{self, Outcome};
use crate::tools;

/// The production assets folder (`[env.production.assets] directory`).
pub const ASSETS_DIR: &str = "build/production-assets";

/// The files of `www/` that production serves: the widget a site owner's
/// pages load. Everything else there is the demo.
const FROM_WWW: [&str; 4] = ["callme.js", "callme.d.ts", "pkg", "v"];

/// Production's own `_headers` and `robots.txt` (no demo page to protect
/// or to index).
const FROM_DEPLOY: [&str; 2] = ["_headers", "robots.txt"];

/// Writes [`ASSETS_DIR`] afresh from the widget's built files in `www/`
/// and `deploy/`.
///
/// # Errors
/// When a file is missing (the widget was not built) or cannot be copied.
pub fn assemble() -> Outcome {
    let root = tools::root();
    let out = root.join(ASSETS_DIR);
    // Afresh, so a file dropped from the list does not linger in a deploy.
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let sources = FROM_WWW
        .iter()
        .map(|name| ("www", *name))
        .chain(FROM_DEPLOY.iter().map(|name| ("deploy", *name)));
    for (dir, name) in sources {
        copy_tree(&root.join(dir).join(name), &out.join(name))?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Outcome {
    if from.is_dir() {
        fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
        let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
        for entry in entries.flatten() {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        fs::copy(from, to)
            .map(|_| ())
            .map_err(|e| format!("{}: {e} (run `cargo xtask build` first)", from.display()))
    }
}

/// Whether production may upload the asset at `path` (relative, `/`
/// separated): the widget's files and production's robots.txt only.
fn allowed_asset(path: &str) -> bool {
    let widget = |rest: &str| {
        matches!(rest, "callme.js" | "callme.d.ts")
            || rest
                .strip_prefix("pkg/")
                .is_some_and(|file| !file.is_empty() && !file.ends_with(".html"))
    };
    path == "robots.txt"
        || widget(path)
        || path
            .strip_prefix("v/")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(version, rest)| !version.is_empty() && widget(rest))
}

/// What wrangler reads of `[env.production]`, resolved as it resolves it
/// (inheritance included), through its own config reader.
fn resolved_config(root: &Path) -> Outcome<Value> {
    let script = "import('wrangler').then((w) => { const c = w.unstable_readConfig({ config: 'wrangler.toml', env: 'production' }); \
        process.stdout.write(JSON.stringify({ name: c.name, assets: c.assets, vars: c.vars, durable_objects: c.durable_objects, \
        d1_databases: c.d1_databases, triggers: c.triggers, migrations: c.migrations })); })";
    let output = std::process::Command::new(tools::node22())
        .current_dir(root)
        .args(["--input-type=module", "-e", script])
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "wrangler cannot read [env.production]: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("wrangler's config: {e}"))
}

/// The problems of production's resolved configuration: a binding the
/// environment lacks (wrangler does not inherit them), or a local value.
fn config_problems(config: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let names = |list: &Value, key: &str| -> Vec<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item.get(key)?.as_str().map(str::to_owned))
            .collect()
    };
    let objects = names(&config["durable_objects"]["bindings"], "name");
    for binding in ["GUARD", "SCHEDULER"] {
        if !objects.iter().any(|n| n == binding) {
            problems.push(format!("no Durable Object binding {binding}"));
        }
    }
    if !names(&config["d1_databases"], "binding")
        .iter()
        .any(|n| n == "CALLS")
    {
        problems.push("no D1 binding CALLS".into());
    }
    if config["triggers"]["crons"]
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        problems.push("no cron trigger (the reconciling run)".into());
    }
    let sqlite: Vec<&str> = config["migrations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["new_sqlite_classes"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    for class in ["Guard", "Scheduler"] {
        if !sqlite.contains(&class) {
            problems.push(format!("no migration creating {class}"));
        }
    }
    if config["assets"]["directory"].as_str().is_none() {
        problems.push("no assets directory".into());
    }
    for (name, value) in config["vars"].as_object().into_iter().flatten() {
        let text = value.to_string().to_ascii_lowercase();
        if ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .any(|local| text.contains(local))
        {
            problems.push(format!("var {name} names a local address"));
        }
    }
    problems
}

/// Every file under `dir` as wrangler's asset manifest lists it (relative,
/// `/` separated), without the metafiles it never uploads.
fn asset_files(dir: &Path) -> Outcome<Vec<(String, u64)>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, u64)>) -> Outcome {
        let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let relative = path
                    .strip_prefix(base)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                let size = entry.metadata().map_or(0, |m| m.len());
                out.push((relative, size));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.retain(|(path, _)| !matches!(path.as_str(), "_headers" | "_redirects"));
    files.sort();
    Ok(files)
}

fn gzip_size(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map_or(0, |out| out.len())
}

/// The secret values of the local `.dev.vars`, to prove none is uploaded.
fn local_secrets(root: &Path) -> Vec<String> {
    fs::read_to_string(root.join(".dev.vars"))
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('=').map(|(_, v)| v.trim().to_owned()))
        .filter(|v| v.len() >= 16)
        .collect()
}

/// `wrangler deploy --dry-run --env production --outdir <tmp>`, then what
/// it would upload: the worker's files (from the out dir) and the assets
/// (from the folder wrangler resolved), each with its size. Fails on a demo
/// page or any other file outside the widget's, a `.dev.vars`, a local
/// secret's value inside any uploaded file, a binding the environment
/// lacks or a local address among its vars. Returns how many checks held.
///
/// # Errors
/// Each problem found, all at once.
pub fn check_dry_run() -> Outcome<u64> {
    let root = tools::root();
    let out_dir = root.join("target/production-dry-run");
    let _ = fs::remove_dir_all(&out_dir);
    let (ok, output) = cmd::run_teed(
        crate::dev::wrangler_command(&root)
            .args(["deploy", "--dry-run", "--env", "production", "--outdir"])
            .arg(&out_dir),
    )?;
    if !ok {
        return Err("wrangler deploy --dry-run --env production failed".into());
    }
    let mut problems = Vec::new();
    if !output.contains("--dry-run: exiting now") {
        problems.push("wrangler did not report a finished dry run".to_owned());
    }
    let config = resolved_config(&root)?;
    problems.extend(config_problems(&config));
    let assets_dir = config["assets"]["directory"]
        .as_str()
        .map_or_else(|| root.join(ASSETS_DIR), |dir| root.join(dir));
    // The folder wrangler itself read for this dry run.
    let read = output.lines().find_map(|line| {
        line.split_once("from the assets directory ")
            .map(|(_, dir)| PathBuf::from(dir.trim()))
    });
    if read.as_deref() != Some(assets_dir.as_path()) {
        problems.push(format!(
            "wrangler read the assets from {read:?}, not {}",
            assets_dir.display()
        ));
    }
    let assets = asset_files(&assets_dir)?;
    // The modules wrangler uploads; the out dir also holds its README and
    // a source map, which are not uploaded (no `upload_source_maps`). A
    // .dev.vars there would be a problem all the same.
    let mut worker = asset_files(&out_dir)?;
    worker.retain(|(path, _)| {
        Path::new(path)
            .extension()
            .is_some_and(|e| e == "js" || e == "wasm")
            || path.ends_with(".dev.vars")
    });
    let secrets = local_secrets(&root);
    println!("\nproduction upload (wrangler deploy --dry-run --env production):");
    let mut totals = (0_u64, 0_usize);
    for (label, dir, files) in [
        ("worker", &out_dir, &worker),
        ("asset", &assets_dir, &assets),
    ] {
        for (path, size) in files {
            let bytes = fs::read(dir.join(path)).unwrap_or_default();
            let gzip = gzip_size(&bytes);
            totals = (totals.0 + size, totals.1 + gzip);
            println!(
                "  {label:6} {path:<44} {:>9.1} KiB  gzip {:>8.1} KiB",
                kib(*size),
                kib_usize(gzip)
            );
            if path.rsplit('/').next() == Some(".dev.vars") {
                problems.push(format!("{label} {path} is a .dev.vars"));
            }
            if label == "asset" && !allowed_asset(path) {
                problems.push(format!("asset {path} is not one of the widget's files"));
            }
            let text = String::from_utf8_lossy(&bytes);
            if secrets.iter().any(|secret| text.contains(secret.as_str())) {
                problems.push(format!("{label} {path} holds a value of .dev.vars"));
            }
        }
    }
    println!(
        "  total  {} files, {:.1} KiB, gzip {:.1} KiB",
        worker.len() + assets.len(),
        kib(totals.0),
        kib_usize(totals.1)
    );
    for needed in ["callme.js", "callme.d.ts", "robots.txt"] {
        if !assets.iter().any(|(path, _)| path == needed) {
            problems.push(format!("asset {needed} is missing"));
        }
    }
    if !assets.iter().any(|(path, _)| path.starts_with("pkg/")) {
        problems.push("the widget's bundles (pkg/) are missing".into());
    }
    if !assets_dir.join("_headers").is_file() {
        problems.push("_headers is missing (the widget's files need CORS)".into());
    }
    if !worker.iter().any(|(path, _)| path.ends_with(".wasm")) {
        problems.push("the worker's wasm is not in the upload".into());
    }
    if problems.is_empty() {
        Ok(5)
    } else {
        Err(format!(
            "production's upload is wrong:\n  {}",
            problems.join("\n  ")
        ))
    }
}

#[allow(clippy::cast_precision_loss)] // Sizes of a few MB.
fn kib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

#[allow(clippy::cast_precision_loss)]
fn kib_usize(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_widgets_files_are_production_assets() {
        for ok in [
            "callme.js",
            "callme.d.ts",
            "robots.txt",
            "pkg/callme_button_bg.wasm",
            "pkg/snippets/callme-widget-1/inline0.js",
            "v/0.1.0/callme.js",
            "v/0.1.0/pkg/callme_history.js",
        ] {
            assert!(allowed_asset(ok), "{ok}");
        }
        for demo in [
            "index.html",
            "portal.html",
            "embed.html",
            "site.css",
            "portal.js",
            "embed-events.js",
            "favicon.svg",
            ".dev.vars",
            "pkg/",
            "pkg/index.html",
            "v/0.1.0/index.html",
            "v//callme.js",
            "v/callme.js",
        ] {
            assert!(!allowed_asset(demo), "{demo}");
        }
    }

    #[test]
    fn a_production_config_without_its_bindings_or_with_local_vars_is_refused() {
        let good = serde_json::json!({
            "assets": {"directory": "/x/build/production-assets"},
            "durable_objects": {"bindings": [{"name": "GUARD"}, {"name": "SCHEDULER"}]},
            "d1_databases": [{"binding": "CALLS"}],
            "triggers": {"crons": ["*/5 * * * *"]},
            "migrations": [{"new_sqlite_classes": ["Guard"]}, {"new_sqlite_classes": ["Scheduler"]}],
            "vars": {"UPSTREAM_URL": "https://api.hmsovereign.com/api/v1"},
        });
        assert_eq!(config_problems(&good), Vec::<String>::new());
        // What an environment gets when the bindings are not repeated.
        let bare = serde_json::json!({
            "assets": {"directory": "/x"},
            "durable_objects": {"bindings": []},
            "d1_databases": [],
            "triggers": {"crons": []},
            "migrations": [],
            "vars": {"ALLOWED_ORIGINS": "http://localhost:8787"},
        });
        let problems = config_problems(&bare);
        assert_eq!(problems.len(), 7, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("ALLOWED_ORIGINS")));
    }
}
