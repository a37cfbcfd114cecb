//! Statement execution for a crawl: bounded concurrency (a semaphore), QUERY_TAG `snowcat:<run>:<phase>`,
//! role and warehouse on every statement, per-statement timeout, the run's deadline and cancellation,
//! error classification (denied / too much data / fatal / failed) and the counters behind progress.
//!
//! Must not decide which statements to run (that is `plan`) nor map rows (that is `map`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::options::{Progress, ProgressSnapshot};
use crate::catalog::ScopeOutcome;
use crate::sqlapi::{Client, Row, RowStream, SqlApiError, StatementRequest};

/// How a failed statement is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Not authorised (002003, 003001): a coverage fact.
    Denied { code: String, message: String },
    /// 090030: narrow the scope and retry.
    TooMuchData,
    /// The scope could not be listed; the run continues.
    Failed { code: String, message: String },
    /// Authentication or cancellation: the run stops.
    Stop,
}

impl Failure {
    /// The ledger outcome for a scope this failure left unlisted.
    pub fn outcome(&self) -> ScopeOutcome {
        match self {
            Failure::Denied { code, message } => {
                ScopeOutcome::Denied { code: code.clone(), message: message.clone() }
            }
            Failure::TooMuchData => ScopeOutcome::Failed {
                code: "090030".into(),
                message: "information schema query returned too much data".into(),
            },
            Failure::Failed { code, message } => {
                ScopeOutcome::Failed { code: code.clone(), message: message.clone() }
            }
            Failure::Stop => ScopeOutcome::Failed { code: "stopped".into(), message: "run stopped".into() },
        }
    }
}

/// Codes that mean "you may not see this".
const DENIED_CODES: [&str; 3] = ["002003", "003001", "002043"];

/// A statement in flight: its rows, holding a concurrency slot until dropped.
pub struct Running<'a> {
    pub stream: RowStream,
    exec: &'a Exec<'a>,
    _permit: SemaphorePermit<'a>,
}

impl Running<'_> {
    pub fn handle(&self) -> String {
        self.stream.handle().to_string()
    }

    /// The next row, or the failure that ended the listing.
    pub async fn next(&mut self) -> Option<Result<Row, Failure>> {
        match self.stream.next().await {
            None => None,
            Some(Ok(row)) => {
                self.exec.rows.fetch_add(1, Ordering::Relaxed);
                Some(Ok(row))
            }
            Some(Err(e)) => Some(Err(self.exec.classify(&e))),
        }
    }
}

/// Runs the statements of one crawl.
pub struct Exec<'p> {
    client: Client,
    role: Option<String>,
    warehouse: Option<String>,
    tag: String,
    statement_timeout: Duration,
    deadline: Option<Instant>,
    slots: Semaphore,
    /// Cancelled by the caller or on a fatal error.
    pub cancel: CancellationToken,
    caller_cancel: CancellationToken,
    fatal: Mutex<Option<String>>,
    started: Instant,
    progress: &'p dyn Progress,
    pub statements: AtomicU64,
    /// Statements Snowflake accepted (a result came back): none means the run never authenticated.
    pub answered: AtomicU64,
    pub planned: AtomicU64,
    pub rows: AtomicU64,
    pub objects: AtomicU64,
}

/// What `Exec::new` needs.
pub struct ExecConfig {
    pub role: Option<String>,
    pub warehouse: Option<String>,
    pub run_tag: String,
    pub concurrency: usize,
    pub statement_timeout: Duration,
    pub deadline: Option<Duration>,
}

