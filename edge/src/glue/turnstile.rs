//! Cloudflare Turnstile: verify the widget's token with the secret.

use serde::Deserialize;
use url::form_urlencoded;
use worker::Method;

use callme_shared::ErrorCode;

use crate::admit::BotCheck;
use crate::error::EdgeError;

use super::Ctx;
use super::fetch::{Failure, build, send};

#[derive(Deserialize)]
struct Verdict {
    success: bool,
    /// The hostname of the page the challenge was solved on.
    #[serde(default)]
    hostname: Option<String>,
    /// The action the widget rendered the challenge with.
    #[serde(default)]
    action: Option<String>,
}

/// The action the widget renders the challenge with.
pub const ACTION: &str = "callback";

/// Cloudflare's documented dummy secrets (always pass, always fail, token
/// already spent): their tokens carry no hostname or action to check.
fn is_dummy_secret(secret: &str) -> bool {
    matches!(
        secret,
        "1x0000000000000000000000000000000AA"
            | "2x0000000000000000000000000000000AA"
            | "3x0000000000000000000000000000000AA"
    )
}

/// Whether a passed verdict fits this request: solved on the page that
/// is asking (an allowed origin's host) and for the callback action, so a
/// token solved on another site with the same key, or for another form,
/// is worth nothing here.
fn fits(verdict: &Verdict, origin: Option<&str>, dummy: bool) -> bool {
    if dummy {
        return true;
    }
    let host = origin
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.split(':').next().unwrap_or(rest));
    verdict.hostname.as_deref().is_some_and(|h| Some(h) == host)
        && verdict.action.as_deref() == Some(ACTION)
}

fn failed(message: &str) -> EdgeError {
    EdgeError::Forbidden {
        code: ErrorCode::BotCheckFailed,
        message: message.to_owned(),
        field: Some("turnstile_token"),
    }
}

/// Verifies the plan's bot check (Turnstile is on when there is one).
/// A passed token must also have been solved on the asking page's host
/// (`origin`) and for the callback action.
///
/// # Errors
/// 403 `bot_check_failed` when the token is missing or refused, or when
/// the check cannot be reached (failing closed: a bot check that cannot
/// run must not let bots through).
pub async fn verify(
    ctx: &mut Ctx,
    check: &BotCheck,
    origin: Option<&str>,
) -> Result<(), EdgeError> {
    let Some(secret) = ctx.site.config.bot_check.secret.clone() else {
        return Ok(());
    };
    let token = check
        .token
        .as_deref()
        .ok_or_else(|| failed("Complete the bot check first."))?;
    let ip = check.ip.as_str();
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("secret", secret.expose())
        .append_pair("response", token)
        .append_pair("remoteip", ip)
        .finish();
    let request = build(
        Method::Post,
        &ctx.site.config.bot_check.verify_url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(form),
    )
    .map_err(|e| EdgeError::Internal(e.to_string()))?;
    match send(request, ctx.site.config.upstream.timeout_ms).await {
        Ok(raw) => match serde_json::from_str::<Verdict>(&raw.body) {
            Ok(verdict) if verdict.success => {
                if fits(&verdict, origin, is_dummy_secret(secret.expose())) {
                    Ok(())
                } else {
                    ctx.log.detail = Some(format!(
                        "turnstile token for hostname {:?} action {:?}",
                        verdict.hostname, verdict.action
                    ));
                    Err(failed(
                        "The bot check failed. Reload the page and try again.",
                    ))
                }
            }
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
