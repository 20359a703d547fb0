//! The Guard Durable Object (rate-limit hits and idempotency records in
//! SQLite) and `ask`, the worker's door to it. One instance, named `global`, so
//! limits hold across isolates and locations; every command runs as
//! synchronous SQL, so no two commands interleave.

use serde::Deserialize;
use worker::{
    DurableObject, Env, Request, Response, SqlStorage, SqlStorageValue, State, durable_object,
};

use crate::error::EdgeError;
use crate::guard::{self, Record, Store};
use crate::limits::Hits;
use crate::object::Command as ObjectCommand;

use super::Ctx;
use super::object::{self, answer_response, read_command};
use super::sql::{Sql, int};

/// Sends one command to the Guard, counting the round trip in the log line.
///
/// # Errors
/// [`EdgeError::ObjectUnavailable`] when the Guard cannot be reached or
/// cannot store: the caller fails closed.
pub async fn ask<C: ObjectCommand<Wire = guard::Request>>(
    ctx: &mut Ctx,
    command: C,
) -> Result<C::Answer, EdgeError> {
    object::ask(ctx, command).await
}

/// The Guard's tables (idempotent: run at every start).
/// `counters` held fixed windows (before sliding windows); it is dropped.
const SCHEMA: &str = "DROP TABLE IF EXISTS counters; \
    CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, times TEXT NOT NULL, expires INTEGER NOT NULL); \
    CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, answer TEXT, expires INTEGER NOT NULL); \
    CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires); \
    CREATE INDEX IF NOT EXISTS idempotency_expires ON idempotency (expires)";

/// How often expired rows are deleted: they are already ignored when read,
/// so this only bounds the table's size.
const PURGE_EVERY_MS: i64 = 60_000;

/// The Durable Object class.
#[durable_object(fetch)]
pub struct Guard {
    sql: SqlStorage,
    /// When expired rows are next deleted.
    next_purge_ms: std::cell::Cell<i64>,
}

impl DurableObject for Guard {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        // One call for the whole schema: each statement is a crossing into
        // the runtime, and this runs whenever the object starts.
        if let Err(error) = sql.exec(SCHEMA, None) {
            worker::console_error!("guard: cannot create tables: {error}");
        }
        Self {
            sql,
            next_purge_ms: std::cell::Cell::new(0),
        }
    }

    async fn fetch(&self, request: Request) -> worker::Result<Response> {
        let command: guard::Request = read_command(&request)?;
        let mut store = SqlStore(Sql::new(&self.sql));
        if let Some(now_ms) = command.now_ms()
            && now_ms >= self.next_purge_ms.get()
        {
            store.purge(now_ms);
            self.next_purge_ms.set(now_ms + PURGE_EVERY_MS);
        }
        let reply = guard::handle(&mut store, command);
        if let Some(failure) = store.0.failure() {
            // Fail closed: a limit that could not be read or written must
            // not let the request through.
            return Response::error(format!("guard storage failed: {failure}"), 500);
        }
        answer_response(&reply)
    }
}

/// The Guard's [`Store`] over the object's SQLite. The trait is infallible;
/// the first storage error is kept and turns the answer into a 500.
struct SqlStore<'a>(Sql<'a>);

#[derive(Deserialize)]
struct HitsRow {
    key: String,
    times: String,
}

#[derive(Deserialize)]
struct RecordRow {
    fingerprint: String,
    answer: Option<String>,
    expires: f64,
}

impl SqlStore<'_> {
    fn purge(&mut self, now_ms: i64) {
        let _: Vec<serde_json::Value> = self
            .0
            .run("DELETE FROM hits WHERE expires < ?", vec![now_ms.into()]);
        let _: Vec<serde_json::Value> = self.0.run(
            "DELETE FROM idempotency WHERE expires < ?",
            vec![now_ms.into()],
        );
    }
}

impl Store for SqlStore<'_> {
    fn hits(&self, keys: &[&str]) -> Vec<Option<Hits>> {
        let placeholders = vec!["?"; keys.len()].join(", ");
        let rows: Vec<HitsRow> = self.0.run(
            &format!("SELECT key, times FROM hits WHERE key IN ({placeholders})"),
            keys.iter().map(|k| (*k).into()).collect(),
        );
        keys.iter()
            .map(|key| {
                rows.iter()
                    .find(|row| row.key == *key)
                    .map(|row| Hits::from_text(&row.times))
            })
            .collect()
    }

    fn put_hits(&mut self, hits: &[(String, Hits, i64)]) {
        let rows = vec!["(?, ?, ?)"; hits.len()].join(", ");
        let mut bindings = Vec::with_capacity(hits.len() * 3);
        for (key, list, expires_ms) in hits {
            bindings.push(key.as_str().into());
            bindings.push(list.to_text().into());
            bindings.push((*expires_ms).into());
        }
        let _: Vec<serde_json::Value> = self.0.run(
            &format!("INSERT OR REPLACE INTO hits (key, times, expires) VALUES {rows}"),
            bindings,
        );
    }

    fn record(&self, key: &str, now_ms: i64) -> Option<Record> {
        let rows: Vec<RecordRow> = self.0.run(
            "SELECT fingerprint, answer, expires FROM idempotency WHERE key = ? AND expires > ?",
            vec![key.into(), now_ms.into()],
        );
        rows.into_iter().next().map(|row| Record {
            fingerprint: row.fingerprint,
            answer: row.answer,
            expires_ms: int(row.expires),
        })
    }

    fn put_record(&mut self, key: &str, record: Record) {
        let answer = record
            .answer
            .map_or(SqlStorageValue::Null, SqlStorageValue::String);
        let _: Vec<serde_json::Value> = self.0.run(
            "INSERT OR REPLACE INTO idempotency (key, fingerprint, answer, expires) VALUES (?, ?, ?, ?)",
            vec![key.into(), record.fingerprint.into(), answer, record.expires_ms.into()],
        );
    }

    fn remove_record(&mut self, key: &str) {
        let _: Vec<serde_json::Value> = self
            .0
            .run("DELETE FROM idempotency WHERE key = ?", vec![key.into()]);
    }
}
