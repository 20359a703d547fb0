//! Rate-limit arithmetic: sliding windows per key (in sixty buckets),
//! decided all together so a refused request counts against nothing. The
//! Durable Object stores each key's recent buckets; this module decides.

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

/// One limit to check: its storage key and rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Storage key: the limit's kind, `:`, its subject (`ip64:2001:db8:1:2::`).
    pub key: String,
    /// The rule for this key.
    pub rule: RateRule,
    /// When what is counted happens, if not now: a booked call counts
    /// against the number's and everybody's limits at its slot, the time it
    /// will be placed. Such hits lie in the future, so every check of the
    /// key counts the hits of the window on both sides of its own time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<i64>,
}

/// How many buckets a window is cut into.
pub const BUCKETS: i64 = 60;

/// A key's recent hits, counted per bucket: `(bucket start in Unix ms,
/// hits)`, oldest first. A bucket is a sixtieth of the rule's window (at
/// least a second), so a key's record stays small whatever its limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hits(pub Vec<(i64, u32)>);

impl Hits {
    /// The stored form: `start:count` pairs separated by commas.
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|(start, count)| format!("{start}:{count}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the stored form; unreadable entries are dropped.
    pub fn from_text(text: &str) -> Self {
        Self(
            text.split(',')
                .filter_map(|pair| {
                    let (start, count) = pair.split_once(':')?;
                    Some((start.parse().ok()?, count.parse().ok()?))
                })
                .collect(),
        )
    }

    /// When the newest bucket leaves a window of `window_ms`: until then
    /// the record must be kept.
    pub fn expires_ms(&self, window_ms: i64) -> i64 {
        let bucket = bucket_ms(window_ms);
        self.0
            .iter()
            .map(|(start, _)| start + bucket + window_ms)
            .max()
            .unwrap_or(0)
    }
}

/// The bucket length of a window.
fn bucket_ms(window_ms: i64) -> i64 {
    (window_ms / BUCKETS).max(1_000).min(window_ms.max(1))
}

/// The outcome of a set of checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Every limit had room; the new hit lists to store.
    Allowed(Vec<(String, Hits)>),
    /// At least one limit is full.
    Refused {
        /// The key that refused.
        key: String,
        /// Seconds until that key has room again (at least 1).
        retry_after_s: u64,
    },
}

/// Decides whether one more hit fits every check, given the stored hits
/// (`stored(key)`), at `now_ms`.
///
/// Windows slide. A bucket counts while any part of it lies within the
/// window before now, so every stretch of time of the window's length holds
/// at most `count` hits; a hit may be refused up to one bucket (a sixtieth
/// of the window) earlier than an exact count would. (Fixed windows let
/// twice the limit through around their boundary: all of one window's hits
/// at its end and the next window's at its start.)
pub fn decide(now_ms: i64, checks: &[Check], stored: impl Fn(&str) -> Option<Hits>) -> Decision {
    let mut updated = Vec::with_capacity(checks.len());
    for check in checks {
        let window = check.rule.window_ms;
        let bucket = bucket_ms(window);
        let at = check.at_ms.unwrap_or(now_ms);
        let current = at - at.rem_euclid(bucket);
        // Every bucket some check may still count: none has left the window
        // of now (booked ones lie ahead).
        let mut buckets: Vec<(i64, u32)> = stored(&check.key)
            .map(|hits| hits.0)
            .unwrap_or_default()
            .into_iter()
            .filter(|(start, _)| start + bucket > now_ms - window)
            .collect();
        buckets.sort_unstable();
        // This check counts the buckets overlapping (at - window, at +
        // window): without booked hits, those of the window before now.
        let counted: Vec<(i64, u32)> = buckets
            .iter()
            .copied()
            .filter(|(start, _)| start + bucket > at - window && *start < at + window)
            .collect();
        let total: u64 = counted.iter().map(|(_, n)| u64::from(*n)).sum();
        if total >= u64::from(check.rule.count) {
            return Decision::Refused {
                key: check.key.clone(),
                retry_after_s: wait_s(&counted, check.rule.count, bucket, window, now_ms),
            };
        }
        match buckets.iter_mut().find(|(start, _)| *start == current) {
            Some((_, n)) => *n += 1,
            None => {
                buckets.push((current, 1));
                buckets.sort_unstable();
            }
        }
        updated.push((check.key.clone(), Hits(buckets)));
    }
    Decision::Allowed(updated)
}

