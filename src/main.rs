//! The `telltale` command line: parse arguments, call the library, render.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use telltale::Options;

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
        /// Write the report to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Largest inflated size of one entry, in MiB.
        #[arg(long, default_value_t = 256)]
        max_entry_mib: u64,
        /// Largest inflated size of all entries together, in MiB.
        #[arg(long, default_value_t = 2048)]
        max_total_mib: u64,
        /// Print secrets in full instead of a 4+4 character preview.
        #[arg(long)]
        show_secrets: bool,
        /// State the analysis time in the report (also set by SOURCE_DATE_EPOCH).
        #[arg(long)]
        timestamp: bool,
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
    /// Print a binary XML entry of a package as readable XML.
    Xml {
        /// The package file.
        file: PathBuf,
        /// The entry to print.
        #[arg(default_value = "AndroidManifest.xml")]
        entry: String,
    },
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
            timestamp,
        } => {
            let options = Options {
                max_entry_size: max_entry_mib.saturating_mul(1 << 20),
                max_total_size: max_total_mib.saturating_mul(1 << 20),
                show_secrets,
                ..Options::default()
            };
            let clock = telltale::provenance::Clock::from_env(timestamp);
            telltale::provenance::inspect_for_filing(&file, &options, clock)
                .map_err(|e| e.to_string())
                .and_then(|report| {
                    let text = match format {
                        Format::Text => telltale::report::text::render(&report),
                        Format::Json => telltale::report::json::render(&report),
                        Format::Html => telltale::report::html::render(&report),
                        Format::Sarif => telltale::report::sarif::render(&report),
                        Format::Csv => telltale::report::csv::render(&report),
                    };
                    emit(&text, output.as_ref())
                })
        }
        Command::Diff {
            old,
            new,
            format,
            output,
        } => {
            let options = Options::default();
            telltale::diff::load(&old, &options)
                .and_then(|a| telltale::diff::load(&new, &options).map(|b| (a, b)))
                .map_err(|e| e.to_string())
                .and_then(|(a, b)| {
                    let d = telltale::diff::diff(&a, &b);
                    let text = match format {
                        DiffFormat::Text => d.render_text(),
                        DiffFormat::Json => d.render_json(),
                        DiffFormat::Html => d.render_html(),
                    };
                    emit(&text, output.as_ref())
                })
        }
        Command::Verify {
            report,
            package,
            max_entry_mib,
        } => {
            let limits = telltale::container::zip::Limits {
                max_entry_size: max_entry_mib.saturating_mul(1 << 20),
            };
            let outcome = std::fs::read_to_string(&report)
                .map_err(|e| format!("{}: {e}", report.display()))
                .and_then(|text| telltale::verify::verify(&text, &package, &limits));
            match outcome {
                Ok(o) => {
                    let _ = emit(&o.render(), None);
                    if !o.passed() {
                        return ExitCode::FAILURE;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
        Command::Xml { file, entry } => {
            telltale::xml::entry_as_xml(&file, &entry).and_then(|text| emit(&text, None))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("telltale: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn emit(text: &str, output: Option<&PathBuf>) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                _ => Ok(()),
            }
        }
    }
}
