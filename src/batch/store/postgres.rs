//! The PostgreSQL engine of the store (sync `postgres` client, no TLS: use
//! it on a trusted network or through a tunnel) and the work queue that lets
//! workers on many machines share one chart: jobs are claimed with
//! `SELECT … FOR UPDATE SKIP LOCKED` under a lease that expires, so the
//! jobs of a killed worker return to the queue.

use super::{Sql, Store, ToolKey, Val};
use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::error::Error;

/// A connection to a PostgreSQL store.
pub struct Pg {
    client: postgres::Client,
}

impl Pg {
    /// Connects to `url` (`postgres://user@host:port/db`).
    pub fn connect(url: &str) -> Result<Pg, String> {
        let client = postgres::Client::connect(url, postgres::NoTls)
            .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        Ok(Pg { client })
    }
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Val::Int(i) if *ty == Type::FLOAT8 => (*i as f64).to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Real(r) => r.to_sql(ty, out),
            Val::Text(t) => t.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// `?` placeholders as `$1`, `$2`, … (the store's SQL has no `?` in literals).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

fn cell(row: &postgres::Row, i: usize) -> Val {
    let Some(col) = row.columns().get(i) else {
        return Val::Null;
    };
    let ty = col.type_().clone();
    let v = if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)
            .ok()
            .flatten()
            .map(Val::Int)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)
            .ok()
            .flatten()
            .map(|x| Val::Int(x.into()))
    } else if ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)
            .ok()
            .flatten()
            .map(|x| Val::Int(x.into()))
    } else if ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)
            .ok()
            .flatten()
            .map(Val::Real)
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)
            .ok()
            .flatten()
            .map(|b| Val::Int(b.into()))
    } else {
        row.try_get::<_, Option<String>>(i)
            .ok()
            .flatten()
            .map(Val::Text)
    };
    v.unwrap_or(Val::Null)
}

impl Sql for Pg {
    fn batch(&mut self, sql: &str) -> Result<(), String> {
        self.client.batch_execute(sql).map_err(|e| e.to_string())
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, String> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.client
            .execute(numbered(sql).as_str(), &refs)
            .map_err(|e| e.to_string())
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, String> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = self
            .client
            .query(numbered(sql).as_str(), &refs)
            .map_err(|e| e.to_string())?;
        Ok(rows
            .iter()
            .map(|r| (0..r.len()).map(|i| cell(r, i)).collect())
            .collect())
    }

    fn serial(&self) -> &'static str {
        "BIGSERIAL PRIMARY KEY"
    }

    fn real(&self) -> &'static str {
        "DOUBLE PRECISION"
    }

    fn begin(&self) -> &'static str {
        "BEGIN"
    }
}

const QUEUE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS queue (
  id BIGSERIAL PRIMARY KEY, sha256 TEXT NOT NULL, path TEXT NOT NULL,
  tool_version TEXT NOT NULL, knowledge_sha256 TEXT NOT NULL,
  done BIGINT NOT NULL DEFAULT 0, lease_until TIMESTAMPTZ, worker TEXT,
  attempts BIGINT NOT NULL DEFAULT 0,
  UNIQUE (sha256, tool_version, knowledge_sha256));
CREATE INDEX IF NOT EXISTS queue_open ON queue (done, id);
";

/// One claimed job of the queue.
#[derive(Debug, Clone)]
pub struct Claim {
    pub id: i64,
    pub sha256: String,
    pub path: String,
    /// How many times it was claimed, this time included.
    pub attempts: i64,
}

/// How many jobs of the current tool are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueState {
    /// Not done yet.
    pub open: i64,
    /// Not done and leased by a live lease.
    pub leased: i64,
}

/// The work queue (PostgreSQL stores only).
impl Store {
    /// Creates the queue table if needed.
    pub fn ensure_queue(&mut self) -> Result<(), String> {
        self.sql.batch(QUEUE_SCHEMA)
    }

    /// Adds a job unless the same package is queued or stored for `key`;
    /// returns whether it was added.
    pub fn enqueue(&mut self, sha256: &str, path: &str, key: &ToolKey) -> Result<bool, String> {
        if self.run_state(sha256, key)?.is_some() {
            return Ok(false);
        }
        let n = self.sql.exec(
            "INSERT INTO queue (sha256, path, tool_version, knowledge_sha256) VALUES (?, ?, ?, ?)
             ON CONFLICT (sha256, tool_version, knowledge_sha256) DO NOTHING",
            &[
                sha256.into(),
                path.into(),
                key.tool_version.as_str().into(),
                key.knowledge_sha256.as_str().into(),
            ],
        )?;
        Ok(n > 0)
    }

    /// Claims the oldest open job whose lease is free or expired, leasing it
    /// to `worker` for `lease_seconds`.
    pub fn claim(
        &mut self,
        key: &ToolKey,
        worker: &str,
        lease_seconds: f64,
    ) -> Result<Option<Claim>, String> {
        let rows = self.sql.query(
            "UPDATE queue SET lease_until = now() + make_interval(secs => ?), worker = ?, attempts = attempts + 1
             WHERE id = (SELECT id FROM queue
                         WHERE done = 0 AND tool_version = ? AND knowledge_sha256 = ?
                           AND (lease_until IS NULL OR lease_until < now())
                         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING id, sha256, path, attempts",
            &[
                lease_seconds.into(),
                worker.into(),
                key.tool_version.as_str().into(),
                key.knowledge_sha256.as_str().into(),
            ],
        )?;
        Ok(rows.first().and_then(|r| {
            Some(Claim {
                id: r.first()?.int()?,
                sha256: r.get(1)?.text()?,
                path: r.get(2)?.text()?,
                attempts: r.get(3)?.int()?,
            })
        }))
    }

    /// What is left of the queue for `key`.
    pub fn queue_state(&mut self, key: &ToolKey) -> Result<QueueState, String> {
        let rows = self.sql.query(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE lease_until > now()) FROM queue
             WHERE done = 0 AND tool_version = ? AND knowledge_sha256 = ?",
            &[
                key.tool_version.as_str().into(),
                key.knowledge_sha256.as_str().into(),
            ],
        )?;
        let r = rows.first().ok_or("queue state missing")?;
        Ok(QueueState {
            open: r.first().and_then(Val::int).unwrap_or(0),
            leased: r.get(1).and_then(Val::int).unwrap_or(0),
        })
    }
}

/// The statement that marks a job done (run inside the run's transaction).
pub const COMPLETE_JOB: &str = "UPDATE queue SET done = 1, lease_until = NULL WHERE id = ?";

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered() {
        assert_eq!(
            super::numbered("INSERT INTO t (a, b) VALUES (?, ?)"),
            "INSERT INTO t (a, b) VALUES ($1, $2)"
        );
    }
}
