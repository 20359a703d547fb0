//! The worker's side of the Durable Object protocol (`crate::object`): one
//! round trip per command, the JSON command and answer in headers
//! (base64url), so neither side reads a body stream, which is most of a
//! round trip's cost here. Each object is one instance, named `global`.

use worker::{Env, Headers, Method, Request, Response};

use crate::error::EdgeError;
use crate::object::{Command, Reply, Vocabulary};
use crate::sign::{b64, unb64};

use super::Ctx;

/// The header that carries a command to an object.
const COMMAND_HEADER: &str = "x-object-command";
/// The header that carries the object's answer.
const ANSWER_HEADER: &str = "x-object-answer";

/// Sends one command to its object and reads the answer it gets.
///
/// # Errors
/// [`EdgeError::ObjectUnavailable`] when the object cannot be reached or
/// answers without an answer (its storage failed): the caller fails closed.
pub async fn ask<C: Command>(ctx: &mut Ctx, command: C) -> Result<C::Answer, EdgeError> {
    if <C::Wire as Vocabulary>::BINDING == crate::guard::Request::BINDING {
        ctx.log.guard_calls += 1;
    } else {
        ctx.log.scheduler_calls += 1;
    }
    ask_env(&ctx.env, command).await
}

/// [`ask`] without a request (from an alarm, a cron run, or work the
/// request left behind), so without a log line to count in.
///
/// # Errors
/// As [`ask`].
pub async fn ask_env<C: Command>(env: &Env, command: C) -> Result<C::Answer, EdgeError> {
    let binding = <C::Wire as Vocabulary>::BINDING;
    let wire: C::Wire = command.into();
    let command = serde_json::to_vec(&wire).map_err(|e| EdgeError::Internal(e.to_string()))?;
    let answer = round_trip(env, binding, &command).await?;
    serde_json::from_slice(&answer)
        .map_err(|e| EdgeError::ObjectUnavailable(format!("{binding} answer: {e}")))
}

/// One command's bytes to the object of `binding`. Not generic, so its
/// future is in the worker once.
async fn round_trip(env: &Env, binding: &str, command: &[u8]) -> Result<Vec<u8>, EdgeError> {
    let unavailable = |e: worker::Error| EdgeError::ObjectUnavailable(format!("{binding}: {e}"));
    let stub = env
        .durable_object(binding)
        .and_then(|ns| ns.get_by_name("global"))
        .map_err(|e| EdgeError::Internal(format!("{binding} binding: {e}")))?;
    let request = super::fetch::build(
        Method::Post,
        "https://object.internal/",
        &[(COMMAND_HEADER, &b64(command))],
        None,
    )
    .map_err(unavailable)?;
    let mut response = stub
        .fetch_with_request(request)
        .await
        .map_err(unavailable)?;
    let answer = response.headers().get(ANSWER_HEADER).map_err(unavailable)?;
    match (response.status_code(), answer.as_deref().and_then(unb64)) {
        (200, Some(json)) => Ok(json),
        (status, _) => {
            // The object's own words (a storage error) go to the log only.
            let said = response.text().await.unwrap_or_default();
            Err(EdgeError::ObjectUnavailable(format!(
                "{binding} answered {status}: {}",
                said.chars().take(200).collect::<String>()
            )))
        }
    }
}

/// The object's side: the command in its header.
///
/// # Errors
/// When the header is missing or not a command of this object.
pub fn read_command<V: Vocabulary>(request: &Request) -> worker::Result<V> {
    request
        .headers()
        .get(COMMAND_HEADER)?
        .as_deref()
        .and_then(unb64)
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| worker::Error::RustError(format!("bad command for {}", V::BINDING)))
}

/// The object's side: the answer in its header.
///
/// # Errors
/// When the answer cannot be written.
pub fn answer_response(reply: &Reply) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set(ANSWER_HEADER, &b64(&reply.0))?;
    Ok(Response::empty()?.with_headers(headers))
}
