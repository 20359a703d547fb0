//! The Scheduler Durable Object: booked callbacks in SQLite, placed by its
//! alarm at their slot through the same platform request as a callback
//! now, retried when the platform fails (see `crate::booking`). One
//! instance, named `global`, so a slot's capacity holds across isolates.

use serde::Deserialize;
use worker::{
    DurableObject, Env, Method, Request, Response, SqlStorage, SqlStorageValue, State,
    durable_object,
};

use crate::booking::{self, Booking, BookingStatus, Store};
use crate::budget::Purpose;
use crate::config::EdgeConfig;
use crate::error::EdgeError;
use crate::guard::Count;
use crate::object::Command as ObjectCommand;

use super::Ctx;
use super::object::{self, answer_response, read_command};
use super::sql::{Sql, int};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS bookings (id TEXT PRIMARY KEY, slot_ms INTEGER NOT NULL, \
    status TEXT NOT NULL, next_try_ms INTEGER NOT NULL, record TEXT NOT NULL); \
    CREATE INDEX IF NOT EXISTS bookings_slot ON bookings (slot_ms); \
    CREATE INDEX IF NOT EXISTS bookings_due ON bookings (status, next_try_ms)";

/// Sends one command to the Scheduler, counting the round trip in the log
/// line.
///
/// # Errors
/// [`EdgeError::ObjectUnavailable`] when the Scheduler cannot be reached or
/// cannot store: nothing is booked or changed then.
pub async fn ask<C: ObjectCommand<Wire = booking::Request>>(
    ctx: &mut Ctx,
    command: C,
) -> Result<C::Answer, EdgeError> {
    object::ask(ctx, command).await
}

/// The Durable Object class.
#[durable_object(alarm)]
pub struct Scheduler {
    state: State,
    env: Env,
    sql: SqlStorage,
}

impl DurableObject for Scheduler {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(error) = sql.exec(SCHEMA, None) {
            worker::console_error!("scheduler: cannot create tables: {error}");
        }
        Self { state, env, sql }
    }

    async fn fetch(&self, request: Request) -> worker::Result<Response> {
        let command: booking::Request = read_command(&request)?;
        let rearm = command.rearms();
        let mut store = SqlStore(Sql::new(&self.sql));
        let reply = booking::handle(&mut store, command);
        if let Some(failure) = store.0.failure() {
            return Response::error(format!("scheduler storage failed: {failure}"), 500);
        }
        if rearm {
            self.arm().await?;
        }
        answer_response(&reply)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let now_ms = super::now();
        let site = super::site::site(&self.env);
        let store = SqlStore(Sql::new(&self.sql));
        for mut due in store.due(now_ms) {
            let result = match &site {
                Ok(site) => place(&self.env, &site.config, &due).await,
                Err(error) => Err(EdgeError::Config(error.clone())),
            };
            let now_ms = super::now();
            due.attempts += 1;
            match result {
                Ok(call_id) => {
                    due.status = BookingStatus::Placed;
                    due.call_id = Some(call_id);
                    due.placed_ms = Some(now_ms);
                }
                Err(error) => {
                    let code = error.body().error.code;
                    worker::console_log!(
                        "{{\"event\":\"scheduled_attempt_failed\",\"booking\":\"{}\",\"attempt\":{},\"code\":\"{code}\",\"detail\":{:?}}}",
                        due.id,
                        due.attempts,
                        error.log_detail().unwrap_or_default()
                    );
                    match booking::retry_at(due.attempts, now_ms) {
                        Some(next) => due.next_try_ms = next,
                        None => {
                            due.status = BookingStatus::Failed;
                            due.error = Some(code);
                        }
                    }
                }
            }
            let mut store = SqlStore(Sql::new(&self.sql));
            store.put(&due);
        }
        self.arm().await?;
        Response::empty()
    }
}

