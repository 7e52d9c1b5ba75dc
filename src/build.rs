//! The pipeline, stage by stage:
//! config -> scan -> load pages (parallel) -> templates -> graph -> markdown
//! (parallel) -> cross-page checks -> [stop here for `check`, or on any error]
//! -> views (then the bodies' scans are dropped) -> output folder -> search
//! index -> render (parallel; listings one at a time beside the pages) ->
//! atomic write. The build's `Meter`
//! (`--timings`) times them as seven phases: load (up to the templates),
//! graph, markdown (with the checks), output, search, render, write.
//!
//! Every stage collects diagnostics instead of stopping, so one run reports
//! every content error. The library never prints: it returns an `Outcome`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use time::Date;

use crate::config::{Config, CONFIG_FILE};
use crate::diag::{Diagnostic, Rule};
use crate::graph::{self, Graph};
use crate::markdown::{self, highlight::Highlighter, Rendered};
use crate::memo::{self, Memo};
use crate::meter::{Meter, Phase};
use crate::output::{self, Sink, Staging};
use crate::page::format_date;
use crate::render::{self, THEME_ASSETS};
use crate::source;
use crate::templates;
use crate::urls::output_file;
use crate::view::{Assets, Model};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Options {
    pub root: PathBuf,
    /// Output folder as given on the command line (relative to the current
    /// folder); `None` uses `output_dir` of site.toml, relative to the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub today: Date,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub output: Option<PathBuf>,
    /// The pages behind the overdue summary, one warning each, when
    /// [`Report::overdue_pages`] asks for them (`build -v`).
    pub overdue: Vec<Diagnostic>,
    /// See [`Checked::notes`].
    pub notes: Vec<String>,
    /// `check`: the pages overdue for review, oldest first.
    pub overdue_pages: Vec<OverduePage>,
    /// `check`: the review interval the pages are overdue against.
    pub review_interval_days: u32,
    /// Where the time went, phase by phase (see `meter`).
    pub phases: Vec<Phase>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// "Today": `SOURCE_DATE_EPOCH` when set (SPEC §8), else the clock. A
/// value that is not a date is an error: a reproducible build that
/// silently took the clock, or 1970, would not be one.
pub fn today() -> Result<Date> {
    let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") else {
        return Ok(time::OffsetDateTime::now_utc().date());
    };
    let value = value.to_string_lossy();
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| *s >= 0)
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .map(|t| t.date())
        .with_context(|| {
            format!(
                "SOURCE_DATE_EPOCH=\"{value}\" is not a date: expected whole seconds since \
                 1970-01-01 UTC (as `git log -1 --format=%ct` prints), up to year 9999"
            )
        })
}

/// The state of a site after every check, before anything is rendered.
pub struct Checked {
    pub config: Config,
    pub graph: Graph,
    pub rendered: Vec<Option<Arc<Rendered>>>,
    pub autolinks: Arc<rustc_hash::FxHashMap<String, graph::PageId>>,
    pub highlighter: Highlighter,
    /// Hash of everything a page body's rendering can look up besides the
    /// body itself: the key of memoized markdown. Made only for the memo
    /// tables (`None` without them, and after serve's page edits, until
    /// [`Checked::fingerprint_for`] makes it).
    pub fingerprint: Option<memo::Key>,
    pub tera: Option<tera::Tera>,
    pub overrides: BTreeMap<String, String>,
    pub assets: Vec<(String, Vec<u8>)>,
    pub statics: Vec<source::SourceFile>,
    pub content_assets: Vec<source::SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Of `diagnostics`, the root-relative links in templates that lead nowhere.
    pub template_links: Vec<Diagnostic>,
    /// What the build did that a user may want to know (`-v`): static files
    /// that replace generated ones.
    pub notes: Vec<String>,
    /// What was read before the graph, to check the site again after an
    /// edit of its pages alone (`serve`).
    pub parts: Parts,
}

/// What a check reads before it places the pages: all that `check_pages`
/// needs besides the pages themselves.
pub struct Parts {
    pub config_text: String,
    /// Diagnostics of site.toml, the walk and static files.
    pub site_diags: Vec<Diagnostic>,
    /// Diagnostics of reading the site's templates and loading the theme.
    pub template_diags: Vec<Diagnostic>,
    /// The diagnostics of loading each page file, by file.
    pub page_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// Generated files no page may write.
    pub reserved: Vec<(String, String)>,
    /// Content assets and static files, by output path and file.
    pub asset_pairs: Vec<(String, String)>,
    pub static_pairs: Vec<(String, String)>,
    /// The site has symlinked files (see `source::Scan::linked`).
    pub linked: bool,
}

/// A page's scan from an earlier build that still holds in `graph`, if any.
pub type Reuse<'r> = &'r (dyn Fn(&Graph, graph::PageId) -> Option<Arc<Rendered>> + Sync);

