//! The toll-fraud check of a destination: libphonenumber's metadata (through
//! `callme-numbers`) says whether the number is valid, where it is, what
//! type it is, and what its one canonical form is.

use callme_numbers::Kind;
use callme_shared::{CountryCode, ErrorCode, PhoneNumber};

/// Number types, as configuration names them (`ALLOWED_NUMBER_TYPES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// `mobile`
    Mobile,
    /// `fixed-line`
    FixedLine,
    /// `fixed-line-or-mobile` (where the plan cannot tell, e.g. the US)
    FixedLineOrMobile,
    /// `voip`
    Voip,
    /// `toll-free`
    TollFree,
    /// `personal` (follow-me numbers; often charged like premium)
    Personal,
    /// `uan` (company numbers)
    Uan,
    /// `premium-rate`: never allowed
    PremiumRate,
    /// `shared-cost`: never allowed
    SharedCost,
    /// `unknown`: never allowed
    Unknown,
    /// pager, voicemail, short codes, emergency, ...: never configurable
    Other,
}

impl NumberKind {
    /// Parses a configuration name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "mobile" => Self::Mobile,
            "fixed-line" => Self::FixedLine,
            "fixed-line-or-mobile" => Self::FixedLineOrMobile,
            "voip" => Self::Voip,
            "toll-free" => Self::TollFree,
            "personal" => Self::Personal,
            "uan" => Self::Uan,
            "premium-rate" => Self::PremiumRate,
            "shared-cost" => Self::SharedCost,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }

    /// Kinds that configuration may never allow.
    pub fn is_toll_fraud_risk(self) -> bool {
        matches!(
            self,
            Self::PremiumRate | Self::SharedCost | Self::Unknown | Self::Other
        )
    }

    /// The configuration kind of a libphonenumber type.
    pub fn from_metadata(kind: Kind) -> Self {
        match kind {
            Kind::Mobile => Self::Mobile,
            Kind::FixedLine => Self::FixedLine,
            Kind::FixedLineOrMobile => Self::FixedLineOrMobile,
            Kind::Voip => Self::Voip,
            Kind::TollFree => Self::TollFree,
            Kind::PersonalNumber => Self::Personal,
            Kind::Uan => Self::Uan,
            Kind::PremiumRate => Self::PremiumRate,
            Kind::SharedCost => Self::SharedCost,
            Kind::Unknown => Self::Unknown,
            Kind::Pager | Kind::Voicemail => Self::Other,
        }
    }
}

/// Why a syntactically fine number may not be called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// No such number exists according to the metadata.
    #[error("{}", callme_shared::words::INVALID_PHONE)]
    InvalidNumber,
    /// The number belongs to a country callbacks may not go to.
    #[error("Calls to this country are not available.")]
    CountryNotAllowed,
    /// Premium-rate, shared-cost, unknown or another refused type.
    #[error("This type of phone number cannot be called back. Use a mobile or landline number.")]
    NumberTypeNotAllowed,
}

impl PolicyError {
    /// The stable code of the error body.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidNumber => ErrorCode::InvalidPhone,
            Self::CountryNotAllowed => ErrorCode::CountryNotAllowed,
            Self::NumberTypeNotAllowed => ErrorCode::NumberTypeNotAllowed,
        }
    }
}

/// What the metadata says of an allowed destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The number in libphonenumber's E.164 form: what the edge rate-limits,
    /// places and answers with (`+310612345678` becomes `+31612345678`), so
    /// one number cannot be written several ways to get around its limits.
    pub phone: PhoneNumber,
    /// The region of the number.
    pub country: CountryCode,
    /// Its type.
    pub kind: NumberKind,
}

