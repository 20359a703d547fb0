//! The Guard's protocol and logic: rate-limit hits and idempotency
//! records, kept by one Durable Object so they hold across isolates and
//! locations. The object stores; this module decides, natively testable.

use serde::{Deserialize, Serialize};

use crate::limits::{Check, Decision, Hits, decide};

/// How long an idempotency key is remembered.
pub const IDEMPOTENCY_TTL_MS: i64 = 10 * 60 * 1_000;

/// A claim on an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The client's key.
    pub key: String,
    /// What the request says, minus one-use tokens.
    pub fingerprint: String,
    /// How long an unfinished claim blocks others.
    pub pending_ms: i64,
}

/// A command sent to the Guard.
///
/// A callback takes as few round trips as its checks allow: one `Admit`
/// claims the idempotency key and counts the rate limits together, then
/// `Finish` (or `Abort`) settles the key. Only where the bot check must run
/// between the two (Turnstile on) are they separate `Admit`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Claim a key (if any), then count one hit against every check, all or
    /// nothing: a replayed, conflicting or pending key counts nothing, a
    /// full counter leaves no claim behind.
    Admit {
        /// The idempotency claim, when the request has a key.
        claim: Option<Claim>,
        /// The limits and their rules (empty: only the claim).
        checks: Vec<Check>,
        /// The edge's clock.
        now_ms: i64,
    },
    /// Store the answer of finished work.
    Finish {
        /// The client's key.
        key: String,
        /// The JSON answer to replay.
        answer: String,
        /// The edge's clock.
        now_ms: i64,
    },
    /// Forget a key whose work failed, so a retry may try again.
    Abort {
        /// The client's key.
        key: String,
    },
}

/// The Guard's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Answer {
    /// A counter is full.
    Limited {
        /// Which key.
        key: String,
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// Admitted: the key (if any) is claimed and the hits are counted; the
    /// caller does the work.
    Proceed,
    /// Another request holds the key and has not finished.
    Pending,
    /// The key's work is done: replay this answer.
    Replay {
        /// The stored JSON answer.
        answer: String,
    },
    /// The key was used with another request.
    Conflict,
    /// Stored.
    Done,
}

/// An idempotency record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The request's fingerprint.
    pub fingerprint: String,
    /// The answer, once finished.
    pub answer: Option<String>,
    /// When the record stops counting (Unix ms).
    pub expires_ms: i64,
}

/// What the Guard keeps; the Durable Object implements it over SQLite.
///
/// Hits are read and written a batch at a time: every statement is a
/// crossing between wasm and the runtime, and a callback's checks are one
/// batch.
pub trait Store {
    /// The hits of `keys`, in the same order (`None` where absent).
    fn hits(&self, keys: &[&str]) -> Vec<Option<Hits>>;
    /// Stores hit lists, each until its expiry (Unix ms).
    fn put_hits(&mut self, hits: &[(String, Hits, i64)]);
    /// A live idempotency record.
    fn record(&self, key: &str, now_ms: i64) -> Option<Record>;
    /// Stores a record.
    fn put_record(&mut self, key: &str, record: Record);
    /// Forgets a record.
    fn remove_record(&mut self, key: &str);
}

/// Carries out one command.
pub fn apply(store: &mut impl Store, command: Command) -> Answer {
    match command {
        Command::Admit {
            claim,
            checks,
            now_ms,
        } => {
            if let Some(claim) = &claim {
                match store.record(&claim.key, now_ms) {
                    Some(record) if record.fingerprint != claim.fingerprint => {
                        return Answer::Conflict;
                    }
                    Some(Record {
                        answer: Some(answer),
                        ..
                    }) => return Answer::Replay { answer },
                    Some(_) => return Answer::Pending,
                    None => {}
                }
            }
            let keys: Vec<&str> = checks.iter().map(|c| c.key.as_str()).collect();
            let stored = if keys.is_empty() {
                Vec::new()
            } else {
                store.hits(&keys)
            };
            let stored_of = |key: &str| {
                keys.iter()
                    .position(|k| *k == key)
                    .and_then(|i| stored.get(i).cloned().flatten())
            };
            match decide(now_ms, &checks, stored_of) {
                Decision::Allowed(updates) => {
                    let rows: Vec<(String, Hits, i64)> = updates
                        .into_iter()
                        .map(|(key, hits)| {
                            let window = checks
                                .iter()
                                .find(|c| c.key == key)
                                .map_or(0, |c| c.rule.window_ms);
                            let expires = hits.expires_ms(window);
                            (key, hits, expires)
                        })
                        .collect();
                    if !rows.is_empty() {
                        store.put_hits(&rows);
                    }
                }
                Decision::Refused { key, retry_after_s } => {
                    return Answer::Limited { key, retry_after_s };
                }
            }
            if let Some(claim) = claim {
                store.put_record(
                    &claim.key,
                    Record {
                        fingerprint: claim.fingerprint,
                        answer: None,
                        expires_ms: now_ms + claim.pending_ms,
                    },
                );
            }
            Answer::Proceed
        }
        Command::Finish {
            key,
            answer,
            now_ms,
        } => {
            if let Some(record) = store.record(&key, now_ms) {
                store.put_record(
                    &key,
                    Record {
                        answer: Some(answer),
                        expires_ms: now_ms + IDEMPOTENCY_TTL_MS,
                        ..record
                    },
                );
            }
            Answer::Done
        }
        Command::Abort { key } => {
            store.remove_record(&key);
            Answer::Done
        }
    }
}

