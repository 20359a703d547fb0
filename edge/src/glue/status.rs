//! `GET /api/callback/status`: a callback's live status, found by its
//! ticket alone (no call id in the URL), with polls sharing platform
//! answers (see `crate::status` for the rules).
//! The lists shared by polls live in the isolate's memory
//! (`crate::status::SharedLists`); this module fetches them.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use callme_shared::{CallsQuery, ErrorCode};
use worker::{Delay, Method, Request, Response};

use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::limits::{LimitKind, LocalLimits};
use crate::status::{self, Found, Reading, SharedLists, Snapshot, Source, Wanted};
use crate::{ticket, upstream};

use super::{Ctx, fetch, respond};

/// How often a poll looks again while another fetches its list.
const WAIT_STEP_MS: u64 = 10;

thread_local! {
    static LISTS: RefCell<SharedLists> = RefCell::new(SharedLists::default());
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
            limit: LimitKind::Ticket,
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
        match LISTS.with(|lists| lists.borrow().lookup(&wanted, super::now())) {
            Found::Ready(outcome) => return outcome,
            Found::InFlight => Delay::from(Duration::from_millis(WAIT_STEP_MS)).await,
            Found::Nothing => break,
        }
    }
    let started_ms = super::now();
    let start_ms = status::start_of(query);
    LISTS.with(|lists| lists.borrow_mut().begin(&path, start_ms, started_ms));
    let outcome = fetch::upstream(ctx, Method::Get, &path, None)
        .await
        .and_then(|raw| upstream::list_answer(&raw))
        .map(|list| {
            Rc::new(Snapshot {
                start_ms,
                fetched_ms: super::now(),
                list,
            })
        });
    LISTS.with(|lists| {
        lists
            .borrow_mut()
            .settle(&path, started_ms, outcome.clone());
    });
    outcome
}
