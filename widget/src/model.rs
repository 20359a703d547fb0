//! The widget's rules that need no browser: polling backoff, what a status
//! says, and the history's paging and chart numbers. Natively tested.

use callme_shared::{Call, CallStatus, LiveStatus, Pagination};

use crate::i18n::{Lang, Msg, failure_text, t};

/// Delays between status polls: 1 s, growing by half each time, at most 5 s.
pub fn poll_delay_ms(attempt: u32) -> u32 {
    let mut delay = 1_000_f64;
    for _ in 0..attempt.min(10) {
        delay *= 1.5;
    }
    // The loop caps the exponent, so the value is small and positive.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let delay = delay.min(5_000.0) as u32;
    delay
}

/// The headline for a live status.
pub fn live_text(lang: Lang, status: LiveStatus) -> &'static str {
    t(
        lang,
        match status {
            LiveStatus::Dialing => Msg::Dialing,
            // The platform says "connecting" while the phone rings.
            LiveStatus::Connecting | LiveStatus::Ringing => Msg::Connecting,
            LiveStatus::InProgress => Msg::InCall,
            LiveStatus::Ended => Msg::Ended,
            LiveStatus::Failed => Msg::Failed,
            LiveStatus::Scheduled => Msg::Booked,
            LiveStatus::Cancelled => Msg::BookingCancelled,
            LiveStatus::Transferred => Msg::Transferred,
        },
    )
}

/// The badge text and class of a history status: the platform's other
/// words for a call being placed, handed on or failed read as those; a
/// word no page documents is shown as it came.
pub fn badge(lang: Lang, status: &CallStatus) -> (String, &'static str) {
    let (msg, class) = match status {
        CallStatus::Connecting => (Msg::StatusConnecting, "connecting"),
        CallStatus::InProgress => (Msg::StatusInProgress, "in-progress"),
        CallStatus::Ended => (Msg::StatusEnded, "ended"),
        CallStatus::Failed => (Msg::StatusFailed, "failed"),
        CallStatus::Other(other) => match other.as_str() {
            "dialing" | "ringing" => (Msg::StatusConnecting, "connecting"),
            "transferred" => (Msg::StatusTransferred, "other"),
            "ended-with-error" | "rejected" | "insufficient-credits" => {
                (Msg::StatusFailed, "failed")
            }
            _ => return (other.clone(), "other"),
        },
    };
    (t(lang, msg).into(), class)
}

/// The first and last position shown, 1-based, for "1–20 of 160".
pub fn shown_range(pagination: &Pagination, shown: usize) -> (u64, u64) {
    if shown == 0 {
        return (0, 0);
    }
    let first = u64::from(pagination.offset) + 1;
    (first, first + shown as u64 - 1)
}

/// One day of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartDay {
    /// `YYYY-MM-DD` (UTC, as the platform writes it).
    pub day: String,
    /// Calls that ended normally.
    pub ended: u32,
    /// Calls that failed.
    pub failed: u32,
    /// Calls still live or of another status.
    pub other: u32,
}

impl ChartDay {
    /// All calls of the day.
    pub fn total(&self) -> u32 {
        self.ended + self.failed + self.other
    }

    /// The heights, in whole pixels, where this day's stacked bar parts end
    /// (ended, then failed, then other) on a chart `height` pixels tall
    /// whose busiest day has `most` calls. Taken from running totals, so the
    /// rounded parts add up exactly and never reach above the chart.
    pub fn bar_tops(&self, most: u32, height: u32) -> [u32; 3] {
        let most = most.max(self.total()).max(1);
        let scale = |n: u32| (n * height + most / 2) / most;
        [
            scale(self.ended),
            scale(self.ended + self.failed),
            scale(self.total()),
        ]
    }
}

/// Calls per day by outcome, oldest day first.
pub fn chart_days(calls: &[Call]) -> Vec<ChartDay> {
    let mut days: Vec<ChartDay> = Vec::new();
    for call in calls {
        let day = call
            .created_at
            .as_str()
            .get(..10)
            .unwrap_or_default()
            .to_owned();
        let index = match days.iter().position(|d| d.day == day) {
            Some(index) => index,
            None => {
                days.push(ChartDay {
                    day,
                    ended: 0,
                    failed: 0,
                    other: 0,
                });
                days.len() - 1
            }
        };
        let entry = &mut days[index];
        match call.status {
            CallStatus::Ended => entry.ended += 1,
            CallStatus::Failed => entry.failed += 1,
            _ => entry.other += 1,
        }
    }
    days.sort_by(|a, b| a.day.cmp(&b.day));
    days
}

/// Appends `text` to `html` as HTML text: the five characters that could
/// end a text or an attribute value are escaped, everything else is kept.
pub fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

