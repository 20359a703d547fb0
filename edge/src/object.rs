//! One protocol for the two Durable Objects (the Guard and the Scheduler):
//! each command is a type of its own with the answer it gets, so a caller
//! matches only the answers its command can have. On the wire, each
//! object's commands are one externally tagged enum (its vocabulary); the
//! object answers a command with that command's answer type, checked by
//! [`Reply::to`].

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Every command one object takes, as it travels.
pub trait Vocabulary: Serialize + DeserializeOwned {
    /// The object's binding in `wrangler.toml`.
    const BINDING: &'static str;
}

/// A command with its answer.
pub trait Command: Sized + Into<Self::Wire> {
    /// The object that takes it.
    type Wire: Vocabulary;
    /// What the object answers.
    type Answer: Serialize + DeserializeOwned;
}

/// An answer as it travels back (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply(pub Vec<u8>);

impl Reply {
    /// The answer to a `C`: only a `C::Answer` can be one.
    pub fn to<C: Command>(answer: &C::Answer) -> Self {
        // Serialising our own enums and structs cannot fail.
        Self(serde_json::to_vec(answer).unwrap_or_default())
    }
}

/// Makes each `Command => Answer` a command of the object whose vocabulary
/// is the enum `Wire` (one variant per command, named as it): the variant
/// it travels in and the answer it gets.
macro_rules! commands {
    ($wire:ident: $($command:ident => $answer:ty),* $(,)?) => {$(
        impl From<$command> for $wire {
            fn from(command: $command) -> Self {
                Self::$command(command)
            }
        }
        impl $crate::object::Command for $command {
            type Wire = $wire;
            type Answer = $answer;
        }
    )*};
}
pub(crate) use commands;
