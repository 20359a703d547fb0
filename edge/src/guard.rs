//! The Guard's protocol and logic: rate-limit hits and idempotency
//! records, kept by one Durable Object so they hold across isolates and
//! locations. The object stores; this module decides, natively testable.

use serde::{Deserialize, Serialize};

use crate::limits::{Check, Decision, Hits, decide};
use crate::object::{Reply, Vocabulary};

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

impl Claim {
    /// The record of this claim taken at `now_ms`: work in progress, which
    /// blocks the key for `pending_ms`.
    fn pending(&self, now_ms: i64) -> Record {
        Record {
            fingerprint: self.fingerprint.clone(),
            answer: None,
            expires_ms: now_ms + self.pending_ms,
        }
    }
}

/// Claim an idempotency key, then count one hit against every check, all
/// or nothing: a replayed, conflicting or pending key counts nothing, a
/// full counter leaves no claim behind. A callback without Turnstile takes
/// this one round trip, then [`Finish`] (or [`Abort`]) settles the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admit {
    /// The idempotency claim.
    pub claim: Claim,
    /// The limits and their rules (empty: only the claim).
    pub checks: Vec<Check>,
    /// The edge's clock.
    pub now_ms: i64,
}

/// What [`Admit`] answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Admission {
    /// The key is claimed and the hits are counted: the caller does the work.
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
    /// A counter is full; nothing was claimed.
    Limited(Limited),
}

/// Count one hit against every check, all or nothing (no idempotency key,
/// or the limits that must wait for the bot check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The limits and their rules.
    pub checks: Vec<Check>,
    /// The edge's clock.
    pub now_ms: i64,
}

/// A full counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limited {
    /// Which key.
    pub key: String,
    /// Seconds to wait.
    pub retry_after_s: u64,
}

/// Give back one hit of every check that a request counted and then did
/// not use: a booking the Scheduler found full (its refusal must cost the
/// visitor nothing, and the hits are counted before the Scheduler is
/// asked, so that no booking is ever made uncounted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The checks the request counted.
    pub checks: Vec<Check>,
    /// The edge's clock.
    pub now_ms: i64,
}

/// Store the answer of finished work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finish {
    /// The client's key.
    pub key: String,
    /// The JSON answer to replay.
    pub answer: String,
    /// The edge's clock.
    pub now_ms: i64,
}

/// Forget a key whose work failed, so a retry may try again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abort {
    /// The client's key.
    pub key: String,
}

/// Tell the Guard what the platform counted: the check's window then holds
/// at least `used` hits (see `crate::budget`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observe {
    /// The platform budget's check.
    pub check: Check,
    /// What the platform says the key has used in its window.
    pub used: u32,
    /// The edge's clock.
    pub now_ms: i64,
}

/// Every command of the Guard, as it travels (externally tagged: the
/// smallest reader of the taggings serde offers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// [`Admit`].
    Admit(Admit),
    /// [`Count`].
    Count(Count),
    /// [`Finish`].
    Finish(Finish),
    /// [`Abort`].
    Abort(Abort),
    /// [`Observe`].
    Observe(Observe),
    /// [`Refund`].
    Refund(Refund),
    /// [`Reclaim`].
    Reclaim(Reclaim),
}

/// Take a key back from the answer it holds (`expected`: a request that
/// may have placed its call, now shown not to have) for one more attempt,
/// atomically: of requests racing to retry, one proceeds; the others are
/// answered as for [`Admit`] (pending, or the answer it holds now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reclaim {
    /// The claim, as the retry would make it.
    pub claim: Claim,
    /// The answer the key must still hold.
    pub expected: String,
    /// The edge's clock.
    pub now_ms: i64,
}

impl Request {
    /// The edge's clock when the command was sent (`None`: it carries none).
    pub fn now_ms(&self) -> Option<i64> {
        match self {
            Self::Admit(Admit { now_ms, .. })
            | Self::Count(Count { now_ms, .. })
            | Self::Finish(Finish { now_ms, .. })
            | Self::Observe(Observe { now_ms, .. })
            | Self::Refund(Refund { now_ms, .. })
            | Self::Reclaim(Reclaim { now_ms, .. }) => Some(*now_ms),
            Self::Abort(_) => None,
        }
    }
}

impl Vocabulary for Request {
    const BINDING: &'static str = "GUARD";
}

