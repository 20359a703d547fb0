//! The sandbox's command line as a real process: flags, their environment
//! variables (which only a child process can be given without touching
//! this one's), `--help` and the line scripts wait for.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn sandbox() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_callme-sandbox"));
    // A clean slate: no SANDBOX_* from whoever runs the tests.
    for (name, _) in std::env::vars() {
        if name.starts_with("SANDBOX_") {
            command.env_remove(name);
        }
    }
    command
}

/// Starts the sandbox, reads its first line, stops it.
fn first_line(command: &mut Command) -> String {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    line
}

#[test]
fn the_key_and_settings_come_from_the_environment() {
    let line = first_line(
        sandbox()
            .env("SANDBOX_API_KEY", "from-env")
            .env("SANDBOX_STEP_MS", "50"),
    );
    assert!(
        line.starts_with("callme-sandbox listening on http://127.0.0.1:"),
        "{line}"
    );
}

#[test]
fn a_flag_wins_over_its_variable() {
    // The variable's port is not a number; the flag's is: the flag is used.
    let line = first_line(
        sandbox()
            .env("SANDBOX_API_KEY", "k")
            .env("SANDBOX_PORT", "not-a-port")
            .args(["--port", "0"]),
    );
    assert!(line.contains("listening on"), "{line}");
}

#[test]
fn a_bad_variable_is_named_and_exits_2() {
    let output = sandbox()
        .env("SANDBOX_API_KEY", "k")
        .env("SANDBOX_PORT", "not-a-port")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn a_missing_key_names_its_flag_and_variable() {
    let output = sandbox().output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--api-key"), "{stderr}");
    let help = sandbox().arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for variable in [
        "SANDBOX_PORT",
        "SANDBOX_API_KEY",
        "SANDBOX_AGENTS",
        "SANDBOX_STEP_MS",
        "SANDBOX_ANCHOR",
        "SANDBOX_DEMO_CALLS",
        "SANDBOX_SEED",
    ] {
        assert!(text.contains(variable), "{variable} missing from --help");
    }
}
