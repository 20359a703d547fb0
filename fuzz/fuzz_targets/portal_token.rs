//! Portal tokens on arbitrary text (and arbitrary payloads correctly
//! signed): never a panic, and nothing but a well-formed token with a
//! valid restriction is accepted.
#![no_main]

use callme_edge::token::{Rules, verify};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-secret-fuzz-secret-0123456789";
const NOW: i64 = 1_765_620_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = verify(SECRET, text, NOW, &Rules::default());
    // The same text as a correctly signed payload reaches the claim checks.
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
    let signed = format!("{header}.{}", b64(text.as_bytes()));
    let token = format!("{signed}.{}", b64(&mac(signed.as_bytes())));
    if let Ok(claims) = verify(SECRET, &token, NOW, &Rules::default()) {
        if let Some(phone) = &claims.phone {
            assert!(callme_shared::PhoneNumber::parse(phone).is_ok(), "{phone}");
        }
        assert!(claims.agent.as_ref().is_none_or(|a| !a.trim().is_empty()));
        assert!(claims.exp + 60 > NOW);
    }
});

fn b64(bytes: &[u8]) -> String {
    callme_edge::sign::b64(bytes)
}

fn mac(bytes: &[u8]) -> Vec<u8> {
    callme_edge::sign::hmac(SECRET.as_bytes(), bytes)
}
