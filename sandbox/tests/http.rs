//! The sandbox over real HTTP on loopback: the platform page's example
//! requests, its documented errors, the lifecycle of an outbound call, and
//! the test hooks (journal, faults).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use callme_sandbox::{Config, Running, start};
use callme_shared::{CallList, CallStatus, OutboundCallResponse};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const KEY: &str = "test-key-123";
const SUPPORT: &str = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01";
const RETIRED: &str = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c23";

async fn sandbox(extra: &[&str]) -> Running {
    let mut args = vec![
        "--api-key",
        KEY,
        "--anchor",
        "2025-12-13T10:00:00.000Z",
        "--step-ms",
        "100",
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

async fn get_json(url: &str) -> (StatusCode, Value) {
    let response = client().get(url).bearer_auth(KEY).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn outbound(base: &str, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{base}/calls/outbound"))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn journal_count(base: &str, path: &str) -> u64 {
    let (_, body) = get_json(&format!("{base}/_sandbox/requests?path={path}")).await;
    body["count"].as_u64().unwrap()
}

#[tokio::test]
async fn the_documented_list_request_answers_the_documented_shape() {
    let running = sandbox(&[]).await;
    let (status, body) = get_json(&format!("{}/calls?limit=50&offset=0", running.url())).await;
    assert_eq!(status, StatusCode::OK);
    let list: CallList = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(list.calls.len(), 50);
    assert_eq!(
        (
            list.pagination.total,
            list.pagination.limit,
            list.pagination.offset
        ),
        (160, 50, 0)
    );
    assert!(
        list.calls
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at)
    );
    let first = &body["calls"][0];
    for key in [
        "id",
        "caller_phone",
        "assistant_phone",
        "status",
        "error",
        "started_at",
        "ended_at",
        "duration_seconds",
        "summary",
        "agent_name",
        "business_name",
        "created_at",
        "updated_at",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
}

#[tokio::test]
async fn the_default_page_is_one_hundred_calls() {
    let running = sandbox(&[]).await;
    let (_, body) = get_json(&format!("{}/calls", running.url())).await;
    assert_eq!(body["calls"].as_array().unwrap().len(), 100);
    assert_eq!(
        body["pagination"],
        json!({"total": 160, "limit": 100, "offset": 0})
    );
}

#[tokio::test]
async fn filters_by_status_and_date_and_pages_to_the_end() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let (_, failed) = get_json(&format!("{base}/calls?status=failed&limit=1000")).await;
    let failed: CallList = serde_json::from_value(failed).unwrap();
    assert!(!failed.calls.is_empty());
    assert!(
        failed
            .calls
            .iter()
            .all(|c| c.status == CallStatus::Failed && c.error.is_some())
    );
    assert_eq!(failed.pagination.total, failed.calls.len() as u64);

    let (_, last) = get_json(&format!("{base}/calls?limit=50&offset=150")).await;
    assert_eq!(last["calls"].as_array().unwrap().len(), 10);

    let range = "start_date=2025-12-06T10:00:00.000Z&end_date=2025-12-13T10:00:00%2B00:00";
    let (_, week) = get_json(&format!("{base}/calls?{range}&limit=1000")).await;
    let week: CallList = serde_json::from_value(week).unwrap();
    assert!(!week.calls.is_empty() && week.calls.len() < 160);
    for call in &week.calls {
        let t = call.created_at.as_str();
        assert!(
            ("2025-12-06T10:00:00.000Z"..="2025-12-13T10:00:00.000Z").contains(&t),
            "{t}"
        );
    }
}

#[tokio::test]
async fn bad_list_queries_are_400() {
    let running = sandbox(&[]).await;
    for query in [
        "limit=1001",
        "limit=0",
        "offset=-1",
        "status=dialing",
        "start_date=today",
        "start_date=2025-12-13T00:00:00Z&end_date=2025-12-12T00:00:00Z",
    ] {
        let (status, _) = get_json(&format!("{}/calls?{query}", running.url())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_401_and_recorded_as_such() {
    let running = sandbox(&[]).await;
    let url = format!("{}/calls", running.url());
    let none = client().get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let wrong = client()
        .get(&url)
        .bearer_auth("test-key-124")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let basic = client()
        .get(&url)
        .basic_auth("x", Some(KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    let (_, journal) = get_json(&format!("{}/_sandbox/requests?path=/calls", running.url())).await;
    let authorized: Vec<bool> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["authorized"].as_bool().unwrap())
        .collect();
    assert_eq!(authorized, [false, false, false]);
    assert!(
        !journal.to_string().contains(KEY),
        "the journal must not keep the key"
    );
}

#[tokio::test]
async fn the_documented_outbound_request_dials_and_the_call_ends() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let (status, body) = outbound(
        &base,
        json!({
            "destination": "+31612345678", "agent_id": SUPPORT,
            "first_message": "Hallo!", "context": "Visitor asked for a callback."
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let answer: OutboundCallResponse = serde_json::from_value(body.clone()).unwrap();
    assert!(answer.success);
    assert_eq!(answer.status, "dialing");
    assert!(body["room_name"].is_string());

    // Watch the call in the history until it ends; every status seen must be
    // a documented one, in lifecycle order.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen: Vec<String> = Vec::new();
    loop {
        let (_, list) = get_json(&format!("{base}/calls?limit=5")).await;
        let call = list["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == answer.call_id.as_str())
            .cloned()
            .expect("call listed");
        let status = call["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "ended" {
            assert_eq!(call["caller_phone"], "+31612345678");
            assert!(call["duration_seconds"].as_u64().is_some());
            assert!(call["ended_at"].is_string() && call["summary"].is_string());
            break;
        }
        assert!(Instant::now() < deadline, "never ended: {seen:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let order = ["connecting", "in-progress", "ended"];
    let positions: Vec<usize> = seen
        .iter()
        .map(|s| order.iter().position(|o| o == s).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(journal_count(&base, "/calls/outbound").await, 1);
}

#[tokio::test]
async fn outbound_errors_are_the_documented_ones() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let cases = [
        (
            json!({"destination": "0612345678", "agent_id": SUPPORT}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"destination": "+31 6 12345678", "agent_id": SUPPORT}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"agent_id": SUPPORT}), StatusCode::BAD_REQUEST),
        (
            json!({"destination": "+31612345678", "agent_id": RETIRED}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"destination": "+31612345678", "agent_id": "not-a-uuid"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"destination": "+31612345678", "agent_id": "00000000-0000-4000-8000-000000000000"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"destination": "+31612345678", "agent_id": SUPPORT, "context": 5}),
            StatusCode::BAD_REQUEST,
        ),
        (json!(["not", "an", "object"]), StatusCode::BAD_REQUEST),
    ];
    for (body, expected) in cases {
        let (status, _) = outbound(&base, body.clone()).await;
        assert_eq!(status, expected, "{body}");
    }
    let (_, list) = get_json(&format!("{base}/calls?limit=1")).await;
    assert_eq!(
        list["pagination"]["total"], 160,
        "no refused request may create a call"
    );
}

#[tokio::test]
async fn a_number_ending_in_0000_fails_with_a_reason() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let (_, body) = outbound(
        &base,
        json!({"destination": "+31612340000", "agent_id": SUPPORT}),
    )
    .await;
    let id = body["call_id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, list) = get_json(&format!("{base}/calls?limit=5&status=failed")).await;
        if let Some(call) = list["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id.as_str())
        {
            assert_eq!(call["error"], "no-answer");
            break;
        }
        assert!(Instant::now() < deadline, "never failed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn control_needs_a_known_call_and_a_json_object() {
    let running = sandbox(&[]).await;
    let base = running.url();
    // Commands are only for a call in progress, in the documented shape
    // (PLATFORM.md); the demo history holds one such call.
    let (_, list) = get_json(&format!("{base}/calls?limit=1&status=in-progress")).await;
    let id = list["calls"][0]["id"].as_str().unwrap();
    assert!(id.contains('+'));
    let encoded = callme_shared::percent_encode(id);
    let post = |path: String, body: &'static str| {
        client()
            .post(path)
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let ok = post(
        format!("{base}/calls/{encoded}/control"),
        r#"{"type":"inject-context","content":"hangup?","trigger_response":false}"#,
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let bad = post(format!("{base}/calls/{encoded}/control"), "hangup")
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let unknown = post(format!("{base}/calls/nope/control"), "{}")
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn header_faults_delay_fail_garble_and_drop() {
    let running = sandbox(&[]).await;
    let url = format!("{}/calls?limit=1", running.url());
    let with_fault = |spec: &'static str| {
        client()
            .get(&url)
            .bearer_auth(KEY)
            .header("x-sandbox-fault", spec)
            .send()
    };

    let started = Instant::now();
    assert_eq!(
        with_fault("latency=300").await.unwrap().status(),
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    for code in [500, 503, 400, 404] {
        let spec: &'static str = Box::leak(format!("status={code}").into_boxed_str());
        let response = with_fault(spec).await.unwrap();
        assert_eq!(response.status().as_u16(), code);
        assert!(
            response.json::<Value>().await.is_err(),
            "a fault body is not JSON"
        );
    }

    let garbled = with_fault("malformed").await.unwrap();
    assert_eq!(garbled.status(), StatusCode::OK);
    assert!(garbled.json::<CallList>().await.is_err());

    // Whether hyper flushed the headers before the break is a race; either
    // way the client must not get a whole answer.
    let broken = match with_fault("drop").await {
        Ok(response) => response.bytes().await.is_err(),
        Err(error) => error.is_request() || error.is_body(),
    };
    assert!(broken, "the connection must break off");

    let refused = with_fault("explode").await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_fault_rule_applies_to_its_path_the_given_number_of_times() {
    let running = sandbox(&[]).await;
    let base = running.url();
    let added = client()
        .post(format!("{base}/_sandbox/faults"))
        .json(&json!({"status": 503, "times": 2, "path": "/calls/outbound"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let body = json!({"destination": "+31612345678", "agent_id": SUPPORT});
    assert_eq!(
        get_json(&format!("{base}/calls?limit=1")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        outbound(&base, body.clone()).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        outbound(&base, body.clone()).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(outbound(&base, body.clone()).await.0, StatusCode::OK);

    client()
        .post(format!("{base}/_sandbox/faults"))
        .json(&json!({"malformed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(outbound(&base, body.clone()).await.1, Value::Null);
    client()
        .delete(format!("{base}/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(outbound(&base, body).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_journal_counts_and_resets() {
    let running = sandbox(&[]).await;
    let base = running.url();
    outbound(
        &base,
        json!({"destination": "+31612345678", "agent_id": SUPPORT, "context": "hi"}),
    )
    .await;
    let (_, journal) = get_json(&format!(
        "{base}/_sandbox/requests?path=/calls/outbound&method=POST"
    ))
    .await;
    assert_eq!(journal["count"], 1);
    assert_eq!(journal["requests"][0]["body"]["context"], "hi");
    assert_eq!(journal["requests"][0]["authorized"], true);
    client()
        .delete(format!("{base}/_sandbox/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(journal_count(&base, "/calls").await, 0);
    client()
        .post(format!("{base}/_sandbox/reset"))
        .send()
        .await
        .unwrap();
    let (_, list) = get_json(&format!("{base}/calls?limit=1")).await;
    assert_eq!(
        list["pagination"]["total"], 160,
        "reset forgets placed calls"
    );
}

#[tokio::test]
async fn the_binary_prints_its_address_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callme-sandbox"))
        .args(["--port", "0", "--demo-calls", "150"])
        .env("SANDBOX_API_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("callme-sandbox listening on ")
        .expect(&line)
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"));
    let (status, body) = get_json(&format!("{url}/calls?limit=1")).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["pagination"]["total"], 150);
}

#[test]
fn the_binary_refuses_to_start_without_a_key() {
    let output = Command::new(env!("CARGO_BIN_EXE_callme-sandbox"))
        .env_remove("SANDBOX_API_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SANDBOX_API_KEY"));
}