/// Why an `Idempotency-Key` header is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The Idempotency-Key header must be 8 to 128 letters, digits, - or _ (a UUID is ideal).")]
pub struct IdempotencyKeyError;

/// Checks an `Idempotency-Key` header value.
///
/// # Errors
/// [`IdempotencyKeyError`] for anything but 8-128 characters of `A-Za-z0-9-_`.
pub fn idempotency_key(value: &str) -> Result<String, IdempotencyKeyError> {
    let ok = (8..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| value.to_owned()).ok_or(IdempotencyKeyError)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::limits::RateRule;
    use std::collections::HashMap;

    /// The Guard's store in memory, as the tests' stand-in for SQLite.
    #[derive(Default)]
    pub(crate) struct MemoryStore {
        hits: HashMap<String, Hits>,
        records: HashMap<String, Record>,
    }

    impl Store for MemoryStore {
        fn hits(&self, keys: &[&str]) -> Vec<Option<Hits>> {
            keys.iter().map(|k| self.hits.get(*k).cloned()).collect()
        }
        fn put_hits(&mut self, hits: &[(String, Hits, i64)]) {
            for (key, list, _) in hits {
                self.hits.insert(key.clone(), list.clone());
            }
        }
        fn record(&self, key: &str, now_ms: i64) -> Option<Record> {
            self.records
                .get(key)
                .filter(|r| r.expires_ms > now_ms)
                .cloned()
        }
        fn put_record(&mut self, key: &str, record: Record) {
            self.records.insert(key.into(), record);
        }
        fn remove_record(&mut self, key: &str) {
            self.records.remove(key);
        }
    }

    fn begin(key: &str, fingerprint: &str, now_ms: i64) -> Command {
        Command::Admit {
            claim: Some(Claim {
                key: key.into(),
                fingerprint: fingerprint.into(),
                pending_ms: 30_000,
            }),
            checks: Vec::new(),
            now_ms,
        }
    }

    fn ip_limit(count: u32) -> Vec<Check> {
        vec![Check {
            key: "ip:x".into(),
            rule: RateRule::parse(&format!("{count}/1m")).unwrap(),
        }]
    }

    #[test]
    fn a_key_is_claimed_once_then_replayed() {
        let mut store = MemoryStore::default();
        assert_eq!(apply(&mut store, begin("k1", "f", 0)), Answer::Proceed);
        assert_eq!(apply(&mut store, begin("k1", "f", 1)), Answer::Pending);
        apply(
            &mut store,
            Command::Finish {
                key: "k1".into(),
                answer: "{\"a\":1}".into(),
                now_ms: 2,
            },
        );
        assert_eq!(
            apply(&mut store, begin("k1", "f", 3)),
            Answer::Replay {
                answer: "{\"a\":1}".into()
            }
        );
    }

    #[test]
    fn a_key_with_another_request_is_a_conflict() {
        let mut store = MemoryStore::default();
        apply(&mut store, begin("k1", "f", 0));
        assert_eq!(apply(&mut store, begin("k1", "g", 1)), Answer::Conflict);
    }

    #[test]
    fn a_key_is_forgotten_after_ten_minutes_or_an_abort() {
        let mut store = MemoryStore::default();
        apply(&mut store, begin("k1", "f", 0));
        apply(
            &mut store,
            Command::Finish {
                key: "k1".into(),
                answer: "x".into(),
                now_ms: 0,
            },
        );
        assert!(matches!(
            apply(&mut store, begin("k1", "f", IDEMPOTENCY_TTL_MS - 1)),
            Answer::Replay { .. }
        ));
        assert_eq!(
            apply(&mut store, begin("k1", "f", IDEMPOTENCY_TTL_MS + 1)),
            Answer::Proceed
        );
        apply(&mut store, Command::Abort { key: "k1".into() });
        assert_eq!(
            apply(&mut store, begin("k1", "f", IDEMPOTENCY_TTL_MS + 2)),
            Answer::Proceed
        );
    }

    #[test]
    fn a_stuck_claim_expires_after_its_pending_time() {
        let mut store = MemoryStore::default();
        apply(&mut store, begin("k1", "f", 0));
        assert_eq!(apply(&mut store, begin("k1", "f", 30_001)), Answer::Proceed);
    }

    #[test]
    fn hits_are_counted_until_the_limit() {
        let mut store = MemoryStore::default();
        let hit = |now_ms| Command::Admit {
            claim: None,
            checks: ip_limit(2),
            now_ms,
        };
        assert_eq!(apply(&mut store, hit(0)), Answer::Proceed);
        assert_eq!(apply(&mut store, hit(1)), Answer::Proceed);
        assert_eq!(
            apply(&mut store, hit(2)),
            Answer::Limited {
                key: "ip:x".into(),
                // The minute, plus the one-second bucket the hits fell in.
                retry_after_s: 61
            }
        );
    }

    fn admit(key: &str, now_ms: i64, checks: Vec<Check>) -> Command {
        match begin(key, "f", now_ms) {
            Command::Admit { claim, .. } => Command::Admit {
                claim,
                checks,
                now_ms,
            },
            other => other,
        }
    }

    #[test]
    fn a_claim_and_its_hits_are_one_step() {
        let mut store = MemoryStore::default();
        assert_eq!(
            apply(&mut store, admit("k1", 0, ip_limit(1))),
            Answer::Proceed
        );
        // The same key again is pending, and counts nothing.
        assert_eq!(
            apply(&mut store, admit("k1", 1, ip_limit(1))),
            Answer::Pending
        );
        assert_eq!(store.hits(&["ip:x"])[0].clone().unwrap().0.len(), 1);
    }

    #[test]
    fn a_refused_hit_leaves_no_claim_behind() {
        let mut store = MemoryStore::default();
        assert_eq!(
            apply(&mut store, admit("k1", 0, ip_limit(1))),
            Answer::Proceed
        );
        assert!(matches!(
            apply(&mut store, admit("k2", 1, ip_limit(1))),
            Answer::Limited { .. }
        ));
        assert_eq!(store.record("k2", 1), None);
    }

    #[test]
    fn a_replay_counts_no_hit() {
        let mut store = MemoryStore::default();
        apply(&mut store, admit("k1", 0, ip_limit(5)));
        apply(
            &mut store,
            Command::Finish {
                key: "k1".into(),
                answer: "a".into(),
                now_ms: 1,
            },
        );
        for now_ms in 2..10 {
            assert!(matches!(
                apply(&mut store, admit("k1", now_ms, ip_limit(5))),
                Answer::Replay { .. }
            ));
        }
        assert_eq!(store.hits(&["ip:x"])[0].clone().unwrap().0.len(), 1);
    }

    #[test]
    fn commands_and_answers_travel_as_json() {
        let command = begin("k", "f", 5);
        let json = serde_json::to_string(&command).unwrap();
        assert!(json.contains("\"op\":\"admit\""));
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), command);
        let answer = Answer::Limited {
            key: "k".into(),
            retry_after_s: 3,
        };
        assert_eq!(
            serde_json::from_str::<Answer>(&serde_json::to_string(&answer).unwrap()).unwrap(),
            answer
        );
    }

    #[test]
    fn idempotency_keys_are_checked() {
        assert!(idempotency_key("3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b").is_ok());
        for bad in [
            "",
            "short",
            "has space 123",
            "ünïcode-key",
            &"x".repeat(129),
        ] {
            assert!(idempotency_key(bad).is_err(), "{bad:?}");
        }
    }
}
