//! `GET /api/config` and `POST /api/callback`.

use std::time::Duration;

use callme_shared::{
    CallId, CallbackAccepted, CallbackRequest, ErrorCode, Hours, LiveStatus, PublicConfig,
};
use worker::{Delay, Method, Request, Response};

use crate::booking::{Answer as BookingAnswer, Booking, BookingStatus, Command as BookingCommand};
use crate::callback::{self as rules, CallbackLimits};
use crate::config::EdgeConfig;
use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::guard::{Answer, Claim, Command};
use crate::{outbound, policy, request, ticket, upstream};

use super::guard_object::ask;
use super::{Ctx, body, fetch, now, respond, turnstile};

/// How often a request waits on another holding its idempotency key.
const PENDING_POLL_MS: u64 = 100;

/// How far ahead the next opening is looked for.
const NEXT_OPEN_HORIZON_DAYS: i64 = 60;

/// Whether the site is open at `now_ms`, and when it opens next.
fn hours(config: &EdgeConfig, now_ms: i64) -> Result<Hours, EdgeError> {
    let zone = super::zone::site_zone(&config.booking.time_zone).map_err(EdgeError::Internal)?;
    let open_now = config.booking.schedule.is_open(&*zone, now_ms);
    let next_open = (!open_now)
        .then(|| {
            config
                .booking
                .schedule
                .next_open(&*zone, now_ms, NEXT_OPEN_HORIZON_DAYS)
        })
        .flatten()
        .map(|at| crate::hours::local_rfc3339(&*zone, at));
    Ok(Hours {
        time_zone: config.booking.time_zone.clone(),
        open_now,
        next_open,
    })
}

/// What the widget needs to draw its form.
///
/// # Errors
/// When the site's zone cannot be read (checked when the isolate starts).
pub fn public_config(config: &EdgeConfig, now_ms: i64) -> Result<PublicConfig, EdgeError> {
    Ok(PublicConfig {
        countries: config.public.allowed_countries.clone(),
        default_country: config.public.default_country,
        agents: config
            .public
            .agents
            .iter()
            .map(|(alias, _)| alias.clone())
            .collect(),
        turnstile_sitekey: config.bot_check.sitekey.clone(),
        consent_required: config.public.consent_required,
        locales: config.public.locales.clone(),
        hours: hours(config, now_ms)?,
    })
}

