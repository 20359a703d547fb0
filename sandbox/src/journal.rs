//! What the sandbox received, so tests can prove how many upstream calls a
//! request cost (zero, for every rejected one).

use serde::Serialize;

/// One request as received. The key itself is never kept, only whether it
/// matched.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    /// HTTP method.
    pub method: String,
    /// Path, as sent (still percent-encoded).
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// The body parsed as JSON, or as text when it is not JSON.
    pub body: serde_json::Value,
    /// Whether the bearer key matched.
    pub authorized: bool,
    /// When it arrived (Unix ms).
    pub at_ms: i64,
}

/// The requests received since start or the last clear.
#[derive(Debug, Default)]
pub struct Journal(Vec<Received>);

impl Journal {
    /// Records one request.
    pub fn record(&mut self, received: Received) {
        self.0.push(received);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The requests whose path starts with `prefix` (all when `None`),
    /// optionally only those with `method`.
    pub fn matching(&self, prefix: Option<&str>, method: Option<&str>) -> Vec<Received> {
        self.0
            .iter()
            .filter(|r| prefix.is_none_or(|p| r.path.starts_with(p)))
            .filter(|r| method.is_none_or(|m| r.method.eq_ignore_ascii_case(m)))
            .cloned()
            .collect()
    }
}
