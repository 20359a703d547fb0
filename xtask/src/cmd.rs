//! Running commands: echo them, fail with the command line in the message,
//! and stream output while keeping a copy for summaries.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

/// The result every task step returns: `Err` carries a message for people.
pub type Outcome<T = ()> = Result<T, String>;

/// A printable form of a command, for messages.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command with inherited output and fails if it fails.
pub fn run(command: &mut Command) -> Outcome {
    println!("$ {}", describe(command));
    let status = command
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Runs a command quietly and returns its stdout, or `None` if it cannot
/// start or fails. For probes such as `tool --version`.
pub fn probe(command: &mut Command) -> Option<String> {
    let output = command.stderr(Stdio::null()).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs a command, streaming both outputs to the terminal, and returns
/// whether it succeeded together with everything it printed.
pub fn run_teed(command: &mut Command) -> Outcome<(bool, String)> {
    println!("$ {}", describe(command));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(command)))?;
    let stderr = child.stderr.take().expect("stderr is piped");
    let copier = thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            kept.push_str(&line);
            kept.push('\n');
        }
        kept
    });
    let mut kept = String::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("{line}");
        kept.push_str(&line);
        kept.push('\n');
    }
    let _ = std::io::stdout().flush();
    kept.push_str(&copier.join().unwrap_or_default());
    let status = child
        .wait()
        .map_err(|e| format!("`{}` did not finish: {e}", describe(command)))?;
    Ok((status.success(), kept))
}

/// A `cargo` command in the workspace root.
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}
