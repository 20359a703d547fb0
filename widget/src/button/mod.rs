//! `<callme-button>`: the panel beside the loader's launcher: the form
//! (phone field, consent, optional name and note, bot check), then the
//! live status of the call. The parts with state of their own live in
//! their own modules; this one holds what connects them: the edge's
//! configuration, the request and its idempotency key, and the focus.

mod consent;
mod early;
mod phone;
mod slots;
mod tracking;

use callme_shared::{
    AgentAlias, CallbackAccepted, CountryCode, FieldError, PhoneNumber, PublicConfig,
};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Edge;
use crate::browser::{Alive, Notify, random_key, sleep};
use crate::erased::{handler, value};
use crate::error::WidgetError;
use crate::form::{FormState, Refusal};
use crate::i18n::{Lang, Msg, closed_until, t};
use crate::kept;

use consent::ConsentField;
pub use early::Carried;
use phone::{PhoneField, PhoneState};
use slots::{SlotPicker, SlotState};
use tracking::Tracking;

/// What the panel shows.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// The form, with the last server error if any.
    Form,
    /// The request is on its way.
    Sending,
    /// The call was accepted: its number and live status.
    Tracking {
        accepted: CallbackAccepted,
        number: PhoneNumber,
    },
}

/// The call-me button: a launcher that opens a form; after submitting, the
/// live status of the call until it ends.
#[component]
pub fn CallmeButton(
    /// The edge to talk to.
    edge: Edge,
    /// The visitor's language.
    lang: Lang,
    /// Which agent calls (an alias from the edge's configuration).
    agent: Option<AgentAlias>,
    /// The country preselected instead of the edge's default (if the edge
    /// allows it).
    default_country: Option<CountryCode>,
    /// `GET /api/config` as the loader sent it with the wasm's download (a
    /// promise of the response), or `undefined` to ask for it here.
    config_sent: wasm_bindgen::JsValue,
    /// Text of the consent box instead of the default.
    consent_text: Option<String>,
    /// Whether the panel is open: the loader's launcher sets it.
    is_open: RwSignal<bool>,
    /// Told `false` when the panel closes itself (Escape, ×), so the
    /// loader's launcher can say so and take the focus back.
    on_toggle: js_sys::Function,
    /// What the host page is told (the loader turns it into events).
    notify: Notify,
    /// The number to start with (the `phone` attribute).
    prefill_phone: Option<String>,
    /// The name to start with (the `name` attribute).
    prefill_name: Option<String>,
    /// The custom element itself (Turnstile renders into a slotted child).
    host: web_sys::HtmlElement,
    /// What the visitor did in the loader's early form.
    carried: Carried,
) -> impl IntoView {
    let alive = Alive::new();
    // The visitor's own choice of country comes before the page's.
    let default_country = carried
        .country
        .as_deref()
        .and_then(|c| CountryCode::parse(c).ok())
        .or(default_country);

    let config = RwSignal::new(None::<PublicConfig>);
    let config_error = RwSignal::new(None::<WidgetError>);
    let phone = PhoneState::new(carried.phone.clone().or(prefill_phone).unwrap_or_default());
    let consent = RwSignal::new(carried.consent);
    let name = RwSignal::new(carried.name.clone().or(prefill_name).unwrap_or_default());
    let note = RwSignal::new(carried.note.clone().unwrap_or_default());
    let phase = RwSignal::new(Phase::Form);
    // A booking made on another page of the site (or before a reload) is
    // shown again, with its "Cancel this callback". Read once the form is
    // painted: a page's first read of localStorage waits on the browser
    // for several ms, which every visitor would otherwise wait for the
    // form (measured: 1.4-1.5x plain JavaScript without it, 1.6-2.0x with).
    {
        let (alive, base) = (alive.clone(), edge.base().to_owned());
        request_animation_frame(move || {
            spawn_local(async move {
                sleep(0).await;
                let Some(kept) = kept::restore(&base) else {
                    return;
                };
                if alive.get() && phase.get_untracked() == Phase::Form {
                    phase.set(Phase::Tracking {
                        accepted: kept.accepted,
                        number: kept.number,
                    });
                }
            });
        });
    }
    let server_error = RwSignal::new(None::<WidgetError>);
    let idempotency_key = RwSignal::new(carried.key.clone());
    let bot_token = RwSignal::new(None::<String>);
    let challenge = StoredValue::new_local(None::<crate::turnstile::Challenge>);
    let live_region = NodeRef::<html::Div>::new();
    // "Pick a time" rather than "call me now" (at once while closed).
    let later = RwSignal::new(carried.later);
    let slot_state = SlotState::new();
    if carried.later {
        slot_state.load(edge.clone(), alive.clone());
    }

    // A submit pressed before the configuration arrived: sent once it has
    // (see `send`), or given back to the form if it cannot come.
    let pending = RwSignal::new(false);
    let load_config = {
        let edge = edge.clone();
        let alive = alive.clone();
        let notify = notify.clone();
        move |sent: wasm_bindgen::JsValue| {
            let (edge, alive, notify, host) =
                (edge.clone(), alive.clone(), notify.clone(), host.clone());
            config_error.set(None);
            spawn_local(async move {
                let result = edge.config_from(sent).await;
                if !alive.get() {
                    return;
                }
                match result {
                    Ok(loaded) => {
                        // The site owner's choice if the edge allows it, else the
                        // edge's default; never a guess from the browser's
                        // language (many visitors browse in en-US or en-GB
                        // wherever they live).
                        phone.read_in(
                            default_country
                                .filter(|c| loaded.countries.contains(c))
                                .unwrap_or(loaded.default_country),
                        );
                        let sitekey = loaded.turnstile_sitekey.clone();
                        if !loaded.hours.open_now && !later.get_untracked() {
                            later.set(true);
                            slot_state.load(edge.clone(), alive.clone());
                        }
                        config.set(Some(loaded));
                        if let Some(sitekey) = sitekey {
                            if !crate::turnstile::load().await || !alive.get() {
                                return;
                            }
                            let token_alive = alive.clone();
                            let on_token = std::rc::Rc::new(std::cell::RefCell::new(
                                move |token: Option<String>| {
                                    if token_alive.get() {
                                        bot_token.set(token);
                                    }
                                },
                            ));
                            let rendered =
                                crate::turnstile::render(&host, &sitekey, lang.tag(), on_token);
                            challenge.set_value(rendered);
                        }
                    }
                    Err(error) => {
                        notify.error(&error);
                        config_error.set(Some(error));
                        if pending.get_untracked() {
                            pending.set(false);
                            phase.set(Phase::Form);
                        }
                    }
                }
            });
        }
    };
    load_config(config_sent);

    // The refusal of the consent goes once the box is ticked.
    Effect::new(move |_| {
        if consent.get() {
            server_error.update(|e| {
                if e.as_ref().and_then(WidgetError::field) == Some("consent") {
                    *e = None;
                }
            });
        }
    });
    let field_error = move |field: &'static str| {
        value(move || {
            server_error
                .get()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.text(lang))
        })
    };
    let general_error = value(move || {
        server_error
            .get()
            .filter(|e| {
                e.field()
                    .is_none_or(|f| !["phone", "consent", "name", "note"].contains(&f))
            })
            .map(|e| e.text(lang))
    });

    let send = {
        let edge = edge.clone();
        let alive = alive.clone();
        let notify = notify.clone();
        move || {
            let later = later.get_untracked();
            let form = FormState {
                bot_check: config
                    .with_untracked(|c| c.as_ref().map(|c| c.turnstile_sitekey.is_some())),
                number: phone.submit(),
                consent: consent.get_untracked(),
                agent: agent.clone(),
                name: name.get_untracked(),
                note: note.get_untracked(),
                bot_token: bot_token.get_untracked(),
                later,
                slot: later.then(|| slot_state.chosen(lang)).flatten(),
                key: idempotency_key.get_untracked(),
            };
            let request = form.request(lang);
            if matches!(request, Err(Refusal::Waiting)) {
                // The press waits for the site's countries (a failed load
                // is asked for again).
                if config_error.get_untracked().is_some() {
                    load_config(wasm_bindgen::JsValue::UNDEFINED);
                }
                pending.set(true);
                return phase.set(Phase::Sending);
            }
            // A press that waited: the form is back until the request goes.
            if phase.get_untracked() == Phase::Sending {
                phase.set(Phase::Form);
            }
            let request = match request {
                Ok(request) => request,
                Err(Refusal::Phone(error)) => {
                    return notify.tell("error", error.code().as_str(), Some("phone"));
                }
                Err(Refusal::Form(error)) => {
                    notify.error(&error);
                    return server_error.set(Some(error));
                }
                Err(Refusal::Waiting) => return,
            };
            // A Turnstile token is good for one request: ask for the next one.
            bot_token.set(None);
            challenge.with_value(|c| c.as_ref().map(crate::turnstile::Challenge::reset));
            let key = form.key(random_key);
            idempotency_key.set(Some(key.clone()));
            server_error.set(None);
            phase.set(Phase::Sending);
            let edge = edge.clone();
            let alive = alive.clone();
            let notify = notify.clone();
            spawn_local(async move {
                let result = edge.request_callback(&request, &key).await;
                if !alive.get() {
                    return;
                }
                match result {
                    Ok(accepted) => {
                        notify.tell(
                            "requested",
                            accepted.status.as_str(),
                            accepted.at.as_deref(),
                        );
                        kept::keep(edge.base(), &accepted, &request.phone);
                        phase.set(Phase::Tracking {
                            accepted,
                            number: request.phone,
                        });
                    }
                    Err(error) => {
                        notify.error(&error);
                        if !error.is_retryable() {
                            idempotency_key.set(None);
                        }
                        // Booked full meanwhile: offer what is left.
                        if error.is_slot_taken() {
                            slot_state.load(edge.clone(), alive.clone());
                        }
                        server_error.set(Some(error));
                        phase.set(Phase::Form);
                    }
                }
            });
        }
    };

    // The press that waited for the configuration goes once it is here.
    {
        let send = send.clone();
        Effect::new(move |_| {
            if config.with(Option::is_some) && pending.get_untracked() {
                pending.set(false);
                send();
            }
        });
    }
    // A press in the early form: sent by the early sender (its answer is
    // this form's), or to be sent now (waiting for the configuration like
    // any other).
    //
    // The early sender sends only a number it read, so its answer comes
    // with one (an answer without is not shown, and not sent again).
    if let Some(accepted) = carried.accepted.clone() {
        if let Some(number) = carried_number(&carried) {
            notify.tell(
                "requested",
                accepted.status.as_str(),
                accepted.at.as_deref(),
            );
            phase.set(Phase::Tracking { number, accepted });
        }
    } else if carried.submit {
        send();
    }
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send();
    };

    let again = move || {
        idempotency_key.set(None);
        server_error.set(None);
        phase.set(Phase::Form);
    };
    let close = move || {
        // The loader moves the focus to its launcher before the panel
        // hides, so keyboard users are not dropped onto the page.
        let _ = on_toggle.call1(&wasm_bindgen::JsValue::NULL, &false.into());
        is_open.set(false);
    };
    let on_key = {
        let close = close.clone();
        move |event: leptos::ev::KeyboardEvent| {
            if event.key() == "Escape" {
                close();
            }
        }
    };
    // Focus follows the panel: the phone field when the form shows, the
    // status region once the form gives way to it (so keyboard and screen
    // reader users are not dropped onto the page's body).
    //
    // The frame may come after the element was removed: the component's
    // node refs are gone then, and reading one would panic (a trap that
    // killed every button on the page, seen in a stress run).
    {
        let alive = alive.clone();
        // The early form's focus was put back as it was (see `Carried`):
        // the first run leaves it there.
        let mut kept = carried.focus.is_some();
        Effect::new(move |_| {
            // Only the first run, whatever the phase (a press carried over
            // starts in Sending, and the status must still get the focus).
            let first_run_kept = std::mem::take(&mut kept);
            let form = match phase.get() {
                Phase::Form => true,
                Phase::Tracking { .. } => false,
                Phase::Sending => return,
            };
            if first_run_kept && form {
                return;
            }
            if is_open.get() {
                let alive = alive.clone();
                request_animation_frame(move || {
                    if !alive.get() {
                        return;
                    }
                    let _ = if form {
                        phone
                            .input
                            .try_get_untracked()
                            .flatten()
                            .map(|input| input.focus())
                    } else {
                        live_region
                            .try_get_untracked()
                            .flatten()
                            .map(|region| region.focus())
                    };
                });
            }
        });
    }

    let consent_label = consent_text.unwrap_or_else(|| t(lang, Msg::Consent).to_owned());
    let consent_required = value(move || config.get().is_none_or(|c| c.consent_required));
    let sending = move || matches!(phase.get(), Phase::Sending);
    // While the site is closed the form says until when, in the
    // visitor's own time.
    let closed_notice = move || {
        let hours = config.get()?.hours;
        (!hours.open_now).then(|| {
            let when = hours
                .next_open
                .and_then(|at| callme_shared::Timestamp::parse(&at).ok())
                .map(|at| crate::browser::local_when(lang.tag(), &at));
            closed_until(lang, when.as_deref())
        })
    };

    // The form gives way to the status once a call is accepted; a memo, so
    // the form is built again only when that flips.
    let show_form = Memo::new(move |_| !matches!(phase.get(), Phase::Tracking { .. }));
    let tracking_edge = edge.clone();
    let tracking_view = move || {
        let Phase::Tracking { accepted, number } = phase.get() else {
            return None;
        };
        // Once this call is over (or this booking cancelled), its entry
        // goes; not another tab's booking made meanwhile.
        let (base, ticket) = (tracking_edge.base().to_owned(), accepted.ticket.clone());
        let forget = move || kept::forget(&base, &ticket);
        Some(
            view! { <Tracking edge=tracking_edge.clone() accepted=accepted number=number lang=lang notify=notify.clone() on_over=forget on_again=again /> },
        )
    };

    view! {
        <div id="callme-panel" class="panel" part="panel" role="dialog" aria-labelledby="callme-title"
            hidden=value(move || !is_open.get()) data-testid="panel" on:keydown=handler(on_key)>
            <div class="panel-head">
                <h2 id="callme-title">{t(lang, Msg::Title)}</h2>
                <button type="button" class="close" aria-label=t(lang, Msg::Close)
                    on:click=handler(move |_| close())>"×"</button>
            </div>
            <div aria-live="polite" role="status" class="live" data-testid="live" tabindex="-1" node_ref=live_region>
                {tracking_view}
            </div>
            {move || show_form.get().then(|| view! {
                <form novalidate on:submit=handler(submit.clone()) data-testid="form">
                    <p class="intro">{t(lang, Msg::Intro)}</p>
                    <p class="notice" role="status" data-testid="closed" hidden=value(move || closed_notice().is_none())>
                        {value(closed_notice)}
                    </p>
                    <p class="error" role="alert">{value(move || config_error.get().map(|e| e.text(lang)))}</p>
                    <PhoneField state=phone config=config server_error=server_error lang=lang />
                    <ConsentField checked=consent label=consent_label.clone() required=consent_required.clone()
                        error=field_error("consent") />
                    <div class="when" role="group" aria-label=t(lang, Msg::Time)>
                        <button type="button" class="choice" data-testid="now" aria-pressed=value(move || (!later.get()).to_string())
                            on:click=handler(move |_| later.set(false))>{t(lang, Msg::CallNow)}</button>
                        <button type="button" class="choice" data-testid="later" aria-pressed=value(move || later.get().to_string())
                            on:click=handler({
                                let (edge, alive) = (edge.clone(), alive.clone());
                                move |_| {
                                    if !later.get_untracked() {
                                        later.set(true);
                                        slot_state.load(edge.clone(), alive.clone());
                                    }
                                }
                            })>{t(lang, Msg::PickTime)}</button>
                    </div>
                    {move || later.get().then(|| view! { <SlotPicker state=slot_state lang=lang /> })}
                    <details open=carried.details>
                        <summary>{crate::i18n::details_summary(lang)}</summary>
                        <label><span>{t(lang, Msg::Name)}</span>
                            <input type="text" autocomplete="name" maxlength="80" part="input" data-testid="name"
                                prop:value=value(move || name.get()) on:input=handler(move |ev| name.set(event_target_value(&ev))) /></label>
                        <p class="message error">{field_error("name")}</p>
                        <label><span>{t(lang, Msg::Note)}</span>
                            <textarea maxlength="500" rows="3" part="input" data-testid="note"
                                prop:value=value(move || note.get()) on:input=handler(move |ev| note.set(event_target_value(&ev)))></textarea></label>
                        <p class="message error">{field_error("note")}</p>
                    </details>
                    <div class="bot-check" data-testid="bot-check"
                        hidden=value(move || config.get().is_none_or(|c| c.turnstile_sitekey.is_none()))>
                        <slot name="turnstile"></slot>
                    </div>
                    <p class="error" role="alert" data-testid="form-error">{general_error.clone()}</p>
                    <button type="submit" class="submit" part="submit" data-testid="submit" disabled=value(sending)>
                        {value(move || t(lang, if sending() { Msg::Sending } else if later.get() { Msg::BookTime } else { Msg::Submit }).to_owned())}
                    </button>
                </form>
            })}
        </div>
    }
}

/// The number the early sender sent, as it read it (its answer does not
/// name it).
fn carried_number(carried: &Carried) -> Option<PhoneNumber> {
    let country = carried
        .country
        .as_deref()
        .and_then(|c| CountryCode::parse(c).ok());
    callme_shared::normalize(carried.phone.as_deref()?, country).ok()
}
