//! `callme-sandbox`: serve the stand-in Calls API on loopback until Ctrl-C.

use std::process::ExitCode;

use callme_sandbox::{Config, start};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{}", callme_sandbox::config::USAGE);
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_args_and_env(args, |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("callme-sandbox: {error}");
            return ExitCode::from(2);
        }
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
