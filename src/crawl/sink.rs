//! The catalog writer: a dedicated OS thread that owns the `Catalog` and its `RunWriter`, fed by a bounded
//! channel, so rows stream from the HTTP client into SQLite without the account ever being held in memory.
//!
//! Owns the run's lifecycle in the catalog (begin, put, finish_scope, commit/abort). Must not run statements.

use std::path::PathBuf;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::options::CrawlError;
use crate::catalog::{Catalog, Object, RunCounts, RunMode, RunStatus, RunSummary, ScopeKey, ScopeOutcome};

enum Msg {
    Put(ScopeKey, Vec<Object>),
    Finish(ScopeKey, ScopeOutcome, Option<String>),
    Commit(RunStatus, RunCounts, oneshot::Sender<Result<RunSummary, CrawlError>>),
    Abort(RunStatus, String, oneshot::Sender<Result<(), CrawlError>>),
}

/// The async side of the writer.
pub struct Sink {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    pub run_id: i64,
}

impl Sink {
    /// Open the catalog at `path` on a new thread and begin a `mode` run for `account`.
    pub async fn open(
        path: PathBuf,
        account: String,
        depth: usize,
        mode: RunMode,
        sensitive_tags: Vec<String>,
    ) -> Result<Sink, CrawlError> {
        let (tx, mut rx) = mpsc::channel::<Msg>(depth.max(1));
        let (ready_tx, ready_rx) = oneshot::channel::<Result<i64, CrawlError>>();
        let thread = std::thread::Builder::new()
            .name("snowcat-catalog-writer".into())
            .spawn(move || {
                let mut cat = match Catalog::open(&path) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.into()));
                        return;
                    }
                };
                let mut writer = match cat.begin_run(&account) {
                    Ok(w) => w,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.into()));
                        return;
                    }
                };
                writer.set_mode(mode);
                writer.set_sensitive_tags(sensitive_tags);
                let _ = ready_tx.send(Ok(writer.run_id()));
                let mut failure: Option<CrawlError> = None;
                while let Some(msg) = rx.blocking_recv() {
                    match msg {
                        Msg::Put(scope, objects) => {
                            if failure.is_none()
                                && let Err(e) = writer.put(&scope, objects)
                            {
                                failure = Some(e.into());
                            }
                        }
                        Msg::Finish(scope, outcome, handle) => {
                            if failure.is_none()
                                && let Err(e) = writer.finish_scope(&scope, outcome, handle.as_deref())
                            {
                                failure = Some(e.into());
                            }
                        }
                        Msg::Commit(status, counts, reply) => {
                            let r = match failure.take() {
                                Some(f) => {
                                    let _ = writer.abort(RunStatus::Failed, &f.to_string());
                                    Err(f)
                                }
                                None => writer.commit(status, counts).map_err(CrawlError::from),
                            };
                            let _ = reply.send(r);
                            return;
                        }
                        Msg::Abort(status, error, reply) => {
                            let r = writer.abort(status, &error).map_err(CrawlError::from);
                            let _ = reply.send(failure.map_or(r, Err));
                            return;
                        }
                    }
                }
                // The crawler went away without committing: leave the run to be marked abandoned.
            })
            .map_err(|e| CrawlError::Writer(format!("cannot start the writer thread: {e}")))?;
        let run_id =
            ready_rx.await.map_err(|_| CrawlError::Writer("writer thread ended at start".into()))??;
        Ok(Sink { tx, thread: Some(thread), run_id })
    }

    async fn send(&self, msg: Msg) -> Result<(), CrawlError> {
        self.tx.send(msg).await.map_err(|_| CrawlError::Writer("writer thread has ended".into()))
    }

    /// Stage objects listed by `scope` (waits while the writer is behind: back-pressure).
    pub async fn put(&self, scope: &ScopeKey, objects: Vec<Object>) -> Result<(), CrawlError> {
        if objects.is_empty() {
            return Ok(());
        }
        self.send(Msg::Put(scope.clone(), objects)).await
    }

    /// Ledger how `scope` ended.
    pub async fn finish(
        &self,
        scope: &ScopeKey,
        outcome: ScopeOutcome,
        handle: Option<String>,
    ) -> Result<(), CrawlError> {
        self.send(Msg::Finish(scope.clone(), outcome, handle)).await
    }

    pub async fn commit(mut self, status: RunStatus, counts: RunCounts) -> Result<RunSummary, CrawlError> {
        let (reply, rx) = oneshot::channel();
        self.send(Msg::Commit(status, counts, reply)).await?;
        let r = rx.await.map_err(|_| CrawlError::Writer("writer thread ended before commit".into()))?;
        self.join();
        r
    }

    pub async fn abort(mut self, status: RunStatus, error: String) -> Result<(), CrawlError> {
        let (reply, rx) = oneshot::channel();
        self.send(Msg::Abort(status, error, reply)).await?;
        let r = rx.await.map_err(|_| CrawlError::Writer("writer thread ended before abort".into()))?;
        self.join();
        r
    }

    fn join(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
