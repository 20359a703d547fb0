//! `<callme-history>`: a portal's call history with filters, paging and a
//! small chart of calls per day by outcome; for an operator (a token with
//! `calls:control`), the live calls first, each with its controls, and
//! their status following while they last.
//!
//! The live calls are drawn by hand ([`Live`]): each call's item is one
//! escaped HTML string ([`live_call_html`]), kept by call id while the call
//! lasts (so a typed sentence, the focus and an open confirmation survive
//! every read of the page), and the controls answer through one listener
//! per event on their list. With the live calls as Leptos views with keyed
//! items (`<For>`), live call control cost this bundle 28 KB gzip; drawn
//! so, 11 KB (measured).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use callme_shared::{
    AgentAlias, Call, CallId, CallList, CallsQuery, DateRange, PageLimit, PageOffset, SpokenText,
    StatusFilter, SummaryQuery, Timestamp, ZoneName,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use crate::api::Edge;
use crate::browser::{
    Alive, download, local_clock, local_date_time, local_day_bound, now_ms, page_hidden, short_day,
    sleep, visitor_zone,
};
use crate::control::{
    AFTER_COMMAND_MS, Command, LIVE_POLL_MS, commands_html, live_call_html, live_calls,
};
use crate::erased::handler;
use crate::error::WidgetError;
use crate::i18n::{Lang, Msg, command_line, exported, exporting, range_of, t, text_error_text};
use crate::model::{chart_html, row_html, shown_range};

/// What the table shows.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(CallList),
    Failed(WidgetError),
}

/// Calls per request while exporting (what the edge allows by default).
const EXPORT_PAGE: u32 = 100;

