//! The edge's JSON, read and written without serde: the browser parses and
//! prints the JSON, and these functions pick and set the fields.
//!
//! Why not serde: serde's derived code plus serde-wasm-bindgen cost 22 KB
//! of the button's 144 KB gzip (the visitor error messages of serde format
//! floats and escape strings, and each struct gets its own state machine);
//! these readers cost about a tenth of that. The field names and rules
//! follow the serde derives in `callme-shared`, which the edge uses to
//! write the answers; `tests/web.rs` feeds both the same JSON, so a field
//! renamed on one side fails there.
//!
//! Rules, as serde's: a required field that is missing or of another type
//! makes the whole answer unreadable (`None`); an optional field may be
//! missing or `null`; unknown fields are ignored.

use callme_shared::{CallId, ErrorBody, ErrorDetail, Timestamp};
use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;

/// A parsed JSON object.
struct Json(JsValue);

/// An optional field: missing or `null` is `Some(None)`, a value of the
/// wrong type is `None`.
type Optional<T> = Option<Option<T>>;

impl Json {
    /// `value` when it is a JSON object (not an array, not `null`).
    fn object(value: JsValue) -> Option<Self> {
        (value.is_object() && !Array::is_array(&value)).then_some(Self(value))
    }

    fn get(&self, name: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    fn optional<T>(&self, name: &str, read: impl FnOnce(JsValue) -> Option<T>) -> Optional<T> {
        let value = self.get(name);
        if value.is_null() || value.is_undefined() {
            Some(None)
        } else {
            read(value).map(Some)
        }
    }

    fn string(&self, name: &str) -> Option<String> {
        self.get(name).as_string()
    }

    fn optional_string(&self, name: &str) -> Optional<String> {
        self.optional(name, |v| v.as_string())
    }

    #[cfg(feature = "button")]
    fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).as_bool()
    }

    fn optional_u32(&self, name: &str) -> Optional<u32> {
        self.optional(name, |v| {
            u32::try_from(whole(v.as_f64()?, u32::MAX.into())?).ok()
        })
    }

    #[cfg(feature = "history")]
    fn u32(&self, name: &str) -> Option<u32> {
        self.optional_u32(name)?
    }

    fn optional_timestamp(&self, name: &str) -> Optional<Timestamp> {
        self.optional(name, |v| Timestamp::parse(&v.as_string()?).ok())
    }

    fn array<T>(&self, name: &str, read: impl Fn(JsValue) -> Option<T>) -> Option<Vec<T>> {
        let value = self.get(name);
        if !Array::is_array(&value) {
            return None;
        }
        Array::from(&value).iter().map(read).collect()
    }

    /// This value's items, when it is an array and each reads.
    #[cfg(feature = "history")]
    fn array_items<T>(&self, read: impl Fn(JsValue) -> Option<T>) -> Option<Vec<T>> {
        if !Array::is_array(&self.0) {
            return None;
        }
        Array::from(&self.0).iter().map(read).collect()
    }
}

/// A JSON number that is a whole number from 0 to `max` (JSON numbers are
/// doubles; anything above 2^53 is not exact anyway).
fn whole(number: f64, max: f64) -> Option<u64> {
    // Checked to be whole and in range, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (number.fract() == 0.0 && (0.0..=max).contains(&number)).then_some(number as u64)
}

#[cfg(feature = "button")]
fn live_status(value: JsValue) -> Option<callme_shared::LiveStatus> {
    callme_shared::LiveStatus::from_wire(&value.as_string()?)
}

/// The error answer every refusal of the edge carries.
pub fn error_body(value: JsValue) -> Option<ErrorBody> {
    let detail = Json::object(Json::object(value)?.get("error"))?;
    Some(ErrorBody {
        error: ErrorDetail {
            code: detail.string("code")?,
            message: detail.string("message")?,
            field: detail.optional_string("field")?,
            next_open: detail.optional_string("next_open")?,
        },
    })
}

