//! A local stand-in of the voice platform's Calls API (`GET /calls`,
//! `POST /calls/outbound`, `POST /calls/{id}/control`), faithful to the
//! documented contract, with hooks for tests: a journal of what it received
//! and fault injection.

pub mod config;
pub mod faults;
pub mod journal;
mod routes;
pub mod seed;
pub mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Config, ConfigError};
pub use routes::router;

use faults::FaultRules;
use journal::Journal;
use store::Store;

/// Shared state of one running sandbox.
pub struct AppState {
    config: Config,
    store: Mutex<Store>,
    journal: Mutex<Journal>,
    faults: Mutex<FaultRules>,
}

impl AppState {
    /// Fresh state: the demo history, an empty journal, no faults.
    pub fn new(config: Config) -> Arc<Self> {
        let store = Store::new(&config, now_ms());
        Arc::new(Self {
            config,
            store: Mutex::new(store),
            journal: Mutex::default(),
            faults: Mutex::default(),
        })
    }

    /// Back to the state at start (calls, journal and faults).
    fn reset(&self) {
        *lock(&self.store) = Store::new(&self.config, now_ms());
        lock(&self.journal).clear();
        lock(&self.faults).clear();
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
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds 127.0.0.1 on the configured port and serves in a background task.
///
/// # Errors
/// The bind error (port in use, ...).
pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let app = router(AppState::new(config));
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
        stop: Some(stop),
        task: Some(task),
    })
}
