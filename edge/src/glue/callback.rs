//! `GET /api/config`, `POST /api/callback` and `GET /api/callback/{id}`.

use std::time::Duration;

use callme_shared::{
    CallId, CallbackAccepted, CallbackRequest, LiveStatus, PublicConfig, percent_decode_path,
};
use worker::{Delay, Method, Request, Response};

use crate::config::EdgeConfig;
use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::guard::{Answer, Command};
use crate::history::{self, LOOKUP_PAGES};
use crate::limits::{Check, RateRule};
use crate::{outbound, policy, request, ticket, upstream};

use super::guard_object::ask;
use super::{Ctx, fetch, respond, turnstile};

/// How often a request waits on another holding its idempotency key.
const PENDING_POLL_MS: u64 = 100;

/// What the widget needs to draw its form.
pub fn public_config(config: &EdgeConfig) -> PublicConfig {
    PublicConfig {
        countries: config.allowed_countries.clone(),
        default_country: config.default_country,
        agents: config
            .agents
            .iter()
            .map(|(alias, _)| alias.clone())
            .collect(),
        turnstile_sitekey: config.turnstile_sitekey.clone(),
        consent_required: config.consent_required,
        locales: config.locales.clone(),
    }
}

/// `POST /api/callback`, in the documented order; every refusal before the
/// last step costs no platform call.
pub async fn handle_callback(ctx: &mut Ctx, mut req: Request) -> Result<Response, EdgeError> {
    let origin = match &ctx.caller {
        Caller::AllowedOrigin(origin) => Some(origin.clone()),
        Caller::SameOrigin => None,
        Caller::Server => return Err(cors::browser_only()),
    };
    let header = |name: &str| req.headers().get(name).ok().flatten();
    request::check_declared_length(header("Content-Length").as_deref())?;
    request::check_json_type(header("Content-Type").as_deref())?;
    let idempotency_key = header("Idempotency-Key")
        .map(|k| crate::guard::idempotency_key(&k))
        .transpose()
        .map_err(|e| EdgeError::Invalid {
            code: "idempotency_key_invalid",
            message: e.to_string(),
            field: None,
        })?;
    let ip = header("CF-Connecting-IP").unwrap_or_else(|| "unknown".into());
    let body = req.bytes().await.map_err(respond::internal)?;
    let callback = request::parse_callback(&body)?;
    ctx.log.phone = Some(callback.phone.masked());

    let config = &ctx.config;
    policy::check_destination(
        &callback.phone,
        &config.allowed_countries,
        &config.allowed_number_kinds,
    )
    .map_err(|e| EdgeError::from_policy(&e))?;
    if config.consent_required && !callback.consent {
        return Err(EdgeError::Invalid {
            code: "consent_required",
            message: "Tick the box to agree to be called.".into(),
            field: Some("consent"),
        });
    }
    let agent_id = config
        .agent(callback.agent.as_ref())
        .cloned()
        .ok_or_else(|| EdgeError::Invalid {
            code: "agent_unknown",
            message: "There is no agent by that name.".into(),
            field: Some("agent"),
        })?;

    let Some(key) = idempotency_key else {
        return place(ctx, &callback, &agent_id, origin.as_deref(), &ip)
            .await
            .map(|(response, _)| response);
    };
    let fingerprint = request::fingerprint(&callback);
    // Wait out another request holding the key, a little longer than it
    // can take, then give up with 409.
    let give_up_at =
        ctx.now_ms + i64::try_from(ctx.config.upstream_timeout_ms * 2 + 3_000).unwrap_or(i64::MAX);
    loop {
        let now_ms = now();
        let begin = Command::Begin {
            key: key.clone(),
            fingerprint: fingerprint.clone(),
            now_ms,
            pending_ms: give_up_at - ctx.now_ms,
        };
        match ask(&ctx.env, &begin).await? {
            Answer::Proceed => break,
            Answer::Replay { answer } => return replay(&answer),
            Answer::Conflict => return Err(EdgeError::IdempotencyConflict),
            Answer::Pending if now_ms < give_up_at => {
                Delay::from(Duration::from_millis(PENDING_POLL_MS)).await
            }
            _ => return Err(EdgeError::IdempotencyInProgress),
        }
    }
    let result = place(ctx, &callback, &agent_id, origin.as_deref(), &ip).await;
    let follow_up = match &result {
        Ok((_, answer)) => Command::Finish {
            key,
            answer: answer.clone(),
            now_ms: now(),
        },
        Err(_) => Command::Abort { key },
    };
    ask(&ctx.env, &follow_up).await?;
    result.map(|(response, _)| response)
}

