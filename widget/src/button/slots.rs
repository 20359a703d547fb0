//! "Pick a time": the slots the site offers (`GET /api/slots`): a day
//! (the next days that have slots, in the visitor's own time), then a time
//! within it, grouped by part of the day; naming the site's zone when it
//! differs.

use callme_shared::Timestamp;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Edge;
use crate::browser::{Alive, local_day_and_time, local_hour, visitor_zone};
use crate::erased::{handler, value};
use crate::error::WidgetError;
use crate::i18n::{Lang, Msg, t, zone_note};
use crate::model::escape_into;

/// The picker's state, which the form reads on submit.
#[derive(Clone, Copy)]
pub struct SlotState {
    /// The slots on offer, once loaded (or why not).
    offered: RwSignal<Option<Result<Vec<Timestamp>, WidgetError>>>,
    /// The site's zone.
    site_zone: RwSignal<String>,
    /// The chosen day: its place among the days on offer.
    day: RwSignal<usize>,
    /// The chosen slot as the edge wrote it (an option's value); empty
    /// until the visitor picks one, which means the day's first, as shown.
    chosen: RwSignal<String>,
}

/// One day on offer in the visitor's own time: its name and its slots,
/// each with its time and the hour it starts in (for the part of day).
struct Day {
    name: String,
    slots: Vec<(Timestamp, String, u32)>,
}

/// The slots grouped by the visitor's own day, in order.
fn days(slots: &[Timestamp], lang: Lang) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for slot in slots {
        let (name, time) = local_day_and_time(lang.tag(), slot);
        let hour = local_hour(slot);
        match days.last_mut() {
            Some(day) if day.name == name => day.slots.push((slot.clone(), time, hour)),
            _ => days.push(Day {
                name,
                slots: vec![(slot.clone(), time, hour)],
            }),
        }
    }
    days
}

/// The part of the day an hour (0-23) falls in, for the time's groups.
fn part_of_day(hour: u32) -> Msg {
    match hour {
        0..=5 => Msg::Night,
        6..=11 => Msg::Morning,
        12..=17 => Msg::Afternoon,
        _ => Msg::Evening,
    }
}

impl SlotState {
    /// Nothing loaded yet.
    pub fn new() -> Self {
        Self {
            offered: RwSignal::new(None),
            site_zone: RwSignal::new(String::new()),
            day: RwSignal::new(0),
            chosen: RwSignal::new(String::new()),
        }
    }

    /// Loads the slots on offer (again: one may have been booked full).
    pub fn load(self, edge: Edge, alive: Alive) {
        spawn_local(async move {
            let result = edge.slots().await;
            if !alive.get() {
                return;
            }
            self.day.set(0);
            self.chosen.set(String::new());
            self.offered.set(Some(result.map(|slots| {
                self.site_zone.set(slots.time_zone);
                slots.slots
            })));
        });
    }

    /// The chosen slot, if the slots are there: the one picked, else the
    /// chosen day's first (what its select shows).
    pub fn chosen(self, lang: Lang) -> Option<Timestamp> {
        self.offered.with_untracked(|offered| match offered {
            Some(Ok(slots)) => self.chosen.with_untracked(|chosen| {
                if let Some(slot) = slots.iter().find(|slot| slot.as_str() == chosen) {
                    return Some(slot.clone());
                }
                let days = days(slots, lang);
                let day = days.get(self.day.get_untracked()).or(days.first())?;
                day.slots.first().map(|(slot, _, _)| slot.clone())
            }),
            _ => None,
        })
    }
}

/// A day, then a time within it: two native selects (keyboard and screen
/// readers know them), each showing what it holds when closed; the times
/// grouped by part of the day, so a phone's list stays short.
#[component]
pub fn SlotPicker(
    /// The picker's state.
    state: SlotState,
    /// The visitor's language.
    lang: Lang,
) -> impl IntoView {
    let SlotState {
        offered,
        site_zone,
        day,
        chosen,
    } = state;
    // Each select's options as one escaped HTML string: one crossing into
    // the browser, and no view code per element type.
    let day_options = value(move || {
        offered.with(|offered| {
            let mut html = String::new();
            let Some(Ok(slots)) = offered else {
                return html;
            };
            for (i, day) in days(slots, lang).iter().enumerate() {
                html.push_str(&format!("<option value=\"{i}\">"));
                escape_into(&mut html, &day.name);
                html.push_str("</option>");
            }
            html
        })
    });
    let time_options = value(move || {
        let chosen_day = day.get();
        offered.with(|offered| {
            let mut html = String::new();
            let Some(Ok(slots)) = offered else {
                return html;
            };
            let days = days(slots, lang);
            let Some(slots) = days.get(chosen_day).map(|d| &d.slots) else {
                return html;
            };
            let mut group = None;
            for (slot, time, hour) in slots {
                let part = part_of_day(*hour);
                if group != Some(part) {
                    if group.is_some() {
                        html.push_str("</optgroup>");
                    }
                    html.push_str("<optgroup label=\"");
                    escape_into(&mut html, t(lang, part));
                    html.push_str("\">");
                    group = Some(part);
                }
                // The value is the slot itself, so a choice means the same
                // time even if the list was loaded again meanwhile.
                html.push_str("<option value=\"");
                escape_into(&mut html, slot.as_str());
                html.push_str("\">");
                escape_into(&mut html, time);
                html.push_str("</option>");
            }
            if group.is_some() {
                html.push_str("</optgroup>");
            }
            html
        })
    });
    // The site's zone, when it is not the visitor's; a site that set none
    // (the edge says UTC then) is not said to be "in UTC".
    let note = value(move || {
        let zone = site_zone.get();
        (!zone.is_empty() && zone != "UTC" && zone != "Etc/UTC" && zone != visitor_zone())
            .then(|| zone_note(lang, &zone))
    });
    let status = value(move || {
        offered.with(|offered| match offered {
            None => Some(t(lang, Msg::Loading).to_owned()),
            Some(Ok(slots)) if slots.is_empty() => Some(t(lang, Msg::NoSlots).to_owned()),
            Some(Ok(_)) => None,
            Some(Err(error)) => Some(error.text(lang)),
        })
    });
    view! {
        <div class="row slot-pick">
            <label class="slot-day">
                <span>{t(lang, Msg::Day)}</span>
                <select part="input" data-testid="slot-day" aria-describedby="callme-slot-message"
                    inner_html=day_options
                    on:change=handler(move |ev| {
                        chosen.set(String::new());
                        day.set(event_target_value(&ev).parse().unwrap_or(0));
                    })>
                </select>
            </label>
            <label class="slot">
                <span>{t(lang, Msg::Time)}</span>
                <select part="input" data-testid="slot" aria-describedby="callme-slot-message"
                    inner_html=time_options
                    on:change=handler(move |ev| chosen.set(event_target_value(&ev)))>
                </select>
            </label>
        </div>
        <p id="callme-slot-message" class="message" data-testid="slot-message">{status}" "{note}</p>
    }
}
