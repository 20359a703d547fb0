//! "Pick a time": the slots the site offers (`GET /api/slots`), grouped by
//! day in the visitor's own time, in one native select (keyboard and
//! screen readers know it), naming the site's zone when it differs.

use callme_shared::Timestamp;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Edge;
use crate::browser::{Alive, local_day_and_time, visitor_zone};
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
    /// The chosen slot as the edge wrote it (an option's value); empty
    /// until the visitor picks one, which means the first, as shown.
    chosen: RwSignal<String>,
}

impl SlotState {
    /// Nothing loaded yet.
    pub fn new() -> Self {
        Self {
            offered: RwSignal::new(None),
            site_zone: RwSignal::new(String::new()),
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
            self.chosen.set(String::new());
            self.offered.set(Some(result.map(|slots| {
                self.site_zone.set(slots.time_zone);
                slots.slots
            })));
        });
    }

    /// The chosen slot, if the slots are there.
    pub fn chosen(self) -> Option<Timestamp> {
        self.offered.with_untracked(|offered| match offered {
            Some(Ok(slots)) => self.chosen.with_untracked(|chosen| {
                slots
                    .iter()
                    .find(|slot| slot.as_str() == chosen)
                    .or_else(|| slots.first())
                    .cloned()
            }),
            _ => None,
        })
    }
}

/// The select of slots, grouped by day.
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
        chosen,
    } = state;
    // The options as one escaped HTML string (day groups, times): one
    // crossing into the browser, and no view code per element type.
    let options = value(move || {
        offered.with(|offered| {
            let mut html = String::new();
            let Some(Ok(slots)) = offered else {
                return html;
            };
            let mut last_day = String::new();
            for slot in slots {
                let (day, time) = local_day_and_time(lang.tag(), slot);
                if day != last_day {
                    if !last_day.is_empty() {
                        html.push_str("</optgroup>");
                    }
                    html.push_str("<optgroup label=\"");
                    escape_into(&mut html, &day);
                    html.push_str("\">");
                    last_day = day;
                }
                // The value is the slot itself, so a choice means the same
                // time even if the list was loaded again meanwhile.
                html.push_str("<option value=\"");
                escape_into(&mut html, slot.as_str());
                html.push_str("\">");
                escape_into(&mut html, &time);
                html.push_str("</option>");
            }
            if !last_day.is_empty() {
                html.push_str("</optgroup>");
            }
            html
        })
    });
    let note = value(move || {
        let zone = site_zone.get();
        (!zone.is_empty() && zone != visitor_zone()).then(|| zone_note(lang, &zone))
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
        <label class="slot">
            <span>{t(lang, Msg::Time)}</span>
            <select part="input" data-testid="slot" aria-describedby="callme-slot-message"
                inner_html=options
                on:change=handler(move |ev| chosen.set(event_target_value(&ev)))>
            </select>
        </label>
        <p id="callme-slot-message" class="message" data-testid="slot-message">{status}" "{note}</p>
    }
}
