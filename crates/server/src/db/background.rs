//! Writes made for the SIP side (a queued call event, a call's saved record) go to one
//! background thread, in the order they were asked for, so the async workers never wait on
//! the database (issue 12: the database off the signalling path). Order matters: a queued event's
//! row must be written before the delete that follows its delivery.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use super::Store;

type Write = Box<dyn FnOnce(&Store) + Send>;

/// The channel to the writer thread, started with the first write.
#[derive(Default)]
pub(super) struct Background {
    tx: OnceLock<Mutex<mpsc::Sender<Write>>>,
}

impl Store {
    /// Runs `write` on the background writer thread, after every write asked for before it.
    /// Never blocks on SQLite; errors are the closure's to log.
    pub fn in_background(&self, write: impl FnOnce(&Store) + Send + 'static) {
        let tx = self.background.tx.get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Write>();
            // The thread's own handle shares the connection and the view but not this
            // channel: when the last `Store` goes, the channel closes and the thread ends.
            let store = Store {
                conn: self.conn.clone(),
                view: self.view.clone(),
                background: Arc::default(),
                revocation_hook: self.revocation_hook.clone(),
                owner: self.owner.clone(),
                shared: self.shared,
            };
            let spawned = std::thread::Builder::new()
                .name("db-writer".into())
                .spawn(move || {
                    for write in rx {
                        write(&store);
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "database writer thread not started");
            }
            Mutex::new(tx)
        });
        let sent = tx
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .send(Box::new(write));
        if sent.is_err() {
            tracing::error!("database writer gone: a background write was lost");
        }
    }

    /// Blocks until every background write asked for so far is done (shutdown, tests). Call
    /// it off the async workers.
    pub fn flush_background(&self) {
        if self.background.tx.get().is_none() {
            return;
        }
        let (done_tx, done_rx) = mpsc::channel();
        self.in_background(move |_| {
            let _ = done_tx.send(());
        });
        let _ = done_rx.recv();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_writes_run_in_order_and_flush_waits_for_them() {
        let store = Store::open_in_memory().unwrap();
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        for i in 0..100 {
            let seen = seen.clone();
            store.in_background(move |_| seen.lock().unwrap().push(i));
        }
        store.flush_background();
        assert_eq!(*seen.lock().unwrap(), (0..100).collect::<Vec<_>>());
    }
}
