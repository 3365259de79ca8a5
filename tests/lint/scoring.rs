//! Scoring of the labelled held-out corpora (`heldout` to `heldout4`): walking a
//! corpus, tallying file x rule pairs and files flagged at all, printing precision and recall
//! tables; and for corpora split into a `tune` and a `report` half (the protocol of
//! `fixtures/heldout2/README.md` and `fixtures/heldout3/README.md`), loading and checking a half's
//! labels and linting its files.
//!
//! A half is a folder of corpus files and one or more `labels*.toml` files (one per labeller):
//! `[files."id"]` with `rules`, `reason` and the provenance `repo`, `commit`, `path`, `licence`.
//! A file's id is its path inside the half; FNV-1a-64 of the id decides the half.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use atlcheck::lint::Linter;

/// Lint-face codes of SPEC.md's rule table. A label may name a code the catalogue does not have yet
/// (a rule in progress); it then counts as a miss until the rule exists.
pub const LINT_CODES: &[&str] = &[
    "AT101", "AT102", "AT103", "AT104", "AT201", "AT202", "AT203", "AT204", "AT205", "AT207",
    "AT301", "AT302", "AT303", "AT405",
];

/// Issue 16's per-rule floor applies where the half holds at least this many positive files.
pub const FLOOR_SUPPORT: usize = 10;

#[derive(serde::Deserialize)]
struct LabelsFile {
    files: BTreeMap<String, Entry>,
}

#[derive(serde::Deserialize, Clone)]
#[allow(dead_code)] // provenance fields are checked for presence, not used in scoring
pub struct Entry {
    pub rules: Vec<String>,
    pub reason: String,
    pub repo: String,
    pub commit: String,
    pub path: String,
    pub licence: String,
}

/// FNV-1a, 64 bit, of the file id's UTF-8 bytes: even means `tune`, odd means `report`.
pub fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub fn half_of(id: &str) -> &'static str {
    if fnv1a64(id).is_multiple_of(2) {
        "tune"
    } else {
        "report"
    }
}

fn is_labels_file(rel: &str) -> bool {
    !rel.contains('/') && rel.starts_with("labels") && rel.ends_with(".toml")
}

/// A loaded, checked half: its files (sorted ids) and their labels.
pub struct Half {
    pub dir: PathBuf,
    pub files: Vec<String>,
    pub labels: BTreeMap<String, Entry>,
    /// The labels files read, by file name, with how many files each labels.
    pub sources: Vec<(String, usize)>,
}

/// Load the half `half` (`tune` or `report`) of the corpus at `root`, reading every
/// `labels*.toml` in it. `None` when the folder or its labels are absent (a corpus not landed
/// yet). Panics, with the reason, when the half does not load: a labels file that does not
/// parse, a file labelled twice, a file without labels, labels without a file, a file in the
/// wrong half, an unknown rule code, a missing reason or provenance.
pub fn load(root: &Path, half: &str) -> Option<Half> {
    try_load(root, half).unwrap_or_else(|e| panic!("{e}"))
}

/// [`load`], with the reason a half does not load as an error.
pub fn try_load(root: &Path, half: &str) -> Result<Option<Half>, String> {
    let dir = root.join(half);
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut label_files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_labels_file(n))
        .collect();
    label_files.sort();
    if label_files.is_empty() {
        return Ok(None);
    }
    let known: BTreeSet<&str> = LINT_CODES.iter().copied().collect();
    let mut labels: BTreeMap<String, Entry> = BTreeMap::new();
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut sources = Vec::new();
    for lf in &label_files {
        let text =
            std::fs::read_to_string(dir.join(lf)).map_err(|e| format!("{half}/{lf}: {e}"))?;
        let parsed: LabelsFile =
            toml::from_str(&text).map_err(|e| format!("{half}/{lf} does not parse: {e}"))?;
        sources.push((lf.clone(), parsed.files.len()));
        for (file, entry) in parsed.files {
            for code in &entry.rules {
                if !known.contains(code.as_str()) {
                    return Err(format!(
                        "{half}/{lf}: {file}: {code} is not a lint rule code of SPEC.md"
                    ));
                }
            }
            if half_of(&file) != half {
                return Err(format!(
                    "{half}/{lf}: {file}: the hash of its id puts it in the other half"
                ));
            }
            if entry.reason.trim().is_empty() {
                return Err(format!("{half}/{lf}: {file}: no reason"));
            }
            if !(entry.repo.contains('/') && !entry.path.is_empty() && !entry.licence.is_empty()) {
                return Err(format!(
                    "{half}/{lf}: {file}: repository, path and licence must be recorded"
                ));
            }
            if !(entry.commit.len() == 40 && entry.commit.bytes().all(|b| b.is_ascii_hexdigit())) {
                return Err(format!(
                    "{half}/{lf}: {file}: commit must be a 40-hex id, got {:?}",
                    entry.commit
                ));
            }
            if let Some(first) = owner.get(&file) {
                return Err(format!(
                    "{half}: {file} is labelled in both {first} and {lf}"
                ));
            }
            owner.insert(file.clone(), lf.clone());
            labels.insert(file, entry);
        }
    }
    let mut files = Vec::new();
    corpus_files(&dir, &dir, &|rel| !is_labels_file(rel), &mut files)
        .map_err(|e| format!("{half}: {e}"))?;
    files.sort();
    let on_disk: BTreeSet<&String> = files.iter().collect();
    let labelled: BTreeSet<&String> = labels.keys().collect();
    let unlabelled: Vec<_> = on_disk.difference(&labelled).collect();
    let missing: Vec<_> = labelled.difference(&on_disk).collect();
    if !unlabelled.is_empty() {
        return Err(format!("{half}: files without labels: {unlabelled:?}"));
    }
    if !missing.is_empty() {
        return Err(format!("{half}: labels without files: {missing:?}"));
    }
    Ok(Some(Half {
        dir,
        files,
        labels,
        sources,
    }))
}

