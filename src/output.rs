//! Writing a build to disk without ever losing a file the user owns
//! (SPEC §8).
//!
//! A build is written into a folder of its own and swapped in place of the
//! output folder only when every file is written, so a failed or killed
//! build leaves the previous output as it was and a reader never sees a
//! half-written site. Around that swap:
//!
//! - [`resolve`] refuses, before anything on disk changes, an output path
//!   that is a file, the site root or a folder holding it, an input folder,
//!   or a non-empty folder without the marker every build writes
//!   ([`MARKER`]): faultbook replaces only folders it wrote. A symlinked
//!   output folder is followed: the build lands in its target and the link
//!   stays.
//! - The marker lists every file the build wrote, so the folder itself says
//!   what a build may replace; any other file in it (added by hand, or while
//!   a build ran) stops the build: checked at the start, and on the
//!   swapped-out folder right after the swap, which is then put back. A
//!   build writes a changed file anew, never through a link or a second name.
//! - [`Staging::new`] locks the folder that holds the output folder, so one
//!   build writes it at a time from whichever site, and removes what killed
//!   builds left beside it.
//! - The previous build is kept as a spare in the site's state folder
//!   (`.faultbook/` in the root, out of the user's way) and the next build
//!   writes over it in place: creating files is what costs most, and most
//!   files are unchanged from build to build. An unchanged file is known by
//!   the hash recorded when it was written (`Sums`), or by reading it
//!   when it has changed on disk since or has no record. What it no longer makes is
//!   removed by the spare's own marker (a spare a killed build left has
//!   none, and is walked instead).

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context as _, Result};

/// Where rendered files go. Implemented by the folder writer here and by
/// the in-memory snapshot of `serve`.
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// `write` for a rendered output; an in-memory sink keeps it packed,
    /// without unpacking what came packed from a memo.
    fn write_output(&self, path: &str, bytes: crate::packed::Bytes) -> Result<()> {
        self.write(path, &bytes.plain())
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()>;
    /// True when the sink keeps what each output read (`reads`): `serve`,
    /// to know what an edit makes stale.
    fn wants_reads(&self) -> bool {
        false
    }
    /// The pages the output at `path` read (see `view::recording`).
    fn reads(&self, _path: &str, _read: crate::view::Read) {}
}

/// The file every build writes at the top of its output: how the next
/// build knows the folder is its own to replace.
pub const MARKER: &str = ".faultbook-output";
const MARKER_TEXT: &str = "# This folder was written by `faultbook build`, which replaces it whole on every build.\n# Put files of your own in the site's static/ folder, not here: a build refuses to\n# replace this folder while it holds a file not listed below.\n";

/// The site's state folder, beside site.toml.
pub const STATE_DIR: &str = ".faultbook";
const STATE_README: &str = "faultbook keeps its build state here: one lock and the previous build per output folder.\nIt is safe to delete when no build is running; nothing here is published.\n";
/// The standard tag that tells backup tools a folder is a cache.
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by faultbook.\n";

/// An output folder that passed the guards: where the build will land.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Absolute, with symlinks followed: the folder that gets replaced.
    pub dir: PathBuf,
}

