//! Small doors to the browser: timers, the clock, dates in the visitor's
//! locale through `Intl`, and random keys.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The wall clock in milliseconds.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(feature = "button")]
/// Milliseconds since the epoch of an RFC 3339 text.
pub fn parse_ms(text: &str) -> f64 {
    js_sys::Date::parse(text)
}

/// The browser's preferred language.
pub fn navigator_language() -> Option<String> {
    web_sys::window()?.navigator().language()
}

/// The locale `Intl` formats in for language `lang_tag`: the visitor's
/// own (see [`crate::i18n::visitors_locale`]).
fn intl_locale(lang_tag: &str) -> String {
    let preferred: Vec<String> = navigator_language().into_iter().collect();
    crate::i18n::visitors_locale(lang_tag, &preferred).to_owned()
}

#[cfg(feature = "send")]
/// A fresh UUID for an idempotency key.
pub fn random_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        // Every browser the widget runs in has crypto.randomUUID; the
        // fallback avoids float formatting, which would cost 15 KB of wasm.
        .map_or_else(
            || format!("k-{:x}", (js_sys::Math::random() * 1e15) as u64),
            |c| c.random_uuid(),
        )
}

/// An `Intl.DateTimeFormat` and its options, made once per language:
/// making one costs far more than formatting (about 0.3 ms), and a page of
/// 1000 calls formats 1000 dates and a label per day in one language.
struct Formatter {
    options: &'static [(&'static str, &'static str)],
    cached: std::cell::RefCell<Option<(String, js_sys::Function)>>,
}

impl Formatter {
    const fn new(options: &'static [(&'static str, &'static str)]) -> Self {
        Self {
            options,
            cached: std::cell::RefCell::new(None),
        }
    }

    /// Formats `date`: a `Date`, or a number of Unix milliseconds (no
    /// `Date` to make, no text to parse).
    fn format(&self, lang_tag: &str, date: &JsValue) -> String {
        let mut cached = self.cached.borrow_mut();
        if cached.as_ref().is_none_or(|(tag, _)| tag != lang_tag) {
            let options = js_sys::Object::new();
            for (key, value) in self.options {
                let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
            }
            let locales = js_sys::Array::of1(&JsValue::from_str(&intl_locale(lang_tag)));
            let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
            *cached = Some((lang_tag.to_owned(), format));
        }
        cached
            .as_ref()
            .and_then(|(_, format)| format.call1(&JsValue::UNDEFINED, date).ok())
            .and_then(|text| text.as_string())
            .unwrap_or_default()
    }
}

#[cfg(feature = "button")]
thread_local! {
    static WHEN: Formatter = const { Formatter::new(&[("weekday", "short"), ("day", "numeric"), ("month", "short"), ("hour", "2-digit"), ("minute", "2-digit")]) };
    // Short names: the closed day control shows all of it on a 375 px
    // phone ("Wed 2 Dec", not "Wednesday 2 De").
    static DAY: Formatter = const { Formatter::new(&[("weekday", "short"), ("day", "numeric"), ("month", "short")]) };
    static TIME: Formatter = const { Formatter::new(&[("hour", "2-digit"), ("minute", "2-digit")]) };
    static HOUR: Formatter = const { Formatter::new(&[("hour", "numeric"), ("hourCycle", "h23")]) };
}

#[cfg(feature = "button")]
/// The hour (0-23) a slot starts in, in the visitor's own time.
pub fn local_hour(at: &callme_shared::Timestamp) -> u32 {
    #[allow(clippy::cast_precision_loss)]
    let millis = JsValue::from_f64(at.unix_millis() as f64);
    // In English: digits whatever the visitor's language.
    HOUR.with(|formatter| formatter.format("en", &millis))
        .trim()
        .parse()
        .unwrap_or(0)
}

#[cfg(feature = "button")]
/// A slot's day and time in the visitor's own time and language:
/// ("Wed 25 Nov", "09:15").
pub fn local_day_and_time(lang_tag: &str, at: &callme_shared::Timestamp) -> (String, String) {
    #[allow(clippy::cast_precision_loss)]
    let millis = JsValue::from_f64(at.unix_millis() as f64);
    (
        DAY.with(|formatter| formatter.format(lang_tag, &millis)),
        TIME.with(|formatter| formatter.format(lang_tag, &millis)),
    )
}

#[cfg(any(feature = "button", feature = "history"))]
/// The visitor's own IANA time zone, as the browser knows it.
pub fn visitor_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_default()
}

#[cfg(feature = "button")]
/// When something happens, in the visitor's own time and language, e.g.
/// "Wed 25 Nov, 09:00".
pub fn local_when(lang_tag: &str, at: &callme_shared::Timestamp) -> String {
    #[allow(clippy::cast_precision_loss)]
    let millis = JsValue::from_f64(at.unix_millis() as f64);
    WHEN.with(|formatter| formatter.format(lang_tag, &millis))
}

#[cfg(feature = "history")]
thread_local! {
    static DATE_TIME: Formatter = const { Formatter::new(&[("dateStyle", "medium"), ("timeStyle", "short")]) };
    // A calendar day as the edge counted it (already the reader's day):
    // printed in UTC, where noon of that date cannot cross midnight.
    static SHORT_DAY: Formatter = const { Formatter::new(&[("day", "numeric"), ("month", "short"), ("timeZone", "UTC")]) };
}

