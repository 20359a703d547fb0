//! Source stamps: whether a build's inputs changed since it last ran, so
//! `cargo xtask dev` does not spend minutes of a two-core machine
//! rebuilding a widget or worker that would come out the same.
//!
//! A stamp is a hash of the inputs' contents (not their times: a checkout
//! or an editor's save-without-change touches files without changing them),
//! written beside the build after it succeeded. It is computed before the
//! build, so an edit made while the build runs shows as a change next time.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::Outcome;
use crate::tools;

/// A build's inputs as they are now.
pub struct Stamp {
    file: PathBuf,
    value: String,
    outputs: Vec<PathBuf>,
}

/// 64-bit FNV-1a: small, stable across Rust versions (unlike the std
/// hasher), and plenty to tell "changed" from "unchanged".
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn eat(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Every file under `path` (itself when it is a file), sorted, without
/// build output folders.
fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !matches!(name.to_str(), Some("target" | "node_modules" | "build")) {
                files(&entry.path(), out);
            }
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

impl Stamp {
    /// The stamp named `name` of `inputs` (paths relative to the
    /// workspace, files or folders) and `salt` (settings of the build
    /// itself, such as its toolchain); fresh only while every one of
    /// `outputs` exists too.
    ///
    /// # Errors
    /// When an input cannot be read.
    pub fn of(name: &str, inputs: &[&str], salt: &str, outputs: &[&str]) -> Outcome<Self> {
        let root = tools::root();
        let mut hash = Fnv::new();
        hash.eat(salt.as_bytes());
        let mut all = Vec::new();
        for input in inputs {
            files(&root.join(input), &mut all);
        }
        all.sort();
        for file in &all {
            let relative = file.strip_prefix(&root).unwrap_or(file);
            hash.eat(relative.to_string_lossy().as_bytes());
            hash.eat(&[0]);
            let bytes = fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
            hash.eat(&(bytes.len() as u64).to_le_bytes());
            hash.eat(&bytes);
        }
        Ok(Self {
            file: root.join("target").join(format!("{name}.sources-stamp")),
            value: format!("{:016x} {} files", hash.0, all.len()),
            outputs: outputs.iter().map(|o| root.join(o)).collect(),
        })
    }

    /// Whether the last successful build had exactly these inputs and its
    /// outputs are still there.
    pub fn is_fresh(&self) -> bool {
        fs::read_to_string(&self.file).is_ok_and(|last| last == self.value)
            && self.outputs.iter().all(|o| o.exists())
    }

    /// Records these inputs as built.
    ///
    /// # Errors
    /// When the stamp cannot be written.
    pub fn record(&self) -> Outcome {
        if let Some(dir) = self.file.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::write(&self.file, &self.value).map_err(|e| format!("{}: {e}", self.file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_changes_with_its_inputs_and_needs_its_outputs() {
        let dir = tools::root().join("target/stamp-test");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(dir.join("src/lib.rs"), "fn a() {}").unwrap();
        fs::write(dir.join("out.wasm"), "built").unwrap();
        let inputs = ["target/stamp-test/src"];
        let outputs = ["target/stamp-test/out.wasm"];
        let stamp = |salt: &str| Stamp::of("stamp-test", &inputs, salt, &outputs).unwrap();
        assert!(!stamp("v1").is_fresh(), "never built");
        stamp("v1").record().unwrap();
        assert!(stamp("v1").is_fresh());
        assert!(!stamp("v2").is_fresh(), "another toolchain");
        // Rewritten with the same text: still fresh.
        fs::write(dir.join("src/lib.rs"), "fn a() {}").unwrap();
        assert!(stamp("v1").is_fresh());
        fs::write(dir.join("src/lib.rs"), "fn b() {}").unwrap();
        assert!(!stamp("v1").is_fresh(), "an edited source");
        stamp("v1").record().unwrap();
        fs::write(dir.join("src/new.rs"), "").unwrap();
        assert!(!stamp("v1").is_fresh(), "a new source");
        stamp("v1").record().unwrap();
        fs::remove_file(dir.join("out.wasm")).unwrap();
        assert!(!stamp("v1").is_fresh(), "an output gone");
        let _ = fs::remove_dir_all(&dir);
    }
}
