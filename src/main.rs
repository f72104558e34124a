//! The `telltale` command line: parse arguments, call the library, render.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
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
        /// Load the knowledge base (SDK signatures, API catalogues, patterns)
        /// from DIR, laid out like the project's data/, instead of the copy
        /// built in.
        #[arg(long, value_name = "DIR")]
        knowledge: Option<PathBuf>,
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
            inspect_path(&file, &options)
                .map_err(|e| e.to_string())
                .and_then(|report| {
                    let text = match format {
                        Format::Text => telltale::report::text::render(&report),
                        Format::Json => telltale::report::json::render(&report),
                    };
                    emit(&text, output.as_ref())
                })
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
