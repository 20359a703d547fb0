//! The consent box: the visitor agrees to be called (required unless the
//! edge says otherwise), with the edge's refusal under it.

use leptos::prelude::*;

use crate::erased::{Value, handler, value};

/// The checkbox, its label and its message.
#[component]
pub fn ConsentField(
    /// Whether the box is ticked; the form reads it on submit.
    checked: RwSignal<bool>,
    /// The label.
    label: String,
    /// Whether the edge requires it (marked with `*`).
    required: Value<bool>,
    /// What the edge said about it, if anything.
    error: Value<Option<String>>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" data-testid="consent" prop:checked=value(move || checked.get())
                aria-describedby="callme-consent-message"
                on:change=handler(move |ev| checked.set(event_target_checked(&ev))) />
            <span>{label}{value(move || required().then(|| " *".to_owned()))}</span>
        </label>
        <p id="callme-consent-message" class="message error" data-testid="consent-message">
            {error}
        </p>
    }
}
