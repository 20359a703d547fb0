//! A number as people read it: its digits grouped as its country writes
//! them (`+31612345678` as `+31 6 12345678`, `+33612345678` as
//! `+33 6 12 34 56 78`), for the widget's screens. Only what is shown: the
//! edge, the wire and the CSV keep E.164.
//!
//! Each dialing plan has a few rules (how a national number starts, and
//! its groups); a number no rule is sure of keeps its national digits in
//! one group after the calling code, which is never wrong, only less
//! readable. `tests/grouping_vs_libphonenumber.rs` checks every rule
//! against Google's libphonenumber on 1,700 numbers: where a rule groups,
//! it groups as libphonenumber does.

use crate::PhoneNumber;
use crate::country::plan_for_international;

/// How national numbers that start with `prefix` and have as many digits
/// as `groups` adds up to are split (a last group of 0 takes the rest, at
/// least one digit).
struct Rule {
    prefix: &'static str,
    groups: &'static [usize],
}

/// Dutch two-digit area codes (the rest have three).
const NL_TWO_DIGIT_AREAS: [&str; 30] = [
    "10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38", "40", "43", "45", "46",
    "50", "53", "55", "58", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79",
];

/// The rules of the plan with `calling_code`, first match wins, and the
/// separator inside the national number.
fn rules(calling_code: &str, national: &str) -> (&'static [Rule], char) {
    match calling_code {
        "31" if NL_TWO_DIGIT_AREAS.iter().any(|a| national.starts_with(a)) => (
            &[Rule {
                prefix: "",
                groups: &[2, 3, 4],
            }],
            ' ',
        ),
        "31" => (
            &[
                Rule {
                    prefix: "66",
                    groups: &[2, 7],
                },
                Rule {
                    prefix: "6",
                    groups: &[1, 8],
                },
                Rule {
                    prefix: "800",
                    groups: &[3, 0],
                },
                Rule {
                    prefix: "90",
                    groups: &[3, 0],
                },
                Rule {
                    prefix: "85",
                    groups: &[2, 3, 4],
                },
            ],
            ' ',
        ),
        "32" => (
            &[
                Rule {
                    prefix: "4",
                    groups: &[3, 2, 2, 2],
                },
                Rule {
                    prefix: "80",
                    groups: &[3, 2, 3],
                },
                Rule {
                    prefix: "90",
                    groups: &[3, 2, 3],
                },
                Rule {
                    prefix: "2",
                    groups: &[1, 3, 2, 2],
                },
                Rule {
                    prefix: "3",
                    groups: &[1, 3, 2, 2],
                },
                Rule {
                    prefix: "9",
                    groups: &[1, 3, 2, 2],
                },
                Rule {
                    prefix: "1",
                    groups: &[2, 2, 2, 2],
                },
                Rule {
                    prefix: "5",
                    groups: &[2, 2, 2, 2],
                },
                Rule {
                    prefix: "6",
                    groups: &[2, 2, 2, 2],
                },
                Rule {
                    prefix: "7",
                    groups: &[2, 2, 2, 2],
                },
                Rule {
                    prefix: "8",
                    groups: &[2, 2, 2, 2],
                },
            ],
            ' ',
        ),
        "33" => (
            &[
                Rule {
                    prefix: "8",
                    groups: &[3, 2, 2, 2],
                },
                Rule {
                    prefix: "",
                    groups: &[1, 2, 2, 2, 2],
                },
            ],
            ' ',
        ),
        "44" => (
            &[
                Rule {
                    prefix: "70",
                    groups: &[2, 4, 4],
                },
                Rule {
                    prefix: "76",
                    groups: &[2, 4, 4],
                },
                Rule {
                    prefix: "7",
                    groups: &[4, 6],
                },
                Rule {
                    prefix: "20",
                    groups: &[2, 4, 4],
                },
                Rule {
                    prefix: "55",
                    groups: &[2, 4, 4],
                },
                Rule {
                    prefix: "56",
                    groups: &[2, 4, 4],
                },
                Rule {
                    prefix: "121",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "131",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "141",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "151",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "161",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "3",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "8",
                    groups: &[3, 3, 4],
                },
                Rule {
                    prefix: "9",
                    groups: &[3, 3, 4],
                },
            ],
            ' ',
        ),
        "41" => (
            &[
                Rule {
                    prefix: "80",
                    groups: &[3, 3, 3],
                },
                Rule {
                    prefix: "84",
                    groups: &[3, 3, 3],
                },
                Rule {
                    prefix: "87",
                    groups: &[3, 3, 3],
                },
                Rule {
                    prefix: "90",
                    groups: &[3, 3, 3],
                },
                Rule {
                    prefix: "2",
                    groups: &[2, 3, 2, 2],
                },
                Rule {
                    prefix: "3",
                    groups: &[2, 3, 2, 2],
                },
                Rule {
                    prefix: "4",
                    groups: &[2, 3, 2, 2],
                },
                Rule {
                    prefix: "5",
                    groups: &[2, 3, 2, 2],
                },
                Rule {
                    prefix: "6",
                    groups: &[2, 3, 2, 2],
                },
                Rule {
                    prefix: "7",
                    groups: &[2, 3, 2, 2],
                },
            ],
            ' ',
        ),
        "34" => (
            &[
                Rule {
                    prefix: "5",
                    groups: &[3, 2, 2, 2],
                },
                Rule {
                    prefix: "6",
                    groups: &[3, 2, 2, 2],
                },
                Rule {
                    prefix: "7",
                    groups: &[3, 2, 2, 2],
                },
                Rule {
                    prefix: "81",
                    groups: &[3, 2, 2, 2],
                },
                Rule {
                    prefix: "9",
                    groups: &[3, 2, 2, 2],
                },
            ],
            ' ',
        ),
        "49" => (
            &[
                Rule {
                    prefix: "15",
                    groups: &[4, 0],
                },
                Rule {
                    prefix: "30",
                    groups: &[2, 0],
                },
            ],
            ' ',
        ),
        "43" => (
            &[
                Rule {
                    prefix: "1",
                    groups: &[1, 0],
                },
                Rule {
                    prefix: "66",
                    groups: &[3, 0],
                },
                Rule {
                    prefix: "67",
                    groups: &[3, 0],
                },
                Rule {
                    prefix: "68",
                    groups: &[3, 0],
                },
            ],
            ' ',
        ),
        "353" => (
            &[
                Rule {
                    prefix: "83",
                    groups: &[2, 3, 4],
                },
                Rule {
                    prefix: "85",
                    groups: &[2, 3, 4],
                },
                Rule {
                    prefix: "86",
                    groups: &[2, 3, 4],
                },
                Rule {
                    prefix: "87",
                    groups: &[2, 3, 4],
                },
                Rule {
                    prefix: "88",
                    groups: &[2, 3, 4],
                },
                Rule {
                    prefix: "89",
                    groups: &[2, 3, 4],
                },
            ],
            ' ',
        ),
        "1" => (
            &[Rule {
                prefix: "",
                groups: &[3, 3, 4],
            }],
            '-',
        ),
        _ => (&[], ' '),
    }
}

