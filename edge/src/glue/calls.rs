//! `GET /api/calls`: call history for a portal token.

use callme_shared::{CallsQuery, ErrorCode};
use worker::{Method, Request, Response};

use crate::error::EdgeError;
use crate::guard::Count;
use crate::history::{HistoryScan, Restriction};
use crate::limits::LimitKind;
use crate::{token, upstream};

use super::guard_object;
use super::{Ctx, fetch, respond};

/// The portal token's claims, once it is verified and its per-token limit
/// has room (both portal endpoints count against the same limit).
async fn portal_claims(ctx: &mut Ctx, req: &Request) -> Result<token::Claims, EdgeError> {
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

/// Verifies the token, validates the query, reads the platform (paging
/// when the token restricts), and answers the documented list shape.
pub async fn handle_calls(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let claims = portal_claims(ctx, req).await?;
    let url = req.url().map_err(respond::internal)?;
    // WHATWG form decoding (`+` is a space, bad escapes kept, invalid
    // UTF-8 as U+FFFD), then the query's own rules.
    let query = CallsQuery::from_pairs(url.query_pairs()).map_err(|e| EdgeError::invalid(&e))?;

    let mut scan = HistoryScan::new(
        query,
        Restriction::of(&claims),
        ctx.site.config.portal.history_max_limit,
        ctx.site.config.portal.history_scan_max,
    );
    while let Some(page_query) = scan.next_query() {
        let raw =
            fetch::upstream(ctx, Method::Get, &upstream::list_path(&page_query), None).await?;
        scan.accept(upstream::list_answer(&raw)?);
    }
    if scan.truncated {
        ctx.log.detail = Some("history scan stopped at HISTORY_SCAN_MAX".into());
    }
    let truncated = scan.truncated;
    let response = respond::json(200, &scan.finish())?;
    if truncated {
        response
            .headers()
            .set("X-Callme-Scan-Truncated", "true")
            .map_err(respond::internal)?;
    }
    Ok(response)
}

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
/// `phone`; its `agent` compared with the alias booked), soonest first.
pub async fn handle_scheduled(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let claims = portal_claims(ctx, req).await?;
    let command = crate::booking::List {
        from_ms: ctx.now_ms - SCHEDULED_LOOKBACK_MS,
        phone: claims.phone.clone(),
        agent: claims.agent.clone(),
    };
    let bookings = super::scheduler_object::ask(ctx, command).await?;
    let site = ctx.site.clone();
    let scheduled: Vec<ScheduledView> = bookings
        .into_iter()
        .map(|b| ScheduledView {
            at: site.local(b.slot_ms),
            phone: b.phone,
            agent: b.agent,
            status: b.status.as_str(),
        })
        .collect();
    respond::json(200, &serde_json::json!({ "scheduled": scheduled }))
}
