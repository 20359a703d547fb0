//! The callback request from the form's values, by the shared rules: one
//! place for the component and for the early sender (`send`), which must
//! send exactly what the component would; and the button's form at a
//! press ([`FormState`]), whose rules decide whether a request goes and
//! which, so the component only reads its signals into it and awaits the
//! edge.

use callme_shared::{
    AgentAlias, CallbackRequest, Locale, PhoneNumber, TextError, VisitorName, VisitorNote,
};
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
use callme_shared::{ErrorCode, FieldError, NormalizeError, Timestamp};

#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
use crate::error::WidgetError;
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
use crate::i18n::{Lang, Msg, error_text, t, text_error_text};

/// The request for `number` with the form's other values (the optional
/// ones left out when blank), or the first text the shared rules refuse.
///
/// # Errors
/// The name's or the note's [`TextError`].
pub fn callback_request(
    number: &PhoneNumber,
    consent: bool,
    agent: Option<AgentAlias>,
    name: &str,
    note: &str,
    locale: &str,
) -> Result<CallbackRequest, TextError> {
    let optional = |text: &str| (!text.trim().is_empty()).then(|| text.to_owned());
    Ok(CallbackRequest {
        phone: number.clone(),
        consent,
        agent,
        name: optional(name).map(|n| VisitorName::parse(&n)).transpose()?,
        note: optional(note).map(|n| VisitorNote::parse(&n)).transpose()?,
        locale: Locale::parse(locale).ok(),
        turnstile_token: None,
        at: None,
    })
}

/// The button's form at a press, as its signals hold it: plain values, so
/// the rules of a press are tested natively.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
#[derive(Debug, Clone, Default)]
pub struct FormState {
    /// Whether the site asks for a bot check; `None` until its
    /// configuration has arrived.
    pub bot_check: Option<bool>,
    /// The phone field's number, or why not (`PhoneState::submit`);
    /// `None` while the site's countries are not known.
    pub number: Option<Result<PhoneNumber, NormalizeError>>,
    /// Whether the consent box is ticked.
    pub consent: bool,
    /// The agent the page named.
    pub agent: Option<AgentAlias>,
    /// The name as typed.
    pub name: String,
    /// The note as typed.
    pub note: String,
    /// The bot check's token, once solved.
    pub bot_token: Option<String>,
    /// "Pick a time" rather than "call me now".
    pub later: bool,
    /// The slot chosen, when there is one (read only when `later`).
    pub slot: Option<Timestamp>,
    /// The idempotency key of the last request not answered for good.
    pub key: Option<String>,
}

/// Why a press sends nothing.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The site's countries are not known yet: no number is read before
    /// they are, so the press waits for the configuration.
    Waiting,
    /// The number cannot be called; the phone field says why (the page is
    /// told its code).
    Phone(NormalizeError),
    /// Anything else, shown in the form.
    Form(WidgetError),
}

#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
impl FormState {
    /// The request this press sends, in the order the form checks: the
    /// configuration, the number, the bot check, the name and note, the
    /// slot. The Turnstile token goes with it.
    ///
    /// # Errors
    /// The first [`Refusal`], the visitor's words in `lang`.
    pub fn request(&self, lang: Lang) -> Result<CallbackRequest, Refusal> {
        let (Some(bot_check), Some(number)) = (self.bot_check, &self.number) else {
            return Err(Refusal::Waiting);
        };
        let number = number.as_ref().map_err(|e| Refusal::Phone(e.clone()))?;
        if bot_check && self.bot_token.is_none() {
            return Err(Refusal::Form(WidgetError::Invalid {
                field: "turnstile_token",
                code: ErrorCode::BotCheckMissing,
                text: error_text(lang, ErrorCode::BotCheckMissing).to_owned(),
            }));
        }
        let mut request = callback_request(
            number,
            self.consent,
            self.agent.clone(),
            &self.name,
            &self.note,
            lang.tag(),
        )
        .map_err(|error| {
            Refusal::Form(WidgetError::Invalid {
                field: error.field().unwrap_or_default(),
                code: error.code(),
                text: text_error_text(lang, &error),
            })
        })?;
        if self.later {
            let Some(at) = self.slot.clone() else {
                return Err(Refusal::Form(WidgetError::Invalid {
                    field: "at",
                    code: ErrorCode::SlotUnavailable,
                    text: t(lang, Msg::NoSlots).to_owned(),
                }));
            };
            request.at = Some(at);
        }
        request.turnstile_token.clone_from(&self.bot_token);
        Ok(request)
    }

