//! Fires each account's runs with tokio-cron-scheduler, one one-shot job at a time: croner computes the
//! next DST-correct occurrence ([`Schedule::next_after`]), tokio-cron-scheduler's job fires it, and the
//! job, after starting the run, arms the next one-shot job. Why not its cron jobs: see [`super::schedule`].
//!
//! Owns the `JobScheduler` and the ids of the jobs armed per account; must not know what a run does (the
//! `fire` callback decides, including overlap skipping) and must not own runs (the supervisor's
//! `TaskTracker` does: the scheduler's own shutdown does not wait for jobs).
//!
//! Timing: a one-shot job keeps its due time in whole seconds and the scheduler polls every 500 ms, so a
//! job may wake up to ~1.5 s before the intended instant; it then sleeps the remainder (cancellable), so a
//! run starts at the croner instant + jitter, at most one poll late.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_cron_scheduler::{Job, JobScheduler};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::schedule::Schedule;

/// Why the scheduler could not start.
#[derive(Debug, thiserror::Error)]
#[error("job scheduler: {0}")]
pub struct CronError(String);

/// The daemon's one tokio-cron-scheduler instance.
#[derive(Clone)]
pub struct CronDriver {
    sched: JobScheduler,
}

impl CronDriver {
    /// Create and start the scheduler (its 500 ms polling task).
    pub async fn start() -> Result<Self, CronError> {
        let sched = JobScheduler::new().await.map_err(|e| CronError(format!("{e:?}")))?;
        sched.start().await.map_err(|e| CronError(format!("{e:?}")))?;
        Ok(Self { sched })
    }

    /// A new, empty set of armed jobs whose firing stops when `token` is cancelled.
    pub fn generation(&self, token: CancellationToken) -> Arc<Armed> {
        Arc::new(Armed { sched: self.sched.clone(), token, ids: tokio::sync::Mutex::new(HashMap::new()) })
    }

    /// Stop the scheduler's polling loop. Runs already started are not touched.
    pub async fn shutdown(mut self) {
        if let Err(e) = self.sched.shutdown().await {
            tracing::warn!(error = ?e, "job scheduler shutdown");
        }
    }
}

/// The one-shot jobs armed for one configuration (one per account at a time).
pub struct Armed {
    sched: JobScheduler,
    token: CancellationToken,
    ids: tokio::sync::Mutex<HashMap<String, Uuid>>,
}

/// What a due job does (start a run, or count it as skipped).
pub type Fire = Arc<dyn Fn() + Send + Sync>;

impl Armed {
    /// Stop firing: cancel the generation's token and remove every job still armed.
    pub async fn disarm(&self) {
        self.token.cancel();
        let ids: Vec<Uuid> = self.ids.lock().await.drain().map(|(_, id)| id).collect();
        for id in ids {
            // A one-shot job that already fired has been deleted by the scheduler; that is fine.
            match tokio::time::timeout(Duration::from_secs(2), self.sched.remove(&id)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::debug!(job = %id, error = ?e, "job removal"),
                Err(_) => tracing::warn!(job = %id, "job removal did not answer within 2 s"),
            }
        }
    }

    /// How many jobs are armed (one per scheduled account).
    pub async fn armed_count(&self) -> usize {
        self.ids.lock().await.len()
    }
}

/// Arm `account`'s next one-shot job: the first occurrence of `schedule` strictly after `after`, plus a
/// fresh jitter sample. When it fires it calls `fire` and arms the following occurrence.
pub fn arm(
    armed: Arc<Armed>,
    account: String,
    schedule: Schedule,
    after: DateTime<Utc>,
    fire: Fire,
) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        let Some(next) = schedule.next_after(after) else {
            tracing::warn!(account = %account, "schedule never fires again");
            return;
        };
        let fire_at = next + chrono::Duration::from_std(schedule.sample_jitter()).unwrap_or_default();
        let wait = (fire_at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        tracing::debug!(account = %account, next = %fire_at.to_rfc3339(), "next run armed");
        let job_ctx = (armed.clone(), account.clone(), schedule, fire);
        let job = Job::new_one_shot_async(Duration::from_secs(wait.as_secs()), move |_id, _sched| {
            let (armed, account, schedule, fire) = job_ctx.clone();
            Box::pin(async move {
                let early = (fire_at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                tokio::select! {
                    () = armed.token.cancelled() => return,
                    () = tokio::time::sleep(early) => {}
                }
                fire();
                // Never compute from before the occurrence just served (no double fire); after a long
                // stall (suspend), skip the missed occurrences instead of firing them in a burst.
                let after = next.max(Utc::now());
                arm(armed, account, schedule, after, fire).await;
            })
        });
        let job = match job {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(account = %account, error = ?e, "could not create the next job");
                return;
            }
        };
        // Hold the lock across the check and the add so `disarm` cannot miss a job armed concurrently.
        let mut ids = armed.ids.lock().await;
        if armed.token.is_cancelled() {
            return;
        }
        match armed.sched.add(job).await {
            Ok(id) => {
                ids.insert(account, id);
            }
            Err(e) => tracing::error!(account = %account, error = ?e, "could not arm the next run"),
        }
    })
}
