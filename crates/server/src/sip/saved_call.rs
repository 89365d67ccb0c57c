//! Calls an application hears about, kept through the [`Directory`](crate::directory::Directory)
//! while they last, so that a restarted proxy still produces their `end`.
//!
//! The proxy keeps no dialog state it needs for routing: an in-dialog request carries the
//! signed flow token naming both ends (`flow_token.rs`), and the token's key survives a restart
//! (`keys.rs`). What only the process knew is which application wants the call's events. So a
//! call is saved when its `start` or `answer` event goes out and forgotten with its `end`; at
//! start the proxy takes the saved calls back ([`SipService::restore_calls`]): an answered one
//! as if both ends had just lost their connection (RFC 5626 §5.3: they reconnect, re-REGISTER,
//! and the call goes on; the BYE then produces `end`, or the reconnect grace runs out and that
//! does), one still ringing ends at once (its INVITE transaction died with the old process).

use super::conn_table::{lock, ConnId};
use super::service::SipService;
use super::side::{InstanceTag, Side, Who};
use super::txn::{CallRecord, Out};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Instant;

/// The stored form of a [`CallRecord`].
#[derive(Serialize, Deserialize)]
struct Saved {
    from: String,
    to: String,
    parties: Vec<(String, String)>,
    answered: bool,
    sides: Vec<SavedSide>,
}

#[derive(Serialize, Deserialize)]
struct SavedSide {
    conn: u64,
    aor: Option<String>,
    /// The instance tag, base64url (it is keyed, so it matches after a restart only because
    /// the key is derived from the token secret).
    instance: Option<String>,
}

/// The JSON of `call`.
fn to_json(call: &CallRecord) -> String {
    let saved = Saved {
        from: call.from.clone(),
        to: call.to.clone(),
        parties: call.parties.clone(),
        answered: call.answered,
        sides: call
            .sides
            .iter()
            .map(|s| SavedSide {
                conn: s.conn.0,
                aor: s.who.as_ref().map(|w| w.aor.clone()),
                instance: s.who.as_ref().map(|w| URL_SAFE_NO_PAD.encode(w.instance.0)),
            })
            .collect(),
    };
    serde_json::to_string(&saved).unwrap_or_default()
}

/// The call stored as `json`, if it reads back (a damaged row is skipped, never a panic).
fn from_json(json: &str) -> Option<CallRecord> {
    let saved: Saved = serde_json::from_str(json).ok()?;
    let mut sides = Vec::new();
    for s in saved.sides {
        let who = match (s.aor, s.instance) {
            (Some(aor), Some(instance)) => {
                let raw = URL_SAFE_NO_PAD.decode(instance).ok()?;
                Some(Who {
                    aor,
                    instance: InstanceTag(raw.as_slice().try_into().ok()?),
                })
            }
            _ => None,
        };
        sides.push(Side {
            conn: ConnId(s.conn),
            who,
        });
    }
    Some(CallRecord {
        from: saved.from,
        to: saved.to,
        parties: saved.parties,
        answered: saved.answered,
        sides,
        orphaned_at: None,
    })
}

impl SipService {
    /// Saves or forgets the calls whose events `out` carries: the state after `start` or
    /// `answer`, nothing after `end`. Only calls with events are saved (no application, nothing
    /// to report after a restart).
    pub(super) fn save_calls(&self, out: &Out) {
        if out.events.is_empty() {
            return;
        }
        // The last event of each call decides.
        let mut last: BTreeMap<&str, &str> = BTreeMap::new();
        for event in &out.events {
            last.insert(&event.call_id, event.kind);
        }
        let records: Vec<(&str, Option<String>)> = {
            let st = lock(&self.proxy);
            last.into_iter()
                .map(|(id, kind)| {
                    let json = (kind != "end")
                        .then(|| st.calls.get(id).map(to_json))
                        .flatten();
                    (id, json)
                })
                .collect()
        };
        for (id, json) in records {
            self.dir.save_call(id, json.as_deref());
        }
    }

    /// Takes back the calls a previous process saved (see the module docs); returns how many
    /// go on.
    pub(super) fn restore_calls(&self, now: Instant) -> usize {
        let mut out = Out::default();
        let mut kept = 0;
        for (call_id, json) in self.dir.saved_calls() {
            let Some(mut call) = from_json(&json) else {
                tracing::warn!(%call_id, "saved call unreadable: forgotten");
                self.dir.save_call(&call_id, None);
                continue;
            };
            if !call.answered {
                out.events.extend(call.events("end", &call_id));
                continue;
            }
            call.orphaned_at = Some(now);
            lock(&self.proxy).calls.insert(call_id, call);
            kept += 1;
        }
        self.flush(now, out);
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damaged_rows() {
        let call = CallRecord {
            from: "sip:alice@acme.test".into(),
            to: "sip:bob@acme.test".into(),
            parties: vec![("ep1".into(), "http://app.test/cb".into())],
            answered: true,
            sides: vec![
                Side {
                    conn: ConnId(7),
                    who: None,
                },
                Side {
                    conn: ConnId(1_700_000_000_000_001),
                    who: Some(Who {
                        aor: "bob@acme.test".into(),
                        instance: InstanceTag([9; super::super::side::TAG_LEN]),
                    }),
                },
            ],
            orphaned_at: None,
        };
        let back = from_json(&to_json(&call)).expect("reads back");
        assert_eq!(back.sides, call.sides);
        assert_eq!(back.parties, call.parties);
        assert!(back.answered);
        assert!(from_json("").is_none());
        assert!(from_json("{\"from\":1}").is_none());
        assert!(from_json(
            r#"{"from":"a","to":"b","parties":[],"answered":true,"sides":[{"conn":1,"aor":"x","instance":"AAAA"}]}"#
        )
        .is_none());
    }
}
