//! The Durable Objects' SQLite, as their stores use it: queries whose rows
//! deserialize, and the first storage error kept (the stores' traits are
//! infallible; the object then answers 500 and the caller fails closed).

use std::cell::RefCell;

use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

/// One command's access to an object's SQLite.
pub struct Sql<'a> {
    sql: &'a SqlStorage,
    failure: RefCell<Option<String>>,
}

impl<'a> Sql<'a> {
    /// Access for one command.
    pub fn new(sql: &'a SqlStorage) -> Self {
        Self {
            sql,
            failure: RefCell::new(None),
        }
    }

    /// The rows of `query`; none (and the error kept) when it fails.
    pub fn run<T: for<'de> Deserialize<'de>>(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> Vec<T> {
        match self
            .sql
            .exec(query, bindings)
            .and_then(|cursor| cursor.to_array::<T>())
        {
            Ok(rows) => rows,
            Err(error) => {
                self.failure
                    .borrow_mut()
                    .get_or_insert_with(|| error.to_string());
                Vec::new()
            }
        }
    }

    /// The first storage error, if any.
    pub fn failure(self) -> Option<String> {
        self.failure.into_inner()
    }
}

/// SQLite integers arrive as JS numbers; ours are far below 2^53.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn int(value: f64) -> i64 {
    value as i64
}
