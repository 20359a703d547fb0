//! Type-erased reactive values and event handlers for views.
//!
//! Leptos generates its render, update and cleanup code once per closure
//! type: twenty `move || ...` attributes in a view are twenty copies of that
//! code (about 1.4 KB of wasm each), and every `on:` handler its own copy of
//! the listener glue. Behind these aliases, every reactive `String` shares
//! one copy, every `bool` another, every click handler one more; each
//! closure itself costs only its body and a vtable. `cargo xtask bench`
//! shows what the button weighs.

#[cfg(feature = "button")]
use std::sync::Arc;

/// A reactive value: the view calls it again whenever a signal it read
/// changes. Tachys renders `Arc<dyn Fn() -> T>` like any closure.
#[cfg(feature = "button")]
pub type Value<T> = Arc<dyn Fn() -> T + Send + Sync>;

/// Erases a closure into a [`Value`].
#[cfg(feature = "button")]
pub fn value<T>(f: impl Fn() -> T + Send + Sync + 'static) -> Value<T> {
    Arc::new(f)
}

/// An event handler for events of type `E`.
pub type Handler<E> = Box<dyn FnMut(E)>;

/// Erases a closure into a [`Handler`].
pub fn handler<E>(f: impl FnMut(E) + 'static) -> Handler<E> {
    Box::new(f)
}
