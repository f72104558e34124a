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
            Destination::for_input(output.as_deref(), &file).and_then(|destination| {
                let report = inspect_path(&file, &options).map_err(|e| e.to_string())?;
                let text = match format {
                    Format::Text => telltale::report::text::render(&report),
                    Format::Json => telltale::report::json::render(&report),
                };
                destination.write(&text)
            })
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
