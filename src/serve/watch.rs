//! Watching the site's inputs: which file-system events matter, and how.
//!
//! `classify` is a pure function of a path, table-tested below: editors'
//! swap and backup files, hidden files and the output folder never trigger a
//! rebuild. `moved_folder` and `sort`, pure too, say when an input folder
//! itself appeared, vanished or moved: its watch is then armed again
//! ([`Watcher::rearm`]) before a full rebuild, so a folder deleted and
//! restored, created late or moved away and back is still watched. The
//! watcher itself is notify behind a debouncer, so an editor's save (write to
//! a temp file, rename over the original) arrives as one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, Result};
use notify::event::ModifyKind;
use notify::{Event, EventKind, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, DebounceEventResult, Debouncer, FileIdCache, RecommendedCache,
};

use crate::source::{is_ignored_in, is_ignored_name};

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
    // The first part is tested as a name at the root, the others by the
    // rule of their input folder (static/ publishes hidden files).
    if is_ignored_name(&first) || rest.iter().any(|c| is_ignored_in(&first, c)) {
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

/// The folders below the root that are watched recursively.
pub const INPUT_FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// The input folder that `path` is itself, when the event created, removed
/// or renamed it; `None` for every other event. Its recursive watch must then
/// be armed again: the root is watched without recursion, so a folder that
/// appears (restored, created, moved back) is not watched by anyone, and
/// inotify drops the watch of a folder that is removed or moved away.
pub fn moved_folder(root: &Path, kind: &EventKind, path: &Path) -> Option<&'static str> {
    let moves = matches!(
        kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    );
    if !moves {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    INPUT_FOLDERS.into_iter().find(|f| rel == Path::new(f))
}

/// What the watcher sends: a batch of relevant changes, or the input folders
/// whose watches must be armed again before a full rebuild (all of them when
/// the watcher overflowed or failed).
#[derive(Debug, PartialEq, Eq)]
pub enum Batch {
    Changes(Vec<(Change, PathBuf)>),
    Rearm(Vec<&'static str>),
}

/// Sorts one debounced batch of events; `None` when nothing in it matters.
pub fn sort(root: &Path, output: &Path, events: &[Event]) -> Option<Batch> {
    if events.iter().any(Event::need_rescan) {
        return Some(Batch::Rearm(INPUT_FOLDERS.to_vec()));
    }
    // Reads (access events) are the build's own doing: only creations,
    // changes, renames and removals count.
    let events = events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)));
    let mut folders = Vec::new();
    let mut changes = Vec::new();
    for e in events {
        for p in &e.paths {
            folders.extend(moved_folder(root, &e.kind, p));
            changes.extend(classify(root, output, p).map(|c| (c, p.clone())));
        }
    }
    if !folders.is_empty() {
        // The full rebuild that follows re-arming reads every change too.
        folders.sort_unstable();
        folders.dedup();
        return Some(Batch::Rearm(folders));
    }
    changes.sort();
    changes.dedup();
    (!changes.is_empty()).then_some(Batch::Changes(changes))
}

/// The debouncer, whichever watcher drives it (inotify and the like, or
/// polling): what arming a folder needs of it.
trait Arm: Send {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
    fn unwatch(&mut self, path: &Path) -> notify::Result<()>;
}

impl<W: notify::Watcher + Send, C: FileIdCache + Send> Arm for Debouncer<W, C> {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        Debouncer::watch(self, path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        Debouncer::unwatch(self, path)
    }
}

/// Keeps the watcher alive (dropping it stops watching) and arms the input
/// folders' watches again when they move.
pub struct Watcher {
    root: PathBuf,
    debouncer: Mutex<Box<dyn Arm>>,
}

