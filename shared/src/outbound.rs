//! `POST /calls/outbound`: the platform's request and answer.

use serde::{Deserialize, Serialize};

use crate::{AgentId, CallId, PhoneNumber};

/// "Make your AI agent call someone." Only the edge builds these, from
/// configuration plus a validated destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundCallRequest {
    /// The number to call.
    pub destination: PhoneNumber,
    /// The agent that places the call.
    pub agent_id: AgentId,
    /// A custom greeting, overriding the agent's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_message: Option<String>,
    /// Extra context for the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// The platform's answer to an outbound request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundCallResponse {
    /// Whether the call was started.
    pub success: bool,
    /// The new call's id, as it will appear in the history.
    pub call_id: CallId,
    /// The media room of the call.
    #[serde(default)]
    pub room_name: Option<String>,
    /// `dialing` when the call was just started; not one of the list statuses.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_answer_parses_exactly() {
        let json = r#"{ "success": true, "call_id": "call-outbound-abc123", "room_name": "outbound-abc12345", "status": "dialing" }"#;
        let answer: OutboundCallResponse = serde_json::from_str(json).unwrap();
        assert!(answer.success);
        assert_eq!(answer.call_id.as_str(), "call-outbound-abc123");
        assert_eq!(answer.room_name.as_deref(), Some("outbound-abc12345"));
        assert_eq!(answer.status, "dialing");
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_value(&answer).unwrap(), original);
    }

    #[test]
    fn a_request_leaves_out_what_it_does_not_set() {
        let request = OutboundCallRequest {
            destination: PhoneNumber::parse("+31612345678").unwrap(),
            agent_id: AgentId::parse("3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b").unwrap(),
            first_message: None,
            context: Some("Visitor asked for a callback.".into()),
        };
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"destination":"+31612345678","agent_id":"3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b","context":"Visitor asked for a callback."}"#
        );
    }

    #[test]
    fn a_request_with_a_bad_destination_does_not_parse() {
        let json =
            r#"{"destination":"0612345678","agent_id":"3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b"}"#;
        assert!(serde_json::from_str::<OutboundCallRequest>(json).is_err());
    }
}
