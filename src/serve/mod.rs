//! `faultbook serve`: build into memory, serve the snapshot, watch the
//! inputs, rebuild on change, reload open pages, show errors in an overlay.
//!
//! The server only ever sees a complete snapshot: a rebuild renders into a
//! new in-memory map and swaps it in (an `Arc` behind a lock) only when it
//! succeeded. A failed rebuild keeps the last good snapshot and publishes the
//! diagnostics to every open page; until a first build succeeds, every page
//! is a list of the errors that turns into the site once they are fixed.
//! `public/` is never touched.

pub mod http;
mod listen;
pub mod session;
mod update;
pub mod watch;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::build::{self, Options};
use crate::diag::{Diagnostic, Rule};
use crate::output::Sink;
use crate::packed::{Bytes, Packed};
use session::Session;

/// A complete build, in memory: site path -> bytes.
#[derive(Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, Packed>,
}

/// Collects rendered files into a snapshot, and what each output read.
#[derive(Default)]
struct MemorySink {
    files: Mutex<BTreeMap<String, Packed>>,
    reads: Mutex<session::Reads>,
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), Packed::new(bytes));
        Ok(())
    }

    fn write_output(&self, path: &str, bytes: Bytes) -> Result<()> {
        let packed = bytes.packed();
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), packed);
        Ok(())
    }

    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        let bytes =
            std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
        self.write(path, &bytes)
    }

    fn wants_reads(&self) -> bool {
        true
    }

    fn reads(&self, path: &str, read: crate::view::Read) {
        self.reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), read);
    }
}

/// What the terminal reporter hears about.
pub enum Event<'a> {
    Serving {
        url: &'a str,
    },
    Rebuilt {
        pages: usize,
        /// Files written again when the edit was patched in.
        patched: Option<usize>,
        elapsed: Duration,
        changed: usize,
        /// Where the time went (`serve -v` shows it).
        phases: &'a [crate::meter::Phase],
    },
    /// The search index caught up with the last rebuild.
    Indexed {
        elapsed: Duration,
    },
    Failed {
        diagnostics: &'a [Diagnostic],
        /// True while an earlier good build is still served.
        serving_last_good: bool,
    },
}

/// Shared between the HTTP handlers and the rebuild loop.
pub struct State {
    /// The last good build; `None` until a build succeeds.
    pub snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Diagnostics of the last failed build; empty when the site is good.
    pub errors: RwLock<Arc<Vec<Diagnostic>>>,
    pub events: tokio::sync::broadcast::Sender<String>,
    /// Host header values this server answers to.
    pub hosts: Vec<String>,
    /// Origins allowed to open the reload stream.
    pub origins: Vec<String>,
}

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    pub poll: bool,
    /// Rebuild in full after every edit (see `Session::full_rebuilds`).
    pub full_rebuilds: bool,
}

/// Runs the server until the process is stopped.
pub fn run(opts: ServeOptions, report: &(dyn Fn(Event<'_>) + Sync)) -> Result<()> {
    let listener = match std::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => anyhow::bail!(
            "cannot listen on {}:{}: another program is using that port; pass --port 0 to take a free one, or stop the other server",
            opts.bind,
            opts.port
        ),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot listen on {}:{}", opts.bind, opts.port))
        }
    };
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    let host_port = match host {
        IpAddr::V6(h) => format!("[{h}]:{}", addr.port()),
        IpAddr::V4(h) => format!("{h}:{}", addr.port()),
    };
    let url = format!("http://{host_port}/");
    let mut hosts = vec![host_port.clone(), format!("localhost:{}", addr.port())];
    if opts.bind.is_unspecified() || !opts.bind.is_loopback() {
        // Bound wider on purpose: answer to the machine's name and address too.
        hosts.push(format!("{}:{}", opts.bind, addr.port()));
    }
    let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
    let build_opts = Options {
        root: opts.root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        today: build::today()?,
    };
    let output = opts.root.join("public");

    let (events, _) = tokio::sync::broadcast::channel(64);
    let state = Arc::new(State {
        snapshot: RwLock::new(None),
        errors: RwLock::new(Arc::new(Vec::new())),
        events,
        hosts,
        origins,
    });
    let mut session = Session::new(build_opts);
    if opts.full_rebuilds {
        session = session.full_rebuilds();
    }
    rebuild(&state, &mut session, None, report, 0, false);

    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = watch::watch(&opts.root, &output, opts.poll, tx)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let server_state = state.clone();
    runtime.spawn(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(_) => return,
        };
        listen::serve(listener, http::router(server_state)).await;
    });
    report(Event::Serving { url: &url });
    if opts.open {
        let _ = open::that_detached(&url);
    }
    // The rebuild loop: one rebuild per batch of changes, batches that
    // arrive during a rebuild are merged into the next one. When the
    // writer pauses after patched edits, the search index catches up.
    loop {
        let first = if session.search_stale() {
            // A kept index is patched at once, after the rebuild's pages are
            // served; the first one is made when the writer pauses.
            let wait = if session.search_patchable() {
                Duration::ZERO
            } else {
                SEARCH_AFTER
            };
            match rx.recv_timeout(wait) {
                Ok(b) => b,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let start = Instant::now();
                    if let Ok(Some(snapshot)) = session.refresh_search() {
                        *state.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot);
                        report(Event::Indexed {
                            elapsed: start.elapsed(),
                        });
                    }
                    continue;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(b) => b,
                Err(_) => break,
            }
        };
        let mut batches = vec![first];
        while let Ok(more) = rx.try_recv() {
            batches.push(more);
        }
        let changed: usize = batches
            .iter()
            .map(|b| match b {
                watch::Batch::Changes(v) => v.len(),
                watch::Batch::Rearm(folders) => folders.len(),
            })
            .sum();
        rearm(&watcher, &batches, report);
        let paths = content_paths(&batches);
        rebuild(
            &state,
            &mut session,
            paths.as_deref(),
            report,
            changed,
            css_only(&batches),
        );
    }
    Ok(())
}

