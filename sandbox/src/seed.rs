//! Deterministic demo history: the same seed and anchor give the same calls.

use callme_shared::{Call, CallId, CallStatus, Timestamp};

use crate::config::Agent;

/// The business every demo agent speaks for.
pub const BUSINESS_NAME: &str = "Acme Corp";
/// The number every demo agent calls from.
pub const ASSISTANT_PHONE: &str = "+31850835037";
/// How far back the demo history reaches.
const HISTORY_DAYS: i64 = 42;
const DAY_MS: i64 = 86_400_000;

/// A small, fast, well-mixed generator (SplitMix64), so demo data needs no
/// random-number crate and is the same on every machine.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// Starts the sequence at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        &items[usize::try_from(self.below(len)).unwrap_or(0)]
    }
}

/// Callers in the demo: a few countries, fictional ranges where they exist
/// (Ofcom's drama range, the US 555-01xx block).
const CALLERS: &[&str] = &[
    "+31612345678",
    "+31687654321",
    "+31201234567",
    "+31101234567",
    "+31644400011",
    "+31655500022",
    "+32470123456",
    "+3221234567",
    "+4915123456789",
    "+49301234567",
    "+447700900123",
    "+447700900456",
    "+12025550143",
    "+12025550187",
    "+33612345678",
];

const SUMMARIES_NL: &[&str] = &[
    "Klant vroeg naar openingstijden en wilde een afspraak maken.",
    "Beller wilde de status van bestelling weten; levering is morgen.",
    "Vraag over een factuur; de klant krijgt een gecorrigeerde factuur per e-mail.",
    "Klant wilde zijn abonnement opzeggen en is gewezen op de opzegtermijn.",
    "Afspraak verzet naar donderdag 14:00.",
    "Beller had een klacht over de levertijd; excuses aangeboden en korting gegeven.",
];

const SUMMARIES_EN: &[&str] = &[
    "Caller asked about opening hours and booked an appointment.",
    "Customer wanted an update on their order; it ships tomorrow.",
    "Question about an invoice; a corrected invoice will be emailed.",
    "Caller asked to upgrade their plan and was sent the price list.",
    "Rescheduled the appointment to Thursday at 2 pm.",
    "Customer reported a broken item; a replacement was arranged.",
];

const FAILURES: &[&str] = &["no-answer", "busy", "voicemail", "network-error"];

/// A summary the platform could write from a hostile caller's words: the
/// history view must show it as text and never run it.
pub const HOSTILE_SUMMARY: &str = "Beller zei: <img src=x onerror=\"window.__callmePwned=1\"> \
<script>window.__callmePwned=2</script><b>bold?</b> & \"quotes\"";

