//! `POST /api/platform/events`: the platform's signed call events into the
//! call record (see `crate::events`). Without `PLATFORM_WEBHOOK_SECRET`
//! the route does not exist (404).

use worker::{Request, Response};

use crate::error::EdgeError;
use crate::events::{self, Event, MAX_EVENT_BYTES};

use super::record::{self, Unknown};
use super::{Ctx, body};

/// Checks the signature over the raw body, then records what the event
/// says of a call callme knows. 204 for every signed event, used or not.
pub async fn handle_event(ctx: &mut Ctx, req: Request) -> Result<Response, EdgeError> {
    let Some(secret) = ctx.site.config.upstream.webhook_secret.clone() else {
        return Err(EdgeError::NotFound(crate::error::NO_SUCH_ENDPOINT));
    };
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (timestamp, signature) = (header("X-Webhook-Timestamp"), header("X-Webhook-Signature"));
    let raw = body::read_bounded(&req, MAX_EVENT_BYTES).await?;
    events::verify(
        secret.expose().as_bytes(),
        timestamp.as_deref(),
        signature.as_deref(),
        &raw,
        ctx.now_ms.div_euclid(1_000),
    )
    .map_err(|e| EdgeError::WebhookSignature(e.to_string()))?;
    let event = events::parse(&raw).map_err(|e| EdgeError::BadJson(e.to_string()))?;
    if let Event::Call { id, sighting } = event {
        let db = record::db(&ctx.env)?;
        let known = record::see(&db, &id, &sighting, ctx.now_ms, Unknown::Ignore).await?;
        if known.is_none() {
            ctx.log.detail = Some("event for a call not in the record".into());
        }
    }
    Response::empty()
        .map(|r| r.with_status(204))
        .map_err(|e| EdgeError::Internal(e.to_string()))
}
