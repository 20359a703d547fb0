//! Outgoing HTTP with a time limit: the platform and Turnstile.

use callme_shared::ErrorCode;
use wasm_bindgen::JsValue;
use worker::{AbortSignal, Fetch, Headers, Method, Request, RequestInit};

use crate::budget::{Purpose, RateHeaders};
use crate::config::EdgeConfig;
use crate::error::EdgeError;
use crate::guard::{Count, Observe};
use crate::upstream::Raw;

use super::Ctx;

/// Why an outgoing request produced no answer.
pub enum Failure {
    /// No answer within the limit (the request was aborted).
    TimedOut,
    /// The connection failed.
    Unreachable(String),
}

/// Sends `request`, giving up (and aborting it, body included) after
/// `timeout_ms`. The runtime's own `AbortSignal.timeout` keeps the clock, so
/// no timer future races the request in Rust.
pub async fn send(request: Request, timeout_ms: u64) -> Result<Raw, Failure> {
    let signal: AbortSignal = worker::web_sys::AbortSignal::timeout_with_u32(
        u32::try_from(timeout_ms).unwrap_or(u32::MAX),
    )
    .into();
    let work = async {
        let mut response = Fetch::Request(request).send_with_signal(&signal).await?;
        let status = response.status_code();
        let headers = response.headers().clone();
        let rate = RateHeaders::read(status, |name| headers.get(name).ok().flatten());
        let body = response.text().await?;
        Ok::<Raw, worker::Error>(Raw { status, body, rate })
    };
    match work.await {
        Ok(raw) => Ok(raw),
        Err(_) if signal.aborted() => Err(Failure::TimedOut),
        Err(error) => Err(Failure::Unreachable(error.to_string())),
    }
}

/// Calls the platform with the key, counting the call in the log line.
/// The caller has spent the budget for it (`spend`, or the callback's
/// admission); what the platform says of the budget goes back to the Guard
/// after the answer, off the visitor's path.
pub async fn upstream(
    ctx: &mut Ctx,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<Raw, EdgeError> {
    ctx.log.upstream_calls += 1;
    let result = to_platform(&ctx.site.config, method, path, body).await;
    if let Ok(raw) = &result {
        ctx.log.upstream_status = Some(raw.status);
        if raw.status == 402 {
            ctx.log.detail = Some("credits: the platform has no credits left (402)".into());
        }
        let budget = ctx.site.config.upstream.budget;
        if raw.rate.worth_telling(&budget)
            && let Some(used) = budget.used_by_platform(&raw.rate)
        {
            let observe = Observe {
                check: budget.check(Purpose::Place),
                used,
                now_ms: super::now(),
            };
            let env = ctx.env.clone();
            ctx.background(async move {
                if let Err(error) = super::object::ask_env(&env, observe).await {
                    worker::console_error!("budget not told to the guard: {error}");
                }
            });
        }
    }
    result
}

/// Spends one request of the platform budget for reading.
///
/// # Errors
/// 503 `busy` when the budget (less its reserve for placing calls) is
/// spent: the caller answers from the record instead, or refuses.
pub async fn spend(ctx: &mut Ctx) -> Result<(), EdgeError> {
    let count = Count {
        checks: vec![ctx.site.config.upstream.budget.check(Purpose::Read)],
        now_ms: super::now(),
    };
    super::guard_object::ask(ctx, count)
        .await?
        .map_err(|limited| EdgeError::Busy {
            retry_after_s: limited.retry_after_s,
        })
}

thread_local! {
    /// Whether the platform's last word to this isolate was 402.
    static OUT_OF_CREDITS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this isolate last heard 402 (no credits) from the platform.
pub fn out_of_credits() -> bool {
    OUT_OF_CREDITS.with(std::cell::Cell::get)
}

fn method_was_outbound(path: &str) -> bool {
    path == "/calls/outbound"
}

/// Calls the platform with the key (also from the Scheduler's alarm,
/// which has no request to log).
pub async fn to_platform(
    config: &EdgeConfig,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<Raw, EdgeError> {
    let request = platform_request(config, method, path, body)?;
    let result = match send(request, config.upstream.timeout_ms).await {
        Ok(raw) => Ok(raw),
        Err(Failure::TimedOut) => Err(EdgeError::UpstreamTimeout),
        Err(Failure::Unreachable(detail)) => Err(EdgeError::Upstream {
            code: ErrorCode::UpstreamUnreachable,
            status: None,
            detail,
        }),
    };
    if let Ok(raw) = &result {
        // What `/api/health` says of the account: its last word here.
        match raw.status {
            402 => OUT_OF_CREDITS.with(|out| out.set(true)),
            200..=299 if method_was_outbound(path) => OUT_OF_CREDITS.with(|out| out.set(false)),
            _ => {}
        }
    }
    result
}

fn platform_request(
    config: &EdgeConfig,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<Request, EdgeError> {
    let credential = if config.upstream.auth_scheme.is_empty() {
        config.upstream.api_key.expose().to_owned()
    } else {
        format!(
            "{} {}",
            config.upstream.auth_scheme,
            config.upstream.api_key.expose()
        )
    };
    let mut headers = vec![
        (config.upstream.auth_header.as_str(), credential.as_str()),
        ("Accept", "application/json"),
    ];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    let url = format!("{}{path}", config.upstream.url);
    build(method, &url, &headers, body).map_err(|e| EdgeError::Internal(e.to_string()))
}

/// The one place the glue builds an outgoing request (the platform,
/// Turnstile, the Guard).
///
/// # Errors
/// When a header or the URL is not acceptable to the runtime.
pub fn build(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<Request, worker::Error> {
    let map = Headers::new();
    for (name, value) in headers {
        map.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(map);
    if let Some(body) = body {
        init.with_body(Some(JsValue::from_str(&body)));
    }
    Request::new_with_init(url, &init)
}
