//! `telltale batch`, `stats` and `export` with the SQLite store: worker
//! isolation (crash, hang, out-of-memory injected through the test-only
//! switch), resuming after `kill -9`, charts and labels, `inspect DIR`
//! refusing a folder of unrelated apps, and a batch over ../shared/corpus.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FAULT_ENV: &str = "TELLTALE_TEST_WORKER_FAULT";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("telltale-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn telltale(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telltale"));
    c.args(args).current_dir(root()).env_remove(FAULT_ENV);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run telltale");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn copy(sample: &str, to: &Path) {
    std::fs::copy(root().join("samples").join(sample), to).unwrap();
}

#[test]
fn hostile_workers_become_failures_and_rerun_skips() {
    let dir = tmp("hostile");
    let apps = dir.join("apps");
    std::fs::create_dir(&apps).unwrap();
    copy("basic.apk", &apps.join("basic.apk"));
    copy("basic.apk", &apps.join("basic-again.apk"));
    copy("sdk-planted.apk", &apps.join("sdk-planted.apk"));
    copy("target31.apk", &apps.join("crash.apk"));
    copy("unsigned.apk", &apps.join("hang.apk"));
    copy("nested.apk", &apps.join("oom.apk"));
    std::fs::write(apps.join("notes.txt"), "not a package").unwrap();
    let store = dir.join("r.sqlite");
    let store_s = store.to_str().unwrap();
    let args = [
        "batch",
        apps.to_str().unwrap(),
        "--db",
        store_s,
        "--jobs",
        "2",
        "--timeout",
        "3",
        "--max-memory-mib",
        "1024",
    ];
    let fault = [(FAULT_ENV, "crash:crash.apk,hang:hang.apk,oom:oom.apk")];
    let started = Instant::now();
    let (code, out, err) = telltale(&args, &fault);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(
        err.contains("7 apps (6 packages): 6 inspected, 4 failed"),
        "{err}"
    );
    let conn = db(&store);
    let kind = |name: &str| -> (String, String) {
        conn.query_row(
            "SELECT f.kind, f.reason FROM apps a JOIN runs r ON r.sha256 = a.sha256 JOIN failures f ON f.run = r.id WHERE a.path LIKE ?",
            [format!("%/{name}")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (k, reason) = kind("crash.apk");
    assert_eq!(k, "crash");
    assert!(reason.contains("SIGABRT"), "{reason}");
    let (k, reason) = kind("hang.apk");
    assert_eq!(k, "timeout");
    assert!(reason.contains("3 s"), "{reason}");
    let (k, reason) = kind("oom.apk");
    assert_eq!(k, "out-of-memory", "{reason}");
    assert_eq!(kind("notes.txt").0, "parse");
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM apps"), 7);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM runs"), 6);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"),
        2
    );
    assert!(count(&conn, "SELECT COUNT(*) FROM sdks") > 0);
    // The full report is stored as `inspect --format json` prints it.
    let report: String = conn
        .query_row(
            "SELECT r.report FROM apps a JOIN runs r ON r.sha256 = a.sha256 WHERE a.path LIKE '%/sdk-planted.apk'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (_, inspected, _) = telltale(
        &["inspect", "--format", "json", "samples/sdk-planted.apk"],
        &[],
    );
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v["input"]["path"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&report), strip(&inspected));

    // A rerun (even with the faults gone) skips what is stored.
    let (code, _, err) = telltale(&args, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("0 inspected, 0 failed, 6 already stored (4 of them failed)"),
        "{err}"
    );
    // --retry-failed inspects the failures again.
    let mut retry = args.to_vec();
    retry.push("--retry-failed");
    let (code, _, err) = telltale(&retry, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("4 inspected, 1 failed"), "{err}");
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM runs"), 6);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM failures"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every table's row count, for comparing stores.
fn table_counts(conn: &rusqlite::Connection) -> Vec<(String, i64)> {
    [
        "apps",
        "chart_labels",
        "runs",
        "failures",
        "sdks",
        "sdk_categories",
        "endpoints",
        "identifier_reads",
        "permissions",
    ]
    .iter()
    .map(|t| {
        (
            t.to_string(),
            count(conn, &format!("SELECT COUNT(*) FROM {t}")),
        )
    })
    .collect()
}

