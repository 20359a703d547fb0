//! `GET /api/config` and `POST /api/callback`.

use std::time::Duration;

use callme_shared::{CallId, CallbackAccepted, ErrorCode, PublicConfig};
use worker::{Delay, Method, Request, Response};

use crate::admit::{self, Admitted, Head, When};
use crate::booking::{Book, Booked, Booking, BookingStatus, Counts};
use crate::error::EdgeError;
use crate::guard::{Abort, Admission, Admit, Count, Finish};
use crate::record::Sighting;
use crate::site::Site;
use crate::upstream;

use super::record::{self, Unknown};
use super::{Ctx, body, fetch, guard_object, now, respond, scheduler_object, turnstile};

/// How often a request waits on another holding its idempotency key.
const PENDING_POLL_MS: u64 = 100;

/// What the widget needs to draw its form.
pub fn public_config(site: &Site, now_ms: i64) -> PublicConfig {
    let public = &site.config.public;
    PublicConfig {
        countries: public.allowed_countries.clone(),
        default_country: public.default_country,
        agents: public
            .agents
            .iter()
            .map(|(alias, _)| alias.clone())
            .collect(),
        turnstile_sitekey: site.config.bot_check.sitekey.clone(),
        consent_required: public.consent_required,
        locales: public.locales.clone(),
        hours: site.hours(now_ms),
    }
}

/// `POST /api/callback`: the plan (`crate::admit`) decides; this awaits
/// its steps. Every refusal before the last step costs no platform call.
pub async fn handle_callback(ctx: &mut Ctx, req: Request) -> Result<Response, EdgeError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (content_length, content_type, key, ip) = (
        header("Content-Length"),
        header("Content-Type"),
        header("Idempotency-Key"),
        header("CF-Connecting-IP"),
    );
    let ready = admit::head(
        &ctx.site,
        &ctx.caller,
        Head {
            content_length: content_length.as_deref(),
            content_type: content_type.as_deref(),
            idempotency_key: key.as_deref(),
            ip: ip.as_deref(),
        },
    )?;
    let body = body::read_bounded(&req, crate::request::MAX_BODY_BYTES).await?;
    let plan = admit::body(&ctx.site, ctx.now_ms, ready, &body)?;
    ctx.log.phone = Some(plan.destination.phone.masked());

    if let Some(claim) = &plan.claim {
        let give_up_at = ctx.now_ms + claim.pending_ms;
        loop {
            let now_ms = now();
            let admit = Admit {
                claim: claim.clone(),
                checks: plan.checks_with_claim(),
                now_ms,
            };
            match guard_object::ask(ctx, admit).await? {
                Admission::Proceed => break,
                Admission::Replay { answer } => return replay(&answer),
                Admission::Conflict => return Err(EdgeError::IdempotencyConflict),
                Admission::Limited(limited) => return Err(plan.refusal(&limited)),
                Admission::Pending if now_ms < give_up_at => {
                    Delay::from(Duration::from_millis(PENDING_POLL_MS)).await;
                }
                Admission::Pending => return Err(EdgeError::IdempotencyInProgress),
            }
        }
    } else {
        count(ctx, &plan, plan.checks_with_claim()).await?;
    }
    let result = place(ctx, &plan).await;
    if let Some(claim) = &plan.claim {
        let key = claim.key.clone();
        // A follow-up that fails must not turn a placed call into an
        // error (the visitor would retry and be called twice) nor hide
        // why the work failed: the log says it, the answer stands. The
        // claim then lapses after its pending time.
        let settled = match &result {
            Ok(answer) => {
                let finish = Finish {
                    key,
                    answer: answer.clone(),
                    now_ms: now(),
                };
                guard_object::ask(ctx, finish).await
            }
            Err(_) => guard_object::ask(ctx, Abort { key }).await,
        };
        if let Err(error) = settled {
            let detail = error.log_detail().unwrap_or_default();
            ctx.log.detail = Some(format!("idempotency record not settled: {detail}"));
        }
    }
    result.and_then(|answer| respond::json_text(202, answer))
}

/// Counts `checks` in the Guard (nothing to count: no round trip).
async fn count(
    ctx: &mut Ctx,
    plan: &Admitted,
    checks: Vec<crate::limits::Check>,
) -> Result<(), EdgeError> {
    if checks.is_empty() {
        return Ok(());
    }
    let count = Count {
        checks,
        now_ms: now(),
    };
    guard_object::ask(ctx, count)
        .await?
        .map_err(|limited| plan.refusal(&limited))
}