/// `GET /api/config`.
#[cfg(feature = "button")]
pub fn public_config(value: JsValue) -> Option<callme_shared::PublicConfig> {
    use callme_shared::{AgentAlias, CountryCode, Locale, PublicConfig};
    let json = Json::object(value)?;
    let countries: Vec<CountryCode> =
        json.array("countries", |v| CountryCode::parse(&v.as_string()?).ok())?;
    Some(PublicConfig {
        // Known here from the dialing plans; the field is for the loader.
        calling_codes: countries
            .iter()
            .map(|c| c.dialing_plan().map_or("", |p| p.calling_code).to_owned())
            .collect(),
        countries,
        default_country: CountryCode::parse(&json.string("default_country")?).ok()?,
        agents: json.array("agents", |v| AgentAlias::parse(&v.as_string()?).ok())?,
        turnstile_sitekey: json.optional_string("turnstile_sitekey")?,
        consent_required: json.bool("consent_required")?,
        locales: json.array("locales", |v| Locale::parse(&v.as_string()?).ok())?,
        // An edge without opening hours sends none: always open.
        hours: json
            .optional("hours", |v| {
                let hours = Json::object(v)?;
                Some(callme_shared::Hours {
                    time_zone: hours.string("time_zone")?,
                    open_now: hours.bool("open_now")?,
                    next_open: hours.optional_string("next_open")?,
                })
            })?
            .unwrap_or_default(),
    })
}

/// One booked callback of `GET /api/scheduled`.
#[cfg(feature = "history")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// Its slot.
    pub at: Timestamp,
    /// The number.
    pub phone: String,
    /// The agent alias.
    pub agent: String,
    /// `scheduled`, `placed`, `failed` or `cancelled`.
    pub status: String,
}

/// `GET /api/scheduled`.
#[cfg(feature = "history")]
pub fn scheduled(value: JsValue) -> Option<Vec<Scheduled>> {
    Json::object(value)?.array("scheduled", |v| {
        let item = Json::object(v)?;
        Some(Scheduled {
            at: Timestamp::parse(&item.string("at")?).ok()?,
            phone: item.string("phone")?,
            agent: item.string("agent")?,
            status: item.string("status")?,
        })
    })
}

/// `GET /api/slots`.
#[cfg(feature = "button")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots {
    /// The site's IANA zone.
    pub time_zone: String,
    /// Slot starts, soonest first.
    pub slots: Vec<callme_shared::Timestamp>,
}

/// `GET /api/slots`.
#[cfg(feature = "button")]
pub fn slots(value: JsValue) -> Option<Slots> {
    let json = Json::object(value)?;
    Some(Slots {
        time_zone: json.string("time_zone")?,
        slots: json.array("slots", |v| {
            callme_shared::Timestamp::parse(&v.as_string()?).ok()
        })?,
    })
}

/// The `202` of `POST /api/callback`.
#[cfg(feature = "button")]
pub fn callback_accepted(value: JsValue) -> Option<callme_shared::CallbackAccepted> {
    let json = Json::object(value)?;
    Some(callme_shared::CallbackAccepted {
        call_id: CallId::parse(&json.string("call_id")?).ok()?,
        status: live_status(json.get("status"))?,
        ticket: json.string("ticket")?,
        at: json.optional_string("at")?,
    })
}

/// `GET /api/callback/status`.
#[cfg(feature = "button")]
pub fn callback_status(value: JsValue) -> Option<callme_shared::CallbackStatus> {
    let json = Json::object(value)?;
    Some(callme_shared::CallbackStatus {
        call_id: CallId::parse(&json.string("call_id")?).ok()?,
        status: live_status(json.get("status"))?,
        at: json.optional_string("at")?,
        duration_seconds: json.optional_u32("duration_seconds")?,
        started_at: json.optional_timestamp("started_at")?,
        ended_at: json.optional_timestamp("ended_at")?,
        error: json.optional_string("error")?,
    })
}

/// The body of `POST /api/callback`; optional fields are left out when
/// empty, as the serde derive does.
#[cfg(feature = "send")]
pub fn callback_request(request: &callme_shared::CallbackRequest) -> Option<String> {
    let object = js_sys::Object::new();
    let set = |name: &str, value: JsValue| Reflect::set(&object, &JsValue::from_str(name), &value);
    set("phone", request.phone.as_str().into()).ok()?;
    set("consent", request.consent.into()).ok()?;
    let optional = [
        ("agent", request.agent.as_ref().map(|a| a.as_str())),
        ("name", request.name.as_ref().map(|n| n.as_str())),
        ("note", request.note.as_ref().map(|n| n.as_str())),
        ("locale", request.locale.as_ref().map(|l| l.as_str())),
        ("turnstile_token", request.turnstile_token.as_deref()),
        ("at", request.at.as_ref().map(|t| t.as_str())),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            set(name, value.into()).ok()?;
        }
    }
    js_sys::JSON::stringify(&object).ok()?.as_string()
}

