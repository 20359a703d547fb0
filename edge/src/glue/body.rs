//! Reading a request body with a bound, whatever its headers say.
//!
//! `Content-Length` is checked before anything is read, but a chunked body
//! has none: reading it whole first (as `Request::bytes` does) let a 300 MB
//! upload grow workerd by ~840 MB before the 413, and a deployed isolate dies
//! at 128 MB with every request it serves. Here at most the limit is kept,
//! chunk by chunk; past it nothing more is kept, and past 256 KiB nothing more
//! is read.

use worker::Request;
use worker::js_sys::{Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::ReadableStreamDefaultReader;

use crate::error::EdgeError;

/// How much of an oversized body is read and dropped (never copied) before
/// the 413. A connection closed with unread upload in its buffer is reset by
/// the kernel, and the reset can overtake the answer: a body somewhat over
/// the limit (a pasted essay) is consumed so that its sender sees the 413;
/// beyond this, the sender is cut off.
const DRAIN_BYTES: usize = 256 * 1024;

/// Reads and drops what follows, up to [`DRAIN_BYTES`] in all.
async fn drain(reader: &ReadableStreamDefaultReader, mut seen: usize) {
    while seen <= DRAIN_BYTES {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            return;
        };
        if Reflect::get(&chunk, &JsValue::from_str("done")).is_ok_and(|d| d.is_truthy()) {
            return;
        }
        let length = Reflect::get(&chunk, &JsValue::from_str("value"))
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .map_or(0, |bytes| {
                usize::try_from(bytes.length()).unwrap_or(usize::MAX)
            });
        seen = seen.saturating_add(length.max(1));
    }
    reader.release_lock();
}

/// Reads the body, refusing it with 413 once it exceeds `limit` bytes.
///
/// # Errors
/// [`EdgeError::TooLarge`] past the limit; an internal error when the
/// stream breaks.
pub async fn read_bounded(request: &Request, limit: usize) -> Result<Vec<u8>, EdgeError> {
    let Some(stream) = request.inner().body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let broken = |e: JsValue| EdgeError::Internal(format!("request body: {e:?}"));
    let mut body = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(broken)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .map_err(broken)?
            .is_truthy();
        if done {
            return Ok(body);
        }
        let bytes: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value"))
            .map_err(broken)?
            .dyn_into()
            .map_err(broken)?;
        let length = usize::try_from(bytes.length()).unwrap_or(usize::MAX);
        if body.len().saturating_add(length) > limit {
            drain(&reader, body.len().saturating_add(length)).await;
            return Err(EdgeError::TooLarge(limit));
        }
        let start = body.len();
        body.resize(start + length, 0);
        bytes.copy_to(&mut body[start..]);
    }
}
