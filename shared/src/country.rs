//! `CountryCode` (ISO 3166 alpha-2) and the dialing plans used to normalise
//! national numbers.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// An ISO 3166-1 alpha-2 country code, upper case (`NL`, `GB`, ...).
///
/// The parser checks the shape (two ASCII letters) and accepts lower case;
/// whether a country is allowed is configuration, not syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

/// Why a string is not a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    /// Not exactly two ASCII letters.
    #[error("A country is two letters, like NL or GB.")]
    NotTwoLetters,
}

impl FieldError for CountryError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotTwoLetters => ErrorCode::CountryInvalid,
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some("country")
    }
}

impl CountryCode {
    /// Parses `nl` or `NL` into `NL`.
    ///
    /// # Errors
    /// [`CountryError::NotTwoLetters`] for anything but two ASCII letters.
    pub fn parse(input: &str) -> Result<Self, CountryError> {
        match input.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(CountryError::NotTwoLetters),
        }
    }

    /// The code as text, upper case.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters, checked by `parse`.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The dialing plan used to normalise national numbers, when callme
    /// knows this country's.
    pub fn dialing_plan(self) -> Option<&'static DialingPlan> {
        DIALING_PLANS
            .iter()
            .find(|plan| plan.country == self.as_str())
    }
}

text_conversions!(CountryCode, CountryError, |value| value.as_str().to_owned());

/// How people in one country write its numbers: enough to turn a national
/// number into E.164 and to say "too short" while someone is still typing.
///
/// This is deliberately small. The authoritative check (does the number
/// exist, what type is it) is full libphonenumber metadata at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialingPlan {
    /// ISO 3166 alpha-2 code.
    pub country: &'static str,
    /// The country calling code, digits only (`31`).
    pub calling_code: &'static str,
    /// The national trunk prefix dialled before a national number (`0`), if any.
    pub trunk_prefix: Option<&'static str>,
    /// Whether a national number may also be written without the trunk
    /// prefix (true for the North American plan: `415...` and `1 415...`).
    pub trunk_optional: bool,
    /// The prefix dialled to call abroad (`00`, `011`).
    pub international_prefix: &'static str,
    /// The shortest national significant number.
    pub min_digits: usize,
    /// The longest national significant number.
    pub max_digits: usize,
    /// How national numbers of premium-rate services start (after the
    /// trunk prefix), from libphonenumber's metadata: refused at once, by
    /// name, whatever their length (the edge refuses them with full
    /// metadata anyway). A shorter prefix list than the metadata's
    /// patterns; a native test checks every number they cover against
    /// libphonenumber's types.
    pub premium_rate: &'static [&'static str],
    /// The same for shared-cost services.
    pub shared_cost: &'static [&'static str],
}

