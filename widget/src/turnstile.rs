//! Cloudflare Turnstile for the form, when `/api/config` gives a site key.
//! The challenge renders into a light-DOM child of the host element, shown
//! through a `<slot>`: Turnstile's iframe is not meant for shadow roots.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// Cloudflare's script, from Cloudflare's challenge host and nowhere else:
/// the token it yields is the only thing between a script and a paid call,
/// so no attribute of the host page may point the widget at another copy.
/// (Tests serve their stand-in at this address by intercepting the request
/// in the browser.)
const SRC: &str = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

/// A rendered challenge.
pub struct Challenge {
    widget_id: JsValue,
    _callbacks: Vec<Closure<dyn FnMut(JsValue)>>,
}

fn turnstile() -> Option<JsValue> {
    let global = web_sys::window()?;
    js_sys::Reflect::get(&global, &"turnstile".into())
        .ok()
        .filter(|t| !t.is_undefined())
}

/// Loads the Turnstile script once per page and waits until it is ready.
pub async fn load() -> bool {
    if turnstile().is_some() {
        return true;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let already = document
        .query_selector("script[data-callme-turnstile]")
        .ok()
        .flatten()
        .is_some();
    if !already {
        let Ok(script) = document.create_element("script") else {
            return false;
        };
        let _ = script.set_attribute("src", SRC);
        let _ = script.set_attribute("async", "");
        let _ = script.set_attribute("data-callme-turnstile", "");
        if let Some(head) = document.head() {
            let _ = head.append_child(&script);
        }
    }
    for _ in 0..100 {
        if turnstile().is_some() {
            return true;
        }
        crate::browser::sleep(100).await;
    }
    false
}

/// Renders a challenge into a slotted child of `host`; `on_token` gets each
/// new token, and `None` when one expires.
pub fn render(
    host: &HtmlElement,
    sitekey: &str,
    lang: &str,
    on_token: Rc<RefCell<dyn FnMut(Option<String>)>>,
) -> Option<Challenge> {
    let turnstile = turnstile()?;
    let document = web_sys::window()?.document()?;
    let container = match host.query_selector("[slot=turnstile]").ok().flatten() {
        Some(existing) => existing,
        None => {
            let div = document.create_element("div").ok()?;
            div.set_attribute("slot", "turnstile").ok()?;
            host.append_child(&div).ok()?;
            div
        }
    };
    let got = on_token.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |token: JsValue| {
        (got.borrow_mut())(token.as_string())
    });
    let expired =
        Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| (on_token.borrow_mut())(None));
    let options = js_sys::Object::new();
    for (key, value) in [
        ("sitekey", JsValue::from_str(sitekey)),
        ("language", JsValue::from_str(lang)),
        // The edge accepts only tokens solved for this action.
        ("action", JsValue::from_str("callback")),
        ("callback", callback.as_ref().clone()),
        ("expired-callback", expired.as_ref().clone()),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value).ok()?;
    }
    let render: js_sys::Function = js_sys::Reflect::get(&turnstile, &"render".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let widget_id = render.call2(&turnstile, &container, &options).ok()?;
    Some(Challenge {
        widget_id,
        _callbacks: vec![callback, expired],
    })
}

impl Challenge {
    /// Asks for a fresh token (each token is good for one request).
    pub fn reset(&self) {
        call(&self.widget_id, "reset");
    }
}

impl Drop for Challenge {
    fn drop(&mut self) {
        call(&self.widget_id, "remove");
    }
}

fn call(widget_id: &JsValue, method: &str) {
    if let Some(turnstile) = turnstile()
        && let Ok(function) = js_sys::Reflect::get(&turnstile, &method.into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = function.call1(&turnstile, widget_id);
    }
}
