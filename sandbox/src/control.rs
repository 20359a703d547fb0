//! Live call control (`POST /calls/{id}/control`): the four commands
//! `PLATFORM.md` documents, checked field by field; the limit of 10
//! commands a minute per call; and the log of accepted commands that
//! tests read at `GET /_sandbox/controls`.

use std::collections::{HashMap, VecDeque};

use callme_shared::PhoneNumber;
use serde::Serialize;
use serde_json::{Map, Value};

/// Commands one call accepts per [`WINDOW_MS`].
pub const PER_CALL_LIMIT: usize = 10;
/// The per-call limit's window. The docs say "a minute" without saying how
/// it moves; the sandbox uses a sliding minute over accepted commands.
pub const WINDOW_MS: i64 = 60_000;

/// One documented command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Adds text to the agent's context without speaking.
    InjectContext {
        /// The text.
        content: String,
        /// Whether the agent answers at once.
        trigger_response: bool,
    },
    /// The agent speaks the text, then hangs up if `end_after`.
    Say {
        /// The text.
        content: String,
        /// Hang up after speaking.
        end_after: bool,
    },
    /// Ends the call, after the optional last sentence.
    EndCall {
        /// The last sentence.
        message: Option<String>,
    },
    /// Hands the call to another number.
    Transfer {
        /// An E.164 number or a `sip:` URI.
        destination: String,
        /// What the agent says first.
        message: Option<String>,
    },
}

/// Why a command body is refused (400), naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The field, or none when the body itself is wrong.
    pub param: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

fn invalid(param: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        param: Some(param),
        message: message.into(),
    }
}

impl Command {
    /// Reads a command body. Fields the type does not use are ignored.
    ///
    /// # Errors
    /// [`Invalid`] for a body that is not a JSON object, an unknown type,
    /// or a missing or mistyped field.
    pub fn parse(body: &[u8]) -> Result<Self, Invalid> {
        let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
            return Err(Invalid {
                param: None,
                message: "Body must be a JSON object".into(),
            });
        };
        let kind = required_str(&fields, "type")?;
        match kind.as_str() {
            "inject-context" => Ok(Self::InjectContext {
                content: required_str(&fields, "content")?,
                trigger_response: required_bool(&fields, "trigger_response")?,
            }),
            "say" => Ok(Self::Say {
                content: required_str(&fields, "content")?,
                end_after: required_bool(&fields, "end_after")?,
            }),
            "end-call" => Ok(Self::EndCall {
                message: optional_str(&fields, "message")?,
            }),
            "transfer" => {
                let destination = required_str(&fields, "destination")?;
                if !is_destination(&destination) {
                    return Err(invalid(
                        "destination",
                        "destination must be an E.164 number or a sip: URI",
                    ));
                }
                Ok(Self::Transfer {
                    destination,
                    message: optional_str(&fields, "message")?,
                })
            }
            other => Err(invalid(
                "type",
                format!(
                    "Unknown command type {other:?}: use inject-context, say, end-call or transfer"
                ),
            )),
        }
    }

    /// The wire name of its type.
    pub fn name(&self) -> &'static str {
        match self {
            Self::InjectContext { .. } => "inject-context",
            Self::Say { .. } => "say",
            Self::EndCall { .. } => "end-call",
            Self::Transfer { .. } => "transfer",
        }
    }

    /// Whether it ends the call: `Some(true)` for a transfer, `Some(false)`
    /// for a hang-up.
    pub fn ends_call(&self) -> Option<bool> {
        match self {
            Self::InjectContext { .. }
            | Self::Say {
                end_after: false, ..
            } => None,
            Self::Say {
                end_after: true, ..
            }
            | Self::EndCall { .. } => Some(false),
            Self::Transfer { .. } => Some(true),
        }
    }

    /// What the agent says aloud, if anything.
    pub fn spoken(&self) -> Option<&str> {
        match self {
            Self::InjectContext { .. } => None,
            Self::Say { content, .. } => Some(content),
            Self::EndCall { message } | Self::Transfer { message, .. } => message.as_deref(),
        }
    }
}

fn required_str(fields: &Map<String, Value>, name: &'static str) -> Result<String, Invalid> {
    match fields.get(name) {
        Some(Value::String(text)) => Ok(text.clone()),
        None | Some(Value::Null) => Err(invalid(name, format!("{name} is required"))),
        Some(_) => Err(invalid(name, format!("{name} must be a string"))),
    }
}

fn required_bool(fields: &Map<String, Value>, name: &'static str) -> Result<bool, Invalid> {
    match fields.get(name) {
        Some(Value::Bool(flag)) => Ok(*flag),
        None | Some(Value::Null) => Err(invalid(name, format!("{name} is required"))),
        Some(_) => Err(invalid(name, format!("{name} must be a boolean"))),
    }
}

