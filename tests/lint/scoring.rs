//! Scoring shared by the held-out corpora (`heldout`, `heldout2`): walk a labelled folder, tally
//! file x rule pairs and files flagged at all, print precision and recall tables.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every file under `dir`, as a `/`-separated path relative to `base`, except the names in `skip`
/// (relative to `base`).
pub fn corpus_files(dir: &Path, base: &Path, skip: &[&str], out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read corpus dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            corpus_files(&path, base, skip, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !skip.contains(&rel.as_str()) {
                out.push(rel);
            }
        }
    }
}

#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    fn add(&mut self, expected: bool, found: bool) {
        match (expected, found) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
}

pub fn ratio(num: usize, den: usize) -> String {
    if den == 0 {
        "   -  ".to_string()
    } else {
        format!("{:6.3}", num as f64 / den as f64)
    }
}

/// The tallies of one corpus (or one half of it).
#[derive(Default)]
pub struct Score {
    pub files: usize,
    pub positive_files: usize,
    pub clean_files: usize,
    pub clean_flagged: usize,
    pub exact: usize,
    pub per_rule: BTreeMap<String, Counts>,
    pub positives_per_rule: BTreeMap<String, usize>,
    /// File x rule pairs.
    pub overall: Counts,
    /// Files flagged at all, whatever the rule.
    pub any: Counts,
}

impl Score {
    /// Count one file; true when its findings are exactly its labels.
    pub fn add(&mut self, expected: &BTreeSet<String>, found: &BTreeSet<String>) -> bool {
        self.files += 1;
        for code in expected {
            *self.positives_per_rule.entry(code.clone()).or_default() += 1;
        }
        for code in expected.union(found) {
            let (e, f) = (expected.contains(code), found.contains(code));
            self.per_rule.entry(code.clone()).or_default().add(e, f);
            self.overall.add(e, f);
        }
        self.any.add(!expected.is_empty(), !found.is_empty());
        if expected.is_empty() {
            self.clean_files += 1;
            if !found.is_empty() {
                self.clean_flagged += 1;
            }
        } else {
            self.positive_files += 1;
        }
        let exact = expected == found;
        if exact {
            self.exact += 1;
        }
        exact
    }

    /// The per-rule table, then the overall and file-level lines; with `positives`, a column
    /// of how many files each rule is expected in.
    pub fn print_table(&self, positives: bool) {
        let pos = |s: String| {
            if positives {
                format!(" {s:>4}")
            } else {
                String::new()
            }
        };
        println!(
            "{:<8}{} {:>4} {:>4} {:>4}  {:>9} {:>9}",
            "rule",
            pos("pos".into()),
            "TP",
            "FP",
            "FN",
            "precision",
            "recall"
        );
        for (code, c) in &self.per_rule {
            let n = self.positives_per_rule.get(code).copied().unwrap_or(0);
            let note = if positives && n < 10 { "  (n<10)" } else { "" };
            println!(
                "{:<8}{} {:>4} {:>4} {:>4}  {:>9} {:>9}{note}",
                code,
                pos(n.to_string()),
                c.tp,
                c.fp,
                c.fn_,
                ratio(c.tp, c.tp + c.fp),
                ratio(c.tp, c.tp + c.fn_)
            );
        }
        for (name, c, what) in [
            ("overall", self.overall, "file x rule pairs"),
            ("any", self.any, "file flagged at all"),
        ] {
            println!(
                "{:<8}{} {:>4} {:>4} {:>4}  {:>9} {:>9}   ({what})",
                name,
                pos(String::new()),
                c.tp,
                c.fp,
                c.fn_,
                ratio(c.tp, c.tp + c.fp),
                ratio(c.tp, c.tp + c.fn_)
            );
        }
    }
}
