//! The callback body on arbitrary bytes: refused or read, never a panic;
//! what is read passes the rules again and has a stable fingerprint.
#![no_main]

use callme_edge::request::{fingerprint, parse_callback};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = parse_callback(data) {
        assert_eq!(fingerprint(&request), fingerprint(&request.clone()));
        assert!(request.phone.as_str().starts_with('+'));
    }
});
