//! The doors the loader calls: mount a component into an element's shadow
//! root, and unmount it when the element leaves the page.

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;
#[cfg(feature = "history")]
use web_sys::ShadowRoot;

use crate::api::Edge;
use crate::browser::navigator_language;
use crate::i18n::Lang;

/// A mounted component. Freeing it (`unmount()` or `free()` from the
/// loader) removes its DOM and stops its timers and requests.
#[wasm_bindgen]
pub struct Mounted {
    handle: Option<Box<dyn Any>>,
    /// Whether the button's panel is open (the loader's launcher sets it).
    open: Option<RwSignal<bool>>,
}

#[wasm_bindgen]
impl Mounted {
    /// Unmounts the component; idempotent.
    pub fn unmount(&mut self) {
        self.handle.take();
    }

    /// Opens or closes the button's panel. After `unmount` it does
    /// nothing: the signal is gone, and `try_set` says so instead of
    /// panicking.
    pub fn set_open(&self, open: bool) {
        if let Some(signal) = self.open {
            let _ = signal.try_set(open);
        }
    }
}

/// The container the history renders into, inside the shadow root,
/// replacing the loader's placeholder.
#[cfg(feature = "history")]
fn container(root: &ShadowRoot) -> Result<HtmlElement, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let div: HtmlElement = document.create_element("div")?.dyn_into()?;
    div.set_class_name("root");
    root.replace_children_with_node_1(&div);
    Ok(div)
}

fn attribute(host: &HtmlElement, name: &str) -> Option<String> {
    host.get_attribute(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The element's language (its `lang`, else the browser's) with `words`,
/// its words file as the loader fetched it; English without them.
fn lang_of(host: &HtmlElement, words: Option<&str>) -> Lang {
    let lang = Lang::pick(
        attribute(host, "lang").as_deref(),
        navigator_language().as_deref(),
    );
    if words.is_some_and(|words| lang.install(words)) {
        lang
    } else {
        Lang::En
    }
}

/// Mounts `<callme-button>`'s panel into `slot`, beside the loader's
/// launcher, which stays the same element for the page's whole life (so no
/// click on it can be lost to a swap). `open` opens the panel at once;
/// `on_toggle(false)` tells the loader the panel closed itself (Escape, ×);
/// `on_event(kind, value, field?)` what the host page should hear (see
/// `browser::Notify`); `config` the loader's `GET /api/config`, sent beside
/// the wasm's download (a promise of its response; `undefined` to ask for
/// it here); `carried` what the visitor did in the loader's early form
/// (`undefined` for none). The `phone` and `name` attributes prefill the
/// form. `words` is the element's words file (`pkg/words-<tag>.txt`),
/// none for English or when it did not load.
///
/// # Errors
/// When the slot cannot take the component.
#[cfg(feature = "button")]
#[wasm_bindgen]
// The loader's one call: positional, as wasm-bindgen exports take them.
#[allow(clippy::too_many_arguments)]
pub fn mount_button(
    host: HtmlElement,
    slot: HtmlElement,
    endpoint: String,
    open: bool,
    on_toggle: js_sys::Function,
    on_event: js_sys::Function,
    config: JsValue,
    carried: JsValue,
    words: Option<String>,
) -> Result<Mounted, JsValue> {
    use std::cell::Cell;
    use std::rc::Rc;

    use callme_shared::{AgentAlias, CountryCode};

    use crate::button::{CallmeButton, Carried};

    let edge = Edge::new(&endpoint);
    let lang = lang_of(&host, words.as_deref());
    let agent = attribute(&host, "agent").and_then(|a| AgentAlias::parse(&a).ok());
    let default_country =
        attribute(&host, "default-country").and_then(|c| CountryCode::parse(&c).ok());
    let consent_text = attribute(&host, "consent-text");
    let prefill_phone = attribute(&host, "phone");
    let prefill_name = attribute(&host, "name");
    let notify = crate::browser::Notify(on_event);
    let element = host.clone();
    // The signal is made inside the component's owner (so it goes with
    // it); `mount_to` runs the closure at once, and hands it out here.
    let signal = Rc::new(Cell::new(None));
    let made = signal.clone();
    let carried = Carried::read(&carried);
    let focus = carried.clone();
    let panel = slot.clone();
    slot.replace_children_with_node_0();
    let handle = leptos::mount::mount_to(slot, move || {
        let is_open = RwSignal::new(open);
        made.set(Some(is_open));
        view! {
            <CallmeButton edge=edge lang=lang agent=agent default_country=default_country config_sent=config consent_text=consent_text
                is_open=is_open on_toggle=on_toggle notify=notify prefill_phone=prefill_phone prefill_name=prefill_name host=element carried=carried />
        }
    });
    // In the same task as the swap: no key pressed meanwhile is lost.
    focus.restore_focus(&panel);
    Ok(Mounted {
        handle: Some(Box::new(handle)),
        open: signal.take(),
    })
}

/// Mounts `<callme-history>`: its `token`, `lang`, `page-size` and, for a
/// token whose scope has `calls:control`, `transfer-targets` (the aliases
/// its live calls may be transferred to, `"sales,desk"`); `words` as for
/// the button.
///
/// # Errors
/// When the shadow root cannot take the component.
#[cfg(feature = "history")]
#[wasm_bindgen]
pub fn mount_history(
    host: HtmlElement,
    root: ShadowRoot,
    endpoint: String,
    words: Option<String>,
) -> Result<Mounted, JsValue> {
    use callme_shared::PageLimit;

    use crate::history::CallmeHistory;

    let edge = Edge::new(&endpoint);
    let lang = lang_of(&host, words.as_deref());
    let token = attribute(&host, "token").unwrap_or_default();
    let page_size = attribute(&host, "page-size")
        .and_then(|s| PageLimit::parse(&s).ok())
        .unwrap_or_else(|| PageLimit::new(20).unwrap_or_default());
    // Read, not verified (the edge checks every command): only whether to
    // offer the controls at all.
    let can_control = crate::control::token_payload(&token)
        .and_then(|payload| js_sys::JSON::parse(&payload).ok())
        .is_some_and(|claims| crate::wire::token_scope(claims).grants_control());
    let transfer_targets = attribute(&host, "transfer-targets")
        .map(|targets| crate::control::transfer_targets(&targets))
        .unwrap_or_default();
    let parent = container(&root)?;
    let inside = parent.clone();
    let handle = leptos::mount::mount_to(parent, move || {
        view! {
            <CallmeHistory edge=edge token=token lang=lang page_size=page_size
                can_control=can_control transfer_targets=transfer_targets container=inside />
        }
    });
    Ok(Mounted {
        handle: Some(Box::new(handle)),
        open: None,
    })
}
