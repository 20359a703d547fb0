//! `callme-sandbox`: serve the stand-in Calls API on loopback until Ctrl-C.

use std::process::ExitCode;

use callme_sandbox::{Config, start};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(config) => config,
        // clap prints `--help` to stdout with 0 and errors to stderr with 2.
        Err(error) => error.exit(),
    };
    let running = match start(config).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("callme-sandbox: cannot listen: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this exact line to learn the port.
    println!("callme-sandbox listening on {}", running.url());
    let _ = tokio::signal::ctrl_c().await;
    match running.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("callme-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}