/// Places one booked call: the platform request kept at booking, within
/// the platform budget (placing may use its reserve), then starts its
/// record.
async fn place(env: &Env, config: &EdgeConfig, booking: &Booking) -> Result<String, EdgeError> {
    let spend = Count {
        checks: vec![config.upstream.budget.check(Purpose::Place)],
        now_ms: super::now(),
    };
    super::object::ask_env(env, spend)
        .await?
        .map_err(|limited| EdgeError::Busy {
            retry_after_s: limited.retry_after_s,
        })?;
    let raw = super::fetch::to_platform(
        config,
        Method::Post,
        "/calls/outbound",
        Some(booking.outbound.clone()),
    )
    .await?;
    let placed = crate::upstream::outbound_answer(&raw)?;
    let sighting = super::callback::placed_sighting(&booking.phone, &booking.agent, super::now());
    let recorded = match super::record::db(env) {
        Ok(db) => super::record::see(
            &db,
            &placed.call_id,
            &sighting,
            super::now(),
            super::record::Unknown::Record,
        )
        .await
        .map(|_| ()),
        Err(error) => Err(error),
    };
    if let Err(error) = recorded {
        // The call is placed: a missing record only costs a lookup later.
        worker::console_error!(
            "call record not started: {}",
            error.log_detail().unwrap_or_default()
        );
    }
    Ok(placed.call_id.as_str().to_owned())
}

impl Scheduler {
    /// Sets the alarm for the next booking due (or clears it).
    async fn arm(&self) -> worker::Result<()> {
        let store = SqlStore(Sql::new(&self.sql));
        let storage = self.state.storage();
        match store.next_due() {
            Some(at) => {
                let offset = (at - super::now()).max(0);
                storage.set_alarm(offset).await
            }
            None => storage.delete_alarm().await,
        }
    }
}

/// The Scheduler's [`Store`] over SQLite; the first storage error is kept
/// and turns the answer into a 500.
struct SqlStore<'a>(Sql<'a>);

#[derive(Deserialize)]
struct RecordRow {
    record: String,
}

#[derive(Deserialize)]
struct CountRow {
    n: f64,
}

#[derive(Deserialize)]
struct NextRow {
    next: Option<f64>,
}

impl SqlStore<'_> {
    fn records(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Vec<Booking> {
        self.0
            .run::<RecordRow>(query, bindings)
            .into_iter()
            .filter_map(|row| serde_json::from_str(&row.record).ok())
            .collect()
    }

    /// Bookings waiting whose (next) attempt is due.
    fn due(&self, now_ms: i64) -> Vec<Booking> {
        self.records(
            "SELECT record FROM bookings WHERE status = 'scheduled' AND next_try_ms <= ? ORDER BY next_try_ms",
            vec![now_ms.into()],
        )
    }

    fn next_due(&self) -> Option<i64> {
        self.0
            .run::<NextRow>(
                "SELECT MIN(next_try_ms) AS next FROM bookings WHERE status = 'scheduled'",
                vec![],
            )
            .into_iter()
            .next()
            .and_then(|row| row.next)
            .map(int)
    }
}

impl Store for SqlStore<'_> {
    fn get(&self, id: &str) -> Option<Booking> {
        self.records("SELECT record FROM bookings WHERE id = ?", vec![id.into()])
            .into_iter()
            .next()
    }

    fn count_in_slot(&self, slot_ms: i64) -> u32 {
        self.0
            .run::<CountRow>(
                "SELECT COUNT(*) AS n FROM bookings WHERE slot_ms = ? AND status != 'cancelled'",
                vec![slot_ms.into()],
            )
            .into_iter()
            .next()
            .map_or(0, |row| u32::try_from(int(row.n)).unwrap_or(u32::MAX))
    }

    fn put(&mut self, booking: &Booking) {
        let record = serde_json::to_string(booking).unwrap_or_default();
        let _: Vec<serde_json::Value> = self.0.run(
            "INSERT OR REPLACE INTO bookings (id, slot_ms, status, next_try_ms, record) VALUES (?, ?, ?, ?, ?)",
            vec![
                booking.id.as_str().into(),
                booking.slot_ms.into(),
                booking.status.as_str().into(),
                booking.next_try_ms.into(),
                record.into(),
            ],
        );
    }

    fn from(&self, from_ms: i64) -> Vec<Booking> {
        self.records(
            "SELECT record FROM bookings WHERE slot_ms >= ? ORDER BY slot_ms, id",
            vec![from_ms.into()],
        )
    }
}
