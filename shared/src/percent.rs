//! Percent-encoding for query strings and path segments (call ids may hold
//! `+` and `_`), small enough to ship in the widget. Decoding is not here:
//! the edge reads queries with `url` (WHATWG form decoding), which the
//! Workers crate links anyway.

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

    proptest! {
        /// Checked against an independent decoder: the WHATWG form
        /// decoding the edge (and every browser) applies.
        #[test]
        fn the_whatwg_decoder_reads_back_what_was_encoded(text in "\\PC*") {
            let query = format!("k={}", percent_encode(&text));
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            prop_assert_eq!(pairs, vec![("k".to_owned(), text)]);
        }
    }
}
