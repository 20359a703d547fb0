//! The status of an accepted callback: polled from the edge until the call
//! is over, with a call timer while it lasts, and while the call is in
//! progress a field to type something for the agent (an order number, an
//! e-mail address). Its state (the last status, the clock, the polling, the
//! note) lives and ends with this view: once the visitor asks to be called
//! again, the view goes and so does its polling.

use callme_shared::{
    CallNote, CallbackAccepted, CallbackStatus, FieldError, LiveStatus, PhoneNumber, Timestamp,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::api::Edge;
use crate::browser::{Alive, Notify, local_when, now_ms, parse_ms, sleep};
use crate::erased::{handler, value};
use crate::i18n::{Lang, Msg, duration, failure_text, t, text_error_text, tracking_line};
use crate::model::{live_text, note_form_html, poll_delay_ms};

/// The call's live status, from "dialing" to "ended" or "failed".
#[component]
pub fn Tracking(
    /// The edge to poll.
    edge: Edge,
    /// The accepted callback (its ticket proves the visitor asked).
    accepted: CallbackAccepted,
    /// The number being called.
    number: PhoneNumber,
    /// The visitor's language.
    lang: Lang,
    /// Told each new status (`callme:status`).
    notify: Notify,
    /// Told once the call is over or the booking cancelled.
    on_over: impl Fn() + 'static,
    /// "Call me again", once the call is over.
    on_again: impl Fn() + 'static,
) -> impl IntoView {
    let alive = Alive::new();
    let live = RwSignal::new(None::<CallbackStatus>);
    let clock = RwSignal::new(now_ms());
    // A booked callback's slot: the poll sleeps until then (at most 30 s
    // at a time), and the view says when.
    let at = accepted
        .at
        .as_deref()
        .and_then(|at| Timestamp::parse(at).ok());
    let at_ms = at.as_ref().map_or(0.0, |at| parse_ms(at.as_str()));
    let when = at.as_ref().map(|at| local_when(lang.tag(), at));
    let first = accepted.status;

    {
        let alive = alive.clone();
        let accepted = accepted.clone();
        let notify = notify.clone();
        let edge = edge.clone();
        spawn_local(async move {
            // The page hears each change once; the first came with
            // `requested`.
            let mut told = first;
            let mut attempt = 0;
            loop {
                let delay = if told == LiveStatus::Scheduled {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let until = (at_ms - now_ms()).clamp(1_000.0, 30_000.0) as u32;
                    until
                } else {
                    attempt += 1;
                    poll_delay_ms(attempt - 1)
                };
                sleep(delay).await;
                if !alive.get() {
                    return;
                }
                if let Ok(status) = edge.status(&accepted, None).await {
                    if !alive.get() {
                        return;
                    }
                    let done = status.status.is_final();
                    if status.status != told {
                        told = status.status;
                        notify.tell("status", told.as_str(), None);
                    }
                    let lengthless =
                        status.status == LiveStatus::Ended && status.duration_seconds.is_none();
                    live.set(Some(status));
                    if done {
                        // The platform's report, with the call's length,
                        // follows its final status by a moment: asked for
                        // a few times more, then the call is left as it is.
                        if lengthless {
                            for _ in 0..3 {
                                sleep(1_500).await;
                                if !alive.get() {
                                    return;
                                }
                                if let Ok(later) = edge.status(&accepted, None).await
                                    && later.duration_seconds.is_some()
                                {
                                    live.set(Some(later));
                                    break;
                                }
                            }
                        }
                        return;
                    }
                }
            }
        });
    }

    // The visitor's note for the agent (see [`note_form_html`]): drawn once
    // with the view, shown while the call is in progress, and answered by
    // hand (as a view with signals of its own it cost the bundle 0.9 KB
    // gzip more, measured: 3.0 KB against 2.1 KB).
    let note_html = note_form_html(lang);
    let send_note = {
        let (edge, accepted, alive, notify) = (
            edge.clone(),
            accepted.clone(),
            alive.clone(),
            notify.clone(),
        );
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(form) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let (Some(input), Some(message)) = (
                form.query_selector("input")
                    .ok()
                    .flatten()
                    .and_then(|i| i.dyn_into::<HtmlInputElement>().ok()),
                form.query_selector("p").ok().flatten(),
            ) else {
                return;
            };
            // One note at a time.
            if form.has_attribute("data-sending") {
                return;
            }
            let text = match CallNote::parse(&input.value()) {
                Ok(text) => text,
                Err(error) => {
                    tell(&input, &message, &text_error_text(lang, &error), Some(true));
                    return notify.tell("error", error.code().as_str(), error.field());
                }
            };
            let _ = form.set_attribute("data-sending", "");
            tell(&input, &message, t(lang, Msg::Sending), Some(false));
            let (edge, accepted, alive, notify) = (
                edge.clone(),
                accepted.clone(),
                alive.clone(),
                notify.clone(),
            );
            spawn_local(async move {
                let result = edge.note(&accepted, &text, lang.tag()).await;
                if !alive.get() {
                    return;
                }
                let _ = form.remove_attribute("data-sending");
                match result {
                    Ok(()) => {
                        input.set_value("");
                        tell(&input, &message, t(lang, Msg::NoteSent), None);
                        // Never the text: the page hears only that one went.
                        notify.tell("note", "", None);
                    }
                    Err(error) => {
                        let invalid = error.field() == Some("text");
                        tell(&input, &message, &error.text(lang), Some(invalid));
                        notify.error(&error);
                    }
                }
            });
        }
    };

    // "Cancel this callback" while it waits for its slot.
    let confirming = RwSignal::new(false);
    let keep = NodeRef::<leptos::html::Button>::new();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let cancel = {
        let alive = alive.clone();
        move || {
            let (edge, accepted, alive, notify) = (
                edge.clone(),
                accepted.clone(),
                alive.clone(),
                notify.clone(),
            );
            spawn_local(async move {
                let result = edge.cancel(&accepted).await;
                if !alive.get() {
                    return;
                }
                match result {
                    Ok(status) => {
                        notify.tell("status", status.status.as_str(), None);
                        live.set(Some(status));
                    }
                    Err(error) => notify.error(&error),
                }
            });
        }
    };

    Effect::new(move |_| {
        if live.with(|s| s.as_ref().is_some_and(|s| s.status.is_final())) {
            on_over();
        }
    });

    // The call timer ticks only while a call is in progress.
    Effect::new(move |_| {
        let in_call =
            |s: Option<CallbackStatus>| s.is_some_and(|s| s.status == LiveStatus::InProgress);
        if in_call(live.get()) {
            let alive = alive.clone();
            spawn_local(async move {
                while alive.get() && in_call(live.get_untracked()) {
                    clock.set(now_ms());
                    sleep(1_000).await;
                }
            });
        }
    });

    // Plain closures, not memos: a memo of a new type costs the bundle
    // more than recomputing these few fields does.
    let state = move || live.with(|s| s.as_ref().map_or(first, |s| s.status));
    let detail = move || {
        live.with(|status| {
            let s = status.as_ref()?;
            match s.status {
                LiveStatus::InProgress => {
                    let since = s
                        .started_at
                        .as_ref()
                        .map_or(clock.get(), |t| parse_ms(t.as_str()));
                    let seconds = ((clock.get() - since) / 1_000.0).max(0.0);
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    Some(duration(seconds as u64))
                }
                // The length of a call that is over, named as such.
                LiveStatus::Ended => s
                    .duration_seconds
                    .map(|d| format!("{}: {}", t(lang, Msg::Duration), duration(u64::from(d)))),
                // The reason in words; an unknown one would only repeat
                // the headline ("The call did not go through").
                LiveStatus::Failed => s
                    .error
                    .as_deref()
                    .map(|reason| failure_text(lang, reason))
                    .filter(|text| *text != t(lang, Msg::Failed))
                    .map(str::to_owned),
                _ => None,
            }
        })
    };

    let booked_at = when.is_some().then_some(());
    // Read as the number's country writes it.
    let shown = callme_shared::grouped(&number);
    view! {
        <div class="tracking" part="status" data-testid="tracking"
            data-state=value(move || state().as_str().to_owned())>
            // "Calling +31…" while it is true: not once the call is over
            // (a booking's line says what became of it, and stays).
            <p class="calling" hidden=value(move || booked_at.is_none() && state().is_final())>
                {value(move || tracking_line(lang, &shown, when.as_deref(), state()))}</p>
            <p class="headline" data-testid="status">{value(move || live_text(lang, state()).to_owned())}</p>
            <p class="detail" data-testid="status-detail" hidden=value(move || detail().is_none())>
                {value(detail)}
            </p>
            <form class="note" data-testid="note" inner_html=value(move || note_html.clone())
                hidden=value(move || state() != LiveStatus::InProgress) on:submit=handler(send_note)></form>
            <button type="button" class="secondary" part="cancel-button" data-testid="cancel" node_ref=cancel_button
                hidden=value(move || state() != LiveStatus::Scheduled || confirming.get())
                on:click=handler(move |_| {
                    confirming.set(true);
                    request_animation_frame(move || {
                        if let Some(keep) = keep.try_get_untracked().flatten() {
                            let _ = keep.focus();
                        }
                    });
                })>
                {t(lang, Msg::CancelBooking)}
            </button>
            // Cancelling asks first: a slip of the thumb would lose the slot.
            <div class="confirm" role="group" aria-labelledby="callme-cancel-confirm" data-testid="cancel-confirm"
                hidden=value(move || state() != LiveStatus::Scheduled || !confirming.get())>
                <p id="callme-cancel-confirm">{t(lang, Msg::CancelConfirm)}</p>
                // "Keep it" first and focused: a second tap or Enter on the
                // same spot keeps the booking.
                <button type="button" class="secondary" data-testid="cancel-keep" node_ref=keep
                    on:click=handler(move |_| {
                        confirming.set(false);
                        // Back where the visitor was.
                        request_animation_frame(move || {
                            if let Some(button) = cancel_button.try_get_untracked().flatten() {
                                let _ = button.focus();
                            }
                        });
                    })>{t(lang, Msg::KeepBooking)}</button>
                <button type="button" class="secondary" data-testid="cancel-yes"
                    on:click=handler(move |_| { confirming.set(false); cancel(); })>{t(lang, Msg::CancelYes)}</button>
            </div>
            <button type="button" class="secondary" part="again-button" data-testid="again"
                hidden=value(move || !state().is_final()) on:click=handler(move |_| on_again())>
                {value(move || t(lang, if state() == LiveStatus::Cancelled { Msg::BookAgain } else { Msg::CallAgain }).to_owned())}
            </button>
        </div>
    }
}

/// Says what became of the note under its field (the status region
/// announces it): `refused` is `Some(of the text itself)` for a refusal,
/// `None` once it went; the field is marked invalid only for its own
/// refusals.
fn tell(input: &HtmlInputElement, message: &Element, text: &str, refused: Option<bool>) {
    message.set_text_content(Some(text));
    message.set_class_name(if refused.is_some() {
        "message error"
    } else {
        "message"
    });
    let invalid = if refused == Some(true) {
        "true"
    } else {
        "false"
    };
    let _ = input.set_attribute("aria-invalid", invalid);
}
