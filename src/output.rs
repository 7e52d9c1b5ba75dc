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
    fn copy(&self, path: &str, from: &Path) -> Result<()>;
}

/// Refuses output folders that would take the site down with them.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = root.canonicalize().with_context(|| format!("cannot open the site folder {}", root.display()))?;
    let out = absolute(output)?;
    let out = match out.canonicalize() {
        Ok(p) => p,
        Err(_) => out,
    };
    if out.parent().is_none() {
        bail!("refusing to write the site to {}: it is a file-system root", out.display());
    }
    if root.starts_with(&out) {
        bail!("refusing to write the site to {}: it holds the site itself ({})", out.display(), root.display());
    }
    for input in ["content", "templates", "static"] {
        if out.starts_with(root.join(input)) {
            bail!("refusing to write the site to {}: it is inside the site's {input}/ folder", out.display());
        }
    }
    if out.join("content").is_dir() || out.join("site.toml").is_file() {
        bail!("refusing to write the site to {}: it holds content/ or site.toml, so it looks like a site, not an output folder", out.display());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if out == home {
            bail!("refusing to write the site to your home folder {}", out.display());
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> Result<PathBuf> {
    Ok(if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir()?.join(p) })
}

/// A folder being written beside the final output folder.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        let target = absolute(target)?;
        let parent = target.parent().context("output folder has no parent")?.to_path_buf();
        fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target.file_name().context("output folder has no name")?.to_string_lossy().into_owned();
        let dir = parent.join(format!(".{name}.faultbook-new-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging { dir, target })
    }

    /// Swaps the staged folder in place of the target.
    pub fn commit(self) -> Result<()> {
        let old = self.target.with_file_name(format!(
            ".{}.faultbook-old-{}",
            self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).with_context(|| format!("cannot move aside {}", self.target.display()))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| format!("cannot move the new build into {}", self.target.display()));
        }
        if had_old {
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove the previous build at {}", old.display()))?;
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.dir.join(path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&dest, bytes).with_context(|| format!("cannot write {}", dest.display()))
    }

    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        let dest = self.dir.join(path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::copy(from, &dest).with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))?;
        Ok(())
    }
}
