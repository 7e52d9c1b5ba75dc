//! Writing a build: into a fresh folder beside the output folder, swapped in
//! only when every file is written, so a failed build leaves the previous
//! output untouched and a reader never sees a half-written site.
//!
//! Guards refuse output folders whose replacement would delete the site
//! itself: the root, a folder holding content/ or site.toml, or an input folder.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

/// Where rendered files go. Implemented by the folder writer here and by
/// the in-memory snapshot of `serve`.
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// `write` for bytes the caller shares; an in-memory sink keeps them
    /// without a copy.
    fn write_shared(&self, path: &str, bytes: std::sync::Arc<[u8]>) -> Result<()> {
        self.write(path, &bytes)
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()>;
}

/// Refuses output folders that would take the site down with them.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open the site folder {}", root.display()))?;
    let out = absolute(output)?;
    let out = match out.canonicalize() {
        Ok(p) => p,
        Err(_) => out,
    };
    if out.parent().is_none() {
        bail!(
            "refusing to write the site to {}: it is a file-system root",
            out.display()
        );
    }
    if root.starts_with(&out) {
        bail!(
            "refusing to write the site to {}: it holds the site itself ({})",
            out.display(),
            root.display()
        );
    }
    for input in ["content", "templates", "static"] {
        if out.starts_with(root.join(input)) {
            bail!(
                "refusing to write the site to {}: it is inside the site's {input}/ folder",
                out.display()
            );
        }
    }
    if out.join("content").is_dir() || out.join("site.toml").is_file() {
        bail!("refusing to write the site to {}: it holds content/ or site.toml, so it looks like a site, not an output folder", out.display());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if out == home {
            bail!(
                "refusing to write the site to your home folder {}",
                out.display()
            );
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> Result<PathBuf> {
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    })
}

/// The marker that makes a spare folder ours, and keeps it out of git.
const SPARE_MARKER: &str = ".gitignore";
const SPARE_MARKER_TEXT: &str =
    "# faultbook: the previous build, reused by the next one; safe to delete\n*\n";

/// A folder being written beside the final output folder.
///
/// Creating files is what costs most on many file systems (new inodes, and
/// ext4 skips recently freed ones), so the previous build is not deleted:
/// it is kept beside the output as a spare (`.public.faultbook-spare`) and
/// the next build writes over it in place, then exchanges it with the
/// output folder in one atomic rename. The output folder itself is never
/// written into, so a failed build leaves it byte for byte as it was.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    spare: PathBuf,
    /// True when `dir` is the reused spare (kept on failure, not deleted).
    reused: bool,
    written: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        let target = absolute(target)?;
        let parent = target
            .parent()
            .context("output folder has no parent")?
            .to_path_buf();
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .context("output folder has no name")?
            .to_string_lossy()
            .into_owned();
        let spare = parent.join(format!(".{name}.faultbook-spare"));
        let is_ours =
            fs::read_to_string(spare.join(SPARE_MARKER)).is_ok_and(|t| t == SPARE_MARKER_TEXT);
        let (dir, reused) = if is_ours {
            (spare.clone(), true)
        } else {
            let dir = parent.join(format!(".{name}.faultbook-new-{}", std::process::id()));
            if dir.exists() {
                fs::remove_dir_all(&dir)
                    .with_context(|| format!("cannot clear {}", dir.display()))?;
            }
            fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            (dir, false)
        };
        Ok(Staging {
            dir,
            target,
            spare,
            reused,
            written: Default::default(),
        })
    }

    /// Removes what an earlier build left in a reused folder and this build
    /// did not write.
    fn prune(&self) -> Result<()> {
        if !self.reused {
            return Ok(());
        }
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry.with_context(|| format!("cannot list {}", self.dir.display()))?;
            let path = entry.path();
            if entry.file_type().is_dir() {
                dirs.push(path.to_path_buf());
            } else if !written.contains(path) && path != self.dir.join(SPARE_MARKER) {
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

    /// Swaps the staged folder in place of the target; the previous output
    /// becomes the spare of the next build.
    pub fn commit(self) -> Result<()> {
        self.prune()?;
        let marker = self.dir.join(SPARE_MARKER);
        if self.reused
            && !self
                .written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&marker)
        {
            fs::remove_file(&marker)
                .with_context(|| format!("cannot remove {}", marker.display()))?;
        }
        let had_old = self.target.exists();
        if had_old {
            exchange(&self.dir, &self.target)?;
            // `dir` now holds the previous output.
            if self.dir != self.spare {
                if self.spare.exists() {
                    fs::remove_dir_all(&self.spare)
                        .with_context(|| format!("cannot remove {}", self.spare.display()))?;
                }
                fs::rename(&self.dir, &self.spare).with_context(|| {
                    format!("cannot keep the previous build as {}", self.spare.display())
                })?;
            }
            fs::write(self.spare.join(SPARE_MARKER), SPARE_MARKER_TEXT)
                .with_context(|| format!("cannot mark {}", self.spare.display()))?;
        } else {
            fs::rename(&self.dir, &self.target).with_context(|| {
                format!("cannot move the new build into {}", self.target.display())
            })?;
        }
        std::mem::forget(self);
        Ok(())
    }

    fn record(&self, dest: &Path) {
        if self.reused {
            self.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(dest.to_path_buf());
        }
    }

    fn prepare(&self, path: &str) -> Result<PathBuf> {
        let dest = self.dir.join(path);
        if let Some(parent) = dest.parent() {
            if !parent.is_dir() {
                // A file left by an earlier build where this one needs a
                // folder. Other threads create folders here concurrently, so
                // only a non-folder is removed, and losing that race is fine.
                if fs::symlink_metadata(parent).is_ok_and(|m| !m.is_dir()) {
                    match fs::remove_file(parent) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(e)
                                .with_context(|| format!("cannot remove {}", parent.display()));
                        }
                        _ => {}
                    }
                }
                fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
        }
        if dest.is_dir() {
            fs::remove_dir_all(&dest)
                .with_context(|| format!("cannot remove {}", dest.display()))?;
        }
        self.record(&dest);
        Ok(dest)
    }
}

/// Atomically exchanges two folders where the file system allows it, else
/// renames one aside and the other into place.
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(_) => {
            let aside = a.with_extension("faultbook-swap");
            fs::rename(b, &aside).with_context(|| format!("cannot move aside {}", b.display()))?;
            if let Err(e) = fs::rename(a, b) {
                let _ = fs::rename(&aside, b);
                return Err(e)
                    .with_context(|| format!("cannot move the new build into {}", b.display()));
            }
            fs::rename(&aside, a)
                .with_context(|| format!("cannot move {} to {}", aside.display(), a.display()))
        }
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind but a reused spare.
    fn drop(&mut self) {
        if !self.reused {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.prepare(path)?;
        // Leave identical files alone: no new blocks, no dirty pages.
        if self.reused && fs::read(&dest).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        fs::write(&dest, bytes).with_context(|| format!("cannot write {}", dest.display()))
    }

    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        let dest = self.prepare(path)?;
        fs::copy(from, &dest)
            .with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))?;
        Ok(())
    }
}