/// Checks an output folder before anything on disk changes, following a
/// symlink to its target. `output` is absolute or relative to the current
/// folder.
pub fn resolve(root: &Path, output: &Path) -> Result<Target> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open the site folder {}", root.display()))?;
    let dir = follow_links(&absolute(output)?)?;
    let refuse = |why: String| -> Result<Target> {
        bail!(
            "refusing to write the site to {}: {why}",
            output_name(output, &dir)
        )
    };
    let meta = fs::metadata(&dir).ok();
    if meta.as_ref().is_some_and(|m| !m.is_dir()) {
        return refuse("it is a file, not a folder; choose a folder with --output".into());
    }
    if dir.parent().is_none() {
        return refuse("it is a file-system root".into());
    }
    if root.starts_with(&dir) {
        return refuse(format!("it holds the site itself ({})", root.display()));
    }
    for input in ["content", "templates", "static", STATE_DIR] {
        let inside = root.join(input);
        let inside = inside.canonicalize().unwrap_or(inside);
        if dir.starts_with(&inside) {
            return refuse(format!("it is inside the site's {input}/ folder"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if home.canonicalize().is_ok_and(|h| h == dir) {
            return refuse("it is your home folder".into());
        }
    }
    if meta.is_some() && !is_ours(&dir)? {
        return refuse(format!(
            "the folder is not empty and no faultbook build wrote it (it has no {MARKER} file). \
             A build replaces its output folder whole, so move those files away or delete the \
             folder, or choose another folder with --output"
        ));
    }
    Ok(Target { dir })
}

/// The output path as the user gave it, and where a symlink led.
fn output_name(given: &Path, dir: &Path) -> String {
    match absolute(given) {
        Ok(a) if a != dir && fs::symlink_metadata(&a).is_ok_and(|m| m.is_symlink()) => {
            format!("{} (a link to {})", given.display(), dir.display())
        }
        _ => given.display().to_string(),
    }
}

/// True when `dir` is empty or carries the marker of a faultbook build.
fn is_ours(dir: &Path) -> Result<bool> {
    if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(true);
    }
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    Ok(entries.next().is_none())
}

fn absolute(p: &Path) -> Result<PathBuf> {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    // `..` is resolved by `follow_links` against real folders; `.` goes here.
    Ok(p.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect())
}

/// `path` with every symlink followed, also where its last parts do not
/// exist yet (a link to a folder the first build creates).
fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut resolved = PathBuf::new();
    let mut pending: Vec<std::ffi::OsString> = path
        .components()
        .rev()
        .map(|c| c.as_os_str().to_os_string())
        .collect();
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        let next = resolved.join(&part);
        if part == ".." {
            resolved.pop();
            continue;
        }
        match fs::read_link(&next) {
            Ok(link) if fs::symlink_metadata(&next).is_ok_and(|m| m.is_symlink()) => {
                hops += 1;
                if hops > 40 {
                    bail!("too many symlinks in {}", path.display());
                }
                if link.is_absolute() {
                    resolved = PathBuf::new();
                }
                pending.extend(
                    link.components()
                        .rev()
                        .filter(|c| !matches!(c, Component::CurDir))
                        .map(|c| c.as_os_str().to_os_string()),
                );
            }
            _ => resolved = next,
        }
    }
    Ok(resolved)
}

/// A folder being written for one build, and the lock that makes that
/// build the only writer of its output folder until it commits or drops.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    /// True when `dir` is a spare kept from an earlier build (pruned of what
    /// this build did not write, and kept on failure).
    reused: bool,
    /// True when `dir` lives in the state folder and stays there as the
    /// spare of the next build.
    keep: bool,
    written: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// What a reused spare holds, from the marker it had as an output: a
    /// spare is checked to hold nothing else when it is swapped out, and
    /// its marker is removed before a build writes into it, so a spare left
    /// by a killed build has none and is pruned by walking it instead.
    listed: Option<Vec<PathBuf>>,
    /// What the state folder recorded of the files of the last builds
    /// (see [`Sums`]); `None` when the staging folder is not kept there.
    sums: Option<Sums>,
    /// The files this build wrote or left in place, for the next one.
    recorded: std::sync::Mutex<Vec<(Identity, Hash)>>,
    _lock: fs::File,
}

/// How staging folders beside the output are named: `.public.faultbook-new-<pid>`.
fn beside_name(target: &Path, what: &str) -> Result<PathBuf> {
    let name = target
        .file_name()
        .context("output folder has no name")?
        .to_string_lossy();
    let parent = target.parent().context("output folder has no parent")?;
    Ok(parent.join(format!(".{name}.faultbook-{what}-{}", std::process::id())))
}

