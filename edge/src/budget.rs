//! The platform key's budget: one key serves the whole deployment and the
//! platform allows it `PLATFORM_RATE_LIMIT` (100 a minute). Every platform
//! request is a hit on one Guard key, so it holds across isolates; placing
//! a call may use the whole budget, everything else (status lookups,
//! history pages, reconciling) stops `PLATFORM_RESERVE` short of it, so
//! reading never starves the calls that pay for the product. What the
//! platform says (`X-RateLimit-Remaining`, a 429's `Retry-After`) tightens
//! the count.

use crate::limits::{Check, LimitKind, RateRule};

/// What a platform request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Placing a call (a callback now, or a booked one at its slot).
    Place,
    /// Anything else: a status lookup, a history page, reconciling.
    Read,
}

/// The deployment's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Requests per window the key may make.
    pub rule: RateRule,
    /// Of those, how many only placing calls may use.
    pub reserve: u32,
}

/// The one Guard key every platform request counts on.
const SUBJECT: &str = "key";

impl Budget {
    /// The check of one request for `purpose`: the same key for both, with
    /// the reserve left out of what reading may fill.
    pub fn check(&self, purpose: Purpose) -> Check {
        let count = match purpose {
            Purpose::Place => self.rule.count,
            Purpose::Read => self.rule.count.saturating_sub(self.reserve),
        };
        LimitKind::Platform.check(
            SUBJECT,
            RateRule {
                count,
                window_ms: self.rule.window_ms,
            },
        )
    }

    /// How many requests the platform has counted, by what it answered:
    /// `None` when it said nothing that tightens the count.
    pub fn used_by_platform(&self, said: &RateHeaders) -> Option<u32> {
        if said.status == 429 {
            return Some(self.rule.count);
        }
        let remaining = said.remaining?;
        let limit = said.limit.unwrap_or(self.rule.count).min(self.rule.count);
        Some(limit.saturating_sub(remaining))
    }
}

/// The platform's rate-limit headers and status of one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateHeaders {
    /// The HTTP status.
    pub status: u16,
    /// `X-RateLimit-Limit`.
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u32>,
    /// `Retry-After` (seconds).
    pub retry_after_s: Option<u64>,
}

impl RateHeaders {
    /// Reads the headers (`header(name)`); unreadable values say nothing.
    pub fn read(status: u16, header: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| header(name).and_then(|v| v.trim().parse().ok());
        Self {
            status,
            limit: number("X-RateLimit-Limit"),
            remaining: number("X-RateLimit-Remaining"),
            retry_after_s: header("Retry-After").and_then(|v| v.trim().parse().ok()),
        }
    }

    /// Whether the answer is worth telling the Guard: a 429, or a budget
    /// that is running low (most answers say nothing the Guard needs, and
    /// telling it is a round trip).
    pub fn worth_telling(&self, budget: &Budget) -> bool {
        self.status == 429
            || self
                .remaining
                .is_some_and(|r| r <= budget.reserve.saturating_mul(2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{Decision, Hits, decide, top_up};

    fn budget() -> Budget {
        Budget {
            rule: RateRule::parse("100/1m").unwrap(),
            reserve: 20,
        }
    }

    /// Spends `n` requests for `purpose` on `hits`, returning how many fit.
    fn spend(hits: &mut Option<Hits>, purpose: Purpose, n: u32, now_ms: i64) -> u32 {
        let check = budget().check(purpose);
        let mut fitted = 0;
        for _ in 0..n {
            match decide(now_ms, std::slice::from_ref(&check), |_| hits.clone()) {
                Decision::Allowed(updates) => {
                    *hits = Some(updates[0].1.clone());
                    fitted += 1;
                }
                Decision::Refused { .. } => break,
            }
        }
        fitted
    }

    #[test]
    fn reading_stops_short_of_the_reserve_and_placing_may_use_it() {
        let mut hits = None;
        assert_eq!(spend(&mut hits, Purpose::Read, 200, 0), 80);
        assert_eq!(spend(&mut hits, Purpose::Read, 1, 0), 0);
        assert_eq!(spend(&mut hits, Purpose::Place, 200, 0), 20);
        // A minute later the window has room again.
        assert_eq!(spend(&mut hits, Purpose::Read, 1, 61_000), 1);
    }

    #[test]
    fn what_the_platform_counted_tightens_the_count() {
        let said = RateHeaders {
            status: 200,
            limit: Some(100),
            remaining: Some(30),
            retry_after_s: None,
        };
        assert_eq!(budget().used_by_platform(&said), Some(70));
        let mut hits = Some(top_up(None, budget().rule, 70, 0));
        assert_eq!(spend(&mut hits, Purpose::Read, 100, 0), 10);
        // A 429 fills the window: nothing more until it slides on.
        let refused = RateHeaders {
            status: 429,
            ..RateHeaders::default()
        };
        assert_eq!(budget().used_by_platform(&refused), Some(100));
        let mut full = Some(top_up(hits, budget().rule, 100, 0));
        assert_eq!(spend(&mut full, Purpose::Place, 1, 0), 0);
        // Topping up never lowers a count.
        assert_eq!(top_up(full.clone(), budget().rule, 5, 0), full.unwrap());
    }

    #[test]
    fn only_a_429_or_a_low_budget_is_worth_a_round_trip() {
        let read = |status, remaining: Option<u32>| {
            RateHeaders::read(status, |name| match name {
                "X-RateLimit-Remaining" => remaining.map(|r: u32| r.to_string()),
                "X-RateLimit-Limit" => Some("100".into()),
                "Retry-After" => Some(" 7 ".into()),
                _ => None,
            })
        };
        assert!(!read(200, Some(90)).worth_telling(&budget()));
        assert!(read(200, Some(40)).worth_telling(&budget()));
        assert!(read(429, None).worth_telling(&budget()));
        assert!(!read(200, None).worth_telling(&budget()));
        assert_eq!(read(429, None).retry_after_s, Some(7));
    }
}
