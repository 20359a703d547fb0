//! The call record: callme's own copy of each call it placed or heard of
//! (D1, `glue/record.rs`), so status polls, restricted portal pages and
//! exports cost no platform request. Pure: the row, how a sighting of a
//! call (the outbound answer, an event, a platform read) changes it, and
//! what a poll does with it. A status only moves forward.
//!
//! Personal data: only what the portal shows (number, agent, times,
//! status, error, summary), kept `CALL_RETENTION_DAYS`.

use callme_shared::{
    AgentAlias, AgentId, Call, CallId, CallStatus, CallbackStatus, LiveStatus, PlatformStatus,
    Timestamp,
};

/// One call as the edge knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// The platform's id.
    pub id: CallId,
    /// The other party's number (E.164 for calls callme placed).
    pub phone: Option<String>,
    /// The agent alias callme placed it with.
    pub agent: Option<String>,
    /// The platform's name of the agent.
    pub agent_name: Option<String>,
    /// The platform's word for the status.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was answered (Unix ms).
    pub started_ms: Option<i64>,
    /// When it ended.
    pub ended_ms: Option<i64>,
    /// Its length in seconds.
    pub duration_s: Option<u32>,
    /// The platform's summary (untrusted text).
    pub summary: Option<String>,
    /// When the platform made it (or callme placed it).
    pub created_ms: i64,
    /// When anything in this record last changed.
    pub changed_ms: i64,
    /// When a poll last asked the platform about it (0: never).
    pub checked_ms: i64,
    /// Bumped on every write: a write only lands on the version it read.
    pub version: i64,
}

/// What one source says of a call; `None` says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sighting {
    /// The platform's word.
    pub status: Option<String>,
    /// The other party's number.
    pub phone: Option<String>,
    /// Our agent alias.
    pub agent: Option<String>,
    /// The platform's agent name.
    pub agent_name: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Answered at.
    pub started_ms: Option<i64>,
    /// Ended at.
    pub ended_ms: Option<i64>,
    /// Length.
    pub duration_s: Option<u32>,
    /// Summary.
    pub summary: Option<String>,
    /// Made at (for a call first heard of here).
    pub created_ms: Option<i64>,
}

impl Sighting {
    /// What a platform list or `GET /calls/{id}` says of a call; its
    /// `agent_id`, when the platform names one, becomes the alias `agents`
    /// (`AGENTS`) gives it, which agent-restricted tokens read by.
    pub fn of_call(call: &Call, agents: &[(AgentAlias, AgentId)]) -> Self {
        let agent = call.agent_id.as_deref().and_then(|id| {
            agents
                .iter()
                .find(|(_, known)| known.as_str().eq_ignore_ascii_case(id))
                .map(|(alias, _)| alias.as_str().to_owned())
        });
        Self {
            status: Some(call.status.as_str().to_owned()),
            phone: Some(call.caller_phone.clone()).filter(|p| !p.is_empty()),
            agent,
            agent_name: call.agent_name.clone(),
            error: call.error.clone(),
            started_ms: call.started_at.as_ref().map(Timestamp::unix_millis),
            ended_ms: call.ended_at.as_ref().map(Timestamp::unix_millis),
            duration_s: call.duration_seconds,
            summary: call.summary.clone(),
            created_ms: Some(call.created_at.unix_millis()),
        }
    }
}

impl CallRecord {
    /// The platform's status.
    pub fn platform_status(&self) -> PlatformStatus {
        PlatformStatus::from_wire(&self.status)
    }

    /// Whether the call is over.
    pub fn is_final(&self) -> bool {
        self.platform_status().is_final()
    }

    /// What the visitor who asked for it sees: never the number, the
    /// summary or anything of another call.
    pub fn view(&self) -> CallbackStatus {
        let status = self.platform_status().live();
        let stamp = |ms: Option<i64>| ms.map(Timestamp::from_unix_millis);
        CallbackStatus {
            call_id: self.id.clone(),
            status,
            at: None,
            duration_seconds: self.duration_s.filter(|_| status.is_final()),
            started_at: stamp(self.started_ms).filter(|_| {
                !matches!(
                    status,
                    LiveStatus::Dialing | LiveStatus::Ringing | LiveStatus::Connecting
                )
            }),
            ended_at: stamp(self.ended_ms).filter(|_| status.is_final()),
            error: self.error.clone().filter(|_| status == LiveStatus::Failed),
        }
    }

