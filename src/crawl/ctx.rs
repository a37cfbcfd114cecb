//! The shared state of one crawl: the executor, the catalog sink, the options, the per-kind object counts
//! and the coverage gaps; plus `Batch`, which groups objects per scope before they go to the writer.
//!
//! Must not decide what to run (that is `plan`).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use super::exec::Exec;
use super::options::{CrawlError, CrawlOptions};
use super::report::CoverageGap;
use super::sink::Sink;
use super::vanish::{Previous, Visibility};
use crate::catalog::{Object, ObjectKind, ScopeKey, ScopeOutcome};

pub struct Ctx<'a> {
    pub exec: &'a Exec<'a>,
    pub sink: &'a Sink,
    pub opts: &'a CrawlOptions,
    pub counts: Mutex<BTreeMap<ObjectKind, u64>>,
    pub gaps: Mutex<Vec<CoverageGap>>,
    /// Databases, schemas and tables current after the last committed run.
    pub previous: Previous,
    pub visibility: Visibility,
    /// Set when this run is incremental (see `incremental`).
    pub incremental: Option<super::incremental::Incremental>,
}

impl<'a> Ctx<'a> {
    pub fn new(exec: &'a Exec<'a>, sink: &'a Sink, opts: &'a CrawlOptions, previous: Previous) -> Self {
        Ctx {
            exec,
            sink,
            opts,
            counts: Mutex::new(BTreeMap::new()),
            gaps: Mutex::new(Vec::new()),
            previous,
            visibility: Visibility::default(),
            incremental: None,
        }
    }

    pub async fn put(&self, scope: &ScopeKey, objects: Vec<Object>) -> Result<(), CrawlError> {
        if objects.is_empty() {
            return Ok(());
        }
        {
            let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            for o in &objects {
                *c.entry(o.kind()).or_default() += 1;
            }
        }
        self.exec.objects.fetch_add(objects.len() as u64, Ordering::Relaxed);
        self.sink.put(scope, objects).await
    }

    /// Ledger a scope's outcome; anything but `Complete` is also a coverage gap in the report.
    pub async fn finish(
        &self,
        scope: &ScopeKey,
        outcome: ScopeOutcome,
        handle: Option<String>,
    ) -> Result<(), CrawlError> {
        if !outcome.is_complete() && outcome != ScopeOutcome::Carried {
            let (code, message) = match outcome.error() {
                Some((c, m)) => (Some(c.to_string()), Some(m.to_string())),
                None => (None, None),
            };
            self.gaps.lock().unwrap_or_else(|p| p.into_inner()).push(CoverageGap {
                scope: scope.label(),
                outcome: outcome.as_str().to_string(),
                code,
                message,
            });
        }
        self.sink.finish(scope, outcome, handle).await
    }

    pub fn batch(&self) -> Batch {
        Batch { scope: None, objects: Vec::new(), limit: self.opts.sink_batch.max(1) }
    }
}

/// Objects waiting to be sent, all under one scope; switching scope flushes.
pub struct Batch {
    scope: Option<ScopeKey>,
    objects: Vec<Object>,
    limit: usize,
}

impl Batch {
    pub async fn push(&mut self, ctx: &Ctx<'_>, scope: &ScopeKey, object: Object) -> Result<(), CrawlError> {
        if self.scope.as_ref() != Some(scope) {
            self.flush(ctx).await?;
            self.scope = Some(scope.clone());
        }
        self.objects.push(object);
        if self.objects.len() >= self.limit {
            self.flush(ctx).await?;
        }
        Ok(())
    }

    pub async fn flush(&mut self, ctx: &Ctx<'_>) -> Result<(), CrawlError> {
        if let Some(scope) = &self.scope
            && !self.objects.is_empty()
        {
            let objects = std::mem::take(&mut self.objects);
            ctx.put(scope, objects).await?;
        }
        Ok(())
    }
}
