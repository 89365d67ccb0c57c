//! Several `bwclient-server` instances on one PostgreSQL database: each follows the writes
//! the others commit. Triggers (migration 6) notify `bwclient_changes` at each commit; a
//! listener connection (`postgres::PgConn::listen`) forwards the notifications to the
//! `db-peers` thread, which reloads this instance's [`SipView`](super::SipView) (so a token
//! minted, an endpoint created or disabled through another instance counts here for the next
//! SIP request) and hands each revocation row another instance wrote to the
//! [`RevocationHook`] (the SIP service closes the registrations it names, as the writing
//! instance did for its own). Notifications from this instance's own connection are skipped:
//! its writes already updated its view and closed its registrations.

use std::sync::{mpsc, Arc, Mutex, OnceLock, RwLock, Weak};

use super::postgres::Notice;
use super::sql::Conn;
use super::{SipView, Store};

/// Called with `(aor, token username or None for all, whether the AOR's endpoint still
/// exists)` for each `sip_revocations` row another instance committed, after the view was
/// reloaded (and with no lock held).
pub type RevocationHook = Box<dyn Fn(&str, Option<&str>, bool) + Send + Sync>;

impl Store {
    /// Sets what to do with revocations made through other instances (once; PostgreSQL only
    /// calls it).
    pub fn on_remote_revocation(&self, hook: RevocationHook) {
        let _ = self.revocation_hook.set(hook);
    }
}

/// Starts following the other instances' commits (a no-op on SQLite).
pub(super) fn follow(store: &Store) {
    let own_pid = match &*store.conn() {
        Conn::Postgres(pg) => {
            let (tx, rx) = mpsc::channel();
            pg.listen(tx);
            (pg.backend_pid, rx)
        }
        Conn::Sqlite(_) => return,
    };
    let (own_pid, notices) = own_pid;
    // Weak handles: the thread ends with the store (the listener, on the store's runtime,
    // drops its sender then).
    let conn = Arc::downgrade(&store.conn);
    let view = Arc::downgrade(&store.view);
    let hook = Arc::downgrade(&store.revocation_hook);
    let spawned = std::thread::Builder::new()
        .name("db-peers".into())
        .spawn(move || run(own_pid, &notices, &conn, &view, &hook));
    if let Err(err) = spawned {
        tracing::error!(error = %err, "db-peers thread not started: other instances' writes unseen");
    }
}

fn run(
    own_pid: i32,
    notices: &mpsc::Receiver<Notice>,
    conn: &Weak<Mutex<Conn>>,
    view: &Weak<RwLock<SipView>>,
    hook: &Weak<OnceLock<RevocationHook>>,
) {
    while let Ok(first) = notices.recv() {
        // Everything already waiting is one batch: one reload serves them all.
        let batch: Vec<Notice> = std::iter::once(first)
            .chain(notices.try_iter())
            .filter(|n| n.backend_pid != own_pid)
            .collect();
        if batch.is_empty() {
            continue;
        }
        let (Some(conn), Some(view), Some(hook)) = (conn.upgrade(), view.upgrade(), hook.upgrade())
        else {
            return;
        };
        // The view first: once a revoked registration is closed here, a new REGISTER with
        // the token is refused too.
        let fresh = {
            let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            SipView::load(&conn)
        };
        match fresh {
            Ok(fresh) => {
                *view
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
            }
            Err(err) => {
                tracing::error!(error = %err, "view not reloaded after another instance's write")
            }
        }
        let Some(hook) = hook.get() else { continue };
        let revoked: Vec<(&str, Option<&str>, bool)> = {
            let view = view.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            batch
                .iter()
                .filter_map(|notice| notice.payload.as_deref().and_then(revocation))
                .map(|(aor, username)| (aor, username, endpoint_exists(&view, aor)))
                .collect()
        };
        for (aor, username, exists) in revoked {
            hook(aor, username, exists);
        }
    }
}

/// True if the endpoint of `aor` (`user@<domain>.<realm>`) is in `view`.
fn endpoint_exists(view: &SipView, aor: &str) -> bool {
    let Some((user, host)) = aor.rsplit_once('@') else {
        return false;
    };
    let domain = host.split('.').next().unwrap_or_default();
    view.endpoint_by_name(domain, user).is_some()
}

/// `sip_revocations <aor> <username or empty>` → `(aor, username)`.
fn revocation(payload: &str) -> Option<(&str, Option<&str>)> {
    let rest = payload.strip_prefix("sip_revocations ")?;
    let (aor, username) = rest.split_once(' ').unwrap_or((rest, ""));
    Some((aor, (!username.is_empty()).then_some(username)))
}

#[cfg(test)]
mod tests {
    use super::revocation;

    #[test]
    fn revocation_payloads() {
        assert_eq!(
            revocation("sip_revocations a@h 9:a@h"),
            Some(("a@h", Some("9:a@h")))
        );
        assert_eq!(revocation("sip_revocations a@h "), Some(("a@h", None)));
        assert_eq!(revocation("tokens"), None);
    }
}