    /// The record as a row of the portal's history (the platform's shape).
    pub fn as_call(&self) -> Call {
        let stamp = |ms: i64| Timestamp::from_unix_millis(ms);
        Call {
            id: self.id.clone(),
            caller_phone: self.phone.clone().unwrap_or_default(),
            assistant_phone: None,
            status: CallStatus::from_wire(&self.status),
            error: self.error.clone(),
            started_at: self.started_ms.map(stamp),
            ended_at: self.ended_ms.map(stamp),
            duration_seconds: self.duration_s,
            summary: self.summary.clone(),
            agent_name: self.agent_name.clone(),
            business_name: None,
            agent_id: None,
            created_at: stamp(self.created_ms),
            updated_at: stamp(self.changed_ms),
            commands: Vec::new(),
        }
    }
}

/// The record after `sighting` at `now_ms`, or `None` when it changes
/// nothing (a duplicate, or news older than what is known). A status is
/// taken only when it is further along; every other field is filled when
/// missing, and the end-of-call report's length and summary are taken
/// even after the end.
pub fn merge(
    existing: Option<&CallRecord>,
    id: &CallId,
    sighting: &Sighting,
    now_ms: i64,
) -> Option<CallRecord> {
    let Some(old) = existing else {
        return Some(CallRecord {
            id: id.clone(),
            phone: sighting.phone.clone(),
            agent: sighting.agent.clone(),
            agent_name: sighting.agent_name.clone(),
            status: sighting.status.clone().unwrap_or_else(|| "dialing".into()),
            error: sighting.error.clone(),
            started_ms: sighting.started_ms,
            ended_ms: sighting.ended_ms,
            duration_s: sighting.duration_s,
            summary: sighting.summary.clone(),
            created_ms: sighting.created_ms.unwrap_or(now_ms),
            changed_ms: now_ms,
            checked_ms: 0,
            version: 1,
        });
    };
    let mut new = old.clone();
    if let Some(status) = &sighting.status
        && PlatformStatus::from_wire(status).progress() > old.platform_status().progress()
    {
        new.status.clone_from(status);
    }
    fill(&mut new.phone, &sighting.phone);
    fill(&mut new.agent, &sighting.agent);
    fill(&mut new.agent_name, &sighting.agent_name);
    fill(&mut new.error, &sighting.error);
    fill(&mut new.started_ms, &sighting.started_ms);
    fill(&mut new.ended_ms, &sighting.ended_ms);
    // The report's figures are the final word on a call's length and
    // content; a status update says nothing of them.
    if sighting.duration_s.is_some() {
        new.duration_s = sighting.duration_s;
    }
    if sighting.summary.is_some() {
        new.summary.clone_from(&sighting.summary);
    }
    if new == *old {
        return None;
    }
    new.changed_ms = now_ms;
    new.version = old.version + 1;
    Some(new)
}

fn fill<T: Clone>(field: &mut Option<T>, value: &Option<T>) {
    if field.is_none() {
        field.clone_from(value);
    }
}

/// What a status poll does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Answer from the record.
    Answer(CallbackStatus),
    /// Ask the platform (`GET /calls/{id}`) first: the record is missing,
    /// or live and unchanged for the refresh time. Only the poll that
    /// claims the lookup asks; the others answer from the record.
    LookUp,
}

/// The poll for `record` at `now_ms`.
pub fn poll(record: Option<&CallRecord>, now_ms: i64, refresh_ms: i64) -> Poll {
    match record {
        None => Poll::LookUp,
        Some(record) if record.is_final() => Poll::Answer(record.view()),
        Some(record) if now_ms - record.changed_ms.max(record.checked_ms) >= refresh_ms => {
            Poll::LookUp
        }
        Some(record) => Poll::Answer(record.view()),
    }
}

/// How far back a reconciling run reads, so that a call changed since the
/// last run is in its one list: from the oldest call the record holds as
/// live, or else the last run (less a minute for clocks and the platform's
/// lag), and never before the retention period (the whole of it on the
/// first run).
pub fn reconcile_from(
    now_ms: i64,
    last_run_ms: Option<i64>,
    oldest_live_ms: Option<i64>,
    retention_days: i64,
) -> i64 {
    let kept_from = now_ms - retention_days * 86_400_000;
    let since = match (last_run_ms, oldest_live_ms) {
        (Some(last), Some(live)) => last.min(live),
        (Some(last), None) => last,
        (None, _) => kept_from,
    };
    (since - 60_000).max(kept_from)
}

/// Every status word the platform uses, for filters the record answers.
const PLATFORM_WORDS: [&str; 10] = [
    "dialing",
    "ringing",
    "connecting",
    "in-progress",
    "transferred",
    "ended",
    "ended-with-error",
    "failed",
    "rejected",
    "insufficient-credits",
];

