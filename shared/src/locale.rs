//! `Locale`: the visitor's language as a short BCP 47 tag.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// A language tag of the simple form `ll` or `ll-RR` (`nl`, `en-GB`),
/// normalised to lower-case language and upper-case region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locale(String);

/// Why a string is not a supported language tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocaleError {
    /// Not `ll`, `lll`, `ll-RR` or `lll-RR`.
    #[error("A locale is a language code like nl or en-GB.")]
    Malformed,
}

impl FieldError for LocaleError {
    fn code(&self) -> ErrorCode {
        ErrorCode::LocaleMalformed
    }

    fn field(&self) -> Option<&'static str> {
        Some("locale")
    }
}

impl Locale {
    /// Parses `nl`, `NL-be`, `en_GB` (underscore accepted) into canonical case.
    ///
    /// # Errors
    /// [`LocaleError::Malformed`] for anything else.
    pub fn parse(input: &str) -> Result<Self, LocaleError> {
        let mut parts = input.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        let region = parts.next();
        let letters = |s: &str, range: std::ops::RangeInclusive<usize>| {
            range.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
        };
        if parts.next().is_some() || !letters(language, 2..=3) {
            return Err(LocaleError::Malformed);
        }
        let mut canonical = language.to_ascii_lowercase();
        if let Some(region) = region {
            if !letters(region, 2..=2) {
                return Err(LocaleError::Malformed);
            }
            canonical.push('-');
            canonical.push_str(&region.to_ascii_uppercase());
        }
        Ok(Self(canonical))
    }

    /// The language part alone (`nl` of `nl-BE`).
    pub fn language(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// The whole tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(Locale, LocaleError, |value| value.0);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_tag_is_put_in_canonical_case() {
        assert_eq!(Locale::parse("NL_be").unwrap().as_str(), "nl-BE");
        assert_eq!(Locale::parse("nl-BE").unwrap().language(), "nl");
        assert_eq!(Locale::parse("en").unwrap().as_str(), "en");
    }

    #[test]
    fn malformed_tags_are_rejected() {
        for bad in ["", "n", "dutch", "nl-", "nl-BEL", "nl-BE-x", "n1", "nl BE"] {
            assert_eq!(Locale::parse(bad), Err(LocaleError::Malformed), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn valid_tags_round_trip_through_serde(tag in "[a-z]{2,3}(-[A-Z]{2})?") {
            let parsed = Locale::parse(&tag).unwrap();
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<Locale>(&json).unwrap(), parsed);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = Locale::parse(&input);
        }
    }
}
