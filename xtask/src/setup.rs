//! `cargo xtask setup`: install whatever a fresh machine lacks. Every step
//! first checks whether its tool is already there (and at the right
//! version), so a second run only looks and takes seconds.

use std::fs;
use std::process::Command;
use std::thread;
use std::time::Instant;

use crate::cmd::{self, Outcome, probe};
use crate::tools::{self, CargoTool, WASM_BINDGEN, WASM_TARGET, WIDGET_TOOLCHAIN, WORKER_BUILD};

/// Runs every step; the network-bound ones (npm, apt) run beside the
/// CPU-bound `cargo install`s.
pub fn run() -> Outcome {
    let started = Instant::now();
    let npm = thread::spawn(ensure_npm_packages);
    let debian = thread::spawn(ensure_debian_packages);
    let python = thread::spawn(|| {
        crate::numbers::python()?;
        crate::examples::pyjwt_python().map(|_| ())
    });
    let rust = ensure_wasm_target()
        .and_then(|()| ensure_widget_toolchain())
        .and_then(|()| ensure_cargo_tool(&WASM_BINDGEN))
        .and_then(|()| ensure_cargo_tool(&WORKER_BUILD))
        .and_then(|()| ensure_fuzzer());
    let npm = npm.join().map_err(|_| "the npm step panicked".to_owned())?;
    let debian = debian
        .join()
        .map_err(|_| "the apt step panicked".to_owned())?;
    let python = python
        .join()
        .map_err(|_| "the Python step panicked".to_owned())?;
    rust.and(npm).and(debian).and(python)?;
    println!(
        "setup: all tools present ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn ensure_wasm_target() -> Outcome {
    let installed = probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup not found: install Rust with rustup (https://rustup.rs)")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("setup: {WASM_TARGET} target present");
        return Ok(());
    }
    cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The pinned nightly with the standard library's source, which the widget
/// bundles are built with (see [`WIDGET_TOOLCHAIN`]).
fn ensure_widget_toolchain() -> Outcome {
    let components = probe(Command::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        WIDGET_TOOLCHAIN,
    ]))
    .unwrap_or_default();
    if components.lines().any(|line| line.starts_with("rust-src")) {
        println!("setup: {WIDGET_TOOLCHAIN} with rust-src present");
        return Ok(());
    }
    cmd::run(Command::new("rustup").args([
        "toolchain",
        "install",
        WIDGET_TOOLCHAIN,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
    ]))
}

/// Installs a cargo tool into its versioned cache folder unless the binary
/// there already reports that version.
/// cargo-fuzz, for `cargo xtask fuzz` and the fuzzing step of the tests.
///
/// # Errors
/// When it cannot be installed.
pub fn ensure_fuzzer() -> Outcome {
    ensure_cargo_tool(&crate::tools::CARGO_FUZZ)
}

fn ensure_cargo_tool(tool: &CargoTool) -> Outcome {
    let bin = tool.bin();
    let reported = probe(Command::new(&bin).arg("--version")).unwrap_or_default();
    if reported.contains(tool.version) {
        println!("setup: {} {} present", tool.krate, tool.version);
        return Ok(());
    }
    println!(
        "setup: installing {} {} into {} (a few minutes, once per machine)",
        tool.krate,
        tool.version,
        tool.install_root().display()
    );
    let mut install = cmd::cargo(&tools::root());
    install
        .args(["install", tool.krate, "--version", tool.version, "--force"])
        .arg("--root")
        .arg(tool.install_root());
    if tool.locked {
        install.arg("--locked");
    }
    cmd::run(&mut install)
}

/// Installs the npm packages unless `node_modules` was installed from this
/// very lock file.
///
/// `npm install` rather than `npm ci`: the lock resolved here records only
/// this platform's optional workerd binary, and `npm ci` refuses such a lock
/// as "out of sync", while `npm install` installs the locked versions and
/// leaves the lock unchanged.
fn ensure_npm_packages() -> Outcome {
    let root = tools::root();
    let lock = fs::read(root.join("package-lock.json"))
        .map_err(|e| format!("package-lock.json unreadable: {e}"))?;
    let stamp = root.join("node_modules").join(".callme-installed-lock");
    if fs::read(&stamp).is_ok_and(|installed| installed == lock) && tools::node22_ready() {
        println!("setup: npm packages present");
        return Ok(());
    }
    probe(Command::new("npm").arg("--version"))
        .ok_or("npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)")?;
    cmd::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&root),
    )?;
    fs::write(&stamp, lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// Finds Chromium (or Chrome) and ChromeDriver; on Debian, as root,
/// installs them through apt when missing; elsewhere says how.
fn ensure_debian_packages() -> Outcome {
    use crate::platform;
    let (browser, driver) = (platform::chromium(), platform::chromedriver());
    if let (Ok(browser), Ok(driver)) = (&browser, &driver) {
        println!(
            "setup: browser {} and driver {} present",
            browser.display(),
            driver.display()
        );
        return Ok(());
    }
    let is_root = probe(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !platform::is_debian() || !is_root {
        return Err(browser.and(driver).err().unwrap_or_default());
    }
    cmd::run(
        Command::new("apt-get")
            .args(["update", "-qq"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    platform::chromium()
        .and(platform::chromedriver())
        .map(|_| ())
}
