//! Isolation of one app's inspection: the worker side (a hidden `telltale
//! __worker` process that reads one JSON request a line on stdin and answers
//! one JSON line on stdout, under an address-space limit) and the pool side
//! (slots that each drive one worker, enforce the wall-time limit, and turn a
//! crash, hang, out-of-memory or parse failure into a recorded failure before
//! starting a fresh worker).

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The hidden subcommand that runs a worker.
pub const WORKER_COMMAND: &str = "__worker";

/// Test-only switch: `crash:NAME,hang:NAME,oom:NAME,slow:NAME` makes a
/// worker abort, hang, exhaust its memory or wait half a second when asked
/// for a file whose name is NAME (`*`: every file).
pub const FAULT_ENV: &str = "TELLTALE_TEST_WORKER_FAULT";

/// Lines of a dead worker's stderr kept to explain its death.
const STDERR_TAIL_LINES: usize = 8;

#[derive(Serialize, Deserialize)]
struct Request {
    path: PathBuf,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Response {
    /// The JSON report, as `inspect --format json` prints it.
    Report(String),
    /// Why the package could not be inspected.
    Error(String),
}

/// How one app's inspection ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The JSON report.
    Report { json: String, seconds: f64 },
    /// A failure: `kind` is `parse`, `crash`, `timeout`, `out-of-memory`,
    /// `worker` (could not start one) or `lost` (queue leases ran out).
    Failed {
        kind: String,
        reason: String,
        seconds: f64,
    },
}

impl Outcome {
    fn failed(kind: &str, reason: impl Into<String>, started: Instant) -> Self {
        Outcome::Failed {
            kind: kind.into(),
            reason: reason.into(),
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// Limits the address space of this process (bytes).
fn limit_address_space(bytes: u64) -> Result<(), String> {
    let value = libc::rlim_t::try_from(bytes).unwrap_or(libc::RLIM_INFINITY);
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit reads the struct we pass and changes only this
    // process's limit.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

/// Asks the kernel to kill this worker when its parent dies (a batch killed
/// with `kill -9` must not leave hung workers behind).
#[cfg(target_os = "linux")]
fn die_with_parent() {
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and changes
    // only this process's settings.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent() {}

fn injected_fault(path: &Path) {
    let Ok(spec) = std::env::var(FAULT_ENV) else {
        return;
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for item in spec.split(',') {
        let Some((what, target)) = item.split_once(':') else {
            continue;
        };
        if target != name && target != "*" {
            continue;
        }
        match what {
            "crash" => std::process::abort(),
            "hang" => loop {
                std::thread::sleep(Duration::from_secs(3600));
            },
            "slow" => std::thread::sleep(Duration::from_millis(500)),
            "oom" => {
                // 1 TiB: refused at once under the address-space limit.
                let hoard = vec![1u8; 1 << 40];
                std::hint::black_box(hoard);
            }
            _ => {}
        }
    }
}

/// Runs a worker: answers requests on stdin until it closes. Returns the
/// process exit code.
pub fn serve(options: &crate::Options, max_memory_mib: u64) -> i32 {
    die_with_parent();
    if max_memory_mib > 0
        && let Err(e) = limit_address_space(max_memory_mib.saturating_mul(1 << 20))
    {
        eprintln!("telltale worker: cannot limit memory: {e}");
        return 2;
    }
    let owned;
    let knowledge = match &options.knowledge_dir {
        Some(dir) => match crate::Knowledge::from_dir(dir) {
            Ok(k) => {
                owned = k;
                &owned
            }
            Err(e) => {
                eprintln!("telltale worker: {e}");
                return 2;
            }
        },
        None => match crate::Knowledge::embedded() {
            Ok(k) => k,
            Err(e) => {
                eprintln!("telltale worker: {e}");
                return 2;
            }
        },
    };
    let ip_tables = match crate::pipeline::IpTables::load(options) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("telltale worker: {e}");
            return 2;
        }
    };
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return 0 };
        let response = match serde_json::from_str::<Request>(&line) {
            Err(e) => Response::Error(format!("bad request: {e}")),
            Ok(req) => {
                injected_fault(&req.path);
                let result = std::panic::catch_unwind(|| {
                    filed(&req.path, options, knowledge, ip_tables.as_ref())
                });
                match result {
                    Ok(Ok(report)) => Response::Report(crate::report::json::render(&report)),
                    Ok(Err(e)) => Response::Error(e.to_string()),
                    Err(panic) => Response::Error(format!(
                        "inspection panicked: {}",
                        panic
                            .downcast_ref::<String>()
                            .map(String::as_str)
                            .or_else(|| panic.downcast_ref::<&str>().copied())
                            .unwrap_or("unknown")
                    )),
                }
            }
        };
        let Ok(text) = serde_json::to_string(&response) else {
            return 3;
        };
        if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
            return 0;
        }
    }
    0
}

/// The report of `path` as filed (IP owners from `ip_tables`, evidence,
/// provenance), as `inspect` files it.
fn filed(
    path: &Path,
    options: &crate::Options,
    knowledge: &crate::Knowledge,
    ip_tables: Option<&crate::pipeline::IpTables>,
) -> Result<crate::Report, crate::pipeline::InspectError> {
    let crate::pipeline::Inspection { mut report, memos } =
        crate::pipeline::inspect_path_with_memos(path, options, knowledge)?;
    if let Some(t) = ip_tables {
        t.apply(&mut report);
    }
    let clock = crate::evidence::provenance::Clock::from_env(false);
    crate::evidence::provenance::file_report(&mut report, &memos, path, options, clock);
    Ok(report)
}

/// How the pool starts and limits workers.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The `telltale` binary to run as a worker (normally this one).
    pub exe: PathBuf,
    /// Apps inspected at once.
    pub jobs: usize,
    /// Wall-time limit of one app.
    pub timeout: Duration,
    /// Address-space limit of one worker, MiB (0: none).
    pub max_memory_mib: u64,
    /// `--knowledge DIR` handed to every worker.
    pub knowledge_dir: Option<PathBuf>,
    /// `--ip-data DIR` handed to every worker.
    pub ip_data_dir: Option<PathBuf>,
}