/// `stored` with hits added in the current bucket so that the window holds
/// at least `used`: what the platform says it counted is the least the
/// count can be (other isolates' requests may not have been counted yet,
/// the platform may count what the edge does not see).
pub fn top_up(stored: Option<Hits>, rule: RateRule, used: u32, now_ms: i64) -> Hits {
    let window = rule.window_ms;
    let bucket = bucket_ms(window);
    let current = now_ms - now_ms.rem_euclid(bucket);
    let mut buckets: Vec<(i64, u32)> = stored
        .map(|hits| hits.0)
        .unwrap_or_default()
        .into_iter()
        .filter(|(start, _)| start + bucket > now_ms - window)
        .collect();
    buckets.sort_unstable();
    let total: u64 = buckets.iter().map(|(_, n)| u64::from(*n)).sum();
    let missing = u32::try_from(u64::from(used).saturating_sub(total)).unwrap_or(u32::MAX);
    if missing > 0 {
        match buckets.last_mut() {
            Some((start, n)) if *start == current => *n = n.saturating_add(missing),
            _ => buckets.push((current, missing)),
        }
    }
    Hits(buckets)
}

/// `stored` with one hit given back: taken from the newest bucket still in
/// the window that holds any (the one the hit being given back went to,
/// unless a newer bucket began since; the window's total is the same
/// either way). `None` when nothing in the window is left to give back.
pub fn give_back(stored: Option<Hits>, rule: RateRule, now_ms: i64) -> Option<Hits> {
    give_back_at(stored, rule, now_ms, None)
}

/// [`give_back`] for a hit counted at `at_ms` (a booked slot): taken from
/// that bucket when it holds one.
pub fn give_back_at(
    stored: Option<Hits>,
    rule: RateRule,
    now_ms: i64,
    at_ms: Option<i64>,
) -> Option<Hits> {
    let window = rule.window_ms;
    let bucket = bucket_ms(window);
    let mut buckets: Vec<(i64, u32)> = stored?
        .0
        .into_iter()
        .filter(|(start, n)| start + bucket > now_ms - window && *n > 0)
        .collect();
    buckets.sort_unstable();
    let own = at_ms.map(|at| at - at.rem_euclid(bucket));
    let index = own
        .and_then(|own| buckets.iter().position(|(start, _)| *start == own))
        .or_else(|| {
            // The newest bucket in the window of now (a hit of now).
            buckets
                .iter()
                .rposition(|(start, _)| *start <= now_ms)
                .or(buckets.len().checked_sub(1))
        })?;
    buckets[index].1 -= 1;
    buckets.retain(|(_, n)| *n > 0);
    Some(Hits(buckets))
}

/// Seconds until enough of the oldest buckets have left the window for one
/// more hit to fit.
fn wait_s(buckets: &[(i64, u32)], count: u32, bucket: i64, window: i64, now_ms: i64) -> u64 {
    let total: u64 = buckets.iter().map(|(_, n)| u64::from(*n)).sum();
    let mut to_free = total + 1 - u64::from(count);
    let mut leaves_at = now_ms + window;
    for (start, n) in buckets {
        leaves_at = start + bucket + window;
        to_free = to_free.saturating_sub(u64::from(*n));
        if to_free == 0 {
            break;
        }
    }
    u64::try_from((leaves_at - now_ms + 999) / 1_000)
        .unwrap_or(1)
        .max(1)
}

/// The kinds of limit a callback counts against; the part of a key before
/// its `:`, and what a 429 names in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// One client: an IPv4 address, or an IPv6 /64 (what one subscriber
    /// holds).
    Client,
    /// An IPv6 /48 (what one site or customer usually holds).
    ClientNetwork,
    /// One destination number, per hour.
    Number,
    /// One destination number, per day.
    NumberDaily,
    /// Every callback, per hour.
    AllHourly,
    /// Every callback, per day.
    AllDaily,
    /// Status polls of one ticket.
    Ticket,
    /// History requests of one portal token.
    Token,
    /// The platform key's requests (one budget for the whole deployment).
    Platform,
    /// Control commands of one live call (the platform allows 10 a minute).
    CallControl,
    /// A visitor's notes to the agent during one call.
    CallNote,
    /// Slot listings of one client (kept per isolate).
    Slots,
    /// Cancellations of one ticket (kept per isolate).
    Cancel,
}

