//! Portal tokens on arbitrary text (as a token, and as the payload or the
//! header of a correctly signed one), and on arbitrary claim times: never a
//! panic, and nothing accepted that the rules refuse.
//!
//! The claim times are any i64 (`i64::MIN` and `i64::MAX` included), the
//! edge's clock and `max_ttl_s` too, and every invariant is checked in i128,
//! where no sum or difference of two i64 wraps. So the target needs no
//! overflow checks to see an overflow: `cargo xtask fuzz` builds with
//! `cargo fuzz build --release` (`-O`), for which cargo-fuzz leaves out
//! `-Cdebug-assertions`; the release profile then keeps overflow checks
//! off, and the verifier runs the arithmetic the wasm release build runs
//! (wrapping), a wrap showing as an accepted token that breaks an invariant
//! below. Without `-O` (or with `-a`) cargo-fuzz adds `-Cdebug-assertions`,
//! which turns overflow checks on too: a wrap then panics, also a crash.
#![no_main]

use callme_edge::token::{LEEWAY_S, Rules, verify};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-secret-fuzz-secret-0123456789";
const NOW: i64 = 1_765_620_000;

fuzz_target!(|data: &[u8]| {
    times(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = Rules::default();
    let _ = verify(SECRET, text, NOW, &rules);
    // The same text as a correctly signed payload reaches the claim checks.
    let token = signed(r#"{"alg":"HS256","typ":"JWT"}"#, text);
    if let Ok(claims) = verify(SECRET, &token, NOW, &rules) {
        if let Some(phone) = &claims.phone {
            assert!(callme_shared::PhoneNumber::parse(phone).is_ok(), "{phone}");
        }
        assert!(claims.agent.as_ref().is_none_or(|a| !a.trim().is_empty()));
        assert_times_hold(&claims, NOW, rules.max_ttl_s);
    }
    // And as the header of a correctly signed token: only a JSON object
    // naming HS256 passes, never one with `crit`, `zip` or a `b64` but true.
    let payload = format!(r#"{{"exp":{},"scope":"calls:read"}}"#, NOW + 600);
    if verify(SECRET, &signed(text, &payload), NOW, &rules).is_ok() {
        let header: serde_json::Value = serde_json::from_str(text).expect("an accepted header");
        assert_eq!(header["alg"], "HS256", "{text}");
        assert!(header.get("crit").is_none(), "{text}");
        assert!(header.get("zip").is_none(), "{text}");
        assert!(
            header.get("b64").is_none_or(|b| b.as_bool() == Some(true)),
            "{text}"
        );
    }
});

/// Claims whose times the fuzzer chose, verified at a clock and a maximum
/// lifetime it chose too.
fn times(data: &[u8]) {
    let mut bytes = Bytes(data);
    let flags = bytes.byte();
    let now = if flags & 1 != 0 { bytes.i64() } else { NOW };
    let max_ttl_s = if flags & 2 != 0 {
        bytes.i64()
    } else {
        Rules::default().max_ttl_s
    };
    // Near now when asked (within 2^31 s, where tokens live), else anywhere.
    let mut time = || {
        let value = bytes.i64();
        if flags & 4 != 0 {
            now.saturating_add(value >> 32)
        } else {
            value
        }
    };
    let exp = time();
    let iat = (flags & 8 != 0).then(&mut time);
    let nbf = (flags & 16 != 0).then(&mut time);
    // NumericDates may be floats (RFC 7519): written as `{time}.5` they are
    // read floored (when under 1e15 s; refused beyond).
    let floats = flags & 32 != 0;
    let number = |t: i64| {
        if floats {
            format!("{t}.5")
        } else {
            t.to_string()
        }
    };
    let mut payload = format!(r#"{{"scope":"calls:read","exp":{}"#, number(exp));
    for (name, value) in [("iat", iat), ("nbf", nbf)] {
        if let Some(value) = value {
            payload.push_str(&format!(r#","{name}":{}"#, number(value)));
        }
    }
    payload.push('}');
    let token = signed(r#"{"alg":"HS256","typ":"JWT"}"#, &payload);
    let rules = Rules {
        max_ttl_s,
        ..Rules::default()
    };
    let verified = verify(SECRET, &token, now, &rules);
    if !floats {
        // Integers are read exactly: the outcome is the exact arithmetic's.
        assert_eq!(
            verified.is_ok(),
            times_hold(exp, iat, nbf, now, max_ttl_s),
            "{payload} at {now}, max_ttl_s {max_ttl_s}: {verified:?}"
        );
    }
    if let Ok(claims) = &verified {
        assert_times_hold(claims, now, max_ttl_s);
        // Each time as written: exactly, or floored from `{time}.5`.
        let read = |t: i64| i128::from(t) - i128::from(floats && t < 0);
        assert_eq!(
            (
                i128::from(claims.exp),
                claims.iat.map(i128::from),
                claims.nbf.map(i128::from)
            ),
            (read(exp), iat.map(read), nbf.map(read)),
            "{payload}"
        );
    }
}

/// Whether the times are acceptable at `now`, in exact arithmetic: not
/// expired, not before `nbf` or `iat`, and living no longer than
/// `max_ttl_s` from `iat` or from now, whichever is earlier (with the
/// leeway for clocks).
fn times_hold(exp: i64, iat: Option<i64>, nbf: Option<i64>, now: i64, max_ttl_s: i64) -> bool {
    let (exp, now, leeway) = (i128::from(exp), i128::from(now), i128::from(LEEWAY_S));
    let start = iat.map_or(now, |iat| i128::from(iat).min(now));
    exp + leeway > now
        && [nbf, iat]
            .into_iter()
            .flatten()
            .all(|t| i128::from(t) <= now + leeway)
        && exp - start <= i128::from(max_ttl_s)
}

/// An accepted token's times hold: it never outlives `max_ttl_s` and is
/// not expired.
fn assert_times_hold(claims: &callme_edge::token::Claims, now: i64, max_ttl_s: i64) {
    assert!(
        times_hold(claims.exp, claims.iat, claims.nbf, now, max_ttl_s),
        "accepted at {now} with max_ttl_s {max_ttl_s}: {claims:?}"
    );
}

/// The fuzzer's bytes as numbers, zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }

    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(std::array::from_fn(|_| self.byte()))
    }
}

/// `header` and `payload` (JSON text) as a token signed with the secret.
fn signed(header: &str, payload: &str) -> String {
    let signed = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    format!("{signed}.{}", b64(&mac(signed.as_bytes())))
}

fn b64(bytes: &[u8]) -> String {
    callme_edge::sign::b64(bytes)
}

fn mac(bytes: &[u8]) -> Vec<u8> {
    callme_edge::sign::hmac(SECRET.as_bytes(), bytes)
}
