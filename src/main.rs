//! The faultbook binary: parse the command line, run the library, report,
//! and map the outcome to an exit code (0 ok, 1 content or config errors or a
//! failed operation, 2 bad command line).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use faultbook::build::{self, Options, Outcome};
use faultbook::diag;

mod cli;

// Rendering allocates many short-lived strings on every thread; mimalloc's
// per-thread heaps cut allocator time and fragmentation against glibc's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use cli::{Cli, Command, Format};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let today = build::today();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let opts = Options {
                root,
                output,
                base_url,
                drafts,
                today,
            };
            let outcome = build::build(&opts)?;
            report_human(&outcome, cli.quiet);
            if outcome.has_errors() {
                eprintln!(
                    "build failed: {} error(s); the previous output was left as it was",
                    count_errors(&outcome)
                );
                return Ok(ExitCode::from(1));
            }
            if !cli.quiet {
                let out = outcome
                    .output
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                println!(
                    "Built {} pages ({} files) in {:.2} s into {out}",
                    outcome.pages,
                    outcome.files,
                    outcome.elapsed.as_secs_f64()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            root,
            format,
            deny_stale,
            drafts,
        } => {
            let opts = Options {
                root,
                output: None,
                base_url: None,
                drafts,
                today,
            };
            let outcome = build::check_site(&opts, deny_stale)?;
            match format {
                Format::Human => {
                    report_human(&outcome, cli.quiet);
                    if !cli.quiet {
                        let errors = count_errors(&outcome);
                        println!(
                            "Checked {} pages in {:.2} s: {errors} error(s), {} warning(s)",
                            outcome.pages,
                            outcome.elapsed.as_secs_f64(),
                            outcome.diagnostics.len() - errors
                        );
                    }
                }
                Format::Json => println!("{}", diag::to_json(&outcome.diagnostics)),
                Format::Github => print!("{}", diag::to_github(&outcome.diagnostics)),
            }
            Ok(ExitCode::from(if outcome.has_errors() { 1 } else { 0 }))
        }
    }
}

fn count_errors(o: &Outcome) -> usize {
    o.diagnostics.iter().filter(|d| d.is_error()).count()
}

/// Diagnostics on stderr, coloured only on a terminal and without NO_COLOR.
fn report_human(o: &Outcome, quiet: bool) {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut err = std::io::stderr().lock();
    for d in &o.diagnostics {
        if quiet && !d.is_error() {
            continue;
        }
        let line = d.to_string();
        if color {
            let (label, code) = if d.is_error() {
                ("error", "31")
            } else {
                ("warning", "33")
            };
            let rest = line.strip_prefix(label).unwrap_or(&line);
            let _ = writeln!(err, "\x1b[1;{code}m{label}\x1b[0m{rest}");
        } else {
            let _ = writeln!(err, "{line}");
        }
    }
}