/// Builds `count` calls spread over the six weeks before `anchor`, newest
/// first. The newest two are live (connecting, in progress); one recent call
/// carries [`HOSTILE_SUMMARY`].
pub fn demo_calls(count: usize, seed: u64, anchor_ms: i64, agents: &[Agent]) -> Vec<Call> {
    let mut rng = SplitMix64::new(seed);
    // Each with its id, as the platform's SDK lists a call's `agent_id`.
    let names: Vec<(&str, Option<&str>)> = if agents.is_empty() {
        vec![("Customer Support", None)]
    } else {
        agents
            .iter()
            .map(|agent| (agent.name.as_str(), Some(agent.id.as_str())))
            .collect()
    };
    let mut created: Vec<i64> = (0..count)
        .map(|_| {
            let span = u64::try_from(HISTORY_DAYS * DAY_MS).unwrap_or(0);
            anchor_ms - i64::try_from(rng.below(span)).unwrap_or(0)
        })
        .collect();
    created.sort_unstable_by(|a, b| b.cmp(a));

    created
        .into_iter()
        .enumerate()
        .map(|(index, created_ms)| {
            let caller = *rng.pick(CALLERS);
            let (agent, agent_id) = *rng.pick(&names);
            let roll = rng.below(100);
            let status = match index {
                0 => CallStatus::Connecting,
                1 => CallStatus::InProgress,
                3 => CallStatus::Ended,
                _ if roll < 14 => CallStatus::Failed,
                _ => CallStatus::Ended,
            };
            let created_ms = if index < 2 {
                anchor_ms - 20_000 * i64::try_from(index + 1).unwrap_or(1)
            } else {
                created_ms
            };
            let rings_ms = 3_000 + i64::try_from(rng.below(12_000)).unwrap_or(0);
            let talk_s = 20 + rng.below(580);
            let started = Timestamp::from_unix_millis(created_ms + rings_ms);
            let talk_ms = i64::try_from(talk_s).unwrap_or(0) * 1_000;
            let (error, ended_at, duration, summary) = match &status {
                CallStatus::Failed => (
                    Some((*rng.pick(FAILURES)).to_owned()),
                    Some(Timestamp::from_unix_millis(created_ms + rings_ms)),
                    Some(0),
                    None,
                ),
                CallStatus::Ended => {
                    let summary = if index == 3 {
                        HOSTILE_SUMMARY
                    } else if roll.is_multiple_of(2) {
                        *rng.pick(SUMMARIES_NL)
                    } else {
                        *rng.pick(SUMMARIES_EN)
                    };
                    (
                        None,
                        Some(Timestamp::from_unix_millis(created_ms + rings_ms + talk_ms)),
                        u32::try_from(talk_s).ok(),
                        Some(summary.to_owned()),
                    )
                }
                _ => (None, None, None, None),
            };
            let updated = ended_at
                .clone()
                .unwrap_or_else(|| Timestamp::from_unix_millis(created_ms));
            Call {
                id: CallId::parse(&format!("call-_{caller}_{:012x}", rng.next_u64() >> 16))
                    .expect("generated ids are printable"),
                caller_phone: caller.to_owned(),
                assistant_phone: Some(ASSISTANT_PHONE.to_owned()),
                started_at: (status != CallStatus::Connecting).then_some(started),
                status,
                error,
                ended_at,
                duration_seconds: duration,
                summary,
                agent_name: Some(agent.to_owned()),
                business_name: Some(BUSINESS_NAME.to_owned()),
                agent_id: agent_id.map(str::to_owned),
                created_at: Timestamp::from_unix_millis(created_ms),
                updated_at: updated,
                commands: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEFAULT_AGENTS, parse_agents};

    const ANCHOR: i64 = 1_765_620_000_000;

    fn calls() -> Vec<Call> {
        demo_calls(160, 42, ANCHOR, &parse_agents(DEFAULT_AGENTS).unwrap().0)
    }

    #[test]
    fn the_same_seed_gives_the_same_calls() {
        assert_eq!(calls(), calls());
        let other = demo_calls(160, 7, ANCHOR, &[]);
        assert_ne!(calls()[5].id, other[5].id);
    }

    #[test]
    fn the_history_is_newest_first_and_within_six_weeks() {
        let calls = calls();
        assert!(calls.windows(2).all(|w| w[0].created_at >= w[1].created_at));
        let oldest = calls.last().unwrap().created_at.unix_millis();
        assert!(oldest >= ANCHOR - HISTORY_DAYS * DAY_MS);
        let days: std::collections::HashSet<i64> = calls
            .iter()
            .map(|c| c.created_at.unix_millis() / DAY_MS)
            .collect();
        assert!(days.len() > 20, "spread over {} days", days.len());
    }

    #[test]
    fn every_status_and_both_languages_appear() {
        let calls = calls();
        for status in [
            CallStatus::Connecting,
            CallStatus::InProgress,
            CallStatus::Ended,
            CallStatus::Failed,
        ] {
            assert!(calls.iter().any(|c| c.status == status), "{status:?}");
        }
        let summaries: Vec<&str> = calls.iter().filter_map(|c| c.summary.as_deref()).collect();
        assert!(summaries.iter().any(|s| SUMMARIES_NL.contains(s)));
        assert!(summaries.iter().any(|s| SUMMARIES_EN.contains(s)));
        assert!(summaries.contains(&HOSTILE_SUMMARY));
        let agents: std::collections::HashSet<_> =
            calls.iter().map(|c| c.agent_name.clone()).collect();
        assert!(agents.len() >= 3);
    }

    #[test]
    fn failed_calls_and_only_they_carry_an_error() {
        for call in calls() {
            assert_eq!(
                call.error.is_some(),
                call.status == CallStatus::Failed,
                "{}",
                call.id
            );
        }
    }

    #[test]
    fn live_calls_have_no_end() {
        for call in calls().iter().filter(|c| !c.status.is_final()) {
            assert!(call.ended_at.is_none() && call.duration_seconds.is_none());
        }
    }
}
