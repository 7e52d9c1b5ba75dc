//! The command line (SPEC §7), parsed with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "faultbook", version, about = "Build linked static knowledge bases of error codes", long_about = None)]
pub struct Cli {
    /// Print only errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (public/ by default)
    #[command(
        after_help = "Examples:\n  faultbook build\n  faultbook build --root docs --output /tmp/site --base-url https://preview.example.com/pr-12/"
    )]
    Build {
        /// The site's folder (holding site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: output_dir of site.toml, else public/ in the root)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url, for preview deploys
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked draft = true
        #[arg(long)]
        drafts: bool,
    },
    /// Run every check of build without writing anything
    #[command(
        after_help = "Examples:\n  faultbook check\n  faultbook check --format github --deny-stale"
    )]
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format for diagnostics
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat pages overdue for review as errors
        #[arg(long)]
        deny_stale: bool,
        /// Include pages marked draft = true
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}
