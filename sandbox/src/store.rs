//! The sandbox's calls: the demo history plus the outbound calls placed
//! since start, whose status follows from how long ago they were placed
//! unless a control command ended them early.

use callme_shared::{
    AgentId, Call, CallId, CallList, CallStatus, CallsQuery, Pagination, PhoneNumber, Timestamp,
};

use crate::config::{Agent, Config};
use crate::events::{self, Event};
use crate::seed::{ASSISTANT_PHONE, BUSINESS_NAME, SplitMix64, demo_calls};

/// The summary of an outbound call that was talked to its end, in Dutch
/// like most of the demo history (the platform writes it in the caller's
/// language).
pub const OUTBOUND_SUMMARY: &str = "Terugbelverzoek via de website. De agent stelde zich voor \
en hielp de bezoeker met de vraag.";
/// The summary of a transferred call.
pub const TRANSFER_SUMMARY: &str = "De beller is doorverbonden met een medewerker.";
/// The status of a transferred call: named by the platform's SDK, not by
/// the Calls page, so no filter value of `GET /calls` matches it.
pub const TRANSFERRED: &str = "transferred";

/// An outbound call as placed; its status is derived from the clock (so a
/// test with a short step sees the whole life), except that a control
/// command can end it early.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// The call id handed out.
    pub id: CallId,
    /// The number dialled.
    pub destination: PhoneNumber,
    /// The agent's display name.
    pub agent_name: String,
    /// The agent that places it.
    pub agent_id: AgentId,
    /// When it was placed (Unix ms).
    pub placed_ms: i64,
    /// How long it talks when nobody ends it (ms), fixed when placed.
    pub talk_ms: i64,
    /// The greeting the request asked for, if any.
    pub first_message: Option<String>,
    /// Set by `end-call`, `say` with `end_after`, or `transfer`.
    pub early_end: Option<EarlyEnd>,
    /// What the agent was told to say, in order, for the report.
    pub said: Vec<String>,
    /// Which of its events have been produced.
    pub notified: Notified,
}

/// How and when a control command ended a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyEnd {
    /// When (Unix ms).
    pub at_ms: i64,
    /// Whether it was handed to another number rather than hung up.
    pub transferred: bool,
}

/// The events of one call produced so far: each is produced once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notified {
    /// The `in-progress` status-update.
    pub answered: bool,
    /// The final status-update and the end-of-call-report.
    pub ended: bool,
}

/// The stage of an outbound call at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Just placed; shown as `connecting` in the history, which has no
    /// `dialing` status.
    Dialing,
    /// Ringing.
    Connecting,
    /// Talking.
    InProgress,
    /// Over.
    Ended,
    /// Not answered (destinations ending in `0000`).
    Failed,
    /// Handed to another number by a `transfer` command.
    Transferred,
}

impl Stage {
    /// Whether the call was answered by now.
    pub fn answered(self) -> bool {
        matches!(self, Self::InProgress | Self::Ended | Self::Transferred)
    }

    /// Whether the call is over.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Ended | Self::Failed | Self::Transferred)
    }
}

/// Why an outbound request is refused, with the platform's documented status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    /// 404: no agent with that id.
    #[error("Agent not found")]
    AgentNotFound,
    /// 400: the agent exists but is inactive.
    #[error("Agent is inactive")]
    AgentInactive,
}

/// All calls the sandbox knows.
pub struct Store {
    agents: Vec<Agent>,
    step_ms: i64,
    talk_ms: i64,
    demo: Vec<Call>,
    outbound: Vec<Outbound>,
    ids: SplitMix64,
}

impl Store {
    /// A store holding the demo history of `config`, anchored at `now_ms`
    /// unless the config names an anchor.
    pub fn new(config: &Config, now_ms: i64) -> Self {
        let anchor = config
            .anchor
            .as_ref()
            .map_or(now_ms, Timestamp::unix_millis);
        Self {
            agents: config.agents.clone(),
            step_ms: i64::try_from(config.step.as_millis())
                .unwrap_or(i64::MAX)
                .max(1),
            talk_ms: i64::try_from(config.talk.as_millis()).unwrap_or(i64::MAX),
            demo: demo_calls(config.demo_calls, config.seed, anchor, &config.agents),
            outbound: Vec::new(),
            ids: SplitMix64::new(config.seed ^ 0x5EED),
        }
    }

    /// How long calls placed from now on stay in progress (ms).
    pub fn talk_ms(&self) -> i64 {
        self.talk_ms
    }

    /// Changes the talk length of calls placed from now on.
    pub fn set_talk_ms(&mut self, talk_ms: i64) {
        self.talk_ms = talk_ms.max(0);
    }

