//! Component tests in headless Chromium (wasm-bindgen-test): each mounts an
//! element into a fresh host with a shadow root, acts, yields to let the
//! reactive system reach the DOM, and asserts by `data-testid`. The edge is
//! unreachable here on purpose: these tests are about the components' own
//! behaviour, and the unreachable edge exercises the network-error states.
#![cfg(all(target_arch = "wasm32", feature = "tables"))]

use callme_widget::i18n::{Lang, words_file};
use callme_widget::{Mounted, mount_button, mount_history};
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens here, so every request fails fast as a network error.
const NO_EDGE: &str = "http://127.0.0.1:9";

fn host(tag: &str, attributes: &[(&str, &str)]) -> (HtmlElement, ShadowRoot) {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element(tag).unwrap().dyn_into().unwrap();
    for (name, value) in attributes {
        host.set_attribute(name, value).unwrap();
    }
    document.body().unwrap().append_child(&host).unwrap();
    let root = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .unwrap();
    (host, root)
}

fn find(root: &ShadowRoot, id: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {id}"))
}

fn text(root: &ShadowRoot, id: &str) -> String {
    find(root, id).text_content().unwrap_or_default()
}

/// Lets signals, effects and pending promises settle.
async fn settle() {
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }
}

/// Waits (bounded) until `check` holds.
async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        settle().await;
    }
    panic!("timed out waiting for {what}");
}

fn type_into(input: &Element, value: &str) {
    let input: &HtmlInputElement = input.dyn_ref().unwrap();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// The edge's `/api/config` answer as the loader hands it over: a promise
/// of a `Response`, here one made in the page (the edge is unreachable).
fn config_response() -> web_sys::Response {
    let json = r#"{"countries":["NL","BE","GB","DE"],"default_country":"NL","agents":["support"],
        "turnstile_sitekey":null,"consent_required":true,"locales":["en","nl"]}"#;
    web_sys::Response::new_with_opt_str(Some(json)).unwrap()
}

/// A `/api/config` held back until the returned function is called.
fn held_config() -> (JsValue, js_sys::Function) {
    let mut release = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    (promise.into(), release.unwrap())
}

/// What the panel told the loader (`on_toggle`), in order.
type Toggles = Rc<RefCell<Vec<bool>>>;

/// Mounts a button as the loader does: its panel into a slot of the shadow
/// root, with a callback that records what the panel says.
/// The words file the loader would fetch for an element with these
/// attributes: its `lang`'s, none for English.
fn words_of(attributes: &[(&str, &str)]) -> Option<String> {
    let lang = Lang::pick(
        attributes
            .iter()
            .find(|(name, _)| *name == "lang")
            .map(|(_, v)| *v),
        None,
    );
    (lang != Lang::En).then(|| words_file(lang))
}

fn button_with_toggles(
    attributes: &[(&str, &str)],
    open: bool,
) -> (HtmlElement, ShadowRoot, Mounted, Toggles) {
    let config = js_sys::Promise::resolve(&config_response()).into();
    button_with_config(attributes, open, config)
}

fn button_with_config(
    attributes: &[(&str, &str)],
    open: bool,
    config: JsValue,
) -> (HtmlElement, ShadowRoot, Mounted, Toggles) {
    button_carrying(attributes, open, config, JsValue::UNDEFINED)
}

fn button_carrying(
    attributes: &[(&str, &str)],
    open: bool,
    config: JsValue,
    carried: JsValue,
) -> (HtmlElement, ShadowRoot, Mounted, Toggles) {
    let (host, root) = host("callme-button", attributes);
    let document = web_sys::window().unwrap().document().unwrap();
    let slot: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    root.append_child(&slot).unwrap();
    let toggles = Toggles::default();
    let seen = toggles.clone();
    let on_toggle = Closure::<dyn FnMut(JsValue)>::new(move |open: JsValue| {
        seen.borrow_mut().push(open.as_bool().unwrap());
    });
    // What the host page would hear: not asserted here (the end-to-end
    // test follows every event); kept so the component can call it.
    let told = Closure::<dyn FnMut(JsValue, JsValue, JsValue)>::new(|_, _, _| {});
    let mounted = mount_button(
        host.clone(),
        slot,
        NO_EDGE.into(),
        open,
        on_toggle
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone(),
        told.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        config,
        carried,
        words_of(attributes),
    )
    .unwrap();
    on_toggle.forget();
    told.forget();
    (host, root, mounted, toggles)
}

fn button(attributes: &[(&str, &str)], open: bool) -> (HtmlElement, ShadowRoot, Mounted) {
    let (host, root, mounted, _) = button_with_toggles(attributes, open);
    (host, root, mounted)
}

