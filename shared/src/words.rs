//! The English words of each refusal that more than one place says: the
//! shared rules' messages, the edge's error bodies and the widget's English
//! (its other languages translate these, in `widget/src/i18n/`). One
//! constant per refusal, so its wording cannot drift between them.

/// `phone_empty`, `phone_missing`: no number at all.
pub const PHONE_EMPTY: &str = "Enter a phone number.";

/// `phone_non_ascii_digit`: a digit from another script.
pub const DIGITS_ONLY: &str = "Use the digits 0-9 only.";

/// `phone_invalid_character`, before the character itself.
pub const NOT_A_DIGIT: &str = "The number contains a character that is not a digit:";

/// `phone_unknown_dialing_plan` (and the widget's words for
/// `phone_missing_plus`).
pub const NEEDS_PLUS: &str = "Start the number with + and the country code.";

/// `invalid_phone`: a number no range holds.
pub const INVALID_PHONE: &str =
    "This phone number does not exist. Check the number and the country.";

/// `consent_required`: the consent box is not ticked.
pub const CONSENT_REQUIRED: &str = "Tick the box to agree to be called.";

/// `closed`: a callback now while the site is closed.
pub const CLOSED: &str = "We are closed now. Ask again when we are open.";

#[cfg(test)]
mod tests {
    use crate::{NormalizeError, PhoneError};

    #[test]
    fn the_shared_rules_say_the_words_they_said_before() {
        for (said, words) in [
            (NormalizeError::Empty.to_string(), "Enter a phone number."),
            (PhoneError::Empty.to_string(), "Enter a phone number."),
            (
                NormalizeError::InvalidCharacter('x').to_string(),
                "The number contains a character that is not a digit: 'x'.",
            ),
            (
                PhoneError::InvalidCharacter('x').to_string(),
                "The number contains a character that is not a digit: 'x'.",
            ),
            (
                NormalizeError::NonAsciiDigit.to_string(),
                "Use the digits 0-9 only.",
            ),
            (
                NormalizeError::UnknownDialingPlan.to_string(),
                "Start the number with + and the country code.",
            ),
        ] {
            assert_eq!(said, words);
        }
    }
}
