//! Where call events go and how they may misbehave: the target URL and
//! secret, the signature, the delivery faults tests ask for (late, twice,
//! out of order, dropped, badly signed) and the journal of deliveries.
//! Sending itself is in `delivery.rs`; this module only decides.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::task::JoinHandle;

use crate::events::{Event, EventType};

/// How long a `late` event waits when the fault names no delay.
pub const DEFAULT_LATE_MS: u64 = 2_000;

/// What goes wrong with events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    /// Each event is sent `delay_ms` later.
    Late,
    /// Each event is sent two times (the same bytes).
    Twice,
    /// A call's events are held, then sent newest first once its
    /// end-of-call-report is due.
    OutOfOrder,
    /// Not sent at all.
    Drop,
    /// Sent with a signature that does not match.
    BadSignature,
}

impl FaultMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Late => "late",
            Self::Twice => "twice",
            Self::OutOfOrder => "out_of_order",
            Self::Drop => "drop",
            Self::BadSignature => "bad_signature",
        }
    }
}

/// `POST /_sandbox/webhook-faults`: a mode for the next `times` events
/// (every event until cleared when absent). A new fault replaces the old.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFault {
    /// What goes wrong.
    pub mode: FaultMode,
    /// How many events it applies to.
    #[serde(default)]
    pub times: Option<u32>,
    /// The delay of `late`, in milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

/// One delivery attempt as `GET /_sandbox/webhooks` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The event type.
    pub event: &'static str,
    /// The call it is about.
    pub call_id: String,
    /// `message.call.status` in the body.
    pub status: Option<String>,
    /// The receiver's HTTP status; null when it could not be reached in
    /// time, or when the event was dropped on purpose.
    pub answered: Option<u16>,
    /// When it was sent (or dropped), Unix ms.
    pub at_ms: i64,
    /// Whether it carried a correct signature (false without a secret).
    pub signed_ok: bool,
    /// The fault applied to it, if any.
    pub fault: Option<&'static str>,
}

/// One send to make.
#[derive(Debug, Clone)]
pub struct Send {
    /// The event.
    pub event: Event,
    /// Where to.
    pub url: String,
    /// The secret to sign with, if any.
    pub secret: Option<String>,
    /// Not before this instant (Unix ms).
    pub due_ms: i64,
    /// Whether to spoil the signature.
    pub bad_signature: bool,
    /// The fault applied, for the journal.
    pub fault: Option<&'static str>,
}

/// Where events go, what goes wrong with them, and what was delivered.
#[derive(Debug, Default)]
pub struct Webhooks {
    url: Option<String>,
    secret: Option<String>,
    fault: Option<WebhookFault>,
    deliveries: Vec<Delivery>,
    /// Events held by `out_of_order`, per call, oldest first.
    held: HashMap<String, Vec<(Event, Option<&'static str>)>>,
    /// Per call, the task sending its latest events: the next send waits
    /// for it, so one call's events arrive in the order they were sent.
    chains: HashMap<String, JoinHandle<()>>,
    /// Bumped by a reset or a stop: sends of an older generation are
    /// abandoned and not journaled.
    generation: u64,
}

impl Webhooks {
    /// Events to `url`, signed with `secret`.
    pub fn new(url: Option<String>, secret: Option<String>) -> Self {
        Self {
            url,
            secret,
            ..Self::default()
        }
    }

    /// The target URL, if any.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Whether events are signed.
    pub fn signed(&self) -> bool {
        self.secret.is_some()
    }

    /// Changes the target URL (`None` turns events off).
    pub fn set_url(&mut self, url: Option<String>) {
        self.url = url;
    }

    /// Changes the secret (`None` sends unsigned events).
    pub fn set_secret(&mut self, secret: Option<String>) {
        self.secret = secret;
    }

    /// Puts a fault in force, replacing any other.
    pub fn set_fault(&mut self, fault: WebhookFault) {
        self.fault = Some(fault);
    }

    /// No more faults.
    pub fn clear_fault(&mut self) {
        self.fault = None;
    }

    /// The deliveries so far, in the order they completed.
    pub fn deliveries(&self) -> &[Delivery] {
        &self.deliveries
    }

