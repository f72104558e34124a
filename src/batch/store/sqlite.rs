//! The SQLite engine of the store (bundled SQLite through `rusqlite`): one
//! file, write-ahead log, a busy timeout so `stats` can read while a batch
//! writes.

use super::{Sql, Val};
use rusqlite::types::{ToSqlOutput, Value as LiteValue, ValueRef};
use std::path::Path;

/// An open SQLite store file.
pub struct Lite {
    conn: rusqlite::Connection,
}

impl Lite {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> Result<Lite, String> {
        let conn =
            rusqlite::Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| e.to_string())?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| format!("{}: {e}", path.display()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| e.to_string())?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| e.to_string())?;
        Ok(Lite { conn })
    }
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Null => ToSqlOutput::Owned(LiteValue::Null),
            Val::Int(i) => ToSqlOutput::Owned(LiteValue::Integer(*i)),
            Val::Real(r) => ToSqlOutput::Owned(LiteValue::Real(*r)),
            Val::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

fn val(v: ValueRef<'_>) -> Val {
    match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Real(r) => Val::Real(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
    }
}

impl Sql for Lite {
    fn batch(&mut self, sql: &str) -> Result<(), String> {
        self.conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, String> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        st.execute(rusqlite::params_from_iter(params.iter()))
            .map(|n| n as u64)
            .map_err(|e| e.to_string())
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, String> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        let n = st.column_count();
        let mut rows = st
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            let mut r = Vec::with_capacity(n);
            for i in 0..n {
                r.push(val(row.get_ref(i).map_err(|e| e.to_string())?));
            }
            out.push(r);
        }
        Ok(out)
    }

    fn serial(&self) -> &'static str {
        "INTEGER PRIMARY KEY"
    }

    fn real(&self) -> &'static str {
        "REAL"
    }

    fn begin(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }
}
