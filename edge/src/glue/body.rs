//! Reading a request body with a bound, whatever its headers say.
//!
//! `Content-Length` is checked before anything is read, but a chunked body
//! has none: reading it whole first (as `Request::bytes` does) let a 300 MB
//! upload grow workerd by ~840 MB before the 413, and a deployed isolate dies
//! at 128 MB with every request it serves. Here at most the limit is kept,
//! chunk by chunk, and the stream is cancelled as soon as it is exceeded.

use worker::Request;
use worker::js_sys::{Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::ReadableStreamDefaultReader;

use crate::error::EdgeError;

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
            // Tell the sender to stop; what it sends on is never read.
            let _ = JsFuture::from(reader.cancel()).await;
            return Err(EdgeError::TooLarge(limit));
        }
        let start = body.len();
        body.resize(start + length, 0);
        bytes.copy_to(&mut body[start..]);
    }
}
