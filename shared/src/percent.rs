//! Percent-encoding for query strings and path segments (call ids may hold
//! `+` and `_`), small enough to ship in the widget.

/// Encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes a query-string part: `%XX`, and `+` as a space (form encoding).
pub fn percent_decode(text: &str) -> String {
    decode(text, true)
}

/// Decodes a path segment: `%XX` only; a `+` stays a `+` (call ids hold them).
pub fn percent_decode_path(text: &str) -> String {
    decode(text, false)
}

/// A malformed escape is kept as it is, and invalid UTF-8 becomes U+FFFD, so
/// the parsers after this see the problem.
fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_call_id_with_plus_is_encoded() {
        assert_eq!(
            percent_encode("call-_+31612345678_abc123"),
            "call-_%2B31612345678_abc123"
        );
    }

    #[test]
    fn a_path_keeps_its_plus() {
        assert_eq!(percent_decode_path("call-_%2B316+x"), "call-_+316+x");
    }

    #[test]
    fn a_malformed_escape_is_kept() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("a+b%2Bc"), "a b+c");
    }

    proptest! {
        #[test]
        fn encoding_then_decoding_is_the_identity(text in "\\PC*") {
            prop_assert_eq!(percent_decode(&percent_encode(&text)), text);
        }
    }
}
