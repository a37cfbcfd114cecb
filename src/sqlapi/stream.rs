//! A statement's whole life: submit asynchronously, poll with backoff until done, cancel on deadline or
//! cancellation, then stream rows partition by partition (prefetched with bounded concurrency, in order).
//!
//! Owns `execute`, `execute_collect`, `first_page`, `RowStream` and `ResultSet`, plus the per-statement span
//! and report.
//! Memory is bounded by the partitions in flight (`prefetch` + the one being read), never the result size.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream, StreamExt};
use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use tracing::Instrument;

use super::client::{CallStats, Client};
use super::error::{Phase, SqlApiError};
use super::observe::StatementReport;
use super::request::StatementRequest;
use super::response::{ResultPage, StatementResponse};
use super::row::{Row, Schema};

type PartitionStream = Pin<Box<dyn Stream<Item = Result<Vec<Row>, SqlApiError>> + Send>>;

/// The rows of a finished statement, as an async stream in result order.
pub struct RowStream {
    handle: String,
    schema: Arc<Schema>,
    num_rows: u64,
    stats: Option<Value>,
    statement_handles: Option<Vec<String>>,
    current: std::vec::IntoIter<Row>,
    rest: PartitionStream,
    cancel: CancellationToken,
    report: Option<Reporter>,
}

struct Reporter {
    client: Client,
    report: StatementReport,
    started: Instant,
    stats: Arc<CallStats>,
}

impl Reporter {
    fn finish(mut self, outcome: &str, rows: u64) {
        self.report.duration = self.started.elapsed();
        self.report.retries = self.stats.retries.load(Ordering::Relaxed);
        self.report.bytes = self.stats.bytes.load(Ordering::Relaxed);
        self.report.decoded_bytes = self.stats.decoded_bytes.load(Ordering::Relaxed);
        self.report.rows = rows;
        self.report.outcome = outcome.to_string();
        tracing::debug!(
            kind = %self.report.kind,
            handle = self.report.handle.as_deref().unwrap_or("-"),
            request_id = %self.report.request_id,
            outcome,
            rows,
            retries = self.report.retries,
            bytes = self.report.bytes,
            decoded_bytes = self.report.decoded_bytes,
            duration_ms = self.report.duration.as_millis() as u64,
            "statement finished"
        );
        self.client.inner.observer.statement_finished(&self.report);
    }
}

impl RowStream {
    pub fn handle(&self) -> &str {
        &self.handle
    }
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }
    /// Total rows over all partitions, as Snowflake reported.
    pub fn num_rows(&self) -> u64 {
        self.num_rows
    }
    /// DML counts (`numRowsInserted`, ...), when rows changed.
    pub fn dml_stats(&self) -> Option<&Value> {
        self.stats.as_ref()
    }
    /// Child handles of a multi-statement request.
    pub fn statement_handles(&self) -> Option<&[String]> {
        self.statement_handles.as_deref()
    }

    fn rows_so_far(&self) -> u64 {
        self.report.as_ref().map_or(0, |r| r.report.rows)
    }

    fn finish(&mut self, outcome: &str) {
        let rows = self.rows_so_far();
        if let Some(r) = self.report.take() {
            r.finish(outcome, rows);
        }
    }

    /// Drain the stream into a [`ResultSet`] (for small results).
    pub async fn collect_all(mut self) -> Result<ResultSet, SqlApiError> {
        let mut rows = Vec::with_capacity(usize::try_from(self.num_rows.min(1 << 20)).unwrap_or(0));
        while let Some(row) = self.next().await {
            rows.push(row?);
        }
        Ok(ResultSet {
            handle: self.handle.clone(),
            schema: self.schema.clone(),
            rows,
            dml_stats: self.stats.take(),
            statement_handles: self.statement_handles.take(),
        })
    }
}

