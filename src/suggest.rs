//! Near misses: the known name closest to a mistyped one, so that a
//! message can say what was meant (`reviwed` -> `reviewed`,
//! `@/playbooks/overlaod.md` -> `@/playbooks/overload.md`).

/// Edit distance between short names, a swap of two neighbours counting
/// as one edit (the commonest typo: `reviwed`, `cdoe`); `usize::MAX` when
/// their lengths differ by more than 2 (too far to be a typo).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    // d[i][j]: distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word`, if one is close enough to be what was
/// meant: at most 2 edits, and fewer than half the word's length. Ties go
/// to the first in sorted order, so the answer does not depend on the
/// order of `candidates`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = 2.min(word.chars().count().saturating_sub(1) / 2);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit.max(1))
        .min()
        .map(|(_, c)| c)
}

/// `; did you mean "<name>"?`, or nothing when no name is close.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("429", "428"), 1);
        assert_eq!(edit_distance("aadsts53003", "aadsts5300"), 1);
        assert_eq!(edit_distance("a", "abcd"), usize::MAX);
        assert_eq!(edit_distance("reviwed", "reviewed"), 1);
        assert_eq!(edit_distance("cdoe", "code"), 1);
        assert_eq!(edit_distance("404", "451"), 2);
    }

    #[test]
    fn near_misses() {
        let keys = ["title", "code", "reviewed", "references", "related"];
        assert_eq!(closest("reviwed", keys), Some("reviewed"));
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("x", keys), None);
        assert_eq!(closest("404", ["451", "503"]), None);
        assert_eq!(
            closest(
                "playbooks/overlaod.md",
                ["playbooks/overload.md", "playbooks/timeouts.md"]
            ),
            Some("playbooks/overload.md")
        );
        assert_eq!(did_you_mean("cdoe", keys), "; did you mean \"code\"?");
    }
}
