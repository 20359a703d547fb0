//! One structured log line per request. Phone numbers are masked; the key,
//! tokens and tickets never appear.

use serde::Serialize;

/// The fields of a request's log line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LogLine {
    /// HTTP method.
    pub method: String,
    /// The route (`/api/callback/status`), never the raw path.
    pub route: &'static str,
    /// The status answered.
    pub status: u16,
    /// The last platform status, when the platform was called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_status: Option<u16>,
    /// How many platform calls the request cost.
    pub upstream_calls: u32,
    /// How many round trips to the Guard object it took.
    pub guard_calls: u32,
    /// How many round trips to the Scheduler object it took.
    #[serde(skip_serializing_if = "is_zero")]
    pub scheduler_calls: u32,
    /// Wall time in milliseconds.
    pub duration_ms: i64,
    /// The destination, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The error code answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Internal detail of an error (never secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if takes a reference
fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl LogLine {
    /// The line as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_json_object_without_empty_fields() {
        let line = LogLine {
            method: "POST".into(),
            route: crate::routes::log_name("/api/callback"),
            status: 202,
            upstream_status: Some(200),
            upstream_calls: 1,
            duration_ms: 12,
            phone: Some("+31******678".into()),
            ..LogLine::default()
        };
        let json = line.to_json();
        assert!(!json.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["route"], "/api/callback");
        assert!(value.get("error").is_none());
    }
}
