//! Cloudflare Turnstile: verify the widget's token with the secret.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{Headers, Method, Request, RequestInit};

use callme_shared::percent_encode;

use crate::error::EdgeError;

use super::Ctx;
use super::fetch::{Failure, send};

#[derive(Deserialize)]
struct Verdict {
    success: bool,
}

fn failed(message: &str) -> EdgeError {
    EdgeError::Forbidden {
        code: "bot_check_failed",
        message: message.to_owned(),
        field: Some("turnstile_token"),
    }
}

/// Verifies `token` when a Turnstile secret is configured; passes otherwise.
///
/// # Errors
/// 403 `bot_check_failed` when the token is missing or refused, or when
/// the check cannot be reached (failing closed: a bot check that cannot
/// run must not let bots through).
pub async fn verify(ctx: &mut Ctx, token: Option<&str>, ip: &str) -> Result<(), EdgeError> {
    let Some(secret) = ctx.config.turnstile_secret.clone() else {
        return Ok(());
    };
    let token = token.ok_or_else(|| failed("Complete the bot check first."))?;
    let form = format!(
        "secret={}&response={}&remoteip={}",
        percent_encode(secret.expose()),
        percent_encode(token),
        percent_encode(ip)
    );
    let internal = |e: worker::Error| EdgeError::Internal(e.to_string());
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .map_err(internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(JsValue::from_str(&form)));
    let request =
        Request::new_with_init(&ctx.config.turnstile_verify_url, &init).map_err(internal)?;
    match send(request, ctx.config.upstream_timeout_ms).await {
        Ok(raw) => match serde_json::from_str::<Verdict>(&raw.body) {
            Ok(Verdict { success: true }) => Ok(()),
            Ok(_) => Err(failed(
                "The bot check failed. Reload the page and try again.",
            )),
            Err(_) => {
                ctx.log.detail = Some(format!("turnstile answered {} unreadably", raw.status));
                Err(failed("The bot check could not be completed. Try again."))
            }
        },
        Err(Failure::TimedOut | Failure::Unreachable(_)) => {
            ctx.log.detail = Some("turnstile unreachable".into());
            Err(failed("The bot check could not be completed. Try again."))
        }
    }
}
