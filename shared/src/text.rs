//! Bounded plain text a visitor may add to a callback: `VisitorName` and
//! `VisitorNote`.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// Why a visitor's text was refused; the field says which input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Only whitespace was given.
    #[error("The {field} is empty.")]
    Empty {
        /// `name` or `note`.
        field: &'static str,
    },
    /// Longer than the field allows, counted in characters.
    #[error("The {field} is too long: at most {max} characters.")]
    TooLong {
        /// `name` or `note`.
        field: &'static str,
        /// The most characters allowed.
        max: usize,
    },
    /// A control character (other than a line break in a note).
    #[error("The {field} contains an invisible control character.")]
    ControlCharacter {
        /// `name` or `note`.
        field: &'static str,
    },
    /// A bidirectional override, isolate or mark, which can make text read
    /// differently from what it is.
    #[error("The {field} contains a text-direction override character.")]
    BidiOverride {
        /// `name` or `note`.
        field: &'static str,
    },
    /// An invisible character (line or paragraph separator, zero-width or
    /// other format character, tag character): text that a person cannot
    /// see but the agent would read.
    #[error("The {field} contains an invisible character.")]
    InvisibleCharacter {
        /// `name` or `note`.
        field: &'static str,
    },
}

impl FieldError for TextError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Empty { .. } => ErrorCode::TextEmpty,
            Self::TooLong { .. } => ErrorCode::TextTooLong,
            Self::ControlCharacter { .. } => ErrorCode::TextControlCharacter,
            Self::BidiOverride { .. } => ErrorCode::TextBidiOverride,
            Self::InvisibleCharacter { .. } => ErrorCode::TextInvisibleCharacter,
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Empty { field }
            | Self::TooLong { field, .. }
            | Self::ControlCharacter { field }
            | Self::BidiOverride { field }
            | Self::InvisibleCharacter { field } => Some(field),
        }
    }
}

/// The rules of one text field.
struct TextRules {
    field: &'static str,
    max_chars: usize,
    allows_line_breaks: bool,
}

/// U+202A..U+202E (embeddings and overrides), U+2066..U+2069 (isolates)
/// and the marks U+200E, U+200F and U+061C.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}

/// Characters a person does not see but a language model reads: the line
/// and paragraph separators, Unicode's format characters (category Cf, as
/// of Unicode 16) except the zero-width joiner and non-joiner (which
/// Persian and Indic names and emoji sequences need), the variation
/// selectors beyond the two that emoji use, and the Hangul fillers that
/// pass for blank names. Tag characters (U+E0000..) and supplementary
/// variation selectors are a known way to smuggle hidden text to an agent.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{2028}' | '\u{2029}'
            | '\u{00ad}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08e2}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206a}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{fe00}'..='\u{fe0d}'
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}'
            | '\u{110bd}' | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}'
            | '\u{e0100}'..='\u{e01ef}'
    )
}

impl TextRules {
    /// Trims surrounding whitespace, then checks the rules.
    fn check(&self, input: &str) -> Result<String, TextError> {
        let field = self.field;
        let text = input.trim();
        if text.is_empty() {
            return Err(TextError::Empty { field });
        }
        for c in text.chars() {
            if c.is_control() && !(self.allows_line_breaks && c == '\n') {
                return Err(TextError::ControlCharacter { field });
            }
            if is_bidi_control(c) {
                return Err(TextError::BidiOverride { field });
            }
            if is_invisible(c) {
                return Err(TextError::InvisibleCharacter { field });
            }
        }
        if text.chars().count() > self.max_chars {
            return Err(TextError::TooLong {
                field,
                max: self.max_chars,
            });
        }
        Ok(text.to_owned())
    }
}

/// Declares a text newtype with its rules and the usual doors.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal, $line_breaks:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The most characters (not bytes) allowed.
            pub const MAX_CHARS: usize = $max;
            const RULES: TextRules = TextRules {
                field: $field,
                max_chars: $max,
                allows_line_breaks: $line_breaks,
            };

            /// Trims the input and checks it.
            ///
            /// # Errors
            /// A [`TextError`] naming the broken rule and this field.
            pub fn parse(input: &str) -> Result<Self, TextError> {
                Self::RULES.check(input).map(Self)
            }

            /// The text, trimmed.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        text_conversions!($name, TextError, |value| value.0);
    };
}

bounded_text!(
    /// The visitor's name: one line, at most 80 characters.
    VisitorName,
    "name",
    80,
    false
);

