//! The API's endpoints in one table: the router dispatches on them, the
//! log line names them (never the raw path, which could carry anything a
//! client puts in it), and a wrong method is answered with their `Allow`.

/// An endpoint of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /api/health`.
    Health,
    /// `GET /api/config`.
    Config,
    /// `GET /api/calls`.
    Calls,
    /// `GET /api/calls/summary`.
    Summary,
    /// `POST /api/callback` (and `DELETE` to cancel a booked one).
    Callback,
    /// `GET /api/callback/status`.
    Status,
    /// `GET /api/slots`.
    Slots,
    /// `GET /api/scheduled`.
    Scheduled,
    /// `POST /api/platform/events`.
    PlatformEvents,
    /// `POST /api/callback/note`.
    Note,
}

/// Every route with its path and the methods it answers (besides
/// `OPTIONS`, which every route answers as a CORS preflight).
const TABLE: [(Route, &str, &str); 10] = [
    (Route::Health, "/api/health", "GET, HEAD, OPTIONS"),
    (Route::Config, "/api/config", "GET, HEAD, OPTIONS"),
    (Route::Calls, "/api/calls", "GET, HEAD, DELETE, OPTIONS"),
    (Route::Summary, "/api/calls/summary", "GET, HEAD, OPTIONS"),
    (Route::Callback, "/api/callback", "POST, DELETE, OPTIONS"),
    (Route::Status, "/api/callback/status", "GET, HEAD, OPTIONS"),
    (Route::Slots, "/api/slots", "GET, HEAD, OPTIONS"),
    (Route::Scheduled, "/api/scheduled", "GET, HEAD, OPTIONS"),
    (
        Route::PlatformEvents,
        "/api/platform/events",
        "POST, OPTIONS",
    ),
    (Route::Note, "/api/callback/note", "POST, OPTIONS"),
];

/// What the log says for a path that is no route.
pub const UNKNOWN: &str = "/api/*";

impl Route {
    /// The route at `path`, exactly (no trailing slash, no prefix match).
    pub fn of(path: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|(_, p, _)| *p == path)
            .map(|(r, _, _)| *r)
    }

    fn entry(self) -> (Self, &'static str, &'static str) {
        TABLE
            .into_iter()
            .find(|(route, _, _)| *route == self)
            .unwrap_or((self, UNKNOWN, "OPTIONS"))
    }

    /// The route's path.
    pub fn path(self) -> &'static str {
        self.entry().1
    }

    /// Its `Allow` header, for 405.
    pub fn allow(self) -> &'static str {
        self.entry().2
    }
}

/// The log's name of `POST /api/calls/{id}/control` (never the id).
pub const CALL_CONTROL: &str = "/api/calls/{id}/control";

/// The name a path goes by in the log.
pub fn log_name(path: &str) -> &'static str {
    if call_control_id(path).is_some() {
        return CALL_CONTROL;
    }
    Route::of(path).map_or(UNKNOWN, Route::path)
}

/// The call id of `/api/calls/{id}/control`, percent-decoded (ids may hold
/// `+` and `_`, sent as `%2B`); `None` for any other path.
pub fn call_control_id(path: &str) -> Option<String> {
    let id = path.strip_prefix("/api/calls/")?.strip_suffix("/control")?;
    if id.is_empty() || id.contains('/') {
        return None;
    }
    // Percent-decoding only: a `+` in a path is a plus, not a space.
    let bytes = id.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .ok()
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_found_by_its_own_path_only() {
        for (route, path, allow) in TABLE {
            assert_eq!(Route::of(path), Some(route));
            assert_eq!(route.path(), path);
            assert_eq!(route.allow(), allow);
            assert!(allow.ends_with("OPTIONS"));
            assert_eq!(Route::of(&format!("{path}/")), None);
            assert_eq!(Route::of(&path.to_uppercase()), None);
        }
    }

    #[test]
    fn a_controlled_calls_id_is_read_from_its_path_and_kept_from_the_log() {
        assert_eq!(
            call_control_id("/api/calls/call-_%2B31612345678_x/control").as_deref(),
            Some("call-_+31612345678_x")
        );
        assert_eq!(
            call_control_id("/api/calls/a+b/control").as_deref(),
            Some("a+b")
        );
        for bad in [
            "/api/calls//control",
            "/api/calls/a/b/control",
            "/api/calls/a%2Fb/control",
            "/api/calls/%zz/control",
            "/api/calls/a/controls",
            "/api/calls/a",
        ] {
            assert_eq!(call_control_id(bad), None, "{bad}");
        }
        assert_eq!(
            log_name("/api/calls/call-_%2B31612345678_x/control"),
            CALL_CONTROL
        );
    }

    #[test]
    fn call_ids_and_other_paths_never_reach_the_log() {
        assert_eq!(log_name("/api/callback/status"), "/api/callback/status");
        assert_eq!(log_name("/api/callback/call-_+31612345678_x"), UNKNOWN);
        assert_eq!(log_name("/api/nope"), UNKNOWN);
        assert_eq!(log_name("/"), UNKNOWN);
    }
}
