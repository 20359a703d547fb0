//! The Scheduler Durable Object: booked callbacks in SQLite, placed by its
//! alarm at their slot through the same platform request as a callback
//! now, retried when the platform fails (see `crate::booking`). One
//! instance, named `global`, so a slot's capacity holds across isolates.
//!
//! The object runs one event at a time only between awaits: a command can
//! arrive while the alarm awaits the platform. So the alarm claims a
//! booking (reads it and marks it placing) in one synchronous step before
//! the request goes out, and afterwards writes only the outcome of that
//! claim (`booking::claim_next`, `booking::settle`).

use callme_shared::CallId;
use serde::Deserialize;
use worker::{
    DurableObject, Env, Method, Request, Response, SqlStorage, SqlStorageValue, State,
    durable_object,
};

use crate::booking::{self, Attempt, Booking, Store};
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
        let mut store = SqlStore::new(&self.sql);
        let reply = booking::handle(&mut store, command);
        let wrote = store.wrote;
        if let Some(failure) = store.sql.failure() {
            return Response::error(format!("scheduler storage failed: {failure}"), 500);
        }
        // Only a write can move the next due time (a full slot, or a
        // second cancel, writes nothing and costs no alarm).
        if rearm && wrote {
            self.arm().await?;
        }
        answer_response(&reply)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let site = super::site::site(&self.env);
        // Whether the site takes calls at an instant (unknown settings:
        // the attempt fails on them anyway).
        let open = |at: i64| {
            site.as_ref().map_or(true, |site| {
                site.config.booking.schedule.is_open(&*site.zone, at)
            })
        };
        loop {
            // The claim: no await between reading the booking and marking
            // it placing, so a cancel lands wholly before or after it.
            let mut store = SqlStore::new(&self.sql);
            let claimed = booking::claim_next(&mut store, super::now(), &open);
            if let Some(failure) = store.sql.failure() {
                worker::console_error!("scheduler: cannot claim a booking: {failure}");
                break;
            }
            let Some(claimed) = claimed else { break };
            let result = match &site {
                Ok(site) => place(&self.env, &site.config, &claimed).await,
                Err(error) => Err(EdgeError::Config(error.clone())),
            };
            let attempt = match result {
                Ok(call_id) => Attempt::Placed(call_id),
                Err(error) => {
                    let code = error.body().error.code;
                    worker::console_log!(
                        "{{\"event\":\"scheduled_attempt_failed\",\"booking\":\"{}\",\"attempt\":{},\"code\":\"{code}\",\"detail\":{:?}}}",
                        claimed.id,
                        claimed.attempts,
                        error.log_detail().unwrap_or_default()
                    );
                    Attempt::Failed(code)
                }
            };
            let mut store = SqlStore::new(&self.sql);
            let settled = booking::settle(&mut store, &claimed, attempt, super::now(), &open);
            if let Some(failure) = store.sql.failure() {
                worker::console_error!("scheduler: cannot settle {}: {failure}", claimed.id);
            }
            if let Some(booking) = settled.filter(|b| b.status == booking::BookingStatus::Failed) {
                worker::console_log!(
                    "{{\"event\":\"scheduled_failed\",\"booking\":\"{}\",\"attempts\":{},\"code\":\"{}\"}}",
                    booking.id,
                    booking.attempts,
                    booking.error.as_deref().unwrap_or_default()
                );
            }
        }
        self.arm().await?;
        Response::empty()
    }
}

/// Places one booked call: the platform request kept at booking, within
/// the platform budget (placing may use its reserve), then starts its
/// record.
async fn place(env: &Env, config: &EdgeConfig, booking: &Booking) -> Result<CallId, EdgeError> {
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
    let sighting = super::callback::placed_sighting(
        booking.phone.as_str(),
        booking.agent.as_str(),
        super::now(),
    );
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
    Ok(placed.call_id)
}

impl Scheduler {
    /// Sets the alarm for the next booking due (or clears it).
    async fn arm(&self) -> worker::Result<()> {
        let store = SqlStore::new(&self.sql);
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
struct SqlStore<'a> {
    sql: Sql<'a>,
    /// Whether anything was written.
    wrote: bool,
}

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

impl<'a> SqlStore<'a> {
    fn new(sql: &'a SqlStorage) -> Self {
        Self {
            sql: Sql::new(sql),
            wrote: false,
        }
    }

    fn records(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Vec<Booking> {
        self.sql
            .run::<RecordRow>(query, bindings)
            .into_iter()
            .filter_map(|row| serde_json::from_str(&row.record).ok())
            .collect()
    }

    /// When the alarm has work next: a booking's (next) attempt, or a
    /// claim's lapse.
    fn next_due(&self) -> Option<i64> {
        self.sql
            .run::<NextRow>(
                "SELECT MIN(next_try_ms) AS next FROM bookings WHERE status IN ('scheduled', 'placing')",
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

    fn due(&self, now_ms: i64) -> Option<Booking> {
        self.records(
            "SELECT record FROM bookings WHERE status IN ('scheduled', 'placing') AND next_try_ms <= ? \
             ORDER BY next_try_ms LIMIT 1",
            vec![now_ms.into()],
        )
        .into_iter()
        .next()
    }

    fn count_in_slot(&self, slot_ms: i64) -> u32 {
        self.sql
            .run::<CountRow>(
                "SELECT COUNT(*) AS n FROM bookings WHERE slot_ms = ? AND status != 'cancelled'",
                vec![slot_ms.into()],
            )
            .into_iter()
            .next()
            .map_or(0, |row| u32::try_from(int(row.n)).unwrap_or(u32::MAX))
    }

    fn put(&mut self, booking: &Booking) {
        self.wrote = true;
        let record = serde_json::to_string(booking).unwrap_or_default();
        let _: Vec<serde_json::Value> = self.sql.run(
            "INSERT OR REPLACE INTO bookings (id, slot_ms, status, next_try_ms, record) VALUES (?, ?, ?, ?, ?)",
            vec![
                booking.id.as_str().into(),
                booking.slot_ms.into(),
                booking.status.stored().into(),
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
