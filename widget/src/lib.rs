//! The callme widget: `<callme-button>` and `<callme-history>` as Leptos
//! components, mounted into custom elements that the loader (`callme.js`)
//! defines. The loader draws the button at once and loads this code on the
//! visitor's first intent; it then calls `mount_button` or `mount_history`
//! with the element and its shadow root.
//!
//! Three bundles are built from this crate (features `button`, `history`
//! and `send`) so a page pays only for the element it uses, and a press in
//! the button's early form goes out after the few kilobytes of `send`.
// The sender's bundle uses a handful of the crate's items; the rest is
// left out by the linker, and not worth a `cfg` on each.
#![cfg_attr(
    all(feature = "send", not(feature = "button"), not(feature = "history")),
    allow(dead_code, unused_imports)
)]

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub mod control;
pub mod csv;
pub mod error;
pub mod form;
pub mod i18n;
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub mod kept;
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod words;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(all(target_arch = "wasm32", feature = "button"))]
mod button;
#[cfg(target_arch = "wasm32")]
mod erased;
#[cfg(all(target_arch = "wasm32", feature = "history"))]
mod history;
#[cfg(all(target_arch = "wasm32", any(feature = "button", feature = "history")))]
mod mount;
#[cfg(all(target_arch = "wasm32", feature = "send", not(feature = "button")))]
mod send;
#[cfg(all(target_arch = "wasm32", feature = "button"))]
mod turnstile;
#[cfg(target_arch = "wasm32")]
pub mod wire;

#[cfg(all(target_arch = "wasm32", any(feature = "button", feature = "history")))]
pub use mount::*;
#[cfg(all(target_arch = "wasm32", feature = "send", not(feature = "button")))]
pub use send::*;
