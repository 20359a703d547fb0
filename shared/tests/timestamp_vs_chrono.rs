//! `Timestamp::parse` against chrono's RFC 3339 parser on generated texts
//! that are, or are nearly, RFC 3339: both must accept the same texts, and
//! agree on the instant (in milliseconds) of each.

use callme_shared::Timestamp;
use chrono::DateTime;
use proptest::prelude::*;

/// Texts shaped like RFC 3339, with fields that may be out of range.
fn near_rfc3339() -> impl Strategy<Value = String> {
    (
        (1_i32..=9999, 0_u32..=13, 0_u32..=32),
        prop::sample::select(vec!["T", "t", " "]),
        (0_u32..=24, 0_u32..=60, 0_u32..=59),
        prop::option::of("[0-9]{1,9}"),
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            (prop::sample::select(vec!['+', '-']), 0_u32..=24, 0_u32..=60)
                .prop_map(|(sign, h, m)| format!("{sign}{h:02}:{m:02}")),
        ],
    )
        .prop_map(|((year, month, day), sep, (h, m, s), fraction, offset)| {
            let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{year:04}-{month:02}-{day:02}{sep}{h:02}:{m:02}:{s:02}{fraction}{offset}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn accepts_what_chrono_accepts_and_agrees_on_the_instant(text in near_rfc3339()) {
        let ours = Timestamp::parse(&text);
        let theirs = DateTime::parse_from_rfc3339(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{} ours {:?} chrono {:?}", text, ours, theirs);
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            prop_assert_eq!(ours.unix_millis(), theirs.timestamp_millis(), "{}", text);
        }
    }
}

#[test]
fn both_read_the_usual_forms_alike() {
    for text in [
        "2025-12-13T10:00:00Z",
        "2025-12-13T10:00:00.123456789+01:00",
        "2024-02-29t23:59:59.5-00:30",
        "2025-12-13 10:00:00z",
    ] {
        let ours = Timestamp::parse(text).unwrap();
        let theirs = DateTime::parse_from_rfc3339(text).unwrap();
        assert_eq!(ours.unix_millis(), theirs.timestamp_millis(), "{text}");
    }
    for text in [
        "2025-02-29T10:00:00Z",
        "2025-12-13T24:00:00Z",
        "2025-12-13T10:00Z",
    ] {
        assert!(
            Timestamp::parse(text).is_err() && DateTime::parse_from_rfc3339(text).is_err(),
            "{text}"
        );
    }
}
