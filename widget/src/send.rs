//! The early sender: the button's smallest bundle, without Leptos. The
//! loader's early form hands it the visitor's values on a press made
//! before the component has arrived; it checks them by the same shared
//! rules and sends the same request the component would. When it cannot
//! tell (a number the rules refuse, a bot check, no consent, a booking) it
//! sends nothing, and the component, once there, sends and says why.

use callme_shared::{AgentAlias, CountryCode, normalize};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::api::Edge;
use crate::browser::{navigator_language, random_key};
use crate::i18n::Lang;

/// Sends the early form's callback if it may go as it is. Answers
/// `{key, accepted}` once sent (`accepted`: the edge's 202 answer, or
/// absent when the request failed: the component sends it again under
/// the same key, so the edge places one call at most), or `{}` when
/// nothing was sent.
#[wasm_bindgen]
pub async fn send_callback(endpoint: String, fields: JsValue) -> JsValue {
    let outcome = Object::new();
    let get = |key: &str| Reflect::get(&fields, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let text = |key: &str| get(key).as_string().unwrap_or_default();
    let flag = |key: &str| get(key).as_bool().unwrap_or(false);
    let Some(country) = CountryCode::parse(&text("country")).ok() else {
        return outcome.into();
    };
    let consent = flag("consent");
    if (flag("consent_required") && !consent) || flag("bot_check") || flag("later") {
        return outcome.into();
    }
    let Ok(number) = normalize(&text("phone"), Some(country)) else {
        return outcome.into();
    };
    let lang = Lang::pick(
        get("lang").as_string().as_deref(),
        navigator_language().as_deref(),
    );
    let agent = AgentAlias::parse(&text("agent")).ok();
    let request = crate::form::callback_request(
        &number,
        consent,
        agent,
        &text("name"),
        &text("note"),
        lang.tag(),
    );
    let Ok(request) = request else {
        return outcome.into();
    };
    let key = random_key();
    let _ = Reflect::set(&outcome, &"key".into(), &key.clone().into());
    if let Ok(answer) = Edge::new(&endpoint).callback_answer(&request, &key).await {
        let _ = Reflect::set(&outcome, &"accepted".into(), &answer);
    }
    outcome.into()
}
