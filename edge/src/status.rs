//! The status of one callback, read from the platform's call list (which has
//! no "get one call" endpoint), with every poll sharing one platform answer.
//!
//! Every visitor polls every 1-5 s while their call lasts. Instead of one
//! list request per poll, the edge keeps one *recent-calls snapshot* (every
//! call created in the last [`RECENT_WINDOW_MS`]) for [`SNAPSHOT_TTL_MS`]:
//! all polls in that second, for any call, read it. A ticket older than the
//! window, or a call missing from a snapshot the platform cut short (more
//! than 1000 recent calls), reads a list of its own, also shared for a
//! second. The glue does the I/O; this module decides.

use std::rc::Rc;

use callme_shared::{
    CallId, CallList, CallbackStatus, CallsQuery, DateRange, PageLimit, PageOffset, Timestamp,
};

use crate::error::EdgeError;
use crate::history::{self, LOOKUP_SKEW_MS, UNKNOWN_AFTER_MS};

/// How far back the shared snapshot reaches: longer than a callback is
/// followed by its visitor.
pub const RECENT_WINDOW_MS: i64 = 30 * 60 * 1_000;
/// How long a snapshot answers polls: a poller sees a change of its call
/// within this plus one poll interval.
pub const SNAPSHOT_TTL_MS: i64 = 1_000;

/// A list the edge has read, and what it covers.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The first creation time the list includes (its `start_date`).
    pub start_ms: i64,
    /// When the platform answered.
    pub fetched_ms: i64,
    /// The calls.
    pub list: CallList,
}

impl Snapshot {
    /// Whether the platform listed every call since `start_ms` (rather than
    /// the first 1000 of them).
    pub fn is_complete(&self) -> bool {
        u64::try_from(self.list.calls.len()).unwrap_or(u64::MAX) >= self.list.pagination.total
    }

    /// Whether the snapshot may answer a poll for a ticket issued at
    /// `issued_ms`, at `now_ms`: fresh, and reaching back far enough.
    pub fn answers(&self, issued_ms: i64, now_ms: i64) -> bool {
        now_ms < self.fetched_ms + SNAPSHOT_TTL_MS
            && self.fetched_ms <= now_ms + SNAPSHOT_TTL_MS
            && self.start_ms <= issued_ms - LOOKUP_SKEW_MS
    }
}

/// The list a poll should read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The shared recent-calls snapshot, with the query that makes it.
    Recent(CallsQuery),
    /// A list for this ticket alone (from shortly before its issue).
    Own(CallsQuery),
}

/// The query of a recent-calls snapshot made at `now_ms`; its start is on a
/// whole second so that isolates asking at once ask alike.
pub fn recent_query(now_ms: i64) -> CallsQuery {
    list_from(now_ms - now_ms.rem_euclid(1_000) - RECENT_WINDOW_MS)
}

/// The query of a ticket's own list.
pub fn own_query(issued_ms: i64) -> CallsQuery {
    list_from(issued_ms - LOOKUP_SKEW_MS)
}

fn list_from(start_ms: i64) -> CallsQuery {
    CallsQuery {
        limit: PageLimit::new(PageLimit::MAX).unwrap_or_default(),
        offset: PageOffset::new(0),
        status: None,
        range: DateRange::new(Some(Timestamp::from_unix_millis(start_ms)), None)
            .unwrap_or_default(),
    }
}

/// The start of a query's window (Unix ms), for [`Snapshot::start_ms`].
pub fn start_of(query: &CallsQuery) -> i64 {
    query.range.start().map_or(i64::MIN, Timestamp::unix_millis)
}

/// Where a poll for a ticket issued at `issued_ms` looks first at `now_ms`.
pub fn source(issued_ms: i64, now_ms: i64) -> Source {
    let recent = recent_query(now_ms);
    if start_of(&recent) <= issued_ms - LOOKUP_SKEW_MS {
        Source::Recent(recent)
    } else {
        Source::Own(own_query(issued_ms))
    }
}

/// What a list says of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// The visitor's view of the call (listed, or not listed yet).
    Status(CallbackStatus),
    /// A minute after its ticket the call is still not listed: unknown.
    NotFound,
    /// The list was cut short and does not hold the call: read the
    /// ticket's own list.
    ReadOwn,
}