/// The plans callme knows. Calling codes are prefix-free, so looking a number
/// up by its leading digits finds at most one calling code.
pub const DIALING_PLANS: &[DialingPlan] = &[
    DialingPlan {
        premium_rate: &["900", "906", "909"],
        ..plan("NL", "31", Some("0"), "00", 9, 9)
    },
    DialingPlan {
        premium_rate: &["90", "702", "703", "7044", "706", "707"],
        shared_cost: &["7879"],
        ..plan("BE", "32", Some("0"), "00", 8, 9)
    },
    DialingPlan {
        premium_rate: &["900", "1377", "1378", "1379"],
        shared_cost: &["180", "1371", "1372", "1373", "1374", "1375", "1376", "138"],
        ..plan("DE", "49", Some("0"), "00", 5, 13)
    },
    DialingPlan {
        premium_rate: &["81", "82", "83", "85", "86", "88", "89"],
        shared_cost: &[
            "810", "811", "820", "821", "825", "826", "840", "842", "844", "884",
        ],
        ..plan("FR", "33", Some("0"), "00", 9, 9)
    },
    DialingPlan {
        premium_rate: &[
            "842", "843", "844", "845", "870", "871", "872", "873", "90", "91", "98",
        ],
        ..plan("GB", "44", Some("0"), "00", 9, 10)
    },
    // Ireland's premium-rate (15xx) and shared-cost (1850, 1890) numbers
    // start as Dublin's landlines do (01 5...): only the edge, with the
    // whole metadata, can tell them apart.
    plan("IE", "353", Some("0"), "00", 7, 9),
    DialingPlan {
        premium_rate: &[
            "862", "863", "864", "865", "866", "868", "892", "893", "894", "895", "896", "898",
            "900", "901", "930", "931", "939",
        ],
        shared_cost: &["810", "820", "821", "828"],
        ..plan("AT", "43", Some("0"), "00", 4, 13)
    },
    DialingPlan {
        premium_rate: &["900", "901", "906"],
        shared_cost: &["840", "842", "844", "848"],
        ..plan("CH", "41", Some("0"), "00", 9, 9)
    },
    DialingPlan {
        premium_rate: &["803", "806", "807"],
        shared_cost: &["901", "902"],
        ..plan("ES", "34", None, "00", 9, 9)
    },
    DialingPlan {
        trunk_optional: true,
        premium_rate: &["900"],
        ..plan("US", "1", Some("1"), "011", 10, 10)
    },
    DialingPlan {
        trunk_optional: true,
        premium_rate: &["900"],
        ..plan("CA", "1", Some("1"), "011", 10, 10)
    },
];

impl DialingPlan {
    /// Whether `national` (after the trunk prefix) is a premium-rate or
    /// shared-cost service's number: the longest matching prefix decides
    /// (France's `81` is premium-rate, its `810` shared-cost).
    pub(crate) fn special_kind(&self, national: &str) -> Option<crate::NormalizeError> {
        let longest = |prefixes: &[&str]| {
            prefixes
                .iter()
                .filter(|p| national.starts_with(**p))
                .map(|p| p.len())
                .max()
        };
        let country = self.country;
        match (longest(self.premium_rate), longest(self.shared_cost)) {
            (None, None) => None,
            (premium, shared) if premium > shared => {
                Some(crate::NormalizeError::PremiumRate { country })
            }
            _ => Some(crate::NormalizeError::SharedCost { country }),
        }
    }
}

const fn plan(
    country: &'static str,
    calling_code: &'static str,
    trunk_prefix: Option<&'static str>,
    international_prefix: &'static str,
    min_digits: usize,
    max_digits: usize,
) -> DialingPlan {
    DialingPlan {
        country,
        calling_code,
        trunk_prefix,
        trunk_optional: false,
        international_prefix,
        min_digits,
        max_digits,
        premium_rate: &[],
        shared_cost: &[],
    }
}

/// The plan whose calling code starts these international digits.
pub(crate) fn plan_for_international(digits: &str) -> Option<&'static DialingPlan> {
    DIALING_PLANS
        .iter()
        .find(|plan| digits.starts_with(plan.calling_code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lower_case_is_upper_cased() {
        assert_eq!(CountryCode::parse("nl").unwrap().as_str(), "NL");
    }

    #[test]
    fn anything_but_two_letters_is_rejected() {
        for bad in ["", "N", "NLD", "N1", "12", "ñl", "N ", "ＮＬ"] {
            assert_eq!(
                CountryCode::parse(bad),
                Err(CountryError::NotTwoLetters),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_required_country_has_a_plan() {
        for code in ["NL", "BE", "DE", "FR", "GB", "US"] {
            assert!(
                CountryCode::parse(code).unwrap().dialing_plan().is_some(),
                "{code}"
            );
        }
    }

    #[test]
    fn calling_codes_are_prefix_free_across_distinct_codes() {
        for a in DIALING_PLANS {
            for b in DIALING_PLANS {
                if a.calling_code != b.calling_code {
                    assert!(!a.calling_code.starts_with(b.calling_code));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip_through_serde(code in "[A-Za-z]{2}") {
            let parsed = CountryCode::parse(&code).unwrap();
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap(), parsed);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = CountryCode::parse(&input);
        }
    }
}
