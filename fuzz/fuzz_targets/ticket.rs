//! Callback tickets on arbitrary text: never a panic, never accepted
//! unless the edge signed it.
#![no_main]

use callme_edge::ticket::{issue, open};
use callme_shared::CallId;
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-ticket-secret-0123456789abcdef";
const NOW: i64 = 1_765_620_000_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert!(open(SECRET, text, NOW).is_err(), "a forged ticket opened: {text:?}");
    // Any call id that parses makes a ticket that opens to it, once.
    if let Ok(id) = CallId::parse(text) {
        let ticket = issue(SECRET, &id, NOW, 60_000);
        assert_eq!(open(SECRET, &ticket, NOW).unwrap().call_id, id);
        assert!(open("another-secret-0123456789abcdef0123", &ticket, NOW).is_err());
    }
});
