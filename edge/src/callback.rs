//! The rules of `POST /api/callback` that need no I/O: consent, the agent,
//! the limits a callback counts against, and which of them a Guard refusal
//! names. The glue (`glue/callback.rs`) reads the request, asks the Guard
//! and the platform, and applies these in the documented order.

use callme_shared::{AgentAlias, AgentId, ErrorCode, PhoneNumber};

use crate::budget::Purpose;
use crate::config::EdgeConfig;
use crate::error::EdgeError;
use crate::guard::Refund;
use crate::limits::{Check, ClientKey, LimitKind, RateRule};

/// Refuses a callback without consent when the site asks for it.
///
/// # Errors
/// 400 `consent_required` under the `consent` field.
pub fn check_consent(config: &EdgeConfig, consent: bool) -> Result<(), EdgeError> {
    if config.public.consent_required && !consent {
        return Err(EdgeError::Invalid {
            code: ErrorCode::ConsentRequired,
            message: callme_shared::words::CONSENT_REQUIRED.into(),
            field: Some("consent"),
        });
    }
    Ok(())
}

/// The platform's agent for the alias the visitor's page asked for (the
/// first configured one when it named none).
///
/// # Errors
/// 400 `agent_unknown` under the `agent` field.
pub fn choose_agent(config: &EdgeConfig, alias: Option<&AgentAlias>) -> Result<AgentId, EdgeError> {
    config
        .public
        .agent(alias)
        .cloned()
        .ok_or_else(|| EdgeError::Invalid {
            code: ErrorCode::AgentUnknown,
            message: "There is no agent by that name.".into(),
            field: Some("agent"),
        })
}

/// The limits one callback counts against, each with its kind: the client
/// (and its IPv6 network), the number (per hour and per day), and everybody
/// (per hour and per day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackLimits(Vec<(LimitKind, Check)>);

impl CallbackLimits {
    /// The limits for a callback to `phone` from the client at `ip` (the
    /// `CF-Connecting-IP` value), placed now (`slot` `None`: the platform
    /// budget too) or booked for `slot`: then the number's and everybody's
    /// limits count it at its slot, when it will be placed (so bookings
    /// cannot pile calls to one number into one slot or one day), and the
    /// client's count it now (how often one asks). The Scheduler spends the
    /// platform budget when it places the call.
    pub fn new(
        config: &EdgeConfig,
        phone: &PhoneNumber,
        ip: Option<&str>,
        slot: Option<i64>,
    ) -> Self {
        let client = ClientKey::of(ip);
        let phone = phone.as_str();
        let per = |count: u32, window_ms: i64| RateRule { count, window_ms };
        let mut limits = vec![(
            LimitKind::Client,
            client.client.as_str(),
            config.limits.per_ip,
        )];
        if let Some(network) = &client.network {
            limits.push((LimitKind::ClientNetwork, network, config.limits.per_network));
        }
        limits.extend([
            (LimitKind::Number, phone, config.limits.per_phone),
            (LimitKind::NumberDaily, phone, config.limits.per_phone_daily),
            (
                LimitKind::AllHourly,
                "",
                per(config.limits.hourly_cap, 3_600_000),
            ),
            (
                LimitKind::AllDaily,
                "",
                per(config.limits.daily_cap, 86_400_000),
            ),
        ]);
        let mut checks: Vec<(LimitKind, Check)> = limits
            .into_iter()
            .map(|(kind, subject, rule)| {
                let mut check = kind.check(subject, rule);
                if !matches!(kind, LimitKind::Client | LimitKind::ClientNetwork) {
                    check.at_ms = slot;
                }
                (kind, check)
            })
            .collect();
        if slot.is_none() {
            checks.push((
                LimitKind::Platform,
                config.upstream.budget.check(Purpose::Place),
            ));
        }
        Self(checks)
    }

    /// The checks as the Guard takes them.
    pub fn checks(&self) -> Vec<Check> {
        self.0.iter().map(|(_, check)| check.clone()).collect()
    }