impl Staging {
    /// Locks `target` for this build, cleans what killed builds left, and
    /// picks the folder to write into. `on_wait` is called once when another
    /// build holds the lock, before waiting for it.
    pub fn new(root: &Path, target: &Target, on_wait: &dyn Fn(&Path)) -> Result<Staging> {
        let target = target.dir.clone();
        let parent = target
            .parent()
            .context("output folder has no parent")?
            .to_path_buf();
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let lock = lock(&parent, &target, on_wait)?;
        // Another build may have run while this one waited: check again.
        resolve(root, &target)?;
        refuse_foreign_files(&target)?;
        clean_leftovers(&target);
        let slot =
            state_slot(root, &target).filter(|s| same_device(s, &parent) && !forced_beside());
        let sums = slot.as_ref().map(|s| Sums::read(&s.join(SUMS)));
        let spare = slot.map(|s| s.join("spare"));
        let mut listed = None;
        let (dir, reused, keep) = match spare {
            Some(spare) if spare.is_dir() => {
                listed = spare_listing(&spare);
                (spare, true, true)
            }
            Some(spare) => {
                fs::create_dir(&spare)
                    .with_context(|| format!("cannot create {}", spare.display()))?;
                (spare, false, true)
            }
            None => {
                let dir = beside_name(&target, "new")?;
                fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
                // Marked from the start, so that only a folder of ours is
                // ever taken for a killed build's leftover.
                write_marker(&dir, &[])?;
                (dir, false, false)
            }
        };
        Ok(Staging {
            dir,
            target,
            reused,
            keep,
            written: Default::default(),
            listed,
            sums,
            recorded: Default::default(),
            _lock: lock,
        })
    }

