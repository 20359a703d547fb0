//! The smallest Leptos widget: a counter mounted into an element, built
//! exactly like the real bundles. `cargo xtask bench` reports the widget's
//! bundles against it, so "what Leptos itself costs" and "what callme adds"
//! are two separate numbers.

#[cfg(target_arch = "wasm32")]
mod counter {
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    /// Mounts a counter button into `host` for the rest of the page's life.
    #[wasm_bindgen]
    pub fn mount_counter(host: web_sys::HtmlElement) {
        let handle = leptos::mount::mount_to(host, || {
            let count = RwSignal::new(0);
            view! {
                <button on:click=move |_| count.update(|c| *c += 1)>
                    "Clicked " {move || count.get()}
                </button>
            }
        });
        handle.forget();
    }
}
