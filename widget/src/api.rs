//! The edge's API from the browser: plain `fetch`, JSON through the
//! browser's own parser and the field readers of [`crate::wire`].

#[cfg(feature = "send")]
use callme_shared::CallbackRequest;
#[cfg(feature = "history")]
use callme_shared::{CallList, CallsQuery};
#[cfg(feature = "button")]
use callme_shared::{CallbackAccepted, CallbackStatus, PublicConfig};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, Request, RequestInit, RequestMode, Response};

use crate::error::WidgetError;
use crate::wire;

/// One edge, as named by the element's `endpoint` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    base: String,
}

impl Edge {
    /// The edge at `base` (`https://callme.example.workers.dev`).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The edge's base URL, as given.
    #[cfg(feature = "button")]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /api/config`.
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn config(&self) -> Result<PublicConfig, WidgetError> {
        self.send("GET", "/api/config", None, &[], None, wire::public_config)
            .await
    }

    /// `GET /api/config` as the loader already sent it, beside the wasm's
    /// download (a promise of its `Response`), so the form knows the site's
    /// countries as soon as it exists; anything else, and the config is
    /// asked for here.
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn config_from(&self, sent: JsValue) -> Result<PublicConfig, WidgetError> {
        let Some(sent) = sent.dyn_ref::<js_sys::Promise>() else {
            return self.config().await;
        };
        let response = JsFuture::from(sent.clone())
            .await
            .map_err(|_| WidgetError::Network)?
            .dyn_into::<Response>()
            .map_err(|_| WidgetError::Network)?;
        let (status, json) = read(response).await?;
        json.and_then(wire::public_config)
            .ok_or(WidgetError::Unreadable { status })
    }

    /// `POST /api/callback` under an idempotency key.
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`]; field errors carry their field.
    pub async fn request_callback(
        &self,
        request: &CallbackRequest,
        key: &str,
    ) -> Result<CallbackAccepted, WidgetError> {
        let json = self.callback_answer(request, key).await?;
        wire::callback_accepted(json).ok_or(WidgetError::Unreadable { status: 202 })
    }

    /// `POST /api/callback`'s success answer as the browser parsed it
    /// (the early sender hands it on to the component unread).
    #[cfg(feature = "send")]
    ///
    /// # Errors
    /// A [`WidgetError`]; field errors carry their field.
    pub async fn callback_answer(
        &self,
        request: &CallbackRequest,
        key: &str,
    ) -> Result<JsValue, WidgetError> {
        let body = wire::callback_request(request).ok_or(WidgetError::Network)?;
        let (status, json) = self
            .exchange(
                "POST",
                "/api/callback",
                Some(body),
                &[("Idempotency-Key", key)],
                None,
            )
            .await?;
        json.ok_or(WidgetError::Unreadable { status })
    }

    /// `GET /api/callback/status` with the ticket, which names the call: no
    /// call id (it can hold the visitor's number) goes into a URL.
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn status(
        &self,
        accepted: &CallbackAccepted,
        signal: Option<&AbortSignal>,
    ) -> Result<CallbackStatus, WidgetError> {
        let ticket = format!("Ticket {}", accepted.ticket);
        self.send(
            "GET",
            "/api/callback/status",
            None,
            &[("Authorization", &ticket)],
            signal,
            wire::callback_status,
        )
        .await
    }

    /// `GET /api/slots`: the bookable slot starts (RFC 3339, the site's
    /// offset) and the site's zone.
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn slots(&self) -> Result<wire::Slots, WidgetError> {
        self.send("GET", "/api/slots", None, &[], None, wire::slots)
            .await
    }

    /// `DELETE /api/callback` with the ticket: cancels a booked callback.
    /// The edge answers 204 without a body; the status it stands for is
    /// the booking, cancelled (what the next poll would say).
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`] (409 `not_cancellable` once it is being placed).
    pub async fn cancel(&self, accepted: &CallbackAccepted) -> Result<CallbackStatus, WidgetError> {
        let ticket = format!("Ticket {}", accepted.ticket);
        self.exchange(
            "DELETE",
            "/api/callback",
            None,
            &[("Authorization", &ticket)],
            None,
        )
        .await?;
        Ok(CallbackStatus {
            call_id: accepted.call_id.clone(),
            status: callme_shared::LiveStatus::Cancelled,
            at: accepted.at.clone(),
            duration_seconds: None,
            started_at: None,
            ended_at: None,
            error: None,
        })
    }

    /// `GET /api/calls` with a portal token.
    #[cfg(feature = "history")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn calls(
        &self,
        token: &str,
        query: &CallsQuery,
        signal: Option<&AbortSignal>,
    ) -> Result<CallList, WidgetError> {
        let bearer = format!("Bearer {token}");
        let path = format!("/api/calls?{}", query.to_query_string());
        self.send(
            "GET",
            &path,
            None,
            &[("Authorization", &bearer)],
            signal,
            wire::call_list,
        )
        .await
    }

    /// `GET /api/calls/summary` with a portal token: calls per day of the
    /// query's zone over its whole range, for the chart.
    #[cfg(feature = "history")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn summary(
        &self,
        token: &str,
        query: &callme_shared::SummaryQuery,
    ) -> Result<callme_shared::CallSummary, WidgetError> {
        let bearer = format!("Bearer {token}");
        let path = format!("/api/calls/summary?{}", query.to_query_string());
        self.send(
            "GET",
            &path,
            None,
            &[("Authorization", &bearer)],
            None,
            wire::call_summary,
        )
        .await
    }

    /// `GET /api/scheduled` with a portal token: booked callbacks in its
    /// scope, soonest first.
    #[cfg(feature = "history")]
    ///
    /// # Errors
    /// A [`WidgetError`] saying why.
    pub async fn scheduled(&self, token: &str) -> Result<Vec<wire::Scheduled>, WidgetError> {
        let bearer = format!("Bearer {token}");
        self.send(
            "GET",
            "/api/scheduled",
            None,
            &[("Authorization", &bearer)],
            None,
            wire::scheduled,
        )
        .await
    }

    /// Sends one request; `read` picks the success answer's fields.
    async fn send<T>(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
        signal: Option<&AbortSignal>,
        read: fn(JsValue) -> Option<T>,
    ) -> Result<T, WidgetError> {
        let (status, json) = self.exchange(method, path, body, headers, signal).await?;
        json.and_then(read)
            .ok_or(WidgetError::Unreadable { status })
    }

    /// The request and its success answer's JSON. Not generic, so the
    /// fetch code is in the bundle once, not once per answer type (each
    /// copy of this future cost ~4 KB of wasm).
    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
        signal: Option<&AbortSignal>,
    ) -> Result<(u16, Option<JsValue>), WidgetError> {
        let init = RequestInit::new();
        init.set_method(method);
        init.set_mode(RequestMode::Cors);
        let all = Headers::new().map_err(|_| WidgetError::Network)?;
        for (name, value) in headers {
            all.set(name, value).map_err(|_| WidgetError::Network)?;
        }
        if let Some(body) = body {
            all.set("Content-Type", "application/json")
                .map_err(|_| WidgetError::Network)?;
            init.set_body(&JsValue::from_str(&body));
        }
        init.set_headers(&all);
        init.set_signal(signal);
        let request = Request::new_with_str_and_init(&format!("{}{path}", self.base), &init)
            .map_err(|_| WidgetError::Network)?;
        let window = web_sys::window().ok_or(WidgetError::Network)?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| WidgetError::Network)?
            .dyn_into()
            .map_err(|_| WidgetError::Network)?;
        read(response).await
    }
}