    /// Places an outbound call.
    ///
    /// # Errors
    /// [`OutboundError`] for an unknown or inactive agent.
    pub fn place(
        &mut self,
        destination: PhoneNumber,
        agent_id: &AgentId,
        now_ms: i64,
    ) -> Result<Outbound, OutboundError> {
        self.place_with_greeting(destination, agent_id, None, now_ms)
    }

    /// Places an outbound call that opens with `first_message`.
    ///
    /// # Errors
    /// [`OutboundError`] for an unknown or inactive agent.
    pub fn place_with_greeting(
        &mut self,
        destination: PhoneNumber,
        agent_id: &AgentId,
        first_message: Option<String>,
        now_ms: i64,
    ) -> Result<Outbound, OutboundError> {
        let agent_name = self.check_agent(agent_id)?.name.clone();
        let id = format!("call-outbound-{:012x}", self.ids.next_u64() >> 16);
        let call = Outbound {
            id: CallId::parse(&id).expect("generated ids are printable"),
            destination,
            agent_name,
            agent_id: agent_id.clone(),
            placed_ms: now_ms,
            talk_ms: self.talk_ms,
            first_message,
            early_end: None,
            said: Vec::new(),
            notified: Notified::default(),
        };
        self.outbound.push(call.clone());
        Ok(call)
    }

    /// The agent, if it may place a call.
    ///
    /// # Errors
    /// [`OutboundError`] for an unknown or inactive agent.
    pub fn check_agent(&self, agent_id: &AgentId) -> Result<&Agent, OutboundError> {
        let agent = self
            .agents
            .iter()
            .find(|agent| &agent.id == agent_id)
            .ok_or(OutboundError::AgentNotFound)?;
        if agent.active {
            Ok(agent)
        } else {
            Err(OutboundError::AgentInactive)
        }
    }

    /// Whether a call with this id exists.
    pub fn contains(&self, id: &str) -> bool {
        self.outbound.iter().any(|c| c.id.as_str() == id)
            || self.demo.iter().any(|c| c.id.as_str() == id)
    }

    /// The stage of an outbound call at `now_ms`: one step dialing, one
    /// ringing, its talk length in progress (two steps unless told), then
    /// ended; unless a control command ended it before.
    pub fn stage(&self, call: &Outbound, now_ms: i64) -> Stage {
        let elapsed = now_ms - call.placed_ms;
        let step = self.step_ms;
        if elapsed < step {
            return Stage::Dialing;
        }
        if elapsed < 2 * step {
            return Stage::Connecting;
        }
        if call.destination.digits().ends_with("0000") {
            return Stage::Failed;
        }
        match &call.early_end {
            Some(end) if end.at_ms <= now_ms && end.transferred => Stage::Transferred,
            Some(end) if end.at_ms <= now_ms => Stage::Ended,
            _ if elapsed < 2 * step + call.talk_ms => Stage::InProgress,
            _ => Stage::Ended,
        }
    }

    /// When an outbound call was (or will be) answered.
    fn answered_ms(&self, call: &Outbound) -> i64 {
        call.placed_ms + 2 * self.step_ms
    }

    /// When an outbound call ends (or ended): early, or after its talk.
    fn end_ms(&self, call: &Outbound) -> i64 {
        call.early_end
            .as_ref()
            .map_or(self.answered_ms(call) + call.talk_ms, |end| end.at_ms)
    }

    /// An outbound call as the history shows it at `now_ms`.
    fn outbound_record(&self, call: &Outbound, now_ms: i64) -> Call {
        let at = Timestamp::from_unix_millis;
        let answered = self.answered_ms(call);
        let ended = self.end_ms(call);
        let talk_seconds = whole_seconds(ended - answered);
        let (status, started_at, ended_at, duration, summary, error, updated) =
            match self.stage(call, now_ms) {
                Stage::Dialing => (
                    CallStatus::Connecting,
                    None,
                    None,
                    None,
                    None,
                    None,
                    call.placed_ms,
                ),
                Stage::Connecting => (
                    CallStatus::Connecting,
                    None,
                    None,
                    None,
                    None,
                    None,
                    call.placed_ms + self.step_ms,
                ),
                Stage::InProgress => (
                    CallStatus::InProgress,
                    Some(at(answered)),
                    None,
                    None,
                    None,
                    None,
                    answered,
                ),
                Stage::Failed => (
                    CallStatus::Failed,
                    None,
                    Some(at(answered)),
                    Some(0),
                    None,
                    Some("no-answer".to_owned()),
                    answered,
                ),
                Stage::Ended => (
                    CallStatus::Ended,
                    Some(at(answered)),
                    Some(at(ended)),
                    Some(talk_seconds),
                    Some(OUTBOUND_SUMMARY.to_owned()),
                    None,
                    ended,
                ),
                Stage::Transferred => (
                    CallStatus::from_wire(TRANSFERRED),
                    Some(at(answered)),
                    Some(at(ended)),
                    Some(talk_seconds),
                    Some(TRANSFER_SUMMARY.to_owned()),
                    None,
                    ended,
                ),
            };
        Call {
            id: call.id.clone(),
            caller_phone: call.destination.as_str().to_owned(),
            assistant_phone: Some(ASSISTANT_PHONE.to_owned()),
            status,
            error,
            started_at,
            ended_at,
            duration_seconds: duration,
            summary,
            agent_name: Some(call.agent_name.clone()),
            business_name: Some(BUSINESS_NAME.to_owned()),
            agent_id: Some(call.agent_id.as_str().to_owned()),
            created_at: at(call.placed_ms),
            updated_at: at(updated),
            commands: Vec::new(),
        }
    }

