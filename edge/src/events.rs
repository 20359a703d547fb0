//! `POST /api/platform/events`: the platform's signed call events. The
//! signature is checked over the raw bytes before anything is parsed
//! (HMAC-SHA256 of `<timestamp>.<body>` under `PLATFORM_WEBHOOK_SECRET`,
//! `sha256=` optional, constant time, the timestamp within 300 s); then
//! only the two call events are read, into a [`Sighting`] of the call.
//! Pure: the glue reads the body (bounded) and writes the record.

use callme_shared::{CallId, Timestamp};
use serde::Deserialize;

use crate::record::Sighting;
use crate::sign::hmac_matches;

/// The largest event body read, in bytes.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;

/// How far an event's timestamp may be from the edge's clock, in seconds.
pub const TIMESTAMP_WINDOW_S: i64 = 300;

/// Why an event's signature is refused (for the log; the platform hears
/// only 401 `webhook_signature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-Webhook-Timestamp` or `X-Webhook-Signature`.
    #[error("the timestamp or signature header is missing")]
    Missing,
    /// The timestamp is not whole seconds.
    #[error("the timestamp is not a number of seconds")]
    BadTimestamp,
    /// Signed more than five minutes from now (a replay, or a stopped clock).
    #[error("the timestamp is more than 300 s from now")]
    Stale,
    /// Not 64 hex digits (after an optional `sha256=`).
    #[error("the signature is not sha256= and 64 hex digits")]
    Malformed,
    /// Another key, or other bytes.
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks an event's signature over its raw `body` at `now_s`.
///
/// # Errors
/// The [`SignatureError`]; nothing of the body has been read then.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_s: i64,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Missing);
    };
    let timestamp = timestamp.trim();
    if timestamp.is_empty()
        || timestamp.len() > 12
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SignatureError::BadTimestamp);
    }
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    if (now_s - seconds).abs() > TIMESTAMP_WINDOW_S {
        return Err(SignatureError::Stale);
    }
    let hex = signature.trim();
    let hex = hex.strip_prefix("sha256=").unwrap_or(hex);
    let tag = unhex(hex).ok_or(SignatureError::Malformed)?;
    let mut signed = Vec::with_capacity(timestamp.len() + 1 + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    if hmac_matches(secret, &signed, &tag) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// 64 hex digits as 32 bytes.
fn unhex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// What an event says, once its signature passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A call event: which call, and what it says of it.
    Call {
        /// The platform's id of the call.
        id: CallId,
        /// What the event says.
        sighting: Box<Sighting>,
    },
    /// Another type (`assistant-request`, `tool-calls`, one added later),
    /// or a call event without a usable call id: acknowledged, ignored.
    Ignored,
}

/// Why a signed body is not an event (the platform hears 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event is not JSON of the documented envelope: {0}")]
pub struct EventError(String);

#[derive(Deserialize)]
struct Envelope {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    call: Option<CallPart>,
    #[serde(default)]
    customer: Option<Party>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    duration_seconds: Option<f64>,
    #[serde(default)]
    summary: Option<String>,
}