/// The bot check and the limits it must precede, then the platform or the
/// Scheduler. Returns the answer's JSON (kept for idempotent replays).
async fn place(ctx: &mut Ctx, plan: &Admitted) -> Result<String, EdgeError> {
    if let Some(bot_check) = &plan.bot_check {
        turnstile::verify(ctx, bot_check, plan.origin.as_deref()).await?;
        count(ctx, plan, plan.checks_after_bot_check()).await?;
    }
    let outbound =
        serde_json::to_string(&plan.outbound).map_err(|e| EdgeError::Internal(e.to_string()))?;
    let call_id = match plan.when {
        When::Now => {
            let raw = fetch::upstream(ctx, Method::Post, "/calls/outbound", Some(outbound)).await?;
            let call_id = upstream::outbound_answer(&raw)?.call_id;
            remember(ctx, plan, &call_id);
            call_id
        }
        When::Slot(slot_ms) => book(ctx, plan, slot_ms, outbound).await?,
    };
    let accepted = plan.accepted(&ctx.site, call_id, ctx.now_ms)?;
    serde_json::to_string(&accepted).map_err(|e| EdgeError::Internal(e.to_string()))
}

/// Starts the call's record after the answer is sent: the visitor need not
/// wait for it, and a failure only costs the first poll a lookup.
fn remember(ctx: &Ctx, plan: &Admitted, call_id: &CallId) {
    let sighting = placed_sighting(
        plan.destination.phone.as_str(),
        plan.agent.as_str(),
        ctx.now_ms,
    );
    let (env, id, now_ms) = (ctx.env.clone(), call_id.clone(), ctx.now_ms);
    ctx.background(async move {
        let written = match record::db(&env) {
            Ok(db) => record::see(&db, &id, &sighting, now_ms, Unknown::Record)
                .await
                .map(|_| ()),
            Err(error) => Err(error),
        };
        if let Err(error) = written {
            worker::console_error!(
                "call record not started: {}",
                error.log_detail().unwrap_or_default()
            );
        }
    });
}

/// What callme knows of a call the platform just accepted.
pub fn placed_sighting(phone: &str, agent: &str, now_ms: i64) -> Sighting {
    Sighting {
        status: Some("dialing".into()),
        phone: Some(phone.to_owned()),
        agent: Some(agent.to_owned()),
        created_ms: Some(now_ms),
        ..Sighting::default()
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The runtime's `crypto.randomUUID()` (a CSPRNG).
    #[wasm_bindgen(js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> String;
}

/// Books the slot at `slot_ms`: the Scheduler keeps the platform request
/// and sends it then. Returns the booking's id.
async fn book(
    ctx: &mut Ctx,
    plan: &Admitted,
    slot_ms: i64,
    outbound: String,
) -> Result<CallId, EdgeError> {
    let id = format!("sched-{}", random_uuid().replace('-', ""));
    let booking = Booking {
        id: id.clone(),
        slot_ms,
        phone: plan.destination.phone.as_str().to_owned(),
        agent: plan.agent.as_str().to_owned(),
        outbound,
        status: BookingStatus::Scheduled,
        attempts: 0,
        next_try_ms: slot_ms,
        call_id: None,
        placed_ms: None,
        error: None,
    };
    let command = Book {
        booking,
        capacity: ctx.site.config.booking.slot_capacity,
    };
    match scheduler_object::ask(ctx, command).await? {
        Booked::Booked => CallId::parse(&id).map_err(|e| EdgeError::Internal(e.to_string())),
        Booked::Full => Err(EdgeError::Conflict {
            code: ErrorCode::SlotFull,
            message: "This time was booked full meanwhile: pick another.",
        }),
    }
}

/// `GET /api/slots?days=N`: the bookable slot starts, in the site's zone
/// and offset, without the full ones.
pub async fn handle_slots(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    let site = ctx.site.clone();
    let config = &site.config;
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
    let mut slots = site.slots(ctx.now_ms, days);
    if !slots.is_empty() {
        let counts = scheduler_object::ask(
            ctx,
            Counts {
                from_ms: ctx.now_ms,
            },
        )
        .await?;
        slots.retain(|slot| {
            counts
                .iter()
                .find(|(at, _)| at == slot)
                .is_none_or(|(_, n)| *n < config.booking.slot_capacity)
        });
    }
    let slots: Vec<String> = slots.into_iter().map(|at| site.local(at)).collect();
    respond::json(
        200,
        &serde_json::json!({ "time_zone": config.booking.time_zone, "slots": slots }),
    )
}

/// A stored answer, replayed as it was (read back first: the Guard's
/// storage is not trusted to hold only what this edge wrote).
fn replay(answer: &str) -> Result<Response, EdgeError> {
    let accepted: CallbackAccepted = serde_json::from_str(answer)
        .map_err(|e| EdgeError::Internal(format!("stored answer: {e}")))?;
    respond::json(202, &accepted)
}