/// Quiet time after which the first search index is made.
const SEARCH_AFTER: Duration = Duration::from_millis(300);

/// Arms the watches of the input folders that appeared, vanished or moved
/// again, before the full rebuild that follows reads them from disk: a file
/// written before its folder was watched again is read then, one written
/// after is seen by the watch.
fn rearm(watcher: &watch::Watcher, batches: &[watch::Batch], report: &(dyn Fn(Event<'_>) + Sync)) {
    let mut folders: Vec<&str> = batches
        .iter()
        .flat_map(|b| match b {
            watch::Batch::Rearm(f) => f.as_slice(),
            watch::Batch::Changes(_) => &[],
        })
        .copied()
        .collect();
    folders.sort_unstable();
    folders.dedup();
    if let Err(e) = watcher.rearm(&folders) {
        // Cannot happen but for the system's limits (inotify watches):
        // say so where the writer looks, and keep serving.
        report(Event::Failed {
            diagnostics: &[Rule::File.site_error(format!(
                "{e:#}; restart faultbook serve to see changes there"
            ))],
            serving_last_good: true,
        });
    }
}

/// The changed files when all are content, static or template files, each
/// once; `None` when site.toml changed, or a watched folder itself moved
/// (or the watcher asked for a rescan).
fn content_paths(batches: &[watch::Batch]) -> Option<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for b in batches {
        let watch::Batch::Changes(v) = b else {
            return None;
        };
        for (change, path) in v {
            if !matches!(
                change,
                watch::Change::Content | watch::Change::Static | watch::Change::Template
            ) {
                return None;
            }
            if !paths.contains(path) {
                paths.push(path.clone());
            }
        }
    }
    Some(paths)
}

/// True when every change is a stylesheet under static/: open pages can
/// swap their stylesheets instead of reloading.
pub fn css_only(batches: &[watch::Batch]) -> bool {
    batches.iter().all(|b| match b {
        watch::Batch::Changes(v) => v
            .iter()
            .all(|(c, p)| *c == watch::Change::Static && p.extension().is_some_and(|e| e == "css")),
        watch::Batch::Rearm(_) => false,
    })
}

fn rebuild(
    state: &State,
    session: &mut Session,
    paths: Option<&[PathBuf]>,
    report: &(dyn Fn(Event<'_>) + Sync),
    changed: usize,
    css_only: bool,
) {
    let start = Instant::now();
    let result = session.rebuild(paths);
    let serving_last_good = state
        .snapshot
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    match result {
        Ok(Ok(built)) => {
            *state.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(built.snapshot);
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Vec::new());
            let _ = state.events.send(if css_only {
                "css".into()
            } else {
                "reload".into()
            });
            report(Event::Rebuilt {
                pages: built.pages,
                patched: built.patched,
                elapsed: start.elapsed(),
                changed,
                phases: &built.phases,
            });
        }
        Ok(Err(diags)) => {
            let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            report(Event::Failed {
                diagnostics: &errors,
                serving_last_good,
            });
            let payload = format!("errors:{}", crate::diag::to_json(&errors, false));
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(errors);
            let _ = state.events.send(payload);
        }
        Err(e) => {
            let d = vec![Rule::File.site_error(format!("{e:#}"))];
            report(Event::Failed {
                diagnostics: &d,
                serving_last_good,
            });
            let payload = format!("errors:{}", crate::diag::to_json(&d, false));
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(d);
            let _ = state.events.send(payload);
        }
    }
}
