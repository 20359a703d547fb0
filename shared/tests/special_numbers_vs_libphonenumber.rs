//! The dialing plans' premium-rate and shared-cost prefixes against
//! libphonenumber's metadata (`callme-numbers`, our port of it, itself
//! checked against the library on 41,000+ numbers): every number a prefix
//! refuses by name is of that kind or no valid number at all, so no
//! callable number is ever refused; and each prefix covers at least one
//! number of its kind, so none is dead weight.

use callme_numbers::Kind;
use callme_shared::{CountryCode, DIALING_PLANS, NormalizeError, normalize};

/// Digits to pad a prefix with, to every length a national number has.
const FILLS: [&str; 6] = [
    "0000000000000000",
    "1111111111111111",
    "5555555555555555",
    "9999999999999999",
    "1234567890123456",
    "9876543210987654",
];

#[test]
fn every_number_refused_as_premium_or_shared_cost_is_one_or_invalid() {
    let mut checked = 0;
    let mut wrong: Vec<String> = Vec::new();
    for plan in DIALING_PLANS {
        let country = CountryCode::parse(plan.country).unwrap();
        for (prefixes, named) in [
            (plan.premium_rate, Kind::PremiumRate),
            (plan.shared_cost, Kind::SharedCost),
        ] {
            for prefix in prefixes {
                let mut of_its_kind = 0;
                for length in prefix.len().max(4)..=14 {
                    for fill in FILLS {
                        let national = format!("{prefix}{}", &fill[..length - prefix.len()]);
                        let typed = format!("+{}{national}", plan.calling_code);
                        let refusal = normalize(&typed, Some(country)).unwrap_err();
                        let said = match refusal {
                            NormalizeError::PremiumRate { .. } => Kind::PremiumRate,
                            NormalizeError::SharedCost { .. } => Kind::SharedCost,
                            other => panic!("{typed}: {other:?}"),
                        };
                        let Ok(number) = callme_numbers::parse(&typed) else {
                            continue;
                        };
                        let kind = number.kind();
                        checked += 1;
                        if kind == Kind::Unknown {
                            continue;
                        }
                        if said != kind {
                            wrong.push(format!("{} {prefix}: {typed} refused as {said:?}, libphonenumber says {kind:?}", plan.country));
                        }
                        if kind == named {
                            of_its_kind += 1;
                        }
                    }
                }
                if of_its_kind == 0 {
                    wrong.push(format!(
                        "{} {prefix}: no number of this prefix is {named:?}",
                        plan.country
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked > 1_000, "{checked}");
}

#[test]
fn a_dutch_0900_number_is_named_premium_rate_not_too_long() {
    let nl = CountryCode::parse("NL").ok();
    assert!(matches!(
        normalize("0900 1234567", nl),
        Err(NormalizeError::PremiumRate { country: "NL" })
    ));
    assert!(matches!(
        normalize("+31 909 123456", None),
        Err(NormalizeError::PremiumRate { .. })
    ));
    assert_eq!(
        callme_numbers::parse("+319001234567").unwrap().kind(),
        Kind::PremiumRate
    );
    // Mobile and landline numbers are untouched.
    assert_eq!(
        normalize("06 12345678", nl).unwrap().as_str(),
        "+31612345678"
    );
    assert_eq!(
        normalize("020 123 4567", nl).unwrap().as_str(),
        "+31201234567"
    );
    let fr = CountryCode::parse("FR").ok();
    assert!(matches!(
        normalize("0810 12 34 56", fr),
        Err(NormalizeError::SharedCost { .. })
    ));
    assert!(matches!(
        normalize("0899 12 34 56", fr),
        Err(NormalizeError::PremiumRate { .. })
    ));
}
