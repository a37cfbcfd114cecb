//! Signals: SIGTERM/SIGINT cancel the daemon's one `CancellationToken` (stop scheduling, cancel runs, wait
//! the grace period); a second SIGTERM/SIGINT exits the process at once with status 1; SIGHUP asks for a
//! config reload.
//!
//! Owns signal registration only; must not decide what a reload or a shutdown does.

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Exit status when a second signal cuts the grace period short.
pub const FORCED_EXIT_CODE: i32 = 1;

/// Install the handlers. Returns the task that listens (it ends only with the process).
pub fn spawn_signal_handler(
    shutdown: CancellationToken,
    reload: mpsc::Sender<()>,
) -> std::io::Result<JoinHandle<()>> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(tokio::spawn(async move {
        loop {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
                _ = hup.recv() => {
                    tracing::info!("SIGHUP: reloading configuration");
                    if reload.try_send(()).is_err() {
                        tracing::warn!("a reload is already pending; this SIGHUP is folded into it");
                    }
                    continue;
                }
            };
            if shutdown.is_cancelled() {
                tracing::warn!(signal = name, "second signal: exiting now without waiting for runs");
                std::process::exit(FORCED_EXIT_CODE);
            }
            tracing::info!(signal = name, "stopping: no new runs, cancelling runs in flight");
            shutdown.cancel();
        }
    }))
}
