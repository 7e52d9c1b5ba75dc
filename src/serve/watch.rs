//! Watching the site's inputs: which file-system events matter, and how.
//!
//! `classify` is a pure function of a path, table-tested below: editors'
//! swap and backup files, hidden files and the output folder never trigger a
//! rebuild. The watcher itself is notify behind a debouncer, so an editor's
//! save (write to a temp file, rename over the original) arrives as one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context as _, Result};
use notify::RecursiveMode;
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, DebounceEventResult, RecommendedCache,
};

use crate::source::is_ignored_name;

/// What a changed path is to the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Config,
    Content,
    Template,
    Static,
}

/// Classifies a changed path below `root`; `None` for paths to ignore.
pub fn classify(root: &Path, output: &Path, path: &Path) -> Option<Change> {
    if path.starts_with(output) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    let rest: Vec<_> = parts.collect();
    if rel
        .components()
        .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
    {
        return None;
    }
    match (first.as_ref(), rest.is_empty()) {
        ("site.toml", true) => Some(Change::Config),
        ("content", _) => Some(Change::Content),
        ("templates", _) => Some(Change::Template),
        ("static", _) => Some(Change::Static),
        _ => None,
    }
}

/// What the watcher sends: a batch of relevant changes, or a request for a
/// full rescan (the watcher overflowed or failed).
#[derive(Debug)]
pub enum Batch {
    Changes(Vec<(Change, PathBuf)>),
    Rescan,
}

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watcher {
    _inner: Box<dyn std::any::Any + Send>,
}

/// Watches site.toml, content/, templates/ and static/ of `root`.
pub fn watch(root: &Path, output: &Path, poll: bool, tx: Sender<Batch>) -> Result<Watcher> {
    let root_c = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let output_c = output
        .canonicalize()
        .unwrap_or_else(|_| output.to_path_buf());
    let (r, o) = (root_c.clone(), output_c);
    let handler = move |res: DebounceEventResult| {
        let batch = match res {
            Ok(events) => {
                if events.iter().any(|e| e.need_rescan()) {
                    Batch::Rescan
                } else {
                    // Reads (access events) are the build's own doing: only
                    // creations, changes, renames and removals count.
                    let mut v: Vec<(Change, PathBuf)> = events
                        .iter()
                        .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                        .flat_map(|e| e.paths.iter())
                        .filter_map(|p| classify(&r, &o, p).map(|c| (c, p.clone())))
                        .collect();
                    v.sort();
                    v.dedup();
                    if v.is_empty() {
                        return;
                    }
                    Batch::Changes(v)
                }
            }
            Err(_) => Batch::Rescan,
        };
        let _ = tx.send(batch);
    };
    // An editor's save (write, or write then rename) lands within a
    // millisecond or two; a longer burst costs a second rebuild, and every
    // rebuild reads the files as they are then, so the last one is right.
    let debounce = Duration::from_millis(10);
    // The site root itself is watched without recursion (site.toml, and the
    // input folders appearing); the input folders recursively.
    macro_rules! add_watches {
        ($d:expr) => {{
            $d.watch(&root_c, RecursiveMode::NonRecursive)
                .with_context(|| format!("cannot watch {}", root_c.display()))?;
            for dir in ["content", "templates", "static"] {
                let p = root_c.join(dir);
                if p.is_dir() {
                    $d.watch(&p, RecursiveMode::Recursive)
                        .with_context(|| format!("cannot watch {}", p.display()))?;
                }
            }
        }};
    }
    if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, RecommendedCache>(
            debounce,
            None,
            handler,
            RecommendedCache::new(),
            config,
        )?;
        add_watches!(d);
        Ok(Watcher {
            _inner: Box::new(d),
        })
    } else {
        let mut d = new_debouncer(debounce, None, handler)?;
        add_watches!(d);
        Ok(Watcher {
            _inner: Box::new(d),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let cases: &[(&str, Option<Change>)] = &[
            ("/site/site.toml", Some(Change::Config)),
            ("/site/content/errors/http/429.md", Some(Change::Content)),
            ("/site/content/errors/http/img.png", Some(Change::Content)),
            ("/site/content/errors/http", Some(Change::Content)),
            ("/site/templates/error.html", Some(Change::Template)),
            ("/site/static/style.css", Some(Change::Static)),
            ("/site/content/errors/http/.429.md.swp", None),
            ("/site/content/errors/http/429.md~", None),
            ("/site/content/errors/http/#429.md#", None),
            ("/site/content/errors/http/.#429.md", None),
            ("/site/content/errors/http/4913", None),
            ("/site/content/x.tmp", None),
            ("/site/content/.hidden/a.md", None),
            ("/site/public/index.html", None),
            ("/site/.git/index", None),
            ("/site/target/debug/x", None),
            ("/site/site.toml.swp", None),
            ("/site/README.md", None),
            ("/elsewhere/a.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(root, out, Path::new(path)), *want, "{path}");
        }
    }
}