fn optional_str(
    fields: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<String>, Invalid> {
    match fields.get(name) {
        Some(Value::String(text)) => Ok(Some(text.clone())),
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err(invalid(name, format!("{name} must be a string"))),
    }
}

/// An E.164 number, or `sip:` followed by a user or host without spaces.
fn is_destination(text: &str) -> bool {
    match text.strip_prefix("sip:") {
        Some(rest) => {
            !rest.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => PhoneNumber::parse(text).is_ok(),
    }
}

/// One accepted command, as `GET /_sandbox/controls` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logged {
    /// The call it was for.
    pub call_id: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The body as received.
    pub body: Value,
    /// When it was accepted (Unix ms).
    pub at_ms: i64,
}

/// Accepted commands: the log, and per call the instants of the last
/// minute's commands for the limit.
#[derive(Debug, Default)]
pub struct Controls {
    log: Vec<Logged>,
    recent: HashMap<String, VecDeque<i64>>,
}

impl Controls {
    /// Whole seconds (at least 1) until `call_id` may send another command,
    /// when it has used its [`PER_CALL_LIMIT`] of the last minute.
    pub fn retry_after(&mut self, call_id: &str, now_ms: i64) -> Option<i64> {
        let recent = self.recent.get_mut(call_id)?;
        while recent.front().is_some_and(|&at| at <= now_ms - WINDOW_MS) {
            recent.pop_front();
        }
        let oldest = *recent.front()?;
        (recent.len() >= PER_CALL_LIMIT).then(|| {
            let wait_ms = oldest + WINDOW_MS - now_ms;
            ((wait_ms + 999) / 1_000).max(1)
        })
    }

    /// Keeps an accepted command.
    pub fn record(&mut self, call_id: &str, kind: &'static str, body: Value, now_ms: i64) {
        self.recent
            .entry(call_id.to_owned())
            .or_default()
            .push_back(now_ms);
        self.log.push(Logged {
            call_id: call_id.to_owned(),
            kind,
            body,
            at_ms: now_ms,
        });
    }

    /// The accepted commands, oldest first; only `call_id`'s when given.
    pub fn log(&self, call_id: Option<&str>) -> Vec<Logged> {
        self.log
            .iter()
            .filter(|logged| call_id.is_none_or(|id| logged.call_id == id))
            .cloned()
            .collect()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Command, Invalid> {
        Command::parse(body.as_bytes())
    }

    #[test]
    fn each_documented_command_parses() {
        let cases = [
            (
                r#"{"type":"inject-context","content":"VIP","trigger_response":false}"#,
                "inject-context",
                None,
            ),
            (
                r#"{"type":"say","content":"Tot ziens","end_after":true}"#,
                "say",
                Some(false),
            ),
            (r#"{"type":"end-call"}"#, "end-call", Some(false)),
            (
                r#"{"type":"transfer","destination":"sip:desk@example.com","message":"Moment"}"#,
                "transfer",
                Some(true),
            ),
        ];
        for (body, name, ends) in cases {
            let command = parse(body).unwrap();
            assert_eq!(
                (command.name(), command.ends_call()),
                (name, ends),
                "{body}"
            );
        }
    }

    #[test]
    fn a_bad_field_is_named() {
        let cases = [
            (r#"{"content":"x"}"#, Some("type")),
            (r#"{"type":"mute"}"#, Some("type")),
            (r#"{"type":"say","end_after":true}"#, Some("content")),
            (r#"{"type":"say","content":"x"}"#, Some("end_after")),
            (
                r#"{"type":"say","content":"x","end_after":"yes"}"#,
                Some("end_after"),
            ),
            (
                r#"{"type":"inject-context","content":1,"trigger_response":true}"#,
                Some("content"),
            ),
            (r#"{"type":"end-call","message":5}"#, Some("message")),
            (r#"{"type":"transfer"}"#, Some("destination")),
            (
                r#"{"type":"transfer","destination":"0612345678"}"#,
                Some("destination"),
            ),
            (
                r#"{"type":"transfer","destination":"sip:"}"#,
                Some("destination"),
            ),
            ("hangup", None),
            ("[1]", None),
        ];
        for (body, param) in cases {
            assert_eq!(parse(body).unwrap_err().param, param, "{body}");
        }
    }

    #[test]
    fn the_eleventh_command_in_a_minute_waits_for_the_oldest() {
        let mut controls = Controls::default();
        for n in 0..10 {
            assert_eq!(controls.retry_after("c", 1_000 + n), None);
            controls.record("c", "say", Value::Null, 1_000 + n);
        }
        assert_eq!(controls.retry_after("c", 31_000), Some(30));
        assert_eq!(controls.retry_after("other", 31_000), None);
        assert_eq!(controls.retry_after("c", 61_000), None);
        assert_eq!(controls.log(Some("c")).len(), 10);
        assert!(controls.log(Some("other")).is_empty());
    }
}