/// Reads a call's status from a snapshot.
pub fn read(snapshot: &Snapshot, call_id: &CallId, issued_ms: i64, now_ms: i64) -> Reading {
    if let Some(call) = snapshot.list.calls.iter().find(|c| &c.id == call_id) {
        return Reading::Status(history::status_view(call_id, Some(call)));
    }
    if !snapshot.is_complete() {
        return Reading::ReadOwn;
    }
    if now_ms - issued_ms > UNKNOWN_AFTER_MS {
        Reading::NotFound
    } else {
        Reading::Status(history::status_view(call_id, None))
    }
}

/// Lists kept at once (the recent snapshot and a few tickets' own lists).
pub const KEPT_LISTS: usize = 16;

/// A list read (or being read) from the platform, by its path.
#[derive(Debug)]
struct Entry {
    path: String,
    /// The first creation time the list covers.
    start_ms: i64,
    /// When the fetch started.
    started_ms: i64,
    /// The answer, once there; a failure is shared too, for a second, so
    /// that an outage does not turn every waiting poll into a request.
    outcome: Option<Result<Rc<Snapshot>, EdgeError>>,
}

/// The lists one isolate holds, shared by every poll in it. Requests may
/// not await each other's I/O in workerd, so a poll that finds a list
/// being fetched waits on a timer and looks again ([`Found::InFlight`])
/// instead of sharing the fetch's promise. The glue keeps one of these per
/// isolate and does the fetching.
#[derive(Debug, Default)]
pub struct SharedLists {
    entries: Vec<Entry>,
}

/// What memory holds for a poll.
#[derive(Debug)]
pub enum Found {
    /// A list (or a fresh failure) that answers it.
    Ready(Result<Rc<Snapshot>, EdgeError>),
    /// A list that will answer it is being fetched: look again shortly.
    InFlight,
    /// Nothing: fetch.
    Nothing,
}

/// What a poll looks for.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// The platform path of the list it would fetch.
    pub path: &'a str,
    /// When its ticket was issued.
    pub issued_ms: i64,
    /// Only a list made by this very path will do (the shared one was cut
    /// short without the call).
    pub exact: bool,
    /// How long a fetch may be waited on (the platform's timeout).
    pub wait_limit_ms: i64,
}

impl SharedLists {
    /// What memory holds for `wanted` at `now_ms`. A complete list answers
    /// any ticket it covers, whatever second its query was made in; so
    /// does one being fetched, which the poll then waits for.
    pub fn lookup(&self, wanted: &Wanted<'_>, now_ms: i64) -> Found {
        let found = self.entries.iter().rev().find_map(|entry| {
            let same = entry.path == wanted.path;
            let covers =
                same || (!wanted.exact && entry.start_ms <= wanted.issued_ms - LOOKUP_SKEW_MS);
            match &entry.outcome {
                Some(Ok(snapshot))
                    if snapshot.answers(wanted.issued_ms, now_ms)
                        && (same || (!wanted.exact && snapshot.is_complete())) =>
                {
                    Some(Found::Ready(Ok(snapshot.clone())))
                }
                Some(Err(error)) if same && now_ms < entry.started_ms + SNAPSHOT_TTL_MS => {
                    Some(Found::Ready(Err(error.clone())))
                }
                None if covers && now_ms < entry.started_ms + wanted.wait_limit_ms => {
                    Some(Found::InFlight)
                }
                _ => None,
            }
        });
        found.unwrap_or(Found::Nothing)
    }

    /// Notes that the list at `path` (covering calls from `start_ms`) is
    /// being fetched since `started_ms`, replacing an older one of the
    /// same path and, past [`KEPT_LISTS`], the oldest.
    pub fn begin(&mut self, path: &str, start_ms: i64, started_ms: i64) {
        self.entries.retain(|e| e.path != path);
        if self.entries.len() >= KEPT_LISTS {
            self.entries.remove(0);
        }
        self.entries.push(Entry {
            path: path.to_owned(),
            start_ms,
            started_ms,
            outcome: None,
        });
    }

