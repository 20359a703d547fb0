//! A local stand-in of the voice platform's Calls API (`GET /calls`,
//! `GET /calls/{id}`, `POST /calls/outbound`, `POST /calls/{id}/control`),
//! faithful to the documented contract: the key's budget, 402 without
//! credits, signed call events posted to a webhook. With hooks for tests:
//! journals of what it received and sent, and fault injection.

pub mod budget;
pub mod config;
pub mod control;
mod delivery;
pub mod errors;
pub mod events;
pub mod faults;
mod hooks;
pub mod journal;
mod routes;
pub mod seed;
pub mod store;
pub mod webhooks;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Config, ConfigError};
pub use routes::router;

use budget::Budget;
use control::Controls;
use faults::FaultRules;
use journal::Journal;
use store::Store;
use webhooks::Webhooks;

/// Shared state of one running sandbox. Locks are taken one at a time,
/// except `controls` then `store` by a control command and `store` then
/// `webhooks` by the ticker (so never in the other order).
pub struct AppState {
    config: Config,
    store: Mutex<Store>,
    journal: Mutex<Journal>,
    faults: Mutex<FaultRules>,
    budget: Mutex<Budget>,
    credits: AtomicBool,
    webhooks: Mutex<Webhooks>,
    controls: Mutex<Controls>,
    client: reqwest::Client,
}

impl AppState {
    /// Fresh state: the demo history, empty journals, no faults, the
    /// configured budget, credits and webhook.
    pub fn new(config: Config) -> Arc<Self> {
        let store = Store::new(&config, now_ms());
        Arc::new(Self {
            store: Mutex::new(store),
            journal: Mutex::default(),
            faults: Mutex::default(),
            budget: Mutex::new(Budget::new(config.rate_limit)),
            credits: AtomicBool::new(config.credits),
            webhooks: Mutex::new(Webhooks::new(
                config.webhook_url.clone(),
                config.webhook_secret.clone(),
            )),
            controls: Mutex::default(),
            client: delivery::client(),
            config,
        })
    }

    /// Back to the state at start: calls, journals, faults, the budget's
    /// count and credits. Settings changed by hooks stay (budget limit,
    /// talk length, webhook target), so a test can set them before the
    /// code under test resets the sandbox.
    fn reset(&self) {
        let mut store = lock(&self.store);
        let talk_ms = store.talk_ms();
        *store = Store::new(&self.config, now_ms());
        store.set_talk_ms(talk_ms);
        drop(store);
        lock(&self.journal).clear();
        lock(&self.faults).clear();
        lock(&self.budget).reset();
        self.set_credits(self.config.credits);
        lock(&self.webhooks).reset();
        lock(&self.controls).clear();
    }

    fn has_credits(&self) -> bool {
        self.credits.load(Ordering::Relaxed)
    }

    fn set_credits(&self, credits: bool) {
        self.credits.store(credits, Ordering::Relaxed);
    }
}

/// Locks a mutex; a panic elsewhere must not take the whole sandbox down.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The wall clock in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A sandbox serving on loopback until stopped or dropped.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    ticker: JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits until the listener is closed.
    ///
    /// # Errors
    /// The server's I/O error, if it failed while serving.
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.halt();
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Running {
    /// Stops serving, noticing calls and sending events.
    fn halt(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.ticker.abort();
        lock(&self.state.webhooks).abandon();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Binds 127.0.0.1 on the configured port and serves in a background task,
/// with a second one that sends call events as calls change stage.
///
/// # Errors
/// The bind error (port in use, ...).
pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config);
    let ticker = delivery::spawn_ticker(Arc::clone(&state));
    let app = router(Arc::clone(&state));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running {
        addr,
        state,
        stop: Some(stop),
        task: Some(task),
        ticker,
    })
}