/// A response's status and, for a success, its JSON; else the error it
/// stands for.
async fn read(response: Response) -> Result<(u16, Option<JsValue>), WidgetError> {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok());
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if (200..300).contains(&status) {
        Ok((status, json))
    } else {
        let body = json.and_then(wire::error_body);
        Err(WidgetError::from_answer(status, body, retry_after))
    }
}

/// Live call control: the visitor's note during their call, and the
/// operator's commands from the portal. Both answer 202 with nothing the
/// widget needs, so neither reads the answer's body.
impl Edge {
    /// `POST /api/callback/note` with the call's ticket: text for the agent
    /// while the call is in progress.
    #[cfg(feature = "button")]
    ///
    /// # Errors
    /// A [`WidgetError`]: 409 `call_not_live` once the call is not in
    /// progress, 429 past the per-call limit, field errors under `text`.
    pub async fn note(
        &self,
        accepted: &CallbackAccepted,
        text: &callme_shared::CallNote,
        locale: &str,
    ) -> Result<(), WidgetError> {
        let ticket = format!("Ticket {}", accepted.ticket);
        let body = wire::note_request(text, locale).ok_or(WidgetError::Network)?;
        self.exchange(
            "POST",
            "/api/callback/note",
            Some(body),
            &[("Authorization", &ticket)],
            None,
        )
        .await
        .map(|_| ())
    }

    /// `POST /api/calls/{id}/control` with a portal token whose scope has
    /// `calls:control` (the id percent-encoded: it may hold `+`).
    #[cfg(feature = "history")]
    ///
    /// # Errors
    /// A [`WidgetError`]: 403 `token_scope`, 404 outside the token's scope,
    /// 409 `call_not_live`, 400 `transfer_target_unknown` or a field error.
    pub async fn control(
        &self,
        token: &str,
        call: &callme_shared::CallId,
        command: &crate::control::Command,
    ) -> Result<(), WidgetError> {
        let bearer = format!("Bearer {token}");
        let path = format!(
            "/api/calls/{}/control",
            callme_shared::percent_encode(call.as_str())
        );
        let body = wire::control_request(command).ok_or(WidgetError::Network)?;
        self.exchange(
            "POST",
            &path,
            Some(body),
            &[("Authorization", &bearer)],
            None,
        )
        .await
        .map(|_| ())
    }
}