/// `GET /api/calls`.
#[cfg(feature = "history")]
pub fn call_list(value: JsValue) -> Option<callme_shared::CallList> {
    use callme_shared::{CallList, Pagination};
    let json = Json::object(value)?;
    let pagination = Json::object(json.get("pagination"))?;
    Some(CallList {
        calls: json.array("calls", call)?,
        pagination: Pagination {
            total: whole(pagination.get("total").as_f64()?, 2f64.powi(53))?,
            limit: pagination.u32("limit")?,
            offset: pagination.u32("offset")?,
        },
    })
}

/// `GET /api/calls/summary`.
#[cfg(feature = "history")]
pub fn call_summary(value: JsValue) -> Option<callme_shared::CallSummary> {
    let json = Json::object(value)?;
    Some(callme_shared::CallSummary {
        zone: json.string("zone")?,
        days: json.array("days", |v| {
            let day = Json::object(v)?;
            Some(callme_shared::DayCount {
                day: day.string("day")?,
                ended: day.u32("ended")?,
                failed: day.u32("failed")?,
                other: day.u32("other")?,
            })
        })?,
        total: whole(json.get("total").as_f64()?, 9_007_199_254_740_991.0)?,
    })
}

/// One call of the history.
#[cfg(feature = "history")]
fn call(value: JsValue) -> Option<callme_shared::Call> {
    use callme_shared::CallStatus;
    let json = Json::object(value)?;
    Some(callme_shared::Call {
        id: CallId::parse(&json.string("id")?).ok()?,
        caller_phone: json.string("caller_phone")?,
        assistant_phone: json.optional_string("assistant_phone")?,
        status: CallStatus::from_wire(&json.string("status")?),
        error: json.optional_string("error")?,
        started_at: json.optional_timestamp("started_at")?,
        ended_at: json.optional_timestamp("ended_at")?,
        duration_seconds: json.optional_u32("duration_seconds")?,
        summary: json.optional_string("summary")?,
        agent_name: json.optional_string("agent_name")?,
        business_name: json.optional_string("business_name")?,
        agent_id: json.optional_string("agent_id")?,
        created_at: Timestamp::parse(&json.string("created_at")?).ok()?,
        updated_at: Timestamp::parse(&json.string("updated_at")?).ok()?,
        // The edge's record adds them; missing (the platform's own list)
        // or null is none.
        commands: json
            .optional("commands", |v| {
                Json(v).array_items(|item| {
                    let command = Json::object(item)?;
                    Some(callme_shared::CallCommand {
                        kind: command.string("type")?,
                        at: Timestamp::parse(&command.string("at")?).ok()?,
                        by: command.string("by")?,
                        to: command.optional_string("to")?,
                    })
                })
            })?
            .unwrap_or_default(),
    })
}

/// The `scope` claim of a portal token's payload (parsed JSON): a string,
/// an array of strings, or (anything else) none.
#[cfg(feature = "history")]
pub fn token_scope(value: JsValue) -> crate::control::Scope {
    use crate::control::Scope;
    let Some(claims) = Json::object(value) else {
        return Scope::None;
    };
    let scope = claims.get("scope");
    if let Some(text) = scope.as_string() {
        return Scope::Text(text);
    }
    Json(scope)
        .array_items(|v| v.as_string())
        .map_or(Scope::None, Scope::List)
}

/// The body of `POST /api/calls/{id}/control`: the command's `type` and
/// its one field, if any.
#[cfg(feature = "history")]
pub fn control_request(command: &crate::control::Command) -> Option<String> {
    let object = js_sys::Object::new();
    Reflect::set(&object, &"type".into(), &command.kind().into()).ok()?;
    if let Some((name, value)) = command.field() {
        Reflect::set(&object, &name.into(), &value.into()).ok()?;
    }
    js_sys::JSON::stringify(&object).ok()?.as_string()
}

/// The body of `POST /api/callback/note`: the text and the visitor's
/// language.
#[cfg(feature = "button")]
pub fn note_request(text: &callme_shared::CallNote, locale: &str) -> Option<String> {
    let object = js_sys::Object::new();
    Reflect::set(&object, &"text".into(), &text.as_str().into()).ok()?;
    Reflect::set(&object, &"locale".into(), &locale.into()).ok()?;
    js_sys::JSON::stringify(&object).ok()?.as_string()
}