#[derive(Deserialize)]
struct CallPart {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct Party {
    #[serde(default)]
    number: Option<String>,
}

/// The longest text kept from an event (a summary, an error).
const MAX_TEXT_CHARS: usize = 4_000;

/// Reads a signed event body.
///
/// # Errors
/// [`EventError`] when it is not JSON of the envelope's shape.
pub fn parse(body: &[u8]) -> Result<Event, EventError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| EventError(e.to_string()))?;
    let message = envelope.message;
    let Some(id) = message
        .call
        .as_ref()
        .and_then(|call| call.id.as_deref())
        .and_then(|id| CallId::parse(id).ok())
    else {
        return Ok(Event::Ignored);
    };
    let at_ms = message
        .timestamp
        .as_deref()
        .and_then(|t| Timestamp::parse(t).ok())
        .map(|t| t.unix_millis());
    let status = message.call.and_then(|call| call.status);
    let text = |t: Option<String>| t.map(|t| t.chars().take(MAX_TEXT_CHARS).collect::<String>());
    let phone = message.customer.and_then(|c| c.number);
    let sighting = match message.kind.as_str() {
        "status-update" => Sighting {
            started_ms: at_ms.filter(|_| status.as_deref() == Some("in-progress")),
            ended_ms: at_ms.filter(|_| {
                status
                    .as_deref()
                    .is_some_and(|s| callme_shared::PlatformStatus::from_wire(s).is_final())
            }),
            error: text(message.error),
            status,
            phone,
            ..Sighting::default()
        },
        "end-of-call-report" => Sighting {
            // A report is only sent once a call is over, whatever status
            // its envelope repeats.
            status: Some(
                status
                    .filter(|s| callme_shared::PlatformStatus::from_wire(s).is_final())
                    .unwrap_or_else(|| "ended".into()),
            ),
            ended_ms: at_ms,
            duration_s: message
                .duration_seconds
                .filter(|d| d.is_finite() && *d >= 0.0 && *d < f64::from(u32::MAX))
                .map(|d| {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let whole = d.round() as u32;
                    whole
                }),
            summary: text(message.summary),
            error: text(message.error),
            phone,
            ..Sighting::default()
        },
        _ => return Ok(Event::Ignored),
    };
    Ok(Event::Call {
        id,
        sighting: Box::new(sighting),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::hmac;

    const SECRET: &[u8] = b"whsec-test-secret-test-secret-0123";
    const NOW: i64 = 1_765_620_000;

    fn sign(timestamp: &str, body: &[u8]) -> String {
        let mut signed = timestamp.as_bytes().to_vec();
        signed.push(b'.');
        signed.extend_from_slice(body);
        hmac(SECRET, &signed)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    const BODY: &[u8] = br#"{"message":{"type":"status-update","timestamp":"2025-12-13T10:00:00.000Z","call":{"id":"call-outbound-abc","type":"outbound_phone_call","status":"in-progress"},"customer":{"number":"+31612345678"}}}"#;

    #[test]
    fn a_signature_with_or_without_its_prefix_passes() {
        let ts = NOW.to_string();
        let hex = sign(&ts, BODY);
        assert_eq!(
            verify(SECRET, Some(&ts), Some(&format!("sha256={hex}")), BODY, NOW),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, Some(&ts), Some(&hex), BODY, NOW + 300),
            Ok(())
        );
    }

    #[test]
    fn every_kind_of_bad_signature_is_refused() {
        let ts = NOW.to_string();
        let hex = sign(&ts, BODY);
        let other_body = [BODY, b" "].concat();
        let flipped: String = hex
            .char_indices()
            .map(|(i, c)| {
                if i == 10 {
                    if c == '0' { '1' } else { '0' }
                } else {
                    c
                }
            })
            .collect();
        assert_ne!(flipped, hex);
        /// Timestamp, signature, body, the edge's clock, the refusal.
        type Case<'a> = (
            Option<&'a str>,
            Option<String>,
            &'a [u8],
            i64,
            SignatureError,
        );
        let cases: Vec<Case> = vec![
            (None, Some(hex.clone()), BODY, NOW, SignatureError::Missing),
            (Some(&ts), None, BODY, NOW, SignatureError::Missing),
            (
                Some("soon"),
                Some(hex.clone()),
                BODY,
                NOW,
                SignatureError::BadTimestamp,
            ),
            (
                Some("-5"),
                Some(hex.clone()),
                BODY,
                NOW,
                SignatureError::BadTimestamp,
            ),
            (
                Some(&ts),
                Some(hex.clone()),
                BODY,
                NOW + 301,
                SignatureError::Stale,
            ),
            (
                Some(&ts),
                Some(hex.clone()),
                BODY,
                NOW - 301,
                SignatureError::Stale,
            ),
            (
                Some(&ts),
                Some(hex[..63].into()),
                BODY,
                NOW,
                SignatureError::Malformed,
            ),
            (
                Some(&ts),
                Some(format!("sha1={hex}")),
                BODY,
                NOW,
                SignatureError::Malformed,
            ),
            (
                Some(&ts),
                Some(flipped),
                BODY,
                NOW,
                SignatureError::Mismatch,
            ),
            (
                Some(&ts),
                Some(hex.clone()),
                &other_body,
                NOW,
                SignatureError::Mismatch,
            ),
        ];
        for (timestamp, signature, body, now, expected) in cases {
            assert_eq!(
                verify(SECRET, timestamp, signature.as_deref(), body, now),
                Err(expected),
                "{timestamp:?} {signature:?}"
            );
        }
        // The timestamp is signed: another one with the same MAC fails.
        let later = (NOW + 1).to_string();
        assert_eq!(
            verify(SECRET, Some(&later), Some(&hex), BODY, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_status_update_says_the_status_and_when_it_was_answered() {
        let Event::Call { id, sighting } = parse(BODY).unwrap() else {
            panic!("not a call event");
        };
        assert_eq!(id.as_str(), "call-outbound-abc");
        assert_eq!(sighting.status.as_deref(), Some("in-progress"));
        assert_eq!(sighting.started_ms, Some(1_765_620_000_000));
        assert_eq!(sighting.phone.as_deref(), Some("+31612345678"));
        assert_eq!(sighting.ended_ms, None);
    }

    #[test]
    fn a_report_ends_the_call_with_its_length_and_summary() {
        let body = br#"{"message":{"type":"end-of-call-report","timestamp":"2025-12-13T10:01:24.000Z","call":{"id":"c1","status":"in-progress"},"duration_seconds":84.4,"summary":"Klant belde.","messages":[]}}"#;
        let Event::Call { sighting, .. } = parse(body).unwrap() else {
            panic!("not a call event");
        };
        assert_eq!(sighting.status.as_deref(), Some("ended"));
        assert_eq!(sighting.duration_s, Some(84));
        assert_eq!(sighting.summary.as_deref(), Some("Klant belde."));
    }

    #[test]
    fn other_types_and_calls_without_an_id_are_ignored_and_junk_is_refused() {
        for ignored in [
            &br#"{"message":{"type":"assistant-request","call":{"id":"c1"}}}"#[..],
            br#"{"message":{"type":"tool-calls"}}"#,
            br#"{"message":{"type":"status-update","call":{"status":"ended"}}}"#,
            br#"{"message":{"type":"status-update","call":{"id":"has space","status":"ended"}}}"#,
        ] {
            assert_eq!(parse(ignored).unwrap(), Event::Ignored);
        }
        for junk in [&b"not json"[..], b"{}", br#"{"message":{}}"#, b"[]"] {
            assert!(parse(junk).is_err(), "{:?}", String::from_utf8_lossy(junk));
        }
    }
}
