//! The call record in D1 (binding `CALLS`, schema in `edge/migrations/`):
//! the SQL behind `crate::record`. Every write lands only on the version it
//! read (compare and swap), so two isolates merging news of one call at
//! once never lose either: the loser reads again and merges again.

use callme_shared::CallId;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

use crate::error::EdgeError;
use crate::record::{self, CallRecord, RecordQuery, Sighting};
use crate::summary::{Bucket, QUARTER_MS};

use super::sql::int;

/// The binding name in `wrangler.toml`.
const BINDING: &str = "CALLS";

/// How often a merge is tried again after losing a race.
const MERGE_TRIES: usize = 4;

/// The record's database.
///
/// # Errors
/// When the binding is missing (a configuration error: 500).
pub fn db(env: &Env) -> Result<D1Database, EdgeError> {
    env.d1(BINDING)
        .map_err(|e| EdgeError::Internal(format!("{BINDING} binding: {e}")))
}

fn failed(what: &str) -> impl Fn(worker::Error) -> EdgeError + '_ {
    move |e| EdgeError::ObjectUnavailable(format!("call record {what}: {e}"))
}

/// Columns in the order [`Row`] and the writes use.
const COLUMNS: &str = "id, phone, agent, agent_name, status, error, started_ms, ended_ms, \
    duration_s, summary, created_ms, changed_ms, checked_ms, version";

#[derive(Deserialize)]
struct Row {
    id: String,
    phone: Option<String>,
    agent: Option<String>,
    agent_name: Option<String>,
    status: String,
    error: Option<String>,
    started_ms: Option<f64>,
    ended_ms: Option<f64>,
    duration_s: Option<f64>,
    summary: Option<String>,
    created_ms: f64,
    changed_ms: f64,
    checked_ms: f64,
    version: f64,
}

impl Row {
    fn into_record(self) -> Option<CallRecord> {
        Some(CallRecord {
            id: CallId::parse(&self.id).ok()?,
            phone: self.phone,
            agent: self.agent,
            agent_name: self.agent_name,
            status: self.status,
            error: self.error,
            started_ms: self.started_ms.map(int),
            ended_ms: self.ended_ms.map(int),
            duration_s: self.duration_s.and_then(|d| u32::try_from(int(d)).ok()),
            summary: self.summary,
            created_ms: int(self.created_ms),
            changed_ms: int(self.changed_ms),
            checked_ms: int(self.checked_ms),
            version: int(self.version),
        })
    }
}

fn text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

#[allow(clippy::cast_precision_loss)] // Unix ms and counts stay far below 2^53.
fn number(value: Option<i64>) -> JsValue {
    value.map_or(JsValue::NULL, |v| JsValue::from_f64(v as f64))
}

fn bind(
    statement: D1PreparedStatement,
    values: &[JsValue],
) -> Result<D1PreparedStatement, EdgeError> {
    statement.bind(values).map_err(failed("bind"))
}

async fn rows(statement: D1PreparedStatement) -> Result<Vec<CallRecord>, EdgeError> {
    let result = statement.all().await.map_err(failed("read"))?;
    let rows: Vec<Row> = result.results().map_err(failed("rows"))?;
    Ok(rows.into_iter().filter_map(Row::into_record).collect())
}

async fn changes(statement: D1PreparedStatement) -> Result<usize, EdgeError> {
    let result = statement.run().await.map_err(failed("write"))?;
    Ok(result
        .meta()
        .map_err(failed("meta"))?
        .and_then(|meta| meta.changes)
        .unwrap_or(0))
}

/// The record of `id`.
///
/// # Errors
/// When D1 cannot be read.
pub async fn get(db: &D1Database, id: &CallId) -> Result<Option<CallRecord>, EdgeError> {
    let statement = bind(
        db.prepare(format!("SELECT {COLUMNS} FROM calls WHERE id = ?1")),
        &[id.as_str().into()],
    )?;
    Ok(rows(statement).await?.into_iter().next())
}

