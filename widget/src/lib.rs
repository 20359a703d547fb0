//! The callme widget: `<callme-button>` and `<callme-history>` as Leptos
//! components, mounted into custom elements that the loader (`callme.js`)
//! defines. The loader draws the button at once and loads this code on the
//! visitor's first intent; it then calls `mount_button` or `mount_history`
//! with the element and its shadow root.
//!
//! Two bundles are built from this crate (features `button` and `history`)
//! so a page pays only for the element it uses.

#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub mod control;
pub mod csv;
pub mod error;
pub mod i18n;
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
#[cfg(target_arch = "wasm32")]
mod mount;
#[cfg(all(target_arch = "wasm32", feature = "button"))]
mod turnstile;
#[cfg(target_arch = "wasm32")]
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub use mount::*;