    /// Removes what an earlier build left in a reused folder and this build
    /// did not write.
    fn prune(&self) -> Result<()> {
        if !self.reused {
            return Ok(());
        }
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(listed) = &self.listed {
            let mut dirs = std::collections::BTreeSet::new();
            for rel in listed {
                let path = self.dir.join(rel);
                if written.contains(&path) {
                    continue;
                }
                // Gone, or replaced by a folder this build wrote files into
                // (a static file that became a folder): nothing to remove.
                if let Err(e) = fs::remove_file(&path) {
                    use std::io::ErrorKind::{IsADirectory, NotADirectory, NotFound};
                    if !matches!(e.kind(), NotFound | NotADirectory | IsADirectory) {
                        return Err(e).with_context(|| format!("cannot remove {}", path.display()));
                    }
                }
                dirs.extend(
                    rel.ancestors()
                        .skip(1)
                        .filter(|a| !a.as_os_str().is_empty()),
                );
            }
            // Deepest first; only empty folders go.
            for d in dirs.iter().rev() {
                let _ = fs::remove_dir(self.dir.join(d));
            }
            return Ok(());
        }
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry.with_context(|| format!("cannot list {}", self.dir.display()))?;
            let path = entry.path();
            if entry.file_type().is_dir() {
                dirs.push(path.to_path_buf());
            } else if !written.contains(path) && path != self.dir.join(MARKER) {
                fs::remove_file(path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
        for d in dirs {
            // Only empty folders go; `remove_dir` fails on the others.
            let _ = fs::remove_dir(&d);
        }
        Ok(())
    }

    /// Swaps the staged folder in place of the target. The previous output
    /// becomes the spare of the next build, or is deleted when it cannot be
    /// kept in the state folder.
    pub fn commit(mut self) -> Result<()> {
        self.prune()?;
        let files: Vec<String> = {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            let mut files: Vec<String> = written
                .iter()
                .filter_map(|p| p.strip_prefix(&self.dir).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .filter(|p| p != MARKER)
                .collect();
            files.sort_unstable();
            files
        };
        write_marker(&self.dir, &files)?;
        if fs::symlink_metadata(&self.target).is_ok() {
            exchange(&self.dir, &self.target)?;
            // `dir` now holds the previous output. A file added to it while
            // this build ran, up to the swap itself, is the user's: checked
            // after the swap, so no write can slip between check and swap,
            // and the previous output is put back when there is one.
            if let Err(e) = refuse_foreign_files_in(&self.dir, &self.target) {
                exchange(&self.dir, &self.target)?;
                return Err(e);
            }
            if !self.keep {
                fs::remove_dir_all(&self.dir).with_context(|| {
                    format!("cannot remove the previous build {}", self.dir.display())
                })?;
            }
        } else {
            fs::rename(&self.dir, &self.target).with_context(|| {
                format!("cannot move the new build into {}", self.target.display())
            })?;
        }
        // Nothing left to clean when dropped.
        self.keep = true;
        self.write_sums();
        Ok(())
    }

    /// Records the files of this build for the next ones; the files of the
    /// build before stay recorded too, since the next build writes into
    /// its folder. A record that cannot be written is lost, which only
    /// costs the next build a read of each file.
    fn write_sums(&self) {
        let (Some(sums), Some(slot)) = (&self.sums, self.dir.parent()) else {
            return;
        };
        let recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        let _ = sums.write_next(&slot.join(SUMS), &recorded);
    }

    /// Notes that the file `meta` describes holds bytes of hash `hash`.
    fn remember(&self, meta: &fs::Metadata, hash: Option<Hash>) {
        if let (Some(id), Some(hash)) = (Identity::of(meta), hash) {
            self.recorded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((id, hash));
        }
    }

    fn record(&self, dest: &Path) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dest.to_path_buf());
    }

    /// The path to write `path` to, its folders made, and what is there.
    /// Whatever an earlier build left there is removed unless it is a plain
    /// file this build may leave alone (`Some` of it): a build never writes
    /// through a link, or into a file that is shared with another name (a
    /// hard-linked snapshot).
    fn prepare(&self, path: &str) -> Result<(PathBuf, Option<fs::Metadata>)> {
        let dest = self.dir.join(path);
        if let Some(parent) = dest.parent() {
            if !parent.is_dir() {
                // A file left by an earlier build where this one needs a
                // folder, at any depth (a spare that held `search` as a
                // file). Other threads create folders here concurrently, so
                // only a non-folder is removed, and losing that race is fine.
                let mut above: Vec<&Path> = parent
                    .ancestors()
                    .take_while(|a| a.starts_with(&self.dir) && *a != self.dir)
                    .collect();
                above.reverse();
                for folder in above {
                    if fs::symlink_metadata(folder).is_ok_and(|m| !m.is_dir()) {
                        match fs::remove_file(folder) {
                            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                                return Err(e).with_context(|| {
                                    format!("cannot remove {}", folder.display())
                                });
                            }
                            _ => {}
                        }
                    }
                }
                fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
        }
        let mut kept = None;
        if let Ok(meta) = fs::symlink_metadata(&dest) {
            if meta.is_dir() {
                fs::remove_dir_all(&dest)
                    .with_context(|| format!("cannot remove {}", dest.display()))?;
            } else if !is_plain_file(&meta) {
                remove(&dest)?;
            } else {
                kept = Some(meta);
            }
        }
        self.record(&dest);
        Ok((dest, kept))
    }
}

/// A regular file with one name: safe to leave in place, or to replace.
#[cfg(unix)]
fn is_plain_file(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.is_file() && meta.nlink() == 1
}

#[cfg(not(unix))]
fn is_plain_file(meta: &fs::Metadata) -> bool {
    meta.is_file()
}

fn remove(path: &Path) -> Result<()> {
    fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing beside the output; a spare
    /// in the state folder stays for the next build to reuse.
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let (dest, kept) = self.prepare(path)?;
        let hash = self.sums.as_ref().map(|_| hash(bytes));
        if let Some(meta) = kept {
            // Leave identical files alone: no new blocks, no dirty pages.
            // A file recorded unchanged since an earlier build is compared
            // by its recorded hash, others by reading them. A changed one
            // gets a new file, never its old one rewritten in place (a
            // read-only file, or one a reader has open).
            let recorded = self.sums.as_ref().zip(Identity::of(&meta));
            let same = match recorded.and_then(|(sums, id)| sums.get(&id)) {
                Some(old) => Some(*old) == hash,
                None => fs::read(&dest).is_ok_and(|old| old == bytes),
            };
            if same {
                self.remember(&meta, hash);
                return Ok(());
            }
            remove(&dest)?;
        }
        let mut file =
            fs::File::create(&dest).with_context(|| format!("cannot write {}", dest.display()))?;
        std::io::Write::write_all(&mut file, bytes)
            .with_context(|| format!("cannot write {}", dest.display()))?;
        if hash.is_some() {
            if let Ok(meta) = file.metadata() {
                self.remember(&meta, hash);
            }
        }
        Ok(())
    }

    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        let (dest, kept) = self.prepare(path)?;
        if kept.is_some() {
            remove(&dest)?;
        }
        fs::copy(from, &dest)
            .with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))?;
        Ok(())
    }
}