/// Every file under `dir` that `keep` keeps, as a `/`-separated path relative to `base`.
pub fn corpus_files(
    dir: &Path,
    base: &Path,
    keep: &dyn Fn(&str) -> bool,
    out: &mut Vec<String>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            corpus_files(&path, base, keep, out)?;
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if keep(&rel) {
                out.push(rel);
            }
        }
    }
    Ok(())
}

#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    /// 1.0 when nothing was found.
    pub fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    /// 1.0 when nothing was expected.
    pub fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    /// How many were expected.
    pub fn support(self) -> usize {
        self.tp + self.fn_
    }

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
            let note = if positives && n < FLOOR_SUPPORT {
                format!("  (n<{FLOOR_SUPPORT}: floor n/a)")
            } else {
                String::new()
            };
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

/// A half's score and its per-file mismatches (expected, found, the label's reason).
pub struct Measured {
    pub score: Score,
    pub mismatches: Vec<String>,
}

/// Lint every file of the half (`display` prefix such as `fixtures/heldout3/tune`) and count,
/// per rule and overall (file x rule pairs), what the labels expected against what was found.
pub fn measure(h: &Half, display_prefix: &str, linter: &Linter) -> Measured {
    let mut score = Score::default();
    let mut mismatches = Vec::new();
    for rel in &h.files {
        let bytes = std::fs::read(h.dir.join(rel)).expect("read corpus file");
        let display = format!("{display_prefix}/{rel}");
        let report = linter.lint_bytes(&display, Path::new(&display), &bytes);
        let found: BTreeSet<String> = report.findings.iter().map(|f| f.rule.to_string()).collect();
        let expected: BTreeSet<String> = h.labels[rel].rules.iter().cloned().collect();
        if !score.add(&expected, &found) {
            let lines: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{}@{}", f.rule, f.line))
                .collect();
            mismatches.push(format!(
                "{rel}\n    expected {:?}\n    found    {:?}  ({})\n    why      {}",
                expected,
                found,
                lines.join(", "),
                h.labels[rel].reason,
            ));
        }
    }
    Measured { score, mismatches }
}

/// Print the per-rule table of a measured half (scores only, never per-file detail).
pub fn print_table(title: &str, m: &Score) {
    println!(
        "\n{title}: {} files ({} with findings, {} clean), {} exactly right",
        m.files, m.positive_files, m.clean_files, m.exact
    );
    m.print_table(true);
    println!(
        "clean files flagged: {} of {}",
        m.clean_flagged, m.clean_files
    );
}

/// One held-out round split into halves (`fixtures/<round>/{tune,report}`): the default linter the
/// rounds are scored with, and the two tests every round runs.
pub mod round {
    use std::path::{Path, PathBuf};

    use atlcheck::config::{Config, Overrides};
    use atlcheck::lint::Linter;

    fn root(round: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(round)
    }

    pub fn linter() -> Linter {
        Linter::new(Config::resolve(None, &Overrides::default()).unwrap())
            .unwrap()
            .without_frames()
    }

    fn describe(h: &super::Half) -> String {
        let sources: Vec<String> = h.sources.iter().map(|(f, n)| format!("{f}: {n}")).collect();
        format!("{} files ({})", h.files.len(), sources.join(", "))
    }

    /// The tuning half: scores and every mismatch are printed (run with `--nocapture`).
    pub fn tune(round: &str) {
        let Some(tune) = super::load(&root(round), "tune") else {
            println!("{round}/tune: not present yet (no labels*.toml); skipped");
            return;
        };
        println!("{round}/tune: {}", describe(&tune));
        let m = super::measure(&tune, &format!("fixtures/{round}/tune"), &linter());
        super::print_table(&format!("{} tune", round.to_uppercase()), &m.score);
        println!("\nMISMATCHES in tune ({}):", m.mismatches.len());
        for line in &m.mismatches {
            println!("  {line}");
        }
    }

    /// The frozen reporting half: its labels are always loaded and checked; its files are linted
    /// and scored only when `<ROUND>_REPORT=1` is set, and its per-file mismatches are never
    /// printed.
    pub fn report(round: &str) {
        let Some(report) = super::load(&root(round), "report") else {
            println!("{round}/report: not present yet (no labels*.toml); skipped");
            return;
        };
        println!("{round}/report: {} (labels checked)", describe(&report));
        let var = format!("{}_REPORT", round.to_uppercase());
        if std::env::var_os(&var).is_none_or(|v| v != "1") {
            println!("{round}/report: frozen; not linted (set {var}=1 for the one run)");
            return;
        }
        let m = super::measure(&report, &format!("fixtures/{round}/report"), &linter());
        super::print_table(
            &format!("{} report (frozen)", round.to_uppercase()),
            &m.score,
        );
    }
}
