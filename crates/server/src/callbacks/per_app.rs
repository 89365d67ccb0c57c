//! Fair delivery: one bounded queue and one set of delivery slots per application. An
//! application whose URL is a black hole fills only its own queue and holds only its own slots
//! (each try bounded by the time-out, each event by the tries), while every other application's
//! events go out as they come.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::runtime::Handle;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{broadcast, mpsc, Semaphore};

use super::deliver::Sender;
use super::{DeliveryReport, Job};
use crate::db::Store;

/// How long an application's worker waits for another event before it stops.
const IDLE: Duration = Duration::from_secs(30);

/// Every application's queue.
#[derive(Debug)]
pub struct Queues {
    pub sender: Sender,
    pub reports: broadcast::Sender<DeliveryReport>,
    runtime: Handle,
    /// Where queued events are kept until delivered, if anywhere. Its rows are written and
    /// deleted on the store's background writer, in order, never on the async workers.
    pub store: Option<Store>,
    /// The next row id: microseconds since the epoch at start, then counting, so ids of this
    /// process follow every id an earlier process used (one event per microsecond of its life).
    /// On PostgreSQL, scaled by 1024 plus this instance's own residue (`Store::row_id_lane`),
    /// so instances sharing the table never pick the same id.
    next_row: AtomicI64,
    /// What `next_row` counts by (1, or 1024 on PostgreSQL).
    row_step: i64,
    /// Application id → its worker's queue. A worker removes its own entry, under this lock,
    /// when its queue is empty: a push either finds the live queue or starts a new worker.
    by_app: Mutex<HashMap<String, mpsc::Sender<Job>>>,
}

impl Queues {
    /// Queues on the current tokio runtime.
    pub fn new(
        sender: Sender,
        reports: broadcast::Sender<DeliveryReport>,
        store: Option<Store>,
    ) -> Arc<Queues> {
        let micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |since| since.as_micros() as i64);
        let (first, row_step) = match store.as_ref().and_then(Store::row_id_lane) {
            Some(lane) => (micros.saturating_mul(1024) + lane, 1024),
            None => (micros, 1),
        };
        Arc::new(Queues {
            sender,
            reports,
            runtime: Handle::current(),
            store,
            next_row: AtomicI64::new(first),
            row_step,
            by_app: Mutex::new(HashMap::new()),
        })
    }

    /// Queues `job` on its application's queue, starting that application's worker if it has
    /// none. False if the queue is full. With a store, the job is written there first (a job
    /// resumed from it already has its row).
    pub fn push(self: &Arc<Self>, mut job: Job) -> bool {
        if let (Some(store), None) = (&self.store, job.row) {
            let row = self.next_row.fetch_add(self.row_step, Ordering::Relaxed);
            job.row = Some(row);
            let (application_id, body) = (job.application_id.clone(), job.body.clone());
            store.in_background(move |store| {
                if let Err(err) = store.queue_callback(row, &application_id, &body) {
                    tracing::error!(error = %err, "call event not persisted");
                }
            });
        }
        let mut by_app = self.by_app.lock().unwrap_or_else(|p| p.into_inner());
        let queue = by_app.entry(job.application_id.clone()).or_insert_with(|| {
            let (tx, rx) = mpsc::channel(self.sender.config.per_app_queue.max(1));
            let worker = worker(self.clone(), job.application_id.clone(), rx);
            self.runtime.spawn(worker);
            tx
        });
        match queue.try_send(job) {
            Ok(()) => true,
            Err(err) => {
                let job = err.into_inner();
                tracing::warn!(application = %job.application_id, "call event dropped: queue full");
                drop(by_app);
                self.forget(job.row);
                false
            }
        }
    }

    /// Deletes a job's row from the store (its delivery ended, or it was dropped), on the
    /// background writer: after the write that stored it.
    fn forget(&self, row: Option<i64>) {
        if let (Some(store), Some(row)) = (&self.store, row) {
            store.in_background(move |store| {
                if let Err(err) = store.unqueue_callback(row) {
                    tracing::error!(error = %err, "delivered call event not removed from the queue");
                }
            });
        }
    }

    /// The next job of `app`'s queue, or `None` after [`IDLE`] with nothing queued and nothing
    /// in flight (then the entry is gone and the worker ends).
    async fn next(
        &self,
        app: &str,
        rx: &mut mpsc::Receiver<Job>,
        slots: &Semaphore,
        concurrency: usize,
    ) -> Option<Job> {
        loop {
            if let Ok(job) = tokio::time::timeout(IDLE, rx.recv()).await {
                return job;
            }
            let mut by_app = self.by_app.lock().unwrap_or_else(|p| p.into_inner());
            match rx.try_recv() {
                Ok(job) => return Some(job),
                Err(TryRecvError::Empty) if slots.available_permits() == concurrency => {
                    by_app.remove(app);
                    return None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => return None,
            }
        }
    }
}

/// Delivers `app`'s events, at most `per_app_concurrency` at once.
async fn worker(queues: Arc<Queues>, app: String, mut rx: mpsc::Receiver<Job>) {
    let concurrency = queues.sender.config.per_app_concurrency.max(1);
    let slots = Arc::new(Semaphore::new(concurrency));
    while let Some(job) = queues.next(&app, &mut rx, &slots, concurrency).await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let queues = queues.clone();
        tokio::spawn(async move {
            let outcome = queues.sender.deliver(&job).await;
            drop(slot);
            queues.forget(job.row);
            // Nobody listening is fine.
            let _ = queues.reports.send(DeliveryReport {
                application_id: job.application_id,
                url: job.url,
                outcome,
            });
        });
    }
}
