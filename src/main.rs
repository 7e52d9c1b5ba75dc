//! The faultbook binary: parse the command line, run the library, report,
//! and map the outcome to an exit code (0 ok, 1 content or config errors or a
//! failed operation, 2 bad command line).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use faultbook::build::{self, Options, Outcome};
use faultbook::diag::{self, Diagnostic};
use faultbook::kind::Kind;
use faultbook::meter::Meter;
use faultbook::scaffold;
use faultbook::serve;

mod cli;
mod progress;
use cli::{BuildArgs, CheckArgs, Cli, Command, Format, GroupBy, NewPage, ServeArgs};

// Rendering allocates many short-lived strings on every thread; mimalloc's
// per-thread heaps cut allocator time against glibc's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Writes to stdout. A reader that went away (`faultbook check | head`)
/// ends the command quietly, as other command-line tools do; `println!`
/// would panic with a backtrace.
fn write_out(text: std::fmt::Arguments<'_>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    // Once the reader is gone, the rest is not written; the command still
    // finishes and exits with its own status (a failed check stays 1).
    static GONE: AtomicBool = AtomicBool::new(false);
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            GONE.store(true, Ordering::Relaxed);
            return;
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

macro_rules! out {
    ($($arg:tt)*) => { write_out(format_args!($($arg)*)) };
}

macro_rules! outln {
    ($($arg:tt)*) => { write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

fn main() -> ExitCode {
    // clap checks the conflict of two global flags only when both are
    // given at one level (`build -v -q`), not on either side of the
    // subcommand (`-v build -q`).
    let parsed = Cli::try_parse().and_then(|c| {
        if c.quiet && c.verbose {
            Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                "the argument '--verbose' cannot be used with '--quiet'",
            ))
        } else {
            Ok(c)
        }
    });
    let cli = match parsed {
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
    let run = Run {
        today: build::today()?,
        verbosity: if cli.quiet {
            Verbosity::Quiet
        } else if cli.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        },
    };
    match cli.command {
        Command::Build(args) => build_command(find_root(args.root.clone()), args, &run),
        Command::Check(args) => check_command(find_root(args.root.clone()), args, &run),
        Command::Serve(args) => {
            // Serve follows the site's path: a folder moved away and
            // replaced is the new one.
            let root = find_root(args.root.clone());
            let root = std::path::absolute(&root).unwrap_or(root);
            serve_command(root, args, &run)
        }
        Command::New { root, lang, page } => {
            let searched = root.is_none();
            let root = find_root(root);
            match lang {
                Some(lang) => translate_command(&root, searched, &lang, page, run.today),
                None => new_command(&root, searched, page, run.today),
            }
        }
        Command::Init { dir } => init_command(&dir, &run),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "faultbook", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The site's folder: `root` as given; without `--root`, this folder or,
/// run from inside a site (`content/errors/http/`), the nearest folder above
/// that holds a site.toml, as git finds its repository.
fn find_root(root: Option<PathBuf>) -> PathBuf {
    let here = PathBuf::from(".");
    if let Some(root) = root {
        return root;
    }
    if here.join("site.toml").is_file() {
        return here;
    }
    let Ok(cwd) = std::env::current_dir() else {
        return here;
    };
    cwd.ancestors()
        .skip(1)
        .find(|dir| dir.join("site.toml").is_file())
        .map_or(here, Path::to_path_buf)
}

/// Where `root` is in the git repository that holds it, as a path prefix
/// (`docs/`); empty at the repository's top or outside any repository.
/// GitHub places annotations by paths from the repository's top.
fn place_in_repository(root: &Path) -> String {
    let Ok(root) = std::fs::canonicalize(root) else {
        return String::new();
    };
    let Some(top) = root.ancestors().find(|d| d.join(".git").exists()) else {
        return String::new();
    };
    root.strip_prefix(top)
        .ok()
        .map(|rel| {
            rel.components()
                .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
                .collect()
        })
        .unwrap_or_default()
}

/// What every command is run with besides its own arguments.
struct Run {
    today: time::Date,
    verbosity: Verbosity,
}

/// `faultbook build`: diagnostics and timings on stderr, one summary line on stdout.
fn build_command(root: PathBuf, args: BuildArgs, run: &Run) -> anyhow::Result<ExitCode> {
    let BuildArgs {
        root: _,
        output,
        base_url,
        drafts,
        timings,
    } = args;
    let (today, verbosity) = (run.today, run.verbosity);
    let opts = Options {
        root: root.clone(),
        output,
        base_url,
        drafts,
        today,
    };
    let meter = Meter::default();
    let show_progress = verbosity != Verbosity::Quiet && std::io::stderr().is_terminal();
    let mut outcome = progress::while_running(&meter, show_progress, || {
        let report = build::Report {
            overdue_pages: verbosity == Verbosity::Verbose,
        };
        build::build_with(&opts, report, &meter, &|dir| {
            progress::clear();
            eprintln!(
                "waiting for another build that is writing {}",
                dir.display()
            );
        })
    })?;

    if verbosity == Verbosity::Verbose && !outcome.has_errors() {
        // The per-page list behind the overdue summary.
        outcome.diagnostics.append(&mut outcome.overdue);
        outcome.diagnostics.sort();
    } else {
        summarize_outdated(&mut outcome.diagnostics);
    }
    report(&outcome.diagnostics, &root, verbosity);
    if verbosity == Verbosity::Verbose {
        for note in &outcome.notes {
            eprintln!("note: {note}");
        }
    }
    if timings || verbosity == Verbosity::Verbose {
        progress::print_phases(&outcome.phases);
    }
    if outcome.has_errors() {
        eprintln!(
            "build failed: {} error(s); the previous output was left as it was",
            count_errors(&outcome.diagnostics)
        );
        return Ok(ExitCode::from(1));
    }
    if verbosity != Verbosity::Quiet {
        let out = outcome
            .output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        outln!(
            "Built {} pages ({} files) in {:.2} s into {out}",
            outcome.pages,
            outcome.files,
            outcome.elapsed.as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Outdated translations as one line, as overdue pages are: a build of a
/// large site would print thousands (`build -v` and `check` list them).
fn summarize_outdated(diags: &mut Vec<Diagnostic>) {
    let outdated: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.rule == diag::Rule::Outdated && !d.is_error())
        .cloned()
        .collect();
    if outdated.len() < 2 {
        return;
    }
    diags.retain(|d| d.rule != diag::Rule::Outdated || d.is_error());
    diags.insert(
        0,
        diag::Rule::Outdated.site_warning(format!(
            "{} translations are outdated (their originals were reviewed after them); the first is {}; faultbook check lists them",
            outdated.len(),
            outdated[0].file.as_deref().unwrap_or("")
        )),
    );
}

/// `faultbook check`: every diagnostic in the chosen format, exit 1 on errors.
fn check_command(root: PathBuf, args: CheckArgs, run: &Run) -> anyhow::Result<ExitCode> {
    let CheckArgs {
        root: _,
        format,
        deny_stale,
        drafts,
        path_prefix,
        overdue,
        group_by,
    } = args;
    let (today, verbosity) = (run.today, run.verbosity);
    let opts = Options {
        root: root.clone(),
        output: None,
        base_url: None,
        drafts,
        today,
    };
    if overdue && format == Format::Github {
        eprintln!("error: --overdue prints a table (--format human) or JSON (--format json), not annotations");
        return Ok(ExitCode::from(2));
    }
    let outcome = build::check_site(&opts, deny_stale)?;
    let content_errors = outcome
        .diagnostics
        .iter()
        .any(|d| d.is_error() && !matches!(d.rule, diag::Rule::Overdue | diag::Rule::Outdated));
    if overdue && !content_errors {
        match format {
            Format::Json => outln!("{}", overdue_json(&outcome, group_by)),
            Format::Human | Format::Github => out!("{}", overdue_table(&outcome, group_by)),
        }
        let outdated = outcome
            .diagnostics
            .iter()
            .any(|d| d.rule == diag::Rule::Outdated);
        let stale = deny_stale && (!outcome.overdue_pages.is_empty() || outdated);
        return Ok(ExitCode::from(u8::from(stale)));
    }
    match format {
        Format::Human => {
            report(&outcome.diagnostics, &root, verbosity);
            if verbosity != Verbosity::Quiet {
                print_check_summary(&outcome);
            }
        }
        Format::Json => outln!("{}", diag::to_json(&outcome.diagnostics, true)),
        Format::Github => {
            let prefix = match path_prefix {
                Some(p) if !p.is_empty() && !p.ends_with('/') => format!("{p}/"),
                Some(p) => p,
                None => place_in_repository(&root),
            };
            out!("{}", diag::to_github(&outcome.diagnostics, &prefix));
        }
    }
    Ok(ExitCode::from(u8::from(outcome.has_errors())))
}

/// `faultbook serve`: reports each rebuild until stopped.
fn serve_command(root: PathBuf, args: ServeArgs, run: &Run) -> anyhow::Result<ExitCode> {
    let ServeArgs {
        root: _,
        bind,
        port,
        open,
        drafts,
        poll,
        full_rebuilds,
    } = args;
    let verbosity = run.verbosity;
    if !bind.is_loopback() {
        eprintln!(
            "warning: serving on {bind}: other machines on the network can reach this server"
        );
    }
    let report_root = root.clone();
    let reporter = move |e: serve::Event<'_>| match e {
        serve::Event::Serving { url } => {
            outln!(
                "Serving {} at {url} (Ctrl+C to stop)",
                report_root.display()
            );
        }
        serve::Event::Rebuilt {
            pages,
            patched,
            elapsed,
            changed,
            phases,
        } => {
            if verbosity != Verbosity::Quiet {
                let what = if changed == 0 {
                    "Built".to_string()
                } else {
                    format!("Rebuilt after {changed} change(s):")
                };
                let ms = elapsed.as_millis();
                match patched {
                    Some(n) => {
                        outln!("{what} {n} outputs rendered again ({pages} pages) in {ms} ms")
                    }
                    None => outln!("{what} {pages} pages in {ms} ms"),
                }
                if verbosity == Verbosity::Verbose {
                    eprintln!("  {}", progress::phases_line(phases));
                }
            }
        }
        serve::Event::Indexed { elapsed } => {
            if verbosity == Verbosity::Verbose {
                eprintln!("  search index {} ms", elapsed.as_millis());
            }
        }
        serve::Event::Failed {
            diagnostics,
            serving_last_good,
        } => {
            report(diagnostics, &report_root, verbosity);
            if serving_last_good {
                eprintln!("build failed: serving the last good build; fix the errors above");
            } else {
                eprintln!("build failed: every page shows these errors until they are fixed");
            }
        }
    };
    serve::run(
        serve::ServeOptions {
            root,
            bind,
            port,
            open,
            drafts,
            poll,
            full_rebuilds,
        },
        &reporter,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `faultbook init DIR`: prints what it wrote and how to build it.
fn init_command(dir: &Path, run: &Run) -> anyhow::Result<ExitCode> {
    let written = scaffold::init(dir, run.today)?;
    if run.verbosity != Verbosity::Quiet {
        for p in &written {
            outln!("{}", p.display());
        }
        outln!(
            "Created a site in {}: run `faultbook build --root {}`",
            dir.display(),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// The overdue pages in groups (by provider or standard key), groups by
/// key and the pages without one last (as the site's overdue page), pages
/// oldest first.
fn overdue_groups(outcome: &Outcome, by: GroupBy) -> Vec<(Option<&str>, Vec<&build::OverduePage>)> {
    let mut groups: std::collections::BTreeMap<(bool, &str), Vec<&build::OverduePage>> =
        Default::default();
    for p in &outcome.overdue_pages {
        let key = match by {
            GroupBy::Provider => p.provider.as_deref(),
            GroupBy::Standard => p.standard.as_deref(),
        };
        groups
            .entry((key.is_none(), key.unwrap_or("")))
            .or_default()
            .push(p);
    }
    groups
        .into_iter()
        .map(|((none, key), pages)| ((!none).then_some(key), pages))
        .collect()
}

/// `check --overdue`: a table for editors.
fn overdue_table(outcome: &Outcome, by: GroupBy) -> String {
    let n = outcome.overdue_pages.len();
    let mut out = format!(
        "{n} page{} overdue for review (the review interval is {})\n",
        if n == 1 { "" } else { "s" },
        build::days(outcome.review_interval_days)
    );
    let groups = overdue_groups(outcome, by);
    let width = |f: fn(&build::OverduePage) -> usize| {
        outcome.overdue_pages.iter().map(f).max().unwrap_or(0)
    };
    let age_width = width(|p| p.age_days.to_string().len());
    let file_width = width(|p| p.file.chars().count());
    for (name, pages) in groups {
        let name = name.unwrap_or(match by {
            GroupBy::Provider => "(no provider)",
            GroupBy::Standard => "(no standard)",
        });
        out.push_str(&format!("\n{name} ({})\n", pages.len()));
        for p in pages {
            out.push_str(&format!(
                "  {}  {:>age_width$} days  {:file_width$}  {}\n",
                p.reviewed, p.age_days, p.file, p.title
            ));
        }
    }
    out
}

/// `check --overdue --format json`.
fn overdue_json(outcome: &Outcome, by: GroupBy) -> String {
    let groups: Vec<serde_json::Value> = overdue_groups(outcome, by)
        .into_iter()
        .map(|(name, pages)| serde_json::json!({ "name": name, "pages": pages }))
        .collect();
    let report = serde_json::json!({
        "review_interval_days": outcome.review_interval_days,
        "overdue": outcome.overdue_pages.len(),
        "group_by": match by {
            GroupBy::Provider => "provider",
            GroupBy::Standard => "standard",
        },
        "groups": groups,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

fn print_check_summary(outcome: &Outcome) {
    let errors = count_errors(&outcome.diagnostics);
    let overdue: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.file.is_some() && d.rule == diag::Rule::Overdue)
        .collect();
    let mut line = format!(
        "Checked {} pages in {:.2} s: {errors} error(s), {} warning(s)",
        outcome.pages,
        outcome.elapsed.as_secs_f64(),
        outcome.diagnostics.len() - errors
    );
    if !overdue.is_empty() {
        line.push_str(&format!("; {} page(s) overdue for review", overdue.len()));
    }
    outln!("{line}");
}

/// `faultbook new ...`: checks the refs against the site, writes, prints the
/// path: below the site's folder, or whole when the site was found above
/// this folder (`searched`).
fn new_command(
    root: &Path,
    searched: bool,
    page: NewPage,
    today: time::Date,
) -> anyhow::Result<ExitCode> {
    let Some(checked) = analyze_for_new(root, today)? else {
        return Ok(ExitCode::from(1));
    };
    let config = &checked.config;
    let (kind, name, provider, refs) = match &page {
        NewPage::Error { provider, code } => (
            Kind::Error,
            code.as_str(),
            Some(provider.as_str()),
            Vec::new(),
        ),
        NewPage::Compare { slug, refs } => (Kind::Compare, slug.as_str(), None, refs.clone()),
        NewPage::Playbook { slug, refs } => (Kind::Playbook, slug.as_str(), None, refs.clone()),
    };
    let mut problems = Vec::new();
    if let Some(p) = provider.filter(|p| !config.providers.contains_key(*p)) {
        let same_but_case = config
            .providers
            .keys()
            .find(|k| k.to_lowercase() == p.to_lowercase());
        match same_but_case {
            Some(k) => problems.push(format!(
                "unknown provider \"{p}\"; provider keys are case-sensitive: did you mean \"{k}\"?"
            )),
            None => problems.push(format!(
                "unknown provider \"{p}\" (known: {}); add it to site.toml first:\n\n[providers.{}]\nname = {}\ncontext = {}\n",
                faultbook::config::known_list(config.providers.keys()),
                toml_key(p),
                toml_string(&title_case(p)),
                toml_string(&format!(
                    "What {} errors are and where they come from.",
                    title_case(p)
                )),
            )),
        }
    }
    for r in &refs {
        if let Err(msg) = checked.graph.resolve_ref(r, &config.providers) {
            problems.push(msg);
        }
    }
    if !problems.is_empty() {
        for p in problems {
            eprintln!("error: {p}");
        }
        return Ok(ExitCode::from(1));
    }
    let rel = scaffold::new_page_path(kind, provider, name)?;
    let path = root.join(&rel);
    if path.exists() {
        eprintln!("error: {rel} already exists; it was left untouched");
        return Ok(ExitCode::from(1));
    }
    let (standard, needs_references) =
        scaffold::standard_for(config).map_or((None, false), |(k, r)| (Some(k), r));
    let title = (kind.spec().new_title)(name);
    let text = scaffold::page_text(&scaffold::NewPage {
        kind,
        title,
        code: kind.has_code().then_some(name),
        provider,
        refs,
        today,
        standard,
        needs_references,
    });
    scaffold::write_new(&path, &text)?;
    print_new_path(root, searched, &rel);
    Ok(ExitCode::SUCCESS)
}

/// The site as `new` reads it (drafts included), its errors reported.
fn analyze_for_new(root: &Path, today: time::Date) -> anyhow::Result<Option<build::Checked>> {
    let opts = Options {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        drafts: true,
        today,
    };
    Ok(match build::analyze(&opts)? {
        Ok(c) => Some(c),
        Err(diags) => {
            report(&diags, root, Verbosity::Normal);
            None
        }
    })
}

/// The path of a page `new` wrote: from the site's folder, or whole when
/// the site was found above this folder.
fn print_new_path(root: &Path, searched: bool, rel: &str) {
    if searched && root != Path::new(".") {
        outln!("{}", root.join(rel).display());
    } else {
        outln!("{rel}");
    }
}

/// `faultbook new ... --lang CODE`: a translation of an existing page,
/// beside it, with its title and summary to translate, its sections'
/// headings (their ids kept, so links to them work in every language)
/// and `reviewed` today.
fn translate_command(
    root: &Path,
    searched: bool,
    lang: &str,
    page: NewPage,
    today: time::Date,
) -> anyhow::Result<ExitCode> {
    let Some(checked) = analyze_for_new(root, today)? else {
        return Ok(ExitCode::from(1));
    };
    let config = &checked.config;
    let fail = |msg: String| {
        eprintln!("error: {msg}");
        Ok(ExitCode::from(1))
    };
    if !faultbook::i18n::is_language_code(lang) {
        return fail(format!(
            "\"{lang}\" is not a language code: 2-3 lowercase letters, then -subtags (fr, pt-BR)"
        ));
    }
    if config.language(lang).is_none() || lang == config.language {
        let known = config.translation_codes();
        if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(lang)) {
            return fail(format!(
                "site.toml declares the language as \"{k}\": use --lang {k}"
            ));
        }
        return fail(if lang == config.language {
            format!("{lang} is the site's default language, which originals are written in")
        } else if known.is_empty() {
            format!(
                "site.toml declares no language to translate into; add [languages.{lang}] first"
            )
        } else {
            format!(
                "site.toml does not declare the language \"{lang}\" (declared: {}); add [languages.{lang}] first",
                known.join(", ")
            )
        });
    }
    let (kind, name, provider) = match &page {
        NewPage::Error { provider, code } => (Kind::Error, code.as_str(), Some(provider.as_str())),
        NewPage::Compare { slug, .. } => (Kind::Compare, slug.as_str(), None),
        NewPage::Playbook { slug, .. } => (Kind::Playbook, slug.as_str(), None),
    };
    // An error page by its code, wherever its file is; a guide by its file.
    let found = match provider {
        Some(p) => checked
            .graph
            .resolve_ref(&format!("{p}:{name}"), &config.providers)
            .map_err(|_| format!("no error page of {p} has the code {name}")),
        None => {
            let rel = scaffold::new_page_path(kind, None, name)?;
            checked
                .graph
                .lookup_inner(&rel["content/".len()..])
                .ok_or(format!("{rel} does not exist"))
        }
    };
    let id = match found {
        Ok(id) => id,
        Err(why) => {
            return fail(format!(
                "{why}: a translation starts from its original (faultbook new without --lang writes one)"
            ))
        }
    };
    let rel = checked.graph.page(id).page.file.clone();
    let target = format!("{}.{lang}.md", rel.strip_suffix(".md").unwrap_or(&rel));
    let path = root.join(&target);
    if path.exists() {
        return fail(format!("{target} already exists; it was left untouched"));
    }
    let toc = checked.rendered[id]
        .as_ref()
        .map(|r| r.toc.clone())
        .unwrap_or_default();
    let text = scaffold::translation_text(&checked.graph.page(id).page.fm, &toc, today);
    scaffold::write_new(&path, &text)?;
    print_new_path(root, searched, &target);
    Ok(ExitCode::SUCCESS)
}

fn count_errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// Diagnostics on stderr, with source lines; colour only on a terminal and
/// without NO_COLOR.
fn report(diags: &[Diagnostic], root: &Path, verbosity: Verbosity) {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let shown: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| verbosity != Verbosity::Quiet || d.is_error())
        .cloned()
        .collect();
    let source = |file: &str| {
        std::fs::read(root.join(file))
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let _ = std::io::stderr()
        .lock()
        .write_all(diag::to_human(&shown, &source, color).as_bytes());
}

/// `key` as a TOML table key: bare when it can be.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// `s` as a TOML string, quoted and escaped.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A provider's name as a first guess from its key: `stripe` -> `Stripe`.
fn title_case(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}
