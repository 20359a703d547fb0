//! Call history through the edge. A portal token may restrict the history
//! to one phone number or one agent, which the platform cannot filter by;
//! the edge pages through the platform's list and filters, within a bound.

use callme_shared::{
    Call, CallId, CallList, CallStatus, CallbackStatus, CallsQuery, LiveStatus, PageLimit,
    PageOffset, Pagination,
};

use crate::token::Claims;

/// The largest page the platform serves.
const UPSTREAM_PAGE: u32 = PageLimit::MAX;

/// What a token lets its holder see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restriction {
    /// Only calls with this `caller_phone`.
    pub phone: Option<String>,
    /// Only calls with this `agent_name`.
    pub agent: Option<String>,
}

impl Restriction {
    /// The restriction of a verified token.
    pub fn of(claims: &Claims) -> Self {
        Self {
            phone: claims.phone.clone(),
            agent: claims.agent.clone(),
        }
    }

    /// Whether the token sees everything.
    pub fn is_none(&self) -> bool {
        self.phone.is_none() && self.agent.is_none()
    }

    /// Whether the token may see `call`.
    pub fn allows(&self, call: &Call) -> bool {
        self.phone.as_ref().is_none_or(|p| &call.caller_phone == p)
            && self
                .agent
                .as_ref()
                .is_none_or(|a| call.agent_name.as_ref() == Some(a))
    }
}

/// A history request in progress: asks the platform for pages until it
/// has what the client asked for, then answers.
///
/// Unrestricted, that is one platform call with the client's page (its
/// limit capped). Restricted, the platform is read from the start in pages
/// of 1000 with the same status and dates, up to `scan_max` calls, so that
/// `pagination.total` counts only what the token may see.
#[derive(Debug)]
pub struct HistoryScan {
    query: CallsQuery,
    restriction: Restriction,
    scan_max: u32,
    next_offset: Option<u32>,
    matched: Vec<Call>,
    matched_total: u64,
    passthrough: Option<Pagination>,
    /// Whether the scan stopped at `scan_max` before the platform's end.
    pub truncated: bool,
}

impl HistoryScan {
    /// Starts a scan; `cap` bounds the client's page size.
    pub fn new(
        mut query: CallsQuery,
        restriction: Restriction,
        cap: PageLimit,
        scan_max: u32,
    ) -> Self {
        query.limit = query.limit.capped(cap);
        Self {
            query,
            restriction,
            scan_max,
            next_offset: Some(0),
            matched: Vec::new(),
            matched_total: 0,
            passthrough: None,
            truncated: false,
        }
    }

    /// The next platform query, or `None` when the answer is ready.
    pub fn next_query(&self) -> Option<CallsQuery> {
        let offset = self.next_offset?;
        if self.restriction.is_none() {
            return Some(self.query.clone());
        }
        Some(CallsQuery {
            limit: PageLimit::new(UPSTREAM_PAGE).unwrap_or_default(),
            offset: PageOffset::new(offset),
            status: self.query.status,
            range: self.query.range.clone(),
        })
    }

    /// Takes one platform page.
    pub fn accept(&mut self, page: CallList) {
        if self.restriction.is_none() {
            self.passthrough = Some(page.pagination);
            self.matched = page.calls;
            self.next_offset = None;
            return;
        }
        let offset = self.next_offset.unwrap_or(0);
        let read = u32::try_from(page.calls.len()).unwrap_or(u32::MAX);
        let first = u64::from(self.query.offset.get());
        let last = first + u64::from(self.query.limit.get());
        for call in page
            .calls
            .into_iter()
            .filter(|c| self.restriction.allows(c))
        {
            if (first..last).contains(&self.matched_total) {
                self.matched.push(call);
            }
            self.matched_total += 1;
        }
        let next = offset.saturating_add(read);
        let platform_has_more = read > 0 && u64::from(next) < page.pagination.total;
        self.next_offset = if !platform_has_more {
            None
        } else if next >= self.scan_max {
            self.truncated = true;
            None
        } else {
            Some(next)
        };
    }

    /// The client's answer.
    pub fn finish(self) -> CallList {
        let pagination = self.passthrough.map_or(
            Pagination {
                total: self.matched_total,
                limit: self.query.limit.get(),
                offset: self.query.offset.get(),
            },
            |p| Pagination {
                limit: self.query.limit.get(),
                ..p
            },
        );
        CallList {
            calls: self.matched,
            pagination,
        }
    }
}

