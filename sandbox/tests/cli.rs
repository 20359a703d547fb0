//! The sandbox's command line as a real process: flags, their environment
//! variables (which only a child process can be given without touching
//! this one's), `--help` and the line scripts wait for.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
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

#[test]
fn the_platform_settings_come_from_their_variables_too() {
    let mut child = sandbox()
        .env("SANDBOX_API_KEY", "k")
        .env("SANDBOX_NO_CREDITS", "true")
        .env("SANDBOX_RATE_LIMIT", "5/1m")
        .env("SANDBOX_TALK_MS", "1000")
        .env("SANDBOX_WEBHOOK_URL", "http://127.0.0.1:9/hook")
        .env("SANDBOX_WEBHOOK_SECRET", "s")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_owned();
    // A plain HTTP/1.1 request: this test has no async runtime.
    let body =
        r#"{"destination":"+31612345678","agent_id":"0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01"}"#;
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /calls/outbound HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer k\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 402"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("x-ratelimit-limit: 5"),
        "{answer}"
    );

    for (variable, value, flag) in [
        ("SANDBOX_RATE_LIMIT", "lots", "--rate-limit"),
        ("SANDBOX_WEBHOOK_URL", "not a url", "--webhook-url"),
        ("SANDBOX_TALK_MS", "-1", "--talk-ms"),
    ] {
        let output = sandbox()
            .env("SANDBOX_API_KEY", "k")
            .env(variable, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{variable}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{stderr}");
    }
}

#[test]
fn help_names_the_new_variables_and_every_hook() {
    let help = sandbox().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "SANDBOX_RATE_LIMIT",
        "SANDBOX_NO_CREDITS",
        "SANDBOX_WEBHOOK_URL",
        "SANDBOX_WEBHOOK_SECRET",
        "SANDBOX_TALK_MS",
        "/_sandbox/budget",
        "/_sandbox/credits",
        "/_sandbox/talk",
        "/_sandbox/webhook ",
        "/_sandbox/webhook-faults",
        "/_sandbox/webhooks",
        "/_sandbox/controls",
    ] {
        assert!(text.contains(needle), "{needle} missing from --help");
    }
}
