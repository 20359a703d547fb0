//! `GET /api/callback/status`: a callback's live status, found by its
//! ticket alone (no call id in the URL), with polls sharing platform
//! answers (see `crate::status` for the rules).
//! The lists shared by polls live in the isolate's memory
//! (`crate::status::SharedLists`); this module fetches them.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use callme_shared::{CallId, CallbackStatus, CallsQuery, ErrorCode, LiveStatus};

use crate::booking::{Booking, BookingStatus, Cancel, Get};
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
    let (ticket_text, ticket) = open_ticket(ctx, req)?;
    let mut call_id = ticket.call_id.clone();
    let mut issued_ms = ticket.issued_ms;
    // Per ticket, per isolate: polls share platform answers, so this bounds
    // the edge's own work; the platform sees at most one list a second.
    let check = LimitKind::Ticket.check(
        &crate::sign::sha256_hex(ticket_text.trim().as_bytes())[..24],
        ctx.site.config.limits.status_per_ticket,
    );
    let now_ms = ctx.now_ms;
    POLLS
        .with(|polls| polls.borrow_mut().hit(&check, now_ms))
        .map_err(|retry_after_s| EdgeError::RateLimited {
            retry_after_s,
            limit: LimitKind::Ticket,
        })?;

    // A booked callback: its own state until the Scheduler places it, then
    // the placed call's, read like any other.
    if crate::booking::is_booking_id(call_id.as_str()) {
        let booking = find_booking(ctx, call_id.as_str()).await?;
        match booking.status {
            BookingStatus::Placed => {
                call_id = booking
                    .call_id
                    .as_deref()
                    .and_then(|id| CallId::parse(id).ok())
                    .ok_or_else(|| EdgeError::Internal("placed booking without a call".into()))?;
                issued_ms = booking.placed_ms.unwrap_or(booking.slot_ms);
            }
            _ => return respond::json(200, &booking_view(ctx, &booking)?),
        }
    }
    let mut query = match status::source(issued_ms, ctx.now_ms) {
        Source::Recent(query) | Source::Own(query) => query,
    };
    // At most two readings: the shared snapshot, then (only when the
    // platform cut it short without this call) the ticket's own list.
    for own in [false, true] {
        let snapshot = shared_list(ctx, &query, issued_ms, own).await?;
        match status::read(&snapshot, &call_id, issued_ms, super::now()) {
            Reading::Status(view) => return respond::json(200, &view),
            Reading::NotFound => return Err(EdgeError::CallNotFound),
            Reading::ReadOwn => query = status::own_query(issued_ms),
        }
    }
    Err(EdgeError::CallNotFound)
}

/// The ticket of the request (`Authorization: Ticket <ticket>`), opened.
fn open_ticket(ctx: &mut Ctx, req: &Request) -> Result<(String, crate::ticket::Ticket), EdgeError> {
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
        ctx.site.config.ticket_key()?.expose(),
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
    Ok((ticket_text, ticket))
}

/// The booking a ticket names.
async fn find_booking(ctx: &mut Ctx, id: &str) -> Result<Booking, EdgeError> {
    super::scheduler_object::ask(ctx, Get { id: id.to_owned() })
        .await?
        .ok_or(EdgeError::CallNotFound)
}

/// What the visitor sees of a booking not (yet) placed.
fn booking_view(ctx: &Ctx, booking: &Booking) -> Result<CallbackStatus, EdgeError> {
    let status = match booking.status {
        BookingStatus::Scheduled | BookingStatus::Placed => LiveStatus::Scheduled,
        BookingStatus::Cancelled => LiveStatus::Cancelled,
        BookingStatus::Failed => LiveStatus::Failed,
    };
    Ok(CallbackStatus {
        call_id: CallId::parse(&booking.id).map_err(|e| EdgeError::Internal(e.to_string()))?,
        status,
        at: Some(ctx.site.local(booking.slot_ms)),
        duration_seconds: None,
        started_at: None,
        ended_at: None,
        error: (status == LiveStatus::Failed)
            .then(|| "We could not place the call at the booked time.".to_owned()),
    })
}

/// `DELETE /api/callback` with `Authorization: Ticket <ticket>`: cancels a
/// booked callback still waiting for its slot.
pub async fn handle_cancel(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    let (_, ticket) = open_ticket(ctx, req)?;
    let not_cancellable = || EdgeError::Conflict {
        code: ErrorCode::NotCancellable,
        message: "This callback cannot be cancelled any more.",
    };
    if !crate::booking::is_booking_id(ticket.call_id.as_str()) {
        return Err(not_cancellable());
    }
    let command = Cancel {
        id: ticket.call_id.as_str().to_owned(),
    };
    match super::scheduler_object::ask(ctx, command).await? {
        Ok(booking) => respond::json(200, &booking_view(ctx, &booking)?),
        Err(_) => Err(not_cancellable()),
    }
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
        wait_limit_ms: i64::try_from(ctx.site.config.upstream.timeout_ms).unwrap_or(i64::MAX),
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
