//! The `telltale` command line: parse arguments, call the library, render.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use telltale::Options;
use telltale::output::Destination;

/// The manual page: the top-level page, then a section per subcommand with
/// its synopsis, description and options, so one `man ./telltale.1` holds
/// every option (clap_mangen's own page points at one page per subcommand).
fn manual() -> std::io::Result<String> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let top = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    top.render_title(&mut buf)?;
    top.render_name_section(&mut buf)?;
    top.render_synopsis_section(&mut buf)?;
    top.render_description_section(&mut buf)?;
    top.render_options_section(&mut buf)?;
    let mut out = String::from_utf8_lossy(&buf).into_owned();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub
            .get_bin_name()
            .map_or_else(|| format!("telltale {}", sub.get_name()), str::to_string);
        out.push_str(&format!(".SH \"{}\"\n", name.to_uppercase()));
        let man = clap_mangen::Man::new(sub.clone());
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)?;
        man.render_description_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(&mut part)?;
        }
        // The subcommand's headings become subsections of its section.
        for line in String::from_utf8_lossy(&part).lines() {
            match line.strip_prefix(".SH ") {
                Some("SYNOPSIS") => {}
                Some("DESCRIPTION") => out.push_str(".PP\n"),
                Some(heading) => out.push_str(&format!(".SS {heading}\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    let mut tail = Vec::new();
    top.render_version_section(&mut tail)?;
    out.push_str(&String::from_utf8_lossy(&tail));
    Ok(out)
}

/// The report's JSON Schema as committed (`tests/schema.rs` keeps it equal to
/// the one derived from the model).
const REPORT_SCHEMA: &str = include_str!("../docs/report.schema.json");

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
    /// Inspect a package (APK, split set .apks/.xapk/.apkm or a folder of
    /// splits, App Bundle .aab, IPA, bare Mach-O or provisioning profile) and
    /// print a report.
    Inspect {
        /// The package file (or a folder holding one app's split APKs).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Colour in the text report: `auto` colours only a terminal and
        /// honours NO_COLOR and CLICOLOR_FORCE.
        #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
        color: ColorWhen,
        /// Add a legend to the text report: what the permission protection
        /// levels and identifier categories it uses mean.
        #[arg(long)]
        explain: bool,
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
        /// State the analysis time in the report (also set by SOURCE_DATE_EPOCH).
        #[arg(long)]
        timestamp: bool,
        /// Load the knowledge base (SDK signatures, API catalogues, patterns)
        /// from DIR, laid out like the project's data/, instead of the copy
        /// built in.
        #[arg(long, value_name = "DIR")]
        knowledge: Option<PathBuf>,
        /// Give IP-literal endpoints their network (ASN, organisation) and
        /// country from the offline tables in DIR (scripts/fetch-ip-data
        /// writes them to data/ip).
        #[arg(long, value_name = "DIR")]
        ip_data: Option<PathBuf>,
        /// Read DEX class names back through a ProGuard/R8 mapping file
        /// (mapping.txt of the release build), so SDKs renamed by
        /// obfuscation are matched and named by their original classes.
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
    },
    /// Compare two versions of an app (packages or JSON reports): SDKs,
    /// permissions, endpoints, identifier reads, components, signing
    /// certificates, SDK levels — added, removed, changed.
    Diff {
        /// The older package or JSON report.
        old: PathBuf,
        /// The newer package or JSON report.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Write the diff to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Give the IP-literal endpoints of packages their network and
        /// country from the offline tables in DIR (as `inspect --ip-data`).
        #[arg(long, value_name = "DIR")]
        ip_data: Option<PathBuf>,
    },
    /// Re-check a JSON report against the package it describes: the
    /// package hash and every location's entry hash and bytes. Prints each
    /// check; exits non-zero on any mismatch.
    Verify {
        /// The JSON report (`inspect --format json`).
        report: PathBuf,
        /// The package the report claims to describe.
        package: PathBuf,
        /// Largest inflated size of one entry, in MiB.
        #[arg(long, default_value_t = 256)]
        max_entry_mib: u64,
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
        #[arg(long)]
        knowledge: Option<PathBuf>,
        #[arg(long)]
        ip_data: Option<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    /// to standard output.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output:
    /// `telltale man > telltale.1; man ./telltale.1`.
    Man,
    /// Print the JSON Schema (draft 2020-12) of the `--format json` report:
    /// the committed `docs/report.schema.json`, contract in `docs/report.md`.
    Schema,
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
    /// Load the knowledge base from this folder (laid out like data/); runs
    /// are keyed by its hash.
    #[arg(long)]
    knowledge: Option<PathBuf>,
    /// Give IP-literal endpoints their network and country from the offline
    /// tables in DIR (as `inspect --ip-data`); runs are keyed by the tables' hash.
    #[arg(long, value_name = "DIR")]
    ip_data: Option<PathBuf>,
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
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    /// One self-contained HTML page (inline CSS/SVG, no scripts), prints to A4.
    Html,
    /// SARIF 2.1.0, for code-scanning and CI gates.
    Sarif,
    /// One row per finding.
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Html,
}

/// The version line: the tool's and the built-in knowledge base's version
/// and hash (fixed at build time, so the base is not loaded for it).
fn version_line() -> String {
    let (version, sha256) = telltale::knowledge::Knowledge::embedded_identity();
    format!(
        "{}, knowledge {version} (sha256 {sha256})",
        env!("CARGO_PKG_VERSION")
    )
}

fn command() -> clap::Command {
    let cmd = Cli::command();
    if std::env::args_os().any(|a| a == "--version" || a == "-V") {
        // Leaked once: the process prints it and exits.
        cmd.version(&*Box::leak(version_line().into_boxed_str()))
    } else {
        cmd
    }
}

fn main() -> ExitCode {
    telltale::util::return_large_blocks();
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Inspect {
            file,
            format,
            color,
            explain,
            output,
            max_entry_mib,
            max_total_mib,
            show_secrets,
            timestamp,
            knowledge,
            ip_data,
            mapping,
        } => {
            let options = Options {
                max_entry_size: max_entry_mib.saturating_mul(1 << 20),
                max_total_size: max_total_mib.saturating_mul(1 << 20),
                show_secrets,
                knowledge_dir: knowledge,
                ip_data_dir: ip_data,
                mapping,
                ..Options::default()
            };
            let rendering = Rendering {
                format,
                color,
                explain,
                timestamp,
            };
            inspect(&file, &options, &rendering, output.as_deref())
        }
        Command::Diff {
            old,
            new,
            format,
            output,
            ip_data,
        } => {
            let options = Options {
                ip_data_dir: ip_data,
                ..Options::default()
            };
            diff(&old, &new, &options, format, output.as_deref())
        }
        Command::Verify {
            report,
            package,
            max_entry_mib,
        } => return verify(&report, &package, max_entry_mib),
        Command::Batch(args) => return batch(args),
        Command::Stats {
            db,
            by,
            format,
            output,
        } => stats(&db, by.as_deref(), format, output.as_deref()),
        Command::Export { db, format, output } => export(&db, format, output.as_deref()),
        Command::Worker {
            max_memory_mib,
            knowledge,
            ip_data,
        } => return worker(max_memory_mib, knowledge, ip_data),
        Command::Completions { shell } => completions(shell),
        Command::Man => manual()
            .map_err(|e| e.to_string())
            .and_then(|text| Destination::Stdout.write(&text)),
        Command::Schema => Destination::Stdout.write(REPORT_SCHEMA),
        Command::Xml { file, entry } => telltale::xml::entry_as_xml(&file, &entry)
            .and_then(|text| Destination::Stdout.write(&text)),
    };
    exit_code(result)
}

/// `completions SHELL`: the shell's completion script.
fn completions(shell: clap_complete::Shell) -> Result<(), String> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "telltale", &mut buf);
    Destination::Stdout.write(&String::from_utf8_lossy(&buf))
}

