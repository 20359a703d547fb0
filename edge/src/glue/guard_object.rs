//! The Guard Durable Object (rate-limit hits and idempotency records in
//! SQLite) and the worker's client for it. One instance, named `global`, so
//! limits hold across isolates and locations; every command runs as
//! synchronous SQL, so no two commands interleave.

use serde::Deserialize;
use worker::{
    DurableObject, Env, Headers, Method, Request, Response, SqlStorage, SqlStorageValue, State,
    durable_object,
};

use crate::error::EdgeError;
use crate::guard::{Answer, Command, Record, Store, apply};
use crate::limits::Hits;
use crate::sign::{b64, unb64};

use super::Ctx;
use super::sql::{Sql, int};

/// The binding name in `wrangler.toml`.
const BINDING: &str = "GUARD";

/// Sends one command to the Guard, counting the round trip in the log line.
///
/// # Errors
/// [`EdgeError::GuardUnavailable`] when the object cannot be reached or
/// answers without an answer (its storage failed): the caller fails closed.
pub async fn ask(ctx: &mut Ctx, command: &Command) -> Result<Answer, EdgeError> {
    let command = serde_json::to_vec(command).map_err(|e| EdgeError::Internal(e.to_string()))?;
    let answer = round_trip(ctx, BINDING, &command, COMMAND_HEADER, ANSWER_HEADER).await?;
    serde_json::from_slice(&answer)
        .map_err(|e| EdgeError::GuardUnavailable(format!("guard answer: {e}")))
}

/// One command to a Durable Object (the Guard or the Scheduler), named
/// `global`: the JSON command and answer travel in headers (base64url), so
/// neither side reads a body stream, which is most of a round trip's cost
/// here. Not generic, so its future is in the worker once.
///
/// # Errors
/// [`EdgeError::GuardUnavailable`] when the object cannot be reached or
/// answers without an answer (its storage failed): the caller fails closed.
pub async fn round_trip(
    ctx: &mut Ctx,
    binding: &str,
    command: &[u8],
    command_header: &str,
    answer_header: &str,
) -> Result<Vec<u8>, EdgeError> {
    let unavailable = |e: worker::Error| EdgeError::GuardUnavailable(format!("{binding}: {e}"));
    ctx.log.guard_calls += 1;
    let stub = ctx
        .env
        .durable_object(binding)
        .and_then(|ns| ns.get_by_name("global"))
        .map_err(|e| EdgeError::Internal(format!("{binding} binding: {e}")))?;
    let request = super::fetch::build(
        Method::Post,
        "https://object.internal/",
        &[(command_header, &b64(command))],
        None,
    )
    .map_err(unavailable)?;
    let mut response = stub
        .fetch_with_request(request)
        .await
        .map_err(unavailable)?;
    let answer = response.headers().get(answer_header).map_err(unavailable)?;
    match (response.status_code(), answer.as_deref().and_then(unb64)) {
        (200, Some(json)) => Ok(json),
        (status, _) => {
            // The object's own words (a storage error) go to the log only.
            let said = response.text().await.unwrap_or_default();
            Err(EdgeError::GuardUnavailable(format!(
                "{binding} answered {status}: {}",
                said.chars().take(200).collect::<String>()
            )))
        }
    }
}

/// The object's side of [`round_trip`]: the command in its header.
///
/// # Errors
/// When the header is missing or not a command of this object.
pub fn read_command<C: serde::de::DeserializeOwned>(
    request: &Request,
    command_header: &str,
) -> worker::Result<C> {
    request
        .headers()
        .get(command_header)?
        .as_deref()
        .and_then(unb64)
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| worker::Error::RustError(format!("bad command in {command_header}")))
}

/// The object's side of [`round_trip`]: the answer in its header.
///
/// # Errors
/// When the answer cannot be written.
pub fn answer_response<A: serde::Serialize>(
    answer: &A,
    answer_header: &str,
) -> worker::Result<Response> {
    let answer = serde_json::to_vec(answer).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let headers = Headers::new();
    headers.set(answer_header, &b64(&answer))?;
    Ok(Response::empty()?.with_headers(headers))
}

/// The header that carries a command to the Guard.
const COMMAND_HEADER: &str = "x-guard-command";
/// The header that carries the Guard's answer.
const ANSWER_HEADER: &str = "x-guard-answer";

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
        let command: Command = read_command(&request, COMMAND_HEADER)?;
        let now_ms = match &command {
            Command::Admit { now_ms, .. } | Command::Finish { now_ms, .. } => *now_ms,
            Command::Abort { .. } => 0,
        };
        let mut store = SqlStore(Sql::new(&self.sql));
        if now_ms > 0 && now_ms >= self.next_purge_ms.get() {
            store.purge(now_ms);
            self.next_purge_ms.set(now_ms + PURGE_EVERY_MS);
        }
        let answer = apply(&mut store, command);
        if let Some(failure) = store.0.failure() {
            // Fail closed: a limit that could not be read or written must
            // not let the request through.
            return Response::error(format!("guard storage failed: {failure}"), 500);
        }
        answer_response(&answer, ANSWER_HEADER)
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