    /// Keeps the outcome of the fetch begun at `started_ms` (unless a
    /// newer fetch of the same path replaced it meanwhile).
    pub fn settle(
        &mut self,
        path: &str,
        started_ms: i64,
        outcome: Result<Rc<Snapshot>, EdgeError>,
    ) {
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.path == path && e.started_ms == started_ms)
        {
            entry.outcome = Some(outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callme_shared::{Call, CallStatus, LiveStatus, Pagination};

    const NOW: i64 = 1_790_000_000_500;

    fn call(id: &str, status: CallStatus) -> Call {
        serde_json::from_value(serde_json::json!({
            "id": id, "caller_phone": "+31612345678", "status": status.as_str(),
            "created_at": "2026-09-21T10:00:00.000Z", "updated_at": "2026-09-21T10:00:00.000Z"
        }))
        .unwrap()
    }

    fn snapshot(calls: Vec<Call>, total: u64, fetched_ms: i64) -> Snapshot {
        Snapshot {
            start_ms: start_of(&recent_query(fetched_ms)),
            fetched_ms,
            list: CallList {
                calls,
                pagination: Pagination {
                    total,
                    limit: 1000,
                    offset: 0,
                },
            },
        }
    }

    fn id(text: &str) -> CallId {
        CallId::parse(text).unwrap()
    }

    #[test]
    fn a_recent_ticket_reads_the_shared_snapshot() {
        let Source::Recent(query) = source(NOW - 60_000, NOW) else {
            panic!("a minute-old ticket should read the recent snapshot");
        };
        // The window starts on a whole second, the same for every poll in it.
        assert_eq!(query, recent_query(NOW + 400));
        assert_eq!(start_of(&query).rem_euclid(1_000), 0);
    }

    #[test]
    fn a_tickets_own_list_starts_shortly_before_the_ticket() {
        let query = own_query(NOW);
        assert_eq!(
            query.range.start().unwrap().unix_millis(),
            NOW - LOOKUP_SKEW_MS
        );
        assert_eq!((query.offset.get(), query.limit.get()), (0, 1_000));
    }

    #[test]
    fn an_old_ticket_reads_its_own_list() {
        let issued = NOW - RECENT_WINDOW_MS;
        assert_eq!(source(issued, NOW), Source::Own(own_query(issued)));
    }

    #[test]
    fn a_snapshot_answers_for_one_second_only() {
        let s = snapshot(vec![], 0, NOW);
        assert!(s.answers(NOW - 1_000, NOW));
        assert!(s.answers(NOW - 1_000, NOW + SNAPSHOT_TTL_MS - 1));
        assert!(!s.answers(NOW - 1_000, NOW + SNAPSHOT_TTL_MS));
    }

    #[test]
    fn a_snapshot_does_not_answer_for_calls_older_than_its_window() {
        let s = snapshot(vec![], 0, NOW);
        assert!(!s.answers(s.start_ms + LOOKUP_SKEW_MS - 1, NOW));
        assert!(s.answers(s.start_ms + LOOKUP_SKEW_MS, NOW));
    }

    #[test]
    fn a_listed_call_shows_its_status_and_nothing_of_others() {
        let s = snapshot(
            vec![
                call("call-a", CallStatus::InProgress),
                call("call-b", CallStatus::Ended),
            ],
            2,
            NOW,
        );
        let Reading::Status(status) = read(&s, &id("call-a"), NOW - 5_000, NOW) else {
            panic!("call-a is listed");
        };
        assert_eq!(
            (status.call_id, status.status),
            (id("call-a"), LiveStatus::InProgress)
        );
    }

    #[test]
    fn a_call_not_listed_yet_is_dialing_for_a_minute_then_unknown() {
        let s = snapshot(vec![call("call-b", CallStatus::Ended)], 1, NOW);
        let Reading::Status(status) = read(&s, &id("call-a"), NOW - 5_000, NOW) else {
            panic!("a new call is dialing");
        };
        assert_eq!(status.status, LiveStatus::Dialing);
        assert_eq!(
            read(&s, &id("call-a"), NOW - UNKNOWN_AFTER_MS - 1, NOW),
            Reading::NotFound
        );
    }

    #[test]
    fn a_cut_short_snapshot_without_the_call_sends_the_poll_to_its_own_list() {
        let s = snapshot(vec![call("call-b", CallStatus::Ended)], 5_000, NOW);
        assert!(!s.is_complete());
        assert_eq!(
            read(&s, &id("call-a"), NOW - UNKNOWN_AFTER_MS - 1, NOW),
            Reading::ReadOwn
        );
    }

    fn wanted(path: &str, issued_ms: i64, exact: bool) -> Wanted<'_> {
        Wanted {
            path,
            issued_ms,
            exact,
            wait_limit_ms: 10_000,
        }
    }

    #[test]
    fn a_poll_waits_for_a_list_being_fetched_then_shares_it() {
        let mut lists = SharedLists::default();
        let path = "/calls?recent";
        let start = start_of(&recent_query(NOW));
        assert!(matches!(
            lists.lookup(&wanted(path, NOW - 5_000, false), NOW),
            Found::Nothing
        ));
        lists.begin(path, start, NOW);
        // Another ticket, another second's query: the list in flight covers it.
        let other = wanted("/calls?other-second", NOW - 9_000, false);
        assert!(matches!(lists.lookup(&other, NOW + 5), Found::InFlight));
        // ...but not past the platform's timeout.
        assert!(matches!(lists.lookup(&other, NOW + 10_000), Found::Nothing));
        lists.settle(path, NOW, Ok(Rc::new(snapshot(vec![], 0, NOW + 50))));
        assert!(matches!(
            lists.lookup(&other, NOW + 60),
            Found::Ready(Ok(_))
        ));
        // A second later it answers nobody.
        let late = NOW + 50 + SNAPSHOT_TTL_MS;
        assert!(matches!(lists.lookup(&other, late), Found::Nothing));
    }

    #[test]
    fn a_cut_short_list_answers_only_its_own_query() {
        let mut lists = SharedLists::default();
        let start = start_of(&recent_query(NOW));
        lists.begin("/calls?recent", start, NOW);
        lists.settle(
            "/calls?recent",
            NOW,
            Ok(Rc::new(snapshot(vec![], 5_000, NOW))),
        );
        let own = wanted("/calls?own", NOW - 5_000, true);
        assert!(matches!(lists.lookup(&own, NOW + 1), Found::Nothing));
        let other = wanted("/calls?other-second", NOW - 5_000, false);
        assert!(matches!(lists.lookup(&other, NOW + 1), Found::Nothing));
        let same = wanted("/calls?recent", NOW - 5_000, false);
        assert!(matches!(lists.lookup(&same, NOW + 1), Found::Ready(Ok(_))));
    }

    #[test]
    fn a_failure_is_shared_for_a_second_by_the_same_query_only() {
        let mut lists = SharedLists::default();
        lists.begin("/calls?a", 0, NOW);
        lists.settle("/calls?a", NOW, Err(EdgeError::UpstreamTimeout));
        let same = wanted("/calls?a", NOW - 5_000, false);
        assert!(matches!(
            lists.lookup(&same, NOW + 999),
            Found::Ready(Err(EdgeError::UpstreamTimeout))
        ));
        assert!(matches!(lists.lookup(&same, NOW + 1_000), Found::Nothing));
        let other = wanted("/calls?b", NOW - 5_000, false);
        assert!(matches!(lists.lookup(&other, NOW + 1), Found::Nothing));
    }

    #[test]
    fn a_late_answer_of_a_replaced_fetch_is_dropped_and_memory_stays_bounded() {
        let mut lists = SharedLists::default();
        lists.begin("/calls?a", 0, NOW);
        lists.begin("/calls?a", 0, NOW + 10);
        lists.settle("/calls?a", NOW, Ok(Rc::new(snapshot(vec![], 0, NOW))));
        let a = wanted("/calls?a", NOW - 5_000, true);
        assert!(matches!(lists.lookup(&a, NOW + 20), Found::InFlight));
        for i in 0..40 {
            lists.begin(&format!("/calls?{i}"), 0, NOW);
        }
        assert_eq!(lists.entries.len(), KEPT_LISTS);
        assert!(matches!(lists.lookup(&a, NOW + 20), Found::Nothing));
    }
}
