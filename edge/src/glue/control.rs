//! Live call control's two routes (see `crate::control`):
//! `POST /api/callback/note` for the visitor during their call, and
//! `POST /api/calls/{id}/control` for a portal operator. Both read the live
//! status from the call record, count against the platform's 10 commands
//! a minute per call and the deployment's budget, and keep every command
//! sent in the record; every refusal costs no platform request.

use callme_shared::CallId;
use serde::Serialize;
use worker::{Method, Request, Response};

use crate::budget::Purpose;
use crate::control::{self, CONTROL_SCOPE, Command};
use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::guard::Count;
use crate::limits::LimitKind;
use crate::record::CallRecord;
use crate::request;

use super::record;
use super::{Ctx, body, fetch, guard_object, now, respond};

/// What a command sent is answered with.
#[derive(Serialize)]
struct Sent {
    status: &'static str,
}

/// `POST /api/callback/note` with `Authorization: Ticket <ticket>` and
/// `{"text": "..."}`: the visitor's typed text for the agent, while their
/// call is in progress.
pub async fn handle_note(ctx: &mut Ctx, req: Request) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    let (_, ticket) = super::status::open_ticket(ctx, &req)?;
    let mut call_id = ticket.call_id.clone();
    if crate::booking::is_booking_id(call_id.as_str()) {
        let booking = super::status::find_booking(ctx, call_id.as_str()).await?;
        call_id = booking.call_id.ok_or_else(control::not_live)?;
    }
    let command = read_body(ctx, &req, control::note).await?;
    let db = record::db(&ctx.env)?;
    let call = record::get(&db, &call_id)
        .await?
        .ok_or_else(control::not_live)?;
    control::check_live(&call)?;
    send(ctx, &db, &call, &command, "visitor", None).await
}

/// `POST /api/calls/{id}/control` for a portal token with `calls:control`:
/// `end-call`, `transfer` to an alias, or `say`, for a live call in the
/// token's `phone`/`agent` scope.
pub async fn handle_control(ctx: &mut Ctx, req: Request, id: &str) -> Result<Response, EdgeError> {
    let claims = super::calls::portal_claims(ctx, &req).await?;
    if !claims.scope.contains(CONTROL_SCOPE) {
        return Err(EdgeError::TokenScope(CONTROL_SCOPE));
    }
    let restriction = crate::history::Restriction::of(&claims, &ctx.site.config.public.agents)?;
    let command = read_body(ctx, &req, control::operator).await?;
    let call_id = CallId::parse(id).map_err(|_| EdgeError::CallNotFound)?;
    let db = record::db(&ctx.env)?;
    // Outside the token's scope a call is as unknown as one that is not.
    let call = record::get(&db, &call_id)
        .await?
        .filter(|call| control::in_scope(call, &restriction))
        .ok_or(EdgeError::CallNotFound)?;
    control::check_live(&call)?;
    let by = claims.sub.clone().unwrap_or_else(|| "portal".into());
    let target = control::transfer_alias(&ctx.site.config, &command);
    send(ctx, &db, &call, &command, &by, target.as_deref()).await
}

/// The body, as JSON within the callback's bound, read by `read`.
async fn read_body(
    ctx: &Ctx,
    req: &Request,
    read: fn(&crate::config::EdgeConfig, &[u8]) -> Result<Command, EdgeError>,
) -> Result<Command, EdgeError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    request::check_declared_length(header("Content-Length").as_deref())?;
    request::check_json_type(header("Content-Type").as_deref())?;
    let body = body::read_bounded(req, request::MAX_BODY_BYTES).await?;
    read(&ctx.site.config, &body)
}

/// Counts the command (per call, the note's own limit, the budget) in one
/// Guard round trip, sends it, and keeps it in the record.
async fn send(
    ctx: &mut Ctx,
    db: &worker::D1Database,
    call: &CallRecord,
    command: &Command,
    by: &str,
    target: Option<&str>,
) -> Result<Response, EdgeError> {
    let config = &ctx.site.config;
    let mut checks = control::checks(config, call, command);
    checks.push(config.upstream.budget.check(Purpose::Read));
    let count = Count {
        checks,
        now_ms: now(),
    };
    guard_object::ask(ctx, count).await?.map_err(|limited| {
        if limited.key.starts_with(LimitKind::Platform.name()) {
            EdgeError::Busy {
                retry_after_s: limited.retry_after_s,
            }
        } else {
            EdgeError::RateLimited {
                retry_after_s: limited.retry_after_s,
                limit: if limited.key.starts_with(LimitKind::CallNote.name()) {
                    LimitKind::CallNote
                } else {
                    LimitKind::CallControl
                },
            }
        }
    })?;
    let body = serde_json::to_string(command).map_err(|e| EdgeError::Internal(e.to_string()))?;
    let path = format!("{}/control", crate::upstream::call_path(&call.id));
    let raw = fetch::upstream(ctx, Method::Post, &path, Some(body)).await?;
    match raw.status {
        200..=299 => {}
        // The platform's "invalid command or call not active", and a call
        // it no longer knows: the record was behind.
        400 | 404 => return Err(control::not_live()),
        _ => return Err(crate::upstream::failure(&raw)),
    }
    record::keep_command(db, &call.id, ctx.now_ms, command.kind(), by, target).await?;
    respond::json(202, &Sent { status: "sent" })
}