/// How far before a ticket's issue the status lookup starts, for clock skew
/// between the edge and the platform.
pub const LOOKUP_SKEW_MS: i64 = 5 * 60 * 1_000;
/// How long after its ticket a call may still be missing from the list
/// (the platform may list a new call with a delay); after that it is unknown.
pub const UNKNOWN_AFTER_MS: i64 = 60_000;
/// The visitor's view of their call: status and times only, never the
/// summary or anything of another caller. A call not listed yet is dialing.
pub fn status_view(call_id: &CallId, call: Option<&Call>) -> CallbackStatus {
    let Some(call) = call else {
        return CallbackStatus {
            call_id: call_id.clone(),
            status: LiveStatus::Dialing,
            at: None,
            duration_seconds: None,
            started_at: None,
            ended_at: None,
            error: None,
        };
    };
    let status = LiveStatus::from_call_status(&call.status);
    CallbackStatus {
        call_id: call_id.clone(),
        status,
        at: None,
        duration_seconds: call.duration_seconds.filter(|_| status.is_final()),
        started_at: call
            .started_at
            .clone()
            .filter(|_| call.status != CallStatus::Connecting),
        ended_at: call.ended_at.clone(),
        error: call.error.clone().filter(|_| status == LiveStatus::Failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(i: usize, phone: &str, agent: &str) -> Call {
        serde_json::from_value(serde_json::json!({
            "id": format!("call-{i}"), "caller_phone": phone, "status": "ended",
            "agent_name": agent, "summary": "secret summary",
            "created_at": "2025-12-13T10:00:00Z", "updated_at": "2025-12-13T10:00:00Z"
        }))
        .unwrap()
    }

    /// A platform with `calls`, answering queries as the contract says.
    fn platform(calls: &[Call], query: &CallsQuery) -> CallList {
        let offset = query.offset.get() as usize;
        CallList {
            calls: calls
                .iter()
                .skip(offset)
                .take(query.limit.get() as usize)
                .cloned()
                .collect(),
            pagination: Pagination {
                total: calls.len() as u64,
                limit: query.limit.get(),
                offset: query.offset.get(),
            },
        }
    }

    fn run(scan: &mut HistoryScan, calls: &[Call]) -> u32 {
        let mut requests = 0;
        while let Some(query) = scan.next_query() {
            requests += 1;
            scan.accept(platform(calls, &query));
        }
        requests
    }

    fn calls(n: usize) -> Vec<Call> {
        (0..n)
            .map(|i| {
                call(
                    i,
                    if i % 3 == 0 {
                        "+31612345678"
                    } else {
                        "+32470123456"
                    },
                    if i % 2 == 0 { "Sales" } else { "Support" },
                )
            })
            .collect()
    }

    fn query(text: &str) -> CallsQuery {
        CallsQuery::from_pairs(url::form_urlencoded::parse(text.as_bytes())).unwrap()
    }

    #[test]
    fn an_unrestricted_token_costs_one_platform_call_with_a_capped_limit() {
        let all = calls(500);
        let mut scan = HistoryScan::new(
            query("limit=1000&offset=10"),
            Restriction::default(),
            PageLimit::new(200).unwrap(),
            5_000,
        );
        assert_eq!(scan.next_query().unwrap().limit.get(), 200);
        assert_eq!(run(&mut scan, &all), 1);
        let page = scan.finish();
        assert_eq!(page.calls.len(), 200);
        assert_eq!(
            page.pagination,
            Pagination {
                total: 500,
                limit: 200,
                offset: 10
            }
        );
    }

    #[test]
    fn a_phone_restriction_pages_and_counts_only_that_phone() {
        let all = calls(2_500);
        let restriction = Restriction {
            phone: Some("+31612345678".into()),
            agent: None,
        };
        let mut scan = HistoryScan::new(
            query("limit=50&offset=100"),
            restriction,
            PageLimit::new(200).unwrap(),
            5_000,
        );
        assert_eq!(run(&mut scan, &all), 3);
        let page = scan.finish();
        let expected_total = all
            .iter()
            .filter(|c| c.caller_phone == "+31612345678")
            .count() as u64;
        assert_eq!(page.pagination.total, expected_total);
        assert_eq!(page.calls.len(), 50);
        assert!(page.calls.iter().all(|c| c.caller_phone == "+31612345678"));
        assert_eq!(page.calls[0].id.as_str(), "call-300");
    }

    #[test]
    fn an_agent_restriction_holds_too() {
        let all = calls(30);
        let restriction = Restriction {
            phone: None,
            agent: Some("Sales".into()),
        };
        let mut scan =
            HistoryScan::new(query(""), restriction, PageLimit::new(200).unwrap(), 5_000);
        run(&mut scan, &all);
        let page = scan.finish();
        assert_eq!(page.pagination.total, 15);
        assert!(
            page.calls
                .iter()
                .all(|c| c.agent_name.as_deref() == Some("Sales"))
        );
    }

    #[test]
    fn a_scan_stops_at_its_bound_and_says_so() {
        let all = calls(9_000);
        let restriction = Restriction {
            phone: Some("+31612345678".into()),
            agent: None,
        };
        let mut scan =
            HistoryScan::new(query(""), restriction, PageLimit::new(200).unwrap(), 3_000);
        assert_eq!(run(&mut scan, &all), 3);
        assert!(scan.truncated);
    }

    #[test]
    fn the_status_view_never_carries_the_summary() {
        let call = call(1, "+31612345678", "Sales");
        let view = status_view(&call.id, Some(&call));
        assert_eq!(view.status, LiveStatus::Ended);
        assert!(
            !serde_json::to_string(&view)
                .unwrap()
                .contains("secret summary")
        );
        let unknown = status_view(&call.id, None);
        assert_eq!(unknown.status, LiveStatus::Dialing);
    }
}
