//! A wasm module that uses every parser of `callme-shared` (feature
//! `shared`), or none (the baseline), so `cargo xtask bench` can weigh what
//! the crate adds to a wasm build. It is measured, never run.

/// Reads the UTF-8 string the host wrote into linear memory.
#[allow(unsafe_code)]
fn input<'a>(ptr: *const u8, len: usize) -> &'a str {
    // SAFETY: the (never-run) host passes a live buffer of `len` bytes.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// Runs the parser chosen by `which` and returns a length that depends on
/// its result, so nothing is optimised away.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn probe(which: u32, ptr: *const u8, len: usize) -> usize {
    run(which, input(ptr, len))
}

#[cfg(not(feature = "shared"))]
fn run(which: u32, text: &str) -> usize {
    text.trim().to_owned().len() + usize::try_from(which).unwrap_or(0)
}

#[cfg(feature = "shared")]
fn run(which: u32, text: &str) -> usize {
    use callme_shared::{
        AgentAlias, AgentId, CallStatus, CallsQuery, CountryCode, FieldError, Locale, PhoneNumber,
        Timestamp, VisitorName, VisitorNote, normalize,
    };
    let code = |e: &dyn FieldError| e.code().as_str().len() + e.to_string().len();
    match which {
        0 => PhoneNumber::parse(text).map_or_else(|e| code(&e), |p| p.masked().len()),
        1 => normalize(text, CountryCode::parse("NL").ok())
            .map_or_else(|e| code(&e), |p| p.as_str().len()),
        2 => CallsQuery::from_pairs(text.split('&').filter_map(|p| p.split_once('=')))
            .map_or_else(|e| code(&e), |q| q.to_query_string().len()),
        3 => Timestamp::parse(text).map_or_else(
            |e| code(&e),
            |t| Timestamp::from_unix_millis(t.unix_millis()).as_str().len(),
        ),
        4 => VisitorName::parse(text).map_or_else(|e| code(&e), |n| n.as_str().len()),
        5 => VisitorNote::parse(text).map_or_else(|e| code(&e), |n| n.as_str().len()),
        6 => AgentId::parse(text).map_or_else(|e| code(&e), |a| a.as_str().len()),
        7 => AgentAlias::parse(text).map_or_else(|e| code(&e), |a| a.as_str().len()),
        8 => Locale::parse(text).map_or_else(|e| code(&e), |l| l.language().len()),
        _ => CallStatus::from_wire(text).as_str().len(),
    }
}
