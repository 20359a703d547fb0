//! The isolate's [`Site`]: the settings read from the environment and the
//! zone made from them, once per isolate for requests and alarms alike
//! (vars and secrets cannot change within one: a new deployment starts new
//! isolates), with the isolate's first log line saying what is wrong.

use std::cell::OnceCell;
use std::rc::Rc;

use worker::{Env, console_log};

use crate::config::{ConfigError, EdgeConfig};
use crate::site::Site;

thread_local! {
    static SITE: OnceCell<Result<Rc<Site>, ConfigError>> = const { OnceCell::new() };
}

/// A setting by name, from the vars or else the secrets.
pub fn env_lookup(env: &Env) -> impl Fn(&str) -> Option<String> + '_ {
    |name| {
        env.var(name)
            .map(|v| v.to_string())
            .or_else(|_| env.secret(name).map(|v| v.to_string()))
            .ok()
    }
}

/// The site of this isolate, read on first use.
///
/// # Errors
/// The first setting that is missing or does not parse (the same one for
/// every request of the isolate), or a zone the runtime does not know.
pub fn site(env: &Env) -> Result<Rc<Site>, ConfigError> {
    SITE.with(|cell| cell.get_or_init(|| read(env)).clone())
}

fn read(env: &Env) -> Result<Rc<Site>, ConfigError> {
    let site = EdgeConfig::from_lookup(env_lookup(env)).and_then(|config| {
        // The zone name is only known good once Intl knows it.
        let zone = super::zone::site_zone(&config.booking.time_zone).map_err(|reason| {
            ConfigError::Invalid {
                name: "TIME_ZONE",
                reason,
            }
        })?;
        Ok(Rc::new(Site { config, zone }))
    });
    // The isolate's first line says what an operator must know: whether
    // the bot check is off, and what is misconfigured.
    let start = match &site {
        Ok(site) => serde_json::to_string(&crate::config::health(&site.config)),
        Err(error) => serde_json::to_string(&serde_json::json!({
            "ok": false, "problems": [error.to_string()]
        })),
    };
    console_log!(
        "{{\"event\":\"isolate_start\",\"config\":{}}}",
        start.unwrap_or_default()
    );
    site
}
