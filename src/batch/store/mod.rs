//! The batch store: one schema (apps, chart labels, runs, failures, SDKs and
//! their categories, endpoints, identifier and personal-data reads,
//! permissions, plus each app's full JSON report) written by the same code
//! over two engines: SQLite (embedded, the default) and PostgreSQL (many
//! machines, with a work queue). Runs are keyed by the package's SHA-256,
//! the tool version and the knowledge-base hash; each app is written in one
//! transaction, so a killed batch loses at most the app in flight and never
//! stores one twice.

pub mod postgres;
pub mod sqlite;

use super::inputs::AppInput;
use super::worker::Outcome;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Version of the schema below (kept in `meta`).
pub const SCHEMA_VERSION: &str = "1";

/// A value bound to or read from SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Val {
    /// The text, or `None` for NULL (numbers are formatted).
    pub fn text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::Int(i) => Some(i.to_string()),
            Val::Real(r) => Some(r.to_string()),
            Val::Text(t) => Some(t.clone()),
        }
    }

    /// The integer, or `None`.
    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            Val::Real(r) => Some(*r as i64),
            Val::Text(t) => t.parse().ok(),
            Val::Null => None,
        }
    }

    /// The number, or `None`.
    pub fn real(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Real(r) => Some(*r),
            Val::Text(t) => t.parse().ok(),
            Val::Null => None,
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Self {
        s.map_or(Val::Null, Val::Text)
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}
impl From<Option<i64>> for Val {
    fn from(i: Option<i64>) -> Self {
        i.map_or(Val::Null, Val::Int)
    }
}
impl From<f64> for Val {
    fn from(r: f64) -> Self {
        Val::Real(r)
    }
}

/// What the store needs from an engine. SQL is written with `?`
/// placeholders; engines translate.
pub trait Sql {
    /// Runs several `;`-separated statements without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), String>;
    /// Runs one statement; returns the rows changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, String>;
    /// Runs one query; returns its rows.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, String>;
    /// Integer primary key type with automatic numbering.
    fn serial(&self) -> &'static str;
    /// Type of floating point columns.
    fn real(&self) -> &'static str;
    /// `BEGIN` statement that takes the write lock.
    fn begin(&self) -> &'static str;
}

/// What a run is keyed by besides the package hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolKey {
    pub tool_version: String,
    pub knowledge_sha256: String,
}

impl ToolKey {
    /// The key of this build with the knowledge base in `dir` (`None`: the
    /// built-in one): the tool version and the knowledge hash, as the
    /// report's `tool` section states them.
    pub fn current(dir: Option<&Path>) -> Result<ToolKey, String> {
        let knowledge_sha256 = match dir {
            Some(d) => crate::Knowledge::from_dir(d)
                .map_err(|e| e.to_string())?
                .sha256()
                .to_string(),
            None => crate::Knowledge::embedded()
                .map_err(|e| e.to_string())?
                .sha256()
                .to_string(),
        };
        Ok(ToolKey {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            knowledge_sha256,
        })
    }

    /// [`ToolKey::current`] for runs with `--ip-data DIR`: the IP tables'
    /// hash joins the knowledge hash (`<knowledge>+ip-data:<tables|none>`),
    /// so a rerun with other tables (or none) does not reuse stored reports.
    pub fn with_ip_data(dir: Option<&Path>, ip_data: Option<&Path>) -> Result<ToolKey, String> {
        let mut key = ToolKey::current(dir)?;
        let options = crate::Options {
            ip_data_dir: ip_data.map(Path::to_path_buf),
            ..crate::Options::default()
        };
        if let Some(tables) = crate::pipeline::IpTables::load(&options).map_err(|e| e.0)? {
            key.knowledge_sha256 = format!("{}+ip-data:{}", key.knowledge_sha256, tables.key());
        }
        Ok(key)
    }
}

