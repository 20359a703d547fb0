//! The key's budget: the platform allows one key a number of requests per
//! window (100 a minute by default) and says so in `X-RateLimit-*` headers.
//!
//! The docs do not say how the window moves. The sandbox counts in fixed
//! windows aligned to the Unix epoch (a 60 s window is a clock minute), so
//! `X-RateLimit-Reset` is the current window's end and every client sees
//! the same reset instant. It knows one key, so "per key" is one counter.

use std::time::Duration;

use serde::Serialize;

/// `N` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (0 refuses every request).
    pub limit: u32,
    /// The window's length in milliseconds, at least 1.
    pub window_ms: i64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            limit: 100,
            window_ms: 60_000,
        }
    }
}

impl RateLimit {
    /// Parses `N/WINDOW`, the window a number with a unit: `ms`, `s`, `m`,
    /// `h` or `d` (`100/60s`, `100/1m`, `5/500ms`).
    ///
    /// # Errors
    /// What is wrong with the text.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (count, window) = spec
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("{spec:?} is not N/WINDOW (e.g. 100/60s)"))?;
        let limit = count
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("{count:?} is not a count of requests"))?;
        let window = parse_duration(window.trim())?;
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        if window_ms < 1 {
            return Err(format!("{spec:?}: the window must be at least 1ms"));
        }
        Ok(Self { limit, window_ms })
    }
}

/// A number followed by `ms`, `s`, `m`, `h` or `d`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} has no unit (ms, s, m, h, d)"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} does not start with a number"))?;
    let unit_ms: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("{unit:?} is not a unit (ms, s, m, h, d)")),
    };
    Ok(Duration::from_millis(number.saturating_mul(unit_ms)))
}

/// What one request is told about the budget, for its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    /// Whether the request may go on; otherwise it is answered 429.
    pub allowed: bool,
    /// `X-RateLimit-Limit`.
    pub limit: u32,
    /// `X-RateLimit-Remaining`, after this request.
    pub remaining: u32,
    /// `X-RateLimit-Reset`: the window's end in Unix seconds (rounded up).
    pub reset_s: i64,
    /// `Retry-After`: whole seconds until the reset, at least 1.
    pub retry_after_s: i64,
}

/// The budget as `GET /_sandbox/budget` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetView {
    /// Requests allowed per window.
    pub limit: u32,
    /// The window in milliseconds.
    pub window_ms: i64,
    /// Requests counted in the current window.
    pub used: u32,
    /// 429s answered since start or the last reset.
    pub refused: u64,
}

/// The counter of the one key.
#[derive(Debug)]
pub struct Budget {
    rate: RateLimit,
    window_start_ms: i64,
    used: u32,
    refused: u64,
}

impl Budget {
    /// A fresh budget of `rate`.
    pub fn new(rate: RateLimit) -> Self {
        Self {
            rate,
            window_start_ms: i64::MIN,
            used: 0,
            refused: 0,
        }
    }

    /// Counts one request at `now_ms`, or refuses it when the window is
    /// used up (a refused request uses nothing).
    pub fn admit(&mut self, now_ms: i64) -> Admission {
        self.roll(now_ms);
        let allowed = self.used < self.rate.limit;
        if allowed {
            self.used += 1;
        } else {
            self.refused += 1;
        }
        let end_ms = self.window_start_ms.saturating_add(self.rate.window_ms);
        Admission {
            allowed,
            limit: self.rate.limit,
            remaining: self.rate.limit - self.used,
            reset_s: ceil_div(end_ms, 1_000),
            retry_after_s: ceil_div(end_ms - now_ms, 1_000).max(1),
        }
    }

    /// Replaces the limit and starts counting afresh.
    pub fn set(&mut self, rate: RateLimit) {
        *self = Self::new(rate);
    }

    /// Starts counting afresh with the same limit.
    pub fn reset(&mut self) {
        self.set(self.rate);
    }

    /// The budget at `now_ms`.
    pub fn view(&mut self, now_ms: i64) -> BudgetView {
        self.roll(now_ms);
        BudgetView {
            limit: self.rate.limit,
            window_ms: self.rate.window_ms,
            used: self.used,
            refused: self.refused,
        }
    }

    /// The limit in force.
    pub fn rate(&self) -> RateLimit {
        self.rate
    }

    /// Moves to the window holding `now_ms`, forgetting the old count.
    fn roll(&mut self, now_ms: i64) {
        let start = now_ms.div_euclid(self.rate.window_ms) * self.rate.window_ms;
        if start != self.window_start_ms {
            self.window_start_ms = start;
            self.used = 0;
        }
    }
}

fn ceil_div(value: i64, by: i64) -> i64 {
    value.div_euclid(by) + i64::from(value.rem_euclid(by) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE_START: i64 = 1_765_620_000_000;

    #[test]
    fn limits_parse_in_every_unit() {
        let cases = [
            ("100/60s", 100, 60_000),
            ("100/1m", 100, 60_000),
            ("5/500ms", 5, 500),
            ("1000/1h", 1_000, 3_600_000),
            ("0/1d", 0, 86_400_000),
        ];
        for (spec, limit, window_ms) in cases {
            assert_eq!(
                RateLimit::parse(spec).unwrap(),
                RateLimit { limit, window_ms },
                "{spec}"
            );
        }
        for bad in [
            "100", "x/60s", "100/60", "100/1w", "100/0s", "-1/1m", "100/s",
        ] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_window_is_aligned_and_refusals_use_nothing() {
        let mut budget = Budget::new(RateLimit::parse("2/1m").unwrap());
        let now = MINUTE_START + 59_500;
        let first = budget.admit(now);
        assert!(first.allowed);
        assert_eq!((first.limit, first.remaining), (2, 1));
        assert_eq!(first.reset_s, MINUTE_START / 1_000 + 60);
        assert_eq!(first.retry_after_s, 1);
        assert!(budget.admit(now).allowed);
        let refused = budget.admit(now);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert_eq!(
            budget.view(now),
            BudgetView {
                limit: 2,
                window_ms: 60_000,
                used: 2,
                refused: 1
            }
        );
        // The next minute starts empty; refusals are kept until a reset.
        assert!(budget.admit(MINUTE_START + 60_000).allowed);
        assert_eq!(budget.view(MINUTE_START + 60_000).refused, 1);
        budget.reset();
        assert_eq!(budget.view(MINUTE_START + 60_000).used, 0);
        assert_eq!(budget.view(MINUTE_START + 60_000).refused, 0);
    }

    #[test]
    fn retry_after_counts_whole_seconds_up_to_the_reset() {
        let mut budget = Budget::new(RateLimit::parse("0/1m").unwrap());
        let answer = budget.admit(MINUTE_START + 10_200);
        assert!(!answer.allowed);
        assert_eq!(answer.retry_after_s, 50);
    }
}