/// Writes the marker into `dir`: a note to the reader, then the files of
/// the build, one a line. It travels with the folder, so whoever builds
/// into it next, from whichever site, knows what it may replace.
fn write_marker(dir: &Path, files: &[String]) -> Result<()> {
    let mut text = String::with_capacity(MARKER_TEXT.len() + files.len() * 48);
    text.push_str(MARKER_TEXT);
    for f in files {
        text.push_str(&escape_entry(f));
        text.push('\n');
    }
    let path = dir.join(MARKER);
    if fs::symlink_metadata(&path).is_ok() {
        remove(&path)?;
    }
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A path as a line of the marker: `%` and control characters (a newline
/// in a file name) percent-encoded, so one line is always one file.
fn escape_entry(path: &str) -> std::borrow::Cow<'_, str> {
    crate::urls::percent_encode(path, |c| c != '%' && !c.is_control())
}

/// The file in a state slot that records the files of its last builds.
const SUMS: &str = "sums";
const SUMS_HEADER: &[u8] = b"faultbook sums 2\n";

/// The first half of a file's BLAKE3 hash.
type Hash = [u8; 16];

fn hash(bytes: &[u8]) -> Hash {
    let mut h = [0u8; 16];
    h.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
    h
}

/// A file as the system last saw it change: a file with the same inode,
/// size and modification time has not been written since.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Identity {
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl Identity {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        Some(Identity {
            ino: meta.ino(),
            len: meta.len(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        })
    }

    #[cfg(not(unix))]
    fn of(_: &fs::Metadata) -> Option<Identity> {
        None
    }
}

const RECORD: usize = 8 * 4 + 16;

/// The hashes of the files the last two builds wrote into one output
/// folder (the one now published and the spare the next build writes
/// into), by each file's [`Identity`]. At 100,000 pages, reading every
/// file of the spare to find it unchanged cost more than rendering it;
/// a file recorded unchanged is compared by its hash instead. A file
/// changed since (by hand, or by a build that did not finish) has another
/// identity and is read, as is every file when the record is missing.
#[derive(Default)]
struct Sums {
    /// The records of the last build, as written.
    last: Vec<u8>,
    by_identity: rustc_hash::FxHashMap<Identity, Hash>,
}

impl Sums {
    /// The records at `path`; none when it is missing or not ours.
    fn read(path: &Path) -> Sums {
        let Ok(bytes) = fs::read(path) else {
            return Sums::default();
        };
        let Some(body) = bytes.strip_prefix(SUMS_HEADER) else {
            return Sums::default();
        };
        let Some((count, records)) = body.split_first_chunk::<8>() else {
            return Sums::default();
        };
        let last = (u64::from_le_bytes(*count) as usize).min(records.len() / RECORD);
        let mut sums = Sums {
            last: records[..last * RECORD].to_vec(),
            by_identity: Default::default(),
        };
        sums.by_identity.reserve(records.len() / RECORD);
        for r in records.chunks_exact(RECORD) {
            let word = |n: usize| {
                let mut w = [0u8; 8];
                w.copy_from_slice(&r[n * 8..n * 8 + 8]);
                u64::from_le_bytes(w)
            };
            let id = Identity {
                ino: word(0),
                len: word(1),
                mtime: word(2) as i64,
                mtime_nsec: word(3) as i64,
            };
            let mut hash = [0u8; 16];
            hash.copy_from_slice(&r[32..]);
            sums.by_identity.insert(id, hash);
        }
        sums
    }

    fn get(&self, id: &Identity) -> Option<&Hash> {
        self.by_identity.get(id)
    }

    /// Writes the records of a build that wrote `files` after the one
    /// these sums are of, whole or not at all.
    fn write_next(&self, path: &Path, files: &[(Identity, Hash)]) -> std::io::Result<()> {
        let mut out =
            Vec::with_capacity(SUMS_HEADER.len() + 8 + files.len() * RECORD + self.last.len());
        out.extend_from_slice(SUMS_HEADER);
        out.extend_from_slice(&(files.len() as u64).to_le_bytes());
        for (id, hash) in files {
            for w in [id.ino, id.len, id.mtime as u64, id.mtime_nsec as u64] {
                out.extend_from_slice(&w.to_le_bytes());
            }
            out.extend_from_slice(hash);
        }
        out.extend_from_slice(&self.last);
        let tmp = path.with_extension("new");
        fs::write(&tmp, out)?;
        fs::rename(&tmp, path)
    }
}

/// The files a spare held as an output, from its marker, which is removed
/// (see [`Staging`]'s `listed`). `None` when there is no marker, it cannot
/// be removed, or it names anything but plain relative paths.
fn spare_listing(spare: &Path) -> Option<Vec<PathBuf>> {
    let path = spare.join(MARKER);
    let text = fs::read(&path).ok()?;
    fs::remove_file(&path).ok()?;
    let mut listed = Vec::new();
    for entry in marker_entries(&String::from_utf8_lossy(&text)) {
        let rel = PathBuf::from(entry);
        let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain || rel.as_os_str().is_empty() {
            return None;
        }
        listed.push(rel);
    }
    Some(listed)
}

/// The files a marker lists: every line after the note (a file name may
/// well begin with `#`).
fn marker_entries(text: &str) -> std::collections::HashSet<String> {
    let list = text.strip_prefix(MARKER_TEXT).unwrap_or("");
    list.lines()
        .filter(|l| !l.is_empty())
        .map(crate::urls::percent_decode)
        .collect()
}

/// Refuses to replace an output folder holding anything its marker does
/// not list: a file added by hand is the user's, and replacing the folder
/// would delete it. Links are never written by a build, so one is the
/// user's too.
fn refuse_foreign_files(target: &Path) -> Result<()> {
    refuse_foreign_files_in(target, target)
}

/// Every entry under `dir` that is not a folder, and whether it is a link
/// (never followed). Folders are listed in parallel: an output has a folder
/// per page, and at 100,000 pages opening them is most of the cost.
fn files_under(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            dirs.push(entry.path());
        } else {
            files.push((entry.path(), kind.is_symlink()));
        }
    }
    let nested: Vec<std::io::Result<Vec<(PathBuf, bool)>>> =
        dirs.par_iter().map(|d| files_under(d)).collect();
    for n in nested {
        files.extend(n?);
    }
    Ok(files)
}

