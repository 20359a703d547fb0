//! The Guard's protocol and logic: rate-limit counters and idempotency
//! records, kept by one Durable Object so they hold across isolates and
//! locations. The object stores; this module decides, natively testable.

use serde::{Deserialize, Serialize};

use crate::limits::{Check, Counter, Decision, decide};

/// How long an idempotency key is remembered.
pub const IDEMPOTENCY_TTL_MS: i64 = 10 * 60 * 1_000;

/// A command sent to the Guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Count one hit against every check, or refuse without counting.
    Hit {
        /// The counters and their rules.
        checks: Vec<Check>,
        /// The edge's clock.
        now_ms: i64,
    },
    /// Start work under an idempotency key.
    Begin {
        /// The client's key.
        key: String,
        /// What the request says, minus one-use tokens.
        fingerprint: String,
        /// The edge's clock.
        now_ms: i64,
        /// How long an unfinished claim blocks others.
        pending_ms: i64,
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
    /// The hit was counted.
    Allowed,
    /// A counter is full.
    Limited {
        /// Which key.
        key: String,
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// The key is new: the caller does the work.
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
pub trait Store {
    /// A counter.
    fn counter(&self, key: &str) -> Option<Counter>;
    /// Stores a counter until `expires_ms`.
    fn put_counter(&mut self, key: &str, counter: Counter, expires_ms: i64);
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
        Command::Hit { checks, now_ms } => {
            match decide(now_ms, &checks, |key| store.counter(key)) {
                Decision::Allowed(updates) => {
                    for (key, counter) in updates {
                        let rule = checks
                            .iter()
                            .find(|c| c.key == key)
                            .map_or(0, |c| c.rule.window_ms);
                        store.put_counter(&key, counter, counter.window_start + rule);
                    }
                    Answer::Allowed
                }
                Decision::Refused { key, retry_after_s } => Answer::Limited { key, retry_after_s },
            }
        }
        Command::Begin {
            key,
            fingerprint,
            now_ms,
            pending_ms,
        } => match store.record(&key, now_ms) {
            Some(record) if record.fingerprint != fingerprint => Answer::Conflict,
            Some(Record {
                answer: Some(answer),
                ..
            }) => Answer::Replay { answer },
            Some(_) => Answer::Pending,
            None => {
                store.put_record(
                    &key,
                    Record {
                        fingerprint,
                        answer: None,
                        expires_ms: now_ms + pending_ms,
                    },
                );
                Answer::Proceed
            }
        },
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
        counters: HashMap<String, Counter>,
        records: HashMap<String, Record>,
    }

    impl Store for MemoryStore {
        fn counter(&self, key: &str) -> Option<Counter> {
            self.counters.get(key).copied()
        }
        fn put_counter(&mut self, key: &str, counter: Counter, _expires_ms: i64) {
            self.counters.insert(key.into(), counter);
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
        Command::Begin {
            key: key.into(),
            fingerprint: fingerprint.into(),
            now_ms,
            pending_ms: 30_000,
        }
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
        let hit = |now_ms| Command::Hit {
            checks: vec![Check {
                key: "ip:x".into(),
                rule: RateRule::parse("2/1m").unwrap(),
            }],
            now_ms,
        };
        assert_eq!(apply(&mut store, hit(0)), Answer::Allowed);
        assert_eq!(apply(&mut store, hit(1)), Answer::Allowed);
        assert_eq!(
            apply(&mut store, hit(2)),
            Answer::Limited {
                key: "ip:x".into(),
                retry_after_s: 60
            }
        );
    }

    #[test]
    fn commands_and_answers_travel_as_json() {
        let command = begin("k", "f", 5);
        let json = serde_json::to_string(&command).unwrap();
        assert!(json.contains("\"op\":\"begin\""));
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