/// Opens the store named by `--db`: a `postgres://` or `postgresql://` URL,
/// otherwise a SQLite file path.
pub fn open(db: &str) -> Result<Store, String> {
    let sql: Box<dyn Sql> = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Box::new(postgres::Pg::connect(db)?)
    } else {
        Box::new(sqlite::Lite::open(Path::new(db))?)
    };
    Store::new(sql)
}

/// Whether `db` names a PostgreSQL database.
pub fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The store over one engine.
pub struct Store {
    pub(crate) sql: Box<dyn Sql>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
  id {serial}, entry TEXT NOT NULL UNIQUE, path TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS apps_sha256 ON apps (sha256);
CREATE TABLE IF NOT EXISTS chart_labels (
  app BIGINT NOT NULL REFERENCES apps (id), name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (app, name));
CREATE TABLE IF NOT EXISTS runs (
  id {serial}, sha256 TEXT NOT NULL, tool_version TEXT NOT NULL,
  knowledge_sha256 TEXT NOT NULL, status TEXT NOT NULL, package TEXT, name TEXT,
  version_name TEXT, version_code TEXT, platform TEXT, format TEXT, size BIGINT,
  seconds {real}, report TEXT,
  UNIQUE (sha256, tool_version, knowledge_sha256));
CREATE TABLE IF NOT EXISTS failures (
  run BIGINT PRIMARY KEY REFERENCES runs (id), kind TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sdks (
  run BIGINT NOT NULL REFERENCES runs (id), sdk TEXT NOT NULL, name TEXT NOT NULL,
  owner TEXT, owner_country TEXT, state_owned BIGINT);
CREATE INDEX IF NOT EXISTS sdks_run ON sdks (run);
CREATE TABLE IF NOT EXISTS sdk_categories (
  run BIGINT NOT NULL REFERENCES runs (id), sdk TEXT NOT NULL, category TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sdk_categories_run ON sdk_categories (run);
CREATE TABLE IF NOT EXISTS endpoints (
  run BIGINT NOT NULL REFERENCES runs (id), host TEXT NOT NULL, domain TEXT, owner TEXT,
  owner_country TEXT, state_owned BIGINT, sdk TEXT);
CREATE INDEX IF NOT EXISTS endpoints_run ON endpoints (run);
CREATE TABLE IF NOT EXISTS identifier_reads (
  run BIGINT NOT NULL REFERENCES runs (id), kind TEXT NOT NULL, api TEXT NOT NULL,
  category TEXT, sdk TEXT);
CREATE INDEX IF NOT EXISTS identifier_reads_run ON identifier_reads (run);
CREATE TABLE IF NOT EXISTS permissions (
  run BIGINT NOT NULL REFERENCES runs (id), name TEXT NOT NULL, protection TEXT);
CREATE INDEX IF NOT EXISTS permissions_run ON permissions (run);
";

/// The state of a run in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Done,
    Failed,
}

/// One app as stored: its input row, labels and its latest run.
#[derive(Debug, Clone, Default)]
pub struct StoredApp {
    pub path: String,
    pub sha256: String,
    pub labels: Vec<(String, String)>,
    /// Latest run of the package (`None`: not inspected yet).
    pub run: Option<i64>,
}

/// An SDK of a run: (sdk id, name, owner, owner country, state owned).
pub type SdkRow = (String, String, Option<String>, Option<String>, Option<bool>);
/// An endpoint of a run: (host, owner, owner country, state owned, sdk).
pub type EndpointRow = (
    String,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<String>,
);

/// The normalised rows of one run, read back for statistics and export.
#[derive(Debug, Clone, Default)]
pub struct StoredRun {
    pub id: i64,
    pub sha256: String,
    pub status: String,
    pub package: Option<String>,
    pub name: Option<String>,
    pub version_name: Option<String>,
    pub platform: Option<String>,
    pub format: Option<String>,
    pub failure_kind: Option<String>,
    pub failure: Option<String>,
    /// (sdk id, name, owner, owner country, state owned)
    pub sdks: Vec<SdkRow>,
    /// (sdk id, category)
    pub categories: Vec<(String, String)>,
    /// (host, owner, owner country, state owned, sdk)
    pub endpoints: Vec<EndpointRow>,
    /// (kind, api, category, sdk)
    pub reads: Vec<(String, String, Option<String>, Option<String>)>,
    pub permissions: Vec<String>,
}

/// Everything statistics and export read.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub apps: Vec<StoredApp>,
    pub runs: std::collections::BTreeMap<i64, StoredRun>,
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn owner_fields(owner: &Value) -> (Val, Val, Val) {
    (
        s(&owner["name"]).into(),
        s(&owner["country"]).into(),
        owner["state_owned"].as_bool().map(i64::from).into(),
    )
}

/// A run's normalised rows: the query (run id first) and where a row goes.
type RunRows = (&'static str, fn(&mut StoredRun, &[Val]));

const RUN_ROWS: [RunRows; 5] = [
    (
        "SELECT run, sdk, name, owner, owner_country, state_owned FROM sdks ORDER BY run, sdk, name",
        |run, r| {
            run.sdks.push((
                r[0].text().unwrap_or_default(),
                r[1].text().unwrap_or_default(),
                r[2].text(),
                r[3].text(),
                to_bool(&r[4]),
            ))
        },
    ),
    (
        "SELECT run, sdk, category FROM sdk_categories ORDER BY run, sdk, category",
        |run, r| {
            run.categories.push((
                r[0].text().unwrap_or_default(),
                r[1].text().unwrap_or_default(),
            ))
        },
    ),
    (
        "SELECT run, host, owner, owner_country, state_owned, sdk FROM endpoints ORDER BY run, host",
        |run, r| {
            run.endpoints.push((
                r[0].text().unwrap_or_default(),
                r[1].text(),
                r[2].text(),
                to_bool(&r[3]),
                r[4].text(),
            ))
        },
    ),
    (
        "SELECT run, kind, api, category, sdk FROM identifier_reads ORDER BY run, kind, api, category, sdk",
        |run, r| {
            run.reads.push((
                r[0].text().unwrap_or_default(),
                r[1].text().unwrap_or_default(),
                r[2].text(),
                r[3].text(),
            ))
        },
    ),
    (
        "SELECT run, name FROM permissions ORDER BY run, name",
        |run, r| run.permissions.push(r[0].text().unwrap_or_default()),
    ),
];

fn to_bool(v: &Val) -> Option<bool> {
    v.int().map(|i| i != 0)
}

impl Store {
    /// Creates the schema if needed.
    pub fn new(mut sql: Box<dyn Sql>) -> Result<Store, String> {
        let ddl = SCHEMA
            .replace("{serial}", sql.serial())
            .replace("{real}", sql.real());
        sql.batch(&ddl)?;
        sql.exec(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
            &[SCHEMA_VERSION.into()],
        )?;
        let v = sql.query("SELECT value FROM meta WHERE key = 'schema_version'", &[])?;
        let found = v.first().and_then(|r| r.first()).and_then(Val::text);
        if found.as_deref() != Some(SCHEMA_VERSION) {
            return Err(format!(
                "the store has schema version {}, this telltale writes {SCHEMA_VERSION}",
                found.unwrap_or_default()
            ));
        }
        Ok(Store { sql })
    }

    /// The state of the run of `sha256` under `key`, if any.
    pub fn run_state(&mut self, sha256: &str, key: &ToolKey) -> Result<Option<RunState>, String> {
        let rows = self.sql.query(
            "SELECT status FROM runs WHERE sha256 = ? AND tool_version = ? AND knowledge_sha256 = ?",
            &[
                sha256.into(),
                key.tool_version.as_str().into(),
                key.knowledge_sha256.as_str().into(),
            ],
        )?;
        Ok(rows.first().and_then(|r| r.first()).map(|v| {
            if v.text().as_deref() == Some("ok") {
                RunState::Done
            } else {
                RunState::Failed
            }
        }))
    }

    /// Removes a failed run so it is tried again.
    pub fn forget_failed(&mut self, sha256: &str, key: &ToolKey) -> Result<(), String> {
        let params = [
            sha256.into(),
            key.tool_version.as_str().into(),
            key.knowledge_sha256.as_str().into(),
        ];
        let begin = self.sql.begin();
        self.sql.batch(begin)?;
        let r = (|| {
            let sub = "(SELECT id FROM runs WHERE sha256 = ? AND tool_version = ? AND knowledge_sha256 = ? AND status = 'failed')";
            for t in [
                "failures",
                "sdks",
                "sdk_categories",
                "endpoints",
                "identifier_reads",
                "permissions",
            ] {
                self.sql
                    .exec(&format!("DELETE FROM {t} WHERE run IN {sub}"), &params)?;
            }
            self.sql.exec(
                "DELETE FROM runs WHERE sha256 = ? AND tool_version = ? AND knowledge_sha256 = ? AND status = 'failed'",
                &params,
            )?;
            Ok(())
        })();
        self.end(r)
    }

    fn end<T>(&mut self, r: Result<T, String>) -> Result<T, String> {
        match r {
            Ok(v) => {
                self.sql.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.sql.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Records input rows (path → package hash, labels), in one transaction.
    pub fn save_apps(&mut self, apps: &[(&AppInput, String)]) -> Result<(), String> {
        let begin = self.sql.begin();
        self.sql.batch(begin)?;
        let r = apps.iter().try_for_each(|(a, sha)| self.upsert_app(a, sha));
        self.end(r)
    }

    fn upsert_app(&mut self, app: &AppInput, sha256: &str) -> Result<(), String> {
        // One row per path and set of labels: the same file in two chart
        // rows (two countries) is two apps of the chart.
        let path = app.path.display().to_string();
        let mut entry = path.clone();
        for (k, v) in &app.labels {
            entry.push_str(&format!("\u{1f}{k}={v}"));
        }
        self.sql.exec(
            "INSERT INTO apps (entry, path, sha256) VALUES (?, ?, ?) ON CONFLICT (entry) DO UPDATE SET sha256 = excluded.sha256",
            &[entry.as_str().into(), path.as_str().into(), sha256.into()],
        )?;
        let id = self
            .sql
            .query(
                "SELECT id FROM apps WHERE entry = ?",
                &[entry.as_str().into()],
            )?
            .first()
            .and_then(|r| r.first())
            .and_then(Val::int)
            .ok_or("app row vanished")?;
        for (name, value) in &app.labels {
            self.sql.exec(
                "INSERT INTO chart_labels (app, name, value) VALUES (?, ?, ?) ON CONFLICT (app, name) DO UPDATE SET value = excluded.value",
                &[id.into(), name.as_str().into(), value.as_str().into()],
            )?;
        }
        Ok(())
    }

    /// Stores one run with its normalised rows and the input rows that name
    /// it, in one transaction. Returns `false` when the run was already
    /// stored (another worker finished it first); nothing is written then.
    /// `extra` runs inside the same transaction (the queue marks its job).
    pub fn save_run(
        &mut self,
        apps: &[(&AppInput, String)],
        sha256: &str,
        key: &ToolKey,
        outcome: &Outcome,
        extra: Option<(&str, &[Val])>,
    ) -> Result<bool, String> {
        let begin = self.sql.begin();
        self.sql.batch(begin)?;
        let r = self.save_run_inner(apps, sha256, key, outcome, extra);
        self.end(r)
    }

    fn save_run_inner(
        &mut self,
        apps: &[(&AppInput, String)],
        sha256: &str,
        key: &ToolKey,
        outcome: &Outcome,
        extra: Option<(&str, &[Val])>,
    ) -> Result<bool, String> {
        for (a, sha) in apps {
            self.upsert_app(a, sha)?;
        }
        if let Some((sql, params)) = extra {
            self.sql.exec(sql, params)?;
        }
        let (status, report, seconds) = match outcome {
            Outcome::Report { json, seconds } => {
                let v: Value = serde_json::from_str(json).map_err(|e| format!("report: {e}"))?;
                ("ok", Some((v, json.as_str())), *seconds)
            }
            Outcome::Failed { seconds, .. } => ("failed", None, *seconds),
        };
        let field = |p: &str| -> Val {
            report
                .as_ref()
                .and_then(|(v, _)| v.pointer(p))
                .and_then(|x| match x {
                    Value::String(t) => Some(Val::Text(t.clone())),
                    Value::Number(n) => n.as_i64().map(Val::Int),
                    _ => None,
                })
                .unwrap_or(Val::Null)
        };
        let inserted = self.sql.query(
            "INSERT INTO runs (sha256, tool_version, knowledge_sha256, status, package, name, version_name, version_code, platform, format, size, seconds, report)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (sha256, tool_version, knowledge_sha256) DO NOTHING RETURNING id",
            &[
                sha256.into(),
                key.tool_version.as_str().into(),
                key.knowledge_sha256.as_str().into(),
                status.into(),
                field("/app/id"),
                field("/app/name"),
                field("/app/version_name"),
                field("/app/version_code"),
                field("/app/platform"),
                field("/input/format"),
                field("/input/size"),
                seconds.into(),
                report.as_ref().map(|(_, j)| j.to_string()).into(),
            ],
        )?;
        let Some(run) = inserted.first().and_then(|r| r.first()).and_then(Val::int) else {
            return Ok(false);
        };
        if let Outcome::Failed { kind, reason, .. } = outcome {
            self.sql.exec(
                "INSERT INTO failures (run, kind, reason) VALUES (?, ?, ?)",
                &[run.into(), kind.as_str().into(), reason.as_str().into()],
            )?;
        }
        if let Some((v, _)) = &report {
            self.save_rows(run, v)?;
        }
        Ok(true)
    }

    fn save_rows(&mut self, run: i64, v: &Value) -> Result<(), String> {
        let empty = Vec::new();
        let list = |k: &str| v[k].as_array().unwrap_or(&empty).clone();
        for sdk in list("sdks") {
            let (o, c, so) = owner_fields(&sdk["owner"]);
            let id = s(&sdk["id"]).unwrap_or_default();
            self.sql.exec(
                "INSERT INTO sdks (run, sdk, name, owner, owner_country, state_owned) VALUES (?, ?, ?, ?, ?, ?)",
                &[run.into(), id.as_str().into(), s(&sdk["name"]).unwrap_or_default().into(), o, c, so],
            )?;
            for cat in sdk["categories"].as_array().unwrap_or(&empty) {
                if let Some(cat) = cat.as_str() {
                    self.sql.exec(
                        "INSERT INTO sdk_categories (run, sdk, category) VALUES (?, ?, ?)",
                        &[run.into(), id.as_str().into(), cat.into()],
                    )?;
                }
            }
        }
        for e in list("endpoints") {
            let (o, c, so) = owner_fields(&e["owner"]);
            self.sql.exec(
                "INSERT INTO endpoints (run, host, domain, owner, owner_country, state_owned, sdk) VALUES (?, ?, ?, ?, ?, ?, ?)",
                &[run.into(), s(&e["host"]).unwrap_or_default().into(), s(&e["domain"]).into(), o, c, so, s(&e["sdk"]).into()],
            )?;
        }
        for (field, kind) in [
            ("identifier_apis", "identifier"),
            ("personal_data", "personal-data"),
            ("personal_data_apis", "personal-data"),
        ] {
            for r in list(field) {
                let api = s(&r["api"]).or_else(|| s(&r["name"])).unwrap_or_default();
                self.sql.exec(
                    "INSERT INTO identifier_reads (run, kind, api, category, sdk) VALUES (?, ?, ?, ?, ?)",
                    &[run.into(), kind.into(), api.into(), s(&r["category"]).into(), s(&r["sdk"]).into()],
                )?;
            }
        }
        for p in list("permissions") {
            self.sql.exec(
                "INSERT INTO permissions (run, name, protection) VALUES (?, ?, ?)",
                &[
                    run.into(),
                    s(&p["name"]).unwrap_or_default().into(),
                    s(&p["protection"]).into(),
                ],
            )?;
        }
        Ok(())
    }

    /// Reads every app with its latest run's normalised rows.
    pub fn load(&mut self) -> Result<Dataset, String> {
        let latest = self.latest_runs()?;
        let apps = self.load_apps(&latest)?;
        let wanted: BTreeSet<i64> = latest.values().copied().collect();
        let mut runs = self.load_runs(&wanted)?;
        for (sql, add) in RUN_ROWS {
            for r in self.sql.query(sql, &[])? {
                if let Some(run) = r
                    .first()
                    .and_then(Val::int)
                    .and_then(|id| runs.get_mut(&id))
                {
                    add(run, &r[1..]);
                }
            }
        }
        Ok(Dataset { apps, runs })
    }

    /// The latest run id of each package hash.
    fn latest_runs(&mut self) -> Result<BTreeMap<String, i64>, String> {
        Ok(self
            .sql
            .query("SELECT sha256, MAX(id) FROM runs GROUP BY sha256", &[])?
            .into_iter()
            .filter_map(|r| Some((r.first()?.text()?, r.get(1)?.int()?)))
            .collect())
    }

    /// Every app (by path and entry) with its chart labels and latest run.
    fn load_apps(&mut self, latest: &BTreeMap<String, i64>) -> Result<Vec<StoredApp>, String> {
        let mut labels: BTreeMap<i64, Vec<(String, String)>> = Default::default();
        for r in self.sql.query(
            "SELECT app, name, value FROM chart_labels ORDER BY app, name",
            &[],
        )? {
            if let (Some(a), Some(n), Some(v)) = (r[0].int(), r[1].text(), r[2].text()) {
                labels.entry(a).or_default().push((n, v));
            }
        }
        let mut apps = Vec::new();
        for r in self.sql.query(
            "SELECT id, path, sha256 FROM apps ORDER BY path, entry",
            &[],
        )? {
            let id = r[0].int().unwrap_or_default();
            let sha = r[2].text().unwrap_or_default();
            apps.push(StoredApp {
                path: r[1].text().unwrap_or_default(),
                run: latest.get(&sha).copied(),
                sha256: sha,
                labels: labels.remove(&id).unwrap_or_default(),
            });
        }
        Ok(apps)
    }

    /// The runs `wanted`, with their status and failure, rows not yet read.
    fn load_runs(&mut self, wanted: &BTreeSet<i64>) -> Result<BTreeMap<i64, StoredRun>, String> {
        let mut runs = BTreeMap::new();
        for r in self.sql.query(
            "SELECT r.id, r.sha256, r.status, r.package, r.name, r.version_name, r.platform, r.format, f.kind, f.reason
             FROM runs r LEFT JOIN failures f ON f.run = r.id ORDER BY r.id",
            &[],
        )? {
            let id = r[0].int().unwrap_or_default();
            if !wanted.contains(&id) {
                continue;
            }
            runs.insert(
                id,
                StoredRun {
                    id,
                    sha256: r[1].text().unwrap_or_default(),
                    status: r[2].text().unwrap_or_default(),
                    package: r[3].text(),
                    name: r[4].text(),
                    version_name: r[5].text(),
                    platform: r[6].text(),
                    format: r[7].text(),
                    failure_kind: r[8].text(),
                    failure: r[9].text(),
                    ..StoredRun::default()
                },
            );
        }
        Ok(runs)
    }

    /// The stored JSON report of run `id`.
    pub fn report(&mut self, id: i64) -> Result<Option<String>, String> {
        Ok(self
            .sql
            .query("SELECT report FROM runs WHERE id = ?", &[id.into()])?
            .first()
            .and_then(|r| r.first())
            .and_then(Val::text))
    }

    /// Counts rows of `table` (tests and summaries).
    pub fn count(&mut self, table: &str) -> Result<i64, String> {
        let rows = self
            .sql
            .query(&format!("SELECT COUNT(*) FROM {table}"), &[])?;
        Ok(rows
            .first()
            .and_then(|r| r.first())
            .and_then(Val::int)
            .unwrap_or(0))
    }
}
