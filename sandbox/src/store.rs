//! The sandbox's calls: the demo history plus the outbound calls placed
//! since start, whose status follows from how long ago they were placed.

use callme_shared::{
    AgentId, Call, CallId, CallList, CallStatus, CallsQuery, Pagination, PhoneNumber, Timestamp,
};

use crate::config::{Agent, Config};
use crate::seed::{ASSISTANT_PHONE, BUSINESS_NAME, SplitMix64, demo_calls};

/// An outbound call as placed; its status is derived, never stored, so no
/// timer task is needed and a test with a short step sees the whole life.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// The call id handed out.
    pub id: CallId,
    /// The number dialled.
    pub destination: PhoneNumber,
    /// The agent's display name.
    pub agent_name: String,
    /// When it was placed (Unix ms).
    pub placed_ms: i64,
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
            demo: demo_calls(config.demo_calls, config.seed, anchor, &config.agents),
            outbound: Vec::new(),
            ids: SplitMix64::new(config.seed ^ 0x5EED),
        }
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
        let agent = self
            .agents
            .iter()
            .find(|agent| &agent.id == agent_id)
            .ok_or(OutboundError::AgentNotFound)?;
        if !agent.active {
            return Err(OutboundError::AgentInactive);
        }
        let id = format!("call-outbound-{:012x}", self.ids.next_u64() >> 16);
        let call = Outbound {
            id: CallId::parse(&id).expect("generated ids are printable"),
            destination,
            agent_name: agent.name.clone(),
            placed_ms: now_ms,
        };
        self.outbound.push(call.clone());
        Ok(call)
    }

    /// Whether a call with this id exists.
    pub fn contains(&self, id: &str) -> bool {
        self.outbound.iter().any(|c| c.id.as_str() == id)
            || self.demo.iter().any(|c| c.id.as_str() == id)
    }

    /// The stage of an outbound call at `now_ms`: one step dialing, one
    /// ringing, two talking, then ended.
    pub fn stage(&self, call: &Outbound, now_ms: i64) -> Stage {
        let elapsed = now_ms - call.placed_ms;
        let step = self.step_ms;
        let fails = call.destination.digits().ends_with("0000");
        match elapsed / step {
            0 => Stage::Dialing,
            1 => Stage::Connecting,
            _ if fails => Stage::Failed,
            2 | 3 => Stage::InProgress,
            _ => Stage::Ended,
        }
    }

    /// An outbound call as the history shows it at `now_ms`.
    fn outbound_record(&self, call: &Outbound, now_ms: i64) -> Call {
        let step = self.step_ms;
        let at = |offset: i64| Timestamp::from_unix_millis(call.placed_ms + offset);
        let stage = self.stage(call, now_ms);
        let talk_seconds = u32::try_from((2 * step + 500) / 1_000).unwrap_or(u32::MAX);
        let (status, started_at, ended_at, duration, summary, error, updated) = match stage {
            Stage::Dialing => (CallStatus::Connecting, None, None, None, None, None, 0),
            Stage::Connecting => (CallStatus::Connecting, None, None, None, None, None, step),
            Stage::InProgress => (
                CallStatus::InProgress,
                Some(at(2 * step)),
                None,
                None,
                None,
                None,
                2 * step,
            ),
            Stage::Failed => (
                CallStatus::Failed,
                None,
                Some(at(2 * step)),
                Some(0),
                None,
                Some("no-answer".to_owned()),
                2 * step,
            ),
            Stage::Ended => (
                CallStatus::Ended,
                Some(at(2 * step)),
                Some(at(4 * step)),
                Some(talk_seconds),
                Some("Callback requested on the website. The agent introduced itself and helped the visitor with their question.".to_owned()),
                None,
                4 * step,
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
            created_at: at(0),
            updated_at: at(updated),
        }
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