/// Writes `record` if the stored row is still at `read_version` (`None`:
/// no row yet). Returns whether it landed. `checked_ms` is left as stored:
/// a lookup claimed meanwhile stays claimed.
async fn write(
    db: &D1Database,
    record: &CallRecord,
    read_version: Option<i64>,
) -> Result<bool, EdgeError> {
    let values = [
        record.id.as_str().into(),
        text(record.phone.as_deref()),
        text(record.agent.as_deref()),
        text(record.agent_name.as_deref()),
        record.status.as_str().into(),
        text(record.error.as_deref()),
        number(record.started_ms),
        number(record.ended_ms),
        number(record.duration_s.map(i64::from)),
        text(record.summary.as_deref()),
        number(Some(record.created_ms)),
        number(Some(record.changed_ms)),
        number(Some(record.checked_ms)),
        number(Some(record.version)),
    ];
    let statement = match read_version {
        None => bind(
            db.prepare(format!(
                "INSERT INTO calls ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
                 ON CONFLICT (id) DO NOTHING"
            )),
            &values,
        )?,
        Some(version) => {
            let mut values = values.to_vec();
            values.push(number(Some(version)));
            bind(
                db.prepare(
                    "UPDATE calls SET phone = ?2, agent = ?3, agent_name = ?4, status = ?5, error = ?6, \
                     started_ms = ?7, ended_ms = ?8, duration_s = ?9, summary = ?10, created_ms = ?11, \
                     changed_ms = ?12, version = ?14 WHERE id = ?1 AND version = ?15",
                ),
                &values,
            )?
        }
    };
    Ok(changes(statement).await? == 1)
}

/// Whether news of a call not in the record starts a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Yes: the call is callme's, or the platform listed it.
    Record,
    /// No: an event for a call callme never placed changes nothing.
    Ignore,
}

/// Merges `sighting` into the record of `id` (`crate::record::merge`),
/// again after a lost race. Returns the record as it stands.
///
/// # Errors
/// When D1 cannot be read or written.
pub async fn see(
    db: &D1Database,
    id: &CallId,
    sighting: &Sighting,
    now_ms: i64,
    unknown: Unknown,
) -> Result<Option<CallRecord>, EdgeError> {
    for _ in 0..MERGE_TRIES {
        let stored = get(db, id).await?;
        if stored.is_none() && unknown == Unknown::Ignore {
            return Ok(None);
        }
        let Some(merged) = record::merge(stored.as_ref(), id, sighting, now_ms) else {
            return Ok(stored);
        };
        if write(db, &merged, stored.as_ref().map(|r| r.version)).await? {
            return Ok(Some(merged));
        }
    }
    Err(EdgeError::ObjectUnavailable(format!(
        "call record: {MERGE_TRIES} writers raced on one call"
    )))
}

/// Claims the one platform lookup of a quiet live call: only the poll
/// whose claim lands asks the platform; every other poll of every isolate
/// answers from the record meanwhile. A call with no record yet is claimed
/// by creating it.
///
/// # Errors
/// When D1 cannot be written.
pub async fn claim_lookup(
    db: &D1Database,
    id: &CallId,
    seen: Option<&CallRecord>,
    now_ms: i64,
) -> Result<bool, EdgeError> {
    let statement = match seen {
        Some(record) => bind(
            db.prepare("UPDATE calls SET checked_ms = ?2 WHERE id = ?1 AND checked_ms = ?3 AND version = ?4"),
            &[
                id.as_str().into(),
                number(Some(now_ms)),
                number(Some(record.checked_ms)),
                number(Some(record.version)),
            ],
        )?,
        None => bind(
            db.prepare(
                "INSERT INTO calls (id, status, created_ms, changed_ms, checked_ms, version) \
                 VALUES (?1, 'dialing', ?2, ?2, ?2, 1) ON CONFLICT (id) DO NOTHING",
            ),
            &[id.as_str().into(), number(Some(now_ms))],
        )?,
    };
    Ok(changes(statement).await? == 1)
}

/// Forgets a call the platform does not know (a lookup's placeholder).
///
/// # Errors
/// When D1 cannot be written.
pub async fn forget(db: &D1Database, id: &CallId) -> Result<(), EdgeError> {
    let statement = bind(
        db.prepare("DELETE FROM calls WHERE id = ?1 AND phone IS NULL AND status = 'dialing'"),
        &[id.as_str().into()],
    )?;
    changes(statement).await.map(|_| ())
}