/// A portal page read from the record instead of the platform: the same
/// query, within the token's restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordQuery {
    /// Only this number.
    pub phone: Option<String>,
    /// Only this agent alias (the one callme placed the call with, or the
    /// one `AGENTS` gives the platform's `agent_id`).
    pub agent: Option<String>,
    /// Only these status words (`None`: any).
    pub statuses: Option<Vec<&'static str>>,
    /// Created from (Unix ms, inclusive).
    pub from_ms: Option<i64>,
    /// Created until (inclusive).
    pub until_ms: Option<i64>,
    /// Page size.
    pub limit: u32,
    /// Rows skipped.
    pub offset: u32,
}

impl RecordQuery {
    /// The record's reading of `query` for a token restricted by `phone`
    /// and `agent_name`. A status filter keeps the words the platform's
    /// history would show under it.
    pub fn new(
        query: &callme_shared::CallsQuery,
        phone: Option<&str>,
        agent: Option<&str>,
    ) -> Self {
        Self {
            phone: phone.map(str::to_owned),
            agent: agent.map(str::to_owned),
            statuses: query.status.map(|filter| {
                PLATFORM_WORDS
                    .into_iter()
                    .filter(|word| filter.matches(&CallStatus::from_wire(word)))
                    .collect()
            }),
            from_ms: query.range.start().map(Timestamp::unix_millis),
            until_ms: query.range.end().map(Timestamp::unix_millis),
            limit: query.limit.get(),
            offset: query.offset.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> CallId {
        CallId::parse("call-outbound-abc").unwrap()
    }

    fn status(word: &str) -> Sighting {
        Sighting {
            status: Some(word.into()),
            ..Sighting::default()
        }
    }

    fn placed() -> CallRecord {
        let sighting = Sighting {
            phone: Some("+31612345678".into()),
            agent: Some("support".into()),
            ..status("dialing")
        };
        merge(None, &id(), &sighting, 1_000).unwrap()
    }

    #[test]
    fn a_status_only_moves_forward() {
        let mut record = placed();
        for (word, now, expected) in [
            ("in-progress", 2_000, "in-progress"),
            ("connecting", 3_000, "in-progress"),
            ("ended", 4_000, "ended"),
            ("in-progress", 5_000, "ended"),
            ("failed", 6_000, "ended"),
        ] {
            if let Some(next) = merge(Some(&record), &id(), &status(word), now) {
                record = next;
            }
            assert_eq!(record.status, expected, "after {word}");
        }
        assert_eq!(record.changed_ms, 4_000, "late news changed nothing");
    }

    #[test]
    fn the_same_news_twice_changes_the_record_once() {
        let record = placed();
        let answered = Sighting {
            started_ms: Some(1_500),
            ..status("in-progress")
        };
        let once = merge(Some(&record), &id(), &answered, 2_000).unwrap();
        assert_eq!(once.version, record.version + 1);
        assert_eq!(merge(Some(&once), &id(), &answered, 3_000), None);
    }

    #[test]
    fn a_report_after_the_end_adds_its_length_and_summary() {
        let ended = merge(Some(&placed()), &id(), &status("ended"), 2_000).unwrap();
        let report = Sighting {
            duration_s: Some(84),
            summary: Some("Klant vroeg naar openingstijden.".into()),
            ended_ms: Some(1_900),
            ..Sighting::default()
        };
        let full = merge(Some(&ended), &id(), &report, 3_000).unwrap();
        assert_eq!((full.duration_s, full.ended_ms), (Some(84), Some(1_900)));
        assert_eq!(full.view().duration_seconds, Some(84));
        // Fields a record has are not overwritten by another source.
        let other = Sighting {
            phone: Some("+31687654321".into()),
            ..Sighting::default()
        };
        assert_eq!(merge(Some(&full), &id(), &other, 4_000), None);
    }

    #[test]
    fn the_visitor_sees_every_platform_status_as_one_of_theirs() {
        for (word, live) in [
            ("dialing", LiveStatus::Dialing),
            ("ringing", LiveStatus::Ringing),
            ("in-progress", LiveStatus::InProgress),
            ("transferred", LiveStatus::Transferred),
            ("ended-with-error", LiveStatus::Failed),
            ("rejected", LiveStatus::Failed),
            ("something-new", LiveStatus::Dialing),
        ] {
            let record = merge(Some(&placed()), &id(), &status(word), 2_000).unwrap_or_else(placed);
            assert_eq!(record.view().status, live, "{word}");
        }
    }

    #[test]
    fn a_failed_call_shows_its_error_and_a_live_one_hides_times_it_lacks() {
        let failed = Sighting {
            error: Some("no-answer".into()),
            ..status("ended-with-error")
        };
        let record = merge(Some(&placed()), &id(), &failed, 2_000).unwrap();
        assert_eq!(record.view().error.as_deref(), Some("no-answer"));
        let live = merge(Some(&placed()), &id(), &status("ringing"), 2_000).unwrap();
        assert_eq!(live.view().started_at, None);
        assert_eq!(live.view().error, None);
    }

    #[test]
    fn a_poll_looks_up_only_a_missing_or_quiet_live_call() {
        let record = placed();
        assert_eq!(poll(None, 0, 15_000), Poll::LookUp);
        assert!(matches!(
            poll(Some(&record), 15_999, 15_000),
            Poll::Answer(_)
        ));
        assert_eq!(poll(Some(&record), 16_000, 15_000), Poll::LookUp);
        let checked = CallRecord {
            checked_ms: 16_000,
            ..record.clone()
        };
        assert!(matches!(
            poll(Some(&checked), 30_000, 15_000),
            Poll::Answer(_)
        ));
        let ended = merge(Some(&record), &id(), &status("ended"), 2_000).unwrap();
        assert!(matches!(
            poll(Some(&ended), 1_000_000, 15_000),
            Poll::Answer(_)
        ));
    }

    #[test]
    fn a_portal_query_keeps_the_tokens_restriction_and_the_filters_words() {
        let query = callme_shared::CallsQuery::from_pairs([
            ("status", "failed"),
            ("limit", "50"),
            ("start_date", "2025-12-13T10:00:00Z"),
        ])
        .unwrap();
        let read = RecordQuery::new(&query, Some("+31612345678"), None);
        assert_eq!(read.phone.as_deref(), Some("+31612345678"));
        assert_eq!(read.statuses, Some(vec!["failed"]));
        assert_eq!((read.limit, read.offset), (50, 0));
        assert_eq!(read.from_ms, Some(1_765_620_000_000));
        let all = RecordQuery::new(&callme_shared::CallsQuery::default(), None, Some("Sales"));
        assert_eq!((all.statuses, all.limit), (None, 100));
    }

    #[test]
    fn reconciling_reads_back_to_the_oldest_live_call_or_the_last_run() {
        let day = 86_400_000;
        let now = 100 * day;
        assert_eq!(reconcile_from(now, None, None, 90), 10 * day);
        assert_eq!(
            reconcile_from(now, Some(now - 300_000), None, 90),
            now - 360_000
        );
        assert_eq!(
            reconcile_from(now, Some(now - 300_000), Some(now - 3_600_000), 90),
            now - 3_660_000
        );
        assert_eq!(reconcile_from(now, Some(1), Some(1), 90), 10 * day);
    }

    #[test]
    fn a_listed_calls_platform_agent_becomes_its_alias() {
        let agents = crate::config::tests::config().public.agents;
        let listed = |agent_id: Option<&str>| -> Call {
            serde_json::from_value(serde_json::json!({
                "id": "call-x", "caller_phone": "+31612345678", "status": "ended",
                "agent_name": "Customer Support", "agent_id": agent_id,
                "created_at": "2025-12-13T10:00:00Z", "updated_at": "2025-12-13T10:00:00Z"
            }))
            .unwrap()
        };
        let support = listed(Some("0B0C0F6E-8A1D-4C55-9A43-6F1F2A7C9D01"));
        assert_eq!(
            Sighting::of_call(&support, &agents).agent.as_deref(),
            Some("support")
        );
        // An agent the site does not configure, or none named: no alias,
        // so only unrestricted tokens see the call.
        let other = listed(Some("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c23"));
        assert_eq!(Sighting::of_call(&other, &agents).agent, None);
        assert_eq!(Sighting::of_call(&listed(None), &agents).agent, None);
    }

    #[test]
    fn a_record_reads_as_a_history_row() {
        let call = placed().as_call();
        assert_eq!(call.caller_phone, "+31612345678");
        assert_eq!(call.status, CallStatus::Other("dialing".into()));
        let back = Sighting::of_call(&call, &[]);
        assert_eq!(back.agent, None, "a record's row names no platform agent");
        assert_eq!(back.phone.as_deref(), Some("+31612345678"));
        assert_eq!(back.created_ms, Some(1_000));
    }
}