#[cfg(feature = "history")]
/// A local date and time in the visitor's language, e.g. "13 dec 2025, 11:00".
pub fn local_date_time(lang_tag: &str, at: &callme_shared::Timestamp) -> String {
    // Whole milliseconds, far below 2^53: exact as a JavaScript number.
    #[allow(clippy::cast_precision_loss)]
    let millis = JsValue::from_f64(at.unix_millis() as f64);
    DATE_TIME.with(|formatter| formatter.format(lang_tag, &millis))
}

#[cfg(feature = "history")]
thread_local! {
    static CLOCK: Formatter = const { Formatter::new(&[("hour", "2-digit"), ("minute", "2-digit")]) };
}

#[cfg(feature = "history")]
/// Makes the history's date formatters now, while its first page is on the
/// network: a page's first `Intl.DateTimeFormat` loads the locale's data
/// (about 20 ms in a profile of the 1000-row bench), which the rows would
/// otherwise wait for once their answer is in.
pub fn warm_formatters(lang_tag: &str) {
    let now = JsValue::from_f64(now_ms());
    DATE_TIME.with(|formatter| formatter.format(lang_tag, &now));
    SHORT_DAY.with(|formatter| formatter.format(lang_tag, &now));
    CLOCK.with(|formatter| formatter.format(lang_tag, &now));
}

#[cfg(feature = "history")]
/// A local time of day in the reader's language, e.g. "10:42".
pub fn local_clock(lang_tag: &str, at: &callme_shared::Timestamp) -> String {
    #[allow(clippy::cast_precision_loss)]
    let millis = JsValue::from_f64(at.unix_millis() as f64);
    CLOCK.with(|formatter| formatter.format(lang_tag, &millis))
}

#[cfg(feature = "history")]
/// Whether the page is out of sight (another tab, a minimised window):
/// then nothing needs to follow a live call.
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

#[cfg(feature = "history")]
/// A short day label ("13 Dec", "13 dec.") for a `YYYY-MM-DD` day.
pub fn short_day(lang_tag: &str, day: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(&format!("{day}T12:00:00Z")));
    SHORT_DAY.with(|formatter| formatter.format(lang_tag, &date.into()))
}

#[cfg(feature = "history")]
/// The start (or the end) of a local calendar day given as `YYYY-MM-DD`,
/// as an RFC 3339 instant in UTC.
pub fn local_day_bound(day: &str, end_of_day: bool) -> Option<String> {
    let mut parts = day.split('-').map(|p| p.parse::<u32>().ok());
    let (year, month, date) = (parts.next()??, parts.next()??, parts.next()??);
    let start = js_sys::Date::new_with_year_month_day(
        year,
        i32::try_from(month).ok()? - 1,
        i32::try_from(date).ok()?,
    );
    // The end is the next day's start less a millisecond: a day of a
    // change of clocks has 23 or 25 hours.
    let ms = if end_of_day {
        js_sys::Date::new_with_year_month_day(
            year,
            i32::try_from(month).ok()? - 1,
            i32::try_from(date).ok()? + 1,
        )
        .get_time()
            - 1.0
    } else {
        start.get_time()
    };
    if ms.is_nan() {
        return None;
    }
    Some(
        js_sys::Date::new(&JsValue::from_f64(ms))
            .to_iso_string()
            .into(),
    )
}

/// Offers `text` to the visitor as a file called `name` (a download, never
/// a navigation: the object URL lives only for the click).
#[cfg(feature = "history")]
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url)
}

/// The page's `localStorage` entry `key`, if storage is there (it is not in
/// some sandboxed frames and privacy modes; nothing is kept then).
#[cfg(feature = "button")]
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Writes (`Some`) or removes (`None`) the `localStorage` entry `key`,
/// quietly when storage is not there or full.
#[cfg(feature = "button")]
pub fn store(key: &str, value: Option<&str>) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// What the button tells the host page; the loader turns each into a
/// `callme:*` event. Only statuses and codes go through it, never the
/// visitor's number or name.
#[cfg(feature = "button")]
#[derive(Clone)]
pub struct Notify(pub js_sys::Function);

#[cfg(feature = "button")]
impl Notify {
    /// `("requested" | "status", status)` or `("error", code, field)`.
    pub fn tell(&self, kind: &str, value: &str, field: Option<&str>) {
        let field = field.map_or(wasm_bindgen::JsValue::UNDEFINED, Into::into);
        let _ = self.0.call3(
            &wasm_bindgen::JsValue::NULL,
            &kind.into(),
            &value.into(),
            &field,
        );
    }

    /// A `callme:error` for a refusal or failure the visitor is shown.
    pub fn error(&self, error: &crate::error::WidgetError) {
        self.tell("error", error.code(), error.field());
    }
}

/// Whether a component is still on the page. Async work checks it before
/// touching signals, which are gone once the component is unmounted.
/// (Leptos requires cleanup closures to be `Send`, hence the atomic.)
#[derive(Debug, Clone, Default)]
pub struct Alive(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Alive {
    /// A flag that is set, ended by `on_cleanup` of the current owner.
    pub fn new() -> Self {
        let alive = Self(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
            true,
        )));
        let flag = alive.clone();
        leptos::prelude::on_cleanup(move || {
            flag.0.store(false, std::sync::atomic::Ordering::Relaxed)
        });
        alive
    }

    /// Whether the component is still mounted.
    pub fn get(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}