/// The groups of `national` under `rule`, if it fits.
fn split<'a>(rule: &Rule, national: &'a str) -> Option<Vec<&'a str>> {
    if !national.starts_with(rule.prefix) {
        return None;
    }
    let fixed: usize = rule.groups.iter().sum();
    let rest = rule.groups.last() == Some(&0);
    if (rest && national.len() <= fixed) || (!rest && national.len() != fixed) {
        return None;
    }
    let mut parts = Vec::with_capacity(rule.groups.len());
    let mut at = 0;
    for size in rule.groups {
        let end = if *size == 0 {
            national.len()
        } else {
            at + size
        };
        parts.push(national.get(at..end)?);
        at = end;
    }
    Some(parts)
}

/// `number` with its digits grouped for reading (see the module docs).
pub fn grouped(number: &PhoneNumber) -> String {
    let digits = number.digits();
    let Some(plan) = plan_for_international(digits) else {
        return number.as_str().to_owned();
    };
    let national = &digits[plan.calling_code.len()..];
    let (rules, separator) = rules(plan.calling_code, national);
    let parts = rules
        .iter()
        .find_map(|rule| split(rule, national))
        .unwrap_or_else(|| vec![national]);
    let mut out = format!("+{} ", plan.calling_code);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(e164: &str) -> String {
        grouped(&PhoneNumber::parse(e164).unwrap())
    }

    #[test]
    fn numbers_are_grouped_as_their_country_writes_them() {
        assert_eq!(shown("+31612345678"), "+31 6 12345678");
        assert_eq!(shown("+31201234567"), "+31 20 123 4567");
        assert_eq!(shown("+33612345678"), "+33 6 12 34 56 78");
        assert_eq!(shown("+32470123456"), "+32 470 12 34 56");
        assert_eq!(shown("+447400123456"), "+44 7400 123456");
        assert_eq!(shown("+12025550143"), "+1 202-555-0143");
        assert_eq!(shown("+41781234567"), "+41 78 123 45 67");
    }

    #[test]
    fn a_number_no_rule_is_sure_of_keeps_its_digits_after_the_calling_code() {
        // A Dutch three-digit area: no rule, one group.
        assert_eq!(shown("+31111123456"), "+31 111123456");
        // A calling code no plan knows: as it came.
        assert_eq!(shown("+8613812345678"), "+8613812345678");
        // A short number under a fixed-length rule.
        assert_eq!(shown("+3361234"), "+33 61234");
    }
}
