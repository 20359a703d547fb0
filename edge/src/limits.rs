//! Rate-limit arithmetic: fixed windows per key, decided all together so a
//! refused request counts against nothing. The Durable Object stores the
//! counters; this module decides.

use serde::{Deserialize, Serialize};

/// `count` requests per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRule {
    /// Requests allowed per window.
    pub count: u32,
    /// Window length in milliseconds.
    pub window_ms: i64,
}

/// Why a rate rule does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not COUNT/WINDOW like 5/1h (units s, m, h, d)")]
pub struct RateRuleError(String);

impl RateRule {
    /// Parses `5/1h`, `10/30m`, `100/1d`, `3/90s`.
    ///
    /// # Errors
    /// [`RateRuleError`] for anything else, or a zero window.
    pub fn parse(text: &str) -> Result<Self, RateRuleError> {
        let error = || RateRuleError(text.to_owned());
        let (count, window) = text.trim().split_once('/').ok_or_else(error)?;
        let count: u32 = count.trim().parse().map_err(|_| error())?;
        let window = window.trim();
        let unit_ms = match window.chars().last().ok_or_else(error)? {
            's' => 1_000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            _ => return Err(error()),
        };
        let amount: i64 = window[..window.len() - 1].parse().map_err(|_| error())?;
        if amount <= 0 {
            return Err(error());
        }
        Ok(Self {
            count,
            window_ms: amount * unit_ms,
        })
    }
}

/// One counter to check: its storage key and rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Storage key, e.g. `ip:203.0.113.9`.
    pub key: String,
    /// The rule for this key.
    pub rule: RateRule,
}

/// A stored counter: the window it counts in and how many hits it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    /// Start of the window (Unix ms), aligned to the window length.
    pub window_start: i64,
    /// Hits in that window.
    pub count: u32,
}

/// The outcome of a set of checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Every counter had room; the new counters to store.
    Allowed(Vec<(String, Counter)>),
    /// At least one counter is full.
    Refused {
        /// The key that refused.
        key: String,
        /// Seconds until that key's window ends (at least 1).
        retry_after_s: u64,
    },
}

/// Decides whether one more hit fits every check, given the stored counters
/// (`stored(key)`), at `now_ms`. Windows are aligned to their length, so all
/// isolates agree on where a window starts.
pub fn decide(now_ms: i64, checks: &[Check], stored: impl Fn(&str) -> Option<Counter>) -> Decision {
    let mut updated = Vec::with_capacity(checks.len());
    for check in checks {
        let window_start = now_ms - now_ms.rem_euclid(check.rule.window_ms);
        let current = stored(&check.key)
            .filter(|c| c.window_start == window_start)
            .map_or(0, |c| c.count);
        if current >= check.rule.count {
            let ends = window_start + check.rule.window_ms;
            let retry_after_s = u64::try_from((ends - now_ms + 999) / 1_000)
                .unwrap_or(1)
                .max(1);
            return Decision::Refused {
                key: check.key.clone(),
                retry_after_s,
            };
        }
        updated.push((
            check.key.clone(),
            Counter {
                window_start,
                count: current + 1,
            },
        ));
    }
    Decision::Allowed(updated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn check(key: &str, rule: &str) -> Check {
        Check {
            key: key.into(),
            rule: RateRule::parse(rule).unwrap(),
        }
    }

    #[test]
    fn rules_parse_in_every_unit() {
        assert_eq!(
            RateRule::parse("5/1h").unwrap(),
            RateRule {
                count: 5,
                window_ms: 3_600_000
            }
        );
        assert_eq!(RateRule::parse("3/90s").unwrap().window_ms, 90_000);
        assert_eq!(RateRule::parse(" 10 / 30m ").unwrap().window_ms, 1_800_000);
        assert_eq!(RateRule::parse("200/1d").unwrap().window_ms, 86_400_000);
        for bad in ["", "5", "5/", "5/h", "5/0h", "x/1h", "5/1w", "-1/1h"] {
            assert!(RateRule::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn exactly_count_hits_fit_in_a_window() {
        let checks = [check("ip:1", "3/1m")];
        let mut store: HashMap<String, Counter> = HashMap::new();
        let mut allowed = 0;
        for i in 0..10 {
            match decide(60_000 + i, &checks, |k| store.get(k).copied()) {
                Decision::Allowed(updates) => {
                    allowed += 1;
                    store.extend(updates);
                }
                Decision::Refused { retry_after_s, .. } => assert_eq!(retry_after_s, 60),
            }
        }
        assert_eq!(allowed, 3);
    }

    #[test]
    fn a_new_window_starts_from_zero() {
        let checks = [check("ip:1", "1/1m")];
        let full = Counter {
            window_start: 0,
            count: 1,
        };
        assert!(matches!(
            decide(59_999, &checks, |_| Some(full)),
            Decision::Refused {
                retry_after_s: 1,
                ..
            }
        ));
        assert!(matches!(
            decide(60_000, &checks, |_| Some(full)),
            Decision::Allowed(_)
        ));
    }

    #[test]
    fn a_refusal_by_one_key_counts_against_none() {
        let checks = [check("ip:1", "5/1h"), check("phone:+31", "1/1h")];
        let full_phone = |k: &str| {
            (k == "phone:+31").then_some(Counter {
                window_start: 0,
                count: 1,
            })
        };
        match decide(1_000, &checks, full_phone) {
            Decision::Refused { key, retry_after_s } => {
                assert_eq!(key, "phone:+31");
                assert_eq!(retry_after_s, 3_599);
            }
            Decision::Allowed(_) => panic!("the phone counter is full"),
        }
    }

    #[test]
    fn a_zero_count_refuses_everything() {
        assert!(matches!(
            decide(0, &[check("day", "0/1d")], |_| None),
            Decision::Refused { .. }
        ));
    }
}
