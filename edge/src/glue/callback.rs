//! `GET /api/config` and `POST /api/callback`.

use std::cell::RefCell;
use std::time::Duration;

use callme_shared::{CallId, CallbackAccepted, ErrorCode, PublicConfig};
use worker::{Delay, Method, Request, Response};

use crate::admit::{self, Admitted, Head, When};
use crate::booking::{
    self, Book, Booked, Booking, BookingId, BookingStatus, Counts, CountsCache, CountsLook,
};
use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::guard::{Abort, Admission, Admit, Count, Finish, Reclaim};
use crate::limits::{ClientKey, LimitKind, LocalLimits};
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
        calling_codes: calling_codes(&public.allowed_countries),
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

/// The calling code of each country, in order; empty for a country whose
/// dialing plan callme does not know (its numbers are typed with +).
pub fn calling_codes(countries: &[callme_shared::CountryCode]) -> Vec<String> {
    countries
        .iter()
        .map(|c| c.dialing_plan().map_or("", |p| p.calling_code).to_owned())
        .collect()
}

/// `POST /api/callback`: the plan (`crate::admit`) decides; this awaits
/// its steps. Every refusal before the last step costs no platform call.
pub async fn handle_callback(ctx: &mut Ctx, req: Request) -> Result<Response, EdgeError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (content_length, content_type, key, ip, ipv6) = (
        header("Content-Length"),
        header("Content-Type"),
        header("Idempotency-Key"),
        header("CF-Connecting-IP"),
        header("CF-Connecting-IPv6"),
    );
    let ready = admit::head(
        &ctx.site,
        &ctx.caller,
        Head {
            content_length: content_length.as_deref(),
            content_type: content_type.as_deref(),
            idempotency_key: key.as_deref(),
            ip: ip.as_deref(),
            ipv6: ipv6.as_deref(),
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
                Admission::Replay { answer } => match maybe_placed_at(&answer) {
                    // The first try may have placed the call: look again,
                    // never send it again blindly.
                    Some(sent_ms) => {
                        if let Some(call_id) = settle_maybe_placed(ctx, &plan, sent_ms).await {
                            let result = accepted_json(ctx, &plan, call_id);
                            return settle_claim(ctx, claim, result).await;
                        }
                        if now() - sent_ms < ctx.site.config.upstream.maybe_placed_ms {
                            let result = Err(EdgeError::MaybePlaced { sent_ms });
                            return settle_claim(ctx, claim, result).await;
                        }
                        // Long enough that the list would hold it: it was
                        // not placed. One of the racing retries takes the
                        // key back and places it.
                        let reclaim = Reclaim {
                            claim: claim.clone(),
                            expected: answer,
                            now_ms: now(),
                        };
                        match guard_object::ask(ctx, reclaim).await? {
                            Admission::Proceed => break,
                            Admission::Replay { answer } => return replay(&answer),
                            Admission::Conflict => return Err(EdgeError::IdempotencyConflict),
                            Admission::Limited(limited) => return Err(plan.refusal(&limited)),
                            Admission::Pending => {
                                Delay::from(Duration::from_millis(PENDING_POLL_MS)).await;
                            }
                        }
                    }
                    None => return replay(&answer),
                },
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
    match &plan.claim {
        Some(claim) => settle_claim(ctx, claim, result).await,
        None => result.and_then(|answer| respond::json_text(202, answer)),
    }
}

/// What an idempotency key keeps for a request that may have placed its
/// call: when it was sent, so a retry looks for it instead of sending it
/// again.
#[derive(serde::Serialize, serde::Deserialize)]
struct MaybePlacedMark {
    maybe_placed_at: i64,
}

fn maybe_placed_at(answer: &str) -> Option<i64> {
    serde_json::from_str::<MaybePlacedMark>(answer)
        .ok()
        .map(|mark| mark.maybe_placed_at)
}

/// Settles the idempotency claim by the work's outcome, then answers. A
/// follow-up that fails must not turn a placed call into an error (the
/// visitor would retry and be called twice) nor hide why the work failed:
/// the log says it, the answer stands (the claim then lapses after its
/// pending time).
async fn settle_claim(
    ctx: &mut Ctx,
    claim: &crate::guard::Claim,
    result: Result<String, EdgeError>,
) -> Result<Response, EdgeError> {
    let key = claim.key.clone();
    let kept = match &result {
        Ok(answer) => Some(answer.clone()),
        // Maybe placed: the key keeps when, for a retry to look again.
        Err(EdgeError::MaybePlaced { sent_ms }) => serde_json::to_string(&MaybePlacedMark {
            maybe_placed_at: *sent_ms,
        })
        .ok(),
        Err(_) => None,
    };
    let settled = match kept {
        Some(answer) => {
            let finish = Finish {
                key,
                answer,
                now_ms: now(),
            };
            guard_object::ask(ctx, finish).await
        }
        None => guard_object::ask(ctx, Abort { key }).await,
    };
    if let Err(error) = settled {
        let detail = error.log_detail().unwrap_or_default();
        ctx.log.detail = Some(format!("idempotency record not settled: {detail}"));
    }
    result.and_then(|answer| respond::json_text(202, answer))
}

/// The answer for a placed call, as JSON.
fn accepted_json(ctx: &Ctx, plan: &Admitted, call_id: CallId) -> Result<String, EdgeError> {
    remember(ctx, plan, &call_id);
    let accepted = plan.accepted(&ctx.site, &ctx.host, call_id, ctx.now_ms)?;
    serde_json::to_string(&accepted).map_err(|e| EdgeError::Internal(e.to_string()))
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
    match plan.when {
        When::Now => {
            let sent_ms = now();
            let answer = fetch::upstream(ctx, Method::Post, "/calls/outbound", Some(outbound))
                .await
                .and_then(|raw| upstream::outbound_answer(&raw).map(|a| a.call_id));
            match answer {
                Ok(call_id) => accepted_json(ctx, plan, call_id),
                Err(error) if upstream::maybe_placed(&error) => {
                    match settle_maybe_placed(ctx, plan, sent_ms).await {
                        Some(call_id) => accepted_json(ctx, plan, call_id),
                        None => Err(EdgeError::MaybePlaced { sent_ms }),
                    }
                }
                Err(error) => Err(error),
            }
        }
        When::Slot(slot_ms) => {
            let id = book(ctx, plan, slot_ms, outbound).await?;
            let accepted = plan.accepted(&ctx.site, &ctx.host, id, ctx.now_ms)?;
            serde_json::to_string(&accepted).map_err(|e| EdgeError::Internal(e.to_string()))
        }
    }
}

/// How often, and how far apart, the list is read for a maybe-placed call:
/// the platform may still be making it when the edge gave up waiting.
const SETTLE_READS: usize = 3;
const SETTLE_STEP_MS: u64 = 700;

/// Looks for the call a timed-out (or broken) outbound request may have
/// placed, in the platform's list, within the reading budget. Found, the
/// callback succeeded after all; not found, the caller keeps the
/// idempotency key claimed, so no retry sends the request again blindly.
async fn settle_maybe_placed(ctx: &mut Ctx, plan: &Admitted, sent_ms: i64) -> Option<CallId> {
    ctx.log.detail = Some("outbound maybe placed: looking it up".into());
    let path = upstream::list_path(&upstream::placed_query(sent_ms));
    for read in 0..SETTLE_READS {
        if read > 0 {
            Delay::from(Duration::from_millis(SETTLE_STEP_MS)).await;
        }
        if fetch::spend(ctx).await.is_err() {
            return None;
        }
        let found = fetch::upstream(ctx, Method::Get, &path, None)
            .await
            .and_then(|raw| upstream::list_answer(&raw))
            .ok()
            .and_then(|list| {
                upstream::placed_call(&list, plan.destination.phone.as_str(), sent_ms)
            });
        if found.is_some() {
            ctx.log.detail = Some("outbound maybe placed: found in the list".into());
            return found;
        }
    }
    ctx.log.detail = Some("outbound maybe placed: not in the list; key kept".into());
    None
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
/// and sends it then. Returns the booking's id. Called once every limit
/// of the plan is counted; a full slot gives them back.
async fn book(
    ctx: &mut Ctx,
    plan: &Admitted,
    slot_ms: i64,
    outbound: String,
) -> Result<CallId, EdgeError> {
    let id = BookingId::parse(&format!("sched-{}", random_uuid().replace('-', "")))
        .map_err(|e| EdgeError::Internal(e.to_string()))?;
    let booking = Booking {
        id: id.clone(),
        slot_ms,
        phone: plan.destination.phone.clone(),
        agent: plan.agent.clone(),
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
    let booked = scheduler_object::ask(ctx, command).await?;
    // Booked or full, this isolate's counts are out of date.
    forget_slot_counts();
    match booked {
        Booked::Booked => {
            CallId::parse(id.as_str()).map_err(|e| EdgeError::Internal(e.to_string()))
        }
        Booked::Full => {
            // Every limit was counted before the Scheduler was asked (so no
            // booking is ever made uncounted); a refusal gives them back.
            let refund = plan.limits.give_back(now());
            if let Err(error) = guard_object::ask(ctx, refund).await {
                let detail = error.log_detail().unwrap_or_default();
                ctx.log.detail = Some(format!("limits not given back: {detail}"));
            }
            Err(EdgeError::Conflict {
                code: ErrorCode::SlotFull,
                message: "This time was booked full meanwhile: pick another.",
            })
        }
    }
}

thread_local! {
    /// The slots' counts this isolate read last (see `CountsCache`).
    static SLOT_COUNTS: RefCell<CountsCache> = RefCell::new(CountsCache::default());
    /// Slot listings per client, in this isolate.
    static SLOT_READS: RefCell<LocalLimits> = RefCell::new(LocalLimits::default());
}

/// Forgets this isolate's slot counts: a booking or a cancellation here
/// changed them.
pub(crate) fn forget_slot_counts() {
    SLOT_COUNTS.with(|cache| cache.borrow_mut().forget());
}

/// `GET /api/slots?days=N`: the bookable slot starts, in the site's zone
/// and offset, without the full ones. For the widget in a browser only,
/// `RATE_LIMIT_SLOTS` per client, answered from counts at most
/// `COUNTS_FRESH_MS` old (older while another request reads newer), so a
/// flood of listings costs the Scheduler a read every couple of seconds.
pub async fn handle_slots(ctx: &mut Ctx, req: &Request) -> Result<Response, EdgeError> {
    if matches!(ctx.caller, Caller::Server) {
        return Err(cors::browser_only());
    }
    // The client as a callback's limits count it (an IPv6 /64, however
    // Cloudflare hands the address over).
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (ip, ipv6) = (header("CF-Connecting-IP"), header("CF-Connecting-IPv6"));
    let client = admit::client_address(ip.as_deref(), ipv6.as_deref());
    let check = LimitKind::Slots.check(
        &ClientKey::of(client).client,
        ctx.site.config.limits.slots_per_client,
    );
    let now_ms = ctx.now_ms;
    SLOT_READS
        .with(|reads| reads.borrow_mut().hit(&check, now_ms))
        .map_err(|retry_after_s| EdgeError::RateLimited {
            retry_after_s,
            limit: LimitKind::Slots,
        })?;
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
        let counts = slot_counts(ctx).await?;
        slots = booking::with_room(slots, &counts, config.booking.slot_capacity);
    }
    let slots: Vec<String> = slots.into_iter().map(|at| site.local(at)).collect();
    respond::json(
        200,
        &serde_json::json!({ "time_zone": config.booking.time_zone, "slots": slots }),
    )
}

/// The slots' counts, from this isolate's cache or the Scheduler.
async fn slot_counts(ctx: &mut Ctx) -> Result<Vec<(i64, u32)>, EdgeError> {
    let now_ms = ctx.now_ms;
    if let CountsLook::Use(counts) = SLOT_COUNTS.with(|cache| cache.borrow_mut().look(now_ms)) {
        return Ok(counts);
    }
    match scheduler_object::ask(ctx, Counts { from_ms: now_ms }).await {
        Ok(counts) => {
            SLOT_COUNTS.with(|cache| cache.borrow_mut().keep(now_ms, counts.clone()));
            Ok(counts)
        }
        Err(error) => {
            SLOT_COUNTS.with(|cache| cache.borrow_mut().failed());
            Err(error)
        }
    }
}

/// A stored answer, replayed as it was (read back first: the Guard's
/// storage is not trusted to hold only what this edge wrote).
fn replay(answer: &str) -> Result<Response, EdgeError> {
    let accepted: CallbackAccepted = serde_json::from_str(answer)
        .map_err(|e| EdgeError::Internal(format!("stored answer: {e}")))?;
    respond::json(202, &accepted)
}