/// `POST /api/callback`, in the documented order; every refusal before the
/// last step costs no platform call.
pub async fn handle_callback(ctx: &mut Ctx, req: Request) -> Result<Response, EdgeError> {
    let origin = match &ctx.caller {
        Caller::AllowedOrigin(origin) => Some(origin.clone()),
        Caller::SameOrigin => None,
        Caller::Server => return Err(cors::browser_only()),
    };
    // Without a usable ticket key the answer could not be signed: refuse
    // before anything is counted or placed.
    ctx.config.ticket_key()?;
    let header = |name: &str| req.headers().get(name).ok().flatten();
    request::check_declared_length(header("Content-Length").as_deref())?;
    request::check_json_type(header("Content-Type").as_deref())?;
    let idempotency_key = header("Idempotency-Key")
        .map(|k| crate::guard::idempotency_key(&k))
        .transpose()
        .map_err(|e| EdgeError::Invalid {
            code: ErrorCode::IdempotencyKeyInvalid,
            message: e.to_string(),
            field: None,
        })?;
    // Cloudflare sets CF-Connecting-IP and overwrites any a client sends;
    // X-Forwarded-For is the client's own word and never read.
    let ip = header("CF-Connecting-IP");
    let body = body::read_bounded(&req, request::MAX_BODY_BYTES).await?;
    let mut callback = request::parse_callback(&body)?;
    ctx.log.phone = Some(callback.phone.masked());

    let config = &ctx.config;
    let destination = policy::check_destination(
        &callback.phone,
        &config.public.allowed_countries,
        &config.public.allowed_number_kinds,
    )
    .map_err(|e| EdgeError::from_policy(&e))?;
    // From here on the number is libphonenumber's one canonical form: the
    // limits, the idempotency fingerprint and the call all see the same
    // number however the visitor wrote it.
    callback.phone = destination.phone;
    rules::check_consent(config, callback.consent)?;
    let agent_id = rules::choose_agent(config, callback.agent.as_ref())?;
    match &callback.at {
        // Outside the opening hours nothing is counted or placed.
        None => {
            let hours = hours(config, ctx.now_ms)?;
            if !hours.open_now {
                return Err(EdgeError::Closed {
                    next_open: hours.next_open,
                });
            }
        }
        // A booking must name a slot `GET /api/slots` offers (full ones
        // aside: the Scheduler says so, atomically, when it books).
        Some(at) => {
            let zone =
                super::zone::site_zone(&config.booking.time_zone).map_err(EdgeError::Internal)?;
            let slots = config.booking.schedule.slots(
                &*zone,
                ctx.now_ms,
                config.booking.slot_minutes,
                config.booking.schedule_days,
            );
            if !slots.contains(&at.unix_millis()) {
                return Err(EdgeError::Invalid {
                    code: ErrorCode::SlotUnavailable,
                    message: "This time cannot be booked: pick one of GET /api/slots.".into(),
                    field: Some("at"),
                });
            }
        }
    }

    // Without Turnstile one Guard round trip claims the key and counts the
    // limits; with it the bot check must come between the two (a one-use
    // token must not be spent on a replay, and a failed bot check must not
    // use up anybody's limits), so the limits are counted after it.
    let limits = CallbackLimits::new(config, &callback.phone, ip.as_deref());
    let bot_check = config.bot_check.secret.is_some();
    let admit_checks = if bot_check {
        Vec::new()
    } else {
        limits.checks()
    };
    let claim = idempotency_key.map(|key| Claim {
        key,
        fingerprint: request::fingerprint(&callback),
        // Wait out another request holding the key a little longer than
        // it can take, then give up with 409.
        pending_ms: i64::try_from(config.upstream.timeout_ms * 2 + 3_000).unwrap_or(i64::MAX),
    });
    if claim.is_some() || !admit_checks.is_empty() {
        let give_up_at = ctx.now_ms + claim.as_ref().map_or(0, |c| c.pending_ms);
        loop {
            let now_ms = now();
            let admit = Command::Admit {
                claim: claim.clone(),
                checks: admit_checks.clone(),
                now_ms,
            };
            match ask(ctx, &admit).await? {
                Answer::Proceed => break,
                Answer::Replay { answer } => return replay(&answer),
                Answer::Conflict => return Err(EdgeError::IdempotencyConflict),
                Answer::Limited { key, retry_after_s } => {
                    return Err(limits.refusal(&key, retry_after_s));
                }
                Answer::Pending if now_ms < give_up_at => {
                    Delay::from(Duration::from_millis(PENDING_POLL_MS)).await;
                }
                Answer::Pending => return Err(EdgeError::IdempotencyInProgress),
                Answer::Done => {
                    return Err(EdgeError::Internal("guard answered done to admit".into()));
                }
            }
        }
    }
    let result = place(
        ctx,
        &callback,
        &agent_id,
        origin.as_deref(),
        ip.as_deref().unwrap_or_default(),
        bot_check.then_some(&limits),
    )
    .await;
    if let Some(claim) = claim {
        let follow_up = match &result {
            Ok((_, answer)) => Command::Finish {
                key: claim.key,
                answer: answer.clone(),
                now_ms: now(),
            },
            Err(_) => Command::Abort { key: claim.key },
        };
        // A follow-up that fails must not turn a placed call into an
        // error (the visitor would retry and be called twice) nor hide
        // why the work failed: the log says it, the answer stands. The
        // claim then lapses after its pending time.
        if let Err(error) = ask(ctx, &follow_up).await {
            let detail = error.log_detail().unwrap_or_default();
            ctx.log.detail = Some(format!("idempotency record not settled: {detail}"));
        }
    }
    result.map(|(response, _)| response)
}

/// The bot check and the limits it must precede (given when Turnstile is on),
/// then the platform. Returns the response and its JSON (kept for
/// idempotent replays).
async fn place(
    ctx: &mut Ctx,
    callback: &CallbackRequest,
    agent_id: &callme_shared::AgentId,
    origin: Option<&str>,
    ip: &str,
    limits: Option<&CallbackLimits>,
) -> Result<(Response, String), EdgeError> {
    turnstile::verify(ctx, callback.turnstile_token.as_deref(), ip, origin).await?;
    if let Some(limits) = limits {
        let hit = Command::Admit {
            claim: None,
            checks: limits.checks(),
            now_ms: ctx.now_ms,
        };
        match ask(ctx, &hit).await? {
            Answer::Proceed => {}
            Answer::Limited { key, retry_after_s } => {
                return Err(limits.refusal(&key, retry_after_s));
            }
            other => {
                return Err(EdgeError::Internal(format!(
                    "guard answered {other:?} to a hit"
                )));
            }
        }
    }

    let outbound = outbound::build(&ctx.config, callback, agent_id, origin, ctx.now_ms);
    let body = serde_json::to_string(&outbound).map_err(|e| EdgeError::Internal(e.to_string()))?;
    if let Some(at) = &callback.at {
        return book(ctx, callback, at.unix_millis(), body).await;
    }
    let raw = fetch::upstream(ctx, Method::Post, "/calls/outbound", Some(body)).await?;
    let placed = upstream::outbound_answer(&raw)?;
    let accepted = CallbackAccepted {
        ticket: ticket::issue(
            ctx.config.ticket_key()?.expose(),
            &placed.call_id,
            ctx.now_ms,
            ctx.config.tickets.ttl_ms,
        ),
        call_id: placed.call_id,
        status: LiveStatus::Dialing,
        at: None,
    };
    let json = serde_json::to_string(&accepted).map_err(|e| EdgeError::Internal(e.to_string()))?;
    Ok((respond::json(202, &accepted)?, json))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The runtime's `crypto.randomUUID()` (a CSPRNG).
    #[wasm_bindgen(js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> String;
}

