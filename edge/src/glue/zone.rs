//! The site's time zone through workerd's `Intl` (which carries the whole
//! time-zone database, so the worker ships none): the offset at an
//! instant, for `crate::hours`.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::hours::{FixedZone, Zone};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type ZoneFormat;

    /// `new Intl.DateTimeFormat(locale, options)`; an unknown `timeZone`
    /// throws a `RangeError`, caught here.
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn new(locale: &str, options: &worker::js_sys::Object) -> Result<ZoneFormat, JsValue>;

    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = formatToParts)]
    fn format_to_parts(this: &ZoneFormat, date: &worker::js_sys::Date) -> worker::js_sys::Array;
}

/// An IANA zone, asked through `Intl` for its offset at each instant.
pub struct IntlZone {
    format: ZoneFormat,
}

impl IntlZone {
    /// The zone called `name`.
    ///
    /// # Errors
    /// When `Intl` does not know the name.
    pub fn new(name: &str) -> Result<Self, String> {
        let options = worker::js_sys::Object::new();
        let set = |key: &str, value: &str| {
            worker::js_sys::Reflect::set(&options, &key.into(), &value.into()).map(|_| ())
        };
        set("timeZone", name)
            .and_then(|()| set("timeZoneName", "longOffset"))
            .map_err(|_| "cannot build Intl options".to_owned())?;
        let format = ZoneFormat::new("en-US", &options)
            .map_err(|_| format!("{name:?} is not a time zone this runtime knows"))?;
        Ok(Self { format })
    }
}

impl Zone for IntlZone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        #[allow(clippy::cast_precision_loss)]
        let date = worker::js_sys::Date::new(&JsValue::from_f64(utc_ms as f64));
        let parts = self.format.format_to_parts(&date);
        parts
            .iter()
            .find(|part| {
                worker::js_sys::Reflect::get(part, &"type".into())
                    .ok()
                    .and_then(|t| t.as_string())
                    .is_some_and(|t| t == "timeZoneName")
            })
            .and_then(|part| worker::js_sys::Reflect::get(&part, &"value".into()).ok())
            .and_then(|value| value.as_string())
            .and_then(|text| crate::hours::parse_gmt_offset(&text))
            .unwrap_or(0)
    }
}

/// The zone called `name` (made once per isolate, with the site). `UTC`
/// (the default) is a fixed offset: an `Intl.DateTimeFormat` costs a fresh
/// isolate's first request a few milliseconds, for nothing there.
///
/// # Errors
/// When `Intl` does not know the name.
pub fn site_zone(name: &str) -> Result<Rc<dyn Zone>, String> {
    if name == "UTC" {
        Ok(Rc::new(FixedZone(0)))
    } else {
        Ok(Rc::new(IntlZone::new(name)?))
    }
}
