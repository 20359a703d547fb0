//! `GET /api/callback/status`: a callback's live status, found by its
//! ticket alone (no call id in the URL), with polls sharing platform
//! answers (see `crate::status` for the rules).
//!
//! Shared lists live in the isolate's memory. Requests may not await each
//! other's I/O in workerd, so a poll that finds a list being fetched waits
//! on a timer and looks again, instead of sharing the fetch's promise.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use callme_shared::{CallsQuery, ErrorCode};
use worker::{Delay, Method, Request, Response};

use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::history::LOOKUP_SKEW_MS;
use crate::limits::{LimitKind, LocalLimits};
use crate::status::{self, Reading, SNAPSHOT_TTL_MS, Snapshot, Source};
use crate::{ticket, upstream};

use super::{Ctx, fetch, respond};

/// How often a poll looks again while another fetches its list.
const WAIT_STEP_MS: u64 = 10;
/// Lists kept at once (the recent snapshot and a few tickets' own lists).
const KEPT_LISTS: usize = 16;

/// A list read (or being read) from the platform, by its path.
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

thread_local! {
    static LISTS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    static POLLS: RefCell<LocalLimits> = RefCell::new(LocalLimits::default());
}

/// `GET /api/callback/status` with `Authorization: Ticket <ticket>`.
pub async fn handle_status(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    let ticket_text = req
        .headers()
        .get("Authorization")
        .ok()
        .flatten()
        .and_then(|v| v.strip_prefix("Ticket ").map(str::to_owned))
        .ok_or(EdgeError::Unauthorized {
            code: ErrorCode::TicketMissing,
            message: "Send the ticket of this callback: Authorization: Ticket <ticket>.",
        })?;
    let ticket = ticket::open(
        ctx.config.ticket_key()?.expose(),
        ticket_text.trim(),
        ctx.now_ms,
    )
    .map_err(|e| {
        ctx.log.detail = Some(e.to_string());
        EdgeError::Unauthorized {
            code: ErrorCode::TicketInvalid,
            message: "This ticket is not valid.",
        }
    })?;
    let call_id = ticket.call_id.clone();
    // Per ticket, per isolate: polls share platform answers, so this bounds
    // the edge's own work; the platform sees at most one list a second.
    let check = LimitKind::Ticket.check(
        &crate::sign::sha256_hex(ticket_text.trim().as_bytes())[..24],
        ctx.config.limit_status_per_ticket,
    );
    let now_ms = ctx.now_ms;
    POLLS
        .with(|polls| polls.borrow_mut().hit(&check, now_ms))
        .map_err(|retry_after_s| EdgeError::RateLimited {
            retry_after_s,
            limit: LimitKind::Ticket.name().into(),
        })?;

    let mut query = match status::source(ticket.issued_ms, ctx.now_ms) {
        Source::Recent(query) | Source::Own(query) => query,
    };
    // At most two readings: the shared snapshot, then (only when the
    // platform cut it short without this call) the ticket's own list.
    for own in [false, true] {
        let snapshot = shared_list(ctx, &query, ticket.issued_ms, own).await?;
        match status::read(&snapshot, &call_id, ticket.issued_ms, super::now()) {
            Reading::Status(view) => return respond::json(200, &view),
            Reading::NotFound => return Err(EdgeError::CallNotFound),
            Reading::ReadOwn => query = status::own_query(ticket.issued_ms),
        }
    }
    Err(EdgeError::CallNotFound)
}

/// The list for `query`: a kept one that still answers for this ticket, the
/// one another poll is fetching, or a new fetch. With `exact`, only a list
/// made by this very query will do (the shared one was cut short).
async fn shared_list(
    ctx: &mut Ctx,
    query: &CallsQuery,
    issued_ms: i64,
    exact: bool,
) -> Result<Rc<Snapshot>, EdgeError> {
    let path = upstream::list_path(query);
    let wanted = Wanted {
        path: &path,
        issued_ms,
        exact,
        wait_limit_ms: i64::try_from(ctx.config.upstream_timeout_ms).unwrap_or(i64::MAX),
    };
    loop {
        match wanted.lookup(super::now()) {
            Found::Ready(outcome) => return outcome,
            Found::InFlight => Delay::from(Duration::from_millis(WAIT_STEP_MS)).await,
            Found::Nothing => break,
        }
    }
    let started_ms = super::now();
    LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        lists.retain(|e| e.path != path);
        if lists.len() >= KEPT_LISTS {
            lists.remove(0);
        }
        lists.push(Entry {
            path: path.clone(),
            start_ms: status::start_of(query),
            started_ms,
            outcome: None,
        });
    });
    let outcome = fetch::upstream(ctx, Method::Get, &path, None)
        .await
        .and_then(|raw| upstream::list_answer(&raw))
        .map(|list| {
            Rc::new(Snapshot {
                start_ms: status::start_of(query),
                fetched_ms: super::now(),
                list,
            })
        });
    LISTS.with(|lists| {
        if let Some(entry) = lists
            .borrow_mut()
            .iter_mut()
            .find(|e| e.path == path && e.started_ms == started_ms)
        {
            entry.outcome = Some(outcome.clone());
        }
    });
    outcome
}

enum Found {
    Ready(Result<Rc<Snapshot>, EdgeError>),
    InFlight,
    Nothing,
}

/// What a poll looks for in memory.
struct Wanted<'a> {
    path: &'a str,
    issued_ms: i64,
    exact: bool,
    wait_limit_ms: i64,
}

impl Wanted<'_> {
    /// What memory holds for this poll. A complete list answers any ticket
    /// it covers, whatever second its query was made in; so does one being
    /// fetched, which the poll then waits for.
    fn lookup(&self, now_ms: i64) -> Found {
        LISTS.with(|lists| {
            let lists = lists.borrow();
            let found = lists.iter().rev().find_map(|entry| {
                let same = entry.path == self.path;
                let covers =
                    same || (!self.exact && entry.start_ms <= self.issued_ms - LOOKUP_SKEW_MS);
                match &entry.outcome {
                    Some(Ok(snapshot))
                        if snapshot.answers(self.issued_ms, now_ms)
                            && (same || (!self.exact && snapshot.is_complete())) =>
                    {
                        Some(Found::Ready(Ok(snapshot.clone())))
                    }
                    Some(Err(error)) if same && now_ms < entry.started_ms + SNAPSHOT_TTL_MS => {
                        Some(Found::Ready(Err(error.clone())))
                    }
                    None if covers && now_ms < entry.started_ms + self.wait_limit_ms => {
                        Some(Found::InFlight)
                    }
                    _ => None,
                }
            });
            found.unwrap_or(Found::Nothing)
        })
    }
}
