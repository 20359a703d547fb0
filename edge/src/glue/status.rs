//! `GET /api/callback/status`: a callback's live status, found by its
//! ticket alone (no call id in the URL), answered from the call record
//! (`crate::record`). Only a live call quiet for `STATUS_REFRESH_SECONDS`
//! is looked up on the platform, once for every poll of every isolate;
//! the events keep the record fresh otherwise.

use std::cell::RefCell;

use callme_shared::{CallId, CallbackStatus, ErrorCode, LiveStatus};

use crate::booking::{Booking, BookingStatus, Cancel, Get};
use worker::{Method, Request, Response};

use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::limits::{LimitKind, LocalLimits};
use crate::record::{CallRecord, Poll, Sighting};
use crate::{history, ticket, upstream};

use super::record::{self, Unknown};
use super::{Ctx, fetch, respond};

thread_local! {
    static POLLS: RefCell<LocalLimits> = RefCell::new(LocalLimits::default());
    static CANCELS: RefCell<LocalLimits> = RefCell::new(LocalLimits::default());
}

/// `GET /api/callback/status` with `Authorization: Ticket <ticket>`.
pub async fn handle_status(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    let (ticket_text, ticket) = open_ticket(ctx, req)?;
    let mut call_id = ticket.call_id.clone();
    let mut issued_ms = ticket.issued_ms;
    // Per ticket, per isolate: polls read the record, so this bounds the
    // edge's own work; the platform sees at most one lookup per refresh.
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
                    .ok_or_else(|| EdgeError::Internal("placed booking without a call".into()))?;
                issued_ms = booking.placed_ms.unwrap_or(booking.slot_ms);
            }
            _ => return respond::json(200, &booking_view(ctx, &booking)?),
        }
    }
    let db = record::db(&ctx.env)?;
    let stored = record::get(&db, &call_id).await?;
    let refresh_ms = ctx.site.config.record.status_refresh_ms;
    let view = match crate::record::poll(stored.as_ref(), ctx.now_ms, refresh_ms) {
        Poll::Answer(view) => view,
        Poll::LookUp => look_up(ctx, &db, &call_id, stored, issued_ms).await?,
    };
    respond::json(200, &view)
}

/// Asks the platform about a call when this poll claims the lookup (and
/// the budget allows a read); every other poll, and a failed lookup,
/// answers what the record says.
async fn look_up(
    ctx: &mut Ctx,
    db: &worker::D1Database,
    call_id: &CallId,
    stored: Option<CallRecord>,
    issued_ms: i64,
) -> Result<CallbackStatus, EdgeError> {
    let recorded = |stored: Option<&CallRecord>| {
        stored.map_or_else(|| history::status_view(call_id, None), CallRecord::view)
    };
    if !record::claim_lookup(db, call_id, stored.as_ref(), ctx.now_ms).await? {
        return Ok(recorded(stored.as_ref()));
    }
    if let Err(busy) = fetch::spend(ctx).await {
        ctx.log.detail = busy.log_detail();
        return Ok(recorded(stored.as_ref()));
    }
    let answer = fetch::upstream(ctx, Method::Get, &upstream::call_path(call_id), None)
        .await
        .and_then(|raw| upstream::call_answer(&raw));
    match answer {
        Ok(Some(call)) => {
            let sighting = Sighting::of_call(&call, &ctx.site.config.public.agents);
            let seen = record::see(db, call_id, &sighting, super::now(), Unknown::Record).await?;
            Ok(recorded(seen.as_ref()))
        }
        Ok(None) if stored.as_ref().is_none_or(|r| r.phone.is_none()) => {
            // A call the platform does not know: not yet (its list lags
            // behind a placed call for a moment), or never.
            record::forget(db, call_id).await?;
            if ctx.now_ms - issued_ms > history::UNKNOWN_AFTER_MS {
                Err(EdgeError::CallNotFound)
            } else {
                Ok(history::status_view(call_id, None))
            }
        }
        Ok(None) => Ok(recorded(stored.as_ref())),
        Err(error) => {
            ctx.log.detail = error.log_detail();
            Ok(recorded(stored.as_ref()))
        }
    }
}

/// The ticket of the request (`Authorization: Ticket <ticket>`), opened.
pub(crate) fn open_ticket(
    ctx: &mut Ctx,
    req: &Request,
) -> Result<(String, crate::ticket::Ticket), EdgeError> {
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
        ctx.site.config.ticket_key_for(&ctx.host)?.expose(),
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
pub(crate) async fn find_booking(ctx: &mut Ctx, id: &str) -> Result<Booking, EdgeError> {
    super::scheduler_object::ask(ctx, Get { id: id.to_owned() })
        .await?
        .ok_or(EdgeError::CallNotFound)
}

/// What the visitor sees of a booking not (yet) placed.
fn booking_view(ctx: &Ctx, booking: &Booking) -> Result<CallbackStatus, EdgeError> {
    let status = match booking.status {
        // Being placed is still scheduled to the visitor until the platform
        // has answered (then the placed call's own status follows).
        BookingStatus::Scheduled | BookingStatus::Placing | BookingStatus::Placed => {
            LiveStatus::Scheduled
        }
        BookingStatus::Cancelled => LiveStatus::Cancelled,
        BookingStatus::Failed => LiveStatus::Failed,
    };
    Ok(CallbackStatus {
        call_id: CallId::parse(booking.id.as_str())
            .map_err(|e| EdgeError::Internal(e.to_string()))?,
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
/// booked callback still waiting for its slot. 204 (no body) when it is
/// cancelled (or already was), 409 `not_cancellable` once the Scheduler has
/// claimed it to place the call, or for a callback that was never booked.
pub async fn handle_cancel(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    let (ticket_text, ticket) = open_ticket(ctx, req)?;
    // Per ticket, per isolate: each cancel is a Scheduler write and an
    // alarm re-arm, and a ticket is made only by a counted booking.
    let check = LimitKind::Cancel.check(
        &crate::sign::sha256_hex(ticket_text.trim().as_bytes())[..24],
        ctx.site.config.limits.cancel_per_ticket,
    );
    let now_ms = ctx.now_ms;
    CANCELS
        .with(|cancels| cancels.borrow_mut().hit(&check, now_ms))
        .map_err(|retry_after_s| EdgeError::RateLimited {
            retry_after_s,
            limit: LimitKind::Cancel,
        })?;
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
        Ok(_) => {
            // Its place is free again: this isolate's slot list says so.
            super::callback::forget_slot_counts();
            Ok(Response::empty()
                .map_err(respond::internal)?
                .with_status(204))
        }
        Err(_) => Err(not_cancellable()),
    }
}
