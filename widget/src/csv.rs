//! The portal's history as CSV (RFC 4180): one header line, then a line
//! per call, with the API's own values (RFC 3339 times, wire statuses,
//! seconds), so a spreadsheet or a script reads them without guessing.
//!
//! The texts come from the network (a summary can say anything): every
//! field is quoted, quotes doubled, and a field a spreadsheet would take
//! for a formula (`=`, `@`, a tab or return first, or `+`/`-` before
//! anything but a number) gets a leading `'`, as OWASP advises against
//! CSV injection. Numbers such as `+31612345678` stay as they are.

use callme_shared::Call;

/// The header line, CRLF-terminated.
pub const HEADER: &str = "id,created_at,started_at,ended_at,caller_phone,agent_name,status,duration_seconds,error,summary\r\n";

/// Appends one line per call to `out`.
pub fn write_rows(out: &mut String, calls: &[Call]) {
    for call in calls {
        let duration = call.duration_seconds.map(|d| d.to_string());
        let fields: [Option<&str>; 10] = [
            Some(call.id.as_str()),
            Some(call.created_at.as_str()),
            call.started_at.as_ref().map(|t| t.as_str()),
            call.ended_at.as_ref().map(|t| t.as_str()),
            Some(&call.caller_phone),
            call.agent_name.as_deref(),
            Some(call.status.as_str()),
            duration.as_deref(),
            call.error.as_deref(),
            call.summary.as_deref(),
        ];
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field_into(out, field.unwrap_or_default());
        }
        out.push_str("\r\n");
    }
}

/// One quoted field, defused for spreadsheets.
fn field_into(out: &mut String, text: &str) {
    out.push('"');
    if looks_like_formula(text) {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// Whether a spreadsheet could read `text` as a formula: it starts (after
/// any spaces and line breaks, which some spreadsheets skip) with `=` or
/// `@`, their fullwidth and small forms (some normalise them to ASCII), a
/// tab, a carriage return or a line feed, or with a plus or minus sign of
/// any width before anything but a number.
fn looks_like_formula(text: &str) -> bool {
    if text.starts_with(['\t', '\r', '\n']) {
        return true;
    }
    let mut chars = text.trim_start_matches([' ', '\u{3000}']).chars();
    match chars.next() {
        Some('=' | '@' | '\u{ff1d}' | '\u{ff20}' | '\u{fe66}' | '\u{fe6b}') => true,
        Some('+' | '-' | '\u{ff0b}' | '\u{ff0d}' | '\u{fe62}' | '\u{fe63}' | '\u{2212}') => !chars
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b' '),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(summary: Option<&str>) -> Call {
        serde_json::from_value(serde_json::json!({
            "id": "call-_+31612345678_abc", "caller_phone": "+31612345678", "status": "ended",
            "agent_name": "Customer Support", "duration_seconds": 75, "summary": summary,
            "started_at": "2026-09-21T10:00:05.000Z", "ended_at": "2026-09-21T10:01:20.000Z",
            "created_at": "2026-09-21T10:00:00.000Z", "updated_at": "2026-09-21T10:01:20.000Z"
        }))
        .unwrap()
    }

    /// A small RFC 4180 reader, to check what a spreadsheet would see.
    fn read(csv: &str) -> Vec<Vec<String>> {
        let mut rows = vec![];
        let (mut row, mut field, mut quoted, mut chars) =
            (vec![], String::new(), false, csv.chars().peekable());
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut field)),
                ('\r', false) => {}
                ('\n', false) => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (c, _) => field.push(c),
            }
        }
        rows
    }

    #[test]
    fn a_call_is_one_line_of_the_apis_values() {
        let mut csv = HEADER.to_owned();
        write_rows(&mut csv, &[call(Some("Asked about an order."))]);
        let rows = read(&csv);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].len(), rows[1].len());
        assert_eq!(
            rows[1],
            [
                "call-_+31612345678_abc",
                "2026-09-21T10:00:00.000Z",
                "2026-09-21T10:00:05.000Z",
                "2026-09-21T10:01:20.000Z",
                "+31612345678",
                "Customer Support",
                "ended",
                "75",
                "",
                "Asked about an order."
            ]
        );
    }

    #[test]
    fn hostile_text_stays_in_its_field_and_is_no_formula() {
        let hostile = "=HYPERLINK(\"http://evil\",\"x\")\",\"injected\r\nnext line";
        let mut csv = String::new();
        write_rows(&mut csv, &[call(Some(hostile))]);
        let rows = read(&csv);
        assert_eq!(rows.len(), 1, "{csv}");
        assert_eq!(rows[0].len(), 10);
        assert_eq!(rows[0][9], format!("'{hostile}"));
        for (text, defused) in [
            ("@SUM(A1)", true),
            ("+cmd|' /C calc'!A0", true),
            ("-2+3", true),
            ("\tx", true),
            ("+31612345678", false),
            ("-15", false),
            ("plain = text", false),
            // What spreadsheets also take for a formula's start.
            ("\n=1+1", true),
            ("\r@x", true),
            ("  =1+1", true),
            ("\u{ff1d}HYPERLINK(\"http://evil\")", true),
            ("\u{ff0b}cmd|' /C calc'!A0", true),
            ("\u{ff0d}2+3", true),
            ("\u{ff20}SUM(A1)", true),
            ("\u{fe66}1+1", true),
            ("\u{2212}2+3", true),
            ("\u{ff0b}31612345678", false),
            ("text \u{ff1d} text", false),
        ] {
            assert_eq!(looks_like_formula(text), defused, "{text:?}");
        }
    }
}
