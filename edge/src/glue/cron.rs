//! The Cron Trigger (`[triggers] crons` in `wrangler.toml`): one platform
//! list a run brings the calls the events missed (a lost webhook, inbound
//! calls, other tools) into the record, and calls past
//! `CALL_RETENTION_DAYS` are deleted.

use callme_shared::{CallsQuery, DateRange, PageLimit, PageOffset, Timestamp};
use worker::{Env, Method, ScheduleContext, ScheduledEvent, console_log, event};

use crate::budget::Purpose;
use crate::error::EdgeError;
use crate::guard::Count;
use crate::record::{self as rules, Sighting};
use crate::upstream;

use super::record::{self, Unknown};

/// The `meta` key of the last run's time.
const LAST_RUN: &str = "reconciled_ms";

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let line = match run(&env).await {
        Ok((seen, expired)) => format!(
            "{{\"event\":\"reconciled\",\"calls_seen\":{seen},\"calls_expired\":{expired}}}"
        ),
        Err(error) => format!(
            "{{\"event\":\"reconcile_failed\",\"code\":\"{}\",\"detail\":{:?}}}",
            error.body().error.code,
            error.log_detail().unwrap_or_default()
        ),
    };
    console_log!("{line}");
}

/// One run: the list (when the budget allows a read), then retention.
/// Returns the calls listed and the calls deleted.
async fn run(env: &Env) -> Result<(usize, usize), EdgeError> {
    let site = super::site::site(env)?;
    let config = &site.config;
    let db = record::db(env)?;
    let now_ms = super::now();
    let from_ms = rules::reconcile_from(
        now_ms,
        record::meta(&db, LAST_RUN).await?,
        record::oldest_live_ms(&db).await?,
        config.record.retention_days,
    );
    let spend = Count {
        checks: vec![config.upstream.budget.check(Purpose::Read)],
        now_ms,
    };
    let mut seen = 0;
    if super::object::ask_env(env, spend).await?.is_ok() {
        let query = CallsQuery {
            limit: PageLimit::new(PageLimit::MAX).unwrap_or_default(),
            offset: PageOffset::new(0),
            status: None,
            range: DateRange::new(Some(Timestamp::from_unix_millis(from_ms)), None)
                .unwrap_or_default(),
        };
        let raw =
            super::fetch::to_platform(config, Method::Get, &upstream::list_path(&query), None)
                .await?;
        let list = upstream::list_answer(&raw)?;
        for call in &list.calls {
            record::see(
                &db,
                &call.id,
                &Sighting::of_call(call, &config.public.agents),
                super::now(),
                Unknown::Record,
            )
            .await?;
        }
        seen = list.calls.len();
        record::set_meta(&db, LAST_RUN, now_ms).await?;
    }
    let expired = record::expire(&db, now_ms - config.record.retention_days * 86_400_000).await?;
    Ok((seen, expired))
}
