//! `graph-emulator`: prints `GRAPH_EMULATOR_URL=http://127.0.0.1:<port>` once listening, then
//! serves until SIGINT/SIGTERM (or stdin closes with `--exit-on-stdin-close`).

mod cli;

use std::io::Write;

use clap::Parser;
use graph_emulator::{EmulatorOptions, start};
use tokio::sync::oneshot;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let options = EmulatorOptions { port: cli.port, users: cli.users, token: cli.token };
    let emulator = match start(options).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("graph-emulator: cannot listen on 127.0.0.1:{}: {e}", cli.port);
            return std::process::ExitCode::FAILURE;
        }
    };
    // Tests parse this exact line from stdout to find the port.
    println!("GRAPH_EMULATOR_URL={}", emulator.url());
    let _ = std::io::stdout().flush();

    let stdin_closed = if cli.exit_on_stdin_close { Some(watch_stdin()) } else { None };
    tokio::select! {
        _ = terminate() => {}
        _ = async { match stdin_closed { Some(rx) => { let _ = rx.await; } None => std::future::pending().await } } => {}
    }
    emulator.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// Reads stdin to EOF on a plain thread: tokio's stdin would hold runtime shutdown hostage to
/// a blocking read, while a detached thread simply ends with the process.
fn watch_stdin() -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = tx.send(());
    });
    rx
}

#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn terminate() {
    let _ = tokio::signal::ctrl_c().await;
}