/// The inside of the call's note form ("Type it for the agent"): the
/// labelled field, "Send", and the status region that says "Sent" or the
/// refusal under it.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn note_form_html(lang: Lang) -> String {
    let mut html = String::from("<label><span>");
    escape_into(&mut html, t(lang, Msg::NoteLabel));
    html.push_str(
        "</span><input type=\"text\" maxlength=\"500\" autocomplete=\"off\" part=\"input\" \
         data-testid=\"note-text\" aria-describedby=\"callme-note-message\" aria-invalid=\"false\"></label>\
         <button type=\"submit\" class=\"secondary\" part=\"note-button\" data-testid=\"note-send\">",
    );
    escape_into(&mut html, t(lang, Msg::NoteSend));
    html.push_str(
        "</button><p id=\"callme-note-message\" class=\"message\" role=\"status\" data-testid=\"note-message\"></p>",
    );
    html
}

/// Appends the history's row for `call` as HTML, every text from the
/// network escaped; `when` is its local date and time, `commands` the
/// lines of what was sent into it (see [`crate::i18n::command_line`]).
///
/// The rows are one string for the browser's parser: for 1000 calls that
/// is one crossing into JavaScript instead of some 30,000 DOM calls and
/// string copies (`cargo xtask bench` measures it against plain DOM code).
pub fn row_html(html: &mut String, call: &Call, when: &str, commands: &[String], lang: Lang) {
    let (badge_text, badge_class) = badge(lang, &call.status);
    let cell = |html: &mut String, class: &str, text: &str| {
        html.push_str(if class.is_empty() {
            "<td>"
        } else {
            "<td class=\""
        });
        if !class.is_empty() {
            html.push_str(class);
            html.push_str("\">");
        }
        escape_into(html, text);
        html.push_str("</td>");
    };
    html.push_str("<tr data-testid=\"row\">");
    cell(html, "when", when);
    cell(html, "number", &call.caller_phone);
    cell(html, "", call.agent_name.as_deref().unwrap_or_default());
    html.push_str("<td><span class=\"badge ");
    html.push_str(badge_class);
    html.push_str("\" part=\"badge\">");
    escape_into(html, &badge_text);
    html.push_str("</span></td>");
    let duration = call
        .duration_seconds
        .map(|d| crate::i18n::duration(u64::from(d)))
        .unwrap_or_default();
    cell(html, "duration", &duration);
    html.push_str("<td class=\"summary\">");
    if let Some(summary) = &call.summary {
        html.push_str("<details><summary>");
        escape_into(html, t(lang, Msg::Summary));
        html.push_str("</summary><p data-testid=\"summary\">");
        escape_into(html, summary);
        html.push_str("</p></details>");
    }
    if let Some(reason) = &call.error {
        html.push_str("<p class=\"failure\">");
        escape_into(html, failure_text(lang, reason));
        html.push_str("</p>");
    }
    if !commands.is_empty() {
        html.push_str("<ul class=\"commands\" data-testid=\"row-commands\">");
        for line in commands {
            html.push_str("<li>");
            escape_into(html, line);
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    html.push_str("</td></tr>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(day: &str, status: &str) -> Call {
        serde_json::from_value(serde_json::json!({
            "id": format!("c-{day}-{status}"), "caller_phone": "+31612345678", "status": status,
            "created_at": format!("{day}T10:00:00.000Z"), "updated_at": format!("{day}T10:00:00.000Z"),
        }))
        .unwrap()
    }

    #[test]
    fn escaped_text_cannot_open_a_tag_or_leave_an_attribute() {
        let mut html = String::new();
        escape_into(&mut html, "<img src=x onerror=\"alert(1)\"> & 'q' — ok");
        assert_eq!(
            html,
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;q&#39; — ok"
        );
        assert!(!html.contains(['<', '>', '"', '\'']));
    }

    #[test]
    fn a_row_carries_every_text_escaped() {
        let mut hostile = call("2025-12-13", "failed");
        hostile.caller_phone = "+31<b>6</b>".into();
        hostile.agent_name = Some("\"><script>x()</script>".into());
        hostile.summary = Some("<img src=x onerror=alert(1)>".into());
        hostile.error = Some("no-answer".into());
        let mut html = String::new();
        let commands = ["Ended by <i>op</i>, 10:42".to_owned()];
        row_html(
            &mut html,
            &hostile,
            "13 Dec 2025, 11:00",
            &commands,
            Lang::En,
        );
        assert!(
            html.starts_with("<tr data-testid=\"row\"><td class=\"when\">13 Dec 2025, 11:00</td>")
        );
        assert!(html.contains("<td class=\"number\">+31&lt;b&gt;6&lt;/b&gt;</td>"));
        assert!(html.contains("<td>&quot;&gt;&lt;script&gt;x()&lt;/script&gt;</td>"));
        assert!(html.contains("<p data-testid=\"summary\">&lt;img src=x onerror=alert(1)&gt;</p>"));
        assert!(html.contains("<span class=\"badge failed\" part=\"badge\">Failed</span>"));
        // The platform's reason in words, never its own word.
        assert!(html.contains("<p class=\"failure\">No one answered.</p>"));
        assert!(html.contains("<li>Ended by &lt;i&gt;op&lt;/i&gt;, 10:42</li>"));
        assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"));
        assert!(!html.contains("<i>"));
    }

    #[test]
    fn a_row_without_commands_has_no_list() {
        let mut html = String::new();
        row_html(
            &mut html,
            &call("2025-12-13", "ended"),
            "13 Dec",
            &[],
            Lang::En,
        );
        assert!(!html.contains("commands"));
        assert!(html.ends_with("</td></tr>"));
    }

    #[test]
    fn the_note_form_has_a_visible_label_a_send_button_and_a_status_region() {
        let html = note_form_html(Lang::Nl);
        assert!(html.starts_with(
            "<label><span>Typ het voor de agent</span><input type=\"text\" maxlength=\"500\""
        ));
        assert!(html.contains("aria-describedby=\"callme-note-message\""));
        assert!(html.contains("data-testid=\"note-send\">Versturen</button>"));
        assert!(html.ends_with("<p id=\"callme-note-message\" class=\"message\" role=\"status\" data-testid=\"note-message\"></p>"));
        assert_eq!(html.matches("<input").count(), 1);
        assert_eq!(
            note_form_html(Lang::En).matches(">Send</button>").count(),
            1
        );
    }

    #[test]
    fn polling_slows_down_to_five_seconds() {
        let delays: Vec<u32> = (0..7).map(poll_delay_ms).collect();
        assert_eq!(delays, [1_000, 1_500, 2_250, 3_375, 5_000, 5_000, 5_000]);
    }

    #[test]
    fn the_chart_counts_each_day_by_outcome() {
        let calls = [
            call("2025-12-13", "ended"),
            call("2025-12-12", "failed"),
            call("2025-12-13", "failed"),
            call("2025-12-13", "in-progress"),
            call("2025-12-12", "ended"),
        ];
        let days = chart_days(&calls);
        assert_eq!(days.len(), 2);
        assert_eq!(
            days[0],
            ChartDay {
                day: "2025-12-12".into(),
                ended: 1,
                failed: 1,
                other: 0
            }
        );
        assert_eq!(
            days[1],
            ChartDay {
                day: "2025-12-13".into(),
                ended: 1,
                failed: 1,
                other: 1
            }
        );
        assert_eq!(days[1].total(), 3);
    }

    #[test]
    fn bars_stack_in_whole_pixels_within_the_chart() {
        let day = |ended, failed, other| ChartDay {
            day: "2025-12-13".into(),
            ended,
            failed,
            other,
        };
        // Three thirds of 60 that would each round up.
        assert_eq!(day(1, 1, 1).bar_tops(3, 60), [20, 40, 60]);
        assert_eq!(day(1, 1, 1).bar_tops(7, 60), [9, 17, 26]);
        assert_eq!(day(0, 0, 0).bar_tops(5, 60), [0, 0, 0]);
        for most in 1..40 {
            for ended in 0..=most {
                for failed in 0..=most - ended {
                    let other = most - ended - failed;
                    let [a, b, c] = day(ended, failed, other).bar_tops(most, 60);
                    assert!(
                        a <= b && b <= c && c == 60,
                        "{ended} {failed} {other} of {most}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_range_is_one_based() {
        let pagination = Pagination {
            total: 160,
            limit: 20,
            offset: 40,
        };
        assert_eq!(shown_range(&pagination, 20), (41, 60));
        assert_eq!(shown_range(&pagination, 0), (0, 0));
    }

    #[test]
    fn an_unknown_status_is_shown_as_it_came() {
        assert_eq!(
            badge(Lang::En, &CallStatus::Other("voicemail".into())),
            ("voicemail".into(), "other")
        );
        assert_eq!(badge(Lang::Nl, &CallStatus::Failed).0, "Mislukt");
        assert_eq!(
            badge(Lang::De, &CallStatus::Other("rejected".into())),
            ("Fehlgeschlagen".into(), "failed")
        );
        assert_eq!(
            badge(Lang::Fr, &CallStatus::Other("transferred".into())).0,
            "Transféré"
        );
    }

    #[test]
    fn a_failed_calls_reason_is_in_the_readers_words() {
        let mut failed = call("2025-12-13", "failed");
        for (reason, lang, words) in [
            ("busy", Lang::Nl, "De lijn was bezet."),
            ("no-answer", Lang::It, "Nessuno ha risposto."),
            ("<b>sip 486</b>", Lang::En, "The call did not go through"),
        ] {
            failed.error = Some(reason.into());
            let mut html = String::new();
            row_html(&mut html, &failed, "13 Dec", &[], lang);
            assert!(
                html.contains(&format!("<p class=\"failure\">{words}</p>")),
                "{html}"
            );
        }
    }
}
