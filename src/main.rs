//! The `telltale` command line: parse arguments, call the library, render.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use telltale::output::Destination;
use telltale::{Options, inspect_path};

#[derive(Parser)]
#[command(
    name = "telltale",
    version,
    about = "Tells, with evidence, what a mobile app package carries and whom it talks to. Offline."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect a package (APK; more kinds follow) and print a report.
    Inspect {
        /// The package file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the report to this file instead of standard output (`-` is
        /// standard output). Never the input itself.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Largest inflated size of one entry, in MiB (at least 1).
        #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..))]
        max_entry_mib: u64,
        /// Largest inflated size of all entries together, in MiB (at least 1).
        #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u64).range(1..))]
        max_total_mib: u64,
        /// Print secrets in full instead of a 4+4 character preview.
        #[arg(long)]
        show_secrets: bool,
        /// Load the knowledge base (SDK signatures, API catalogues, patterns)
        /// from DIR, laid out like the project's data/, instead of the copy
        /// built in.
        #[arg(long, value_name = "DIR")]
        knowledge: Option<PathBuf>,
    },
    /// Inspect many apps (files, folders, a list or a chart), each in an
    /// isolated worker process, into a store that a rerun resumes.
    Batch(BatchArgs),
    /// Prevalence statistics over a batch store.
    Stats {
        /// The store: a SQLite file or a postgres:// URL.
        db: String,
        /// Break every table down by this chart label (e.g. country).
        #[arg(long)]
        by: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Export a batch store, one app a line (JSON) or a row (CSV).
    Export {
        /// The store: a SQLite file or a postgres:// URL.
        db: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Internal: a batch worker (JSON lines on stdin/stdout).
    #[command(name = "__worker", hide = true)]
    Worker {
        #[arg(long, default_value_t = 0)]
        max_memory_mib: u64,
    },
    /// Print a binary XML entry of a package as readable XML.
    Xml {
        /// The package file.
        file: PathBuf,
        /// The entry to print.
        #[arg(default_value = "AndroidManifest.xml")]
        entry: String,
    },
}

#[derive(clap::Args)]
struct BatchArgs {
    /// Package files and folders (walked recursively; a folder holding one
    /// app's split APKs is one app).
    paths: Vec<PathBuf>,
    /// A file with one path a line.
    #[arg(long)]
    list: Option<PathBuf>,
    /// A chart CSV with a `path` column; other columns become labels.
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Add a label to every app of this run (NAME=VALUE, repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    label: Vec<String>,
    /// The store: a SQLite file (created if missing) or a postgres:// URL.
    #[arg(long)]
    db: String,
    /// Apps inspected at once (default: the number of CPUs).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Wall-time limit of one app, in seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Address-space limit of one worker process, in MiB (0: none).
    #[arg(long, default_value_t = 4096)]
    max_memory_mib: u64,
    /// Inspect again the packages whose stored run failed.
    #[arg(long)]
    retry_failed: bool,
    /// Only put the apps on the PostgreSQL queue, for `batch --work` workers.
    #[arg(long, conflicts_with = "work")]
    enqueue: bool,
    /// Work on the PostgreSQL queue until it is empty.
    #[arg(long)]
    work: bool,
    /// How long a worker holds a queued app, in seconds (default: timeout + 60).
    #[arg(long)]
    lease: Option<u64>,
    /// Claims after which a queued app whose workers keep dying is recorded as failed.
    #[arg(long, default_value_t = 3)]
    max_attempts: i64,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatsFormat {
    Text,
    Csv,
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect {
            file,
            format,
            output,
            max_entry_mib,
            max_total_mib,
            show_secrets,
            knowledge,
        } => {
            let options = Options {
                max_entry_size: max_entry_mib.saturating_mul(1 << 20),
                max_total_size: max_total_mib.saturating_mul(1 << 20),
                show_secrets,
                knowledge_dir: knowledge,
                ..Options::default()
            };
            refuse_many_apps(&file)
                .and_then(|()| Destination::for_input(output.as_deref(), &file))
                .and_then(|destination| {
                    let report = inspect_path(&file, &options).map_err(|e| e.to_string())?;
                    let text = match format {
                        Format::Text => telltale::report::text::render(&report),
                        Format::Json => telltale::report::json::render(&report),
                    };
                    destination.write(&text)
                })
        }
        Command::Batch(args) => return batch(args),
        Command::Stats {
            db,
            by,
            format,
            output,
        } => telltale::batch::store::open(&db)
            .and_then(|mut store| store.load())
            .and_then(|data| {
                use telltale::batch::stats;
                let s = stats::compute(&data, by.as_deref());
                let text = match format {
                    StatsFormat::Text => stats::render_text(&s),
                    StatsFormat::Csv => stats::render_csv(&s),
                    StatsFormat::Json => stats::render_json(&s),
                    StatsFormat::Html => stats::render_html(&s),
                };
                Destination::for_output(output.as_deref())?.write(&text)
            }),
        Command::Export { db, format, output } => {
            use telltale::batch::export;
            let format = match format {
                ExportFormat::Jsonl => export::Format::Jsonl,
                ExportFormat::Csv => export::Format::Csv,
            };
            telltale::batch::store::open(&db).and_then(|mut store| {
                let mut buf = Vec::new();
                export::export(&mut store, format, &mut buf)?;
                Destination::for_output(output.as_deref())?.write(&String::from_utf8_lossy(&buf))
            })
        }
        Command::Worker { max_memory_mib } => {
            let code = telltale::batch::worker::serve(&Options::default(), max_memory_mib);
            return ExitCode::from(u8::try_from(code).unwrap_or(1));
        }
        Command::Xml { file, entry } => telltale::xml::entry_as_xml(&file, &entry)
            .and_then(|text| Destination::Stdout.write(&text)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("telltale: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// `inspect DIR` on a folder of unrelated apps merges them into one report:
/// refuse and point to `batch`.
fn refuse_many_apps(path: &std::path::Path) -> Result<(), String> {
    if !path.is_dir() {
        return Ok(());
    }
    match telltale::batch::inputs::classify_dir(path)? {
        telltale::batch::inputs::DirClass::ManyApps { packages } => Err(format!(
            "{}: holds {packages} packages that are not one app's split set; \
             inspect each with `telltale batch {} --db results.sqlite`",
            path.display(),
            path.display()
        )),
        _ => Ok(()),
    }
}

fn batch(args: BatchArgs) -> ExitCode {
    match run_batch(args) {
        Ok((line, ok)) => {
            eprintln!("{line}");
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(message) => {
            eprintln!("telltale: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn run_batch(args: BatchArgs) -> Result<(String, bool), String> {
    use telltale::batch::{self, inputs, worker::PoolConfig};
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own binary: {e}"))?;
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    let pool = PoolConfig {
        exe,
        jobs: jobs.max(1),
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        max_memory_mib: args.max_memory_mib,
    };
    if args.work {
        let summary = batch::work(&batch::WorkConfig {
            db: args.db,
            pool,
            lease: std::time::Duration::from_secs(args.lease.unwrap_or(args.timeout + 60).max(1)),
            max_attempts: args.max_attempts,
            worker: format!(
                "{}:{}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into()),
                std::process::id()
            ),
        })?;
        return Ok((summary.line(), summary.failed == 0));
    }
    let mut labels = Vec::new();
    for l in &args.label {
        let (n, v) = l
            .split_once('=')
            .ok_or_else(|| format!("--label {l}: expected NAME=VALUE"))?;
        labels.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let mut apps = inputs::expand_paths(&args.paths, &labels)?;
    if let Some(list) = &args.list {
        apps.extend(inputs::expand_paths(&inputs::read_list(list)?, &labels)?);
    }
    if let Some(chart) = &args.chart {
        for mut app in inputs::read_chart(chart)? {
            app.labels.extend(labels.iter().cloned());
            apps.push(app);
        }
    }
    if apps.is_empty() {
        return Err("no apps given (paths, --list or --chart)".into());
    }
    if args.enqueue {
        let (n, queued) = batch::enqueue(&args.db, &apps)?;
        return Ok((format!("{n} apps: {queued} packages queued"), true));
    }
    let summary = batch::run(&batch::BatchConfig {
        inputs: apps,
        db: args.db,
        pool,
        retry_failed: args.retry_failed,
    })?;
    Ok((summary.line(), summary.all_ok()))
}