/// One app to inspect; `id` comes back with its outcome.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: usize,
    pub path: PathBuf,
}

/// A running pool of worker slots.
pub struct Pool {
    jobs: Option<Sender<Job>>,
    results: Receiver<(usize, Outcome)>,
    slots: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `config.jobs` slots (workers start on their first job).
    pub fn start(config: &PoolConfig) -> Pool {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (res_tx, res_rx) = mpsc::channel();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let slots = (0..config.jobs.max(1))
            .map(|_| {
                let config = config.clone();
                let job_rx = Arc::clone(&job_rx);
                let res_tx = res_tx.clone();
                std::thread::spawn(move || slot(&config, &job_rx, &res_tx))
            })
            .collect();
        Pool {
            jobs: Some(job_tx),
            results: res_rx,
            slots,
        }
    }

    /// Queues one job.
    pub fn submit(&self, job: Job) {
        if let Some(tx) = &self.jobs {
            // The slots only end once `finish` drops the sender.
            let _ = tx.send(job);
        }
    }

    /// Waits for the next outcome (`None` once every slot has ended).
    pub fn next(&self) -> Option<(usize, Outcome)> {
        self.results.recv().ok()
    }

    /// Waits up to `wait` for the next outcome.
    pub fn next_timeout(&self, wait: Duration) -> Option<(usize, Outcome)> {
        self.results.recv_timeout(wait).ok()
    }

    /// No more jobs: the slots end after the queued ones.
    pub fn close(&mut self) {
        self.jobs = None;
    }