/// The site's pages placed, scanned and checked.
pub struct Scanned {
    pub graph: Graph,
    pub rendered: Vec<Option<Arc<Rendered>>>,
    pub autolinks: Arc<rustc_hash::FxHashMap<String, graph::PageId>>,
    pub fingerprint: Option<memo::Key>,
    /// Every diagnostic, those of `template_links` included.
    pub diagnostics: Vec<Diagnostic>,
    /// Root-relative links in the site's templates that lead nowhere.
    pub template_links: Vec<Diagnostic>,
}

/// Runs every validation of a build without writing anything. `Err` holds
/// the diagnostics when any is an error.
pub fn check(opts: &Options) -> Result<std::result::Result<Checked, Vec<Diagnostic>>> {
    Ok(match analyze(opts)? {
        Ok(c) if c.diagnostics.iter().any(Diagnostic::is_error) => Err(c.diagnostics),
        other => other,
    })
}

/// Loads and checks a site. `Err` only when site.toml itself is unusable;
/// otherwise the site comes back with its diagnostics, errors included, so
/// that tools such as `new` can still look refs up in its graph.
pub fn analyze(opts: &Options) -> Result<std::result::Result<Checked, Vec<Diagnostic>>> {
    analyze_with(opts, None, &Meter::default())
}

/// `analyze`, reusing and refilling `memo` (see `memo`): what a rebuild in
/// `serve` calls. Its phases go to `meter`.
pub fn analyze_with(
    opts: &Options,
    memo: Option<&Memo>,
    meter: &Meter,
) -> Result<std::result::Result<Checked, Vec<Diagnostic>>> {
    meter.phase("load", 0);
    // The syntax set takes tens of milliseconds to load: on a thread of
    // its own, it is ready by the time the first code block is scanned.
    crate::markdown::highlight::warm_up();
    let (config, config_text, mut diags) = match read_config(opts)? {
        Ok(c) => c,
        Err(d) => return Ok(Err(d)),
    };
    let output = output_dir(opts, &config);
    let scan = source::scan(&opts.root, &output);
    diags.extend(scan.diagnostics.iter().cloned());
    meter.count(scan.pages.len());
    let (pages, broken, page_diags) = load_pages(&scan.pages, &config, opts, memo, meter);
    let mut template_diags = Vec::new();
    let (overrides, tera) = load_templates(&scan.templates, &mut template_diags);
    let Statics {
        assets,
        statics,
        reserved,
        notes,
    } = split_statics(scan.statics, &config, &mut diags);
    let content_assets = scan.assets;
    let pairs = |files: &[source::SourceFile]| -> Vec<(String, String)> {
        files
            .iter()
            .map(|f| (f.inner.clone(), f.rel.clone()))
            .collect()
    };
    let parts = Parts {
        config_text,
        site_diags: diags,
        template_diags,
        page_diags,
        reserved,
        asset_pairs: pairs(&content_assets),
        static_pairs: pairs(&statics),
        linked: scan.linked,
    };
    let highlighter = Highlighter::default();
    let Scanned {
        graph,
        rendered,
        autolinks,
        fingerprint,
        diagnostics,
        template_links,
    } = check_pages(
        opts,
        &config,
        &parts,
        &overrides,
        Placing::Pages(pages, broken),
        &highlighter,
        memo,
        None,
        meter,
    );
    meter.finish();

    Ok(Ok(Checked {
        config,
        graph,
        rendered,
        autolinks,
        highlighter,
        fingerprint,
        tera,
        overrides,
        assets,
        statics,
        content_assets,
        diagnostics,
        template_links,
        notes,
        parts,
    }))
}

/// What [`check_pages`] checks: pages (loaded, and the content paths that
/// failed to load) to place in a graph, or a graph placed before (serve's,
/// when an edit changed nothing the graph reads, see `graph::same_place`).
pub enum Placing {
    Pages(Vec<Arc<crate::load::Page>>, BTreeSet<String>),
    /// A graph placed before, with its table of autolinked codes (the
    /// codes, drafts and pages are those it was made from).
    Placed(Graph, Arc<rustc_hash::FxHashMap<String, graph::PageId>>),
}

