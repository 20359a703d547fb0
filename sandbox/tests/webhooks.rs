//! Call events over real HTTP: a receiver in the test records what the
//! sandbox posts as outbound calls change stage, checks the envelope and
//! the HMAC signature of `PLATFORM.md`, and each delivery fault.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use callme_sandbox::{Config, Running, start};
use hmac::{Hmac, Mac};
use reqwest::Client;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

const KEY: &str = "test-key-123";
const SECRET: &str = "whsec-test-456";
const SUPPORT: &str = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    headers: HeaderMap,
    body: Bytes,
}

impl Hit {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |value| value.to_str().unwrap())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// `(type, call.status)`.
    fn what(&self) -> (String, String) {
        let message = &self.json()["message"];
        (
            message["type"].as_str().unwrap().to_owned(),
            message["call"]["status"].as_str().unwrap().to_owned(),
        )
    }

    /// Checks the signature as a receiver must: HMAC-SHA256 of
    /// `<timestamp>.<raw body>`, compared in constant time by the crate.
    fn signed_with(&self, secret: &str) -> bool {
        let Some(hex) = self.header("x-webhook-signature").strip_prefix("sha256=") else {
            return false;
        };
        let Some(expected) = decode_hex(hex) else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(self.header("x-webhook-timestamp").as_bytes());
        mac.update(b".");
        mac.update(&self.body);
        mac.verify_slice(&expected).is_ok()
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

/// A webhook receiver on loopback that answers 200 and keeps every hit.
struct Receiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Receiver {
    async fn start() -> Self {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let kept = Arc::clone(&hits);
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| async move {
                kept.lock().unwrap().push(Hit { headers, body });
                StatusCode::OK
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, hits }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits until at least `count` hits arrived.
    async fn wait_for(&self, count: usize) -> Vec<Hit> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let hits = self.hits();
            if hits.len() >= count {
                return hits;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {count} events: {:?}",
                hits.len(),
                hits.iter().map(Hit::what).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn sandbox(extra: &[&str]) -> Running {
    let mut args = vec!["--api-key", KEY, "--step-ms", "40", "--talk-ms", "80"];
    args.extend_from_slice(extra);
    let config = Config::from_args(args.into_iter().map(String::from)).unwrap();
    start(config).await.unwrap()
}

/// A sandbox posting signed events to a fresh receiver.
async fn wired(extra: &[&str]) -> (Running, Receiver) {
    let receiver = Receiver::start().await;
    let mut args = vec!["--webhook-url", &receiver.url, "--webhook-secret", SECRET];
    args.extend_from_slice(extra);
    (sandbox(&args).await, receiver)
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn place(base: &str, destination: &str) -> String {
    let body: Value = client()
        .post(format!("{base}/calls/outbound"))
        .bearer_auth(KEY)
        .json(&json!({"destination": destination, "agent_id": SUPPORT, "first_message": "Hallo!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["call_id"].as_str().unwrap().to_owned()
}

async fn hook(base: &str, method: reqwest::Method, path: &str, body: Value) -> StatusCode {
    client()
        .request(method, format!("{base}/_sandbox{path}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn fault(base: &str, body: Value) {
    let status = hook(base, reqwest::Method::POST, "/webhook-faults", body).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

/// The deliveries journal once it holds `count` entries.
async fn deliveries(base: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let journal: Value = client()
            .get(format!("{base}/_sandbox/webhooks"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = journal["deliveries"].as_array().unwrap().clone();
        if list.len() >= count {
            return list;
        }
        assert!(Instant::now() < deadline, "deliveries: {list:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

const LIFECYCLE: [(&str, &str); 3] = [
    ("status-update", "in-progress"),
    ("status-update", "ended"),
    ("end-of-call-report", "ended"),
];

#[tokio::test]
async fn a_call_followed_to_its_end_delivers_three_signed_events_in_order() {
    let (running, receiver) = wired(&[]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    let hits = receiver.wait_for(3).await;
    let seen: Vec<_> = hits.iter().map(Hit::what).collect();
    assert_eq!(seen, owned(&LIFECYCLE));
    let now_s = callme_sandbox::now_ms() / 1_000;
    for hit in &hits {
        assert!(hit.signed_with(SECRET), "{:?}", hit.headers);
        assert!(!hit.signed_with("another secret"));
        assert_eq!(hit.header("content-type"), "application/json");
        assert_eq!(hit.header("x-webhook-event"), hit.what().0);
        let timestamp: i64 = hit.header("x-webhook-timestamp").parse().unwrap();
        assert!((timestamp - now_s).abs() <= 5);
        let message = &hit.json()["message"];
        assert_eq!(
            message["call"]["id"],
            id.as_str(),
            "the outbound answer's id"
        );
        assert_eq!(message["call"]["type"], "outbound_phone_call");
        assert_eq!(message["customer"]["number"], "+31612345678");
        assert_eq!(message["phone_number"]["number"], "+31850835037");
        assert!(message["phone_number"]["name"].is_string());
        let stamp = message["timestamp"].as_str().unwrap();
        assert!(callme_shared::Timestamp::parse(stamp).is_ok(), "{stamp}");
        assert!(stamp.ends_with('Z') && stamp.len() == 24, "{stamp}");
    }
    let report = &hits[2].json()["message"];
    assert!(report["duration_seconds"].is_u64());
    assert!(report["summary"].as_str().unwrap().contains("website"));
    assert_eq!(
        report["messages"][0],
        json!({"role": "assistant", "content": "Hallo!"})
    );
    assert_eq!(report["messages"][1]["role"], "user");

    let journal = deliveries(&base, 3).await;
    for (entry, (event, status)) in journal.iter().zip(LIFECYCLE) {
        assert_eq!(entry["event"], event);
        assert_eq!(entry["status"], status);
        assert_eq!(entry["call_id"], id.as_str());
        assert_eq!(entry["answered"], 200);
        assert_eq!(entry["signed_ok"], true);
        assert!(entry["at_ms"].is_i64());
    }
    // A reset forgets the journal but keeps the target.
    client()
        .post(format!("{base}/_sandbox/reset"))
        .send()
        .await
        .unwrap();
    assert!(deliveries(&base, 0).await.is_empty());
    place(&base, "+31612345678").await;
    receiver.wait_for(6).await;
}

#[tokio::test]
async fn an_unanswered_call_ends_with_error_and_still_reports() {
    let (running, receiver) = wired(&[]).await;
    place(&running.url(), "+31612340000").await;
    let hits = receiver.wait_for(2).await;
    let seen: Vec<_> = hits.iter().map(Hit::what).collect();
    assert_eq!(
        seen,
        owned(&[
            ("status-update", "ended-with-error"),
            ("end-of-call-report", "ended-with-error")
        ])
    );
    assert_eq!(hits[0].json()["message"]["error"], "no-answer");
    assert_eq!(hits[1].json()["message"]["duration_seconds"], 0);
}

#[tokio::test]
async fn end_call_ends_the_call_and_its_events_follow() {
    let (running, receiver) = wired(&["--talk-ms", "60000"]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    receiver.wait_for(1).await;
    let answer = client()
        .post(format!("{base}/calls/{id}/control"))
        .bearer_auth(KEY)
        .json(&json!({"type": "end-call", "message": "Fijne dag!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let hits = receiver.wait_for(3).await;
    let seen: Vec<_> = hits.iter().map(Hit::what).collect();
    assert_eq!(seen, owned(&LIFECYCLE));
    let report = &hits[2].json()["message"];
    assert_eq!(report["messages"][2]["content"], "Fijne dag!");
    let call: Value = client()
        .get(format!("{base}/calls/{id}"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(call["status"], "ended");
    assert_eq!(report["duration_seconds"], call["duration_seconds"]);
}

#[tokio::test]
async fn a_transfer_sends_transferred_then_only_the_report() {
    let (running, receiver) = wired(&["--talk-ms", "60000"]).await;
    let base = running.url();
    let id = place(&base, "+31612345678").await;
    receiver.wait_for(1).await;
    let answer = client()
        .post(format!("{base}/calls/{id}/control"))
        .bearer_auth(KEY)
        .json(&json!({"type": "transfer", "destination": "sip:desk@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let hits = receiver.wait_for(3).await;
    let seen: Vec<_> = hits.iter().map(Hit::what).collect();
    assert_eq!(
        seen,
        owned(&[
            ("status-update", "in-progress"),
            ("status-update", "transferred"),
            ("end-of-call-report", "transferred")
        ])
    );
}

#[tokio::test]
async fn the_webhook_hook_sets_the_target_and_null_turns_signing_or_events_off() {
    let receiver = Receiver::start().await;
    let running = sandbox(&[]).await;
    let base = running.url();
    let set = client()
        .post(format!("{base}/_sandbox/webhook"))
        .json(&json!({"url": receiver.url, "secret": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let set: Value = set.json().await.unwrap();
    assert_eq!(set["signed"], false);
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(3).await;
    assert!(
        hits.iter()
            .all(|h| h.header("x-webhook-signature").is_empty())
    );
    let journal = deliveries(&base, 3).await;
    assert_eq!(journal.len(), 3);
    assert!(journal.iter().all(|d| d["signed_ok"] == false));

    let status = hook(
        &base,
        reqwest::Method::POST,
        "/webhook",
        json!({"secret": SECRET}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(6).await;
    assert!(hits[3..].iter().all(|h| h.signed_with(SECRET)));

    let status = hook(
        &base,
        reqwest::Method::POST,
        "/webhook",
        json!({"url": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let status = hook(
        &base,
        reqwest::Method::POST,
        "/webhook",
        json!({"url": "ftp://x"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let target: Value = client()
        .get(format!("{base}/_sandbox/webhook"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(target, json!({"url": null, "signed": true}));
}

#[tokio::test]
async fn a_receiver_that_is_down_is_journaled_without_an_answer() {
    // A port that was free a moment ago: nothing listens there now.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let running = sandbox(&["--webhook-url", &url]).await;
    let base = running.url();
    place(&base, "+31612345678").await;
    let journal = deliveries(&base, 3).await;
    assert_eq!(journal.len(), 3, "no retries");
    assert!(journal.iter().all(|d| d["answered"].is_null()));
}

#[tokio::test]
async fn late_events_arrive_after_their_delay() {
    let (running, receiver) = wired(&[]).await;
    let base = running.url();
    fault(&base, json!({"mode": "late", "delay_ms": 300, "times": 1})).await;
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(3).await;
    assert_eq!(
        hits.iter().map(Hit::what).collect::<Vec<_>>(),
        owned(&LIFECYCLE)
    );
    let journal = deliveries(&base, 3).await;
    let first = &journal[0];
    assert_eq!(first["fault"], "late");
    let happened =
        callme_shared::Timestamp::parse(hits[0].json()["message"]["timestamp"].as_str().unwrap())
            .unwrap()
            .unix_millis();
    assert!(first["at_ms"].as_i64().unwrap() - happened >= 300);
    assert!(journal[1]["fault"].is_null(), "times: 1");
}

#[tokio::test]
async fn twice_sends_every_event_two_times_with_the_same_body() {
    let (running, receiver) = wired(&[]).await;
    let base = running.url();
    fault(&base, json!({"mode": "twice"})).await;
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(6).await;
    for pair in hits.chunks(2) {
        assert_eq!(pair[0].body, pair[1].body);
        assert!(pair[1].signed_with(SECRET));
    }
    let expected: Vec<_> = LIFECYCLE.iter().flat_map(|e| [*e, *e]).collect();
    assert_eq!(
        hits.iter().map(Hit::what).collect::<Vec<_>>(),
        owned(&expected)
    );
}

#[tokio::test]
async fn out_of_order_holds_a_calls_events_and_sends_them_reversed() {
    let (running, receiver) = wired(&[]).await;
    let base = running.url();
    fault(&base, json!({"mode": "out_of_order"})).await;
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(3).await;
    let mut reversed = LIFECYCLE;
    reversed.reverse();
    assert_eq!(
        hits.iter().map(Hit::what).collect::<Vec<_>>(),
        owned(&reversed)
    );
    assert!(hits.iter().all(|h| h.signed_with(SECRET)));
}

#[tokio::test]
async fn drop_sends_nothing_and_journals_the_drop() {
    let (running, receiver) = wired(&[]).await;
    let base = running.url();
    fault(&base, json!({"mode": "drop", "times": 1})).await;
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(2).await;
    assert_eq!(
        hits.iter().map(Hit::what).collect::<Vec<_>>(),
        owned(&LIFECYCLE[1..])
    );
    let journal = deliveries(&base, 3).await;
    assert_eq!(journal[0]["fault"], "drop");
    assert_eq!(journal[0]["status"], "in-progress");
    assert!(journal[0]["answered"].is_null());

    // Cleared: the next call is whole again.
    let status = hook(
        &base,
        reqwest::Method::DELETE,
        "/webhook-faults",
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    fault(&base, json!({"mode": "drop"})).await;
    hook(
        &base,
        reqwest::Method::DELETE,
        "/webhook-faults",
        Value::Null,
    )
    .await;
    place(&base, "+31612345678").await;
    receiver.wait_for(5).await;
}

#[tokio::test]
async fn bad_signature_never_verifies() {
    let (running, receiver) = wired(&[]).await;
    let base = running.url();
    fault(&base, json!({"mode": "bad_signature"})).await;
    place(&base, "+31612345678").await;
    let hits = receiver.wait_for(3).await;
    for hit in &hits {
        assert!(hit.header("x-webhook-signature").starts_with("sha256="));
        assert!(!hit.signed_with(SECRET));
    }
    let journal = deliveries(&base, 3).await;
    assert!(
        journal
            .iter()
            .all(|d| d["signed_ok"] == false && d["answered"] == 200)
    );
    let status = hook(
        &base,
        reqwest::Method::POST,
        "/webhook-faults",
        json!({"mode": "explode"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