impl LimitKind {
    /// The key prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::ClientNetwork => "network",
            Self::Number => "number",
            Self::NumberDaily => "number_day",
            Self::AllHourly => "all_hour",
            Self::AllDaily => "all_day",
            Self::Ticket => "ticket",
            Self::Token => "token",
            Self::Platform => "platform",
            Self::CallControl => "call_control",
            Self::CallNote => "call_note",
            Self::Slots => "slots",
            Self::Cancel => "cancel",
        }
    }

    /// A check of this kind for `subject`.
    pub fn check(self, subject: &str, rule: RateRule) -> Check {
        Check {
            at_ms: None,
            key: format!("{}:{subject}", self.name()),
            rule,
        }
    }
}

/// Limits kept in one isolate's memory, for requests that cost the
/// platform nothing on their own (status polls share platform answers), so
/// that counting them does not cost a Guard round trip each.
#[derive(Debug, Default)]
pub struct LocalLimits {
    hits: std::collections::HashMap<String, Hits>,
}

impl LocalLimits {
    /// The most keys kept; past it, keys without recent hits are dropped
    /// (and, if that is not enough, all: the limits then start afresh,
    /// which errs towards serving).
    const MAX_KEYS: usize = 10_000;

    /// Counts one hit of `check` at `now_ms`, or says how long to wait.
    ///
    /// # Errors
    /// The seconds until the key has room again.
    pub fn hit(&mut self, check: &Check, now_ms: i64) -> Result<(), u64> {
        match decide(now_ms, std::slice::from_ref(check), |k| {
            self.hits.get(k).cloned()
        }) {
            Decision::Allowed(updates) => {
                if self.hits.len() >= Self::MAX_KEYS {
                    let window = check.rule.window_ms;
                    self.hits.retain(|_, h| h.expires_ms(window) > now_ms);
                    if self.hits.len() >= Self::MAX_KEYS {
                        self.hits.clear();
                    }
                }
                self.hits.extend(updates);
                Ok(())
            }
            Decision::Refused { retry_after_s, .. } => Err(retry_after_s),
        }
    }
}

/// Who is asking, as the limits see it: IPv4 addresses one by one; IPv6 by
/// /64 (a subscriber gets a whole /64 and can rotate through it at will),
/// with a wider budget per /48. An IPv4-mapped IPv6 address is its IPv4
/// address. A missing or unreadable address (never the case behind
/// Cloudflare, which sets `CF-Connecting-IP`) shares one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKey {
    /// The per-client subject.
    pub client: String,
    /// The /48 subject, for IPv6.
    pub network: Option<String>,
}

