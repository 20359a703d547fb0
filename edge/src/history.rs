//! Call history through the edge. A portal token may restrict the history
//! to one phone number or one agent, which the platform cannot filter by;
//! the edge pages through the platform's list and filters, within a bound.
//!
//! A token's `agent` claim is an alias of `AGENTS` (`support`), the name
//! the widget's `agent` attribute and the bookings use, never the
//! platform's display name: display names are the platform's to change,
//! and a name that matches none would read as "no calls" instead of an
//! error.

use callme_shared::{
    AgentAlias, AgentId, Call, CallId, CallList, CallStatus, CallbackStatus, CallsQuery, ErrorCode,
    LiveStatus, PageLimit, PageOffset, Pagination,
};

use crate::error::EdgeError;
use crate::token::Claims;

/// The largest page the platform serves.
const UPSTREAM_PAGE: u32 = PageLimit::MAX;

/// What a token lets its holder see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restriction {
    /// Only calls with this `caller_phone`.
    pub phone: Option<String>,
    /// Only calls of this agent.
    pub agent: Option<TokenAgent>,
}

/// A token's agent: the alias it names and the platform agent `AGENTS`
/// maps it to. The record and the bookings keep the alias a call was
/// placed with; a platform list names the agent by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAgent {
    /// The alias of the claim (folded to lower case).
    pub alias: AgentAlias,
    /// Its platform agent.
    pub id: AgentId,
}

impl Restriction {
    /// The restriction of a verified token on a site with `agents`.
    ///
    /// # Errors
    /// 401 `token_bad_claim` for an `agent` that is not an alias of
    /// `agents` (a platform agent name, a removed alias): it would
    /// otherwise read as an empty history.
    pub fn of(claims: &Claims, agents: &[(AgentAlias, AgentId)]) -> Result<Self, EdgeError> {
        let agent = match &claims.agent {
            None => None,
            Some(claimed) => {
                let known = AgentAlias::parse(claimed).ok().and_then(|alias| {
                    agents
                        .iter()
                        .find(|(a, _)| *a == alias)
                        .map(|(a, id)| TokenAgent {
                            alias: a.clone(),
                            id: id.clone(),
                        })
                });
                Some(known.ok_or(EdgeError::Unauthorized {
                    code: ErrorCode::TokenBadClaim,
                    message: "The portal token's agent is not an alias of this site's AGENTS.",
                })?)
            }
        };
        Ok(Self {
            phone: claims.phone.clone(),
            agent,
        })
    }

    /// The agent's alias, for the call record and the bookings.
    pub fn alias(&self) -> Option<&str> {
        self.agent.as_ref().map(|a| a.alias.as_str())
    }

    /// Whether the token sees everything.
    pub fn is_none(&self) -> bool {
        self.phone.is_none() && self.agent.is_none()
    }

    /// Whether the token may see `call`.
    pub fn allows(&self, call: &Call) -> bool {
        self.phone.as_ref().is_none_or(|p| &call.caller_phone == p)
            && self.agent.as_ref().is_none_or(|a| {
                call.agent_id
                    .as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(a.id.as_str()))
            })
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

    const SALES_ID: &str = "5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12";
    const SUPPORT_ID: &str = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01";

    fn call(i: usize, phone: &str, agent: &str) -> Call {
        let id = if agent == "Sales" {
            SALES_ID
        } else {
            SUPPORT_ID
        };
        serde_json::from_value(serde_json::json!({
            "id": format!("call-{i}"), "caller_phone": phone, "status": "ended",
            "agent_name": agent, "agent_id": id.to_uppercase(), "summary": "secret summary",
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

    fn claims(agent: Option<&str>) -> Claims {
        Claims {
            exp: 1,
            nbf: None,
            iat: None,
            aud: None,
            iss: None,
            scope: crate::token::Scope::Text("calls:read".into()),
            phone: None,
            agent: agent.map(str::to_owned),
            sub: None,
        }
    }

    #[test]
    fn a_tokens_agent_is_an_alias_mapped_to_its_platform_agent() {
        let agents = crate::config::tests::config().public.agents;
        let sales = Restriction::of(&claims(Some("Sales")), &agents);
        // "Sales" folds to the alias `sales`; the platform's display name
        // of the support agent is no alias.
        let sales = sales.unwrap().agent.unwrap();
        assert_eq!(
            (sales.alias.as_str(), sales.id.as_str()),
            ("sales", SALES_ID)
        );
        for not_an_alias in ["Customer Support", "ceo", SUPPORT_ID, ""] {
            let error = Restriction::of(&claims(Some(not_an_alias)), &agents).unwrap_err();
            assert_eq!(
                error.body().error.code,
                "token_bad_claim",
                "{not_an_alias:?}"
            );
        }
        let open = Restriction::of(&claims(None), &agents).unwrap();
        assert!(open.is_none() && open.alias().is_none());
    }

    #[test]
    fn an_agent_restriction_holds_too() {
        let all = calls(30);
        let agents = crate::config::tests::config().public.agents;
        let restriction = Restriction::of(&claims(Some("sales")), &agents).unwrap();
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