    /// The request's idempotency key: the last one again (a retry after a
    /// network error, so the edge places at most one call for this
    /// visitor's intent), else a `fresh` one.
    pub fn key(&self, fresh: impl FnOnce() -> String) -> String {
        self.key.clone().unwrap_or_else(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callme_shared::{CountryCode, normalize};

    fn number() -> PhoneNumber {
        normalize("06 12345678", CountryCode::parse("NL").ok()).unwrap()
    }

    #[test]
    fn blank_optional_fields_are_left_out_and_the_rest_kept() {
        let request = callback_request(&number(), true, None, "  ", "", "nl").unwrap();
        assert_eq!(request.phone.as_str(), "+31612345678");
        assert!(request.consent);
        assert_eq!((request.name, request.note), (None, None));
        assert_eq!(
            request.locale.map(|l| l.as_str().to_owned()).as_deref(),
            Some("nl")
        );
        let request = callback_request(&number(), false, None, "Ada", "order 42", "en").unwrap();
        assert_eq!(
            request.name.map(|n| n.as_str().to_owned()).as_deref(),
            Some("Ada")
        );
        assert_eq!(
            request.note.map(|n| n.as_str().to_owned()).as_deref(),
            Some("order 42")
        );
    }

    #[test]
    fn a_name_the_shared_rules_refuse_is_the_error() {
        let error = callback_request(&number(), true, None, "Ada\u{0}", "", "en").unwrap_err();
        assert_eq!(error.field(), Some("name"));
        let error =
            callback_request(&number(), true, None, "", &"x".repeat(501), "en").unwrap_err();
        assert_eq!(error.field(), Some("note"));
    }

    /// A press that sends: every check passes.
    fn ready() -> FormState {
        FormState {
            bot_check: Some(true),
            number: Some(Ok(number())),
            consent: true,
            name: "Ada".into(),
            bot_token: Some("token".into()),
            ..FormState::default()
        }
    }

    fn slot() -> Timestamp {
        Timestamp::parse("2026-11-25T09:15:00+01:00").unwrap()
    }

    /// The code and field of a refusal shown in the form.
    fn shown(refusal: Refusal) -> (String, Option<String>) {
        match refusal {
            Refusal::Form(error) => (error.code().to_owned(), error.field().map(str::to_owned)),
            other => panic!("not shown in the form: {other:?}"),
        }
    }

    #[test]
    fn a_press_that_passes_every_check_sends_the_forms_values_and_the_token() {
        let request = ready().request(Lang::En).unwrap();
        assert_eq!(request.phone, number());
        assert!(request.consent);
        assert_eq!(
            request.name.map(|n| n.as_str().to_owned()).as_deref(),
            Some("Ada")
        );
        assert_eq!(request.turnstile_token.as_deref(), Some("token"));
        assert_eq!(
            (request.at, request.locale.map(|l| l.as_str().to_owned())),
            (None, Some("en".into()))
        );
    }

    #[test]
    fn a_site_without_a_bot_check_sends_without_a_token() {
        let state = FormState {
            bot_check: Some(false),
            bot_token: None,
            ..ready()
        };
        assert_eq!(state.request(Lang::En).unwrap().turnstile_token, None);
    }

    #[test]
    fn a_booking_sends_its_slot() {
        let state = FormState {
            later: true,
            slot: Some(slot()),
            ..ready()
        };
        assert_eq!(state.request(Lang::En).unwrap().at, Some(slot()));
        // A call now sends no slot, even one chosen before.
        let now = FormState {
            later: false,
            ..state
        };
        assert_eq!(now.request(Lang::En).unwrap().at, None);
    }

    #[test]
    fn each_refusal_stops_the_press() {
        let bad_number = normalize("12", CountryCode::parse("NL").ok()).unwrap_err();
        let cases: Vec<(&str, FormState, Refusal)> = vec![
            (
                "no configuration",
                FormState {
                    bot_check: None,
                    ..ready()
                },
                Refusal::Waiting,
            ),
            (
                "no countries",
                FormState {
                    number: None,
                    ..ready()
                },
                Refusal::Waiting,
            ),
            (
                "a bad number",
                FormState {
                    number: Some(Err(bad_number.clone())),
                    ..ready()
                },
                Refusal::Phone(bad_number),
            ),
        ];
        for (case, state, refusal) in cases {
            assert_eq!(state.request(Lang::En).unwrap_err(), refusal, "{case}");
        }
        let shown_cases: Vec<(&str, FormState, &str, &str)> = vec![
            (
                "no token",
                FormState {
                    bot_token: None,
                    ..ready()
                },
                "bot_check_missing",
                "turnstile_token",
            ),
            (
                "a bad name",
                FormState {
                    name: "Ada\u{0}".into(),
                    ..ready()
                },
                "text_control_character",
                "name",
            ),
            (
                "a note too long",
                FormState {
                    note: "x".repeat(501),
                    ..ready()
                },
                "text_too_long",
                "note",
            ),
            (
                "no slot",
                FormState {
                    later: true,
                    slot: None,
                    ..ready()
                },
                "slot_unavailable",
                "at",
            ),
        ];
        for (case, state, code, field) in shown_cases {
            let refusal = state.request(Lang::En).unwrap_err();
            assert_eq!(
                shown(refusal),
                (code.to_owned(), Some(field.to_owned())),
                "{case}"
            );
        }
    }

    #[test]
    fn the_first_refusal_in_the_forms_order_wins() {
        let bad_number = normalize("12", CountryCode::parse("NL").ok()).unwrap_err();
        // Everything wrong at once: each check in turn, as the one before
        // it is put right.
        let mut state = FormState {
            bot_check: None,
            number: Some(Err(bad_number.clone())),
            bot_token: None,
            name: "Ada\u{0}".into(),
            later: true,
            slot: None,
            ..ready()
        };
        assert_eq!(state.request(Lang::En).unwrap_err(), Refusal::Waiting);
        state.bot_check = Some(true);
        assert_eq!(
            state.request(Lang::En).unwrap_err(),
            Refusal::Phone(bad_number)
        );
        state.number = Some(Ok(number()));
        assert_eq!(
            shown(state.request(Lang::En).unwrap_err()).0,
            "bot_check_missing"
        );
        state.bot_token = Some("token".into());
        assert_eq!(
            shown(state.request(Lang::En).unwrap_err()).0,
            "text_control_character"
        );
        state.name = String::new();
        assert_eq!(
            shown(state.request(Lang::En).unwrap_err()).0,
            "slot_unavailable"
        );
        state.slot = Some(slot());
        assert!(state.request(Lang::En).is_ok());
    }

    #[test]
    fn the_refusals_are_in_the_visitors_words() {
        let no_token = FormState {
            bot_token: None,
            ..ready()
        };
        let Refusal::Form(error) = no_token.request(Lang::Nl).unwrap_err() else {
            panic!("shown in the form");
        };
        assert_eq!(
            error.text(Lang::Nl),
            error_text(Lang::Nl, ErrorCode::BotCheckMissing)
        );
        let no_slot = FormState {
            later: true,
            slot: None,
            ..ready()
        };
        let Refusal::Form(error) = no_slot.request(Lang::Nl).unwrap_err() else {
            panic!("shown in the form");
        };
        assert_eq!(error.text(Lang::Nl), t(Lang::Nl, Msg::NoSlots));
    }

    #[test]
    fn a_retry_reuses_the_key_and_a_new_intent_gets_a_fresh_one() {
        let retry = FormState {
            key: Some("k-1".into()),
            ..ready()
        };
        assert_eq!(retry.key(|| "k-2".into()), "k-1");
        assert_eq!(ready().key(|| "k-2".into()), "k-2");
    }
}