bounded_text!(
    /// The visitor's note: at most 500 characters; line breaks are allowed.
    VisitorNote,
    "note",
    500,
    true
);

bounded_text!(
    /// What the visitor types for the agent during the call (`text`): the
    /// rules of the callback's note.
    CallNote,
    "text",
    500,
    true
);

bounded_text!(
    /// Words an operator has the agent speak into a live call (`content`).
    SpokenText,
    "content",
    300,
    true
);

bounded_text!(
    /// The agent's last sentence before ending or transferring a call
    /// (`message`): one line.
    ControlMessage,
    "message",
    300,
    false
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(VisitorName::parse("  Ada  ").unwrap().as_str(), "Ada");
    }

    #[test]
    fn eighty_characters_is_the_longest_name() {
        assert!(VisitorName::parse(&"é".repeat(80)).is_ok());
        assert_eq!(
            VisitorName::parse(&"é".repeat(81)),
            Err(TextError::TooLong {
                field: "name",
                max: 80
            })
        );
    }

    #[test]
    fn five_hundred_characters_is_the_longest_note() {
        assert!(VisitorNote::parse(&"x".repeat(500)).is_ok());
        assert_eq!(
            VisitorNote::parse(&"x".repeat(501))
                .unwrap_err()
                .code()
                .as_str(),
            "text_too_long"
        );
    }

    #[test]
    fn a_blank_name_is_rejected() {
        assert_eq!(
            VisitorName::parse(" \t "),
            Err(TextError::Empty { field: "name" })
        );
    }

    #[test]
    fn a_note_may_span_lines_but_a_name_may_not() {
        assert!(VisitorNote::parse("line one\nline two").is_ok());
        assert_eq!(
            VisitorName::parse("Ada\nLovelace"),
            Err(TextError::ControlCharacter { field: "name" })
        );
    }

    #[test]
    fn control_characters_are_rejected() {
        for bad in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{1b}[31mb",
            "a\rb",
            "a\u{85}b",
            "a\tb",
        ] {
            assert_eq!(
                VisitorNote::parse(bad),
                Err(TextError::ControlCharacter { field: "note" }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn bidi_overrides_and_isolates_are_rejected() {
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2069}',
        ] {
            assert_eq!(
                VisitorName::parse(&format!("Ada{c}x")),
                Err(TextError::BidiOverride { field: "name" }),
                "{c:?}"
            );
        }
    }

    #[test]
    fn bidi_marks_are_rejected_like_overrides() {
        for c in ['\u{200e}', '\u{200f}', '\u{061c}'] {
            assert_eq!(
                VisitorNote::parse(&format!("call{c} me")),
                Err(TextError::BidiOverride { field: "note" }),
                "{c:?}"
            );
        }
    }

    #[test]
    fn invisible_characters_are_rejected_in_name_and_note() {
        for c in [
            '\u{2028}',
            '\u{2029}',
            '\u{200b}',
            '\u{2060}',
            '\u{feff}',
            '\u{00ad}',
            '\u{e0041}',
            '\u{e007f}',
            '\u{e0100}',
            '\u{3164}',
            '\u{180e}',
            '\u{fff9}',
        ] {
            assert_eq!(
                VisitorName::parse(&format!("Ada{c}Lovelace")),
                Err(TextError::InvisibleCharacter { field: "name" }),
                "{c:?}"
            );
            assert_eq!(
                VisitorNote::parse(&format!("please{c} call")),
                Err(TextError::InvisibleCharacter { field: "note" }),
                "{c:?}"
            );
        }
    }

    #[test]
    fn joiners_and_emoji_variation_selectors_are_text() {
        // Persian names need ZWNJ; emoji sequences need ZWJ and VS16.
        for text in [
            "می\u{200c}خواهم",
            "👩\u{200d}💻 dev",
            "I \u{2764}\u{fe0f} this",
        ] {
            assert!(VisitorNote::parse(text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn markup_is_plain_text_and_allowed() {
        let note = VisitorNote::parse("<b>hi</b> & <script>").unwrap();
        assert_eq!(note.as_str(), "<b>hi</b> & <script>");
    }

    proptest! {
        #[test]
        fn valid_names_round_trip_through_serde(name in "[A-Za-zÀ-ÿ' .-]{0,70}[A-Za-z]") {
            let parsed = VisitorName::parse(&name).unwrap();
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<VisitorName>(&json).unwrap(), parsed);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = VisitorName::parse(&input);
            let _ = VisitorNote::parse(&input);
        }
    }
}