/// Bot check, rate limits, then the platform. Returns the response and its
/// JSON (kept for idempotent replays).
async fn place(
    ctx: &mut Ctx,
    callback: &CallbackRequest,
    agent_id: &callme_shared::AgentId,
    origin: Option<&str>,
    ip: &str,
) -> Result<(Response, String), EdgeError> {
    turnstile::verify(ctx, callback.turnstile_token.as_deref(), ip).await?;
    let config = &ctx.config;
    let checks = vec![
        Check {
            key: format!("ip:{ip}"),
            rule: config.limit_per_ip,
        },
        Check {
            key: format!("phone:{}", callback.phone),
            rule: config.limit_per_phone,
        },
        Check {
            key: "all:day".into(),
            rule: RateRule {
                count: config.daily_cap,
                window_ms: 86_400_000,
            },
        },
    ];
    match ask(
        &ctx.env,
        &Command::Hit {
            checks,
            now_ms: ctx.now_ms,
        },
    )
    .await?
    {
        Answer::Allowed => {}
        Answer::Limited { key, retry_after_s } => {
            let limit = key.split(':').next().unwrap_or("limit").to_owned();
            return Err(EdgeError::RateLimited {
                retry_after_s,
                limit,
            });
        }
        other => {
            return Err(EdgeError::Internal(format!(
                "guard answered {other:?} to a hit"
            )));
        }
    }

    let outbound = outbound::build(&ctx.config, callback, agent_id, origin, ctx.now_ms);
    let body = serde_json::to_string(&outbound).map_err(|e| EdgeError::Internal(e.to_string()))?;
    let raw = fetch::upstream(ctx, Method::Post, "/calls/outbound", Some(body)).await?;
    let placed = upstream::outbound_answer(&raw)?;
    let accepted = CallbackAccepted {
        ticket: ticket::issue(
            ctx.config.ticket_secret.expose(),
            &placed.call_id,
            ctx.now_ms,
            ctx.config.ticket_ttl_ms,
        ),
        call_id: placed.call_id,
        status: LiveStatus::Dialing,
    };
    let json = serde_json::to_string(&accepted).map_err(|e| EdgeError::Internal(e.to_string()))?;
    Ok((respond::json(202, &accepted)?, json))
}

fn replay(answer: &str) -> Result<Response, EdgeError> {
    let accepted: CallbackAccepted = serde_json::from_str(answer)
        .map_err(|e| EdgeError::Internal(format!("stored answer: {e}")))?;
    respond::json(202, &accepted)
}

/// `GET /api/callback/{id}` with `Authorization: Ticket <ticket>`.
pub async fn handle_status(
    ctx: &mut Ctx,
    req: &Request,
    raw_id: &str,
) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    let call_id =
        CallId::parse(&percent_decode_path(raw_id)).map_err(|e| EdgeError::invalid(&e))?;
    let ticket_text = req
        .headers()
        .get("Authorization")
        .ok()
        .flatten()
        .and_then(|v| v.strip_prefix("Ticket ").map(str::to_owned))
        .ok_or(EdgeError::Unauthorized {
            code: "ticket_missing",
            message: "Send the ticket of this callback: Authorization: Ticket <ticket>.",
        })?;
    let ticket = ticket::verify(
        ctx.config.ticket_secret.expose(),
        ticket_text.trim(),
        call_id.as_str(),
        ctx.now_ms,
    )
    .map_err(|e| {
        ctx.log.detail = Some(e.to_string());
        EdgeError::Unauthorized {
            code: "ticket_invalid",
            message: "This ticket is not valid for this call.",
        }
    })?;

    let mut found = None;
    for page in 0..LOOKUP_PAGES {
        let query = history::lookup_query(ticket.issued_ms, page);
        let raw = fetch::upstream(ctx, Method::Get, &upstream::list_path(&query), None).await?;
        let list = upstream::list_answer(&raw)?;
        let read = list.calls.len();
        found = list.calls.into_iter().find(|c| c.id == call_id);
        if found.is_some() || read < query.limit.get() as usize {
            break;
        }
    }
    if found.is_none() && ctx.now_ms - ticket.issued_ms > history::UNKNOWN_AFTER_MS {
        return Err(EdgeError::CallNotFound);
    }
    respond::json(200, &history::status_view(&call_id, found.as_ref()))
}

fn now() -> i64 {
    i64::try_from(worker::Date::now().as_millis()).unwrap_or(0)
}