/// A page of the record for the portal, newest first, and how many rows
/// match in all.
///
/// # Errors
/// When D1 cannot be read.
pub async fn page(
    db: &D1Database,
    query: &RecordQuery,
) -> Result<(Vec<CallRecord>, u64), EdgeError> {
    let (filter, values) = filter(query);
    let count = bind(
        db.prepare(format!("SELECT COUNT(*) AS n FROM calls{filter}")),
        &values,
    )?;
    let mut paged = values.clone();
    paged.push(number(Some(i64::from(query.limit))));
    paged.push(number(Some(i64::from(query.offset))));
    let list = bind(
        db.prepare(format!(
            "SELECT {COLUMNS} FROM calls{filter} ORDER BY created_ms DESC, id LIMIT ?{} OFFSET ?{}",
            values.len() + 1,
            values.len() + 2
        )),
        &paged,
    )?;
    #[derive(Deserialize)]
    struct Count {
        n: f64,
    }
    let counted = count.all().await.map_err(failed("count"))?;
    let total = counted
        .results::<Count>()
        .map_err(failed("count"))?
        .first()
        .map_or(0, |c| u64::try_from(int(c.n)).unwrap_or(0));
    Ok((rows(list).await?, total))
}

/// The record's calls under `query` (its paging aside) counted per
/// quarter hour of creation and status word: the chart's numbers, one
/// row per bucket however many calls it holds.
///
/// # Errors
/// When D1 cannot be read.
pub async fn buckets(db: &D1Database, query: &RecordQuery) -> Result<Vec<Bucket>, EdgeError> {
    let (filter, values) = filter(query);
    let statement = bind(
        db.prepare(format!(
            "SELECT created_ms / {QUARTER_MS} AS quarter, status, COUNT(*) AS n \
             FROM calls{filter} GROUP BY quarter, status"
        )),
        &values,
    )?;
    #[derive(Deserialize)]
    struct Row {
        quarter: f64,
        status: String,
        n: f64,
    }
    let read = statement.all().await.map_err(failed("summary"))?;
    Ok(read
        .results::<Row>()
        .map_err(failed("summary"))?
        .into_iter()
        .map(|row| Bucket {
            quarter: int(row.quarter),
            status: row.status,
            calls: u32::try_from(int(row.n)).unwrap_or(u32::MAX),
        })
        .collect())
}

/// The `WHERE` clause of `query`'s filters and their values, numbered
/// from `?1`.
fn filter(query: &RecordQuery) -> (String, Vec<JsValue>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<JsValue> = Vec::new();
    let mut add = |condition: &str, value: JsValue| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("?{}", values.len())));
    };
    if let Some(phone) = &query.phone {
        add("phone = ?", phone.as_str().into());
    }
    if let Some(agent) = &query.agent {
        add("agent = ?", agent.as_str().into());
    }
    if let Some(from) = query.from_ms {
        add("created_ms >= ?", number(Some(from)));
    }
    if let Some(until) = query.until_ms {
        add("created_ms <= ?", number(Some(until)));
    }
    if let Some(words) = &query.statuses {
        let start = values.len();
        let marks: Vec<String> = (1..=words.len())
            .map(|i| format!("?{}", start + i))
            .collect();
        values.extend(words.iter().map(|w| JsValue::from_str(w)));
        conditions.push(format!("status IN ({})", marks.join(", ")));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    (filter, values)
}

/// Deletes one number's calls and their commands; returns how many calls.
///
/// # Errors
/// When D1 cannot be written.
pub async fn erase(db: &D1Database, phone: &str) -> Result<usize, EdgeError> {
    let commands = "DELETE FROM commands WHERE call_id IN (SELECT id FROM calls WHERE phone = ?1)";
    changes(bind(db.prepare(commands), &[phone.into()])?).await?;
    changes(bind(
        db.prepare("DELETE FROM calls WHERE phone = ?1"),
        &[phone.into()],
    )?)
    .await
}

