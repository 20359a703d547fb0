//! `<callme-history>`: a portal's call history with filters, paging and a
//! small chart of calls per day by outcome.

use callme_shared::{
    Call, CallList, CallsQuery, DateRange, PageLimit, PageOffset, StatusFilter, Timestamp,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Edge;
use crate::browser::{Alive, download, local_date_time, local_day_bound, now_ms, short_day, sleep};
use crate::erased::handler;
use crate::error::WidgetError;
use crate::i18n::{Lang, Msg, exported, exporting, range_of, t};
use crate::model::{ChartDay, chart_days, row_html, shown_range};

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
) -> impl IntoView {
    let alive = Alive::new();
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

    let query = Memo::new(move |_| {
        let start = local_day_bound(&from.get(), false).and_then(|t| Timestamp::parse(&t).ok());
        let end = local_day_bound(&to.get(), true).and_then(|t| Timestamp::parse(&t).ok());
        CallsQuery {
            limit: limit.get(),
            offset: PageOffset::new(offset.get()),
            status: status.get(),
            range: DateRange::new(start, end).unwrap_or_default(),
        }
    });

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
    let fetch = move || {
        let edge = edge.clone();
        let token = token.clone();
        let alive = alive.clone();
        let query = query.get_untracked();
        let this = generation.get_untracked() + 1;
        generation.set(this);
        load.set(Load::Loading);
        spawn_local(async move {
            let result = edge.calls(&token, &query, None).await;
            // Only the newest request may fill the table.
            if !alive.get() || generation.get_untracked() != this {
                return;
            }
            load.set(match result {
                Ok(list) => Load::Loaded(list),
                Err(error) => Load::Failed(error),
            });
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
        refetch();
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
                view! {
                    <div class="state error" role="alert" data-testid="error">
                        <p>{error.text(lang)}</p>
                        <button type="button" on:click=handler(move |_| fetch())>{t(lang, Msg::Retry)}</button>
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
                let days = chart_days(&list.calls);
                view! {
                    <Chart days=days lang=lang />
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
            <div class="upcoming" data-testid="upcoming" hidden=move || upcoming.with(String::is_empty)>
                <h3>{t(lang, Msg::Upcoming)}</h3>
                <ul inner_html=move || upcoming.get()></ul>
            </div>
            <h2 id="callme-history-title">{t(lang, Msg::History)}</h2>
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
                <button type="button" data-testid="refresh" part="refresh" on:click=handler(move |_| fetch())>{t(lang, Msg::Refresh)}</button>
                <button type="button" data-testid="export" part="export"
                    disabled=move || exporting_now.get()
                    on:click=handler(move |_| start_export())>{t(lang, Msg::Export)}</button>
            </div>
            <p class="export" role="status" data-testid="export-status">{move || export_text.get()}</p>
            <div aria-live="polite">{body}</div>
        </section>
    }
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
        escape_into(&mut html, &booked.phone);
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
        row_html(&mut html, call, &local_date_time(lang.tag(), when), lang);
    }
    html
}

#[component]
fn Chart(
    /// The days to draw, oldest first.
    days: Vec<ChartDay>,
    /// The reader's language.
    lang: Lang,
) -> impl IntoView {
    // Whole pixels: a 60-pixel chart needs no fractions, and integers keep
    // float formatting (several KB of wasm) out of the bundle.
    let height = 60_u32;
    let bar = 14_usize;
    let gap = 4_usize;
    let most = days.iter().map(ChartDay::total).max().unwrap_or(1).max(1);
    let width = (bar + gap) * days.len().max(1);
    let summary = days
        .iter()
        .map(|d| format!("{}: {}", d.day, d.total()))
        .collect::<Vec<_>>()
        .join(", ");
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let x = i * (bar + gap);
            let [ended_top, failed_top, other_top] = day.bar_tops(most, height);
            let label = format!("{} — {} ✓ {} ✗ {} …", short_day(lang.tag(), &day.day), day.ended, day.failed, day.other);
            view! {
                <g>
                    <title>{label}</title>
                    <rect class="ended" x=x y=height - ended_top width=bar height=ended_top />
                    <rect class="failed" x=x y=height - failed_top width=bar height=failed_top - ended_top />
                    <rect class="other" x=x y=height - other_top width=bar height=other_top - failed_top />
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" part="chart" data-testid="chart">
            <figcaption>{t(lang, Msg::ChartTitle)}</figcaption>
            <svg viewBox=format!("0 0 {width} {height}") width=width height=height role="img" aria-label=summary>
                {bars}
            </svg>
        </figure>
    }
}
