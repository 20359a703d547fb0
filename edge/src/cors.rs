//! Who may call the API from a browser, and the CORS headers that say so.
//! Only origins in `ALLOWED_ORIGINS` are reflected, always with
//! `Vary: Origin`; there is no wildcard.

use callme_shared::ErrorCode;

use crate::config::EdgeConfig;
use crate::error::EdgeError;

/// Where a request comes from, as far as the browser tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A browser on an allowed origin: the setting's own text, never the
    /// header's (reflect it).
    AllowedOrigin(String),
    /// A browser on the edge's own origin: same-origin GETs carry no
    /// `Origin`, only `Sec-Fetch-Site: same-origin`.
    SameOrigin,
    /// No browser signal at all: a server or a command-line client.
    Server,
}

/// Classifies a request by its `Origin` and `Sec-Fetch-Site` headers.
///
/// # Errors
/// 403 `origin_not_allowed` for an origin outside `ALLOWED_ORIGINS`.
pub fn classify(
    config: &EdgeConfig,
    origin: Option<&str>,
    fetch_site: Option<&str>,
) -> Result<Caller, EdgeError> {
    match origin.map(|origin| config.public.allowed_origin(origin)) {
        Some(Some(allowed)) => Ok(Caller::AllowedOrigin(allowed.to_owned())),
        Some(None) => Err(EdgeError::Forbidden {
            code: ErrorCode::OriginNotAllowed,
            message: "This website is not allowed to use this callme service.".into(),
            field: None,
        }),
        None if fetch_site == Some("same-origin") => Ok(Caller::SameOrigin),
        None => Ok(Caller::Server),
    }
}

/// The refusal for a route that only browsers may use.
pub fn browser_only() -> EdgeError {
    EdgeError::Forbidden {
        code: ErrorCode::OriginRequired,
        message: "This endpoint is for the callme widget in a browser.".into(),
        field: None,
    }
}

/// Headers for an answer to `caller`.
pub fn headers(caller: &Caller) -> Vec<(&'static str, String)> {
    let mut headers = vec![("Vary", "Origin".to_owned())];
    if let Caller::AllowedOrigin(origin) = caller {
        headers.push(("Access-Control-Allow-Origin", origin.clone()));
        headers.push(("Access-Control-Expose-Headers", "Retry-After".to_owned()));
    }
    headers
}

/// Headers for a preflight answer to `caller` (204).
pub fn preflight_headers(caller: &Caller) -> Vec<(&'static str, String)> {
    let mut headers = headers(caller);
    if matches!(caller, Caller::AllowedOrigin(_)) {
        headers.push((
            "Access-Control-Allow-Methods",
            "GET, POST, DELETE, OPTIONS".to_owned(),
        ));
        headers.push((
            "Access-Control-Allow-Headers",
            "Content-Type, Authorization, Idempotency-Key".to_owned(),
        ));
        headers.push(("Access-Control-Max-Age", "600".to_owned()));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::config;

    #[test]
    fn an_allowed_origin_is_reflected_with_vary() {
        let caller = classify(&config(), Some("https://shop.example"), None).unwrap();
        let headers = headers(&caller);
        assert!(headers.contains(&("Access-Control-Allow-Origin", "https://shop.example".into())));
        assert!(headers.contains(&("Vary", "Origin".into())));
    }

    #[test]
    fn another_origin_is_refused_with_403() {
        let error = classify(&config(), Some("https://evil.example"), None).unwrap_err();
        assert_eq!(error.status(), 403);
        assert_eq!(error.body().error.code, "origin_not_allowed");
    }

    #[test]
    fn no_origin_is_a_server_unless_the_browser_says_same_origin() {
        assert_eq!(classify(&config(), None, None).unwrap(), Caller::Server);
        assert_eq!(
            classify(&config(), None, Some("cross-site")).unwrap(),
            Caller::Server
        );
        assert_eq!(
            classify(&config(), None, Some("same-origin")).unwrap(),
            Caller::SameOrigin
        );
        assert!(
            !headers(&Caller::Server)
                .iter()
                .any(|(name, _)| name.starts_with("Access-Control"))
        );
    }

    #[test]
    fn a_preflight_allows_the_widgets_headers() {
        let caller = Caller::AllowedOrigin("https://shop.example".into());
        let headers = preflight_headers(&caller);
        let allowed = headers
            .iter()
            .find(|(n, _)| *n == "Access-Control-Allow-Headers")
            .unwrap();
        assert!(allowed.1.contains("Idempotency-Key") && allowed.1.contains("Authorization"));
    }
}
