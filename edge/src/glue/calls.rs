//! `GET /api/calls`: call history for a portal token.

use callme_shared::{
    CallCommand, CallList, CallsQuery, ErrorCode, Pagination, PhoneNumber, QueryError,
    SummaryQuery, Timestamp,
};
use worker::{Method, Request, Response};

use crate::error::EdgeError;
use crate::guard::Count;
use crate::history::{HistoryScan, Restriction};
use crate::limits::LimitKind;
use crate::record::{CallRecord, RecordQuery};
use crate::{token, upstream};

use super::guard_object;
use super::record;
use super::{Ctx, fetch, respond};

/// The portal token's claims, once it is verified and its per-token limit
/// has room (both portal endpoints count against the same limit).
pub(crate) async fn portal_claims(
    ctx: &mut Ctx,
    req: &Request,
) -> Result<token::Claims, EdgeError> {
    let bearer = req
        .headers()
        .get("Authorization")
        .ok()
        .flatten()
        .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_owned()))
        .ok_or(EdgeError::Unauthorized {
            code: ErrorCode::TokenMissing,
            message: "Send a portal token: Authorization: Bearer <token>.",
        })?;
    let secret = ctx
        .site
        .config
        .portal
        .secret
        .clone()
        .ok_or(EdgeError::Unauthorized {
            code: ErrorCode::TokenNotAccepted,
            message: "This service does not accept portal tokens.",
        })??;
    let rules = &ctx.site.config.portal.rules;
    let claims =
        token::verify(secret.expose(), &bearer, ctx.now_ms / 1_000, rules).map_err(|e| {
            EdgeError::Unauthorized {
                code: e.code(),
                message: match e {
                    token::TokenError::Expired => "The portal token has expired.",
                    token::TokenError::MissingScope => {
                        "The portal token does not grant calls:read."
                    }
                    _ => "The portal token is not valid.",
                },
            }
        })?;
    // Each request can cost the platform several list reads: count them
    // per token, across isolates, before any of them is made.
    let check = LimitKind::Token.check(
        &crate::sign::sha256_hex(bearer.as_bytes())[..24],
        ctx.site.config.limits.history_per_token,
    );
    let count = Count {
        checks: vec![check],
        now_ms: ctx.now_ms,
    };
    guard_object::ask(ctx, count)
        .await?
        .map_err(|limited| EdgeError::RateLimited {
            retry_after_s: limited.retry_after_s,
            limit: LimitKind::Token,
        })?;
    Ok(claims)
}

/// Verifies the token and the query, then answers the documented list
/// shape: from the call record for a token restricted to a number or an
/// agent (the platform cannot filter by either) and whenever the platform
/// budget has no room for a read; else one platform page.
pub async fn handle_calls(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let claims = portal_claims(ctx, req).await?;
    let url = req.url().map_err(respond::internal)?;
    // WHATWG form decoding (`+` is a space, bad escapes kept, invalid
    // UTF-8 as U+FFFD), then the query's own rules.
    let query = CallsQuery::from_pairs(url.query_pairs()).map_err(|e| EdgeError::invalid(&e))?;
    let restriction = Restriction::of(&claims, &ctx.site.config.public.agents)?;
    if restriction.is_none() {
        match fetch::spend(ctx).await {
            Ok(()) => {
                let mut scan = HistoryScan::new(
                    query,
                    restriction,
                    ctx.site.config.portal.history_max_limit,
                    ctx.site.config.portal.history_scan_max,
                );
                while let Some(page_query) = scan.next_query() {
                    let raw =
                        fetch::upstream(ctx, Method::Get, &upstream::list_path(&page_query), None)
                            .await?;
                    scan.accept(upstream::list_answer(&raw)?);
                }
                let mut list = scan.finish();
                with_commands(&record::db(&ctx.env)?, &mut list).await?;
                return respond::json(200, &list);
            }
            Err(busy) => ctx.log.detail = busy.log_detail(),
        }
    }
    let read = RecordQuery::new(&query, restriction.phone.as_deref(), restriction.alias());
    let db = record::db(&ctx.env)?;
    let (rows, total) = record::page(&db, &read).await?;
    let mut list = CallList {
        calls: rows.iter().map(CallRecord::as_call).collect(),
        pagination: Pagination {
            total,
            limit: query.limit.get(),
            offset: query.offset.get(),
        },
    };
    with_commands(&db, &mut list).await?;
    respond::json(200, &list)
}