impl ClientKey {
    /// The key of a `CF-Connecting-IP` value.
    pub fn of(header: Option<&str>) -> Self {
        use std::net::IpAddr;
        let parsed = header.and_then(|h| h.trim().parse::<IpAddr>().ok());
        match parsed.map(|ip| match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        }) {
            Some(IpAddr::V4(v4)) => Self {
                client: v4.to_string(),
                network: None,
            },
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                Self {
                    client: format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]),
                    network: Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])),
                }
            }
            None => Self {
                client: "unknown".into(),
                network: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn check(key: &str, rule: &str) -> Check {
        Check {
            at_ms: None,
            key: key.into(),
            rule: RateRule::parse(rule).unwrap(),
        }
    }

    /// Runs hits at `times` through `decide`, keeping what it stores;
    /// returns the times that were allowed.
    fn run(checks: &[Check], times: &[i64]) -> Vec<i64> {
        let mut store: HashMap<String, Hits> = HashMap::new();
        let mut allowed = Vec::new();
        for &now in times {
            if let Decision::Allowed(updates) = decide(now, checks, |k| store.get(k).cloned()) {
                allowed.push(now);
                store.extend(updates);
            }
        }
        allowed
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
        let times: Vec<i64> = (0..10).map(|i| 60_000 + i).collect();
        assert_eq!(run(&[check("client:1", "3/1m")], &times).len(), 3);
    }

    #[test]
    fn a_window_boundary_lets_no_second_burst_through() {
        // Fixed windows allowed 3 at 0:59 and 3 more at 1:00.
        let checks = [check("client:1", "3/1m")];
        let times = [59_000, 59_100, 59_200, 60_000, 60_100, 60_200, 118_999];
        assert_eq!(run(&checks, &times), vec![59_000, 59_100, 59_200]);
        // Once the first hits' bucket has left the window, more fit.
        assert_eq!(run(&checks, &[59_000, 59_100, 59_200, 120_000]).len(), 4);
    }

    #[test]
    fn the_wait_is_until_the_blocking_bucket_leaves_the_window() {
        // One-second buckets for a one-minute window.
        let checks = [check("client:1", "2/1m")];
        let stored = Hits(vec![(10_000, 1), (30_000, 1)]);
        match decide(40_000, &checks, |_| Some(stored.clone())) {
            Decision::Refused { retry_after_s, .. } => assert_eq!(retry_after_s, 31),
            Decision::Allowed(_) => panic!("full"),
        }
    }

    #[test]
    fn a_big_limit_keeps_a_small_record() {
        let checks = [check("all_day:", "100000/1d")];
        let times: Vec<i64> = (0..5_000).map(|i| i * 17_000).collect();
        let mut store: HashMap<String, Hits> = HashMap::new();
        for &now in &times {
            if let Decision::Allowed(updates) = decide(now, &checks, |k| store.get(k).cloned()) {
                store.extend(updates);
            }
        }
        let record = &store["all_day:"];
        assert!(record.0.len() <= 61, "{} buckets", record.0.len());
        assert_eq!(
            record.0.iter().map(|(_, n)| u64::from(*n)).sum::<u64>(),
            5_000
        );
    }

    #[test]
    fn a_refusal_by_one_key_counts_against_none() {
        let checks = [check("client:1", "5/1h"), check("number:+31", "1/1h")];
        let full_number = |k: &str| (k == "number:+31").then(|| Hits(vec![(0, 1)]));
        match decide(1_000, &checks, full_number) {
            Decision::Refused { key, retry_after_s } => {
                assert_eq!(key, "number:+31");
                // The hour plus the one-minute bucket the hit fell in.
                assert_eq!(retry_after_s, 3_659);
            }
            Decision::Allowed(_) => panic!("the number is full"),
        }
    }

    #[test]
    fn a_hit_given_back_makes_room_for_another() {
        let checks = [check("client:1", "2/1m")];
        let mut store: HashMap<String, Hits> = HashMap::new();
        for now in [1_000, 2_000] {
            let Decision::Allowed(updates) = decide(now, &checks, |k| store.get(k).cloned()) else {
                panic!("room at {now}");
            };
            store.extend(updates);
        }
        assert!(matches!(
            decide(3_000, &checks, |k| store.get(k).cloned()),
            Decision::Refused { .. }
        ));
        let back = give_back(store.get("client:1").cloned(), checks[0].rule, 3_000).unwrap();
        // The newest hit went back; the older one still counts.
        assert_eq!(back, Hits(vec![(1_000, 1)]));
        store.insert("client:1".into(), back);
        assert!(matches!(
            decide(3_000, &checks, |k| store.get(k).cloned()),
            Decision::Allowed(_)
        ));
    }

    #[test]
    fn nothing_is_given_back_that_was_not_counted() {
        let rule = RateRule::parse("2/1m").unwrap();
        assert_eq!(give_back(None, rule, 0), None);
        assert_eq!(give_back(Some(Hits(vec![])), rule, 0), None);
        // Hits that have left the window are not taken back.
        assert_eq!(give_back(Some(Hits(vec![(0, 1)])), rule, 120_000), None);
        // Nor does a count go below zero, or an empty bucket stay.
        let one = Some(Hits(vec![(0, 1), (1_000, 0)]));
        assert_eq!(give_back(one, rule, 2_000), Some(Hits(vec![])));
    }

    #[test]
    fn a_zero_count_refuses_everything() {
        assert!(matches!(
            decide(0, &[check("all_day:", "0/1d")], |_| None),
            Decision::Refused { .. }
        ));
    }

    #[test]
    fn hits_survive_their_stored_form() {
        let hits = Hits(vec![(1_765_620_000_000, 3), (1_765_620_001_000, 1)]);
        assert_eq!(Hits::from_text(&hits.to_text()), hits);
        assert_eq!(Hits::from_text(""), Hits(vec![]));
        assert_eq!(hits.expires_ms(60_000), 1_765_620_062_000);
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_with_a_48_budget() {
        let a = ClientKey::of(Some("2001:db8:1:2:aaaa::1"));
        let b = ClientKey::of(Some("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
        let c = ClientKey::of(Some("2001:db8:1:3::1"));
        assert_eq!(a.client, "2001:db8:1:2::/64");
        assert_eq!(a, b, "one /64 is one client however it rotates");
        assert_ne!(a.client, c.client);
        assert_eq!(a.network, c.network, "one /48 shares a budget");
        assert_eq!(a.network.as_deref(), Some("2001:db8:1::/48"));
    }

    #[test]
    fn ipv4_clients_are_counted_per_address_even_when_written_as_ipv6() {
        let plain = ClientKey::of(Some("203.0.113.9"));
        assert_eq!(plain.client, "203.0.113.9");
        assert_eq!(plain.network, None);
        assert_eq!(ClientKey::of(Some("::ffff:203.0.113.9")), plain);
        assert_ne!(ClientKey::of(Some("203.0.113.10")), plain);
    }

    #[test]
    fn an_unreadable_address_shares_one_bucket() {
        for header in [
            None,
            Some(""),
            Some("not an ip"),
            Some("203.0.113.9, 10.0.0.1"),
        ] {
            assert_eq!(ClientKey::of(header).client, "unknown", "{header:?}");
        }
    }

    #[test]
    fn local_limits_count_per_key_and_say_how_long_to_wait() {
        let mut local = LocalLimits::default();
        let a = check("ticket:a", "2/1m");
        let b = check("ticket:b", "2/1m");
        assert_eq!(local.hit(&a, 0), Ok(()));
        assert_eq!(local.hit(&a, 1), Ok(()));
        assert_eq!(local.hit(&a, 2), Err(61));
        assert_eq!(local.hit(&b, 2), Ok(()), "another ticket is not affected");
        assert_eq!(local.hit(&a, 61_000), Ok(()));
    }

    #[test]
    fn every_kind_has_a_key_prefix_of_its_own() {
        let kinds = [
            LimitKind::Client,
            LimitKind::ClientNetwork,
            LimitKind::Number,
            LimitKind::NumberDaily,
            LimitKind::AllHourly,
            LimitKind::AllDaily,
            LimitKind::Ticket,
            LimitKind::Token,
            LimitKind::Platform,
            LimitKind::Slots,
            LimitKind::Cancel,
        ];
        let mut prefixes: Vec<String> = kinds
            .iter()
            .map(|kind| kind.check("x", RateRule::parse("1/1h").unwrap()).key)
            .collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        assert_eq!(prefixes.len(), kinds.len());
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// However hits arrive, no stretch of one window's length holds
        /// more than the limit, and a hit is only refused when the window
        /// before it (give or take one bucket) is full.
        #[test]
        fn no_window_ever_holds_more_than_the_limit(
            count in 0_u32..6,
            window_s in 1_i64..120,
            gaps in proptest::collection::vec(0_i64..40_000, 1..80),
        ) {
            let window_ms = window_s * 1_000;
            let checks = [Check { key: "k:1".into(), rule: RateRule { count, window_ms }, at_ms: None }];
            let times: Vec<i64> = gaps
                .iter()
                .scan(1_000_000_i64, |t, gap| { *t += gap; Some(*t) })
                .collect();
            let allowed = run(&checks, &times);
            for (i, &t) in allowed.iter().enumerate() {
                let in_window = allowed[..=i].iter().filter(|&&a| a > t - window_ms).count();
                proptest::prop_assert!(in_window <= count as usize, "{in_window} hits in a window at {t}");
            }
            // A refusal is never more than one bucket early.
            let bucket = (window_ms / BUCKETS).max(1_000).min(window_ms);
            for &t in &times {
                if !allowed.contains(&t) {
                    let before = allowed
                        .iter()
                        .filter(|&&a| a <= t && a > t - window_ms - bucket)
                        .count();
                    proptest::prop_assert!(before >= count as usize, "refused at {t} with room ({before})");
                }
            }
        }
    }
}
