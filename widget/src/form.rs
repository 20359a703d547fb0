//! The callback request from the form's values, by the shared rules: one
//! place for the component and for the early sender (`send`), which must
//! send exactly what the component would.

use callme_shared::{
    AgentAlias, CallbackRequest, Locale, PhoneNumber, TextError, VisitorName, VisitorNote,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use callme_shared::{CountryCode, FieldError, normalize};

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
}