    /// One call as the history shows it at `now_ms`, if it exists by then.
    pub fn get(&self, id: &str, now_ms: i64) -> Option<Call> {
        self.outbound
            .iter()
            .filter(|call| call.placed_ms <= now_ms)
            .find(|call| call.id.as_str() == id)
            .map(|call| self.outbound_record(call, now_ms))
            .or_else(|| {
                self.demo
                    .iter()
                    .find(|call| call.id.as_str() == id)
                    .cloned()
            })
    }

    /// Ends a call at `now_ms` (hung up, or `transferred`). The caller
    /// checks first that it is in progress.
    pub fn end_early(&mut self, id: &str, now_ms: i64, transferred: bool) {
        if let Some(call) = self.outbound.iter_mut().find(|c| c.id.as_str() == id) {
            call.early_end = Some(EarlyEnd {
                at_ms: now_ms,
                transferred,
            });
            return;
        }
        // A demo call has no clock to follow: its record is rewritten.
        if let Some(call) = self.demo.iter_mut().find(|c| c.id.as_str() == id) {
            let started = call
                .started_at
                .as_ref()
                .map_or(now_ms, Timestamp::unix_millis);
            call.status = if transferred {
                CallStatus::from_wire(TRANSFERRED)
            } else {
                CallStatus::Ended
            };
            call.ended_at = Some(Timestamp::from_unix_millis(now_ms));
            call.duration_seconds = Some(whole_seconds(now_ms - started));
            call.summary = Some(
                if transferred {
                    TRANSFER_SUMMARY
                } else {
                    OUTBOUND_SUMMARY
                }
                .to_owned(),
            );
            call.updated_at = Timestamp::from_unix_millis(now_ms);
        }
    }

    /// Keeps a line the agent was told to say, for the call's report.
    pub fn note_said(&mut self, id: &str, line: &str) {
        if let Some(call) = self.outbound.iter_mut().find(|c| c.id.as_str() == id) {
            call.said.push(line.to_owned());
        }
    }

    /// The events outbound calls owe at `now_ms`, each produced once and
    /// in lifecycle order: `in-progress` once answered, then the final
    /// status-update and the end-of-call-report once over. A call that
    /// answered and ended between two looks gets all of them at once.
    pub fn due_events(&mut self, now_ms: i64) -> Vec<Event> {
        let mut due = Vec::new();
        for index in 0..self.outbound.len() {
            let call = &self.outbound[index];
            if call.placed_ms > now_ms {
                continue;
            }
            let stage = self.stage(call, now_ms);
            let mut notified = call.notified;
            if stage.answered() && !notified.answered {
                notified.answered = true;
                due.push(events::answered(call, self.answered_ms(call)));
            }
            if stage.is_final() && !notified.ended {
                notified.ended = true;
                let record = self.outbound_record(call, now_ms);
                let end_ms = record
                    .ended_at
                    .as_ref()
                    .map_or(now_ms, Timestamp::unix_millis);
                due.extend(events::ended(call, &record, stage, end_ms));
            }
            self.outbound[index].notified = notified;
        }
        due
    }

    /// One page of the history at `now_ms`, newest first: filtered by status
    /// and by `created_at` within the date range, then paged.
    pub fn list(&self, query: &CallsQuery, now_ms: i64) -> CallList {
        let mut matching: Vec<Call> = self
            .outbound
            .iter()
            .filter(|call| call.placed_ms <= now_ms)
            .map(|call| self.outbound_record(call, now_ms))
            .chain(self.demo.iter().cloned())
            .filter(|call| {
                query
                    .status
                    .is_none_or(|status| status.matches(&call.status))
            })
            .filter(|call| query.range.contains(&call.created_at))
            .collect();
        matching.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        let total = matching.len();
        let offset = usize::try_from(query.offset.get()).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.limit.get()).unwrap_or(usize::MAX);
        CallList {
            calls: matching.into_iter().skip(offset).take(limit).collect(),
            pagination: Pagination {
                total: u64::try_from(total).unwrap_or(u64::MAX),
                limit: query.limit.get(),
                offset: query.offset.get(),
            },
        }
    }
}