/// `GET /api/calls/summary`: the chart's calls per day of the reader's
/// zone (`tz`, else the site's), by outcome, over the whole range the
/// history's filters select, within the token's restriction. Read from
/// the record alone: the chart never costs a platform request, however
/// long the range (the record holds every call callme placed).
pub async fn handle_summary(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let claims = portal_claims(ctx, req).await?;
    let url = req.url().map_err(respond::internal)?;
    let query = SummaryQuery::from_pairs(url.query_pairs()).map_err(|e| EdgeError::invalid(&e))?;
    let restriction = Restriction::of(&claims, &ctx.site.config.public.agents)?;
    let (zone, zone_name) = match &query.zone {
        Some(name) => (
            super::zone::site_zone(name.as_str())
                .map_err(|_| EdgeError::invalid(&QueryError::TimeZone))?,
            name.as_str(),
        ),
        None => (
            ctx.site.zone.clone(),
            ctx.site.config.booking.time_zone.as_str(),
        ),
    };
    let filters = CallsQuery {
        status: query.status,
        range: query.range.clone(),
        ..CallsQuery::default()
    };
    let read = RecordQuery::new(&filters, restriction.phone.as_deref(), restriction.alias());
    let buckets = record::buckets(&record::db(&ctx.env)?, &read).await?;
    let summary = crate::summary::summarize(&buckets, &*zone, zone_name, &query.range, ctx.now_ms);
    respond::json(200, &summary)
}

/// Adds to each call of `list` the commands the record keeps for it (one
/// read for the page).
async fn with_commands(db: &worker::D1Database, list: &mut CallList) -> Result<(), EdgeError> {
    let ids: Vec<&str> = list.calls.iter().map(|c| c.id.as_str()).collect();
    let kept = record::commands(db, &ids).await?;
    for row in kept {
        if let Some(call) = list.calls.iter_mut().find(|c| c.id.as_str() == row.call_id) {
            call.commands.push(CallCommand {
                kind: row.kind,
                at: Timestamp::from_unix_millis(super::sql::int(row.at_ms)),
                by: row.by_whom,
                to: row.target,
            });
        }
    }
    Ok(())
}

/// `DELETE /api/calls?phone=+E164` for a token with `calls:erase`: erases
/// one number's calls from the call record (the platform keeps its own),
/// within the token's own restriction. Answers how many were erased.
pub async fn handle_erase(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let claims = portal_claims(ctx, req).await?;
    if !claims.scope.contains(ERASE_SCOPE) {
        return Err(EdgeError::TokenScope(ERASE_SCOPE));
    }
    let url = req.url().map_err(respond::internal)?;
    let mut phone = None;
    for (name, value) in url.query_pairs() {
        match name.as_ref() {
            "phone" if phone.is_none() => {
                phone = Some(PhoneNumber::parse(&value).map_err(|e| EdgeError::invalid(&e))?);
            }
            _ => {
                return Err(EdgeError::Invalid {
                    code: ErrorCode::UnknownParameter,
                    message: "Only one phone=+E164 may be given.".into(),
                    field: None,
                });
            }
        }
    }
    let phone = phone.ok_or(EdgeError::Invalid {
        code: ErrorCode::PhoneMissing,
        message: "Name the number to erase: ?phone=+31612345678.".into(),
        field: Some("phone"),
    })?;
    if claims
        .phone
        .as_ref()
        .is_some_and(|own| own != phone.as_str())
    {
        return Err(EdgeError::TokenScope("this number"));
    }
    let db = record::db(&ctx.env)?;
    let erased = record::erase(&db, phone.as_str()).await?;
    ctx.log.phone = Some(phone.masked());
    respond::json(200, &serde_json::json!({ "erased": erased }))
}

/// The scope that lets a token erase a number's calls.
pub const ERASE_SCOPE: &str = "calls:erase";

/// How far back `GET /api/scheduled` lists bookings (so that one placed or
/// failed an hour ago still shows).
const SCHEDULED_LOOKBACK_MS: i64 = 24 * 3_600_000;

/// One booked callback as the portal sees it.
#[derive(serde::Serialize)]
struct ScheduledView {
    at: String,
    phone: String,
    agent: String,
    status: &'static str,
}

/// `GET /api/scheduled`: booked callbacks in the token's scope (its
/// `phone`; its `agent`, an alias as on `/api/calls`, compared with the
/// alias booked), soonest first.
pub async fn handle_scheduled(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let claims = portal_claims(ctx, req).await?;
    let restriction = Restriction::of(&claims, &ctx.site.config.public.agents)?;
    let command = crate::booking::List {
        from_ms: ctx.now_ms - SCHEDULED_LOOKBACK_MS,
        agent: restriction.alias().map(str::to_owned),
        phone: restriction.phone,
    };
    let bookings = super::scheduler_object::ask(ctx, command).await?;
    let site = ctx.site.clone();
    let scheduled: Vec<ScheduledView> = bookings
        .into_iter()
        .map(|b| ScheduledView {
            at: site.local(b.slot_ms),
            phone: b.phone.into(),
            agent: b.agent.into(),
            status: b.status.as_str(),
        })
        .collect();
    respond::json(200, &serde_json::json!({ "scheduled": scheduled }))
}