/// Places `pages` in a graph, scans their bodies (reusing what `reuse`
/// gives) and runs every check that reads more than one page: the second
/// half of `analyze`, and all of a check after an edit of pages alone.
#[allow(clippy::too_many_arguments)]
pub fn check_pages(
    opts: &Options,
    config: &Config,
    parts: &Parts,
    overrides: &BTreeMap<String, String>,
    placing: Placing,
    highlighter: &Highlighter,
    memo: Option<&Memo>,
    reuse: Option<Reuse<'_>>,
    meter: &Meter,
) -> Scanned {
    let mut diags = parts.site_diags.clone();
    diags.extend(parts.template_diags.iter().cloned());
    diags.extend(parts.page_diags.values().flatten().cloned());
    meter.phase("graph", 0);
    let (graph, autolinks) = match placing {
        Placing::Pages(pages, broken) => (
            graph::build(
                graph::Inputs {
                    config,
                    pages,
                    broken,
                    assets: &parts.asset_pairs,
                    statics: &parts.static_pairs,
                    drafts: opts.drafts,
                },
                graph::Reserved {
                    files: &parts.reserved,
                },
                &mut diags,
            ),
            None,
        ),
        Placing::Placed(graph, autolinks) => (graph, Some(autolinks)),
    };
    let autolinks = autolinks.unwrap_or_else(|| Arc::new(markdown::autolink_table(&graph)));
    let ctx = markdown::Context {
        config,
        graph: &graph,
        autolinks: &autolinks,
        highlighter,
    };
    let fingerprint = memo.map(|_| fingerprint(&parts.config_text, opts, &graph));
    meter.phase("markdown", graph.nodes.len());
    let rendered = scan_bodies(&ctx, memo.zip(fingerprint.as_ref()), reuse, meter);
    for r in rendered.iter().flatten() {
        diags.extend(r.diagnostics.iter().cloned());
    }
    check_links_between_pages(&graph, &rendered, &mut diags);
    overdue_summary(config, &graph, opts.today, &mut diags);
    diags.extend(graph.outdated());
    point_at_values(&graph, &opts.root, &mut diags);
    let mut template_links = Vec::new();
    check_links_in_templates(overrides, config, &graph, &mut template_links);
    diags.extend(template_links.iter().cloned());
    Scanned {
        graph,
        rendered,
        autolinks,
        fingerprint,
        diagnostics: diags,
        template_links,
    }
}

/// site.toml, read and validated, with its text (for the memo key) and
/// its warnings; `Err` when it is missing or unusable.
#[allow(clippy::type_complexity)]
fn read_config(
    opts: &Options,
) -> Result<std::result::Result<(Config, String, Vec<Diagnostic>), Vec<Diagnostic>>> {
    let root = &opts.root;
    let config_path = root.join(CONFIG_FILE);
    let config_text = match std::fs::read(&config_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Err(vec![Rule::Config.error(
                CONFIG_FILE,
                None,
                format!(
                    "no site.toml in {}; run faultbook in a site's folder or a folder inside it (the nearest site.toml above is used), or pass --root",
                    root.display()
                ),
            )]));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", config_path.display())),
    };
    let config_text = match source::decode(&config_text) {
        Ok(t) => t,
        Err((line, msg)) => return Ok(Err(vec![Rule::Encoding.error(CONFIG_FILE, line, msg)])),
    };
    let themes = markdown::highlight::theme_names();
    let mut config = match Config::parse(&config_text, &themes) {
        Ok(c) => c,
        Err(d) => return Ok(Err(d)),
    };
    let mut diags: Vec<Diagnostic> = Config::control_warnings(&config_text);
    if let Some(b) = &opts.base_url {
        match crate::urls::BaseUrl::parse(b) {
            Ok(base) => config.base = base,
            Err(msg) => diags.push(Rule::Config.site_error(format!("--base-url: {msg}"))),
        }
    }
    Ok(Ok((config, config_text, diags)))
}

/// Every page read and checked against its kind's schema, in parallel;
/// the inner paths of the pages that could not be loaded; each file's
/// diagnostics.
#[allow(clippy::type_complexity)]
fn load_pages(
    files: &[source::SourceFile],
    config: &Config,
    opts: &Options,
    memo: Option<&Memo>,
    meter: &Meter,
) -> (
    Vec<Arc<crate::load::Page>>,
    BTreeSet<String>,
    BTreeMap<String, Vec<Diagnostic>>,
) {
    let has_default_standard = config.default_standard.is_some();
    let budget = crate::load::BodyBudget::for_build();
    let translations = config.translation_codes();
    let with = crate::load::With {
        today: opts.today,
        has_default_standard,
        budget: &budget,
        language: &config.language,
        translations: &translations,
    };
    let loaded: Vec<(
        Option<Arc<crate::load::Page>>,
        Vec<Diagnostic>,
        &source::SourceFile,
    )> = files
        .par_iter()
        .map(|f| {
            let (page, d) = match std::fs::read(&f.abs) {
                Ok(bytes) => {
                    let load = || {
                        let mut d = Vec::new();
                        let p = crate::load::page(&f.rel, &f.inner, &f.abs, &bytes, &with, &mut d);
                        (p.map(Arc::new), d)
                    };
                    let (p, d) = match memo {
                        Some(m) => {
                            let today = format_date(opts.today);
                            let k = memo::key(&[
                                f.rel.as_bytes(),
                                &bytes,
                                today.as_bytes(),
                                &[u8::from(has_default_standard)],
                                config.language.as_bytes(),
                                translations.join(" ").as_bytes(),
                            ]);
                            m.loads.get_or(k, load)
                        }
                        None => load(),
                    };
                    (p, d)
                }
                Err(e) => (
                    None,
                    vec![Rule::File.error(&f.rel, None, format!("cannot read: {e}"))],
                ),
            };
            meter.tick();
            (page, d, f)
        })
        .collect();
    let mut pages = Vec::with_capacity(loaded.len());
    let mut broken = BTreeSet::new();
    let mut diags = BTreeMap::new();
    for (page, d, f) in loaded {
        if !d.is_empty() {
            diags.insert(f.rel.clone(), d);
        }
        match page {
            Some(p) => pages.push(p),
            None => {
                broken.insert(f.inner.clone());
            }
        }
    }
    (pages, broken, diags)
}

