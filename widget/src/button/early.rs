//! What the visitor did in the loader's early form (typed, ticked, chose,
//! focused, pressed) before this code arrived: the component starts from
//! it, so taking the form over loses nothing.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement};

/// The early form's state, as the loader's `carried()` hands it over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    /// The number as typed.
    pub phone: Option<String>,
    /// The country chosen, if the visitor or the page chose one.
    pub country: Option<String>,
    /// The name as typed.
    pub name: Option<String>,
    /// The note as typed.
    pub note: Option<String>,
    /// Whether the consent box was ticked.
    pub consent: bool,
    /// Whether "Pick a time" was chosen.
    pub later: bool,
    /// Whether the optional details were open.
    pub details: bool,
    /// Which control had the focus (its `data-testid`).
    pub focus: Option<String>,
    /// The caret (or selection) in that control.
    pub selection: Option<(u32, u32)>,
    /// Whether the form was submitted and not yet sent: it is sent once
    /// this code can.
    pub submit: bool,
    /// The idempotency key the early sender sent it under: sending again
    /// reuses it, so the edge places one call at most.
    pub key: Option<String>,
    /// The edge's answer to the early sender's request (a 202), read by
    /// the component as its own.
    pub accepted: Option<callme_shared::CallbackAccepted>,
}

impl Carried {
    /// Reads the loader's object; anything else (no early form) is empty.
    pub fn read(value: &JsValue) -> Self {
        if !value.is_object() {
            return Self::default();
        }
        let get =
            |key: &str| js_sys::Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let text = |key: &str| get(key).as_string();
        let flag = |key: &str| get(key).as_bool().unwrap_or(false);
        let selection = get("selection")
            .dyn_into::<js_sys::Array>()
            .ok()
            .and_then(|pair| {
                let at = |i| {
                    pair.get(i)
                        .as_f64()
                        .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
                };
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Some((at(0)? as u32, at(1)? as u32))
            });
        Self {
            phone: text("phone"),
            country: text("country"),
            name: text("name"),
            note: text("note"),
            consent: flag("consent"),
            later: flag("later"),
            details: flag("details"),
            // Only a name of the form's own controls goes into a selector.
            focus: text("focus").filter(|id| {
                !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            }),
            selection,
            submit: flag("submit"),
            key: text("key").filter(|key| !key.is_empty()),
            accepted: crate::wire::callback_accepted(get("accepted")),
        }
    }

    /// Puts the focus and caret back where they were, in the component's
    /// form under `panel` (at once, in the same task as the swap: a key
    /// pressed meanwhile reaches the field).
    pub fn restore_focus(&self, panel: &web_sys::Element) {
        let Some(id) = &self.focus else { return };
        let Ok(Some(target)) = panel.query_selector(&format!("[data-testid=\"{id}\"]")) else {
            return;
        };
        if let Some(target) = target.dyn_ref::<HtmlElement>() {
            let _ = target.focus();
        }
        let Some((start, end)) = self.selection else {
            return;
        };
        // The field's text first: the component sets its value a little
        // later, and setting a value moves the caret only when it differs.
        let text = match id.as_str() {
            "phone" => self.phone.as_deref(),
            "name" => self.name.as_deref(),
            "note" => self.note.as_deref(),
            _ => None,
        };
        if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
            if let Some(text) = text {
                input.set_value(text);
            }
            let _ = input.set_selection_range(start, end);
        } else if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
            if let Some(text) = text {
                area.set_value(text);
            }
            let _ = area.set_selection_range(start, end);
        }
    }
}
