//! Live call control as the widget sees it, without a browser: whether a
//! portal token may control calls (its payload read, never verified: the
//! edge decides, this only says whether to offer the controls), the aliases
//! a portal may transfer to, the commands an operator sends, and which calls
//! of a page are live. Natively tested.

use callme_shared::{AgentAlias, Call, CallStatus, SpokenText};

use crate::i18n::{Lang, Msg, t, transfer_to};
use crate::model::escape_into;

/// The scope that lets a portal token control live calls.
pub const CONTROL_SCOPE: &str = "calls:control";

/// How often the portal reads its page again while a call on it is live:
/// twelve reads a minute, well inside the edge's default of 30 a minute
/// per token (`RATE_LIMIT_HISTORY`), which commands count against too.
pub const LIVE_POLL_MS: u32 = 5_000;

/// How long after a command the portal reads its page again: the platform's
/// event about it reaches the edge's record within about a second.
pub const AFTER_COMMAND_MS: u32 = 1_500;

/// A token's `scope` claim: a space-separated string (OAuth style) or an
/// array of strings, read as the edge reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// `"calls:read calls:control"`.
    Text(String),
    /// `["calls:read", "calls:control"]`.
    List(Vec<String>),
    /// Absent, or of another type.
    #[default]
    None,
}

impl Scope {
    /// Whether it grants `calls:control`: one of the words of a string, or
    /// one whole item of an array (as the edge checks).
    pub fn grants_control(&self) -> bool {
        match self {
            Self::Text(text) => text.split_whitespace().any(|s| s == CONTROL_SCOPE),
            Self::List(list) => list.iter().any(|s| s == CONTROL_SCOPE),
            Self::None => false,
        }
    }
}

/// The JSON text of a JWT's payload (its second part, base64url), or
/// `None` when the token is not shaped like one. The signature is not
/// checked: the edge checks it on every request.
pub fn token_payload(token: &str) -> Option<String> {
    let mut parts = token.trim().split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    String::from_utf8(base64url_decode(payload)?).ok()
}

/// Decodes unpadded (or padded) base64url; `None` for any other character
/// or an impossible length.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // The eight bits above `bits`: a byte by construction.
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The aliases of a `transfer-targets` attribute (`"sales,desk"`), in its
/// order, each once; what is not an alias is left out (the edge would
/// refuse it as `transfer_target_unknown`).
pub fn transfer_targets(attribute: &str) -> Vec<AgentAlias> {
    let mut targets: Vec<AgentAlias> = Vec::new();
    for item in attribute.split(',') {
        if let Ok(alias) = AgentAlias::parse(item.trim())
            && !targets.contains(&alias)
        {
            targets.push(alias);
        }
    }
    targets
}

/// What an operator sends into a live call
/// (`POST /api/calls/{id}/control`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `{"type": "end-call"}`.
    EndCall,
    /// `{"type": "transfer", "to": alias}`.
    Transfer(AgentAlias),
    /// `{"type": "say", "content": words}`.
    Say(SpokenText),
}

impl Command {
    /// The `type` on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::EndCall => "end-call",
            Self::Transfer(_) => "transfer",
            Self::Say(_) => "say",
        }
    }

    /// The command's one other field, as (name, value), if it has one.
    pub fn field(&self) -> Option<(&'static str, &str)> {
        match self {
            Self::EndCall => None,
            Self::Transfer(to) => Some(("to", to.as_str())),
            Self::Say(words) => Some(("content", words.as_str())),
        }
    }
}

/// The calls of a page an operator may control: those in progress, in the
/// page's order (newest first).
pub fn live_calls(calls: &[Call]) -> Vec<&Call> {
    calls
        .iter()
        .filter(|call| call.status == CallStatus::InProgress)
        .collect()
}

