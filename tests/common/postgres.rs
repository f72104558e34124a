//! A private PostgreSQL server for a test (Debian's `postgresql`: `initdb` in
//! a temp folder, `pg_ctl` on a free loopback port, as the `postgres` user
//! when running as root), stopped and removed when dropped. `None`, with a
//! message, when the PostgreSQL binaries are absent.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub struct Server {
    dir: PathBuf,
    bin: PathBuf,
    pub url: String,
    as_postgres: bool,
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The newest `/usr/lib/postgresql/*/bin` that has `initdb`.
pub fn bin_dir() -> Option<PathBuf> {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .max()
}

impl Server {
    pub fn start(name: &str) -> Option<Server> {
        let bin = bin_dir()?;
        let dir = std::env::temp_dir().join(format!("telltale-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let as_postgres = is_root();
        if as_postgres {
            assert!(
                Command::new("chown")
                    .arg("postgres")
                    .arg(&dir)
                    .status()
                    .unwrap()
                    .success()
            );
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = Server {
            url: format!("postgres://telltale@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            as_postgres,
        };
        let data = s.dir.join("data");
        assert!(s.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "telltale"
            ]
        ));
        let opts = format!("-k {} -h 127.0.0.1 -p {port} -c fsync=off", s.dir.display());
        let log = s.dir.join("log");
        assert!(s.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &opts,
                "-w",
                "start"
            ],
        ));
        Some(s)
    }

    fn run(&self, tool: &str, args: &[&str]) -> bool {
        let exe = self.bin.join(tool);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        c.args(args)
            .current_dir(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).unwrap().get(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn server(name: &str) -> Option<Server> {
    let s = Server::start(name);
    if s.is_none() {
        eprintln!(
            "skipping PostgreSQL tests: no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)"
        );
    }
    s
}