#[test]
fn kill_dash_nine_mid_batch_loses_nothing_and_stores_nothing_twice() {
    let dir = tmp("kill");
    let store = dir.join("killed.sqlite");
    let clean = dir.join("clean.sqlite");
    let samples = root().join("samples");
    let base = [
        "batch",
        samples.to_str().unwrap(),
        "--jobs",
        "1",
        "--label",
        "run=test",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(base)
        .args(["--db", store.to_str().unwrap()])
        .env(FAULT_ENV, "slow:*")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some apps are stored, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let stored = rusqlite::Connection::open(&store)
            .ok()
            .and_then(|c| {
                c.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get::<_, i64>(0))
                    .ok()
            })
            .unwrap_or(0);
        if stored >= 3 || Instant::now() > deadline {
            break;
        }
    }
    // SAFETY: sends SIGKILL to the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGKILL);
    }
    child.wait().unwrap();
    let partial = count(&db(&store), "SELECT COUNT(*) FROM runs");
    let (_, _, err) = telltale(
        &[&base[..], &["--db", store.to_str().unwrap()]].concat(),
        &[],
    );
    assert!(
        err.contains(&format!("{partial} already stored")),
        "{partial}: {err}"
    );
    let (_, _, err) = telltale(
        &[&base[..], &["--db", clean.to_str().unwrap()]].concat(),
        &[],
    );
    assert!(err.contains("0 already stored"), "{err}");
    let (killed, clean) = (db(&store), db(&clean));
    assert!(partial > 0 && partial < count(&clean, "SELECT COUNT(*) FROM runs"));
    assert_eq!(table_counts(&killed), table_counts(&clean));
    assert_eq!(
        count(
            &killed,
            "SELECT COUNT(*) FROM apps a WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.sha256 = a.sha256)"
        ),
        0
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn chart_labels_stats_and_export() {
    let dir = tmp("chart");
    let chart = dir.join("chart.csv");
    let s = root().join("samples");
    std::fs::write(
        &chart,
        format!(
            "rank,store,country,app_id,path\n1,play,DE,org.a,{0}/basic.apk\n2,play,DE,org.b,{0}/sdk-planted.apk\n1,play,FR,org.b,{0}/sdk-planted.apk\n2,play,FR,org.c,{0}/target31.apk\n",
            s.display()
        ),
    )
    .unwrap();
    let store = dir.join("c.sqlite");
    let store_s = store.to_str().unwrap();
    let (code, _, err) = telltale(
        &["batch", "--chart", chart.to_str().unwrap(), "--db", store_s],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("4 apps (3 packages): 3 inspected, 0 failed"),
        "{err}"
    );
    let (code, text, err) = telltale(&["stats", store_s], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("== all apps (3 inspected, 0 failed, 0 pending) =="),
        "{text}"
    );
    let (_, json, _) = telltale(
        &["stats", store_s, "--by", "country", "--format", "json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["by"], "country");
    let groups: Vec<(&str, u64)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["label"].as_str().unwrap(), g["apps"].as_u64().unwrap()))
        .collect();
    assert_eq!(groups, [("DE", 2), ("FR", 2)]);
    let (_, csv, _) = telltale(&["stats", store_s, "--format", "csv"], &[]);
    assert!(csv.starts_with("group,section,key,detail,apps,share\n"));
    let (_, html, _) = telltale(
        &["stats", store_s, "--by", "country", "--format", "html"],
        &[],
    );
    assert!(html.contains("<svg") && !html.contains("<script"));
    // Output is deterministic.
    assert_eq!(
        telltale(&["stats", store_s, "--format", "json"], &[]).1,
        telltale(&["stats", store_s, "--format", "json"], &[]).1
    );

    let (code, jsonl, err) = telltale(&["export", store_s], &[]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert!(
        lines
            .iter()
            .all(|l| l["status"] == "ok" && l["report"]["app"].is_object())
    );
    assert_eq!(lines[0]["labels"]["country"], "DE");
    let (_, csv, _) = telltale(&["export", store_s, "--format", "csv"], &[]);
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("path,sha256,app_id,country,rank,store,status,")
    );
    assert_eq!(rows.count(), 4);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inspect_refuses_a_folder_of_unrelated_apps() {
    let dir = tmp("refuse");
    copy("basic.apk", &dir.join("com.a.apk"));
    copy("target31.apk", &dir.join("com.b.apk"));
    let (code, _, err) = telltale(&["inspect", dir.to_str().unwrap()], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("telltale batch"), "{err}");
    // A split set named as apkeep names it stays one app.
    let set = tmp("apkeep");
    copy("basic.apk", &set.join("org.example.apk"));
    copy("target31.apk", &set.join("org.example.config.en.apk"));
    let (code, _, err) = telltale(&["inspect", "--format", "json", set.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&set).unwrap();
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_batch_records_every_file() {
    let corpus = root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipping corpus batch: ../shared/corpus is absent");
        return;
    }
    let dir = tmp("corpus");
    let store = dir.join("corpus.sqlite");
    let (code, _, err) = telltale(
        &[
            "batch",
            corpus.to_str().unwrap(),
            "--db",
            store.to_str().unwrap(),
            "--jobs",
            "2",
            "--timeout",
            "20",
        ],
        &[(FAULT_ENV, "crash:AndroidBluePill.apk,hang:Droidmon.apk")],
    );
    assert_eq!(code, 2, "{err}");
    let conn = db(&store);
    // Every file is an app of its own, except the split APKs of the split
    // folder, which are one app.
    let mut files = 0;
    let mut stack = vec![corpus.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !e.file_name().to_string_lossy().starts_with('.') {
                files += 1;
            }
        }
    }
    let apps = count(&conn, "SELECT COUNT(*) FROM apps");
    let split_members = std::fs::read_dir(corpus.join("split"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".apk"))
                .count()
        })
        .unwrap_or(0) as i64;
    assert_eq!(apps, files - split_members + i64::from(split_members > 0));
    // Every app has a run: a report, or a failure with a reason.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM apps a WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.sha256 = a.sha256)"
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM runs r WHERE status = 'failed' AND NOT EXISTS (SELECT 1 FROM failures f WHERE f.run = r.id AND f.reason <> '')"
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM runs WHERE status = 'ok' AND report IS NULL"
        ),
        0
    );
    let kinds: i64 = count(
        &conn,
        "SELECT COUNT(*) FROM failures WHERE kind IN ('crash', 'timeout')",
    );
    assert_eq!(kinds, 2);
    assert!(count(&conn, "SELECT COUNT(*) FROM runs WHERE status = 'ok'") > 200);
    std::fs::remove_dir_all(&dir).unwrap();
}