crate::object::commands! {
    Request:
    Admit => Admission,
    Count => Result<(), Limited>,
    Finish => (),
    Abort => (),
    Observe => (),
    Refund => (),
    Reclaim => Admission,
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

/// Carries out one command of any kind, answering with its own answer.
pub fn handle(store: &mut impl Store, request: Request) -> Reply {
    match request {
        Request::Admit(command) => Reply::to::<Admit>(&admit(store, command)),
        Request::Count(command) => {
            Reply::to::<Count>(&count(store, &command.checks, command.now_ms))
        }
        Request::Finish(command) => Reply::to::<Finish>(&finish(store, command)),
        Request::Abort(command) => Reply::to::<Abort>(&abort(store, &command)),
        Request::Observe(command) => Reply::to::<Observe>(&observe(store, &command)),
        Request::Refund(command) => Reply::to::<Refund>(&refund(store, &command)),
        Request::Reclaim(command) => Reply::to::<Reclaim>(&reclaim(store, command)),
    }
}

/// [`Reclaim`].
pub fn reclaim(store: &mut impl Store, command: Reclaim) -> Admission {
    let Reclaim {
        claim,
        expected,
        now_ms,
    } = command;
    match store.record(&claim.key, now_ms) {
        Some(record)
            if record.fingerprint == claim.fingerprint
                && record.answer.as_deref() == Some(expected.as_str()) =>
        {
            store.put_record(&claim.key, claim.pending(now_ms));
            Admission::Proceed
        }
        // Anything else is what an admission of the key would find.
        _ => admit(
            store,
            Admit {
                claim,
                checks: Vec::new(),
                now_ms,
            },
        ),
    }
}

/// [`Admit`]: the claim first (a replay, conflict or pending key counts
/// nothing), then the hits; a refused hit leaves no claim.
pub fn admit(store: &mut impl Store, command: Admit) -> Admission {
    let Admit {
        claim,
        checks,
        now_ms,
    } = command;
    match store.record(&claim.key, now_ms) {
        Some(record) if record.fingerprint != claim.fingerprint => return Admission::Conflict,
        Some(Record {
            answer: Some(answer),
            ..
        }) => return Admission::Replay { answer },
        Some(_) => return Admission::Pending,
        None => {}
    }
    if let Err(limited) = count(store, &checks, now_ms) {
        return Admission::Limited(limited);
    }
    store.put_record(&claim.key, claim.pending(now_ms));
    Admission::Proceed
}

/// [`Count`]: one hit against every check, all or nothing.
///
/// # Errors
/// The first full counter; then nothing is counted.
pub fn count(store: &mut impl Store, checks: &[Check], now_ms: i64) -> Result<(), Limited> {
    if checks.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = checks.iter().map(|c| c.key.as_str()).collect();
    let stored = store.hits(&keys);
    let stored_of = |key: &str| {
        keys.iter()
            .position(|k| *k == key)
            .and_then(|i| stored.get(i).cloned().flatten())
    };
    match decide(now_ms, checks, stored_of) {
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
            Ok(())
        }
        Decision::Refused { key, retry_after_s } => Err(Limited { key, retry_after_s }),
    }
}

/// [`Finish`]: the answer is kept for replays for ten minutes.
pub fn finish(store: &mut impl Store, command: Finish) {
    if let Some(record) = store.record(&command.key, command.now_ms) {
        store.put_record(
            &command.key,
            Record {
                answer: Some(command.answer),
                expires_ms: command.now_ms + IDEMPOTENCY_TTL_MS,
                ..record
            },
        );
    }
}

/// [`Observe`]: the count is raised to what the platform counted.
pub fn observe(store: &mut impl Store, command: &Observe) {
    let key = command.check.key.as_str();
    let stored = store.hits(&[key]).pop().flatten();
    let hits = crate::limits::top_up(stored, command.check.rule, command.used, command.now_ms);
    let expires = hits.expires_ms(command.check.rule.window_ms);
    store.put_hits(&[(key.to_owned(), hits, expires)]);
}

/// [`Refund`]: one hit back for every check (none for a check with
/// nothing left in its window).
pub fn refund(store: &mut impl Store, command: &Refund) {
    if command.checks.is_empty() {
        return;
    }
    let keys: Vec<&str> = command.checks.iter().map(|c| c.key.as_str()).collect();
    let stored = store.hits(&keys);
    let rows: Vec<(String, Hits, i64)> = command
        .checks
        .iter()
        .zip(stored)
        .filter_map(|(check, hits)| {
            let hits = crate::limits::give_back_at(hits, check.rule, command.now_ms, check.at_ms)?;
            let expires = hits.expires_ms(check.rule.window_ms);
            Some((check.key.clone(), hits, expires))
        })
        .collect();
    if !rows.is_empty() {
        store.put_hits(&rows);
    }
}

