//! `PhoneNumber`: a phone number in strict E.164 form.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// The most digits E.164 allows after the `+`.
const MAX_DIGITS: usize = 15;

/// A phone number in E.164 form: `+`, then 1 to 15 ASCII digits, the first
/// not `0`. Nothing else: no spaces, no separators, no unicode digits.
///
/// This is syntax only. Whether the number exists, and what type it is
/// (mobile, premium-rate, ...), is the edge's check with full metadata.
/// To turn what a person typed into this form, use [`crate::normalize`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Why a string is not an E.164 phone number; one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing was given.
    #[error("{}", crate::words::PHONE_EMPTY)]
    Empty,
    /// E.164 starts with `+` and the country code.
    #[error("The number must start with + and the country code, like +31612345678.")]
    MissingPlus,
    /// Only `+` and digits are allowed; spaces inside are not.
    #[error("The number must not contain spaces.")]
    ContainsWhitespace,
    /// A digit from another script (fullwidth, Arabic-Indic, ...).
    #[error("{}", crate::words::DIGITS_ONLY)]
    NonAsciiDigit,
    /// Any other character.
    #[error("{} {:?}.", crate::words::NOT_A_DIGIT, .0)]
    InvalidCharacter(char),
    /// `+` alone.
    #[error("The number has no digits after +.")]
    NoDigits,
    /// Country codes never start with 0.
    #[error("The country code cannot start with 0.")]
    LeadingZero,
    /// More than 15 digits.
    #[error("The number is too long: at most 15 digits after +.")]
    TooLong,
}

impl FieldError for PhoneError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::PhoneEmpty,
            Self::MissingPlus => ErrorCode::PhoneMissingPlus,
            Self::ContainsWhitespace => ErrorCode::PhoneContainsWhitespace,
            Self::NonAsciiDigit => ErrorCode::PhoneNonAsciiDigit,
            Self::InvalidCharacter(_) => ErrorCode::PhoneInvalidCharacter,
            Self::NoDigits => ErrorCode::PhoneNoDigits,
            Self::LeadingZero => ErrorCode::PhoneLeadingZero,
            Self::TooLong => ErrorCode::PhoneTooLong,
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some("phone")
    }
}

impl PhoneNumber {
    /// Parses a strict E.164 number.
    ///
    /// # Errors
    /// A [`PhoneError`] naming the first rule the input breaks.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        if input.is_empty() {
            return Err(PhoneError::Empty);
        }
        let Some(digits) = input.strip_prefix('+') else {
            return Err(PhoneError::MissingPlus);
        };
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(classify_non_digit(bad));
        }
        match digits.as_bytes() {
            [] => Err(PhoneError::NoDigits),
            [b'0', ..] => Err(PhoneError::LeadingZero),
            d if d.len() > MAX_DIGITS => Err(PhoneError::TooLong),
            _ => Ok(Self(input.to_owned())),
        }
    }

    /// The number as E.164 text, with the `+`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits after the `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// The number with all but the last three digits hidden, for logs:
    /// `+31612345678` becomes `+31******678`. The country code stays so a log
    /// reader can still see where calls go.
    pub fn masked(&self) -> String {
        let digits = self.digits();
        let keep_head = digits.len().min(2);
        let keep_tail = digits.len().saturating_sub(keep_head).min(3);
        let hidden = digits.len() - keep_head - keep_tail;
        format!(
            "+{}{}{}",
            &digits[..keep_head],
            "*".repeat(hidden),
            &digits[digits.len() - keep_tail..]
        )
    }
}

/// Names the rule a non-digit character breaks.
pub(crate) fn classify_non_digit(c: char) -> PhoneError {
    if c.is_whitespace() {
        PhoneError::ContainsWhitespace
    } else if c.is_numeric() {
        PhoneError::NonAsciiDigit
    } else {
        PhoneError::InvalidCharacter(c)
    }
}

