//! The conversions every text newtype has, from one macro: `TryFrom<String>`
//! (through its parser, so serde's `try_from` runs the rules), `From<T> for
//! String`, `AsRef<str>` and `Display`. Each type keeps its own `parse` and
//! `as_str`; this only writes the four impls that follow from them.

/// `text_conversions!(Type, ErrorType, |value: Type| -> String)`: the last
/// argument turns the value into its text without copying where it can.
macro_rules! text_conversions {
    ($name:ident, $error:ty, $into_string:expr) => {
        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                let into_string: fn($name) -> String = $into_string;
                into_string(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
