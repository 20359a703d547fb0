//! The widget's rules that need no browser: polling backoff, what a status
//! says, and the history's paging and chart numbers. Natively tested.

use callme_shared::{Call, CallStatus, LiveStatus, Pagination};
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
use callme_shared::{CallSummary, DayCount};

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
use crate::i18n::chart_sum;
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

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// The chart's plot height in pixels (whole pixels: integers keep float
/// formatting, several KB of wasm, out of the bundle).
const PLOT_HEIGHT: u32 = 120;

/// The fewest day columns the plot is divided into.
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
const MIN_COLUMNS: usize = 14;

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// The heights, in whole pixels, where `day`'s stacked bar parts end
/// (ended, then failed, then other) on a plot `height` pixels tall whose
/// scale reaches `most` calls. Taken from running totals, so the rounded
/// parts add up exactly and never reach above the plot.
pub fn bar_tops(day: &DayCount, most: u32, height: u32) -> [u32; 3] {
    let most = most.max(day.total()).max(1);
    let scale = |n: u32| {
        u32::try_from((u64::from(n) * u64::from(height) + u64::from(most / 2)) / u64::from(most))
            .unwrap_or(height)
    };
    [
        scale(day.ended),
        scale(day.ended.saturating_add(day.failed)),
        scale(day.total()),
    ]
}

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// The y axis for a busiest day of `most` calls: the step between ticks
/// (1, 2 or 5 times a power of ten) and the top of the scale, a whole
/// number of steps (at most four) at or above `most`.
pub fn y_scale(most: u32) -> (u32, u32) {
    if most <= 4 {
        return (1, most.max(1));
    }
    let most = u64::from(most);
    let mut power = 1_u64;
    loop {
        for step in [power, power * 2, power * 5] {
            if step * 4 >= most {
                let top = most.div_ceil(step) * step;
                let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
                return (clamp(step), clamp(top));
            }
        }
        power *= 10;
    }
}

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// Which days get a date under the x axis: the first, the last and up to
/// three evenly between (every day when there are five or fewer).
pub fn x_ticks(days: usize) -> Vec<usize> {
    if days <= 5 {
        return (0..days).collect();
    }
    let mut ticks: Vec<usize> = (0..5).map(|k| k * (days - 1) / 4).collect();
    ticks.dedup();
    ticks
}

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// `part` of `whole` as a CSS percentage with two decimals ("12.34%"),
/// from integers.
fn percent(part: usize, whole: usize) -> String {
    let hundredths = part * 10_000 / whole.max(1);
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// The chart of `summary` ("Calls per day") as the HTML inside its
/// `<figure>`: a caption saying how many calls from when to when, a legend
/// with each outcome's total, the y axis (calls, with ticks) and the bars,
/// the x axis (dates from `day_label`, a `YYYY-MM-DD` in the reader's
/// words), and a table of the days with calls for screen readers (the
/// drawing is hidden from them). Every text is escaped. `None` when the
/// range has no days.
pub fn chart_html(
    summary: &CallSummary,
    lang: Lang,
    day_label: &dyn Fn(&str) -> String,
) -> Option<String> {
    let days = &summary.days;
    let (first, last) = (days.first()?, days.last()?);
    let sum = |pick: fn(&DayCount) -> u32| days.iter().map(|d| u64::from(pick(d))).sum::<u64>();
    let totals = [
        ("ended", Msg::StatusEnded, sum(|d| d.ended)),
        ("failed", Msg::StatusFailed, sum(|d| d.failed)),
        ("other", Msg::ChartOther, sum(|d| d.other)),
    ];
    let mut html = String::with_capacity(600 + days.len() * 160);
    html.push_str("<figcaption><span class=\"chart-title\">");
    escape_into(&mut html, t(lang, Msg::ChartTitle));
    html.push_str("</span> <span data-testid=\"chart-sum\">");
    let (from, to) = (day_label(&first.day), day_label(&last.day));
    escape_into(&mut html, &chart_sum(lang, summary.total, &from, &to));
    html.push_str("</span></figcaption><ul class=\"legend\" data-testid=\"chart-legend\">");
    for (class, msg, total) in totals {
        html.push_str("<li><span class=\"key ");
        html.push_str(class);
        html.push_str("\"></span>");
        escape_into(&mut html, t(lang, msg));
        html.push_str(" <b>");
        html.push_str(&total.to_string());
        html.push_str("</b></li>");
    }
    html.push_str("</ul>");
    if summary.total > 0 {
        plot_html(&mut html, days, lang, day_label);
        table_html(&mut html, days, lang, day_label);
    }
    Some(html)
}

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// The y axis, the bars and the x axis: three SVGs in a grid (the axis
/// labels keep their size whatever the width; the bars are placed in
/// percentages of it).
fn plot_html(html: &mut String, days: &[DayCount], lang: Lang, day_label: &dyn Fn(&str) -> String) {
    let most = days.iter().map(DayCount::total).max().unwrap_or(1);
    let (step, top) = y_scale(most);
    let y_of = |calls: u32| {
        let drop = u64::from(calls) * u64::from(PLOT_HEIGHT) / u64::from(top.max(1));
        PLOT_HEIGHT - u32::try_from(drop).unwrap_or(PLOT_HEIGHT).min(PLOT_HEIGHT)
    };
    let height = PLOT_HEIGHT.to_string();
    html.push_str("<div class=\"plot\"><span class=\"axis-title\" data-testid=\"y-title\">");
    escape_into(html, t(lang, Msg::ChartCalls));
    html.push_str("</span><svg class=\"y-axis\" data-testid=\"y-axis\" aria-hidden=\"true\" width=\"100%\" height=\"");
    html.push_str(&height);
    html.push_str("\">");
    let ticks: Vec<u32> = (0..=top / step).map(|k| k * step).collect();
    for calls in &ticks {
        html.push_str(&format!(
            "<text x=\"100%\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">{calls}</text>",
            y_of(*calls)
        ));
    }
    html.push_str("</svg><svg class=\"bars\" data-testid=\"chart-bars\" aria-hidden=\"true\" width=\"100%\" height=\"");
    html.push_str(&height);
    html.push_str("\">");
    for calls in &ticks {
        let y = y_of(*calls);
        html.push_str(&format!(
            "<line class=\"grid\" x1=\"0\" x2=\"100%\" y1=\"{y}\" y2=\"{y}\"></line>"
        ));
    }
    // At least two weeks of columns, the newest day at the right edge: a
    // range of a few days keeps bars a bar's width, not the plot's.
    let n = days.len().max(MIN_COLUMNS);
    let first_column = n - days.len();
    for (i, day) in days.iter().enumerate() {
        let i = first_column + i;
        if day.total() == 0 {
            continue;
        }
        // Each day gets a 1/n column; its bar takes the middle 70%.
        let (x, width) = (percent(i * 20 + 3, n * 20), percent(14, n * 20));
        let [ended, failed, other] = bar_tops(day, top, PLOT_HEIGHT);
        html.push_str("<g data-testid=\"bar\"><title>");
        escape_into(html, &day_label(&day.day));
        html.push_str(&format!(
            ": {} {}, {} {}, {} {}</title>",
            day.ended,
            t(lang, Msg::StatusEnded),
            day.failed,
            t(lang, Msg::StatusFailed),
            day.other,
            t(lang, Msg::ChartOther)
        ));
        for (class, low, high) in [
            ("ended", 0, ended),
            ("failed", ended, failed),
            ("other", failed, other),
        ] {
            if high > low {
                html.push_str(&format!(
                    "<rect class=\"{class}\" x=\"{x}\" width=\"{width}\" y=\"{}\" height=\"{}\"></rect>",
                    PLOT_HEIGHT - high,
                    high - low
                ));
            }
        }
        html.push_str("</g>");
    }
    html.push_str("</svg><span></span><svg class=\"x-axis\" data-testid=\"x-axis\" aria-hidden=\"true\" width=\"100%\" height=\"18\">");
    let ticks = x_ticks(days.len());
    for (k, day_index) in ticks.iter().enumerate() {
        let i = &(first_column + day_index);
        // The first date starts at its bar, the last ends at its bar, the
        // others are centred under theirs: none leaves the chart.
        let (x, anchor) = if k == 0 && ticks.len() > 1 {
            (percent(i * 20 + 3, n * 20), "start")
        } else if k + 1 == ticks.len() && ticks.len() > 1 {
            (percent(i * 20 + 17, n * 20), "end")
        } else {
            (percent(i * 2 + 1, n * 2), "middle")
        };
        // On a phone only the ends and the middle keep their dates (the
        // loader's CSS hides the `minor` ones there).
        let minor = if ticks.len() == 5 && k % 2 == 1 {
            " class=\"minor\""
        } else {
            ""
        };
        html.push_str(&format!(
            "<text{minor} x=\"{x}\" y=\"13\" text-anchor=\"{anchor}\">"
        ));
        escape_into(html, &day_label(&days[*day_index].day));
        html.push_str("</text>");
    }
    html.push_str("</svg></div>");
}

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
/// The days with calls as a table, for screen readers.
fn table_html(
    html: &mut String,
    days: &[DayCount],
    lang: Lang,
    day_label: &dyn Fn(&str) -> String,
) {
    html.push_str("<table class=\"visually-hidden\" data-testid=\"chart-table\"><thead><tr>");
    for msg in [
        Msg::Date,
        Msg::StatusEnded,
        Msg::StatusFailed,
        Msg::ChartOther,
    ] {
        html.push_str("<th scope=\"col\">");
        escape_into(html, t(lang, msg));
        html.push_str("</th>");
    }
    html.push_str("</tr></thead><tbody>");
    for day in days.iter().filter(|d| d.total() > 0) {
        html.push_str("<tr><th scope=\"row\">");
        escape_into(html, &day_label(&day.day));
        html.push_str(&format!(
            "</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            day.ended, day.failed, day.other
        ));
    }
    html.push_str("</tbody></table>");
}

/// A number from the network as people read it (grouped as its country
/// writes it); anything that is not E.164 as it came (it is escaped where
/// it is shown).
pub fn shown_number(text: &str) -> String {
    callme_shared::PhoneNumber::parse(text)
        .map_or_else(|_| text.to_owned(), |n| callme_shared::grouped(&n))
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
    cell(html, "number", &shown_number(&call.caller_phone));
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

    fn day(ended: u32, failed: u32, other: u32) -> DayCount {
        DayCount {
            day: "2025-12-13".into(),
            ended,
            failed,
            other,
        }
    }

    #[test]
    fn bars_stack_in_whole_pixels_within_the_chart() {
        // Three thirds of 60 that would each round up.
        assert_eq!(bar_tops(&day(1, 1, 1), 3, 60), [20, 40, 60]);
        assert_eq!(bar_tops(&day(1, 1, 1), 7, 60), [9, 17, 26]);
        assert_eq!(bar_tops(&day(0, 0, 0), 5, 60), [0, 0, 0]);
        for most in 1..40 {
            for ended in 0..=most {
                for failed in 0..=most - ended {
                    let other = most - ended - failed;
                    let [a, b, c] = bar_tops(&day(ended, failed, other), most, 60);
                    assert!(
                        a <= b && b <= c && c == 60,
                        "{ended} {failed} {other} of {most}"
                    );
                }
            }
        }
        // No overflow for the largest counts.
        assert_eq!(
            bar_tops(&day(u32::MAX, 0, 0), u32::MAX, 120),
            [120, 120, 120]
        );
    }

    #[test]
    fn the_y_scale_is_round_and_reaches_the_busiest_day_in_at_most_four_steps() {
        assert_eq!(y_scale(0), (1, 1));
        assert_eq!(y_scale(1), (1, 1));
        assert_eq!(y_scale(4), (1, 4));
        assert_eq!(y_scale(5), (2, 6));
        assert_eq!(y_scale(9), (5, 10));
        assert_eq!(y_scale(37), (10, 40));
        assert_eq!(y_scale(1_000), (500, 1_000));
        for most in 1..5_000 {
            let (step, top) = y_scale(most);
            assert!(top >= most && top % step == 0 && top / step <= 4, "{most}");
            let lead = step / 10_u32.pow(step.ilog10());
            assert!(
                [1, 2, 5].contains(&lead) && step % 10_u32.pow(step.ilog10()) == 0,
                "{most}: {step}"
            );
        }
        assert!(y_scale(u32::MAX).1 >= u32::MAX / 2);
    }

    #[test]
    fn the_x_axis_dates_the_ends_and_three_days_between() {
        assert_eq!(x_ticks(0), Vec::<usize>::new());
        assert_eq!(x_ticks(1), [0]);
        assert_eq!(x_ticks(5), [0, 1, 2, 3, 4]);
        assert_eq!(x_ticks(6), [0, 1, 2, 3, 5]);
        assert_eq!(x_ticks(30), [0, 7, 14, 21, 29]);
        assert_eq!(x_ticks(366), [0, 91, 182, 273, 365]);
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(0, 7), "0.00%");
        assert_eq!(percent(7, 7), "100.00%");
    }

    fn summary(days: &[(&str, u32, u32, u32)]) -> CallSummary {
        let days: Vec<DayCount> = days
            .iter()
            .map(|(d, e, f, o)| DayCount {
                day: (*d).into(),
                ended: *e,
                failed: *f,
                other: *o,
            })
            .collect();
        CallSummary {
            zone: "Europe/Amsterdam".into(),
            total: days.iter().map(|d| u64::from(d.total())).sum(),
            days,
        }
    }

    #[test]
    fn the_chart_says_what_it_draws_with_axes_a_legend_and_a_table() {
        let label = |day: &str| format!("d{}", &day[8..]);
        let html = chart_html(
            &summary(&[
                ("2026-11-01", 3, 1, 0),
                ("2026-11-02", 0, 0, 0),
                ("2026-11-03", 2, 0, 5),
            ]),
            Lang::En,
            &label,
        )
        .unwrap();
        assert!(html.contains("<span class=\"chart-title\">Calls per day</span>"));
        assert!(html.contains(">11 calls, d01 – d03</span>"), "{html}");
        for entry in ["Ended <b>5</b>", "Failed <b>1</b>", "Other <b>5</b>"] {
            assert!(html.contains(entry), "{entry}");
        }
        // Busiest day 7: steps of 2 up to 8, each tick labelled.
        for (calls, y) in [(0, 120), (2, 90), (4, 60), (6, 30), (8, 0)] {
            assert!(
                html.contains(&format!(
                    "y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{calls}</text>"
                )),
                "{calls}"
            );
        }
        assert!(html.contains(">Calls</span>"));
        // Two bars (the empty day has none), stacked from the bottom.
        assert_eq!(html.matches("data-testid=\"bar\"").count(), 2);
        assert!(
            html.contains(
                "<rect class=\"ended\" x=\"79.64%\" width=\"5.00%\" y=\"75\" height=\"45\">"
            ),
            "{html}"
        );
        assert!(html.contains("<title>d03: 2 Ended, 0 Failed, 5 Other</title>"));
        // Two weeks of columns at least, the newest day at the right: every
        // day dated (three), the first from its bar's left edge.
        assert!(html.contains("<text x=\"79.64%\" y=\"13\" text-anchor=\"start\">d01</text>"));
        assert!(html.contains("text-anchor=\"middle\">d02</text>"));
        assert!(html.contains("text-anchor=\"end\">d03</text>"));
        // The table names the days with calls only.
        assert_eq!(html.matches("<th scope=\"row\">").count(), 2);
        assert!(html.contains("<tr><th scope=\"row\">d03</th><td>2</td><td>0</td><td>5</td></tr>"));
        assert_eq!(html.matches("aria-hidden=\"true\"").count(), 3);
        assert!(!html.contains("minor"), "three dates: all kept on a phone");
        let month: Vec<String> = (1..=30).map(|d| format!("2026-11-{d:02}")).collect();
        let month: Vec<(&str, u32, u32, u32)> =
            month.iter().map(|d| (d.as_str(), 1, 0, 0)).collect();
        let html = chart_html(&summary(&month), Lang::En, &label).unwrap();
        assert_eq!(html.matches("<text class=\"minor\"").count(), 2);
        assert!(
            html.contains(
                "<text class=\"minor\" x=\"25.00%\" y=\"13\" text-anchor=\"middle\">d08</text>"
            ),
            "{html}"
        );
    }

    #[test]
    fn a_chart_without_calls_says_so_and_draws_no_plot_and_words_are_escaped() {
        let html = chart_html(
            &summary(&[("2026-11-01", 0, 0, 0)]),
            Lang::Nl,
            &|d: &str| format!("<{d}>"),
        )
        .unwrap();
        assert!(
            html.contains("0 gesprekken, &lt;2026-11-01&gt; – &lt;2026-11-01&gt;"),
            "{html}"
        );
        assert!(!html.contains("<svg") && !html.contains("<table"));
        assert!(!html.contains("<2026"));
        assert_eq!(
            chart_html(&summary(&[]), Lang::En, &|d: &str| d.to_owned()),
            None
        );
        let one = chart_html(
            &summary(&[("2026-11-01", 1, 0, 0)]),
            Lang::En,
            &|d: &str| d.to_owned(),
        )
        .unwrap();
        assert!(one.contains(">1 call, 2026-11-01 – 2026-11-01<"));
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
