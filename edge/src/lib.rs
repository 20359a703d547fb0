//! The callme edge: a Cloudflare Worker that holds the voice platform's key,
//! validates and rate-limits callback requests, and proxies call history.
//!
//! Policy, configuration, tokens, tickets and rate-limit arithmetic are plain
//! Rust modules with native tests; `glue` (wasm32 only) wires them to the
//! Workers runtime.

pub mod admit;
pub mod booking;
pub mod budget;
pub mod callback;
pub mod config;
pub mod control;
pub mod cors;
pub mod error;
pub mod events;
pub mod guard;
pub mod history;
pub mod hours;
pub mod limits;
pub mod log;
pub mod object;
pub mod outbound;
pub mod policy;
pub mod record;
pub mod request;
pub mod routes;
pub mod site;
pub mod summary;
pub mod ticket;

// Signatures and portal tokens live in their own small crate (xtask mints
// tokens with it); they keep their paths here.
pub use callme_tokens::{sign, token};
pub mod upstream;

#[cfg(target_arch = "wasm32")]
mod glue;
