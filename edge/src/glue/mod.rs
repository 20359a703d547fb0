//! The wasm glue: the fetch event, routing, and the runtime's I/O (fetch,
//! the Guard object). Decisions are made by the native modules.

mod body;
pub(crate) mod callback;
mod calls;
mod control;
mod cron;
mod events;
mod fetch;
mod guard_object;
mod object;
mod record;
mod respond;
mod scheduler_object;
mod site;
mod sql;
mod status;
mod turnstile;
mod zone;

use worker::{Context, Date, Env, Method, Request, Response, console_log, event};

use std::rc::Rc;

use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::log::LogLine;
use crate::routes::{self, Route};
use crate::site::Site;

/// What one request carries through its handler.
pub struct Ctx {
    /// The isolate's settings and zone.
    pub site: Rc<Site>,
    /// Bindings (the Guard).
    pub env: Env,
    /// Who is calling.
    pub caller: Caller,
    /// The request's clock, read once.
    pub now_ms: i64,
    /// The log line being filled in.
    pub log: LogLine,
    /// The runtime's context of this request (for work after the answer).
    pub cf: Rc<Context>,
    /// The edge's own host (and port) as the request named it: tickets are
    /// bound to it.
    pub host: String,
}

impl Ctx {
    /// Runs `work` after the answer is sent (the runtime keeps the request
    /// alive for it): what the visitor need not wait for.
    pub fn background(&self, work: impl std::future::Future<Output = ()> + 'static) {
        self.cf.wait_until(work);
    }
}

#[event(fetch)]
async fn fetch(request: Request, env: Env, cf: Context) -> worker::Result<Response> {
    let started = Date::now().as_millis();
    let path = request.path();
    let mut log = LogLine {
        method: request.method().to_string(),
        route: routes::log_name(&path),
        ..LogLine::default()
    };
    let (caller, result) = match prepare(&request, env, Rc::new(cf), &mut log) {
        Ok(mut ctx) => {
            let result = route(&mut ctx, request, &path).await;
            log = std::mem::take(&mut ctx.log);
            (Some(ctx.caller), result)
        }
        Err(error) => (None, Err(error)),
    };
    let response = match result {
        Ok(response) => response,
        Err(error) => {
            log.error = Some(error.body().error.code);
            log.detail = match (error.log_detail(), log.detail.take()) {
                (Some(first), Some(then)) => Some(format!("{first}; {then}")),
                (first, then) => first.or(then),
            };
            respond::error(&error)?
        }
    };
    let response = respond::finish(response, caller.as_ref())?;
    log.status = response.status_code();
    log.duration_ms = i64::try_from(Date::now().as_millis().saturating_sub(started)).unwrap_or(0);
    console_log!("{}", log.to_json());
    Ok(response)
}

/// The clock now (Unix ms): requests that wait read it again.
pub(crate) fn now() -> i64 {
    i64::try_from(Date::now().as_millis()).unwrap_or(0)
}

/// The isolate's site and who is calling.
fn prepare(
    request: &Request,
    env: Env,
    cf: Rc<Context>,
    log: &mut LogLine,
) -> Result<Ctx, EdgeError> {
    let site = site::site(&env)?;
    let header = |name: &str| request.headers().get(name).ok().flatten();
    let caller = cors::classify(
        &site.config,
        header("Origin").as_deref(),
        header("Sec-Fetch-Site").as_deref(),
    )?;
    Ok(Ctx {
        site,
        env,
        caller,
        now_ms: now(),
        log: std::mem::take(log),
        cf,
        host: request
            .url()
            .map(|url| match (url.host_str(), url.port()) {
                (Some(host), Some(port)) => format!("{host}:{port}"),
                (Some(host), None) => host.to_owned(),
                (None, _) => String::new(),
            })
            .unwrap_or_default(),
    })
}

async fn route(ctx: &mut Ctx, request: Request, path: &str) -> Result<Response, EdgeError> {
    let method = request.method();
    if method == Method::Options {
        return respond::preflight(&ctx.caller);
    }
    if let Some(id) = routes::call_control_id(path) {
        return match method {
            Method::Post => control::handle_control(ctx, request, &id).await,
            _ => Err(EdgeError::MethodNotAllowed("POST, OPTIONS")),
        };
    }
    let Some(route) = Route::of(path) else {
        return Err(EdgeError::NotFound(crate::error::NO_SUCH_ENDPOINT));
    };
    match (route, method) {
        (Route::Health, Method::Get | Method::Head) => {
            let health =
                crate::config::health(&ctx.site.config).with_credits(fetch::out_of_credits());
            respond::json(if health.ok { 200 } else { 503 }, &health)
        }
        (Route::Config, Method::Get | Method::Head) => {
            let response = respond::json(200, &callback::public_config(&ctx.site, ctx.now_ms))?;
            // Public and the same for everyone: a minute of caching saves a
            // round trip on every page view of a busy site.
            response
                .headers()
                .set("Cache-Control", "public, max-age=60")
                .map_err(respond::internal)?;
            Ok(response)
        }
        (Route::Calls, Method::Get | Method::Head) => calls::handle_calls(ctx, &request).await,
        (Route::Calls, Method::Delete) => calls::handle_erase(ctx, &request).await,
        (Route::Summary, Method::Get | Method::Head) => calls::handle_summary(ctx, &request).await,
        (Route::PlatformEvents, Method::Post) => events::handle_event(ctx, request).await,
        (Route::Note, Method::Post) => control::handle_note(ctx, request).await,
        (Route::Callback, Method::Post) => callback::handle_callback(ctx, request).await,
        (Route::Callback, Method::Delete) => status::handle_cancel(ctx, &request).await,
        (Route::Status, Method::Get | Method::Head) => status::handle_status(ctx, &request).await,
        (Route::Slots, Method::Get | Method::Head) => callback::handle_slots(ctx, &request).await,
        (Route::Scheduled, Method::Get | Method::Head) => {
            calls::handle_scheduled(ctx, &request).await
        }
        (route, _) => Err(EdgeError::MethodNotAllowed(route.allow())),
    }
}