/// The site's template overrides by name, and the theme with them
/// (`None` when a template does not load).
pub(crate) fn load_templates(
    files: &[source::SourceFile],
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, Option<tera::Tera>) {
    let mut overrides = BTreeMap::new();
    for t in files {
        match std::fs::read(&t.abs).map(|b| source::decode(&b)) {
            Ok(Ok(text)) => {
                overrides.insert(t.inner.clone(), text);
            }
            Ok(Err((line, msg))) => diags.push(Rule::Encoding.error(&t.rel, line, msg)),
            Err(e) => diags.push(Rule::File.error(&t.rel, None, format!("cannot read: {e}"))),
        }
    }
    let tera = match templates::load(&overrides) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    (overrides, tera)
}

/// The site's static files sorted out against what the build generates.
struct Statics {
    /// The theme's assets, each replaced by the site's file of its name.
    assets: Vec<(String, Vec<u8>)>,
    /// The static files copied as they are.
    statics: Vec<source::SourceFile>,
    /// Generated files no page may write: the routes and the assets, less
    /// those a static file replaces on purpose.
    reserved: Vec<(String, String)>,
    notes: Vec<String>,
}

fn split_statics(
    files: Vec<source::SourceFile>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Statics {
    let mut statics = Vec::new();
    let mut asset_sources: BTreeMap<&str, Vec<u8>> = THEME_ASSETS
        .iter()
        .map(|(n, s)| (*n, s.as_bytes().to_vec()))
        .collect();
    for f in files {
        if let Some((name, _)) = THEME_ASSETS.iter().find(|(n, _)| *n == f.inner) {
            match std::fs::read(&f.abs) {
                Ok(b) => {
                    asset_sources.insert(name, b);
                }
                Err(e) => diags.push(Rule::File.error(&f.rel, None, format!("cannot read: {e}"))),
            }
        } else {
            statics.push(f);
        }
    }
    for (key, asset) in [
        ("logo", &config.theme.logo),
        ("favicon", &config.theme.favicon),
    ] {
        let Some(asset) = asset else { continue };
        if let Some(file) = asset.static_file() {
            if !statics.iter().any(|f| f.inner == file) {
                diags.push(
                    Rule::Config
                        .error(
                            crate::config::CONFIG_FILE,
                            Some(asset.line),
                            format!(
                                "[theme] {key} \"{}\" is not a file in static/ (give a path under \
                                 static/, as \"logo.svg\" for static/logo.svg, or an https URL)",
                                asset.value
                            ),
                        )
                        .at_column(Some(asset.column)),
                );
            }
        }
    }
    let assets = theme_assets(asset_sources, config);
    let asset_names: Vec<String> = assets.iter().map(|(n, _)| n.clone()).collect();
    // A site's own static file replaces the generated file of its path
    // (robots.txt, _redirects, 404.html): it is copied last, over it.
    let mut notes = Vec::new();
    let reserved: Vec<(String, String)> = render::reserved_outputs(&asset_names)
        .into_iter()
        .filter(
            |(path, what)| match statics.iter().find(|f| f.inner == *path) {
                Some(f) => {
                    notes.push(format!("{} replaces {what}", f.rel));
                    false
                }
                None => true,
            },
        )
        .collect();
    Statics {
        assets,
        statics,
        reserved,
        notes,
    }
}

/// Every published body scanned (links, anchors, diagnostics), in parallel.
fn scan_bodies(
    ctx: &markdown::Context<'_>,
    memo: Option<(&Memo, &memo::Key)>,
    reuse: Option<Reuse<'_>>,
    meter: &Meter,
) -> Vec<Option<Arc<Rendered>>> {
    let graph = ctx.graph;
    (0..graph.nodes.len())
        .into_par_iter()
        .map(|id| {
            let node = graph.page(id);
            let r = node.published.then(|| {
                if let Some(r) = reuse.and_then(|reuse| reuse(graph, id)) {
                    return r;
                }
                let scan = || {
                    node.page
                        .body_or_diagnostic()
                        .map(|body| markdown::render(ctx, id, &body, markdown::Mode::Scan))
                };
                let scanned = match memo {
                    Some((m, fingerprint)) => {
                        let k =
                            memo::key(&[fingerprint, &(id as u64).to_le_bytes(), &node.page.hash]);
                        m.scans.try_get_or(k, || scan().map(Arc::new))
                    }
                    None => scan().map(Arc::new),
                };
                scanned.unwrap_or_else(|d| {
                    Arc::new(Rendered {
                        diagnostics: vec![d],
                        ..Default::default()
                    })
                })
            });
            meter.tick();
            r
        })
        .collect()
}

/// Links to anchors on other pages, and root-relative links, checked
/// against the whole site.
fn check_links_between_pages(
    graph: &Graph,
    rendered: &[Option<Arc<Rendered>>],
    diags: &mut Vec<Diagnostic>,
) {
    for (id, r) in rendered.iter().enumerate() {
        let Some(r) = r else { continue };
        let file = &graph.page(id).page.file;
        for link in &r.links {
            if let (Some(anchor), Some(target)) = (
                &link.anchor,
                rendered.get(link.target).and_then(Option::as_ref),
            ) {
                if !target.has_anchor(anchor) {
                    diags.push(
                        Rule::Anchor
                            .error(
                                file,
                                Some(link.line),
                                format!(
                                "link to \"{}\": {} has no heading or element with id \"{anchor}\"",
                                link.written,
                                graph.page(link.target).page.file
                            ),
                            )
                            .at_column(Some(link.column)),
                    );
                }
            }
        }
        for (path, line, column) in &r.root_links {
            if !root_link_exists(graph, path) {
                diags.push(
                    Rule::Link
                        .error(
                            file,
                            Some(*line),
                            format!("link to \"/{path}\": the built site has no such page or file"),
                        )
                        .at_column(Some(*column)),
                );
            }
        }
    }
}

/// Root-relative links written literally in the site's templates.
pub(crate) fn check_links_in_templates(
    overrides: &BTreeMap<String, String>,
    config: &Config,
    graph: &Graph,
    diags: &mut Vec<Diagnostic>,
) {
    for (name, src) in overrides {
        for (i, line) in src.lines().enumerate() {
            for attr in ["href=\"/", "src=\"/"] {
                for (p, _) in line.match_indices(attr) {
                    let rest = &line[p + attr.len()..];
                    let target = rest.split('"').next().unwrap_or("");
                    if target.starts_with('/') || target.contains("{{") || target.contains("{%") {
                        continue;
                    }
                    let path = target.split(['#', '?']).next().unwrap_or("");
                    let path = path
                        .strip_prefix(config.base.path.trim_start_matches('/'))
                        .unwrap_or(path);
                    if !root_link_exists(graph, &crate::urls::percent_decode(path)) {
                        diags.push(Rule::Link.error(
                            format!("templates/{name}"),
                            Some(i as u32 + 1),
                            format!(
                                "link to \"/{target}\": the built site has no such page or file"
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// Gives front-matter diagnostics found after loading (refs, providers,
/// collisions) the column of the value on their line. Each file is read
/// once, and dropped before the next.
fn point_at_values(graph: &Graph, root: &std::path::Path, diags: &mut [Diagnostic]) {
    let mut todo: Vec<&mut Diagnostic> = diags
        .iter_mut()
        .filter(|d| d.column.is_none())
        .filter(|d| {
            let (Some(file), Some(line)) = (&d.file, d.line) else {
                return false;
            };
            file.strip_prefix("content/")
                .and_then(|inner| graph.lookup_inner(inner))
                .is_some_and(|id| line > 1 && line < graph.page(id).page.body_line - 1)
        })
        .collect();
    todo.sort_by(|a, b| a.file.cmp(&b.file));
    for same_file in todo.chunk_by_mut(|a, b| a.file == b.file) {
        let Some(file) = same_file[0].file.clone() else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        for d in same_file {
            let line = d.line.unwrap_or(0) as usize;
            d.column = text
                .lines()
                .nth(line - 1)
                .and_then(crate::frontmatter::value_column);
        }
    }
}

impl Checked {
    /// The fingerprint of the checked site, made now if it was not.
    pub fn fingerprint_for(&mut self, opts: &Options) -> memo::Key {
        *self
            .fingerprint
            .get_or_insert_with(|| fingerprint(&self.parts.config_text, opts, &self.graph))
    }
}

/// Hash of what markdown rendering reads from the site besides a body:
/// config, options, and every page's path, URL, kind, code, provider, title
/// and status, the broken pages and the set of outputs.
fn fingerprint(config_text: &str, opts: &Options, graph: &Graph) -> memo::Key {
    let mut k = memo::KeyBuilder::default();
    k.part(config_text.as_bytes())
        .part(opts.base_url.as_deref().unwrap_or("").as_bytes())
        .part(&[u8::from(opts.drafts)])
        .part(format_date(opts.today).as_bytes());
    for n in &graph.nodes {
        let fm = &n.page.fm;
        k.part(n.page.file.as_bytes())
            .part(n.path.as_bytes())
            .part(&[u8::from(n.published), n.page.kind as u8])
            .part(fm.code.as_deref().unwrap_or("").as_bytes())
            .part(fm.provider.as_deref().unwrap_or("").as_bytes())
            .part(fm.title.as_bytes());
    }
    for b in &graph.broken {
        k.part(b.as_bytes());
    }
    let mut outputs: Vec<&String> = graph.outputs.keys().collect();
    outputs.sort_unstable();
    for o in outputs {
        k.part(o.as_bytes());
    }
    k.finish()
}

pub(crate) fn root_link_exists(graph: &Graph, path: &str) -> bool {
    let p = path.to_lowercase();
    if p.is_empty() {
        return true;
    }
    graph.outputs.contains_key(&p)
        || graph
            .outputs
            .contains_key(&output_file(&format!("{}/", p.trim_end_matches('/'))))
}

/// "1 day", "2 days".
pub fn days(n: impl Into<i64>) -> String {
    match n.into() {
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

/// Overdue reviews become one warning per page.
pub fn overdue_pages(config: &Config, graph: &Graph, today: Date) -> Vec<(Date, usize)> {
    let mut v: Vec<(Date, usize)> = graph
        .published()
        .filter(|(_, n)| n.page.kind.is_reviewed())
        .filter_map(|(id, n)| n.page.fm.reviewed.map(|d| (d, id)))
        .filter(|(d, _)| (today - *d).whole_days() > i64::from(config.review_interval_days))
        .collect();
    v.sort();
    v
}

fn overdue_summary(config: &Config, graph: &Graph, today: Date, diags: &mut Vec<Diagnostic>) {
    let overdue = overdue_pages(config, graph, today);
    if let Some((oldest, id)) = overdue.first() {
        diags.push(Rule::Overdue.site_warning(format!(
            "{} {} overdue for review (older than {}); the oldest is {}, reviewed {}",
            overdue.len(),
            if overdue.len() == 1 {
                "page is"
            } else {
                "pages are"
            },
            days(config.review_interval_days),
            graph.page(*id).page.file,
            format_date(*oldest)
        )));
    }
}

/// Theme CSS (with the highlight stylesheet) and JS under content-hashed names.
fn theme_assets(sources: BTreeMap<&str, Vec<u8>>, config: &Config) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (name, mut bytes) in sources {
        if name.ends_with(".css") {
            bytes.extend_from_slice(b"\n");
            bytes.extend_from_slice(
                markdown::highlight::stylesheet(&config.markdown.highlight_theme).as_bytes(),
            );
        }
        let hash = blake3::hash(&bytes).to_hex();
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        out.push((format!("assets/{stem}.{}.{ext}", &hash[..10]), bytes));
    }
    out
}

pub(crate) fn output_dir(opts: &Options, config: &Config) -> PathBuf {
    match &opts.output {
        Some(o) => o.clone(),
        None => opts
            .root
            .join(config.output_dir.as_deref().unwrap_or("public")),
    }
}

/// The view model of a checked site: what every output is rendered from.
pub fn model(c: &Checked, today: Date) -> Model<'_> {
    let assets = assets_of(c);
    Model::new(markdown_context(c), &c.rendered, today, assets, None)
}

/// `model`, with the items of unchanged pages carried over from serve's
/// last model.
pub fn model_carrying<'c>(c: &'c Checked, today: Date, carry: crate::view::Carry<'_>) -> Model<'c> {
    Model::new(
        markdown_context(c),
        &c.rendered,
        today,
        assets_of(c),
        Some(carry),
    )
}

/// The hrefs of the theme's stylesheet and script.
fn assets_of(c: &Checked) -> Assets {
    let find = |suffix: &str| {
        c.assets
            .iter()
            .find(|(n, _)| n.ends_with(suffix))
            .map(|(n, _)| c.config.base.href(n))
            .unwrap_or_default()
    };
    Assets {
        css: find(".css"),
        js: find(".js"),
    }
}

/// `model` from parts computed before (see `view::Derived`).
pub fn model_with(c: &Checked, today: Date, derived: crate::view::Derived) -> Model<'_> {
    Model::with(markdown_context(c), &c.rendered, today, derived)
}

/// What rendering a body reads of a checked site.
pub fn markdown_context(c: &Checked) -> markdown::Context<'_> {
    markdown::Context {
        config: &c.config,
        graph: &c.graph,
        autolinks: &c.autolinks,
        highlighter: &c.highlighter,
    }
}

/// Renders a checked site into `sink`. Returns template diagnostics, if any.
pub fn render_into(c: &Checked, today: Date, sink: &dyn Sink) -> Result<(usize, Vec<Diagnostic>)> {
    render_into_with(c, today, sink, None, None, true, &Meter::default()).map(|(n, d, _)| (n, d))
}

/// `render_into`, from the model's parts when `derived` gives them (a
/// build makes them before it drops the scans), reusing outputs and
/// bodies memoized in `memo`, and leaving the search index out unless
/// `search` (`serve` keeps its own, `search::Index`). Its phases go to
/// `meter`. Returns the number of files written, template diagnostics,
/// and what the model computed over every page (with the list items
/// rendered), for serve to keep.
pub fn render_into_with(
    c: &Checked,
    today: Date,
    sink: &dyn Sink,
    derived: Option<crate::view::Derived>,
    memo: Option<&Memo>,
    search: bool,
    meter: &Meter,
) -> Result<(usize, Vec<Diagnostic>, Option<crate::view::Derived>)> {
    let Some(tera) = &c.tera else {
        return Ok((0, Vec::new(), None));
    };
    let mut model = match derived {
        Some(d) => model_with(c, today, d),
        None => model(c, today),
    };
    model.memo = memo.zip(c.fingerprint);
    // The search index first: its working memory is freed before pages
    // are rendered, so the two never add up.
    let mut files = if search {
        meter.phase("search", 0);
        let mut files = 0;
        for lang in 0..c.config.languages.len() {
            let prefix = crate::routes::prefix(&c.config, lang);
            files += crate::search::write(&model, lang, &mut |path, bytes| {
                sink.write(&format!("{prefix}{path}"), bytes)
            })?;
        }
        files
    } else {
        0
    };
    let jobs = render::plan(&model);
    meter.phase("render", jobs.len());
    let mut diags = render::render_all(&model, &jobs, tera, &c.overrides, sink, meter)?;
    let unread = model.take_unread();
    if !unread.is_empty() {
        // Outputs made from the missing bodies may be memoized: drop them all.
        if let Some(m) = memo {
            m.clear();
        }
        diags.extend(unread);
    }
    if !diags.is_empty() {
        meter.finish();
        return Ok((0, diags, None));
    }
    files += jobs.len();
    if memo.is_none() {
        // Nothing carries the list items' HTML to a next build: it goes
        // before the site's largest files (codes.json, the sitemap) are
        // made, so that the two never add up.
        model.fragments = Vec::new();
    }
    meter.phase("write", 0);
    // One at a time: at 100,000 pages each is tens of MB.
    for route in crate::routes::of_site(&c.config, c.graph.by_tag.keys()) {
        if let crate::routes::Make::File(make, lang, _) = route.make {
            sink.write(&route.file(), make(&model, lang).as_bytes())?;
            files += 1;
        }
    }
    for (path, bytes) in &c.assets {
        sink.write(path, bytes)?;
        files += 1;
    }
    let copies: Vec<&source::SourceFile> = c.statics.iter().chain(&c.content_assets).collect();
    copies
        .par_iter()
        .map(|f| sink.copy(&f.inner, &f.abs))
        .collect::<Result<Vec<()>>>()?;
    files += copies.len();
    Ok((files, Vec::new(), Some(model.into_derived())))
}

/// `faultbook build`: check, render into a staging folder, swap it in.
pub fn build(opts: &Options) -> Result<Outcome> {
    build_with(opts, Report::default(), &Meter::default(), &|_| {})
}

/// What a build reports besides its diagnostics.
#[derive(Clone, Copy, Default)]
pub struct Report {
    /// One warning per page overdue for review in [`Outcome::overdue`]
    /// (`build -v`). Each points at its file's `reviewed` value, which
    /// reads the file again: at 100,000 overdue pages that is a second
    /// read of the whole site, for a list shown only on request.
    pub overdue_pages: bool,
}

/// `build`, recording its phases in `meter`, reporting what `report` asks
/// for, and calling `on_wait` when another build is writing the same output
/// folder and this one waits for it.
pub fn build_with(
    opts: &Options,
    report: Report,
    meter: &Meter,
    on_wait: &dyn Fn(&std::path::Path),
) -> Result<Outcome> {
    let start = Instant::now();
    let mut outcome = Outcome::default();
    // An output folder given on the command line is refused before the site
    // is read: its refusal is the one thing to say, and the walk skips it.
    let early = match &opts.output {
        Some(o) => Some(output::resolve(&opts.root, o)?),
        None => None,
    };
    let mut checked = match analyze_with(opts, None, meter)? {
        Ok(c) if !c.diagnostics.iter().any(Diagnostic::is_error) => c,
        Ok(Checked { diagnostics: d, .. }) | Err(d) => {
            outcome.diagnostics = sorted(d);
            outcome.elapsed = start.elapsed();
            meter.finish();
            outcome.phases = meter.phases();
            return Ok(outcome);
        }
    };
    let output = output_dir(opts, &checked.config);
    let target = match early {
        Some(t) => t,
        None => output::resolve(&opts.root, &output)?,
    };
    meter.phase("output", 0);
    let derived = model_without_scans(&mut checked, opts.today);
    let staging = Staging::new(&opts.root, &target, on_wait)?;
    let (files, template_diags, _) = render_into_with(
        &checked,
        opts.today,
        &staging,
        Some(derived),
        None,
        true,
        meter,
    )?;
    let mut diags = checked.diagnostics.clone();
    diags.extend(template_diags);
    outcome.diagnostics = sorted(diags);
    if !outcome.has_errors() {
        staging.commit()?;
        outcome.output = Some(output);
    }
    meter.finish();
    if report.overdue_pages {
        outcome.overdue = overdue_diagnostics(
            &checked,
            &opts.root,
            opts.today,
            crate::diag::Severity::Warning,
        );
    }
    outcome.pages = checked.graph.published().count();
    outcome.notes = checked.notes.clone();
    outcome.files = files;
    outcome.elapsed = start.elapsed();
    outcome.phases = meter.phases();
    Ok(outcome)
}

/// The view model's parts, made before each page's scan is dropped: once
/// every check has run, the render of a build reads nothing else of them.
/// The model takes the summaries (first paragraphs) and backlinks (links'
/// targets); the render makes each page's table of contents again with
/// its HTML. At 100,000 pages the scans are a quarter of the memory.
fn model_without_scans(checked: &mut Checked, today: Date) -> crate::view::Derived {
    // What the model does not read goes first, so that its items and the
    // scans are not held at once.
    shed_scans(&mut checked.rendered);
    let derived = model(checked, today).into_derived();
    checked.rendered.iter_mut().for_each(|r| *r = None);
    derived
}

/// Drops all but what the view model reads of each page's scan: the first
/// paragraph and the links' targets. A scan shared elsewhere is left whole.
fn shed_scans(rendered: &mut [Option<Arc<Rendered>>]) {
    rendered.par_iter_mut().flatten().for_each(|r| {
        if let Some(r) = Arc::get_mut(r) {
            let links = r
                .links
                .iter()
                .map(|l| markdown::PageLink {
                    target: l.target,
                    anchor: None,
                    line: l.line,
                    column: l.column,
                    written: String::new(),
                })
                .collect();
            *r = Rendered {
                first_paragraph: std::mem::take(&mut r.first_paragraph),
                links,
                ..Rendered::default()
            };
        }
    });
}

/// Diagnostics in report order, each once.
pub fn sorted(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    d.sort();
    d.dedup();
    d
}

/// One diagnostic per page overdue for review, at its `reviewed` value.
pub fn overdue_diagnostics(
    c: &Checked,
    root: &std::path::Path,
    today: Date,
    severity: crate::diag::Severity,
) -> Vec<Diagnostic> {
    let pages = overdue_pages(&c.config, &c.graph, today);
    overdue_diagnostics_of(c, root, today, severity, &pages)
}

/// [`overdue_diagnostics`] of the overdue `pages` found already.
fn overdue_diagnostics_of(
    c: &Checked,
    root: &std::path::Path,
    today: Date,
    severity: crate::diag::Severity,
    pages: &[(Date, usize)],
) -> Vec<Diagnostic> {
    let mut d: Vec<Diagnostic> = pages
        .iter()
        .map(|&(date, id)| {
            let p = &c.graph.page(id).page;
            Diagnostic {
                rule: Rule::Overdue,
                file: Some(p.file.clone()),
                line: Some(p.fm.line_of("reviewed")),
                column: None,
                severity,
                message: format!(
                    "overdue for review: reviewed {} ({} ago; the review interval is {})",
                    format_date(date),
                    days((today - date).whole_days()),
                    days(c.config.review_interval_days)
                ),
            }
        })
        .collect();
    point_at_values(&c.graph, root, &mut d);
    d
}

/// A page overdue for review, for editors' report (`check --overdue`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct OverduePage {
    /// Root-relative, as in diagnostics.
    pub file: String,
    pub title: String,
    pub code: Option<String>,
    /// The provider's key.
    pub provider: Option<String>,
    /// The editorial standard's key.
    pub standard: Option<String>,
    pub reviewed: String,
    /// Days since it was reviewed.
    pub age_days: i64,
}

/// `faultbook check`: every validation of `build`, writing nothing, plus a
/// warning (an error with `deny_stale`) for each page overdue for review.
pub fn check_site(opts: &Options, deny_stale: bool) -> Result<Outcome> {
    let start = Instant::now();
    let mut outcome = Outcome::default();
    let diags = match analyze(opts)? {
        Err(d) => d,
        Ok(c) => {
            let severity = if deny_stale {
                crate::diag::Severity::Error
            } else {
                crate::diag::Severity::Warning
            };
            let overdue = overdue_pages(&c.config, &c.graph, opts.today);
            let mut d = c.diagnostics.clone();
            // Outdated translations are stale too.
            for x in d.iter_mut().filter(|x| x.rule == Rule::Outdated) {
                x.severity = severity;
            }
            d.extend(overdue_diagnostics_of(
                &c, &opts.root, opts.today, severity, &overdue,
            ));
            // Templates that load may still fail on the site's data.
            if let (Some(tera), false) = (&c.tera, c.diagnostics.iter().any(Diagnostic::is_error)) {
                d.extend(render::try_templates(
                    &model(&c, opts.today),
                    tera,
                    &c.overrides,
                ));
            }
            outcome.pages = c.graph.published().count();
            outcome.review_interval_days = c.config.review_interval_days;
            outcome.overdue_pages = overdue
                .into_iter()
                .map(|(date, id)| {
                    let n = c.graph.page(id);
                    OverduePage {
                        file: n.page.file.clone(),
                        title: n.page.fm.title.clone(),
                        code: n.page.fm.code.clone(),
                        provider: n.page.fm.provider.clone(),
                        standard: n.standard.clone(),
                        reviewed: format_date(date),
                        age_days: (opts.today - date).whole_days(),
                    }
                })
                .collect();
            d
        }
    };
    outcome.diagnostics = sorted(diags);
    outcome.elapsed = start.elapsed();
    Ok(outcome)
}