/// Deletes calls made before `cutoff_ms`, and their commands; returns how
/// many calls.
///
/// # Errors
/// When D1 cannot be written.
pub async fn expire(db: &D1Database, cutoff_ms: i64) -> Result<usize, EdgeError> {
    let commands =
        "DELETE FROM commands WHERE call_id IN (SELECT id FROM calls WHERE created_ms < ?1)";
    changes(bind(db.prepare(commands), &[number(Some(cutoff_ms))])?).await?;
    changes(bind(
        db.prepare("DELETE FROM calls WHERE created_ms < ?1"),
        &[number(Some(cutoff_ms))],
    )?)
    .await
}

/// Keeps a control command sent into a call.
///
/// # Errors
/// When D1 cannot be written.
pub async fn keep_command(
    db: &D1Database,
    id: &CallId,
    at_ms: i64,
    kind: &str,
    by: &str,
    target: Option<&str>,
) -> Result<(), EdgeError> {
    let statement = bind(
        db.prepare(
            "INSERT INTO commands (call_id, at_ms, kind, by_whom, target) VALUES (?1, ?2, ?3, ?4, ?5)",
        ),
        &[id.as_str().into(), number(Some(at_ms)), kind.into(), by.into(), text(target)],
    )?;
    changes(statement).await.map(|_| ())
}

/// A command kept in the record.
#[derive(Debug, Clone, Deserialize)]
pub struct KeptRow {
    /// The call.
    pub call_id: String,
    /// When (Unix ms, as SQLite's number).
    pub at_ms: f64,
    /// `note`, `say`, `end-call`, `transfer`.
    pub kind: String,
    /// A token's `sub`, or `visitor`.
    pub by_whom: String,
    /// A transfer's alias.
    pub target: Option<String>,
}

/// D1 binds at most 100 parameters to one statement.
const MAX_BOUND: usize = 100;

/// The commands sent into the calls `ids`, oldest first within each call.
///
/// # Errors
/// When D1 cannot be read.
pub async fn commands(db: &D1Database, ids: &[&str]) -> Result<Vec<KeptRow>, EdgeError> {
    let mut kept = Vec::new();
    for chunk in ids.chunks(MAX_BOUND) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
        let values: Vec<JsValue> = chunk.iter().map(|id| JsValue::from_str(id)).collect();
        let statement = bind(
            db.prepare(format!(
                "SELECT call_id, at_ms, kind, by_whom, target FROM commands WHERE call_id IN ({}) ORDER BY at_ms",
                marks.join(", ")
            )),
            &values,
        )?;
        let result = statement.all().await.map_err(failed("read"))?;
        kept.extend(result.results::<KeptRow>().map_err(failed("rows"))?);
    }
    Ok(kept)
}

/// The oldest live call's creation time, if any is live.
///
/// # Errors
/// When D1 cannot be read.
pub async fn oldest_live_ms(db: &D1Database) -> Result<Option<i64>, EdgeError> {
    #[derive(Deserialize)]
    struct Oldest {
        at: Option<f64>,
    }
    let statement = db.prepare(
        "SELECT MIN(created_ms) AS at FROM calls WHERE status NOT IN \
         ('ended', 'ended-with-error', 'failed', 'rejected', 'insufficient-credits')",
    );
    let result = statement.all().await.map_err(failed("read"))?;
    Ok(result
        .results::<Oldest>()
        .map_err(failed("rows"))?
        .first()
        .and_then(|o| o.at)
        .map(int))
}

/// A number kept under `key` in `meta`.
///
/// # Errors
/// When D1 cannot be read.
pub async fn meta(db: &D1Database, key: &str) -> Result<Option<i64>, EdgeError> {
    #[derive(Deserialize)]
    struct Value {
        value: f64,
    }
    let statement = bind(
        db.prepare("SELECT value FROM meta WHERE key = ?1"),
        &[key.into()],
    )?;
    let result = statement.all().await.map_err(failed("read"))?;
    Ok(result
        .results::<Value>()
        .map_err(failed("rows"))?
        .first()
        .map(|v| int(v.value)))
}

/// Keeps `value` under `key` in `meta`.
///
/// # Errors
/// When D1 cannot be written.
pub async fn set_meta(db: &D1Database, key: &str, value: i64) -> Result<(), EdgeError> {
    let statement = bind(
        db.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2"),
        &[key.into(), number(Some(value))],
    )?;
    changes(statement).await.map(|_| ())
}
