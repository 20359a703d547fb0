//! The widget reads the edge's JSON without serde (`callme_widget::wire`);
//! the edge writes it with the serde derives of `callme-shared`. These tests
//! give both sides the same JSON in the browser, so a renamed field, a
//! changed optionality or a new required field fails here.
#![cfg(all(target_arch = "wasm32", feature = "button", feature = "history"))]

use callme_shared::{
    AgentAlias, CallCommand, CallId, CallList, CallNote, CallbackAccepted, CallbackRequest,
    CallbackStatus, CountryCode, ErrorBody, ErrorCode, Hours, LiveStatus, Locale, PhoneNumber,
    PublicConfig, SpokenText, Timestamp, VisitorName, VisitorNote,
};
use callme_widget::control::{Command, Scope};
use callme_widget::wire;
use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// What `response.json()` gives the widget for this JSON text.
fn parsed(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

/// `value` as the edge writes it, parsed by the browser.
fn as_edge_writes(value: &impl Serialize) -> JsValue {
    parsed(&serde_json::to_string(value).unwrap())
}

fn timestamp(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn the_config_reads_as_the_edge_writes_it() {
    let mut config = PublicConfig {
        countries: vec![
            CountryCode::parse("NL").unwrap(),
            CountryCode::parse("BE").unwrap(),
        ],
        calling_codes: vec!["31".into(), "32".into()],
        default_country: CountryCode::parse("NL").unwrap(),
        agents: vec![AgentAlias::parse("support").unwrap()],
        turnstile_sitekey: Some("1x00000000000000000000AA".into()),
        consent_required: true,
        locales: vec![Locale::parse("nl").unwrap(), Locale::parse("en").unwrap()],
        hours: Hours {
            time_zone: "Europe/Amsterdam".into(),
            open_now: false,
            next_open: Some("2026-11-25T09:00:00+01:00".into()),
        },
    };
    assert_eq!(
        wire::public_config(as_edge_writes(&config)),
        Some(config.clone())
    );
    config.turnstile_sitekey = None;
    config.consent_required = false;
    config.hours = Hours::default();
    assert_eq!(
        wire::public_config(as_edge_writes(&config)),
        Some(config.clone())
    );
    // An edge without opening hours sends none: always open.
    let mut older = serde_json::to_value(&config).unwrap();
    older.as_object_mut().unwrap().remove("hours");
    let older = js_sys::JSON::parse(&older.to_string()).unwrap();
    assert_eq!(wire::public_config(older), Some(config));
}

#[wasm_bindgen_test]
fn the_callback_answers_read_as_the_edge_writes_them() {
    let accepted = CallbackAccepted {
        call_id: CallId::parse("call-_+31612345678_abc123").unwrap(),
        status: LiveStatus::Dialing,
        ticket: "v1.abc.def".into(),
        at: None,
    };
    assert_eq!(
        wire::callback_accepted(as_edge_writes(&accepted)),
        Some(accepted)
    );
    let booked = CallbackAccepted {
        call_id: CallId::parse("sched-0123456789abcdef0123456789abcdef").unwrap(),
        status: LiveStatus::Scheduled,
        ticket: "v1.abc.def".into(),
        at: Some("2026-11-25T09:15:00+01:00".into()),
    };
    assert_eq!(
        wire::callback_accepted(as_edge_writes(&booked)),
        Some(booked)
    );

    let mut status = CallbackStatus {
        call_id: CallId::parse("call-1").unwrap(),
        status: LiveStatus::Connecting,
        at: None,
        duration_seconds: None,
        started_at: None,
        ended_at: None,
        error: None,
    };
    for live in LiveStatus::ALL {
        status.status = live;
        assert_eq!(
            wire::callback_status(as_edge_writes(&status)),
            Some(status.clone())
        );
    }
    status.duration_seconds = Some(84);
    status.started_at = Some(timestamp("2025-12-13T10:00:00.000Z"));
    status.ended_at = Some(timestamp("2025-12-13T10:01:24.000Z"));
    status.error = Some("no answer".into());
    status.at = Some("2026-11-25T09:15:00+01:00".into());
    assert_eq!(wire::callback_status(as_edge_writes(&status)), Some(status));
}

#[wasm_bindgen_test]
fn error_bodies_read_with_and_without_a_field() {
    let mut body = ErrorBody::new(ErrorCode::InvalidPhone, "The phone number is not valid.");
    assert_eq!(wire::error_body(as_edge_writes(&body)), Some(body.clone()));
    body.error.field = Some("phone".into());
    assert_eq!(wire::error_body(as_edge_writes(&body)), Some(body));
}

#[wasm_bindgen_test]
fn a_history_page_reads_as_the_edge_writes_it() {
    // The platform's documented example (with the SDK's `agent_id`), and
    // a second, sparse call.
    let json = r#"{
      "calls": [
        { "id": "call-_+31612345678_abc123", "caller_phone": "+31612345678",
          "assistant_phone": "+31850835037", "status": "ended", "error": null,
          "started_at": "2025-12-13T10:00:00.000Z", "ended_at": "2025-12-13T10:01:24.000Z",
          "duration_seconds": 84, "summary": "Klant vroeg naar openingstijden.",
          "agent_name": "Customer Support", "business_name": "Acme Corp",
          "agent_id": "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01",
          "created_at": "2025-12-13T09:59:55.000Z", "updated_at": "2025-12-13T10:01:24.000Z" },
        { "id": "call-2", "caller_phone": "+3225551234", "status": "voicemail",
          "created_at": "2025-12-12T09:00:00.000Z", "updated_at": "2025-12-12T09:00:00.000Z" }
      ],
      "pagination": { "total": 2, "limit": 20, "offset": 0 }
    }"#;
    let expected: CallList = serde_json::from_str(json).unwrap();
    assert_eq!(wire::call_list(parsed(json)), Some(expected.clone()));
    assert_eq!(wire::call_list(as_edge_writes(&expected)), Some(expected));
}

#[wasm_bindgen_test]
fn the_request_body_is_what_the_edge_reads() {
    let mut request = CallbackRequest {
        phone: PhoneNumber::parse("+31612345678").unwrap(),
        consent: true,
        agent: None,
        name: None,
        note: None,
        locale: None,
        turnstile_token: None,
        at: None,
    };
    let read = |request: &CallbackRequest| -> CallbackRequest {
        serde_json::from_str(&wire::callback_request(request).unwrap()).unwrap()
    };
    assert_eq!(read(&request), request);
    request.agent = Some(AgentAlias::parse("sales").unwrap());
    request.name = Some(VisitorName::parse("Ada \"<b>\"").unwrap());
    request.note = Some(VisitorNote::parse("Line one\nline two ✓").unwrap());
    request.locale = Some(Locale::parse("nl").unwrap());
    request.turnstile_token = Some("XXXX.DUMMY.TOKEN".into());
    request.at = Some(timestamp("2026-11-25T08:15:00.000Z"));
    assert_eq!(read(&request), request);
}

#[wasm_bindgen_test]
fn answers_that_break_the_contract_are_unreadable() {
    let accepted = r#"{"call_id":"call-1","status":"dialing","ticket":"t"}"#;
    assert!(wire::callback_accepted(parsed(accepted)).is_some());
    for broken in [
        r#"{"call_id":"call-1","status":"dialing"}"#,
        r#"{"call_id":"call-1","status":"queued","ticket":"t"}"#,
        r#"{"call_id":7,"status":"dialing","ticket":"t"}"#,
        r#"[{"call_id":"call-1","status":"dialing","ticket":"t"}]"#,
        "null",
        r#""call-1""#,
    ] {
        assert_eq!(wire::callback_accepted(parsed(broken)), None, "{broken}");
    }
    let status = |duration: &str| {
        wire::callback_status(parsed(&format!(
            r#"{{"call_id":"call-1","status":"ended","duration_seconds":{duration}}}"#
        )))
    };
    assert_eq!(status("84").unwrap().duration_seconds, Some(84));
    assert_eq!(status("null").unwrap().duration_seconds, None);
    for bad in ["-1", "1.5", "4294967296", "\"84\""] {
        assert_eq!(status(bad), None, "duration {bad}");
    }
    assert_eq!(wire::error_body(parsed(r#"{"error":"nope"}"#)), None);
    assert_eq!(
        wire::public_config(parsed(r#"{"countries":["NL"],"default_country":"NL"}"#)),
        None
    );
}

#[wasm_bindgen_test]
fn the_commands_of_a_call_read_as_the_edge_writes_them() {
    let json = r#"{
      "calls": [
        { "id": "call-_+31612345678_abc123", "caller_phone": "+31612345678", "status": "in-progress",
          "created_at": "2025-12-13T09:59:55.000Z", "updated_at": "2025-12-13T10:00:00.000Z",
          "commands": [
            { "type": "note", "at": "2025-12-13T10:00:30.000Z", "by": "visitor" },
            { "type": "transfer", "at": "2025-12-13T10:01:00.000Z", "by": "op-ada", "to": "sales" }
          ] },
        { "id": "call-2", "caller_phone": "+3225551234", "status": "ended",
          "created_at": "2025-12-12T09:00:00.000Z", "updated_at": "2025-12-12T09:00:00.000Z",
          "commands": null }
      ],
      "pagination": { "total": 2, "limit": 20, "offset": 0 }
    }"#;
    let list = wire::call_list(parsed(json)).unwrap();
    assert_eq!(
        list.calls[0].commands,
        [
            CallCommand {
                kind: "note".into(),
                at: timestamp("2025-12-13T10:00:30.000Z"),
                by: "visitor".into(),
                to: None,
            },
            CallCommand {
                kind: "transfer".into(),
                at: timestamp("2025-12-13T10:01:00.000Z"),
                by: "op-ada".into(),
                to: Some("sales".into()),
            },
        ]
    );
    // `null` reads as none (serde would refuse it; the edge never writes it).
    assert!(list.calls[1].commands.is_empty());
    // As the edge writes them (no `commands` when there are none).
    assert_eq!(wire::call_list(as_edge_writes(&list)), Some(list.clone()));
    // A command that breaks the contract makes the page unreadable.
    for broken in [
        r#"[{"type":"note","by":"visitor"}]"#,
        r#"[{"type":"note","at":"soon","by":"visitor"}]"#,
        r#"[{"type":"transfer","at":"2025-12-13T10:01:00.000Z","by":"op","to":7}]"#,
        r#"{"type":"note"}"#,
    ] {
        let page = json.replacen(
            r#""commands": null"#,
            &format!(r#""commands": {broken}"#),
            1,
        );
        assert_eq!(wire::call_list(parsed(&page)), None, "{broken}");
    }
}

#[wasm_bindgen_test]
fn the_note_and_the_control_bodies_are_what_the_edge_reads() {
    let body = |text: Option<String>| -> serde_json::Value {
        serde_json::from_str(&text.unwrap()).unwrap()
    };
    let note = CallNote::parse(" Order \"ORD-2231\"\nada@example.com ").unwrap();
    assert_eq!(
        body(wire::note_request(&note, "nl")),
        serde_json::json!({ "text": "Order \"ORD-2231\"\nada@example.com", "locale": "nl" })
    );
    assert_eq!(
        body(wire::control_request(&Command::EndCall)),
        serde_json::json!({ "type": "end-call" })
    );
    let sales = AgentAlias::parse("sales").unwrap();
    assert_eq!(
        body(wire::control_request(&Command::Transfer(sales))),
        serde_json::json!({ "type": "transfer", "to": "sales" })
    );
    let words = SpokenText::parse("One moment, \"please\".").unwrap();
    assert_eq!(
        body(wire::control_request(&Command::Say(words))),
        serde_json::json!({ "type": "say", "content": "One moment, \"please\"." })
    );
}

#[wasm_bindgen_test]
fn a_tokens_scope_is_read_as_a_string_an_array_or_nothing() {
    let scope = |claims: &str| wire::token_scope(parsed(claims));
    assert_eq!(
        scope(r#"{"scope":"calls:read calls:control","sub":"op"}"#),
        Scope::Text("calls:read calls:control".into())
    );
    assert_eq!(
        scope(r#"{"scope":["calls:read","calls:control"]}"#),
        Scope::List(vec!["calls:read".into(), "calls:control".into()])
    );
    for none in [
        r#"{"scope":7}"#,
        r#"{"scope":["calls:control",7]}"#,
        r#"{"sub":"op"}"#,
        r#""calls:control""#,
        "null",
    ] {
        assert_eq!(scope(none), Scope::None, "{none}");
    }
    assert!(scope(r#"{"scope":["calls:control"]}"#).grants_control());
}
