//! `AgentId` (the platform's agent UUID) and `AgentAlias` (the public name a
//! site uses for an agent; only the edge maps one to the other).

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// The platform's agent id: a UUID in canonical 8-4-4-4-12 hex form, kept in
/// lower case. Only configuration supplies these; a visitor never does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgentId(String);

/// Why a string is not an agent UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentIdError {
    /// Not 36 characters in 8-4-4-4-12 groups.
    #[error("An agent id is a UUID like 3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b.")]
    NotUuidShape,
    /// A character that is not a hexadecimal digit where one is needed.
    #[error("An agent id may only contain hexadecimal digits and dashes.")]
    NotHex,
}

impl FieldError for AgentIdError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotUuidShape => ErrorCode::AgentIdNotUuid,
            Self::NotHex => ErrorCode::AgentIdNotHex,
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some("agent_id")
    }
}

impl AgentId {
    /// Parses a UUID (any case), keeping it in lower case.
    ///
    /// # Errors
    /// An [`AgentIdError`] when the shape or the digits are wrong.
    pub fn parse(input: &str) -> Result<Self, AgentIdError> {
        const DASHES: [usize; 4] = [8, 13, 18, 23];
        if input.len() != 36 || !input.is_ascii() {
            return Err(AgentIdError::NotUuidShape);
        }
        for (i, byte) in input.bytes().enumerate() {
            let is_dash_position = DASHES.contains(&i);
            match (is_dash_position, byte) {
                (true, b'-') => {}
                (true, _) | (false, b'-') => return Err(AgentIdError::NotUuidShape),
                (false, b) if b.is_ascii_hexdigit() => {}
                (false, _) => return Err(AgentIdError::NotHex),
            }
        }
        Ok(Self(input.to_ascii_lowercase()))
    }

    /// The UUID as lower-case text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(AgentId, AgentIdError, |value| value.0);

/// The public name of an agent (`support`, `sales`): 1 to 32 characters of
/// `a-z`, `0-9`, `-` and `_`, starting with a letter. Upper case is folded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgentAlias(String);

/// Why a string is not an agent alias.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentAliasError {
    /// Nothing was given.
    #[error("The agent name is empty.")]
    Empty,
    /// More than 32 characters.
    #[error("The agent name is longer than 32 characters.")]
    TooLong,
    /// Starts with something else than a letter.
    #[error("The agent name must start with a letter.")]
    NotStartingWithLetter,
    /// A character outside `a-z 0-9 - _`.
    #[error("The agent name may only contain letters, digits, - and _.")]
    InvalidCharacter,
}

impl FieldError for AgentAliasError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::AgentEmpty,
            Self::TooLong => ErrorCode::AgentTooLong,
            Self::NotStartingWithLetter => ErrorCode::AgentNotStartingWithLetter,
            Self::InvalidCharacter => ErrorCode::AgentInvalidCharacter,
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some("agent")
    }
}

impl AgentAlias {
    /// The longest alias.
    pub const MAX_CHARS: usize = 32;

    /// Parses an alias, folding ASCII upper case to lower case.
    ///
    /// # Errors
    /// An [`AgentAliasError`] naming the broken rule.
    pub fn parse(input: &str) -> Result<Self, AgentAliasError> {
        let first = input.chars().next().ok_or(AgentAliasError::Empty)?;
        if input.chars().count() > Self::MAX_CHARS {
            return Err(AgentAliasError::TooLong);
        }
        if !first.is_ascii_alphabetic() {
            return Err(AgentAliasError::NotStartingWithLetter);
        }
        if !input
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(AgentAliasError::InvalidCharacter);
        }
        Ok(Self(input.to_ascii_lowercase()))
    }

    /// The alias as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(AgentAlias, AgentAliasError, |value| value.0);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_uuid_in_upper_case_is_kept_in_lower_case() {
        let id = AgentId::parse("3F2B8C1E-9D4A-4E6F-8A7B-1C2D3E4F5A6B").unwrap();
        assert_eq!(id.as_str(), "3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b");
    }

    #[test]
    fn malformed_uuids_are_rejected() {
        use AgentIdError::*;
        let cases = [
            ("", NotUuidShape),
            ("3f2b8c1e9d4a4e6f8a7b1c2d3e4f5a6b", NotUuidShape),
            ("3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6", NotUuidShape),
            ("3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6bb", NotUuidShape),
            ("3f2b8c1e-9d4a-4e6f-8a7b1-c2d3e4f5a6b", NotUuidShape),
            ("{3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a}", NotHex),
            ("3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6g", NotHex),
            ("3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6é", NotUuidShape),
            ("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", NotHex),
        ];
        for (input, expected) in cases {
            assert_eq!(AgentId::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn an_alias_is_folded_to_lower_case() {
        assert_eq!(AgentAlias::parse("Support").unwrap().as_str(), "support");
    }

    #[test]
    fn bad_aliases_are_rejected() {
        use AgentAliasError::*;
        let long = "a".repeat(33);
        let cases = [
            ("", Empty),
            (long.as_str(), TooLong),
            ("1st", NotStartingWithLetter),
            ("-x", NotStartingWithLetter),
            ("sales team", InvalidCharacter),
            ("sales/..", InvalidCharacter),
            ("ventes-é", InvalidCharacter),
        ];
        for (input, expected) in cases {
            assert_eq!(AgentAlias::parse(input), Err(expected), "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn valid_ids_round_trip_through_serde(
            id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ) {
            let parsed = AgentId::parse(&id).unwrap();
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<AgentId>(&json).unwrap(), parsed);
        }

        #[test]
        fn valid_aliases_round_trip_through_serde(alias in "[a-z][a-z0-9_-]{0,31}") {
            let parsed = AgentAlias::parse(&alias).unwrap();
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<AgentAlias>(&json).unwrap(), parsed);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = AgentId::parse(&input);
            let _ = AgentAlias::parse(&input);
        }
    }
}