/// The call history of one portal token.
#[component]
pub fn CallmeHistory(
    /// The edge to talk to.
    edge: Edge,
    /// The portal token (a JWT minted by the portal's backend).
    token: String,
    /// The reader's language.
    lang: Lang,
    /// Calls per page.
    page_size: PageLimit,
    /// Whether the token's scope has `calls:control` (read from its
    /// payload; the edge checks it on every command): then the live calls
    /// come first, with their controls, and follow their status.
    can_control: bool,
    /// The aliases an operator may transfer a live call to (the
    /// `transfer-targets` attribute).
    transfer_targets: Vec<AgentAlias>,
    /// The element the history is mounted into (the live calls are drawn
    /// into it by hand).
    container: HtmlElement,
) -> impl IntoView {
    let alive = Alive::new();
    label_columns(&container, lang);
    let status = RwSignal::new(None::<StatusFilter>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let limit = RwSignal::new(page_size);
    let offset = RwSignal::new(0_u32);
    let load = RwSignal::new(Load::Loading);
    let generation = RwSignal::new(0_u32);
    // The export's words for the reader, and whether one runs (two plain
    // signals: a signal of an enum of its own costs the bundle ~1 KB).
    let export_text = RwSignal::new(String::new());
    let exporting_now = RwSignal::new(false);

    // The filters' range: from the start of the first local day to the end
    // of the last.
    let range = Memo::new(move |_| {
        let start = local_day_bound(&from.get(), false).and_then(|t| Timestamp::parse(&t).ok());
        let end = local_day_bound(&to.get(), true).and_then(|t| Timestamp::parse(&t).ok());
        DateRange::new(start, end).unwrap_or_default()
    });
    let query = Memo::new(move |_| CallsQuery {
        limit: limit.get(),
        offset: PageOffset::new(offset.get()),
        status: status.get(),
        range: range.get(),
    });
    // The chart covers the whole filtered range, in the reader's days: read
    // again when a filter changes, not when the page does.
    let zone = ZoneName::parse(&visitor_zone()).ok();
    let summary_query = Memo::new(move |_| SummaryQuery {
        status: status.get(),
        range: range.get(),
        zone: zone.clone(),
    });
    let chart = RwSignal::new(None::<String>);
    let chart_generation = StoredValue::new(0_u32);
    let read_chart = {
        let (edge, token, alive) = (edge.clone(), token.clone(), alive.clone());
        move || {
            let (edge, token, alive) = (edge.clone(), token.clone(), alive.clone());
            let query = summary_query.get_untracked();
            let this = chart_generation.get_value() + 1;
            chart_generation.set_value(this);
            spawn_local(async move {
                let result = edge.summary(&token, &query).await;
                if !alive.get() || chart_generation.get_value() != this {
                    return;
                }
                // No chart rather than a wrong one: the table says why
                // when the token or the edge fails.
                chart.set(result.ok().and_then(|summary| {
                    chart_html(&summary, lang, &|day: &str| short_day(lang.tag(), day))
                }));
            });
        }
    };

    let for_export = (edge.clone(), token.clone(), alive.clone());
    // Booked callbacks, above the past ones: the portal's next calls. A
    // token the edge does not take for them (an older edge) shows none.
    let upcoming = RwSignal::new(String::new());
    {
        let (edge, token, alive) = (edge.clone(), token.clone(), alive.clone());
        spawn_local(async move {
            if let Ok(list) = edge.scheduled(&token).await
                && alive.get()
            {
                upcoming.set(upcoming_html(&list, lang));
            }
        });
    }
    let for_controls = (edge.clone(), token.clone(), alive.clone());
    // An operator's live calls (set below, once `fetch` is there to follow
    // them): drawn from every page read.
    let live_slot = StoredValue::new_local(None::<Rc<Live>>);
    // Reads the page; `quiet` (following live calls) keeps the table on
    // screen meanwhile, gives way to the reader's own reads, changes the
    // view only when the page changed (an open summary stays open) and
    // leaves a failure for the next read to mend.
    let fetch = move |quiet: bool| {
        if quiet && load.with_untracked(|l| matches!(l, Load::Loading)) {
            return;
        }
        let edge = edge.clone();
        let token = token.clone();
        let alive = alive.clone();
        let query = query.get_untracked();
        let this = if quiet {
            generation.get_untracked()
        } else {
            let this = generation.get_untracked() + 1;
            generation.set(this);
            load.set(Load::Loading);
            this
        };
        spawn_local(async move {
            let result = edge.calls(&token, &query, None).await;
            // Only the newest request may fill the table.
            if !alive.get() || generation.get_untracked() != this {
                return;
            }
            match result {
                Ok(list) => {
                    if let Some(live) = live_slot.try_with_value(Clone::clone).flatten()
                        && live.show(&list.calls)
                    {
                        live.follow();
                    }
                    if !load.with_untracked(|l| matches!(l, Load::Loaded(old) if *old == list)) {
                        load.set(Load::Loaded(list));
                    }
                }
                Err(error) if !quiet => load.set(Load::Failed(error)),
                Err(_) => {}
            }
        });
    };
    // Every page the token may see under the current filters, in order,
    // into one CSV file. The end is fixed at the start (calls placed
    // meanwhile would shift the pages and repeat a row); the per-token
    // limit is waited out as the edge asks.
    let start_export = {
        let (edge, token, alive) = for_export;
        move || {
            if exporting_now.get_untracked() {
                return;
            }
            let edge = edge.clone();
            let token = token.clone();
            let alive = alive.clone();
            let base = query.get_untracked();
            #[allow(clippy::cast_possible_truncation)]
            let now = Timestamp::from_unix_millis(now_ms() as i64);
            let end = base
                .range
                .end()
                .filter(|end| **end < now)
                .cloned()
                .unwrap_or(now);
            let name = format!("calls-{}.csv", end.as_str().get(..10).unwrap_or("export"));
            let range = DateRange::new(base.range.start().cloned(), Some(end)).unwrap_or_default();
            exporting_now.set(true);
            export_text.set(exporting(lang, 0, 0));
            spawn_local(async move {
                let mut csv = String::from("\u{feff}");
                csv.push_str(crate::csv::HEADER);
                let mut done: u32 = 0;
                loop {
                    let page = CallsQuery {
                        limit: PageLimit::new(EXPORT_PAGE).unwrap_or_default(),
                        offset: PageOffset::new(done),
                        status: base.status,
                        range: range.clone(),
                    };
                    let result = edge.calls(&token, &page, None).await;
                    if !alive.get() {
                        return;
                    }
                    match result {
                        Ok(list) => {
                            crate::csv::write_rows(&mut csv, &list.calls);
                            done += u32::try_from(list.calls.len()).unwrap_or(u32::MAX);
                            let total = u32::try_from(list.pagination.total).unwrap_or(u32::MAX);
                            export_text.set(exporting(lang, done, total));
                            if list.calls.is_empty() || done >= total {
                                break;
                            }
                        }
                        Err(WidgetError::RateLimited { retry_after_s }) => {
                            sleep(u32::try_from(retry_after_s.max(1) * 1_000).unwrap_or(u32::MAX))
                                .await;
                            if !alive.get() {
                                return;
                            }
                        }
                        Err(error) => {
                            export_text.set(error.text(lang));
                            return exporting_now.set(false);
                        }
                    }
                }
                match download(&name, "text/csv;charset=utf-8", &csv) {
                    Ok(()) => export_text.set(exported(lang, done)),
                    Err(_) => export_text.set(WidgetError::Unreadable { status: 0 }.text(lang)),
                }
                exporting_now.set(false);
            });
        }
    };
    let refetch = fetch.clone();
    Effect::new(move |_| {
        query.track();
        refetch(false);
    });
    let chart_again = read_chart.clone();
    Effect::new(move |_| {
        summary_query.track();
        chart_again();
    });
    // Once the first request is out (the effect above runs first), the
    // date formatters are made while the answer is on its way.
    spawn_local(async move {
        crate::browser::sleep(0).await;
        crate::browser::warm_formatters(lang.tag());
    });
    // An operator's live calls, read again every few seconds while one is
    // live (and the page in sight), and soon after each command, so their
    // status follows.
    let live = can_control.then(|| {
        let fetch = fetch.clone();
        let (edge, token, alive) = for_controls;
        let live = Rc::new(Live {
            edge,
            token,
            lang,
            targets: transfer_targets,
            alive,
            container,
            items: RefCell::default(),
            polling: Cell::new(false),
            reread: Box::new(move || fetch(true)),
        });
        live_slot.set_value(Some(live.clone()));
        live
    });
    let live_view = live.map(|live| {
        let (on_submit, on_key) = (live.clone(), live.clone());
        view! {
            <section class="live-calls" part="live-calls" data-testid="live-calls" aria-labelledby="callme-live-title" hidden>
                <h3 id="callme-live-title" tabindex="-1">{t(lang, Msg::LiveCalls)}</h3>
                <ul data-testid="live-list" on:click=handler(move |event: leptos::ev::MouseEvent| live.click(&event))
                    on:submit=handler(move |event: leptos::ev::SubmitEvent| on_submit.submit(&event))
                    on:keydown=handler(move |event: leptos::ev::KeyboardEvent| on_key.key(&event))></ul>
            </section>
        }
    });

    let filter_changed = move || offset.set(0);
    let status_options = StatusFilter::ALL;
    let status_name = move |s: StatusFilter| {
        t(
            lang,
            match s {
                StatusFilter::Connecting => Msg::StatusConnecting,
                StatusFilter::InProgress => Msg::StatusInProgress,
                StatusFilter::Ended => Msg::StatusEnded,
                StatusFilter::Failed => Msg::StatusFailed,
            },
        )
    };

    let body = {
        let fetch = fetch.clone();
        move || {
            match load.get() {
            Load::Loading => view! { <p class="state" data-testid="loading" role="status">{t(lang, Msg::Loading)}</p> }.into_any(),
            Load::Failed(error) => {
                let fetch = fetch.clone();
                // A token refused is refused again: no "Try again" with it
                // (the words say to sign in again).
                let retry = !matches!(error, WidgetError::Unauthorized);
                view! {
                    <div class="state error" role="alert" data-testid="error">
                        <p>{error.text(lang)}</p>
                        <button type="button" hidden=!retry data-testid="retry"
                            on:click=handler(move |_| fetch(false))>{t(lang, Msg::Retry)}</button>
                    </div>
                }
                .into_any()
            }
            Load::Loaded(list) if list.calls.is_empty() => {
                view! { <p class="state" data-testid="empty">{t(lang, Msg::NoCalls)}</p> }.into_any()
            }
            Load::Loaded(list) => {
                let (first, last) = shown_range(&list.pagination, list.calls.len());
                let total = list.pagination.total;
                let at_end = last >= total;
                view! {
                    <table part="table" data-testid="table">
                        <thead><tr>
                            <th scope="col">{t(lang, Msg::Date)}</th>
                            <th scope="col">{t(lang, Msg::Number)}</th>
                            <th scope="col">{t(lang, Msg::Agent)}</th>
                            <th scope="col">{t(lang, Msg::Status)}</th>
                            <th scope="col">{t(lang, Msg::Duration)}</th>
                            <th scope="col">{t(lang, Msg::Summary)}</th>
                        </tr></thead>
                        <tbody inner_html=rows_html(&list.calls, lang)></tbody>
                    </table>
                    <nav class="pager" aria-label="pagination">
                        <button type="button" data-testid="previous" disabled=first <= 1
                            on:click=handler(move |_| offset.update(|o| *o = o.saturating_sub(limit.get_untracked().get())))>
                            {t(lang, Msg::Previous)}
                        </button>
                        <span data-testid="range">{range_of(lang, first, last, total)}</span>
                        <button type="button" data-testid="next" disabled=at_end
                            on:click=handler(move |_| offset.update(|o| *o += limit.get_untracked().get()))>
                            {t(lang, Msg::Next)}
                        </button>
                    </nav>
                }
                .into_any()
            }
        }
        }
    };

    view! {
        <section class="history" part="history" aria-labelledby="callme-history-title">
            {live_view}
            <div class="upcoming" data-testid="upcoming" hidden=move || upcoming.with(String::is_empty)>
                <h3>{t(lang, Msg::Upcoming)}</h3>
                <ul inner_html=move || upcoming.get()></ul>
            </div>
            <h2 id="callme-history-title" tabindex="-1">{t(lang, Msg::History)}</h2>
            <div class="filters" part="filters">
                <label><span>{t(lang, Msg::Status)}</span>
                    <select data-testid="status-filter" part="input" on:change=handler(move |ev| {
                        status.set(StatusFilter::parse(&event_target_value(&ev)).ok());
                        filter_changed();
                    })>
                        <option value="">{t(lang, Msg::AllStatuses)}</option>
                        {status_options.into_iter().map(|s| view! { <option value=s.as_str()>{status_name(s)}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{t(lang, Msg::From)}</span>
                    <input type="date" part="input" data-testid="from" on:change=handler(move |ev| { from.set(event_target_value(&ev)); filter_changed(); }) /></label>
                <label><span>{t(lang, Msg::To)}</span>
                    <input type="date" part="input" data-testid="to" on:change=handler(move |ev| { to.set(event_target_value(&ev)); filter_changed(); }) /></label>
                <label><span>{t(lang, Msg::PageSize)}</span>
                    <select part="input" data-testid="page-size" on:change=handler(move |ev| {
                        if let Ok(size) = PageLimit::parse(&event_target_value(&ev)) { limit.set(size); filter_changed(); }
                    })>
                        {[10_u32, 20, 50, 100].into_iter().map(|n| view! {
                            <option value=n.to_string() selected=n == page_size.get()>{n.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" data-testid="refresh" part="refresh" on:click=handler(move |_| { fetch(false); read_chart(); })>{t(lang, Msg::Refresh)}</button>
                <button type="button" data-testid="export" part="export"
                    disabled=move || exporting_now.get()
                    on:click=handler(move |_| start_export())>{t(lang, Msg::Export)}</button>
            </div>
            <p class="export" role="status" data-testid="export-status">{move || export_text.get()}</p>
            <figure class="chart" part="chart" data-testid="chart" hidden=move || chart.with(Option::is_none)
                inner_html=move || chart.get().unwrap_or_default()></figure>
            <div aria-live="polite">{body}</div>
        </section>
    }
}

/// The columns' names as custom properties (`--l1`…`--l5`) for the table's
/// phone layout, where each row is a card and each cell says what it is:
/// set once on the history's box, not once per cell of a thousand rows,
/// and through the CSSOM (a strict CSP refuses `style` attributes).
fn label_columns(container: &HtmlElement, lang: Lang) {
    let style = container.style();
    for (i, msg) in [
        Msg::Date,
        Msg::Number,
        Msg::Agent,
        Msg::Status,
        Msg::Duration,
    ]
    .iter()
    .enumerate()
    {
        let _ = style.set_property(&format!("--l{}", i + 1), &css_string(t(lang, *msg)));
    }
}

/// `text` as a CSS string: quotes and backslashes escaped, line breaks
/// and other controls as code points.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\{:x} ", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The booked callbacks still to come (or failed), as one escaped HTML
/// list: date and time in the reader's locale, number, agent, status.
fn upcoming_html(list: &[crate::wire::Scheduled], lang: Lang) -> String {
    use crate::model::escape_into;
    let mut html = String::new();
    for booked in list
        .iter()
        .filter(|b| b.status == "scheduled" || b.status == "failed")
    {
        html.push_str("<li data-testid=\"booked\">");
        escape_into(&mut html, &local_date_time(lang.tag(), &booked.at));
        html.push_str(" · <span class=\"number\">");
        escape_into(&mut html, &crate::model::shown_number(&booked.phone));
        html.push_str("</span> · ");
        escape_into(&mut html, &booked.agent);
        if booked.status == "failed" {
            html.push_str(" · <span class=\"badge failed\">");
            escape_into(&mut html, t(lang, Msg::StatusFailed));
            html.push_str("</span>");
        }
        html.push_str("</li>");
    }
    html
}

/// One call: every text from the network goes in as text, never as HTML.
/// The rows of `calls` as one HTML string (see [`row_html`]).
fn rows_html(calls: &[Call], lang: Lang) -> String {
    let mut html = String::with_capacity(calls.len() * 320);
    for call in calls {
        let when = call.started_at.as_ref().unwrap_or(&call.created_at);
        let commands = command_lines(call, lang);
        row_html(
            &mut html,
            call,
            &local_date_time(lang.tag(), when),
            &commands,
            lang,
        );
    }
    html
}

/// What was sent into `call`, a line each, in the reader's time.
fn command_lines(call: &Call, lang: Lang) -> Vec<String> {
    call.commands
        .iter()
        .map(|c| {
            let clock = local_clock(lang.tag(), &c.at);
            command_line(lang, &c.kind, c.to.as_deref(), &c.by, &clock)
        })
        .collect()
}

/// Whether the focus is on `element` or inside it (in its shadow root).
fn holds_focus(element: &Element) -> bool {
    element
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|root| root.active_element())
        .is_some_and(|active| element.contains(Some(&active)))
}

/// Moves the focus to `element`, when it is one that takes it.
fn focus(element: Option<Element>) {
    if let Some(element) = element.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// The element of `within` with this `data-testid`.
fn part(within: &Element, testid: &str) -> Option<Element> {
    within
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
}

/// An operator's live calls, drawn by hand into the list of the history's
/// "Live calls" (see the module's note), and what their controls do.
struct Live {
    /// The edge to send commands to.
    edge: Edge,
    /// The operator's portal token.
    token: String,
    /// The reader's language.
    lang: Lang,
    /// The aliases the operator may transfer to.
    targets: Vec<AgentAlias>,
    /// Whether the history is still on the page.
    alive: Alive,
    /// The element the history is mounted into.
    container: HtmlElement,
    /// The calls drawn: id, list item, and its command lines as drawn.
    items: RefCell<Vec<(CallId, Element, Vec<String>)>>,
    /// Whether a loop follows the live calls.
    polling: Cell<bool>,
    /// Reads the page again, quietly.
    reread: Box<dyn Fn()>,
}

impl Live {
    /// Draws the live calls of a page read: a call that went live comes
    /// first, one that is over goes, the others keep their item (and what
    /// is typed or focused in it) and get their new commands. When the
    /// focus was in an item that went, it moves to the "Live calls"
    /// heading, or to the history's once none is live, instead of falling
    /// to the host page. Whether any call is live.
    fn show(&self, calls: &[Call]) -> bool {
        let Some(list) = part(&self.container, "live-list") else {
            return false;
        };
        let live = live_calls(calls);
        let held = holds_focus(&list);
        let mut items = self.items.borrow_mut();
        items.retain(|(id, item, _)| {
            let keep = live.iter().any(|call| call.id == *id);
            if !keep {
                item.remove();
            }
            keep
        });
        let first = items.iter().map(|(_, item, _)| item.clone()).next();
        for call in live {
            let lines = command_lines(call, self.lang);
            if let Some((_, item, drawn)) = items.iter_mut().find(|(id, ..)| *id == call.id) {
                if *drawn != lines {
                    if let Some(commands) = part(item, "commands") {
                        let mut html = String::new();
                        commands_html(&mut html, &lines);
                        commands.set_inner_html(&html);
                        let _ = commands.toggle_attribute_with_force("hidden", lines.is_empty());
                    }
                    *drawn = lines;
                }
                continue;
            }
            let Some(item) = self
                .container
                .owner_document()
                .and_then(|d| d.create_element("li").ok())
            else {
                continue;
            };
            item.set_class_name("live-call");
            let _ = item.set_attribute("data-testid", "live-call");
            let _ = item.set_attribute("data-call", call.id.as_str());
            let since = local_date_time(
                self.lang.tag(),
                call.started_at.as_ref().unwrap_or(&call.created_at),
            );
            let mut html = String::new();
            live_call_html(&mut html, call, &since, &lines, &self.targets, self.lang);
            item.set_inner_html(&html);
            let _ = list.insert_before(&item, first.as_ref().map(AsRef::as_ref));
            items.push((call.id.clone(), item, lines));
        }
        let any = !items.is_empty();
        if let Some(section) = part(&self.container, "live-calls") {
            let _ = section.toggle_attribute_with_force("hidden", !any);
        }
        if held && !holds_focus(&list) {
            let heading = if any {
                "#callme-live-title"
            } else {
                "#callme-history-title"
            };
            focus(self.container.query_selector(heading).ok().flatten());
        }
        any
    }

    /// Reads the page again every few seconds while a call is live (one
    /// loop at a time, ending once none is).
    fn follow(self: &Rc<Self>) {
        if self.polling.replace(true) {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            loop {
                sleep(LIVE_POLL_MS).await;
                if !this.alive.get() {
                    return;
                }
                if this.items.borrow().is_empty() {
                    return this.polling.set(false);
                }
                if !page_hidden() {
                    (this.reread)();
                }
            }
        });
    }

    /// A press on one of the controls: "End call" turns into "End this
    /// call?" Yes/No (the focus on "No", the safe answer, and back on "End
    /// call" once answered), "Transfer to …" sends at once.
    fn click(self: &Rc<Self>, event: &leptos::ev::MouseEvent) {
        let Some(button) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button").ok().flatten())
        else {
            return;
        };
        let Some(item) = button.closest(".live-call").ok().flatten() else {
            return;
        };
        match button.get_attribute("data-testid").as_deref() {
            Some("end-call") => confirm(&item, true),
            Some("end-no") => confirm(&item, false),
            Some("end-yes") => {
                confirm(&item, false);
                self.send(item, Command::EndCall);
            }
            Some("transfer") => {
                if let Some(alias) = button
                    .get_attribute("data-to")
                    .and_then(|to| AgentAlias::parse(&to).ok())
                {
                    self.send(item, Command::Transfer(alias));
                }
            }
            _ => {}
        }
    }

    /// Escape in the confirmation answers "No".
    fn key(&self, event: &leptos::ev::KeyboardEvent) {
        if event.key() != "Escape" {
            return;
        }
        if let Some(item) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .filter(|t| t.closest(".confirm").ok().flatten().is_some())
            .and_then(|t| t.closest(".live-call").ok().flatten())
        {
            confirm(&item, false);
        }
    }

    /// "Say": the words, checked by the shared rules first.
    fn submit(self: &Rc<Self>, event: &leptos::ev::SubmitEvent) {
        event.prevent_default();
        let Some(form) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let (Some(item), Some(input)) = (
            form.closest(".live-call").ok().flatten(),
            part(&form, "say-text").and_then(|i| i.dyn_into::<HtmlInputElement>().ok()),
        ) else {
            return;
        };
        match SpokenText::parse(&input.value()) {
            Ok(words) => self.send(item, Command::Say(words)),
            Err(error) => {
                let _ = input.set_attribute("aria-invalid", "true");
                tell(&item, &text_error_text(self.lang, &error), true);
            }
        }
    }

    /// Sends `command` into the call of `item`, one at a time per call,
    /// and says what became of it under its controls.
    fn send(self: &Rc<Self>, item: Element, command: Command) {
        let Some(id) = item
            .get_attribute("data-call")
            .and_then(|id| CallId::parse(&id).ok())
        else {
            return;
        };
        if item.has_attribute("data-sending") {
            return;
        }
        let _ = item.set_attribute("data-sending", "");
        tell(&item, t(self.lang, Msg::Sending), false);
        let this = self.clone();
        spawn_local(async move {
            let result = this.edge.control(&this.token, &id, &command).await;
            if !this.alive.get() {
                return;
            }
            let _ = item.remove_attribute("data-sending");
            let input = part(&item, "say-text").and_then(|i| i.dyn_into::<HtmlInputElement>().ok());
            match result {
                Ok(()) => {
                    if let (Command::Say(_), Some(input)) = (&command, &input) {
                        input.set_value("");
                        let _ = input.set_attribute("aria-invalid", "false");
                    }
                    tell(&item, t(this.lang, Msg::NoteSent), false);
                    // The call's status (ended, transferred) and the command
                    // itself show without waiting for the loop.
                    sleep(AFTER_COMMAND_MS).await;
                    if this.alive.get() {
                        (this.reread)();
                    }
                }
                Err(error) => {
                    if let (Some("content"), Some(input)) = (error.field(), &input) {
                        let _ = input.set_attribute("aria-invalid", "true");
                    }
                    tell(&item, &error.text(this.lang), true);
                }
            }
        });
    }
}

/// Shows or hides the confirmation of "End call" in `item`, with the focus.
fn confirm(item: &Element, asking: bool) {
    let (end, question) = (part(item, "end-call"), part(item, "end-confirm"));
    if let (Some(end), Some(question)) = (&end, &question) {
        let _ = end.toggle_attribute_with_force("hidden", asking);
        let _ = question.toggle_attribute_with_force("hidden", !asking);
    }
    focus(if asking { part(item, "end-no") } else { end });
}

/// What became of the last command of `item`, in its status region.
fn tell(item: &Element, text: &str, refused: bool) {
    if let Some(message) = part(item, "control-message") {
        message.set_text_content(Some(text));
        message.set_class_name(if refused { "message error" } else { "message" });
    }
}
