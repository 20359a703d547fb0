//! The sandbox over real HTTP against `PLATFORM.md`: the key's budget and
//! its headers, `GET /calls/{id}`, 402 without credits, the documented
//! error body, and live call control with its per-call limit.

use std::time::{Duration, Instant};

use callme_sandbox::{Config, Running, start};
use callme_shared::percent_encode;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

const KEY: &str = "test-key-123";
const SUPPORT: &str = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01";
const HOUR_MS: u64 = 3_600_000;

async fn sandbox(extra: &[&str]) -> Running {
    let mut args = vec![
        "--api-key",
        KEY,
        "--anchor",
        "2025-12-13T10:00:00.000Z",
        "--step-ms",
        "40",
    ];
    args.extend_from_slice(extra);
    let config = Config::from_args(args.into_iter().map(String::from)).unwrap();
    start(config).await.unwrap()
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn json_of(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(base: &str, path: &str) -> (StatusCode, Value) {
    json_of(client().get(format!("{base}{path}")).bearer_auth(KEY)).await
}

async fn post(base: &str, path: &str, body: Value) -> (StatusCode, Value) {
    json_of(
        client()
            .post(format!("{base}{path}"))
            .bearer_auth(KEY)
            .json(&body),
    )
    .await
}

/// A hook: no key.
async fn hook(base: &str, path: &str, body: Value) -> (StatusCode, Value) {
    json_of(client().post(format!("{base}/_sandbox{path}")).json(&body)).await
}

async fn hook_get(base: &str, path: &str) -> Value {
    json_of(client().get(format!("{base}/_sandbox{path}")))
        .await
        .1
}

async fn place(base: &str, destination: &str) -> String {
    let (status, body) = post(
        base,
        "/calls/outbound",
        json!({"destination": destination, "agent_id": SUPPORT}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["call_id"].as_str().unwrap().to_owned()
}

/// Polls `GET /calls/{id}` until its status is `status`.
async fn wait_for_status(base: &str, id: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, call) = get(base, &format!("/calls/{}", percent_encode(id))).await;
        if call["status"] == status {
            return call;
        }
        assert!(Instant::now() < deadline, "{id} never {status}: {call}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn header_number(response: &Response, name: &str) -> i64 {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn unix_seconds() -> i64 {
    callme_sandbox::now_ms() / 1_000
}

/// The budget counts in windows aligned to the clock: a test that must
/// stay within one waits until the current one has time left.
async fn away_from_a_window_edge(window_ms: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while u64::try_from(callme_sandbox::now_ms()).unwrap() % window_ms > window_ms - 3_000 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assert_error_body(body: &Value, code: &str, kind: &str) {
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert_eq!(error["type"], kind, "{body}");
    assert!(error["message"].is_string(), "{body}");
    assert!(error.get("param").is_some(), "{body}");
}

#[tokio::test]
async fn every_platform_answer_carries_the_budget_headers_and_hooks_none() {
    let running = sandbox(&["--rate-limit", "100/1h"]).await;
    let base = running.url();
    away_from_a_window_edge(HOUR_MS).await;
    let id = place(&base, "+31612345678").await;
    let requests = [
        client().get(format!("{base}/calls?limit=1")),
        client().get(format!("{base}/calls/{id}")),
        client().get(format!("{base}/calls/nope")),
        client()
            .post(format!("{base}/calls/{id}/control"))
            .body("{}"),
        client().get(format!("{base}/elsewhere")),
    ];
    let mut remaining = Vec::new();
    for request in requests {
        let response = request.bearer_auth(KEY).send().await.unwrap();
        assert_eq!(header_number(&response, "x-ratelimit-limit"), 100);
        let reset = header_number(&response, "x-ratelimit-reset");
        assert_eq!(reset % 3_600, 0, "the window ends on the hour");
        assert!(reset > unix_seconds() && reset <= unix_seconds() + 3_600);
        remaining.push(header_number(&response, "x-ratelimit-remaining"));
    }
    // The outbound call used the first of the hundred.
    assert_eq!(remaining, [98, 97, 96, 95, 94]);
    for path in ["/_sandbox/health", "/_sandbox/budget", "/_sandbox/requests"] {
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        assert!(
            response.headers().get("x-ratelimit-limit").is_none(),
            "{path}"
        );
    }
    assert_eq!(hook_get(&base, "/budget").await["used"], 6);
}

#[tokio::test]
async fn past_its_limit_the_key_gets_429_and_the_request_does_nothing() {
    let running = sandbox(&["--rate-limit", "3/1h"]).await;
    let base = running.url();
    away_from_a_window_edge(HOUR_MS).await;
    for _ in 0..3 {
        assert_eq!(get(&base, "/calls?limit=1").await.0, StatusCode::OK);
    }
    let refused = client()
        .post(format!("{base}/calls/outbound"))
        .bearer_auth(KEY)
        .json(&json!({"destination": "+31612345678", "agent_id": SUPPORT}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = header_number(&refused, "retry-after");
    assert!((1..=3_600).contains(&retry_after), "{retry_after}");
    let reset = header_number(&refused, "x-ratelimit-reset");
    assert!((reset - unix_seconds() - retry_after).abs() <= 1);
    assert_eq!(header_number(&refused, "x-ratelimit-remaining"), 0);
    let body: Value = refused.json().await.unwrap();
    assert_error_body(&body, "rate_limit_exceeded", "rate_limit_error");

    // Journaled like any request, counted as a refusal, and nothing placed.
    let journal = hook_get(&base, "/requests?path=/calls/outbound").await;
    assert_eq!(journal["count"], 1);
    let budget = hook_get(&base, "/budget").await;
    assert_eq!(
        budget,
        json!({"limit": 3, "window_ms": HOUR_MS, "used": 3, "refused": 1})
    );
    hook(&base, "/budget", json!({"limit": 100})).await;
    let (_, list) = get(&base, "/calls?limit=1").await;
    assert_eq!(list["pagination"]["total"], 160);
}

#[tokio::test]
async fn a_wrong_key_and_an_injected_fault_are_not_counted() {
    let running = sandbox(&["--rate-limit", "1/1h"]).await;
    let base = running.url();
    away_from_a_window_edge(HOUR_MS).await;
    for _ in 0..3 {
        let wrong = client()
            .get(format!("{base}/calls"))
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(wrong.headers().get("x-ratelimit-remaining").is_none());
        let body: Value = wrong.json().await.unwrap();
        assert_error_body(&body, "unauthorized", "authentication_error");
    }
    let faulted = client()
        .get(format!("{base}/calls"))
        .bearer_auth(KEY)
        .header("x-sandbox-fault", "status=503")
        .send()
        .await
        .unwrap();
    assert_eq!(faulted.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(hook_get(&base, "/budget").await["used"], 0);
    assert_eq!(get(&base, "/calls?limit=1").await.0, StatusCode::OK);
    assert_eq!(
        get(&base, "/calls?limit=1").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let journal = hook_get(&base, "/requests?path=/calls").await;
    assert_eq!(journal["count"], 6, "every request is journaled");
}

#[tokio::test]
async fn the_budget_hook_sets_a_fresh_budget_and_reset_clears_only_the_count() {
    let running = sandbox(&[]).await;
    let base = running.url();
    assert_eq!(
        hook_get(&base, "/budget").await,
        json!({"limit": 100, "window_ms": 60_000, "used": 0, "refused": 0})
    );
    away_from_a_window_edge(HOUR_MS).await;
    let (status, set) = hook(&base, "/budget", json!({"limit": 2, "window_ms": HOUR_MS})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(set["used"], 0);
    for expected in [
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        assert_eq!(get(&base, "/calls?limit=1").await.0, expected);
    }
    assert_eq!(
        hook_get(&base, "/budget").await,
        json!({"limit": 2, "window_ms": HOUR_MS, "used": 2, "refused": 1})
    );
    client()
        .post(format!("{base}/_sandbox/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        hook_get(&base, "/budget").await,
        json!({"limit": 2, "window_ms": HOUR_MS, "used": 0, "refused": 0})
    );
    for bad in [
        json!({"limit": -1}),
        json!({"window_ms": 0}),
        json!({"limit": "x"}),
    ] {
        assert_eq!(
            hook(&base, "/budget", bad.clone()).await.0,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn one_call_is_served_by_its_id_in_the_shape_of_the_list() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    let (status, one) = get(&base, &format!("/calls/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = get(&base, "/calls?limit=1").await;
    assert_eq!(list["calls"][0]["id"], id.as_str());
    assert_eq!(
        one.as_object().unwrap().keys().collect::<Vec<_>>(),
        list["calls"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    wait_for_status(&base, &id, "ended").await;

    // A demo id holds `+` and `_`: encoded or raw, it is the same call.
    let (_, page) = get(&base, "/calls?limit=3&offset=1").await;
    let demo = &page["calls"][2];
    let demo_id = demo["id"].as_str().unwrap();
    assert!(demo_id.contains('+') && demo_id.contains('_'));
    assert_eq!(
        get(&base, &format!("/calls/{}", percent_encode(demo_id)))
            .await
            .1,
        *demo
    );
    assert_eq!(get(&base, &format!("/calls/{demo_id}")).await.1, *demo);

    let (status, body) = get(&base, "/calls/outbound").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error_body(&body, "method_not_allowed", "invalid_request_error");
    for unknown in ["/calls/call-nope", "/calls/%FF%FE"] {
        let (status, body) = get(&base, unknown).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
        assert_error_body(&body, "not_found", "invalid_request_error");
        assert_eq!(body["error"]["param"], Value::Null);
    }
}

#[tokio::test]
async fn without_credits_an_outbound_call_is_402_and_places_nothing() {
    let running = sandbox(&["--no-credits"]).await;
    let base = running.url();
    let call = json!({"destination": "+31612345678", "agent_id": SUPPORT});
    let (status, body) = post(&base, "/calls/outbound", call.clone()).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(
        body,
        json!({"error": {"code": "insufficient_credits", "message": "Insufficient credits",
            "param": null, "type": "billing_error"}})
    );
    // A bad request is still told what is wrong with it.
    let (status, _) = post(&base, "/calls/outbound", json!({"agent_id": SUPPORT})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&base, "/calls?limit=1").await.1["pagination"]["total"],
        160
    );

    assert_eq!(
        hook(&base, "/credits", json!({"credits": true})).await.1,
        json!({"credits": true})
    );
    assert_eq!(
        post(&base, "/calls/outbound", call.clone()).await.0,
        StatusCode::OK
    );
    hook(&base, "/credits", json!({"credits": false})).await;
    assert_eq!(
        post(&base, "/calls/outbound", call.clone()).await.0,
        StatusCode::PAYMENT_REQUIRED
    );
    hook(&base, "/credits", json!({"credits": true})).await;
    // A reset goes back to the flag: no credits.
    client()
        .post(format!("{base}/_sandbox/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(hook_get(&base, "/credits").await, json!({"credits": false}));
    assert_eq!(
        hook(&base, "/credits", json!({"credits": "yes"})).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_sandbox_answers_its_own_errors_in_the_documented_shape() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let cases = [
        (json!({"agent_id": SUPPORT}), "missing_field", "destination"),
        (
            json!({"destination": "0612345678", "agent_id": SUPPORT}),
            "invalid_request",
            "destination",
        ),
        (
            json!({"destination": "+31612345678", "agent_id": "x"}),
            "invalid_request",
            "agent_id",
        ),
        (
            json!({"destination": "+31612345678", "agent_id": "00000000-0000-4000-8000-000000000000"}),
            "not_found",
            "agent_id",
        ),
    ];
    for (request, code, param) in cases {
        let (_, body) = post(&base, "/calls/outbound", request.clone()).await;
        assert_error_body(&body, code, "invalid_request_error");
        assert_eq!(body["error"]["param"], param, "{request}");
    }
    let (status, body) = get(&base, "/calls?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["param"], "limit");
}

#[tokio::test]
async fn each_control_command_is_checked_field_by_field() {
    let running = sandbox(&["--talk-ms", "60000"]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    let control = format!("/calls/{id}/control");
    wait_for_status(&base, &id, "in-progress").await;
    let cases = [
        (json!({"content": "x"}), Value::from("type")),
        (json!({"type": "mute"}), Value::from("type")),
        (
            json!({"type": "inject-context", "content": "x"}),
            Value::from("trigger_response"),
        ),
        (
            json!({"type": "inject-context", "content": 3, "trigger_response": true}),
            Value::from("content"),
        ),
        (
            json!({"type": "say", "content": "x", "end_after": "no"}),
            Value::from("end_after"),
        ),
        (
            json!({"type": "say", "end_after": false}),
            Value::from("content"),
        ),
        (
            json!({"type": "end-call", "message": false}),
            Value::from("message"),
        ),
        (json!({"type": "transfer"}), Value::from("destination")),
        (
            json!({"type": "transfer", "destination": "desk"}),
            Value::from("destination"),
        ),
        (json!(["end-call"]), Value::Null),
    ];
    for (command, param) in cases {
        let (status, body) = post(&base, &control, command.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{command}");
        assert_error_body(&body, "invalid_request", "invalid_request_error");
        assert_eq!(body["error"]["param"], param, "{command}");
    }
    let (status, body) = post(
        &base,
        "/calls/call-nope/control",
        json!({"type": "end-call"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "not_found", "invalid_request_error");

    let accepted = [
        json!({"type": "inject-context", "content": "Klant is VIP", "trigger_response": false}),
        json!({"type": "say", "content": "Een moment", "end_after": false}),
    ];
    for command in &accepted {
        let (status, body) = post(&base, &control, command.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            json!({"success": true, "message": "Command sent successfully"})
        );
    }
    assert_eq!(
        wait_for_status(&base, &id, "in-progress").await["status"],
        "in-progress"
    );
    let log = hook_get(&base, &format!("/controls?call_id={id}")).await;
    let logged: Vec<&Value> = log["commands"].as_array().unwrap().iter().collect();
    assert_eq!(logged.len(), 2, "only accepted commands are kept");
    assert_eq!(logged[0]["type"], "inject-context");
    assert_eq!(logged[0]["body"], accepted[0]);
    assert_eq!(logged[1]["call_id"], id.as_str());
    assert!(logged[1]["at_ms"].is_i64());
    assert_eq!(
        hook_get(&base, "/controls?call_id=other").await,
        json!({"commands": []})
    );
}

#[tokio::test]
async fn a_call_not_in_progress_refuses_commands() {
    let running = sandbox(&["--step-ms", "300", "--talk-ms", "50"]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    let end = json!({"type": "end-call"});
    let (status, body) = post(&base, &format!("/calls/{id}/control"), end.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "still dialing");
    assert_error_body(&body, "call_not_active", "invalid_request_error");
    wait_for_status(&base, &id, "ended").await;
    let (status, body) = post(&base, &format!("/calls/{id}/control"), end.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "ended");
    assert_eq!(body["error"]["code"], "call_not_active");

    let (_, connecting) = get(&base, "/calls?status=connecting&limit=1").await;
    let demo = percent_encode(connecting["calls"][0]["id"].as_str().unwrap());
    let (status, _) = post(&base, &format!("/calls/{demo}/control"), end).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(hook_get(&base, "/controls").await, json!({"commands": []}));
}

#[tokio::test]
async fn the_eleventh_command_in_a_minute_is_429_and_counts_against_the_key() {
    let running = sandbox(&["--talk-ms", "60000", "--rate-limit", "1000/1h"]).await;
    let base = running.url();
    away_from_a_window_edge(HOUR_MS).await;
    let id = place(&base, "+31612345678").await;
    wait_for_status(&base, &id, "in-progress").await;
    let used_before = hook_get(&base, "/budget").await["used"].as_u64().unwrap();
    let note = json!({"type": "inject-context", "content": "noot", "trigger_response": false});
    for n in 0..10 {
        let (status, _) = post(&base, &format!("/calls/{id}/control"), note.clone()).await;
        assert_eq!(status, StatusCode::OK, "command {n}");
    }
    let refused = client()
        .post(format!("{base}/calls/{id}/control"))
        .bearer_auth(KEY)
        .json(&note)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = header_number(&refused, "retry-after");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(refused.headers().get("x-ratelimit-remaining").is_some());
    let body: Value = refused.json().await.unwrap();
    assert_error_body(&body, "rate_limit_exceeded", "rate_limit_error");
    let used_after = hook_get(&base, "/budget").await["used"].as_u64().unwrap();
    assert_eq!(used_after - used_before, 11);

    // Another call has its own ten.
    let other = place(&base, "+31687654321").await;
    wait_for_status(&base, &other, "in-progress").await;
    let (status, _) = post(&base, &format!("/calls/{other}/control"), note).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn end_call_and_say_with_end_after_end_the_call_now() {
    let running = sandbox(&["--talk-ms", "60000"]).await;
    let base = running.url();
    for command in [
        json!({"type": "end-call", "message": "Fijne dag!"}),
        json!({"type": "say", "content": "Tot ziens", "end_after": true}),
    ] {
        let id = place(&base, "+31612345678").await;
        let answered = wait_for_status(&base, &id, "in-progress").await;
        let (status, _) = post(&base, &format!("/calls/{id}/control"), command.clone()).await;
        assert_eq!(status, StatusCode::OK, "{command}");
        let (_, call) = get(&base, &format!("/calls/{id}")).await;
        assert_eq!(call["status"], "ended", "{command}");
        assert_eq!(call["error"], Value::Null);
        assert_eq!(call["started_at"], answered["started_at"]);
        assert!(call["ended_at"].is_string() && call["summary"].is_string());
        assert!(
            call["duration_seconds"].as_u64().unwrap() < 60,
            "ended early"
        );
    }
}

#[tokio::test]
async fn a_transferred_call_shows_transferred_and_under_no_status_filter() {
    let running = sandbox(&["--talk-ms", "60000"]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    wait_for_status(&base, &id, "in-progress").await;
    let transfer =
        json!({"type": "transfer", "destination": "+31201234567", "message": "Ik verbind u door"});
    let (status, _) = post(&base, &format!("/calls/{id}/control"), transfer).await;
    assert_eq!(status, StatusCode::OK);
    let call = wait_for_status(&base, &id, "transferred").await;
    assert!(call["ended_at"].is_string());
    let (_, all) = get(&base, "/calls?limit=1").await;
    assert_eq!(all["calls"][0]["status"], "transferred");
    for filter in ["connecting", "in-progress", "ended", "failed"] {
        let (_, page) = get(&base, &format!("/calls?status={filter}&limit=1000")).await;
        let ids: Vec<&Value> = page["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["id"])
            .collect();
        assert!(!ids.contains(&&Value::from(id.as_str())), "{filter}");
    }
    let (status, _) = get(&base, "/calls?status=transferred").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "not a documented filter value"
    );
    let (status, body) = post(
        &base,
        &format!("/calls/{id}/control"),
        json!({"type": "end-call"}),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::BAD_REQUEST, &json!("call_not_active"))
    );
}

#[tokio::test]
async fn the_talk_length_applies_to_calls_placed_afterwards() {
    let running = sandbox(&["--talk-ms", "60000"]).await;
    let base = running.url();
    assert_eq!(hook_get(&base, "/talk").await, json!({"talk_ms": 60_000}));
    let long = place(&base, "+31612345678").await;
    assert_eq!(
        hook(&base, "/talk", json!({"talk_ms": 40})).await.1,
        json!({"talk_ms": 40})
    );
    let short = place(&base, "+31687654321").await;
    wait_for_status(&base, &short, "ended").await;
    assert_eq!(
        get(&base, &format!("/calls/{long}")).await.1["status"],
        "in-progress"
    );
    assert_eq!(
        hook(&base, "/talk", json!({"talk_ms": -5})).await.0,
        StatusCode::BAD_REQUEST
    );
}
