//! Many apps at once (`telltale batch`, `stats`, `export`): [`inputs`] turns
//! paths and charts into apps, [`worker`] inspects each in an isolated
//! process, [`store`] keeps results (SQLite, or PostgreSQL with a queue for
//! many machines), [`stats`] and [`export`] read them back. This file runs a
//! batch: hash, skip what the store has, dispatch, record, summarise.

pub mod export;
pub mod inputs;
pub mod stats;
pub mod store;
pub mod worker;

use inputs::AppInput;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};
use store::{RunState, Store, ToolKey};
use worker::{Job, Outcome, Pool, PoolConfig};

/// What one batch run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Inputs named (paths, list lines, chart rows).
    pub apps: usize,
    /// Distinct packages among them.
    pub packages: usize,
    /// Packages inspected now.
    pub inspected: usize,
    /// Of those, failures.
    pub failed: usize,
    /// Packages the store already had (skipped).
    pub skipped: usize,
    /// Of those, stored failures.
    pub skipped_failed: usize,
    pub seconds: f64,
}

impl Summary {
    /// Whether every app of the batch has a report.
    pub fn all_ok(&self) -> bool {
        self.failed == 0 && self.skipped_failed == 0
    }

    /// The one-line summary.
    pub fn line(&self) -> String {
        let rate = if self.seconds > 0.0 {
            self.inspected as f64 * 60.0 / self.seconds
        } else {
            0.0
        };
        format!(
            "{} apps ({} packages): {} inspected, {} failed, {} already stored ({} of them failed) in {:.1} s ({rate:.1} apps/min)",
            self.apps,
            self.packages,
            self.inspected,
            self.failed,
            self.skipped,
            self.skipped_failed,
            self.seconds
        )
    }
}