/// Appends the inside of a live call's list item as HTML, every text from
/// the network escaped: who and since when (`since`, its local start),
/// "End call" with its confirmation (hidden), "Transfer to …" per alias,
/// "Say …" (a field of at most [`SpokenText::MAX_CHARS`] and its button),
/// the status region that says what became of the last command, and the
/// `commands` sent into the call so far (their lines).
pub fn live_call_html(
    html: &mut String,
    call: &Call,
    since: &str,
    commands: &[String],
    targets: &[AgentAlias],
    lang: Lang,
) {
    let button = |html: &mut String, testid: &str, text: &str| {
        html.push_str("<button type=\"button\" class=\"secondary\" data-testid=\"");
        html.push_str(testid);
        html.push_str("\">");
        escape_into(html, text);
        html.push_str("</button>");
    };
    html.push_str("<p class=\"who\"><span class=\"number\">");
    escape_into(html, &crate::model::shown_number(&call.caller_phone));
    html.push_str("</span>");
    if let Some(agent) = call.agent_name.as_deref().filter(|a| !a.is_empty()) {
        html.push_str(" · ");
        escape_into(html, agent);
    }
    html.push_str(" · ");
    escape_into(html, since);
    html.push_str("</p><div class=\"actions\">");
    button(html, "end-call", t(lang, Msg::EndCall));
    html.push_str("<div class=\"confirm\" role=\"group\" aria-label=\"");
    escape_into(html, t(lang, Msg::EndConfirm));
    html.push_str("\" data-testid=\"end-confirm\" hidden><span>");
    escape_into(html, t(lang, Msg::EndConfirm));
    html.push_str("</span>");
    button(html, "end-yes", t(lang, Msg::Yes));
    button(html, "end-no", t(lang, Msg::No));
    html.push_str("</div>");
    for alias in targets {
        html.push_str(
            "<button type=\"button\" class=\"secondary\" data-testid=\"transfer\" data-to=\"",
        );
        escape_into(html, alias.as_str());
        html.push_str("\">");
        escape_into(html, &transfer_to(lang, alias.as_str()));
        html.push_str("</button>");
    }
    html.push_str("</div><form class=\"say\" novalidate data-testid=\"say-form\"><label><span>");
    escape_into(html, t(lang, Msg::SayLabel));
    html.push_str("</span><input type=\"text\" maxlength=\"");
    html.push_str(&SpokenText::MAX_CHARS.to_string());
    html.push_str("\" autocomplete=\"off\" part=\"input\" data-testid=\"say-text\" aria-invalid=\"false\"></label><button type=\"submit\" class=\"secondary\" data-testid=\"say\">");
    escape_into(html, t(lang, Msg::Say));
    html.push_str("</button></form><p class=\"message\" role=\"status\" data-testid=\"control-message\"></p><ul class=\"commands\" aria-label=\"");
    escape_into(html, t(lang, Msg::Commands));
    html.push_str("\" data-testid=\"commands\"");
    if commands.is_empty() {
        html.push_str(" hidden");
    }
    html.push('>');
    commands_html(html, commands);
    html.push_str("</ul>");
}