    /// Forgets deliveries, faults and held events and abandons pending
    /// sends; the target and secret stay.
    pub fn reset(&mut self) {
        *self = Self::new(self.url.take(), self.secret.take()).with_generation(self.generation + 1);
    }

    /// Abandons pending sends (the sandbox is stopping).
    pub fn abandon(&mut self) {
        self.generation += 1;
        self.chains.clear();
    }

    fn with_generation(mut self, generation: u64) -> Self {
        self.generation = generation;
        self
    }

    /// The current generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Journals a finished delivery, unless it belongs to an older
    /// generation.
    pub fn record(&mut self, generation: u64, delivery: Delivery) {
        if generation == self.generation {
            self.deliveries.push(delivery);
        }
    }

    /// Swaps in the task now sending `call_id`'s events, handing back the
    /// one the new task must wait for.
    pub fn chain(&mut self, call_id: &str, task: JoinHandle<()>) -> Option<JoinHandle<()>> {
        self.chains.insert(call_id.to_owned(), task)
    }

    /// Decides what becomes of new events at `now_ms`: the sends to make,
    /// in order. Without a target the events are discarded unseen; dropped
    /// ones are journaled at once.
    pub fn plan(&mut self, events: Vec<Event>, now_ms: i64) -> Vec<Send> {
        let mut sends = Vec::new();
        let Some(url) = self.url.clone() else {
            self.held.clear();
            return sends;
        };
        let secret = self.secret.clone();
        let send = |event: Event, due_ms: i64, fault: Option<&'static str>, bad: bool| Send {
            event,
            url: url.clone(),
            secret: secret.clone(),
            due_ms,
            bad_signature: bad,
            fault,
        };
        for event in events {
            let is_report = event.kind == EventType::EndOfCallReport;
            let call_id = event.call_id.clone();
            match self.take_fault() {
                Some((FaultMode::Drop, _)) => self.deliveries.push(Delivery {
                    event: event.kind.as_str(),
                    call_id: event.call_id.clone(),
                    status: Some(event.status.clone()),
                    answered: None,
                    at_ms: now_ms,
                    signed_ok: false,
                    fault: Some(FaultMode::Drop.as_str()),
                }),
                Some((FaultMode::Late, delay)) => {
                    let due = now_ms.saturating_add(i64::try_from(delay).unwrap_or(i64::MAX));
                    sends.push(send(event, due, Some("late"), false));
                }
                Some((FaultMode::Twice, _)) => {
                    sends.push(send(event.clone(), now_ms, Some("twice"), false));
                    sends.push(send(event, now_ms, Some("twice"), false));
                }
                Some((FaultMode::BadSignature, _)) => {
                    sends.push(send(event, now_ms, Some("bad_signature"), true));
                }
                Some((FaultMode::OutOfOrder, _)) => {
                    self.held
                        .entry(call_id.clone())
                        .or_default()
                        .push((event, Some("out_of_order")));
                }
                // Once a call's events are held, the rest join them, so the
                // whole call comes out reversed.
                None if self.held.contains_key(&call_id) => {
                    self.held
                        .entry(call_id.clone())
                        .or_default()
                        .push((event, None));
                }
                None => sends.push(send(event, now_ms, None, false)),
            }
            if is_report && let Some(held) = self.held.remove(&call_id) {
                for (event, fault) in held.into_iter().rev() {
                    sends.push(send(event, now_ms, fault, false));
                }
            }
        }
        sends
    }

    /// The fault for one event, using up one of its `times`.
    fn take_fault(&mut self) -> Option<(FaultMode, u64)> {
        let fault = self.fault.as_mut()?;
        let taken = (fault.mode, fault.delay_ms.unwrap_or(DEFAULT_LATE_MS));
        match &mut fault.times {
            Some(0 | 1) => self.fault = None,
            Some(n) => *n -= 1,
            None => {}
        }
        Some(taken)
    }
}

