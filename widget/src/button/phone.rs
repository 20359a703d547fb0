//! The phone number: a country and the number as typed, read by the shared
//! rules while the visitor types, and what the field says about it (the
//! number that will be called, or why not).
//!
//! Nothing is read before the site's countries are known: a national
//! number read in a guessed country is another person's number ("06
//! 12345678" read as British is +44 6 1234 5678), so until `/api/config`
//! has answered the field only keeps what is typed.

use callme_shared::{CountryCode, NormalizeError, PhoneNumber, PublicConfig, normalize};
use leptos::html;
use leptos::prelude::*;

use crate::erased::{handler, value};
use crate::error::WidgetError;
use crate::i18n::{Lang, Msg, normalize_text, t, will_call};

/// The field's state, which the form reads on submit.
#[derive(Clone, Copy)]
pub struct PhoneState {
    /// The country national numbers are read in: `None` until the edge's
    /// configuration has said which (never a guess).
    pub country: RwSignal<Option<CountryCode>>,
    /// The number as typed.
    typed: RwSignal<String>,
    /// Whether to say what is wrong (the visitor left the field, or
    /// submitted).
    touched: RwSignal<bool>,
    /// The input, to take the focus.
    pub input: NodeRef<html::Input>,
}

impl PhoneState {
    /// The field with `typed` in it (the page's prefill, or nothing),
    /// reading nothing until [`PhoneState::read_in`] names the country.
    pub fn new(typed: String) -> Self {
        Self {
            country: RwSignal::new(None),
            typed: RwSignal::new(typed),
            touched: RwSignal::new(false),
            input: NodeRef::new(),
        }
    }

    /// Starts reading numbers, national ones in `country` (the site's
    /// configuration has arrived); what was typed meanwhile is read now.
    pub fn read_in(self, country: CountryCode) {
        self.country.set(Some(country));
    }

    /// The number in E.164, or why it is not one (tracked); `None` while
    /// the country is not known. Read again rather than kept in a memo: the
    /// rules take microseconds, and a memo of this type costs the bundle
    /// about 3 KB of code.
    fn number(self) -> Option<Result<PhoneNumber, NormalizeError>> {
        let country = self.country.get()?;
        Some(self.typed.with(|typed| normalize(typed, Some(country))))
    }

    /// The number to call, or why not (which the field now says, with the
    /// focus on it); `None` while the country is not known.
    pub fn submit(self) -> Option<Result<PhoneNumber, NormalizeError>> {
        let number = untrack(|| self.number())?;
        self.touched.set(true);
        if number.is_err()
            && let Some(input) = self.input.get_untracked()
        {
            let _ = input.focus();
        }
        Some(number)
    }
}

/// The country select and the number, with their message.
#[component]
pub fn PhoneField(
    /// The field's state.
    state: PhoneState,
    /// The edge's configuration (its countries), once loaded.
    config: RwSignal<Option<PublicConfig>>,
    /// The edge's last refusal; one for `phone` shows here and goes when
    /// the visitor types.
    server_error: RwSignal<Option<WidgetError>>,
    /// The visitor's language.
    lang: Lang,
) -> impl IntoView {
    let PhoneState {
        country,
        typed,
        touched,
        input,
    } = state;
    // The edge's refusal first, else the number it will call, else (once
    // the visitor left the field) why not. (Read by three views; see
    // `number` for why not a memo.)
    let message = move || {
        let error = server_error.with(|e| e.clone().filter(|e| e.field() == Some("phone")));
        if let Some(error) = error {
            return Some((true, error.text(lang)));
        }
        match state.number()? {
            Ok(number) => Some((false, will_call(lang, &callme_shared::grouped(&number)))),
            Err(error) if touched.get() => Some((true, normalize_text(lang, &error))),
            Err(_) => None,
        }
    };
    let bad = move || message().is_some_and(|(bad, _)| bad);
    let countries = move || config.get().map(|c| c.countries).unwrap_or_default();

    view! {
        <div class="row">
            <label class="country">
                <span>{t(lang, Msg::Country)}</span>
                <select part="input" data-testid="country"
                    on:change=handler(move |ev| if let Ok(code) = CountryCode::parse(&event_target_value(&ev)) { country.set(Some(code)) })
                    prop:value=value(move || country.get().map(|c| c.as_str().to_owned()).unwrap_or_default())>
                    {move || countries().into_iter().map(|code| view! {
                        <option value=code.as_str().to_owned() selected=country.get_untracked() == Some(code)>
                            {format!("{code} +{}", code.dialing_plan().map_or("", |p| p.calling_code))}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="phone">
                <span>{t(lang, Msg::Phone)}</span>
                <input type="tel" inputmode="tel" autocomplete="tel" part="input" data-testid="phone"
                    node_ref=input placeholder=t(lang, Msg::PhoneHint)
                    aria-describedby="callme-phone-message"
                    aria-invalid=value(move || bad().to_string())
                    prop:value=value(move || typed.get())
                    on:input=handler(move |ev| {
                        server_error.update(|e| if e.as_ref().and_then(WidgetError::field) == Some("phone") { *e = None });
                        typed.set(event_target_value(&ev));
                    })
                    on:blur=handler(move |_| touched.set(!typed.get_untracked().trim().is_empty())) />
            </label>
        </div>
        <p id="callme-phone-message" data-testid="phone-message"
            class=value(move || if bad() { "message error".to_owned() } else { "message".to_owned() })>
            {value(move || message().map(|(_, text)| text))}
        </p>
    }
}
