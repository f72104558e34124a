//! `telltale batch` with a PostgreSQL store and its queue, against a real
//! server each test starts itself (Debian's `postgresql`: `initdb` in a temp
//! folder, `pg_ctl` on a private loopback port, stopped afterwards). Skips
//! with a message when the PostgreSQL binaries are absent.

mod common;

use common::postgres::server;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FAULT_ENV: &str = "TELLTALE_TEST_WORKER_FAULT";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn telltale(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telltale"));
    c.args(args).current_dir(root()).env_remove(FAULT_ENV);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telltale"));
    c.args(args)
        .current_dir(root())
        .env_remove(FAULT_ENV)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

fn finish(child: Child) -> String {
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder of 8 packages under 9 names (basic.apk twice).
fn apps(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("telltale-pg-apps-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for (from, to) in [
        ("basic.apk", "basic.apk"),
        ("basic.apk", "basic-again.apk"),
        ("sdk-planted.apk", "sdk-planted.apk"),
        ("target31.apk", "target31.apk"),
        ("unsigned.apk", "unsigned.apk"),
        ("nested.apk", "nested.apk"),
        ("splits.apks", "splits.apks"),
        ("splits.xapk", "splits.xapk"),
    ] {
        std::fs::copy(root().join("samples").join(from), d.join(to)).unwrap();
    }
    // One input that cannot be inspected (a bare DEX now can).
    std::fs::write(d.join("broken.apk"), "not a package").unwrap();
    d
}

/// The number of apps a worker's summary says it inspected.
fn inspected(summary: &str) -> i64 {
    summary
        .lines()
        .rev()
        .find_map(|l| {
            let (_, rest) = l.split_once("packages): ")?;
            rest.split_once(" inspected")?.0.parse().ok()
        })
        .unwrap_or_else(|| panic!("no summary in {summary}"))
}

#[test]
fn two_workers_share_one_queue_and_do_every_app_once() {
    let Some(pg) = server("two") else { return };
    let dir = apps("two");
    let (code, err) = telltale(
        &[
            "batch",
            "--enqueue",
            dir.to_str().unwrap(),
            "--db",
            &pg.url,
            "--label",
            "country=DE",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("9 apps: 8 packages queued"), "{err}");
    // Enqueueing again adds nothing.
    let (_, err) = telltale(
        &[
            "batch",
            "--enqueue",
            dir.to_str().unwrap(),
            "--db",
            &pg.url,
            "--label",
            "country=DE",
        ],
        &[],
    );
    assert!(err.contains("0 packages queued"), "{err}");
    let work = ["batch", "--work", "--db", &pg.url, "--jobs", "1"];
    let a = spawn(&work, &[(FAULT_ENV, "slow:*")]);
    let b = spawn(&work, &[(FAULT_ENV, "slow:*")]);
    let (a, b) = (finish(a), finish(b));
    let (ia, ib) = (inspected(&a), inspected(&b));
    assert_eq!(ia + ib, 8, "{a}\n{b}");
    assert!(ia > 0 && ib > 0, "both workers took apps: {a}\n{b}");
    assert_eq!(pg.count("SELECT COUNT(*) FROM runs"), 8);
    assert_eq!(pg.count("SELECT COUNT(*) FROM queue WHERE done = 0"), 0);
    assert_eq!(
        pg.count("SELECT COUNT(*) FROM queue WHERE attempts <> 1"),
        0
    );
    assert_eq!(pg.count("SELECT COUNT(*) FROM apps"), 9);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn killed_worker_leases_expire_and_the_other_finishes() {
    let Some(pg) = server("kill") else { return };
    let dir = apps("kill");
    let (code, err) = telltale(
        &["batch", "--enqueue", dir.to_str().unwrap(), "--db", &pg.url],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let work = [
        "batch", "--work", "--db", &pg.url, "--jobs", "1", "--lease", "2",
    ];
    let mut a = spawn(&work, &[(FAULT_ENV, "slow:*")]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while pg.count("SELECT COUNT(*) FROM queue WHERE done = 1") < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: SIGKILL to the worker we spawned.
    unsafe {
        libc::kill(a.id() as i32, libc::SIGKILL);
    }
    a.wait().unwrap();
    let done_by_a = pg.count("SELECT COUNT(*) FROM runs");
    assert!(done_by_a < 8);
    let leased = pg.count("SELECT COUNT(*) FROM queue WHERE done = 0 AND lease_until IS NOT NULL");
    assert_eq!(leased, 1, "the killed worker held one lease");
    let b = finish(spawn(&work, &[]));
    assert_eq!(inspected(&b), 8 - done_by_a, "{b}");
    assert_eq!(pg.count("SELECT COUNT(*) FROM runs"), 8);
    assert_eq!(pg.count("SELECT COUNT(*) FROM queue WHERE done = 0"), 0);
    assert_eq!(pg.count("SELECT COUNT(*) FROM queue WHERE attempts = 2"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn sqlite_path(dir: &Path) -> String {
    dir.join("s.sqlite").to_str().unwrap().to_string()
}

#[test]
fn sqlite_and_postgres_give_the_same_stats() {
    let Some(pg) = server("same") else { return };
    let dir = apps("same");
    let out = std::env::temp_dir().join(format!("telltale-pg-same-db-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let lite = sqlite_path(&out);
    let d = dir.to_str().unwrap();
    let (code, err) = telltale(&["batch", d, "--db", &lite, "--label", "country=DE"], &[]);
    assert_eq!(code, 2, "broken.apk fails: {err}");
    let (code, err) = telltale(
        &[
            "batch",
            "--enqueue",
            d,
            "--db",
            &pg.url,
            "--label",
            "country=DE",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (_, err) = telltale(&["batch", "--work", "--db", &pg.url], &[]);
    assert!(err.contains("8 inspected, 1 failed"), "{err}");
    for args in [
        &["--format", "json"][..],
        &["--by", "country", "--format", "csv"][..],
        &[][..],
    ] {
        let stats = |db: &str| {
            let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
                .args(["stats", db])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout).unwrap()
        };
        assert_eq!(stats(&lite), stats(&pg.url), "{args:?}");
    }
    // A local batch into PostgreSQL skips what the queue workers stored.
    let (_, err) = telltale(&["batch", d, "--db", &pg.url], &[]);
    assert!(
        err.contains("0 inspected, 0 failed, 8 already stored"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}
