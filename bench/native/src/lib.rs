//! The parse corpus, read from `bench/corpus/LIST` (paths relative to the repository root).

use std::path::{Path, PathBuf};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `(name, bytes)` of every message in the corpus, in list order.
pub fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = repo_root();
    let list = std::fs::read_to_string(root.join("bench/corpus/LIST")).expect("bench/corpus/LIST");
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut f = l.split_whitespace();
            let (name, path) = (f.next().unwrap_or_default(), f.next().unwrap_or_default());
            let bytes = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
            (name.to_owned(), bytes)
        })
        .collect()
}