/// Success, or the message on standard error (one line) and failure.
fn exit_code(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("telltale: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// How `inspect` renders its report.
struct Rendering {
    format: Format,
    color: ColorWhen,
    explain: bool,
    timestamp: bool,
}

/// `inspect FILE`: one report, rendered, written where asked.
fn inspect(
    file: &Path,
    options: &Options,
    rendering: &Rendering,
    output: Option<&Path>,
) -> Result<(), String> {
    refuse_many_apps(file)?;
    let destination = Destination::for_input(output, file)?;
    let clock = telltale::evidence::provenance::Clock::from_env(rendering.timestamp);
    let report = telltale::evidence::provenance::inspect_for_filing(file, options, clock)
        .map_err(|e| e.to_string())?;
    let text = match rendering.format {
        Format::Text => {
            let opts = telltale::report::text::TextOptions {
                color: wants_color(rendering.color, &destination),
                explain: rendering.explain,
            };
            telltale::report::text::render_with(&report, &opts)
        }
        Format::Json => telltale::report::json::render(&report),
        Format::Html => telltale::report::html::render_with_knowledge(
            &report,
            options.knowledge_dir.as_deref(),
        )?,
        Format::Sarif => telltale::report::sarif::render(&report),
        Format::Csv => telltale::report::csv::render(&report),
    };
    destination.write(&text)
}

/// `diff OLD NEW`: what changed between two versions (packages or reports).
fn diff(
    old: &Path,
    new: &Path,
    options: &Options,
    format: DiffFormat,
    output: Option<&Path>,
) -> Result<(), String> {
    let a = telltale::diff::load(old, options).map_err(|e| e.to_string())?;
    let b = telltale::diff::load(new, options).map_err(|e| e.to_string())?;
    let d = telltale::diff::diff(&a, &b);
    let text = match format {
        DiffFormat::Text => d.render_text(),
        DiffFormat::Json => d.render_json(),
        DiffFormat::Html => d.render_html(),
    };
    Destination::for_output(output)?.write(&text)
}

/// `verify REPORT PACKAGE`: re-check a report's evidence; fails when a check fails.
fn verify(report: &Path, package: &Path, max_entry_mib: u64) -> ExitCode {
    let limits = telltale::container::zip::Limits {
        max_entry_size: max_entry_mib.saturating_mul(1 << 20),
    };
    let outcome = std::fs::read_to_string(report)
        .map_err(|e| format!("{}: {e}", report.display()))
        .and_then(|text| telltale::verify::verify(&text, package, &limits));
    match outcome {
        Ok(o) => {
            let _ = Destination::Stdout.write(&o.render());
            if o.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => exit_code(Err(e)),
    }
}

/// `stats DB`: counts over a batch database, grouped by a label when asked.
fn stats(
    db: &str,
    by: Option<&str>,
    format: StatsFormat,
    output: Option<&Path>,
) -> Result<(), String> {
    use telltale::batch::stats;
    let data = telltale::batch::store::open(db)?.load()?;
    let trackers = telltale::Knowledge::embedded()
        .map_err(|e| e.to_string())?
        .signatures
        .tracker_ids();
    let s = stats::compute(&data, by, &trackers);
    let text = match format {
        StatsFormat::Text => stats::render_text(&s),
        StatsFormat::Csv => stats::render_csv(&s),
        StatsFormat::Json => stats::render_json(&s),
        StatsFormat::Html => stats::render_html(&s),
    };
    Destination::for_output(output)?.write(&text)
}

/// `export DB`: every stored report, as JSON lines or CSV.
fn export(db: &str, format: ExportFormat, output: Option<&Path>) -> Result<(), String> {
    use telltale::batch::export;
    let format = match format {
        ExportFormat::Jsonl => export::Format::Jsonl,
        ExportFormat::Csv => export::Format::Csv,
    };
    let mut store = telltale::batch::store::open(db)?;
    let mut buf = Vec::new();
    export::export(&mut store, format, &mut buf)?;
    Destination::for_output(output)?.write(&String::from_utf8_lossy(&buf))
}

/// The hidden `__worker`: serves a batch pool over standard input and output.
fn worker(max_memory_mib: u64, knowledge: Option<PathBuf>, ip_data: Option<PathBuf>) -> ExitCode {
    let options = Options {
        knowledge_dir: knowledge,
        ip_data_dir: ip_data,
        ..Options::default()
    };
    let code = telltale::batch::worker::serve(&options, max_memory_mib);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Whether the text report gets colour: `always`, `never`, or for `auto`
/// only on standard output when it is a terminal and neither NO_COLOR nor
/// TERM=dumb says otherwise (anstream's rules, as clap follows them).
fn wants_color(when: ColorWhen, destination: &Destination) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            matches!(destination, Destination::Stdout)
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
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
            "{}: holds {packages} package(s) that are not one app's split set; \
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
        Err(message) => exit_code(Err(message)),
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
        knowledge_dir: args.knowledge.clone(),
        ip_data_dir: args.ip_data.clone(),
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
        let (n, queued) = batch::enqueue(
            &args.db,
            &apps,
            args.knowledge.as_deref(),
            args.ip_data.as_deref(),
        )?;
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
