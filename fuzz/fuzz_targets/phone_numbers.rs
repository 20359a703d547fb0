//! The number checks on arbitrary input: libphonenumber's parse and
//! classification never panic, the canonical form is a fixed point, and
//! the pattern engine accepts or refuses any pattern text without panic.
#![no_main]

use callme_numbers::{Kind, parse, pattern::Pattern};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(number) = parse(text) {
        let (region, kind) = number.classify();
        assert_eq!(number.is_valid(), kind != Kind::Unknown);
        // libphonenumber strips a national prefix once per parse, so only a
        // valid number's canonical form is promised to be a fixed point: it
        // is what the edge limits and places, and must not drift.
        if kind != Kind::Unknown {
            let again = parse(&number.e164()).expect("the canonical form parses");
            assert_eq!(again.e164(), number.e164(), "canonical form is a fixed point");
            assert_eq!(again.classify(), (region, kind));
        }
    }
    // Split the input into a pattern and a subject for the engine.
    if let Some((pattern, subject)) = text.split_once('\n')
        && let Ok(pattern) = Pattern::parse(pattern)
        && subject.len() <= 24
    {
        let full = pattern.matches(subject);
        if full {
            assert!(pattern.match_start(subject).is_some());
        }
    }
});