/// Milliseconds as whole seconds, rounded to the nearest.
fn whole_seconds(ms: i64) -> u32 {
    u32::try_from((ms.max(0) + 500) / 1_000).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use callme_shared::{PageLimit, PageOffset, StatusFilter};
    use std::time::Duration;

    const NOW: i64 = 1_765_620_000_000;

    fn store() -> Store {
        let config =
            Config::from_args(["--api-key", "k", "--step-ms", "1000"].map(String::from)).unwrap();
        assert_eq!(config.step, Duration::from_secs(1));
        Store::new(&config, NOW)
    }

    fn support() -> AgentId {
        AgentId::parse("0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01").unwrap()
    }

    fn phone(text: &str) -> PhoneNumber {
        PhoneNumber::parse(text).unwrap()
    }

    #[test]
    fn an_outbound_call_moves_through_every_stage() {
        let mut store = store();
        let call = store.place(phone("+31612345678"), &support(), NOW).unwrap();
        let stages: Vec<Stage> = [0, 999, 1_000, 2_000, 3_999, 4_000, 60_000]
            .iter()
            .map(|ms| store.stage(&call, NOW + ms))
            .collect();
        use Stage::*;
        assert_eq!(
            stages,
            [
                Dialing, Dialing, Connecting, InProgress, InProgress, Ended, Ended
            ]
        );
    }

    #[test]
    fn a_number_ending_in_0000_fails_after_ringing() {
        let mut store = store();
        let call = store.place(phone("+31612340000"), &support(), NOW).unwrap();
        assert_eq!(store.stage(&call, NOW + 2_500), Stage::Failed);
    }

    #[test]
    fn unknown_and_inactive_agents_are_refused() {
        let mut store = store();
        let unknown = AgentId::parse("00000000-0000-4000-8000-000000000000").unwrap();
        let inactive = AgentId::parse("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c23").unwrap();
        assert_eq!(
            store
                .place(phone("+31612345678"), &unknown, NOW)
                .unwrap_err(),
            OutboundError::AgentNotFound
        );
        assert_eq!(
            store
                .place(phone("+31612345678"), &inactive, NOW)
                .unwrap_err(),
            OutboundError::AgentInactive
        );
    }

    #[test]
    fn a_placed_call_heads_the_history_and_ends_with_a_duration() {
        let mut store = store();
        let call = store
            .place(phone("+31612345678"), &support(), NOW + 1)
            .unwrap();
        let page = store.list(&CallsQuery::default(), NOW + 10_000);
        assert_eq!(page.calls[0].id, call.id);
        assert_eq!(page.calls[0].status, CallStatus::Ended);
        assert_eq!(page.calls[0].duration_seconds, Some(2));
        assert_eq!(page.pagination.total, 161);
    }

    #[test]
    fn status_date_and_paging_filters_hold() {
        let store = store();
        let all = store.list(
            &CallsQuery {
                limit: PageLimit::new(1_000).unwrap(),
                ..CallsQuery::default()
            },
            NOW,
        );
        let failed = store.list(
            &CallsQuery {
                status: Some(StatusFilter::Failed),
                limit: PageLimit::new(1_000).unwrap(),
                ..CallsQuery::default()
            },
            NOW,
        );
        let failed_count = all
            .calls
            .iter()
            .filter(|c| c.status == CallStatus::Failed)
            .count();
        assert_eq!(failed.calls.len(), failed_count);
        assert_eq!(
            failed.pagination.total,
            u64::try_from(failed_count).unwrap()
        );

        let page = store.list(
            &CallsQuery {
                limit: PageLimit::new(50).unwrap(),
                offset: PageOffset::new(150),
                ..CallsQuery::default()
            },
            NOW,
        );
        assert_eq!(page.calls.len(), 10);
        assert_eq!(page.calls[0].id, all.calls[150].id);

        let week = format!(
            "start_date={}&end_date={}",
            Timestamp::from_unix_millis(NOW - 7 * 86_400_000),
            Timestamp::from_unix_millis(NOW)
        );
        let week = CallsQuery::from_pairs(form_urlencoded::parse(week.as_bytes())).unwrap();
        let in_week = store.list(&week, NOW);
        let expected = all
            .calls
            .iter()
            .filter(|c| c.created_at.unix_millis() >= NOW - 7 * 86_400_000)
            .count();
        assert_eq!(in_week.pagination.total, u64::try_from(expected).unwrap());
        assert!(expected > 0 && expected < 160);
    }
}
