//! The differential test of the edge's number checks against Google's
//! libphonenumber: reads the reference verdicts that
//! `numbers/reference/verdicts.py` wrote (one JSON object per line), and
//! compares, for every number:
//!
//! - the parse (refused or not), the canonical E.164 form, validity, region
//!   and type, from `callme-numbers`;
//! - the edge's decision (`policy::check_destination` with every country
//!   allowed and every type that configuration may allow): accepted exactly
//!   when libphonenumber calls the number valid, geographic and of such a
//!   type, and placed under libphonenumber's E.164 form.
//!
//! Run by `cargo xtask test`; prints `agreeing: N` and `disagreeing: M`
//! (and the first disagreements), and exits non-zero on any disagreement.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use callme_edge::policy::{self, NumberKind, PolicyError};
use callme_shared::{CountryCode, PhoneNumber};
use serde_json::Value;

/// Every type configuration may allow (`ALLOWED_NUMBER_TYPES`).
const CONFIGURABLE: [NumberKind; 7] = [
    NumberKind::Mobile,
    NumberKind::FixedLine,
    NumberKind::FixedLineOrMobile,
    NumberKind::Voip,
    NumberKind::TollFree,
    NumberKind::Personal,
    NumberKind::Uan,
];

/// libphonenumber's names of the types above.
const CONFIGURABLE_NAMES: [&str; 7] = [
    "MOBILE",
    "FIXED_LINE",
    "FIXED_LINE_OR_MOBILE",
    "VOIP",
    "TOLL_FREE",
    "PERSONAL_NUMBER",
    "UAN",
];

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: numbers_differential REFERENCE.jsonl");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            return ExitCode::from(2);
        }
    };
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap_or("{}")).unwrap_or_default();
    let reference_version = header["libphonenumber"].as_str().unwrap_or("?").to_owned();
    let countries: Vec<CountryCode> = callme_numbers::metadata::all_regions()
        .iter()
        .filter_map(|r| CountryCode::parse(r.id).ok())
        .collect();

    let mut agreeing = 0u64;
    let mut disagreements = Vec::new();
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let (mut accepted, mut refused, mut risky_accepted) = (0u64, 0u64, 0u64);
    let started = Instant::now();
    let mut slowest = (0.0f64, String::new());
    for line in lines {
        let Ok(reference) = serde_json::from_str::<Value>(line) else {
            disagreements.push(format!("unreadable reference line: {line}"));
            continue;
        };
        let input = reference["input"].as_str().unwrap_or_default();
        let one = Instant::now();
        let problems = compare(
            input,
            &reference,
            &countries,
            &mut |decision| match decision {
                Decision::Accepted => accepted += 1,
                Decision::Refused => refused += 1,
                Decision::NotE164 => {}
            },
        );
        let took = one.elapsed().as_secs_f64() * 1e3;
        if took > slowest.0 {
            slowest = (took, input.to_owned());
        }
        let ref_type = reference["type"].as_str().unwrap_or("ERROR").to_owned();
        *by_type.entry(ref_type.clone()).or_default() += 1;
        if problems.iter().any(|p| p.starts_with("ACCEPTED")) {
            risky_accepted += 1;
        }
        if problems.is_empty() {
            agreeing += 1;
        } else {
            disagreements.push(format!("{input}: {}", problems.join("; ")));
        }
    }
    let total = agreeing + disagreements.len() as u64;
    println!(
        "libphonenumber {reference_version} (reference) against callme-numbers {} (edge)",
        callme_numbers::METADATA_VERSION
    );
    println!(
        "numbers compared: {total} in {:.0} ms (slowest {:.2} ms: {})",
        started.elapsed().as_secs_f64() * 1e3,
        slowest.0,
        slowest.1
    );
    let types: Vec<String> = by_type.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!("reference types: {}", types.join(", "));
    println!("edge decisions: {accepted} accepted, {refused} refused");
    println!("accepted although invalid, premium-rate, shared-cost or unknown: {risky_accepted}");
    for problem in disagreements.iter().take(25) {
        println!("DISAGREE {problem}");
    }
    println!("agreeing: {agreeing}");
    println!("disagreeing: {}", disagreements.len());
    if disagreements.is_empty() && agreeing > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

enum Decision {
    Accepted,
    Refused,
    NotE164,
}

/// Every way our answer differs from the reference's, as text.
fn compare(
    input: &str,
    reference: &Value,
    countries: &[CountryCode],
    count: &mut dyn FnMut(Decision),
) -> Vec<String> {
    let mut problems = Vec::new();
    let parsed = callme_numbers::parse(input);
    let Ok(number) = parsed else {
        if reference.get("error").is_none() {
            problems.push(format!(
                "we refuse to parse ({parsed:?}), libphonenumber parses"
            ));
        }
        return problems;
    };
    if reference.get("error").is_some() {
        problems.push("we parse, libphonenumber refuses".into());
        return problems;
    }
    let (region, kind) = number.classify();
    let expected_e164 = reference["e164"].as_str().unwrap_or_default();
    let expected_region = reference["region"].as_str();
    let expected_type = reference["type"].as_str().unwrap_or_default();
    let expected_valid = reference["valid"].as_bool().unwrap_or(false);
    if number.e164() != expected_e164 {
        problems.push(format!("e164 {} != {expected_e164}", number.e164()));
    }
    if region != expected_region {
        problems.push(format!("region {region:?} != {expected_region:?}"));
    }
    if kind.name() != expected_type {
        problems.push(format!("type {} != {expected_type}", kind.name()));
    }
    if number.is_valid() != expected_valid {
        problems.push(format!("valid {} != {expected_valid}", number.is_valid()));
    }

    // The edge's decision, for what the widget can send (strict E.164).
    let Ok(phone) = PhoneNumber::parse(input) else {
        count(Decision::NotE164);
        return problems;
    };
    let should_accept = expected_valid
        && expected_region.is_some_and(|r| r != "001")
        && CONFIGURABLE_NAMES.contains(&expected_type);
    match policy::check_destination(&phone, countries, &CONFIGURABLE) {
        Ok(destination) => {
            count(Decision::Accepted);
            if !should_accept {
                problems.push(format!(
                    "ACCEPTED by the edge, but libphonenumber says valid={expected_valid} type={expected_type}"
                ));
            }
            if destination.phone.as_str() != expected_e164 {
                problems.push(format!(
                    "placed as {} != {expected_e164}",
                    destination.phone
                ));
            }
        }
        Err(error) => {
            count(Decision::Refused);
            if should_accept {
                problems.push(format!("refused ({error:?}) though libphonenumber accepts"));
            }
            let expected_error = if expected_valid && expected_region != Some("001") {
                PolicyError::NumberTypeNotAllowed
            } else {
                PolicyError::InvalidNumber
            };
            if !should_accept && error != expected_error {
                problems.push(format!("refused as {error:?}, expected {expected_error:?}"));
            }
        }
    }
    problems
}
