//! The loader's words, from the widget's message tables: `cargo xtask
//! build` writes them into `callme.js`, so the launcher and the form the
//! loader draws before any wasm has arrived speak the page's language
//! without a second copy of a text.

use crate::i18n::{Lang, Msg, details_summary, t};

/// What the loader names each word, and the message it is.
const LOADER_WORDS: [(&str, Msg); 21] = [
    ("label", Msg::Launcher),
    ("loading", Msg::Loading),
    ("broken", Msg::Broken),
    ("reload", Msg::Reload),
    ("offline", Msg::Offline),
    ("retry", Msg::Retry),
    ("title", Msg::Title),
    ("close", Msg::Close),
    ("intro", Msg::Intro),
    ("country", Msg::Country),
    ("phone", Msg::Phone),
    ("hint", Msg::PhoneHint),
    ("consent", Msg::Consent),
    ("time", Msg::Time),
    ("now", Msg::CallNow),
    ("later", Msg::PickTime),
    ("name", Msg::Name),
    ("note", Msg::Note),
    ("submit", Msg::Submit),
    ("sending", Msg::Sending),
    ("book", Msg::BookTime),
];

/// The loader's table: `{"en":{"label":"Call me back",…},"nl":{…}}`.
pub fn loader_table() -> String {
    loader_table_of(&Lang::ALL)
}

/// The loader's table with only `languages` (the bench weighs what each
/// language adds to the loader against one with English alone).
pub fn loader_table_of(languages: &[Lang]) -> String {
    let languages: Vec<String> = languages
        .iter()
        .map(|&lang| {
            let mut words: Vec<String> = LOADER_WORDS
                .iter()
                .map(|&(key, msg)| format!("{}:{}", quote(key), quote(t(lang, msg))))
                .collect();
            words.push(format!(
                "{}:{}",
                quote("details"),
                quote(&details_summary(lang))
            ));
            format!("{}:{{{}}}", quote(lang.tag()), words.join(","))
        })
        .collect();
    format!("{{{}}}", languages.join(","))
}

/// A JSON string (which is also a JavaScript one).
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // U+2028/9 end a line in older JavaScript; `<` keeps `</script>` out.
            c if c < ' ' || c == '\u{2028}' || c == '\u{2029}' || c == '<' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_json_with_every_word_in_every_language() {
        let table: serde_json::Value = serde_json::from_str(&loader_table()).unwrap();
        for lang in Lang::ALL {
            let words = &table[lang.tag()];
            for (key, msg) in LOADER_WORDS {
                assert_eq!(words[key], t(lang, msg), "{key} in {}", lang.tag());
            }
            assert_eq!(words["details"], details_summary(lang));
        }
        assert_eq!(table["nl"]["label"], "Bel mij terug");
        assert_eq!(table["de"]["label"], "Rückruf anfordern");
    }

    #[test]
    fn quoting_keeps_quotes_controls_and_markup_inside_the_string() {
        let quoted = quote("a \"b\" \\ </script>\n\u{2028}");
        assert_eq!(
            serde_json::from_str::<String>(&quoted).unwrap(),
            "a \"b\" \\ </script>\n\u{2028}"
        );
        assert!(!quoted.contains('<'));
    }
}