    /// What a booking the Scheduler refused as full gives back: one hit of
    /// every check it counted (a booking counts no platform budget, and
    /// would give none back if it had), so a refusal costs nothing.
    pub fn give_back(&self, now_ms: i64) -> Refund {
        Refund {
            checks: self
                .0
                .iter()
                .filter(|(kind, _)| *kind != LimitKind::Platform)
                .map(|(_, check)| check.clone())
                .collect(),
            now_ms,
        }
    }

    /// The 429 for a Guard refusal naming `key` (503 `busy` for the
    /// platform budget: the visitor did nothing wrong). The kind is looked up
    /// among this callback's own checks, never parsed out of the key; a
    /// key it was not asked about is the Guard's fault (500).
    pub fn refusal(&self, key: &str, retry_after_s: u64) -> EdgeError {
        match self.0.iter().find(|(_, check)| check.key == key) {
            Some((LimitKind::Platform, _)) => EdgeError::Busy { retry_after_s },
            Some((kind, _)) => EdgeError::RateLimited {
                retry_after_s,
                limit: *kind,
            },
            None => EdgeError::Internal(format!("guard refused a key it was not asked: {key}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::{config, config_with};

    /// A booked slot's time.
    const SLOT: i64 = 1_765_800_000_000;

    fn phone() -> PhoneNumber {
        PhoneNumber::parse("+31612345678").unwrap()
    }

    #[test]
    fn consent_is_needed_only_where_the_site_asks_for_it() {
        let error = check_consent(&config(), false).unwrap_err();
        assert_eq!(error.status(), 400);
        assert_eq!(error.body().error.code, "consent_required");
        assert_eq!(error.body().error.field.as_deref(), Some("consent"));
        assert_eq!(check_consent(&config(), true), Ok(()));
        let relaxed = config_with(&[("CONSENT_REQUIRED", "false")]).unwrap();
        assert_eq!(check_consent(&relaxed, false), Ok(()));
    }

    #[test]
    fn the_agent_is_the_named_one_or_the_first() {
        let config = config();
        let first = choose_agent(&config, None).unwrap();
        assert_eq!(first, config.public.agents[0].1);
        let sales = AgentAlias::parse("sales").unwrap();
        assert_eq!(
            choose_agent(&config, Some(&sales)).unwrap(),
            config.public.agents[1].1
        );
        let nobody = AgentAlias::parse("nobody").unwrap();
        let error = choose_agent(&config, Some(&nobody)).unwrap_err();
        assert_eq!(error.body().error.code, "agent_unknown");
        assert_eq!(error.body().error.field.as_deref(), Some("agent"));
    }

    #[test]
    fn an_ipv4_client_counts_against_five_limits_an_ipv6_one_against_six() {
        let kinds = |ip: Option<&str>| -> Vec<LimitKind> {
            CallbackLimits::new(&config(), &phone(), ip, Some(SLOT))
                .0
                .iter()
                .map(|(kind, _)| *kind)
                .collect()
        };
        let shared = [
            LimitKind::Number,
            LimitKind::NumberDaily,
            LimitKind::AllHourly,
            LimitKind::AllDaily,
        ];
        assert_eq!(kinds(Some("192.0.2.1"))[1..], shared);
        assert_eq!(kinds(Some("192.0.2.1"))[0], LimitKind::Client);
        assert_eq!(
            kinds(Some("2001:db8:1:2::1"))[..2],
            [LimitKind::Client, LimitKind::ClientNetwork]
        );
        assert_eq!(kinds(Some("2001:db8:1:2::1"))[2..], shared);
        // No address at all still counts (one shared bucket), never skips.
        assert_eq!(kinds(None).len(), 5);
    }

    #[test]
    fn the_number_limits_follow_the_number_not_the_client() {
        let a = CallbackLimits::new(&config(), &phone(), Some("192.0.2.1"), Some(SLOT));
        let b = CallbackLimits::new(&config(), &phone(), Some("192.0.2.2"), Some(SLOT));
        let number = |l: &CallbackLimits| l.checks()[1].key.clone();
        assert_eq!(number(&a), number(&b));
        assert_ne!(a.checks()[0].key, b.checks()[0].key);
    }

    #[test]
    fn a_full_slot_gives_back_every_limit_the_booking_counted() {
        let booking = CallbackLimits::new(&config(), &phone(), Some("2001:db8::1"), Some(SLOT));
        let refund = booking.give_back(42);
        assert_eq!((refund.checks, refund.now_ms), (booking.checks(), 42));
        // The platform budget is spent by placing, never given back.
        let now = CallbackLimits::new(&config(), &phone(), Some("2001:db8::1"), None);
        let keys = |checks: Vec<Check>| checks.into_iter().map(|c| c.key).collect::<Vec<_>>();
        assert_eq!(keys(now.give_back(0).checks), keys(booking.checks()));
    }

    #[test]
    fn a_booking_counts_against_the_numbers_limits_at_its_slot() {
        use crate::limits::{Decision, Hits, decide};
        // Two bookings of one number into one slot, a day apart in asking:
        // the second is refused by the per-number limit at the slot.
        let one_an_hour =
            crate::config::tests::config_with(&[("RATE_LIMIT_PER_PHONE", "1/20s")]).unwrap();
        let book = |store: &mut std::collections::HashMap<String, Hits>, now: i64, slot: i64| {
            let limits = CallbackLimits::new(&one_an_hour, &phone(), Some("192.0.2.1"), Some(slot));
            match decide(now, &limits.checks(), |key| store.get(key).cloned()) {
                Decision::Allowed(updates) => {
                    store.extend(updates);
                    true
                }
                Decision::Refused { .. } => false,
            }
        };
        let mut store = std::collections::HashMap::new();
        assert!(book(&mut store, SLOT - 3_600_000, SLOT));
        assert!(
            !book(&mut store, SLOT - 3_600_000 + 22_000, SLOT),
            "22 s later, same slot"
        );
        assert!(
            book(&mut store, SLOT - 3_000_000, SLOT + 900_000),
            "another slot, 15 min on"
        );
        // A call now is not refused by a booking hours ahead...
        let now = CallbackLimits::new(&one_an_hour, &phone(), Some("192.0.2.9"), None);
        assert!(matches!(
            decide(SLOT - 2_000_000, &now.checks(), |key| store
                .get(key)
                .cloned()),
            Decision::Allowed(_)
        ));
        // ...but the daily limit holds for the slot's day: six a day can
        // no longer be booked seven times onto one day.
        let mut daily = std::collections::HashMap::new();
        let booked: usize = (0..7)
            .filter(|day| {
                let limits = CallbackLimits::new(
                    &config(),
                    &phone(),
                    Some(&format!("192.0.2.{day}")),
                    Some(SLOT + day * 1_800_000),
                );
                match decide(
                    SLOT - 7 * 86_400_000 + day * 86_400_000,
                    &limits.checks(),
                    |key| daily.get(key).cloned(),
                ) {
                    Decision::Allowed(updates) => {
                        daily.extend(updates);
                        true
                    }
                    Decision::Refused { .. } => false,
                }
            })
            .count();
        assert_eq!(
            booked, 6,
            "RATE_LIMIT_PER_PHONE_DAILY is 6/1d at the slots' day"
        );
    }

    #[test]
    fn a_refusal_names_the_limit_it_was_asked_about() {
        let limits = CallbackLimits::new(&config(), &phone(), Some("2001:db8::1"), None);
        for (kind, check) in &limits.0 {
            match limits.refusal(&check.key, 7) {
                EdgeError::RateLimited {
                    retry_after_s,
                    limit,
                } => assert_eq!((retry_after_s, limit), (7, *kind)),
                EdgeError::Busy { retry_after_s } => {
                    assert_eq!((retry_after_s, *kind), (7, LimitKind::Platform));
                }
                other => panic!("{other:?}"),
            }
        }
        // A key of another making (or a Guard answering nonsense) is not
        // taken for any limit.
        let error = limits.refusal("client:198.51.100.7", 7);
        assert_eq!(error.status(), 500);
    }
}