impl<'p> Exec<'p> {
    pub fn new(
        client: Client,
        cfg: ExecConfig,
        cancel: CancellationToken,
        progress: &'p dyn Progress,
    ) -> Exec<'p> {
        let started = Instant::now();
        Exec {
            client,
            role: cfg.role,
            warehouse: cfg.warehouse,
            tag: format!("snowcat:{}", cfg.run_tag),
            statement_timeout: cfg.statement_timeout,
            deadline: cfg.deadline.map(|d| started + d),
            slots: Semaphore::new(cfg.concurrency.max(1)),
            cancel: cancel.child_token(),
            caller_cancel: cancel,
            fatal: Mutex::new(None),
            started,
            progress,
            statements: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            planned: AtomicU64::new(0),
            rows: AtomicU64::new(0),
            objects: AtomicU64::new(0),
        }
    }

    pub fn cancelled_by_caller(&self) -> bool {
        self.caller_cancel.is_cancelled()
    }

    pub fn fatal_error(&self) -> Option<String> {
        self.fatal.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn plan(&self, n: u64) {
        self.planned.fetch_add(n, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            statements_done: self.statements.load(Ordering::Relaxed),
            statements_planned: self.planned.load(Ordering::Relaxed),
            objects: self.objects.load(Ordering::Relaxed),
            elapsed: self.elapsed(),
        }
    }

    fn classify(&self, e: &SqlApiError) -> Failure {
        match e {
            SqlApiError::Auth { .. } | SqlApiError::Token { .. } => {
                let mut f = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
                f.get_or_insert_with(|| e.to_string());
                drop(f);
                self.cancel.cancel();
                Failure::Stop
            }
            SqlApiError::Cancelled { .. } if self.cancel.is_cancelled() => Failure::Stop,
            SqlApiError::Sql { code, message, .. } if code == "090030" => {
                let _ = message;
                Failure::TooMuchData
            }
            SqlApiError::Sql { code, message, .. }
                if DENIED_CODES.contains(&code.as_str()) || message.contains("not authorized") =>
            {
                Failure::Denied { code: code.clone(), message: message.clone() }
            }
            other => Failure::Failed {
                code: other.code().unwrap_or(other.outcome_label()).to_string(),
                message: other.to_string(),
            },
        }
    }

    /// Submit `sql` for `phase` and wait until it finishes; the rows then stream from the result.
    pub async fn start(&self, phase: &str, sql: String) -> Result<Running<'_>, Failure> {
        let permit = tokio::select! {
            p = self.slots.acquire() => p.map_err(|_| Failure::Stop)?,
            _ = self.cancel.cancelled() => return Err(Failure::Stop),
        };
        if self.cancel.is_cancelled() {
            return Err(Failure::Stop);
        }
        let mut req = StatementRequest::new(sql)
            .kind(phase.to_string())
            .timeout(self.statement_timeout)
            .parameter("QUERY_TAG", format!("{}:{phase}", self.tag));
        if let Some(r) = &self.role {
            req = req.role(r.clone());
        }
        if let Some(w) = &self.warehouse {
            req = req.warehouse(w.clone());
        }
        let mut deadline = Instant::now() + self.statement_timeout + Duration::from_secs(30);
        if let Some(d) = self.deadline {
            deadline = deadline.min(d);
        }
        self.statements.fetch_add(1, Ordering::Relaxed);
        let r = self.client.execute(req, deadline, self.cancel.clone()).await;
        self.progress.update(&self.snapshot());
        match r {
            Ok(stream) => {
                self.answered.fetch_add(1, Ordering::Relaxed);
                Ok(Running { stream, exec: self, _permit: permit })
            }
            Err(e) => {
                if matches!(e, SqlApiError::Sql { .. }) {
                    // Snowflake ran (or refused) the statement: the credentials were accepted.
                    self.answered.fetch_add(1, Ordering::Relaxed);
                }
                Err(self.classify(&e))
            }
        }
    }

    /// Run a statement and collect its (small) result.
    pub async fn collect(&self, phase: &str, sql: String) -> Result<(String, Vec<Row>), Failure> {
        let mut running = self.start(phase, sql).await?;
        let mut rows = Vec::new();
        while let Some(r) = running.next().await {
            rows.push(r?);
        }
        Ok((running.handle(), rows))
    }
}