impl Stream for RowStream {
    type Item = Result<Row, SqlApiError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.report.is_none() && this.current.len() == 0 {
                return Poll::Ready(None);
            }
            if this.cancel.is_cancelled() {
                this.current = Vec::new().into_iter();
                this.finish("cancelled");
                let phase = Phase::Partition;
                return Poll::Ready(Some(Err(SqlApiError::Cancelled {
                    phase,
                    handle: Some(this.handle.clone()),
                })));
            }
            if let Some(row) = this.current.next() {
                if let Some(r) = this.report.as_mut() {
                    r.report.rows += 1;
                }
                return Poll::Ready(Some(Ok(row)));
            }
            match this.rest.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(rows))) => this.current = rows.into_iter(),
                Poll::Ready(Some(Err(e))) => {
                    this.finish(e.outcome_label());
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.finish("ok");
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl Drop for RowStream {
    fn drop(&mut self) {
        self.finish("dropped");
    }
}

/// A whole result held in memory.
#[derive(Debug, Clone)]
pub struct ResultSet {
    pub handle: String,
    pub schema: Arc<Schema>,
    pub rows: Vec<Row>,
    pub dml_stats: Option<Value>,
    pub statement_handles: Option<Vec<String>>,
}

enum Interrupt {
    Deadline,
    Cancelled,
}

/// One statement's bookkeeping while it runs: its span, the byte and retry counters of its requests, and
/// the report sent to the observer when it ends.
struct Tracked {
    span: tracing::Span,
    stats: Arc<CallStats>,
    reporter: Reporter,
}

/// A statement's outcome with its bookkeeping: the page (its handle recorded), or the error, reported as
/// the statement's end.
fn settle(
    page: Result<ResultPage, (SqlApiError, Option<String>)>,
    tracked: Tracked,
) -> Result<(ResultPage, Tracked), SqlApiError> {
    let Tracked { span, stats, mut reporter } = tracked;
    match page {
        Ok(page) => {
            span.record("handle", page.handle.as_str());
            reporter.report.handle = Some(page.handle.clone());
            Ok((page, Tracked { span, stats, reporter }))
        }
        Err((e, handle)) => {
            reporter.report.handle = handle.or(reporter.report.handle.take());
            reporter.finish(e.outcome_label(), 0);
            Err(e)
        }
    }
}

impl Client {
    /// Run a statement to completion and stream its rows.
    ///
    /// Submits with `async=true`, polls with jittered backoff, and if `deadline` passes or `cancel` fires
    /// first, sends a cancel and fails with `Deadline` / `Cancelled`. The returned stream fetches later
    /// partitions ahead (`ClientConfig::prefetch`) and stops with `Cancelled` if `cancel` fires meanwhile.
    pub async fn execute(
        &self,
        req: StatementRequest,
        deadline: Instant,
        cancel: CancellationToken,
    ) -> Result<RowStream, SqlApiError> {
        let (page, tracked) = self.run_tracked(req, deadline, &cancel).await;
        self.rows_of(page, tracked, cancel)
    }

    /// Submit `req` asynchronously and poll it to completion, within its span and with its report started.
    async fn run_tracked(
        &self,
        mut req: StatementRequest,
        deadline: Instant,
        cancel: &CancellationToken,
    ) -> (Result<ResultPage, (SqlApiError, Option<String>)>, Tracked) {
        req.async_exec = true;
        let tracked = self.track(req.kind_label(), req.request_id.to_string());
        let page = self
            .run_to_completion(&req, deadline, cancel, &tracked.stats)
            .instrument(tracked.span.clone())
            .await;
        (page, tracked)
    }

    /// The rows of a statement submitted earlier (a child of a multi-statement request), by its handle:
    /// polled until done like [`Client::execute`], then streamed the same way. `request_id` is the
    /// submission's, for the report.
    pub(crate) async fn result_of(
        &self,
        handle: &str,
        kind: String,
        request_id: String,
        null_string_is_null: bool,
        deadline: Instant,
        cancel: CancellationToken,
    ) -> Result<RowStream, SqlApiError> {
        let mut tracked = self.track(kind, request_id);
        tracked.span.record("handle", handle);
        tracked.reporter.report.handle = Some(handle.to_string());
        let page = async {
            let interrupted = interruption(deadline, &cancel);
            tokio::pin!(interrupted);
            self.poll_until_done(
                handle.to_string(),
                null_string_is_null,
                false,
                &mut interrupted,
                &tracked.stats,
            )
            .await
        }
        .instrument(tracked.span.clone())
        .await;
        self.rows_of(page, tracked, cancel)
    }

    fn track(&self, kind: String, request_id: String) -> Tracked {
        let span = tracing::info_span!("sql_statement", kind = %kind, request_id = %request_id, handle = tracing::field::Empty);
        let stats = Arc::new(CallStats::default());
        let reporter = Reporter {
            client: self.clone(),
            report: StatementReport {
                kind,
                handle: None,
                request_id,
                duration: Default::default(),
                retries: 0,
                bytes: 0,
                decoded_bytes: 0,
                rows: 0,
                outcome: String::new(),
            },
            started: Instant::now(),
            stats: stats.clone(),
        };
        Tracked { span, stats, reporter }
    }

    /// Run a statement to completion like [`Client::execute`] (async submit, polling, a cancel on deadline
    /// or cancellation) and return its first answer: the metadata and partition 0 only. Later partitions
    /// stay on the server for [`Client::partition`]; an agent pages through them itself.
    pub async fn first_page(
        &self,
        req: StatementRequest,
        deadline: Instant,
        cancel: CancellationToken,
    ) -> Result<ResultPage, SqlApiError> {
        let (page, tracked) = self.run_tracked(req, deadline, &cancel).await;
        let (page, tracked) = settle(page, tracked)?;
        tracked.reporter.finish("ok", page.rows.len() as u64);
        Ok(page)
    }

    /// A finished statement's first page as a row stream (or its error, reported as the statement's end).
    fn rows_of(
        &self,
        page: Result<ResultPage, (SqlApiError, Option<String>)>,
        tracked: Tracked,
        cancel: CancellationToken,
    ) -> Result<RowStream, SqlApiError> {
        let (page, Tracked { span, stats, reporter }) = settle(page, tracked)?;
        let rest = self.partition_stream(&page, stats, span);
        Ok(RowStream {
            handle: page.handle,
            schema: page.schema,
            num_rows: page.num_rows,
            stats: page.stats,
            statement_handles: page.statement_handles,
            current: page.rows.into_iter(),
            rest,
            cancel,
            report: Some(reporter),
        })
    }

    /// [`Client::execute`] and collect every row (for small results such as SHOW output).
    pub async fn execute_collect(
        &self,
        req: StatementRequest,
        deadline: Instant,
        cancel: CancellationToken,
    ) -> Result<ResultSet, SqlApiError> {
        self.execute(req, deadline, cancel).await?.collect_all().await
    }

    fn partition_stream(
        &self,
        page: &ResultPage,
        stats: Arc<CallStats>,
        span: tracing::Span,
    ) -> PartitionStream {
        let (client, handle, schema) = (self.clone(), page.handle.clone(), page.schema.clone());
        let prefetch = self.inner.config.prefetch.max(1);
        stream::iter(1..page.partitions.len())
            .map(move |n| {
                let (client, handle, schema, stats) =
                    (client.clone(), handle.clone(), schema.clone(), stats.clone());
                let fut = async move { client.partition_with(&handle, n, &schema, &stats).await };
                AbortOnDropHandle::new(tokio::spawn(fut.instrument(span.clone())))
            })
            .buffered(prefetch)
            .map(|joined| {
                joined.unwrap_or_else(|e| {
                    Err(SqlApiError::Transport {
                        phase: Phase::Partition,
                        message: format!("partition task failed: {e}"),
                    })
                })
            })
            .boxed()
    }

    /// Submit, then poll until done; on deadline/cancel send a cancel. Errors carry the handle if known.
    async fn run_to_completion(
        &self,
        req: &StatementRequest,
        deadline: Instant,
        cancel: &CancellationToken,
        stats: &CallStats,
    ) -> Result<ResultPage, (SqlApiError, Option<String>)> {
        let interrupted = interruption(deadline, cancel);
        tokio::pin!(interrupted);
        if cancel.is_cancelled() || Instant::now() >= deadline {
            let why = if cancel.is_cancelled() { Interrupt::Cancelled } else { Interrupt::Deadline };
            return Err((interrupt_error(why, Phase::Submit, None), None));
        }
        let submit = self.submit_with(req, stats);
        tokio::pin!(submit);
        let submitted = tokio::select! {
            biased;
            why = &mut interrupted => {
                let handle = self.cancel_submitted(submit).await;
                return Err((interrupt_error(why, Phase::Submit, handle.clone()), handle));
            }
            r = &mut submit => r.map_err(|e| (e, None))?,
        };
        let status = match submitted {
            StatementResponse::Done(page) => return Ok(page),
            StatementResponse::Running(s) => s,
        };
        tracing::Span::current().record("handle", status.handle.as_str());
        self.poll_until_done(status.handle, !req.nullable, true, &mut interrupted, stats).await
    }

    /// Poll `handle` with backoff (waiting before the first poll when `wait_first`) until it is done; on
    /// deadline or cancellation send a cancel. Errors carry the handle.
    async fn poll_until_done(
        &self,
        handle: String,
        null_string_is_null: bool,
        wait_first: bool,
        interrupted: &mut Pin<&mut impl Future<Output = Interrupt>>,
        stats: &CallStats,
    ) -> Result<ResultPage, (SqlApiError, Option<String>)> {
        let mut backoff = self.inner.config.poll.start();
        let mut wait = wait_first;
        loop {
            let step = async {
                if wait {
                    tokio::time::sleep(backoff.next_delay()).await;
                }
                self.status_with(&handle, null_string_is_null, stats).await
            };
            let polled = tokio::select! {
                biased;
                why = interrupted.as_mut() => {
                    self.cancel_quietly(&handle).await;
                    return Err((interrupt_error(why, Phase::Poll, Some(handle.clone())), Some(handle)));
                }
                r = step => r,
            };
            wait = true;
            match polled {
                Ok(StatementResponse::Done(page)) => return Ok(page),
                Ok(StatementResponse::Running(_)) => {}
                Err(e) => return Err((e, Some(handle))),
            }
        }
    }

    /// The caller gave up while the submission was in flight. Snowflake may already have accepted it, and
    /// dropping the request would leave that statement running unseen: let the submission answer (within
    /// `cancel_timeout`) and cancel the statement it started. Returns its handle when one came back.
    async fn cancel_submitted(
        &self,
        submit: Pin<&mut impl Future<Output = Result<StatementResponse, SqlApiError>>>,
    ) -> Option<String> {
        match tokio::time::timeout(self.inner.config.cancel_timeout, submit).await {
            Ok(Ok(StatementResponse::Running(s))) => {
                self.cancel_quietly(&s.handle).await;
                Some(s.handle)
            }
            Ok(Ok(StatementResponse::Done(page))) => Some(page.handle),
            Ok(Err(_)) => None,
            Err(_) => {
                tracing::warn!("the interrupted submission did not answer; its statement may still run");
                None
            }
        }
    }

    /// Best-effort cancel on deadline or cancellation; failures are logged, not returned.
    async fn cancel_quietly(&self, handle: &str) {
        match tokio::time::timeout(self.inner.config.cancel_timeout, self.cancel(handle)).await {
            Ok(Ok(_)) => tracing::info!(handle, "statement cancelled"),
            Ok(Err(e)) => tracing::warn!(handle, error = %e, "cancel failed"),
            Err(_) => tracing::warn!(handle, "cancel timed out"),
        }
    }
}

/// Resolves when `deadline` passes or `cancel` fires, saying which.
async fn interruption(deadline: Instant, cancel: &CancellationToken) -> Interrupt {
    tokio::select! {
        _ = tokio::time::sleep_until(deadline) => Interrupt::Deadline,
        _ = cancel.cancelled() => Interrupt::Cancelled,
    }
}

fn interrupt_error(why: Interrupt, phase: Phase, handle: Option<String>) -> SqlApiError {
    match why {
        Interrupt::Deadline => SqlApiError::Deadline { phase, handle },
        Interrupt::Cancelled => SqlApiError::Cancelled { phase, handle },
    }
}
