//! The call events the platform posts to a webhook (`status-update`,
//! `end-of-call-report`), built in the envelope `PLATFORM.md` shows. Each
//! body is written once, so every copy of an event (sent twice, late, out
//! of order) carries the same bytes.

use callme_shared::Call;
use serde_json::{Value, json};

use crate::seed::{ASSISTANT_PHONE, BUSINESS_NAME};
use crate::store::{Outbound, Stage, TRANSFERRED};

/// The agent's opening line when the outbound request gave none.
const DEFAULT_GREETING: &str = "Goedendag, u spreekt met de assistent van Acme Corp. \
U vroeg om teruggebeld te worden?";
/// The callee's answer in every sandbox conversation.
const CALLEE_LINE: &str = "Ja, ik heb een vraag over mijn bestelling.";

/// Which webhook an event is (`X-Webhook-Event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// `status-update`.
    StatusUpdate,
    /// `end-of-call-report`.
    EndOfCallReport,
}

impl EventType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StatusUpdate => "status-update",
            Self::EndOfCallReport => "end-of-call-report",
        }
    }
}

/// One event, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its type.
    pub kind: EventType,
    /// The call it is about (`message.call.id`, the outbound answer's id).
    pub call_id: String,
    /// `message.call.status` in the body.
    pub status: String,
    /// When it happened (Unix ms), `message.timestamp`.
    pub at_ms: i64,
    /// The JSON body as sent.
    pub body: Vec<u8>,
}

/// The `in-progress` status-update of a call answered at `at_ms`.
pub fn answered(call: &Outbound, at_ms: i64) -> Event {
    let message = envelope(EventType::StatusUpdate, call, "in-progress", at_ms);
    finish(EventType::StatusUpdate, call, "in-progress", at_ms, message)
}

/// The final status-update (`ended`, `ended-with-error` with its reason,
/// or `transferred`) and the end-of-call-report after it, which carries
/// the same status.
pub fn ended(call: &Outbound, record: &Call, stage: Stage, at_ms: i64) -> Vec<Event> {
    let status = match stage {
        Stage::Failed => "ended-with-error",
        Stage::Transferred => TRANSFERRED,
        _ => "ended",
    };
    let mut update = envelope(EventType::StatusUpdate, call, status, at_ms);
    let mut report = envelope(EventType::EndOfCallReport, call, status, at_ms);
    if let Some(error) = &record.error {
        update["error"] = json!(error);
        report["error"] = json!(error);
    }
    report["duration_seconds"] = json!(record.duration_seconds.unwrap_or(0));
    // The platform writes a summary from the conversation; an unanswered
    // call had none, so its report says nothing.
    report["summary"] = json!(record.summary.clone().unwrap_or_default());
    report["messages"] = if stage == Stage::Failed {
        json!([])
    } else {
        transcript(call)
    };
    vec![
        finish(EventType::StatusUpdate, call, status, at_ms, update),
        finish(EventType::EndOfCallReport, call, status, at_ms, report),
    ]
}

/// `message` without its extras.
fn envelope(kind: EventType, call: &Outbound, status: &str, at_ms: i64) -> Value {
    json!({
        "type": kind.as_str(),
        "timestamp": callme_shared::Timestamp::from_unix_millis(at_ms).as_str(),
        "call": {
            "id": call.id.as_str(),
            "type": "outbound_phone_call",
            "status": status,
        },
        "phone_number": {
            "number": ASSISTANT_PHONE,
            "name": format!("{BUSINESS_NAME} {}", call.agent_name),
        },
        "customer": { "number": call.destination.as_str() },
    })
}

/// The conversation: the greeting, the callee's answer, then whatever the
/// agent was told to say.
fn transcript(call: &Outbound) -> Value {
    let greeting = call.first_message.as_deref().unwrap_or(DEFAULT_GREETING);
    let mut messages = vec![
        json!({"role": "assistant", "content": greeting}),
        json!({"role": "user", "content": CALLEE_LINE}),
    ];
    messages.extend(
        call.said
            .iter()
            .map(|line| json!({"role": "assistant", "content": line})),
    );
    Value::Array(messages)
}

fn finish(kind: EventType, call: &Outbound, status: &str, at_ms: i64, message: Value) -> Event {
    let body = serde_json::to_vec(&json!({ "message": message })).unwrap_or_default();
    Event {
        kind,
        call_id: call.id.as_str().to_owned(),
        status: status.to_owned(),
        at_ms,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::store::Store;
    use callme_shared::{AgentId, PhoneNumber};

    const NOW: i64 = 1_765_620_000_000;

    fn store() -> Store {
        let args = ["--api-key", "k", "--step-ms", "1000", "--talk-ms", "3000"];
        Store::new(&Config::from_args(args.map(String::from)).unwrap(), NOW)
    }

    fn support() -> AgentId {
        AgentId::parse("0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01").unwrap()
    }

    fn parsed(event: &Event) -> Value {
        serde_json::from_slice(&event.body).unwrap()
    }

    #[test]
    fn a_call_owes_each_event_once_in_lifecycle_order() {
        let mut store = store();
        let phone = PhoneNumber::parse("+31612345678").unwrap();
        let call = store
            .place_with_greeting(phone, &support(), Some("Hallo!".into()), NOW)
            .unwrap();
        assert!(store.due_events(NOW + 1_500).is_empty());
        let answered = store.due_events(NOW + 2_000);
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0].status, "in-progress");
        assert!(store.due_events(NOW + 4_000).is_empty());
        let ended = store.due_events(NOW + 5_000);
        let kinds: Vec<_> = ended.iter().map(|e| (e.kind, e.status.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (EventType::StatusUpdate, "ended"),
                (EventType::EndOfCallReport, "ended")
            ]
        );
        let report = parsed(&ended[1]);
        assert_eq!(report["message"]["call"]["id"], call.id.as_str());
        assert_eq!(report["message"]["duration_seconds"], 3);
        assert_eq!(report["message"]["messages"][0]["content"], "Hallo!");
        assert_eq!(report["message"]["timestamp"], "2025-12-13T10:00:05.000Z");
        assert!(store.due_events(NOW + 60_000).is_empty());
    }

    #[test]
    fn an_unanswered_call_reports_its_error() {
        let mut store = store();
        let phone = PhoneNumber::parse("+31612340000").unwrap();
        store.place(phone, &support(), NOW).unwrap();
        let events = store.due_events(NOW + 2_000);
        assert_eq!(events.len(), 2);
        let update = parsed(&events[0]);
        assert_eq!(update["message"]["call"]["status"], "ended-with-error");
        assert_eq!(update["message"]["error"], "no-answer");
        assert_eq!(parsed(&events[1])["message"]["messages"], json!([]));
    }

    #[test]
    fn a_transfer_is_its_own_final_status() {
        let mut store = store();
        let phone = PhoneNumber::parse("+31612345678").unwrap();
        let call = store.place(phone, &support(), NOW).unwrap();
        store.note_said(call.id.as_str(), "Ik verbind u door.");
        store.end_early(call.id.as_str(), NOW + 2_500, true);
        let events = store.due_events(NOW + 2_600);
        let statuses: Vec<&str> = events.iter().map(|e| e.status.as_str()).collect();
        assert_eq!(statuses, ["in-progress", "transferred", "transferred"]);
        let report = parsed(&events[2]);
        assert_eq!(report["message"]["duration_seconds"], 1);
        assert_eq!(
            report["message"]["messages"][2]["content"],
            "Ik verbind u door."
        );
        let listed = store.get(call.id.as_str(), NOW + 2_600).unwrap();
        assert_eq!(listed.status.as_str(), "transferred");
    }
}