/// Appends the lines of the commands sent into a call as list items,
/// escaped.
pub fn commands_html(html: &mut String, commands: &[String]) {
    for line in commands {
        html.push_str("<li>");
        escape_into(html, line);
        html.push_str("</li>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// base64url without padding, as JWT libraries write it.
    fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0_u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.signature",
            encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            encode(payload.as_bytes())
        )
    }

    #[test]
    fn a_tokens_payload_is_read_whatever_its_length() {
        for payload in [
            r#"{"scope":"calls:read calls:control","sub":"op-ada"}"#,
            r#"{"sub":"Zoë ✓"}"#,
            "{}",
            r#"{"a":1}"#,
            r#"{"ab":12}"#,
        ] {
            assert_eq!(token_payload(&token(payload)).as_deref(), Some(payload));
        }
    }

    #[test]
    fn a_padded_payload_is_read_too() {
        let padded = format!("h.{}==.s", encode(b"{\"a\":1}"));
        assert_eq!(token_payload(&padded).as_deref(), Some("{\"a\":1}"));
    }

    #[test]
    fn what_is_not_a_jwt_has_no_payload() {
        for bad in [
            String::new(),
            "no-dots".into(),
            "two.parts".into(),
            "a.b.c.d".into(),
            "h.not+base64/url.s".into(),
            "h.A.s".into(),
            format!("h.{}.s", encode(&[0xff, 0xfe])),
        ] {
            assert_eq!(token_payload(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn control_is_granted_by_a_word_of_the_scope_or_an_item_of_the_list() {
        let text = |s: &str| Scope::Text(s.into());
        let list = |items: &[&str]| Scope::List(items.iter().map(|s| (*s).to_owned()).collect());
        assert!(text("calls:read calls:control").grants_control());
        assert!(text("calls:control").grants_control());
        assert!(text(" calls:read\tcalls:control ").grants_control());
        assert!(list(&["calls:read", "calls:control"]).grants_control());
        for refused in [
            text("calls:read"),
            text("calls:controls"),
            text("calls:read,calls:control"),
            text("CALLS:CONTROL"),
            text(""),
            // An item is one scope, as the edge reads it.
            list(&["calls:read calls:control"]),
            list(&[]),
            Scope::None,
        ] {
            assert!(!refused.grants_control(), "{refused:?}");
        }
    }

    #[test]
    fn transfer_targets_are_aliases_each_once_in_order() {
        let names = |attribute: &str| -> Vec<String> {
            transfer_targets(attribute)
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect()
        };
        assert_eq!(names("sales,desk"), ["sales", "desk"]);
        assert_eq!(names(" sales , desk,sales,"), ["sales", "desk"]);
        assert_eq!(names("sales desk"), Vec::<String>::new(), "comma separated");
        assert_eq!(names("sales,+31201234567,<b>,"), ["sales"]);
        assert!(names("").is_empty());
    }

    #[test]
    fn each_command_has_its_type_and_one_field_at_most() {
        let sales = AgentAlias::parse("sales").unwrap();
        let words = SpokenText::parse("  One moment, please. ").unwrap();
        assert_eq!(
            (Command::EndCall.kind(), Command::EndCall.field()),
            ("end-call", None)
        );
        let transfer = Command::Transfer(sales);
        assert_eq!(
            (transfer.kind(), transfer.field()),
            ("transfer", Some(("to", "sales")))
        );
        let say = Command::Say(words);
        assert_eq!(
            (say.kind(), say.field()),
            ("say", Some(("content", "One moment, please.")))
        );
    }

    #[test]
    fn only_calls_in_progress_are_live() {
        let call = |id: &str, status: &str| -> Call {
            serde_json::from_value(serde_json::json!({
                "id": id, "caller_phone": "+31612345678", "status": status,
                "created_at": "2025-12-13T10:00:00.000Z", "updated_at": "2025-12-13T10:00:00.000Z",
            }))
            .unwrap()
        };
        let calls = [
            call("a", "in-progress"),
            call("b", "connecting"),
            call("c", "ended"),
            call("d", "transferred"),
            call("e", "in-progress"),
        ];
        let ids: Vec<&str> = live_calls(&calls).iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "e"]);
    }

    fn hostile_call() -> Call {
        serde_json::from_value(serde_json::json!({
            "id": "call-1", "caller_phone": "+31<b>6</b>", "status": "in-progress",
            "agent_name": "\"><script>x()</script>",
            "created_at": "2025-12-13T10:00:00.000Z", "updated_at": "2025-12-13T10:00:00.000Z",
        }))
        .unwrap()
    }

    #[test]
    fn a_live_call_carries_every_text_escaped_and_a_button_per_alias() {
        let targets = transfer_targets("sales,desk");
        let commands = ["Ended by <i>op</i>, 10:42".to_owned()];
        let mut html = String::new();
        live_call_html(
            &mut html,
            &hostile_call(),
            "13 Dec 2025, 10:41",
            &commands,
            &targets,
            Lang::En,
        );
        assert!(html.starts_with(
            "<p class=\"who\"><span class=\"number\">+31&lt;b&gt;6&lt;/b&gt;</span> · &quot;&gt;&lt;script&gt;x()&lt;/script&gt; · 13 Dec 2025, 10:41</p>"
        ));
        assert!(!html.contains("<script") && !html.contains("<b>") && !html.contains("<i>"));
        assert!(html.contains("<li>Ended by &lt;i&gt;op&lt;/i&gt;, 10:42</li>"));
        assert!(
            html.contains("data-testid=\"transfer\" data-to=\"sales\">Transfer to sales</button>")
        );
        assert!(
            html.contains("data-testid=\"transfer\" data-to=\"desk\">Transfer to desk</button>")
        );
        assert!(html.contains("data-testid=\"end-call\">End call</button>"));
        // The confirmation waits, hidden, until "End call" is pressed.
        assert!(html.contains("aria-label=\"End this call?\" data-testid=\"end-confirm\" hidden>"));
        assert!(html.contains("maxlength=\"300\""));
        assert!(html.contains("data-testid=\"commands\">"));
    }

    #[test]
    fn a_live_call_without_commands_hides_their_list_and_speaks_dutch() {
        let mut html = String::new();
        live_call_html(&mut html, &hostile_call(), "13 dec", &[], &[], Lang::Nl);
        assert!(html.contains("data-testid=\"commands\" hidden></ul>"));
        assert!(html.contains(">Gesprek beëindigen</button>"));
        assert!(html.contains("<span>Laat de agent zeggen</span>"));
        assert!(!html.contains("data-testid=\"transfer\""));
    }
}