impl Watcher {
    /// Drops the watch of each named input folder, if any is left, and
    /// watches the folder again if it exists now. A folder removed in the
    /// meantime is armed again when it reappears, by the event that says so.
    pub fn rearm(&self, folders: &[&str]) -> Result<()> {
        let mut d = self.debouncer.lock().unwrap_or_else(|e| e.into_inner());
        for f in folders {
            let p = self.root.join(f);
            // Not watched any more (removed, moved away): nothing to drop.
            let _ = d.unwatch(&p);
            if p.is_dir() {
                d.watch(&p, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {}", p.display()))?;
            }
        }
        Ok(())
    }

    /// The root without recursion (site.toml, and the input folders
    /// appearing and vanishing), each input folder that exists recursively.
    /// The root is never watched recursively: it may hold target/,
    /// node_modules/ or .git with huge trees.
    fn arm(&self) -> Result<()> {
        self.debouncer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .watch(&self.root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", self.root.display()))?;
        self.rearm(&INPUT_FOLDERS)
    }
}

/// Watches site.toml, content/, templates/ and static/ of `root`.
pub fn watch(root: &Path, output: &Path, poll: bool, tx: Sender<Batch>) -> Result<Watcher> {
    let root_c = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let output_c = output
        .canonicalize()
        .unwrap_or_else(|_| output.to_path_buf());
    let r = root_c.clone();
    let handler = move |res: DebounceEventResult| {
        let batch = match res {
            Ok(events) => {
                let events: Vec<Event> = events.into_iter().map(|e| e.event).collect();
                match sort(&r, &output_c, &events) {
                    Some(b) => b,
                    None => return,
                }
            }
            Err(_) => Batch::Rearm(INPUT_FOLDERS.to_vec()),
        };
        let _ = tx.send(batch);
    };
    // An editor's save (write, or write then rename) lands within a
    // millisecond or two; a longer burst costs a second rebuild, and every
    // rebuild reads the files as they are then, so the last one is right.
    let debounce = Duration::from_millis(10);
    let debouncer: Box<dyn Arm> = if poll {
        // Polling compares modification times in whole seconds: a second
        // save within the same second as the last scan would go unseen
        // without comparing contents too.
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(250))
            .with_compare_contents(true);
        Box::new(
            new_debouncer_opt::<_, notify::PollWatcher, RecommendedCache>(
                debounce,
                None,
                handler,
                RecommendedCache::new(),
                config,
            )?,
        )
    } else {
        Box::new(new_debouncer(debounce, None, handler)?)
    };
    let watcher = Watcher {
        root: root_c,
        debouncer: Mutex::new(debouncer),
    };
    watcher.arm()?;
    Ok(watcher)
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
            (
                "/site/static/.well-known/security.txt",
                Some(Change::Static),
            ),
            ("/site/static/.git/index", None),
            ("/site/static/.style.css.swp", None),
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

    #[test]
    fn folders_armed_again_table() {
        use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};
        let root = Path::new("/site");
        let create = EventKind::Create(CreateKind::Folder);
        let remove = EventKind::Remove(RemoveKind::Any);
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let cases: &[(&EventKind, &str, Option<&str>)] = &[
            (&create, "/site/content", Some("content")),
            (&remove, "/site/content", Some("content")),
            (&rename, "/site/content", Some("content")),
            (&create, "/site/templates", Some("templates")),
            (&remove, "/site/static", Some("static")),
            (&write, "/site/content", None),
            (&create, "/site/content/errors", None),
            (&remove, "/site/content/a.md", None),
            (&create, "/site/public", None),
            (&rename, "/site/x", None),
            (&create, "/elsewhere/content", None),
        ];
        for (kind, path, want) in cases {
            assert_eq!(
                moved_folder(root, kind, Path::new(path)),
                *want,
                "{kind:?} {path}"
            );
        }
    }

    #[test]
    fn batches_sort_changes_and_folder_moves() {
        use notify::event::{CreateKind, DataChange, RenameMode};
        let (root, out) = (Path::new("/site"), Path::new("/site/public"));
        let event = |kind, paths: &[&str]| {
            paths
                .iter()
                .fold(Event::new(kind), |e, p| e.add_path(PathBuf::from(p)))
        };
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let read = EventKind::Access(notify::event::AccessKind::Any);
        assert_eq!(
            sort(
                root,
                out,
                &[event(write, &["/site/content/a.md", "/site/README.md"])]
            ),
            Some(Batch::Changes(vec![(
                Change::Content,
                "/site/content/a.md".into()
            )]))
        );
        assert_eq!(
            sort(root, out, &[event(read, &["/site/content/a.md"])]),
            None
        );
        assert_eq!(
            sort(root, out, &[event(write, &["/site/public/a.html"])]),
            None
        );
        // `mv content x && mv x content`: the folder is watched again.
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert_eq!(
            sort(
                root,
                out,
                &[
                    event(renamed, &["/site/content", "/site/x"]),
                    event(renamed, &["/site/x", "/site/content"]),
                    event(EventKind::Create(CreateKind::Folder), &["/site/static"]),
                ]
            ),
            Some(Batch::Rearm(vec!["content", "static"]))
        );
        let rescan = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert_eq!(
            sort(root, out, &[rescan]),
            Some(Batch::Rearm(INPUT_FOLDERS.to_vec()))
        );
    }
}