/// `refuse_foreign_files` for the output folder found at `target`, named
/// as `shown` in the message (it may have been swapped out already).
fn refuse_foreign_files_in(target: &Path, shown: &Path) -> Result<()> {
    let marker_path = target.join(MARKER);
    if fs::symlink_metadata(&marker_path).is_err() {
        // No folder yet, or an empty one (`resolve` refuses the others).
        return Ok(());
    }
    // A marker that cannot be read vouches for nothing.
    let marker = fs::read(&marker_path).unwrap_or_default();
    let known = marker_entries(&String::from_utf8_lossy(&marker));
    let mut foreign = Vec::new();
    let files = files_under(target).with_context(|| format!("cannot list {}", target.display()))?;
    for (path, is_link) in files {
        let rel = path
            .strip_prefix(target)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if rel == MARKER || (!is_link && known.contains(&rel)) {
            continue;
        }
        foreign.push(rel);
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let listed: Vec<String> = foreign
        .iter()
        .take(5)
        .map(|f| shown.join(f).display().to_string())
        .collect();
    let more = match foreign.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    bail!(
        "refusing to replace {}: it holds files that no faultbook build wrote: {}{more}. \
         A build replaces its output folder whole; move files you want published into \
         static/ (copied into every build), or delete them",
        shown.display(),
        listed.join(", ")
    )
}

/// The state folder's slot for one output folder (`.faultbook/out-<hash>/`),
/// created when missing; `None` when the site root is not writable.
fn state_slot(root: &Path, target: &Path) -> Option<PathBuf> {
    let state = root.join(STATE_DIR);
    if !state.is_dir() {
        fs::create_dir(&state).ok()?;
        // Out of git and of backups; says what it is to whoever finds it.
        for (name, text) in [
            (".gitignore", "*\n"),
            ("CACHEDIR.TAG", CACHEDIR_TAG),
            ("README", STATE_README),
        ] {
            fs::write(state.join(name), text).ok()?;
        }
    }
    let hash = blake3::hash(target.as_os_str().as_encoded_bytes()).to_hex();
    let slot = state.join(format!("out-{}", &hash[..16]));
    fs::create_dir_all(&slot).ok()?;
    Some(slot)
}

/// Takes the build lock of `target`: the folder that holds it, so that every
/// build into it waits its turn, from whichever site it comes (builds into
/// its siblings wait too). The system lets the lock go when the process
/// ends, however it ends.
fn lock(parent: &Path, target: &Path, on_wait: &dyn Fn(&Path)) -> Result<fs::File> {
    let file = lock_file(parent, target)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            on_wait(target);
            file.lock()
                .with_context(|| format!("cannot lock {}", parent.display()))?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", parent.display()))
        }
    }
    Ok(file)
}

