//! Fault injection: latency, error statuses, malformed JSON and dropped
//! connections, per request (header) or for the next N requests (rules).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The header a test sets to make one request misbehave, e.g.
/// `x-sandbox-fault: latency=2000,status=503`.
pub const FAULT_HEADER: &str = "x-sandbox-fault";

/// What goes wrong with one answer. Latency applies first; then at most one
/// of drop, malformed or status replaces the real answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Delay before answering, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer this status (with a non-JSON body) instead.
    #[serde(default)]
    pub status: Option<u16>,
    /// Answer 200 with truncated JSON instead.
    #[serde(default)]
    pub malformed: bool,
    /// Send headers, then break the connection mid-body.
    #[serde(default)]
    pub drop: bool,
    /// Do the work (place the call), then wait this long before answering:
    /// a client that gives up first does not know the call was placed.
    #[serde(default)]
    pub late_answer_ms: u64,
}

/// A fault for requests whose path starts with `path`, `times` times (or
/// until cleared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many requests it applies to; forever when absent.
    #[serde(default)]
    pub times: Option<u32>,
    /// Only paths starting with this; all when absent.
    #[serde(default)]
    pub path: Option<String>,
}

/// Why a fault header did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad {FAULT_HEADER} header: {0}")]
pub struct FaultSpecError(String);

impl Fault {
    /// Parses `latency=200,status=503,malformed,drop,late_answer=900` (any
    /// subset).
    ///
    /// # Errors
    /// [`FaultSpecError`] naming the part that does not parse.
    pub fn parse(spec: &str) -> Result<Self, FaultSpecError> {
        let mut fault = Self::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let number = |v: &str| v.parse::<u64>().map_err(|_| FaultSpecError(part.into()));
            match part.split_once('=') {
                Some(("latency", v)) => fault.latency_ms = number(v)?,
                Some(("late_answer", v)) => fault.late_answer_ms = number(v)?,
                Some(("status", v)) => {
                    let code =
                        u16::try_from(number(v)?).map_err(|_| FaultSpecError(part.into()))?;
                    StatusCode::from_u16(code).map_err(|_| FaultSpecError(part.into()))?;
                    fault.status = Some(code);
                }
                None if part == "malformed" => fault.malformed = true,
                None if part == "drop" => fault.drop = true,
                _ => return Err(FaultSpecError(part.into())),
            }
        }
        Ok(fault)
    }

    /// Waits out the latency.
    pub async fn delay(&self) {
        if self.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.latency_ms)).await;
        }
    }

    /// The answer that replaces the real one, if this fault replaces it.
    pub fn replacement(&self) -> Option<Response> {
        if self.drop {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"calls\":[")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "sandbox fault: dropped connection",
                )),
            ];
            let body = Body::from_stream(futures_util::stream::iter(chunks));
            return Some(([(header::CONTENT_TYPE, "application/json")], body).into_response());
        }
        if self.malformed {
            return Some(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    "{\"calls\": [{\"id\": \"call-",
                )
                    .into_response(),
            );
        }
        let status = StatusCode::from_u16(self.status?).ok()?;
        Some((status, status.canonical_reason().unwrap_or("error")).into_response())
    }
}

/// The rules in force, oldest first.
#[derive(Debug, Default)]
pub struct FaultRules(Vec<FaultRule>);

impl FaultRules {
    /// Adds a rule.
    pub fn push(&mut self, rule: FaultRule) {
        self.0.push(rule);
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The fault for a request to `path`, using up one of its `times`.
    pub fn take(&mut self, path: &str) -> Option<Fault> {
        let index = self
            .0
            .iter()
            .position(|rule| rule.path.as_deref().is_none_or(|p| path.starts_with(p)))?;
        let rule = &mut self.0[index];
        let fault = rule.fault.clone();
        match &mut rule.times {
            Some(1) => {
                self.0.remove(index);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_spec_is_read_whole() {
        let fault = Fault::parse("latency=250, status=503,malformed,drop,late_answer=9").unwrap();
        assert_eq!(
            fault,
            Fault {
                latency_ms: 250,
                status: Some(503),
                malformed: true,
                drop: true,
                late_answer_ms: 9,
            }
        );
    }

    #[test]
    fn a_bad_spec_names_its_part() {
        for bad in ["latency=soon", "status=99999", "explode", "status=42"] {
            let error = Fault::parse(bad).unwrap_err();
            assert!(error.to_string().contains(bad), "{error}");
        }
    }

    #[test]
    fn a_rule_with_times_wears_out() {
        let mut rules = FaultRules::default();
        rules.push(FaultRule {
            fault: Fault::parse("status=500").unwrap(),
            times: Some(2),
            path: Some("/calls/outbound".into()),
        });
        assert!(rules.take("/calls").is_none());
        assert!(rules.take("/calls/outbound").is_some());
        assert!(rules.take("/calls/outbound").is_some());
        assert!(rules.take("/calls/outbound").is_none());
    }
}
