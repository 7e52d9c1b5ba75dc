//! Memo tables that make rebuilds incremental (used by `serve`).
//!
//! Each expensive step is a pure function of inputs that are hashed into
//! its key: loading a page (its bytes and the day), scanning and rendering
//! a body (its bytes and the graph fingerprint: every URL, title, code and
//! output path it could look up), rendering an output (the template set and
//! its whole view). A rebuild re-runs only steps whose key is new, so it
//! equals a fresh build by construction. After each build only the entries
//! it used are kept, so memory does not grow with the number of edits.

use std::ops::Range;
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::packed::Packed;

pub type Key = [u8; 32];

/// One memo table: lookups see the previous build's entries and this one's.
pub struct Table<V> {
    old: Mutex<FxHashMap<Key, V>>,
    new: Mutex<FxHashMap<Key, V>>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            old: Mutex::default(),
            new: Mutex::default(),
        }
    }
}

impl<V: Clone> Table<V> {
    /// The memoized value for `key`, computing and storing it when absent.
    pub fn get_or(&self, key: Key, compute: impl FnOnce() -> V) -> V {
        match self.try_get_or(key, || Ok::<V, std::convert::Infallible>(compute())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// `get_or` for a computation that may fail: a failure is not stored.
    pub fn try_get_or<E>(&self, key: Key, compute: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let v = compute()?;
        self.put(key, v.clone());
        Ok(v)
    }

    pub fn get(&self, key: &Key) -> Option<V> {
        if let Some(v) = self.new.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Some(v.clone());
        }
        let hit = self
            .old
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key)?;
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(*key, hit.clone());
        Some(hit)
    }

    pub fn put(&self, key: Key, v: V) {
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, v);
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.new.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.old.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Ends a build: what it did not use is dropped.
    pub fn rotate(&self) {
        let new = std::mem::take(&mut *self.new.lock().unwrap_or_else(|e| e.into_inner()));
        *self.old.lock().unwrap_or_else(|e| e.into_inner()) = new;
    }

    pub fn len(&self) -> usize {
        self.old.lock().unwrap_or_else(|e| e.into_inner()).len()
            + self.new.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// All memo tables of a site.
#[derive(Default)]
pub struct Memo {
    pub loads: Table<(
        Option<std::sync::Arc<crate::load::Page>>,
        Vec<crate::diag::Diagnostic>,
    )>,
    pub scans: Table<std::sync::Arc<crate::markdown::Rendered>>,
    /// Bodies' HTML and outputs, packed (see `packed`).
    pub htmls: Table<Html>,
    pub outputs: Table<Packed>,
}

impl Memo {
    /// Forgets everything: after a build that read a file changing under
    /// it, no entry is trusted.
    pub fn clear(&self) {
        self.loads.clear();
        self.scans.clear();
        self.htmls.clear();
        self.outputs.clear();
    }

    pub fn rotate(&self) {
        self.loads.rotate();
        self.scans.rotate();
        self.htmls.rotate();
        self.outputs.rotate();
    }
}

/// A body's HTML as kept: packed alone, or as the part of its page's
/// output that it is. Most templates show the body as it is, and then the
/// page is all that is kept of it, shared with the outputs' table; the
/// next render of the page unpacks it, and keeps the body in the new page.
#[derive(Clone)]
pub enum Html {
    Alone(Packed),
    Within(Packed, Range<usize>),
}

impl Html {
    pub fn text(&self) -> String {
        match self {
            Html::Alone(p) => p.unpack_str(),
            Html::Within(p, at) => p
                .bytes()
                .get(at.clone())
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        }
    }
}

/// Builds a key from parts, each length-prefixed so that parts cannot run
/// together (`"ab" + "c"` and `"a" + "bc"` differ).
/// The parts are gathered and hashed at once: many small updates of the
/// hasher cost more than the hash of their bytes together.
#[derive(Default)]
pub struct KeyBuilder(Vec<u8>);

impl KeyBuilder {
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
        self
    }

    pub fn finish(&self) -> Key {
        *blake3::hash(&self.0).as_bytes()
    }
}

/// A key from a few parts.
pub fn key(parts: &[&[u8]]) -> Key {
    let mut k = KeyBuilder::default();
    for p in parts {
        k.part(p);
    }
    k.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_keep_only_what_the_last_build_used() {
        let t: Table<u32> = Table::default();
        let mut runs = 0;
        assert_eq!(
            t.get_or(key(&[b"a"]), || {
                runs += 1;
                1
            }),
            1
        );
        t.rotate();
        assert_eq!(
            t.get_or(key(&[b"a"]), || {
                runs += 1;
                2
            }),
            1,
            "a hit from the previous build"
        );
        assert_eq!(t.get_or(key(&[b"b"]), || 3), 3);
        t.rotate();
        assert_eq!(t.len(), 2);
        t.rotate();
        assert_eq!(t.len(), 0, "entries unused for a build are dropped");
        assert_eq!(runs, 1);
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
    }
}