/// Books the slot at `slot_ms` for this callback: the Scheduler keeps the
/// platform request and sends it then. The ticket lives until an hour
/// (`TICKET_TTL_SECONDS`) after the slot.
async fn book(
    ctx: &mut Ctx,
    callback: &CallbackRequest,
    slot_ms: i64,
    outbound: String,
) -> Result<(Response, String), EdgeError> {
    let id = format!("sched-{}", random_uuid().replace('-', ""));
    let booking = Booking {
        id: id.clone(),
        slot_ms,
        phone: callback.phone.as_str().to_owned(),
        agent: callback.agent.as_ref().map_or_else(
            || ctx.config.public.agents[0].0.as_str().to_owned(),
            |a| a.as_str().to_owned(),
        ),
        outbound,
        status: BookingStatus::Scheduled,
        attempts: 0,
        next_try_ms: slot_ms,
        call_id: None,
        placed_ms: None,
        error: None,
    };
    let command = BookingCommand::Book {
        booking,
        capacity: ctx.config.booking.slot_capacity,
    };
    match super::scheduler_object::ask(ctx, &command).await? {
        BookingAnswer::Booked => {}
        BookingAnswer::Full => {
            return Err(EdgeError::Conflict {
                code: ErrorCode::SlotFull,
                message: "This time was booked full meanwhile: pick another.",
            });
        }
        other => {
            return Err(EdgeError::Internal(format!(
                "scheduler answered {other:?} to a booking"
            )));
        }
    }
    let call_id = CallId::parse(&id).map_err(|e| EdgeError::Internal(e.to_string()))?;
    let zone =
        super::zone::site_zone(&ctx.config.booking.time_zone).map_err(EdgeError::Internal)?;
    let accepted = CallbackAccepted {
        ticket: ticket::issue(
            ctx.config.ticket_key()?.expose(),
            &call_id,
            ctx.now_ms,
            (slot_ms - ctx.now_ms).max(0) + ctx.config.tickets.ttl_ms,
        ),
        call_id,
        status: LiveStatus::Scheduled,
        at: Some(crate::hours::local_rfc3339(&*zone, slot_ms)),
    };
    let json = serde_json::to_string(&accepted).map_err(|e| EdgeError::Internal(e.to_string()))?;
    Ok((respond::json(202, &accepted)?, json))
}

/// `GET /api/slots?days=N`: the bookable slot starts, in the site's zone
/// and offset, without the full ones.
pub async fn handle_slots(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let config = ctx.config.clone();
    let url = req.url().map_err(respond::internal)?;
    let mut days = config.booking.schedule_days;
    for (name, value) in url.query_pairs() {
        match name.as_ref() {
            "days" => {
                days = value
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=config.booking.schedule_days).contains(d))
                    .ok_or_else(|| EdgeError::Invalid {
                        code: ErrorCode::LimitOutOfRange,
                        message: format!(
                            "days is a whole number from 1 to {}.",
                            config.booking.schedule_days
                        ),
                        field: Some("days"),
                    })?;
            }
            _ => {
                return Err(EdgeError::Invalid {
                    code: ErrorCode::UnknownParameter,
                    message: format!(
                        "Unknown parameter {:?}.",
                        name.chars().take(40).collect::<String>()
                    ),
                    field: None,
                });
            }
        }
    }
    let zone = super::zone::site_zone(&config.booking.time_zone).map_err(EdgeError::Internal)?;
    let mut slots =
        config
            .booking
            .schedule
            .slots(&*zone, ctx.now_ms, config.booking.slot_minutes, days);
    if !slots.is_empty() {
        let counts = match super::scheduler_object::ask(
            ctx,
            &BookingCommand::Counts {
                from_ms: ctx.now_ms,
            },
        )
        .await?
        {
            BookingAnswer::Counts { counts } => counts,
            other => {
                return Err(EdgeError::Internal(format!(
                    "scheduler answered {other:?} to counts"
                )));
            }
        };
        slots.retain(|slot| {
            counts
                .iter()
                .find(|(at, _)| at == slot)
                .is_none_or(|(_, n)| *n < config.booking.slot_capacity)
        });
    }
    let slots: Vec<String> = slots
        .into_iter()
        .map(|at| crate::hours::local_rfc3339(&*zone, at))
        .collect();
    respond::json(
        200,
        &serde_json::json!({ "time_zone": config.booking.time_zone, "slots": slots }),
    )
}

fn replay(answer: &str) -> Result<Response, EdgeError> {
    let accepted: CallbackAccepted = serde_json::from_str(answer)
        .map_err(|e| EdgeError::Internal(format!("stored answer: {e}")))?;
    respond::json(202, &accepted)
}