#[cfg(unix)]
fn lock_file(parent: &Path, _: &Path) -> Result<fs::File> {
    fs::File::open(parent).with_context(|| format!("cannot open {}", parent.display()))
}

/// A folder cannot be opened as a file here: a lock file beside the output.
#[cfg(not(unix))]
fn lock_file(_: &Path, target: &Path) -> Result<fs::File> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let path = target.with_file_name(format!(".{name}.faultbook-lock"));
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the build lock {}", path.display()))
}

/// Removes what killed builds left beside `target`: their staging folders
/// (`.public.faultbook-new-<pid>`) and folders moved aside by a swap that
/// was cut short, each known by the marker it carries; and the spare kept
/// beside the output by faultbook 0.1; an empty staging folder, or one
/// holding nothing but a marker, is a build's killed before it was
/// marked. Runs under the lock, so no live build owns them. What cannot be removed stays: it is in no one's way.
fn clean_leftovers(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.faultbook-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let path = entry.path();
        let marked = |file: &str, text: &str| {
            fs::symlink_metadata(path.join(file)).is_ok_and(|m| m.is_file())
                && fs::read_to_string(path.join(file)).is_ok_and(|t| t.starts_with(text))
        };
        // A build killed between making its staging folder and marking it
        // leaves the folder empty, or holding only a marker cut short.
        let unmarked_leftover = || {
            fs::read_dir(&path).is_ok_and(|d| {
                d.flatten()
                    .all(|e| e.file_name() == MARKER && e.file_type().is_ok_and(|t| t.is_file()))
            })
        };
        let ours = match rest.split_once('-') {
            Some(("new" | "old", pid)) => {
                !pid.is_empty()
                    && pid.bytes().all(|b| b.is_ascii_digit())
                    && (marked(MARKER, MARKER_TEXT) || unmarked_leftover())
            }
            _ => rest == "spare" && marked(".gitignore", "# faultbook: the previous build"),
        };
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// A hidden switch for tests: stage beside the output, as on a second
/// file system, instead of in the state folder.
fn forced_beside() -> bool {
    std::env::var_os("FAULTBOOK_STAGE_BESIDE").is_some()
}

/// True when a folder can be renamed from `a` into `b` (same file system).
#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    false
}

/// Exchanges two folders: atomically where the system can (Linux), else
/// by moving `b` aside, `a` into its place and the old `b` to `a`. A refusal
/// of the system (permissions, a mount point) changes nothing.
fn exchange(a: &Path, b: &Path) -> Result<()> {
    let busy = |e: std::io::Error| {
        let hint = if e.kind() == std::io::ErrorKind::ResourceBusy {
            " (is it a mount point? build into a folder inside it and serve that)"
        } else {
            ""
        };
        anyhow::Error::new(e).context(format!("cannot replace {}{hint}", b.display()))
    };
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // The file system cannot exchange: two renames below.
            Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {}
            Err(e) => return Err(busy(e.into())),
        }
    }
    let aside = beside_name(b, "old")?;
    fs::rename(b, &aside).map_err(busy)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(busy(e));
    }
    if fs::rename(&aside, a).is_err() {
        // The new build is in place; the old one, marked, goes.
        let _ = fs::remove_dir_all(&aside);
    }
    Ok(())
}
