//! The shared parsers on arbitrary text: none panics, and every value they
//! accept survives serde and re-parsing unchanged.
#![no_main]

use callme_shared::{
    CallsQuery, CountryCode, PhoneNumber, Timestamp, VisitorName, VisitorNote, normalize,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(phone) = PhoneNumber::parse(text) {
        let json = serde_json::to_string(&phone).unwrap();
        assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), phone);
        assert_eq!(PhoneNumber::parse(phone.as_str()).unwrap(), phone);
    }
    for country in [None, CountryCode::parse("NL").ok(), CountryCode::parse("US").ok()] {
        if let Ok(phone) = normalize(text, country) {
            // What normalisation gives is strict E.164, and a fixed point.
            assert_eq!(PhoneNumber::parse(phone.as_str()).unwrap(), phone);
            assert_eq!(normalize(phone.as_str(), country).unwrap(), phone);
        }
    }
    if let Ok(stamp) = Timestamp::parse(text) {
        let again = Timestamp::from_unix_millis(stamp.unix_millis());
        assert_eq!(again.unix_millis(), stamp.unix_millis());
        assert_eq!(Timestamp::parse(again.as_str()).unwrap().unix_millis(), stamp.unix_millis());
    }
    let _ = CallsQuery::from_pairs(form_urlencoded::parse(text.as_bytes()));
    if let Ok(name) = VisitorName::parse(text) {
        assert_eq!(VisitorName::parse(name.as_str()).unwrap(), name);
    }
    if let Ok(note) = VisitorNote::parse(text) {
        assert_eq!(VisitorNote::parse(note.as_str()).unwrap(), note);
    }
});