#[wasm_bindgen_test]
async fn the_phone_field_shows_the_number_it_will_call() {
    let (_host, root, _mounted) = button(&[("lang", "en"), ("default-country", "NL")], true);
    settle().await;
    type_into(&find(&root, "phone"), "06 1234 5678");
    settle().await;
    assert_eq!(text(&root, "phone-message"), "We will call +31 6 12345678");
    assert_eq!(
        find(&root, "phone")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn the_page_can_prefill_the_number_and_the_name() {
    let (_host, root, _mounted) = button(
        &[
            ("lang", "en"),
            ("default-country", "NL"),
            ("phone", "06 1234 5678"),
            ("name", "Ada <b>Lovelace</b>"),
        ],
        true,
    );
    settle().await;
    let value = |id: &str| {
        find(&root, id)
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value()
    };
    assert_eq!(value("phone"), "06 1234 5678");
    assert_eq!(text(&root, "phone-message"), "We will call +31 6 12345678");
    // The page's text is a value, never markup.
    assert_eq!(value("name"), "Ada <b>Lovelace</b>");
}

#[wasm_bindgen_test]
async fn a_bad_number_is_explained_once_the_field_is_left() {
    let (_host, root, _mounted) = button(&[("lang", "en"), ("default-country", "NL")], true);
    settle().await;
    let phone = find(&root, "phone");
    type_into(&phone, "06 1234");
    settle().await;
    assert_eq!(
        text(&root, "phone-message"),
        "",
        "no error while still typing"
    );
    phone
        .dispatch_event(&web_sys::Event::new("blur").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(
        text(&root, "phone-message"),
        "This number is too short. Enter your full number, with its area code."
    );
    assert_eq!(phone.get_attribute("aria-invalid").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn german_comes_from_the_lang_attribute_and_its_words_file() {
    let (_host, root, _mounted) = button(&[("lang", "de"), ("default-country", "DE")], true);
    settle().await;
    assert_eq!(text(&root, "submit").trim(), "Rufen Sie mich jetzt an");
    type_into(&find(&root, "phone"), "0151 23456789");
    settle().await;
    assert_eq!(
        text(&root, "phone-message"),
        "Wir rufen +49 1512 3456789 an"
    );
}

#[wasm_bindgen_test]
async fn without_its_words_file_a_language_falls_back_to_english() {
    let (host, root) = host("callme-button", &[("lang", "fr")]);
    let document = web_sys::window().unwrap().document().unwrap();
    let slot: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    root.append_child(&slot).unwrap();
    let noop = Closure::<dyn FnMut(JsValue, JsValue, JsValue)>::new(|_, _, _| {});
    let function = noop.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let _mounted = mount_button(
        host,
        slot,
        NO_EDGE.into(),
        true,
        function.clone(),
        function,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        None,
    )
    .unwrap();
    noop.forget();
    settle().await;
    assert_eq!(text(&root, "submit").trim(), "Call me now");
}

#[wasm_bindgen_test]
async fn dutch_comes_from_the_lang_attribute() {
    let (_host, root, _mounted) = button(&[("lang", "nl"), ("default-country", "BE")], true);
    settle().await;
    assert_eq!(text(&root, "submit").trim(), "Bel mij nu");
    type_into(&find(&root, "phone"), "0470 12 34 56");
    settle().await;
    assert_eq!(text(&root, "phone-message"), "We bellen +32 470 12 34 56");
}

#[wasm_bindgen_test]
async fn no_number_is_read_before_the_sites_countries_are_known() {
    // A British visitor on a Dutch site: read with a guessed country, "06
    // 12345678" would be +44 6 1234 5678, somebody else.
    let (config, release) = held_config();
    let (_host, root, _mounted, _) = button_with_config(&[("lang", "en-GB")], true, config);
    settle().await;
    let phone = find(&root, "phone");
    type_into(&phone, "06 12345678");
    phone
        .dispatch_event(&web_sys::Event::new("blur").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(
        text(&root, "phone-message"),
        "",
        "nothing read, nothing said"
    );
    release.call1(&JsValue::NULL, &config_response()).unwrap();
    until("the number read in the site's country", || {
        text(&root, "phone-message") == "We will call +31 6 12345678"
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_form_takes_over_what_the_early_form_held() {
    let carried = js_sys::JSON::parse(
        r#"{"phone":"06 1234 5678","country":"BE","name":"Ada","note":"order 42","consent":true,
            "later":false,"details":true,"focus":"phone","selection":[3,5],"submit":false}"#,
    )
    .unwrap();
    let config = js_sys::Promise::resolve(&config_response()).into();
    let (_host, root, _mounted, _) =
        button_carrying(&[("lang", "en"), ("phone", "0000")], true, config, carried);
    settle().await;
    let input = |id: &str| find(&root, id).dyn_into::<HtmlInputElement>().unwrap();
    assert_eq!(
        input("phone").value(),
        "06 1234 5678",
        "over the page's prefill"
    );
    assert_eq!(input("name").value(), "Ada");
    assert!(input("consent").checked());
    let note: web_sys::HtmlTextAreaElement = find(&root, "note").dyn_into().unwrap();
    assert_eq!(note.value(), "order 42");
    assert!(
        find(&root, "note")
            .closest("details")
            .unwrap()
            .unwrap()
            .has_attribute("open")
    );
    // The visitor's country (BE) reads the number, not the site's default.
    assert_eq!(text(&root, "phone-message"), "We will call +32 612345678");
    let focused = root.active_element().unwrap();
    assert_eq!(
        focused.get_attribute("data-testid").as_deref(),
        Some("phone")
    );
    let phone = input("phone");
    assert_eq!(
        (
            phone.selection_start().unwrap(),
            phone.selection_end().unwrap()
        ),
        (Some(3), Some(5))
    );
}

#[wasm_bindgen_test]
async fn a_submit_before_the_config_waits_for_it_and_goes_once() {
    let (config, release) = held_config();
    let (_host, root, _mounted, _) = button_with_config(&[("lang", "en")], true, config);
    settle().await;
    type_into(&find(&root, "phone"), "06 12345678");
    let consent: HtmlInputElement = find(&root, "consent").dyn_into().unwrap();
    consent.click();
    let submit: HtmlElement = find(&root, "submit").dyn_into().unwrap();
    submit.click();
    settle().await;
    assert_eq!(
        text(&root, "submit").trim(),
        "Sending…",
        "the press is kept"
    );
    assert_eq!(text(&root, "form-error"), "");
    release.call1(&JsValue::NULL, &config_response()).unwrap();
    // Sent once the countries are known: to the unreachable edge here.
    until("the network message", || {
        text(&root, "form-error").contains("No connection")
    })
    .await;
    assert_eq!(text(&root, "submit").trim(), "Call me now");
}

#[wasm_bindgen_test]
async fn the_loader_opens_the_panel_and_escape_or_the_close_button_close_it() {
    let (_host, root, mounted, toggles) = button_with_toggles(&[("lang", "en")], false);
    settle().await;
    let panel: HtmlElement = find(&root, "panel").dyn_into().unwrap();
    assert!(panel.hidden());
    mounted.set_open(true);
    settle().await;
    assert!(!panel.hidden());
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find(&root, "phone").dispatch_event(&escape).unwrap();
    settle().await;
    assert!(panel.hidden());
    assert_eq!(*toggles.borrow(), [false], "the loader is told");
    mounted.set_open(true);
    settle().await;
    let close: HtmlElement = root
        .query_selector(".close")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    close.click();
    settle().await;
    assert!(panel.hidden());
    assert_eq!(*toggles.borrow(), [false, false]);
}

#[wasm_bindgen_test]
async fn opening_after_unmount_does_nothing_and_does_not_trap() {
    let (_host, root, mut mounted) = button(&[("lang", "en")], false);
    settle().await;
    mounted.unmount();
    mounted.set_open(true);
    settle().await;
    assert!(
        root.query_selector("[data-testid=\"panel\"]")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn submitting_without_an_edge_says_so_in_plain_words() {
    let (_host, root, _mounted) = button(&[("lang", "en"), ("default-country", "NL")], true);
    settle().await;
    type_into(&find(&root, "phone"), "06 1234 5678");
    let consent: HtmlInputElement = find(&root, "consent").dyn_into().unwrap();
    consent.click();
    let submit: HtmlElement = find(&root, "submit").dyn_into().unwrap();
    submit.click();
    until("the network message", || {
        text(&root, "form-error").contains("No connection")
    })
    .await;
}

#[wasm_bindgen_test]
async fn unmounting_empties_the_shadow_root() {
    let (_host, root, mut mounted) = button(&[("lang", "en")], true);
    settle().await;
    assert!(
        root.query_selector("[data-testid=\"form\"]")
            .unwrap()
            .is_some()
    );
    mounted.unmount();
    settle().await;
    assert!(
        root.query_selector("[data-testid=\"form\"]")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn the_history_shows_an_error_state_with_a_retry() {
    let (host, root) = host("callme-history", &[("lang", "nl"), ("token", "t")]);
    let _mounted = mount_history(
        host,
        root.clone(),
        NO_EDGE.into(),
        Some(words_file(Lang::Nl)),
    )
    .unwrap();
    until("the error state", || {
        root.query_selector("[data-testid=\"error\"]")
            .unwrap()
            .is_some()
    })
    .await;
    assert!(text(&root, "error").contains("Geen verbinding"));
    assert!(
        find(&root, "error")
            .query_selector("button")
            .unwrap()
            .is_some()
    );
}