/// [`Abort`]: the key is free again.
pub fn abort(store: &mut impl Store, command: &Abort) {
    store.remove_record(&command.key);
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

    fn claim(key: &str, fingerprint: &str) -> Claim {
        Claim {
            key: key.into(),
            fingerprint: fingerprint.into(),
            pending_ms: 30_000,
        }
    }

    fn begin(key: &str, fingerprint: &str, now_ms: i64) -> Admit {
        Admit {
            claim: claim(key, fingerprint),
            checks: Vec::new(),
            now_ms,
        }
    }

    fn done(key: &str, answer: &str, now_ms: i64) -> Finish {
        Finish {
            key: key.into(),
            answer: answer.into(),
            now_ms,
        }
    }

    fn ip_limit(count: u32) -> Vec<Check> {
        vec![Check {
            at_ms: None,
            key: "ip:x".into(),
            rule: RateRule::parse(&format!("{count}/1m")).unwrap(),
        }]
    }

    #[test]
    fn a_key_is_claimed_once_then_replayed() {
        let mut store = MemoryStore::default();
        assert_eq!(admit(&mut store, begin("k1", "f", 0)), Admission::Proceed);
        assert_eq!(admit(&mut store, begin("k1", "f", 1)), Admission::Pending);
        finish(&mut store, done("k1", "{\"a\":1}", 2));
        assert_eq!(
            admit(&mut store, begin("k1", "f", 3)),
            Admission::Replay {
                answer: "{\"a\":1}".into()
            }
        );
    }

    #[test]
    fn a_key_with_another_request_is_a_conflict() {
        let mut store = MemoryStore::default();
        admit(&mut store, begin("k1", "f", 0));
        assert_eq!(admit(&mut store, begin("k1", "g", 1)), Admission::Conflict);
    }

    #[test]
    fn a_key_is_forgotten_after_ten_minutes_or_an_abort() {
        let mut store = MemoryStore::default();
        admit(&mut store, begin("k1", "f", 0));
        finish(&mut store, done("k1", "x", 0));
        assert!(matches!(
            admit(&mut store, begin("k1", "f", IDEMPOTENCY_TTL_MS - 1)),
            Admission::Replay { .. }
        ));
        assert_eq!(
            admit(&mut store, begin("k1", "f", IDEMPOTENCY_TTL_MS + 1)),
            Admission::Proceed
        );
        abort(&mut store, &Abort { key: "k1".into() });
        assert_eq!(
            admit(&mut store, begin("k1", "f", IDEMPOTENCY_TTL_MS + 2)),
            Admission::Proceed
        );
    }

    #[test]
    fn a_stuck_claim_expires_after_its_pending_time() {
        let mut store = MemoryStore::default();
        admit(&mut store, begin("k1", "f", 0));
        assert_eq!(
            admit(&mut store, begin("k1", "f", 30_001)),
            Admission::Proceed
        );
    }

    #[test]
    fn hits_are_counted_until_the_limit() {
        let mut store = MemoryStore::default();
        assert_eq!(count(&mut store, &ip_limit(2), 0), Ok(()));
        assert_eq!(count(&mut store, &ip_limit(2), 1), Ok(()));
        assert_eq!(
            count(&mut store, &ip_limit(2), 2),
            Err(Limited {
                key: "ip:x".into(),
                // The minute, plus the one-second bucket the hits fell in.
                retry_after_s: 61
            })
        );
    }

    fn with_checks(key: &str, now_ms: i64, checks: Vec<Check>) -> Admit {
        Admit {
            checks,
            ..begin(key, "f", now_ms)
        }
    }

    #[test]
    fn a_claim_and_its_hits_are_one_step() {
        let mut store = MemoryStore::default();
        assert_eq!(
            admit(&mut store, with_checks("k1", 0, ip_limit(1))),
            Admission::Proceed
        );
        // The same key again is pending, and counts nothing.
        assert_eq!(
            admit(&mut store, with_checks("k1", 1, ip_limit(1))),
            Admission::Pending
        );
        assert_eq!(store.hits(&["ip:x"])[0].clone().unwrap().0.len(), 1);
    }

    #[test]
    fn a_refused_hit_leaves_no_claim_behind() {
        let mut store = MemoryStore::default();
        assert_eq!(
            admit(&mut store, with_checks("k1", 0, ip_limit(1))),
            Admission::Proceed
        );
        assert!(matches!(
            admit(&mut store, with_checks("k2", 1, ip_limit(1))),
            Admission::Limited(_)
        ));
        assert_eq!(store.record("k2", 1), None);
    }

    #[test]
    fn a_replay_counts_no_hit() {
        let mut store = MemoryStore::default();
        admit(&mut store, with_checks("k1", 0, ip_limit(5)));
        finish(&mut store, done("k1", "a", 1));
        for now_ms in 2..10 {
            assert!(matches!(
                admit(&mut store, with_checks("k1", now_ms, ip_limit(5))),
                Admission::Replay { .. }
            ));
        }
        assert_eq!(store.hits(&["ip:x"])[0].clone().unwrap().0.len(), 1);
    }

    #[test]
    fn a_refund_gives_back_exactly_the_hits_of_a_refused_booking() {
        let mut store = MemoryStore::default();
        let two = || {
            let mut checks = ip_limit(2);
            checks.push(Check {
                at_ms: None,
                key: "all_day:".into(),
                rule: RateRule::parse("100/1d").unwrap(),
            });
            checks
        };
        assert_eq!(count(&mut store, &two(), 0), Ok(()));
        // Two bookings of a full slot: counted, then given back.
        for now_ms in [1, 2] {
            assert_eq!(count(&mut store, &two(), now_ms), Ok(()));
            let reply = handle(
                &mut store,
                Refund {
                    checks: two(),
                    now_ms,
                }
                .into(),
            );
            serde_json::from_slice::<()>(&reply.0).unwrap();
        }
        // The client's one remaining hit is there for a real booking, and
        // no more.
        assert_eq!(count(&mut store, &two(), 3), Ok(()));
        assert!(count(&mut store, &two(), 4).is_err());
        let day = store.hits(&["all_day:"])[0].clone().unwrap();
        assert_eq!(day.0.iter().map(|(_, n)| n).sum::<u32>(), 2);
    }

    #[test]
    fn a_refund_of_nothing_counted_changes_nothing() {
        let mut store = MemoryStore::default();
        refund(
            &mut store,
            &Refund {
                checks: ip_limit(1),
                now_ms: 0,
            },
        );
        assert_eq!(store.hits(&["ip:x"]), vec![None]);
        assert_eq!(count(&mut store, &ip_limit(1), 0), Ok(()));
    }

    #[test]
    fn commands_and_answers_travel_as_json() {
        let command = Request::from(begin("k", "f", 5));
        let json = serde_json::to_string(&command).unwrap();
        assert!(json.starts_with("{\"Admit\":{"), "{json}");
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), command);
        let answer = Admission::Limited(Limited {
            key: "k".into(),
            retry_after_s: 3,
        });
        assert_eq!(
            serde_json::from_str::<Admission>(&serde_json::to_string(&answer).unwrap()).unwrap(),
            answer
        );
    }

    #[test]
    fn each_command_is_answered_with_its_own_answer_type() {
        let mut store = MemoryStore::default();
        let reply = handle(&mut store, begin("k", "f", 0).into());
        assert_eq!(
            serde_json::from_slice::<Admission>(&reply.0).unwrap(),
            Admission::Proceed
        );
        let reply = handle(
            &mut store,
            Count {
                checks: ip_limit(1),
                now_ms: 0,
            }
            .into(),
        );
        assert_eq!(
            serde_json::from_slice::<Result<(), Limited>>(&reply.0).unwrap(),
            Ok(())
        );
        let reply = handle(&mut store, Abort { key: "k".into() }.into());
        serde_json::from_slice::<()>(&reply.0).unwrap();
        assert_eq!(store.record("k", 0), None);
    }

    #[test]
    fn a_key_is_reclaimed_from_a_maybe_once_by_one_of_the_racing_retries() {
        let mut store = MemoryStore::default();
        admit(&mut store, begin("k", "f", 0));
        finish(&mut store, done("k", "maybe", 1));
        let retry = |now_ms| Reclaim {
            claim: claim("k", "f"),
            expected: "maybe".into(),
            now_ms,
        };
        assert_eq!(reclaim(&mut store, retry(2)), Admission::Proceed);
        assert_eq!(
            reclaim(&mut store, retry(3)),
            Admission::Pending,
            "the other retry waits"
        );
        finish(&mut store, done("k", "placed", 4));
        assert_eq!(
            reclaim(&mut store, retry(5)),
            Admission::Replay {
                answer: "placed".into()
            }
        );
        let other = Reclaim {
            claim: claim("k", "g"),
            ..retry(6)
        };
        assert_eq!(reclaim(&mut store, other), Admission::Conflict);
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
