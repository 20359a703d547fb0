//! The background work behind call events: a ticker that notices stage
//! changes of outbound calls, and the tasks that post the events.
//!
//! Each delivery gets [`DELIVERY_TIMEOUT`]; a failed one (no answer in
//! time, connection refused) is journaled with `answered: null` and not
//! retried, because the docs do not say the platform retries. Any answer,
//! 2xx or not, counts as delivered and is journaled with its status.

use std::sync::Arc;
use std::time::Duration;

use axum::http::header;
use reqwest::Client;
use tokio::task::JoinHandle;

use crate::webhooks::{Delivery, Send, signature, spoiled};
use crate::{AppState, lock, now_ms};

/// How often calls are looked at.
pub const TICK: Duration = Duration::from_millis(25);
/// How long one delivery may take.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(2);

/// The client events are posted with. Proxies from the environment are
/// ignored: receivers are local test servers.
pub fn client() -> Client {
    Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .no_proxy()
        .build()
        .unwrap_or_default()
}

/// Looks at every outbound call each [`TICK`] until aborted.
pub fn spawn_ticker(state: Arc<AppState>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            tick(&state);
        }
    })
}

/// Produces the events that are due and hands them to their senders.
fn tick(state: &Arc<AppState>) {
    let now = now_ms();
    // The store stays locked until the sends are planned, so a reset in
    // between cannot let an old call's events into the new generation.
    let mut store = lock(&state.store);
    let events = store.due_events(now);
    if events.is_empty() {
        return;
    }
    let mut hooks = lock(&state.webhooks);
    let sends = hooks.plan(events, now);
    drop(store);
    // Grouped by call, first appearance first, order kept within a call.
    let mut groups: Vec<(String, Vec<Send>)> = Vec::new();
    for send in sends {
        match groups.iter_mut().find(|(id, _)| *id == send.event.call_id) {
            Some((_, group)) => group.push(send),
            None => groups.push((send.event.call_id.clone(), vec![send])),
        }
    }
    let generation = hooks.generation();
    for (call_id, group) in groups {
        let state = Arc::clone(state);
        let (start, started) = tokio::sync::oneshot::channel::<Option<JoinHandle<()>>>();
        let task = tokio::spawn(async move {
            // The task before this one for the same call finishes first.
            if let Ok(Some(previous)) = started.await {
                let _ = previous.await;
            }
            for send in group {
                let wait = send.due_ms - now_ms();
                if wait > 0 {
                    tokio::time::sleep(Duration::from_millis(wait.unsigned_abs())).await;
                }
                if lock(&state.webhooks).generation() != generation {
                    return;
                }
                let delivery = post(&state.client, &send).await;
                lock(&state.webhooks).record(generation, delivery);
            }
        });
        let _ = start.send(hooks.chain(&call_id, task));
    }
}

/// Posts one event and says how it went.
async fn post(client: &Client, send: &Send) -> Delivery {
    let timestamp = now_ms().div_euclid(1_000);
    let mut request = client
        .post(&send.url)
        .header(header::CONTENT_TYPE, "application/json")
        .header("X-Webhook-Event", send.event.kind.as_str())
        .header("X-Webhook-Timestamp", timestamp.to_string())
        .body(send.event.body.clone());
    let mut signed_ok = false;
    if send.bad_signature {
        // Without a secret the receiver has nothing to check against, but
        // it still gets a signature that cannot be right.
        let right = signature(
            send.secret.as_deref().unwrap_or(""),
            timestamp,
            &send.event.body,
        );
        request = request.header("X-Webhook-Signature", spoiled(&right));
    } else if let Some(secret) = &send.secret {
        request = request.header(
            "X-Webhook-Signature",
            signature(secret, timestamp, &send.event.body),
        );
        signed_ok = true;
    }
    let at_ms = now_ms();
    let answered = request.send().await.ok().map(|r| r.status().as_u16());
    Delivery {
        event: send.event.kind.as_str(),
        call_id: send.event.call_id.clone(),
        status: Some(send.event.status.clone()),
        answered,
        at_ms,
        signed_ok,
        fault: send.fault,
    }
}