/// Checks a destination against the metadata and the allowed countries and
/// types.
///
/// # Errors
/// The [`PolicyError`] to answer (400 for an invalid number, 403 otherwise).
pub fn check_destination(
    phone: &PhoneNumber,
    countries: &[CountryCode],
    kinds: &[NumberKind],
) -> Result<Destination, PolicyError> {
    let number = callme_numbers::parse(phone.as_str()).map_err(|_| PolicyError::InvalidNumber)?;
    let (region, kind) = number.classify();
    if kind == Kind::Unknown {
        return Err(PolicyError::InvalidNumber);
    }
    // Non-geographic numbers (`001`: +800, +882 satellite, ...) have no
    // country to allow; they are refused as not callable, as before.
    let country = region
        .and_then(|id| CountryCode::parse(id).ok())
        .ok_or(PolicyError::InvalidNumber)?;
    if !countries.contains(&country) {
        return Err(PolicyError::CountryNotAllowed);
    }
    let kind = NumberKind::from_metadata(kind);
    if kind.is_toll_fraud_risk() || !kinds.contains(&kind) {
        return Err(PolicyError::NumberTypeNotAllowed);
    }
    let phone = PhoneNumber::parse(&number.e164()).map_err(|_| PolicyError::InvalidNumber)?;
    Ok(Destination {
        phone,
        country,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn countries(codes: &[&str]) -> Vec<CountryCode> {
        codes
            .iter()
            .map(|c| CountryCode::parse(c).unwrap())
            .collect()
    }

    fn default_kinds() -> Vec<NumberKind> {
        ["mobile", "fixed-line", "fixed-line-or-mobile", "voip"]
            .iter()
            .map(|k| NumberKind::parse(k).unwrap())
            .collect()
    }

    fn check(number: &str, allowed: &[&str]) -> Result<Destination, PolicyError> {
        check_destination(
            &PhoneNumber::parse(number).unwrap(),
            &countries(allowed),
            &default_kinds(),
        )
    }

    #[test]
    fn mobile_and_landline_numbers_in_allowed_countries_pass() {
        let all = ["NL", "BE", "DE", "GB", "US", "FR"];
        for (number, country, kind) in [
            ("+31612345678", "NL", NumberKind::Mobile),
            ("+31201234567", "NL", NumberKind::FixedLine),
            ("+32470123456", "BE", NumberKind::Mobile),
            ("+4915123456789", "DE", NumberKind::Mobile),
            ("+447400123456", "GB", NumberKind::Mobile),
            ("+33612345678", "FR", NumberKind::Mobile),
        ] {
            let destination = check(number, &all).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(
                (destination.country.as_str(), destination.kind),
                (country, kind),
                "{number}"
            );
        }
    }

    #[test]
    fn premium_rate_and_shared_cost_numbers_are_refused() {
        let all = ["NL", "GB", "DE", "FR", "BE"];
        assert_eq!(
            check("+33810123456", &all),
            Err(PolicyError::NumberTypeNotAllowed)
        );
        // NL 0909 and 0900 are premium rate, UK 09 premium rate, UK 0843
        // premium rate in the current plan, FR 0810 shared cost.
        assert_eq!(
            check("+31909123456", &all),
            Err(PolicyError::NumberTypeNotAllowed)
        );
        assert_eq!(
            check("+319001234567", &all),
            Err(PolicyError::NumberTypeNotAllowed)
        );
        assert_eq!(
            check("+449012345678", &all),
            Err(PolicyError::NumberTypeNotAllowed)
        );
        assert_eq!(
            check("+448431234567", &all),
            Err(PolicyError::NumberTypeNotAllowed)
        );
    }

    #[test]
    fn a_number_in_a_country_not_allowed_is_refused() {
        assert_eq!(
            check("+447400123456", &["NL"]),
            Err(PolicyError::CountryNotAllowed)
        );
        // +44 7911 shares the UK's calling code but is Guernsey's.
        assert_eq!(
            check("+447911123456", &["GB"]),
            Err(PolicyError::CountryNotAllowed)
        );
    }

    #[test]
    fn numbers_that_do_not_exist_are_invalid() {
        // Ofcom's drama range (07700 900xxx) is reserved, never assigned.
        for number in [
            "+3161234",
            "+31012345678",
            "+999123456",
            "+1",
            "+447700900123",
        ] {
            assert_eq!(
                check(number, &["NL", "US"]),
                Err(PolicyError::InvalidNumber),
                "{number}"
            );
        }
    }

    #[test]
    fn toll_free_is_refused_unless_configured() {
        let nl = countries(&["NL"]);
        let phone = PhoneNumber::parse("+31800123456").unwrap();
        assert_eq!(
            check_destination(&phone, &nl, &default_kinds()),
            Err(PolicyError::NumberTypeNotAllowed)
        );
        let mut kinds = default_kinds();
        kinds.push(NumberKind::TollFree);
        assert_eq!(
            check_destination(&phone, &nl, &kinds).unwrap().kind,
            NumberKind::TollFree
        );
    }
}