/// `X-Webhook-Signature`: `sha256=` and the lowercase hex HMAC-SHA256,
/// keyed with `secret`, of `<timestamp>.<raw body>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// A signature that is always wrong: the right one with its last hex
/// digit changed, so it differs however the receiver compares.
pub fn spoiled(signature: &str) -> String {
    let mut text = signature.to_owned();
    let last = text.pop().unwrap_or('0');
    text.push(if last == '0' { '1' } else { '0' });
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventType, status: &str) -> Event {
        Event {
            kind,
            call_id: "call-1".into(),
            status: status.into(),
            at_ms: 0,
            body: status.as_bytes().to_vec(),
        }
    }

    fn lifecycle() -> Vec<Event> {
        vec![
            event(EventType::StatusUpdate, "in-progress"),
            event(EventType::StatusUpdate, "ended"),
            event(EventType::EndOfCallReport, "ended"),
        ]
    }

    fn hooks(fault: Option<WebhookFault>) -> Webhooks {
        let mut hooks = Webhooks::new(Some("http://127.0.0.1:9/".into()), Some("s".into()));
        if let Some(fault) = fault {
            hooks.set_fault(fault);
        }
        hooks
    }

    fn fault(mode: FaultMode, times: Option<u32>) -> Option<WebhookFault> {
        Some(WebhookFault {
            mode,
            times,
            delay_ms: None,
        })
    }

    fn bodies(sends: &[Send]) -> Vec<String> {
        sends
            .iter()
            .map(|s| String::from_utf8(s.event.body.clone()).unwrap())
            .collect()
    }

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // RFC 4231's test case 2 with "1." in front, as Python's hmac
        // module computes it.
        let signature = signature("Jefe", 1, b"what do ya want for nothing?");
        assert_eq!(
            signature,
            "sha256=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38"
        );
        assert_ne!(spoiled(&signature), signature);
        assert_eq!(spoiled("sha256=a0"), "sha256=a1");
    }

    #[test]
    fn without_faults_events_go_out_in_order_and_without_a_target_not_at_all() {
        let sends = hooks(None).plan(lifecycle(), 5);
        assert_eq!(bodies(&sends), ["in-progress", "ended", "ended"]);
        assert!(sends.iter().all(|s| s.due_ms == 5 && s.fault.is_none()));
        let mut off = Webhooks::default();
        assert!(off.plan(lifecycle(), 5).is_empty());
        assert!(off.deliveries().is_empty());
    }

    #[test]
    fn each_fault_changes_what_is_sent() {
        let late = hooks(Some(WebhookFault {
            mode: FaultMode::Late,
            times: Some(1),
            delay_ms: Some(300),
        }))
        .plan(lifecycle(), 5);
        let due: Vec<i64> = late.iter().map(|s| s.due_ms).collect();
        assert_eq!(due, [305, 5, 5]);

        let twice = hooks(fault(FaultMode::Twice, None)).plan(lifecycle(), 5);
        assert_eq!(twice.len(), 6);

        let reversed = hooks(fault(FaultMode::OutOfOrder, Some(1))).plan(lifecycle(), 5);
        assert_eq!(bodies(&reversed), ["ended", "ended", "in-progress"]);
        assert_eq!(reversed[0].event.kind, EventType::EndOfCallReport);

        let mut dropping = hooks(fault(FaultMode::Drop, Some(2)));
        let sent = dropping.plan(lifecycle(), 5);
        assert_eq!(bodies(&sent), ["ended"]);
        assert_eq!(dropping.deliveries().len(), 2);

        let bad = hooks(fault(FaultMode::BadSignature, None)).plan(lifecycle(), 5);
        assert!(bad.iter().all(|s| s.bad_signature));
    }

    #[test]
    fn a_reset_keeps_the_target_and_forgets_the_rest() {
        let mut hooks = hooks(fault(FaultMode::Drop, None));
        hooks.plan(lifecycle(), 5);
        let generation = hooks.generation();
        hooks.reset();
        assert!(hooks.deliveries().is_empty());
        assert_eq!(hooks.url(), Some("http://127.0.0.1:9/"));
        assert!(hooks.signed());
        assert_eq!(hooks.plan(lifecycle(), 5).len(), 3);
        hooks.record(
            generation,
            Delivery {
                event: "status-update",
                call_id: "old".into(),
                status: None,
                answered: Some(200),
                at_ms: 0,
                signed_ok: true,
                fault: None,
            },
        );
        assert!(
            hooks.deliveries().is_empty(),
            "an older send is not journaled"
        );
    }
}