/// A local batch.
pub struct BatchConfig {
    pub inputs: Vec<AppInput>,
    /// `--db`: a SQLite path or a `postgres://` URL.
    pub db: String,
    pub pool: PoolConfig,
    /// Inspect again packages whose stored run failed.
    pub retry_failed: bool,
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} apps  {per_sec}  ETA {eta}  {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Hashes every input; inputs that cannot be read get a pseudo hash and
/// fail with the reason.
fn hash_inputs(inputs: &[AppInput]) -> Vec<Result<String, String>> {
    inputs
        .iter()
        .map(|a| inputs::content_sha256(&a.path))
        .collect()
}

fn unreadable_key(path: &std::path::Path) -> String {
    format!(
        "unreadable:{}",
        crate::util::sha256_hex(path.display().to_string().as_bytes())
    )
}

/// Runs a batch on this machine.
pub fn run(config: &BatchConfig) -> Result<Summary, String> {
    let started = Instant::now();
    let mut store = store::open(&config.db)?;
    let key = ToolKey::with_ip_data(
        config.pool.knowledge_dir.as_deref(),
        config.pool.ip_data_dir.as_deref(),
    )?;
    let packages = Packages::of(&config.inputs);
    let mut summary = Summary {
        apps: config.inputs.len(),
        packages: packages.order.len(),
        ..Summary::default()
    };
    let todo = packages.to_inspect(&mut store, &key, config, &mut summary)?;
    let apps_of = |sha: &str| apps_named(&packages.names, &config.inputs, sha);
    let bar = progress_bar(todo.len() as u64);
    let mut pool = Pool::start(&config.pool);
    let mut in_flight = 0usize;
    for (id, sha) in todo.iter().enumerate() {
        if let Some(reason) = packages.read_errors.get(sha) {
            let outcome = Outcome::Failed {
                kind: "read".into(),
                reason: reason.clone(),
                seconds: 0.0,
            };
            record(
                &mut store,
                &apps_of(sha),
                sha,
                &key,
                &outcome,
                &mut summary,
                &bar,
            )?;
            continue;
        }
        let first = packages
            .names
            .get(sha)
            .and_then(|v| v.first())
            .copied()
            .unwrap_or(0);
        pool.submit(Job {
            id,
            path: config.inputs[first].path.clone(),
        });
        in_flight += 1;
    }
    pool.close();
    while in_flight > 0 {
        let Some((id, outcome)) = pool.next() else {
            break;
        };
        in_flight -= 1;
        let sha = &todo[id];
        record(
            &mut store,
            &apps_of(sha),
            sha,
            &key,
            &outcome,
            &mut summary,
            &bar,
        )?;
    }
    pool.finish();
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The distinct packages of a batch's inputs, by content hash.
struct Packages {
    /// Hashes in first-seen order.
    order: Vec<String>,
    /// The inputs naming each hash.
    names: HashMap<String, Vec<usize>>,
    /// Why an unreadable input (under its pseudo hash) could not be read.
    read_errors: HashMap<String, String>,
}

impl Packages {
    fn of(inputs: &[AppInput]) -> Packages {
        let mut packages = Packages {
            order: Vec::new(),
            names: HashMap::new(),
            read_errors: HashMap::new(),
        };
        for (i, h) in hash_inputs(inputs).iter().enumerate() {
            let sha = match h {
                Ok(s) => s.clone(),
                Err(e) => {
                    let k = unreadable_key(&inputs[i].path);
                    packages.read_errors.insert(k.clone(), e.clone());
                    k
                }
            };
            let entry = packages.names.entry(sha.clone()).or_default();
            if entry.is_empty() {
                packages.order.push(sha);
            }
            entry.push(i);
        }
        packages
    }

    /// The packages to inspect now: not stored under this tool, or failed
    /// when `--retry-failed` (their failure is forgotten). Apps of the others
    /// are saved and counted as skipped.
    fn to_inspect(
        &self,
        store: &mut Store,
        key: &ToolKey,
        config: &BatchConfig,
        summary: &mut Summary,
    ) -> Result<Vec<String>, String> {
        let mut todo = Vec::new();
        let mut known = Vec::new();
        for sha in &self.order {
            match store.run_state(sha, key)? {
                Some(RunState::Failed) if config.retry_failed => {
                    store.forget_failed(sha, key)?;
                    todo.push(sha.clone());
                }
                Some(state) => {
                    summary.skipped += 1;
                    if state == RunState::Failed {
                        summary.skipped_failed += 1;
                    }
                    known.extend(apps_named(&self.names, &config.inputs, sha));
                }
                None => todo.push(sha.clone()),
            }
        }
        store.save_apps(&known)?;
        Ok(todo)
    }
}

/// The inputs naming package `sha`, paired with it.
fn apps_named<'a>(
    names: &HashMap<String, Vec<usize>>,
    inputs: &'a [AppInput],
    sha: &str,
) -> Vec<(&'a AppInput, String)> {
    names
        .get(sha)
        .map(|v| v.iter().map(|&i| (&inputs[i], sha.to_string())).collect())
        .unwrap_or_default()
}

fn record(
    store: &mut Store,
    apps: &[(&AppInput, String)],
    sha: &str,
    key: &ToolKey,
    outcome: &Outcome,
    summary: &mut Summary,
    bar: &indicatif::ProgressBar,
) -> Result<(), String> {
    store.save_run(apps, sha, key, outcome, None)?;
    summary.inspected += 1;
    if let Outcome::Failed { reason, .. } = outcome {
        summary.failed += 1;
        let path = apps
            .first()
            .map(|(a, _)| a.path.display().to_string())
            .unwrap_or_default();
        let reason = reason.replace('\n', " ");
        let shown = if reason.starts_with(&path) {
            reason
        } else {
            format!("{path}: {reason}")
        };
        bar.suspend(|| eprintln!("telltale: failed: {shown}"));
    }
    bar.set_message(format!("{} failed", summary.failed));
    bar.inc(1);
    Ok(())
}

/// Puts apps on the queue of a PostgreSQL store for `batch --work`.
/// Returns (apps, packages newly queued).
pub fn enqueue(
    db: &str,
    inputs: &[AppInput],
    knowledge_dir: Option<&std::path::Path>,
    ip_data_dir: Option<&std::path::Path>,
) -> Result<(usize, usize), String> {
    if !store::is_postgres(db) {
        return Err("--enqueue needs a PostgreSQL store (--db postgres://…)".into());
    }
    let mut store = store::open(db)?;
    store.ensure_queue()?;
    let key = ToolKey::with_ip_data(knowledge_dir, ip_data_dir)?;
    let mut queued = 0;
    let absolute: Vec<AppInput> = inputs
        .iter()
        .map(|a| AppInput {
            path: std::path::absolute(&a.path).unwrap_or_else(|_| a.path.clone()),
            labels: a.labels.clone(),
        })
        .collect();
    let hashes = hash_inputs(&absolute);
    let mut rows = Vec::new();
    for (a, h) in absolute.iter().zip(&hashes) {
        match h {
            Ok(sha) => rows.push((a, sha.clone())),
            Err(e) => eprintln!("telltale: not queued: {e}"),
        }
    }
    store.save_apps(&rows)?;
    for (a, sha) in &rows {
        if store.enqueue(sha, &a.path.display().to_string(), &key)? {
            queued += 1;
        }
    }
    Ok((inputs.len(), queued))
}

/// How a queue worker runs.
pub struct WorkConfig {
    pub db: String,
    pub pool: PoolConfig,
    /// How long a claimed job stays leased.
    pub lease: Duration,
    /// Claims after which a job that keeps losing its worker is recorded as failed.
    pub max_attempts: i64,
    /// Name of this worker in the queue.
    pub worker: String,
}

/// Works on the queue of a PostgreSQL store until it is empty.
pub fn work(config: &WorkConfig) -> Result<Summary, String> {
    if !store::is_postgres(&config.db) {
        return Err("--work needs a PostgreSQL store (--db postgres://…)".into());
    }
    let started = Instant::now();
    let mut store = store::open(&config.db)?;
    store.ensure_queue()?;
    let key = ToolKey::with_ip_data(
        config.pool.knowledge_dir.as_deref(),
        config.pool.ip_data_dir.as_deref(),
    )?;
    let mut summary = Summary::default();
    let bar = progress_bar(0);
    let mut pool = Pool::start(&config.pool);
    let mut claims: HashMap<usize, store::postgres::Claim> = HashMap::new();
    let mut next_id = 0usize;
    let slots = config.pool.jobs.max(1);
    loop {
        while claims.len() < slots {
            let Some(claim) = store.claim(&key, &config.worker, config.lease.as_secs_f64())? else {
                break;
            };
            if claim.attempts > config.max_attempts {
                let outcome = Outcome::Failed {
                    kind: "lost".into(),
                    reason: format!(
                        "given up after {} claims: its workers died or were killed",
                        claim.attempts - 1
                    ),
                    seconds: 0.0,
                };
                finish_claim(&mut store, &claim, &key, &outcome, &mut summary, &bar)?;
                continue;
            }
            summary.apps += 1;
            summary.packages += 1;
            bar.inc_length(1);
            pool.submit(Job {
                id: next_id,
                path: claim.path.clone().into(),
            });
            claims.insert(next_id, claim);
            next_id += 1;
        }
        if claims.is_empty() {
            let state = store.queue_state(&key)?;
            if state.open == 0 {
                break;
            }
            // Only jobs leased by others are left: wait for them to finish
            // or for their leases to expire.
            std::thread::sleep(Duration::from_millis(500));
            continue;
        }
        if let Some((id, outcome)) = pool.next_timeout(Duration::from_millis(500))
            && let Some(claim) = claims.remove(&id)
        {
            finish_claim(&mut store, &claim, &key, &outcome, &mut summary, &bar)?;
        }
    }
    pool.close();
    pool.finish();
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn finish_claim(
    store: &mut Store,
    claim: &store::postgres::Claim,
    key: &ToolKey,
    outcome: &Outcome,
    summary: &mut Summary,
    bar: &indicatif::ProgressBar,
) -> Result<(), String> {
    let params = [store::Val::Int(claim.id)];
    let stored = store.save_run(
        &[],
        &claim.sha256,
        key,
        outcome,
        Some((store::postgres::COMPLETE_JOB, &params)),
    )?;
    if !stored {
        summary.skipped += 1;
    } else {
        summary.inspected += 1;
        if let Outcome::Failed { reason, .. } = outcome {
            summary.failed += 1;
            bar.suspend(|| eprintln!("telltale: {}: {}", claim.path, reason.replace('\n', " ")));
        }
    }
    bar.set_message(format!("{} failed", summary.failed));
    bar.inc(1);
    Ok(())
}
