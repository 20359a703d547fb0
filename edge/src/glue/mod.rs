//! The wasm glue: the fetch event, routing, and the runtime's I/O (fetch,
//! the Guard object). Decisions are made by the native modules.

mod body;
mod callback;
mod calls;
mod fetch;
mod guard_object;
mod respond;
mod scheduler_object;
mod sql;
mod status;
mod turnstile;
mod zone;

use worker::{Context, Date, Env, Method, Request, Response, console_log, event};

use std::cell::OnceCell;
use std::rc::Rc;

use crate::config::{ConfigError, EdgeConfig};
use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::log::LogLine;
use crate::routes::{self, Route};

/// What one request carries through its handler.
pub struct Ctx {
    /// Parsed configuration.
    pub config: Rc<EdgeConfig>,
    /// Bindings (the Guard).
    pub env: Env,
    /// Who is calling.
    pub caller: Caller,
    /// The request's clock, read once.
    pub now_ms: i64,
    /// The log line being filled in.
    pub log: LogLine,
}

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let started = Date::now().as_millis();
    let path = request.path();
    let mut log = LogLine {
        method: request.method().to_string(),
        route: routes::log_name(&path),
        ..LogLine::default()
    };
    let (caller, result) = match prepare(&request, env, &mut log) {
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

thread_local! {
    /// The configuration, parsed once per isolate: vars and secrets cannot
    /// change within one (a new deployment starts new isolates), and parsing
    /// on every request was most of `/api/health`'s cost.
    static CONFIG: OnceCell<Result<Rc<EdgeConfig>, ConfigError>> = const { OnceCell::new() };
}

/// Reads the configuration and classifies the caller.
/// The clock now (Unix ms): requests that wait read it again.
pub(crate) fn now() -> i64 {
    i64::try_from(Date::now().as_millis()).unwrap_or(0)
}

fn prepare(request: &Request, env: Env, log: &mut LogLine) -> Result<Ctx, EdgeError> {
    let config = CONFIG.with(|cell| {
        cell.get_or_init(|| {
            let config = EdgeConfig::from_lookup(|name| {
                env.var(name)
                    .map(|v| v.to_string())
                    .or_else(|_| env.secret(name).map(|v| v.to_string()))
                    .ok()
            })
            .and_then(|config| {
                // The zone name is only known good once Intl knows it.
                zone::site_zone(&config.booking.time_zone)
                    .map(|_| config)
                    .map_err(|reason| ConfigError::Invalid {
                        name: "TIME_ZONE",
                        reason,
                    })
            })
            .map(Rc::new);
            // The isolate's first line says what an operator must know:
            // whether the bot check is off, and what is misconfigured.
            let start = match &config {
                Ok(config) => serde_json::to_string(&crate::config::health(config)),
                Err(error) => serde_json::to_string(&serde_json::json!({
                    "ok": false, "problems": [error.to_string()]
                })),
            };
            console_log!(
                "{{\"event\":\"isolate_start\",\"config\":{}}}",
                start.unwrap_or_default()
            );
            config
        })
        .clone()
    })?;
    let header = |name: &str| request.headers().get(name).ok().flatten();
    let caller = cors::classify(
        &config,
        header("Origin").as_deref(),
        header("Sec-Fetch-Site").as_deref(),
    )?;
    Ok(Ctx {
        config,
        env,
        caller,
        now_ms: i64::try_from(Date::now().as_millis()).unwrap_or(0),
        log: std::mem::take(log),
    })
}

async fn route(ctx: &mut Ctx, request: Request, path: &str) -> Result<Response, EdgeError> {
    let method = request.method();
    if method == Method::Options {
        return respond::preflight(&ctx.caller);
    }
    let Some(route) = Route::of(path) else {
        return Err(EdgeError::NotFound("No such endpoint."));
    };
    match (route, method) {
        (Route::Health, Method::Get | Method::Head) => {
            let health = crate::config::health(&ctx.config);
            respond::json(if health.ok { 200 } else { 503 }, &health)
        }
        (Route::Config, Method::Get | Method::Head) => {
            let response = respond::json(200, &callback::public_config(&ctx.config, ctx.now_ms)?)?;
            // Public and the same for everyone: a minute of caching saves a
            // round trip on every page view of a busy site.
            response
                .headers()
                .set("Cache-Control", "public, max-age=60")
                .map_err(respond::internal)?;
            Ok(response)
        }
        (Route::Calls, Method::Get | Method::Head) => calls::handle_calls(ctx, &request).await,
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
