//! The command line (SPEC §7), parsed with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "faultbook",
    version,
    about = "Build linked static knowledge bases of error codes",
    long_about = "faultbook turns a folder of markdown error pages, compare guides and playbooks into a linked, searchable static site.",
    after_help = "Examples:\n  faultbook init my-kb && cd my-kb && faultbook build\n  faultbook check --format github\n  faultbook new error http 429"
)]
pub struct Cli {
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every warning on its own, not only summaries
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (public/ by default)
    #[command(
        after_help = "Examples:\n  faultbook build\n  faultbook build --root docs --output /tmp/site --base-url https://preview.example.com/pr-12/"
    )]
    Build(BuildArgs),
    /// Build into memory, serve at http://127.0.0.1:1111/, rebuild and reload on every save
    #[command(
        after_help = "Examples:\n  faultbook serve\n  faultbook serve --port 0 --open\n  faultbook serve --bind 0.0.0.0 --port 8080"
    )]
    Serve(ServeArgs),
    /// Run every check of build, and list pages overdue for review, writing nothing
    #[command(
        after_help = "Examples:\n  faultbook check\n  faultbook check --format json\n  faultbook check --format github --deny-stale"
    )]
    Check(CheckArgs),
    /// Write a new page that builds as it is, with the usual sections of its kind
    #[command(
        after_help = "Examples:\n  faultbook new error entra AADSTS53003\n  faultbook new compare 429-vs-503 http:429 http:503\n  faultbook new playbook api-timeouts http:502 http:504 grpc:DEADLINE_EXCEEDED\n  faultbook new error http 429 --lang fr"
    )]
    New {
        /// The site's folder (holding site.toml; default: this folder or the nearest above with one)
        #[arg(long, global = true)]
        root: Option<PathBuf>,
        /// Start a translation of the existing page into this language of site.toml
        #[arg(long, global = true, value_name = "CODE")]
        lang: Option<String>,
        #[command(subcommand)]
        page: NewPage,
    },
    /// Create a new site that builds and checks clean
    #[command(after_help = "Examples:\n  faultbook init my-kb")]
    Init {
        /// A new or empty folder
        dir: PathBuf,
    },
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  faultbook completions bash > /etc/bash_completion.d/faultbook\n  faultbook completions zsh > ~/.zfunc/_faultbook"
    )]
    Completions { shell: clap_complete::Shell },
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// The site's folder (holding site.toml; default: this folder or the nearest above with one)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output folder (default: output_dir of site.toml, else public/ in the root)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Override base_url, for preview deploys
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// Print the time and peak memory of each phase on stderr (also with -v)
    #[arg(long)]
    pub timings: bool,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The site's folder (holding site.toml; default: this folder or the nearest above with one)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Address to listen on; anything but loopback is reachable from other machines
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in a browser
    #[arg(long)]
    pub open: bool,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// Poll the file system instead of using change events (network drives, some containers)
    #[arg(long)]
    pub poll: bool,
    /// Rebuild the whole site after every edit instead of only what the edit changed
    #[arg(long)]
    pub full_rebuilds: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The site's folder (holding site.toml; default: this folder or the nearest above with one)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output format for diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat pages overdue for review as errors
    #[arg(long)]
    pub deny_stale: bool,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// Put before each file's path in github annotations (default: the
    /// site's folder in the git repository that holds it, e.g. docs/)
    #[arg(long, value_name = "PREFIX")]
    pub path_prefix: Option<String>,
    /// Print the pages overdue for review, oldest first, grouped (human or json format)
    #[arg(long)]
    pub overdue: bool,
    /// How --overdue groups the pages
    #[arg(long, value_enum, default_value_t = GroupBy::Provider, requires = "overdue")]
    pub group_by: GroupBy,
}

/// How `check --overdue` groups pages.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Provider,
    Standard,
}

#[derive(Subcommand, Debug)]
pub enum NewPage {
    /// An error page: content/errors/<provider>/<code-slug>.md
    Error {
        /// A key of [providers] in site.toml
        provider: String,
        /// The code as written, e.g. AADSTS53003, 429, DEADLINE_EXCEEDED
        code: String,
    },
    /// A compare guide: content/compare/<slug>.md
    Compare {
        slug: String,
        /// Two or more refs: provider:code, or a code only one provider has (none with --lang)
        #[arg(num_args = 2.., required_unless_present = "lang")]
        refs: Vec<String>,
    },
    /// A playbook: content/playbooks/<slug>.md
    Playbook {
        slug: String,
        /// One or more refs: provider:code, or a code only one provider has (none with --lang)
        #[arg(num_args = 1.., required_unless_present = "lang")]
        refs: Vec<String>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}