    /// Closes the pool and waits for its slots.
    pub fn finish(mut self) {
        self.close();
        for s in self.slots.drain(..) {
            let _ = s.join();
        }
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_reader: Option<JoinHandle<()>>,
}

impl Worker {
    fn spawn(config: &PoolConfig) -> Result<Worker, String> {
        let mut command = Command::new(&config.exe);
        command
            .arg(WORKER_COMMAND)
            .arg("--max-memory-mib")
            .arg(config.max_memory_mib.to_string());
        if let Some(dir) = &config.knowledge_dir {
            command.arg("--knowledge").arg(dir);
        }
        if let Some(dir) = &config.ip_data_dir {
            command.arg("--ip-data").arg(dir);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_BACKTRACE", "0")
            .spawn()
            .map_err(|e| format!("cannot start worker {}: {e}", config.exe.display()))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("worker pipes missing".into());
        };
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr_tail);
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Backtrace frames explain nothing to a reader of the store.
                let t = line.trim_start();
                if t.starts_with("stack backtrace")
                    || t.starts_with("note: ")
                    || t.starts_with("at ")
                    || t.split_once(':')
                        .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
                {
                    continue;
                }
                if let Ok(mut t) = tail.lock() {
                    if t.len() == STDERR_TAIL_LINES {
                        t.pop_front();
                    }
                    t.push_back(line.chars().take(500).collect());
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            lines,
            stderr_tail,
            stderr_reader: Some(stderr_reader),
        })
    }

    /// Kills the worker (if alive) and explains how it ended.
    fn bury(mut self, kill: bool) -> (String, String) {
        if kill {
            let _ = self.child.kill();
        }
        let status = self.child.wait();
        if let Some(r) = self.stderr_reader.take() {
            let _ = r.join();
        }
        let tail: Vec<String> = self
            .stderr_tail
            .lock()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        let tail = tail.join(" | ");
        let oom = tail.contains("memory allocation of") || tail.contains("out of memory");
        let how = match status {
            Ok(s) => describe_status(s),
            Err(e) => format!("worker lost: {e}"),
        };
        let reason = if tail.is_empty() {
            how
        } else {
            format!("{how}: {tail}")
        };
        (
            if oom { "out-of-memory" } else { "crash" }.to_string(),
            reason,
        )
    }
}

fn describe_status(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(sig)) => {
            let name = match sig {
                libc::SIGSEGV => "SIGSEGV",
                libc::SIGABRT => "SIGABRT",
                libc::SIGBUS => "SIGBUS",
                libc::SIGKILL => "SIGKILL",
                libc::SIGILL => "SIGILL",
                libc::SIGFPE => "SIGFPE",
                _ => "signal",
            };
            format!("worker killed by {name} ({sig})")
        }
        (Some(code), _) => format!("worker exited with status {code}"),
        _ => "worker ended".into(),
    }
}

fn ask(
    worker: &mut Worker,
    job: &Job,
    timeout: Duration,
    started: Instant,
) -> Result<Outcome, (bool, Option<Outcome>)> {
    let line = serde_json::to_string(&Request {
        path: job.path.clone(),
    })
    .map_err(|e| {
        (
            false,
            Some(Outcome::failed("worker", e.to_string(), started)),
        )
    })?;
    if writeln!(worker.stdin, "{line}")
        .and_then(|_| worker.stdin.flush())
        .is_err()
    {
        return Err((false, None));
    }
    match worker.lines.recv_timeout(timeout) {
        Ok(answer) => match serde_json::from_str::<Response>(&answer) {
            Ok(Response::Report(json)) => Ok(Outcome::Report {
                json,
                seconds: started.elapsed().as_secs_f64(),
            }),
            Ok(Response::Error(e)) => Ok(Outcome::failed("parse", e, started)),
            Err(e) => Err((
                true,
                Some(Outcome::failed(
                    "crash",
                    format!("unreadable worker answer: {e}"),
                    started,
                )),
            )),
        },
        Err(RecvTimeoutError::Timeout) => Err((
            true,
            Some(Outcome::failed(
                "timeout",
                format!("no result within {} s; worker killed", timeout.as_secs()),
                started,
            )),
        )),
        Err(RecvTimeoutError::Disconnected) => Err((false, None)),
    }
}

fn slot(config: &PoolConfig, jobs: &Mutex<Receiver<Job>>, results: &Sender<(usize, Outcome)>) {
    let mut worker: Option<Worker> = None;
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => break,
        };
        let Ok(job) = job else { break };
        let started = Instant::now();
        let mut w = match worker.take() {
            Some(w) => w,
            None => match Worker::spawn(config) {
                Ok(w) => w,
                Err(e) => {
                    let _ = results.send((job.id, Outcome::failed("worker", e, started)));
                    continue;
                }
            },
        };
        let outcome = match ask(&mut w, &job, config.timeout, started) {
            Ok(o) => {
                worker = Some(w);
                o
            }
            Err((kill, given)) => {
                let (kind, reason) = w.bury(kill);
                given.unwrap_or_else(|| Outcome::failed(&kind, reason, started))
            }
        };
        if results.send((job.id, outcome)).is_err() {
            break;
        }
    }
    if let Some(w) = worker {
        drop(w.stdin);
        let mut child = w.child;
        let _ = child.wait();
    }
}