text_conversions!(PhoneNumber, PhoneError, |value| value.0);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_dutch_mobile_number_is_accepted() {
        let phone = PhoneNumber::parse("+31612345678").unwrap();
        assert_eq!(phone.as_str(), "+31612345678");
        assert_eq!(phone.digits(), "31612345678");
    }

    #[test]
    fn fifteen_digits_is_the_most_that_is_accepted() {
        assert!(PhoneNumber::parse("+123456789012345").is_ok());
        assert_eq!(
            PhoneNumber::parse("+1234567890123456"),
            Err(PhoneError::TooLong)
        );
    }

    #[test]
    fn a_single_digit_is_syntactically_e164() {
        assert!(PhoneNumber::parse("+1").is_ok());
    }

    #[test]
    fn an_empty_string_is_rejected() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
    }

    #[test]
    fn a_number_without_plus_is_rejected() {
        assert_eq!(
            PhoneNumber::parse("31612345678"),
            Err(PhoneError::MissingPlus)
        );
    }

    #[test]
    fn a_number_with_a_space_inside_is_rejected() {
        assert_eq!(
            PhoneNumber::parse("+31 612345678"),
            Err(PhoneError::ContainsWhitespace)
        );
    }

    #[test]
    fn fullwidth_digits_are_rejected() {
        assert_eq!(
            PhoneNumber::parse("+３１612345678"),
            Err(PhoneError::NonAsciiDigit)
        );
    }

    #[test]
    fn a_leading_zero_country_code_is_rejected() {
        assert_eq!(
            PhoneNumber::parse("+0612345678"),
            Err(PhoneError::LeadingZero)
        );
    }

    #[test]
    fn a_plus_alone_is_rejected() {
        assert_eq!(PhoneNumber::parse("+"), Err(PhoneError::NoDigits));
    }

    #[test]
    fn masking_keeps_the_country_code_and_last_three_digits() {
        let phone = PhoneNumber::parse("+31612345678").unwrap();
        assert_eq!(phone.masked(), "+31******678");
        assert_eq!(PhoneNumber::parse("+12").unwrap().masked(), "+12");
        assert_eq!(PhoneNumber::parse("+12345").unwrap().masked(), "+12345");
        assert_eq!(PhoneNumber::parse("+123456").unwrap().masked(), "+12*456");
    }

    /// Forty-odd distinct bad inputs, each with the rule it breaks.
    #[test]
    fn bad_inputs_are_rejected_with_the_rule_they_break() {
        use PhoneError::*;
        let cases: &[(&str, PhoneError)] = &[
            ("", Empty),
            ("0612345678", MissingPlus),
            ("31612345678", MissingPlus),
            ("0031612345678", MissingPlus),
            (" +31612345678", MissingPlus),
            ("＋31612345678", MissingPlus),
            ("﹢31612345678", MissingPlus),
            ("++31612345678", InvalidCharacter('+')),
            ("+31612345678 ", ContainsWhitespace),
            ("+31 6 12345678", ContainsWhitespace),
            ("+31\t612345678", ContainsWhitespace),
            ("+31\n612345678", ContainsWhitespace),
            ("+31\u{a0}612345678", ContainsWhitespace),
            ("+31\u{2009}612345678", ContainsWhitespace),
            ("+31\u{3000}612345678", ContainsWhitespace),
            ("+３１６１２３４５６７８", NonAsciiDigit),
            ("+31٦١٢٣٤٥٦٧٨", NonAsciiDigit),
            ("+31۶۱۲۳۴۵۶۷۸", NonAsciiDigit),
            ("+31६१२३४५६७८", NonAsciiDigit),
            ("+31𝟔𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", NonAsciiDigit),
            ("+31①612345678", NonAsciiDigit),
            ("+31Ⅵ12345678", NonAsciiDigit),
            ("+31-612345678", InvalidCharacter('-')),
            ("+31.612345678", InvalidCharacter('.')),
            ("+31(6)12345678", InvalidCharacter('(')),
            ("+31/612345678", InvalidCharacter('/')),
            ("+3161234567O", InvalidCharacter('O')),
            ("+316l2345678", InvalidCharacter('l')),
            ("+31612345678#", InvalidCharacter('#')),
            ("+31612345678;ext=1", InvalidCharacter(';')),
            ("+31612345678x12", InvalidCharacter('x')),
            ("+31612345678\u{0}", InvalidCharacter('\u{0}')),
            ("+31\u{200b}612345678", InvalidCharacter('\u{200b}')),
            ("+31\u{202e}612345678", InvalidCharacter('\u{202e}')),
            ("+31\u{feff}612345678", InvalidCharacter('\u{feff}')),
            ("+3161234567８", NonAsciiDigit),
            ("+-31612345678", InvalidCharacter('-')),
            ("+e10", InvalidCharacter('e')),
            ("+0", LeadingZero),
            ("+031612345678", LeadingZero),
            ("+", NoDigits),
            ("+1234567890123456", TooLong),
            ("+31612345678901234567890", TooLong),
            ("tel:+31612345678", MissingPlus),
        ];
        assert!(cases.len() >= 40);
        for (input, expected) in cases {
            assert_eq!(
                PhoneNumber::parse(input).as_ref(),
                Err(expected),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn deserialising_runs_the_same_rules() {
        let error = serde_json::from_str::<PhoneNumber>(r#""0612345678""#).unwrap_err();
        assert!(error.to_string().contains("must start with +"), "{error}");
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip_through_serde(digits in "[1-9][0-9]{0,14}") {
            let phone = PhoneNumber::parse(&format!("+{digits}")).unwrap();
            let json = serde_json::to_string(&phone).unwrap();
            prop_assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), phone);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = PhoneNumber::parse(&input);
        }

        #[test]
        fn every_accepted_value_obeys_e164(input in "\\+?[0-9 ]{0,18}") {
            if let Ok(phone) = PhoneNumber::parse(&input) {
                let digits = phone.digits();
                prop_assert!((1..=15).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(!digits.starts_with('0'));
            }
        }
    }
}
