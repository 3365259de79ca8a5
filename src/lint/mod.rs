//! `atlcheck lint`: the static face.
//!
//! For each file: one read ([`walk`]), a keyword prefilter (Aho-Corasick over every enabled
//! rule's keywords, case-insensitive), then only the detectors of rules whose keywords occur
//! run their regexes ([`rules`]). Hits become [`Finding`]s with 1-based, character-counted
//! line and column; inline suppressions ([`suppress`]) and the configuration's per-path
//! ignores and severity overrides are applied last.
pub mod baseline;
pub mod history;
pub mod kind;
pub mod rules;
pub mod staged;
pub mod suppress;
pub mod walk;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::Serialize;

use crate::catalogue::{self, Mode, Rule, Severity};
use crate::config::Config;
/// One line index and one comment-line test for every face ([`crate::lines`]).
pub use crate::lines::{LineIndex, is_comment_line};
use crate::lines::{ceil_boundary, floor_boundary};
/// The code frame lives with the output that shows it; lint builds one per finding.
pub use crate::output::frame::Frame;
pub use kind::FileKind;
use suppress::SuppressionNote;
use walk::{Visit, WalkOptions};

/// Keywords that show a file is about Atlassian at all; detectors that need context ask
/// [`Cx::atlassian_context`].
const CONTEXT_KEYWORDS: &[&str] = &["atlassian", "jira", "confluence", "atatt3", "servicedesk"];

/// A hit a detector reports: a byte range in the file and what to say about it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub range: Range<usize>,
    pub message: String,
    /// Borrowed when it is a fixed text (most fixes are: no copy per hit).
    pub fix: Option<std::borrow::Cow<'static, str>>,
    /// A secret-free description of the match, stable under line moves; feeds the fingerprint.
    pub key: String,
    /// The severity in this context, when the rule's documentation says it depends on it
    /// (`[severity]` in the configuration still wins).
    pub severity: Option<crate::catalogue::Severity>,
}

impl Hit {
    pub fn new(range: Range<usize>, message: impl Into<String>, key: impl Into<String>) -> Hit {
        Hit {
            range,
            message: message.into(),
            fix: None,
            key: key.into(),
            severity: None,
        }
    }
    pub fn fix(mut self, fix: impl Into<std::borrow::Cow<'static, str>>) -> Hit {
        self.fix = Some(fix.into());
        self
    }
}

/// One reported problem.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Shared by the file's findings (made safe for output once per file).
    pub path: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// Column just after the last character of the match.
    pub end_column: usize,
    /// Shared by the file's findings with the same text (a report of 500,000 findings holds
    /// a few distinct messages; issue 12, class 5).
    pub message: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Arc<str>>,
    pub fingerprint: String,
    /// `--history` only: the commit that first added it, whether HEAD still holds it, and the
    /// other paths it was seen at (SPEC, "Lint `--history`").
    /// Boxed: a scan of files (not of history) holds many findings and no provenance.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub history: Option<Box<history::Provenance>>,
    #[serde(skip)]
    pub frame: Option<Frame>,
    /// Byte range of the match in the decoded text it was found in (never serialized).
    #[serde(skip)]
    pub span: Range<usize>,
}

/// Everything found in one file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub notes: Vec<SuppressionNote>,
    pub suppressed: usize,
}

type Detector = fn(&Cx<'_>, &mut Vec<Hit>);

/// A rule ready to run: its catalogue entry, compiled patterns and detector.
pub struct CompiledRule {
    pub rule: &'static Rule,
    kinds: Option<Vec<FileKind>>,
    keyword_ids: Vec<usize>,
    /// Named patterns, compiled on first use: a run over clean files compiles none (regex
    /// compilation dominated start-up). `tests/lint/catalogue.rs` compiles them all.
    patterns: Vec<(&'static str, &'static str, OnceLock<&'static Regex>)>,
    detector: Detector,
    /// Hits on comment lines count (see [`crate::catalogue::LintSpec::comments`]).
    comments: bool,
}

impl CompiledRule {
    fn applies_to(&self, kind: FileKind) -> bool {
        self.kinds.as_ref().is_none_or(|ks| ks.contains(&kind))
    }
}

/// What a detector sees.
pub struct Cx<'a> {
    pub text: &'a str,
    /// The path as reported (`/`-separated).
    pub path: &'a str,
    pub kind: FileKind,
    pub config: &'a Config,
    rule: &'a CompiledRule,
    context: bool,
    /// The file's line starts, built on first use and shared by every rule.
    lines: &'a std::cell::OnceCell<LineIndex>,
    /// What several rules compute from the same shared patterns, found on first use and
    /// shared by the rules of the file ([`rules::common::Shared`]).
    shared: &'a rules::common::Shared<'a>,
}

impl<'a> Cx<'a> {
    /// A named pattern of the rule's TOML file (its own `patterns` or its `shared_patterns`
    /// from `rules/patterns.toml`). Panics if the rule file lacks it; the
    /// `rule_examples` test runs every detector, so a missing pattern cannot ship.
    pub fn pattern(&self, id: &str) -> &'a Regex {
        let code = &self.rule.rule.code;
        let (_, src, cell) = self
            .rule
            .patterns
            .iter()
            .find(|(pid, _, _)| *pid == id)
            .unwrap_or_else(|| panic!("rule {code} has no pattern `{id}`"));
        cell.get_or_init(|| {
            shared_pattern(id, src).unwrap_or_else(|e| panic!("rule {code} pattern `{id}`: {e}"))
        })
    }

    /// The file's legacy-token candidates, computed by `init` on the first call for the file.
    /// Does the rule declare a pattern of that id?
    pub fn has_pattern(&self, id: &str) -> bool {
        self.rule.patterns.iter().any(|(pid, _, _)| *pid == id)
    }

    pub(crate) fn legacy_cache(
        &self,
        init: impl FnOnce() -> Vec<rules::common::Candidate<'a>>,
    ) -> &'a [rules::common::Candidate<'a>] {
        self.shared.legacy.get_or_init(init)
    }

    /// What the rules of this file share ([`rules::common::Shared`]).
    pub(crate) fn shared(&self) -> &'a rules::common::Shared<'a> {
        self.shared
    }

    /// Does the file mention Atlassian, Jira, Confluence or carry an Atlassian token?
    pub fn atlassian_context(&self) -> bool {
        self.context
    }

    /// The line containing byte offset `at`, and the offset where the returned text starts.
    /// A line longer than [`LINE_WINDOW`] on either side of `at` (minified code, a generated
    /// one-line file) is cut to that window around `at`, on character boundaries, so that the
    /// work a detector does per match is bounded and a file lints in time linear in its size
    /// (issue 12, class 5). Callers slice the line at other match offsets with `get`.
    pub fn line_at(&self, at: usize) -> (&'a str, usize) {
        let w = line_window(self.text, self.line_range(at), at);
        (&self.text[w.clone()], w.start)
    }

    /// The start of the line containing `at`, at most [`LINE_WINDOW`] bytes of it: what
    /// decides whether the line is a comment.
    pub fn line_head(&self, at: usize) -> &'a str {
        let whole = self.line_range(at);
        let end = ceil_boundary(self.text, whole.end.min(whole.start + LINE_WINDOW));
        &self.text[whole.start..end]
    }

    /// The whole line containing `at` (without its `\n`), found in the line index.
    fn line_range(&self, at: usize) -> Range<usize> {
        let index = self.lines.get_or_init(|| LineIndex::new(self.text));
        let line = index.line_of(at.min(self.text.len()));
        let (start, end) = (index.start(line), index.end(self.text, line));
        start..end.max(start)
    }
}

/// How far before and after a match [`Cx::line_at`] looks on one line.
pub const LINE_WINDOW: usize = 4096;

/// The part of the line `whole` that [`Cx::line_at`] shows for offset `at`.
fn line_window(text: &str, whole: Range<usize>, at: usize) -> Range<usize> {
    let start = floor_boundary(text, whole.start.max(at.saturating_sub(LINE_WINDOW)));
    let end = ceil_boundary(text, whole.end.min(at.saturating_add(LINE_WINDOW)));
    start..end.max(start)
}

/// The lint engine for one run: the enabled rules and the prefilter over their keywords.
pub struct Linter {
    rules: Vec<CompiledRule>,
    prefilter: AhoCorasick,
    /// Keyword id of each prefilter spelling.
    variant_of: Vec<usize>,
    keyword_count: usize,
    /// For each keyword, the keywords its match implies (itself and those it contains).
    contains: Vec<Vec<usize>>,
    context_ids: Vec<usize>,
    /// Prefilter id of the suppression marker: files that carry one are checked for stale
    /// suppressions even when they have no finding.
    marker_id: usize,
    config: Config,
    /// Build the masked source line under each finding (only human output shows it).
    frames: bool,
}

impl Linter {
    /// Build the engine for the rules `config` enables.
    pub fn new(config: Config) -> anyhow::Result<Linter> {
        let mut keywords: Vec<String> = CONTEXT_KEYWORDS.iter().map(|s| s.to_string()).collect();
        let mut compiled = Vec::new();
        for rule in catalogue::rules() {
            let Some(spec) = &rule.lint else { continue };
            if !rule.has_mode(Mode::Lint) || !config.is_enabled(rule.code.as_str()) {
                continue;
            }
            let detector = rules::detector(rule.code).ok_or_else(|| {
                anyhow::anyhow!("rule {} has detection data but no detector", rule.code)
            })?;
            let kinds = if spec.files.iter().any(|f| f == "*") {
                None
            } else {
                Some(
                    spec.files
                        .iter()
                        .map(|f| {
                            FileKind::from_name(f).ok_or_else(|| {
                                anyhow::anyhow!("rule {}: unknown file kind `{f}`", rule.code)
                            })
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?,
                )
            };
            let keyword_ids = spec
                .keywords
                .iter()
                .map(|k| {
                    let k = k.to_ascii_lowercase();
                    keywords.iter().position(|x| *x == k).unwrap_or_else(|| {
                        keywords.push(k);
                        keywords.len() - 1
                    })
                })
                .collect();
            let mut patterns: Vec<_> = spec
                .patterns
                .iter()
                .map(|p| (p.id.as_str(), p.regex.as_str(), OnceLock::new()))
                .collect();
            for id in &spec.shared_patterns {
                let shared = catalogue::shared_patterns()
                    .iter()
                    .find(|p| p.id == *id)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "rule {}: no pattern `{id}` in rules/patterns.toml",
                            rule.code
                        )
                    })?;
                patterns.push((shared.id.as_str(), shared.regex.as_str(), OnceLock::new()));
            }
            compiled.push(CompiledRule {
                rule,
                kinds,
                keyword_ids,
                patterns,
                detector,
                comments: spec.comments,
            });
        }
        let marker_id = keywords.len();
        keywords.push(suppress::MARKER.to_string());
        // Case-insensitive search would disable aho-corasick's SIMD (Teddy) prefilter, which
        // is what makes a clean file cost little more than reading it. So the prefilter
        // searches the spellings code actually uses, case-sensitively.
        let mut variant_of = Vec::new();
        let mut spellings: Vec<String> = Vec::new();
        for (id, k) in keywords.iter().enumerate() {
            for v in spellings_of(k) {
                if !spellings.contains(&v) {
                    spellings.push(v);
                    variant_of.push(id);
                }
            }
        }
        let prefilter = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&spellings)?;
        let contains = keywords
            .iter()
            .map(|k| {
                (0..keywords.len())
                    .filter(|&j| k.contains(keywords[j].as_str()))
                    .collect()
            })
            .collect();
        let context_ids = (0..CONTEXT_KEYWORDS.len()).collect();
        Ok(Linter {
            rules: compiled,
            prefilter,
            variant_of,
            keyword_count: keywords.len(),
            contains,
            context_ids,
            marker_id,
            config,
            frames: true,
        })
    }

    /// Skip the code frames: machine formats never show them, and masking each finding's
    /// line is work in the scan loop.
    pub fn without_frames(mut self) -> Linter {
        self.frames = false;
        self
    }

    /// Which keywords occur in `bytes`. One non-overlapping leftmost-longest pass, which
    /// keeps aho-corasick's SIMD prefilter; a keyword contained in a longer one
    /// (`atlassian` in `atlassian.net`) is marked through [`Linter::contains`]. Two keywords
    /// that only partly overlap at one spot could hide each other there; none of the
    /// catalogue's keywords do.
    fn keywords_in(&self, bytes: &[u8]) -> Vec<bool> {
        let mut present = vec![false; self.keyword_count];
        let mut remaining = present.len();
        for m in self.prefilter.find_iter(bytes) {
            let id = self.variant_of[m.pattern().as_usize()];
            if present[id] {
                continue;
            }
            for &k in &self.contains[id] {
                if !present[k] {
                    present[k] = true;
                    remaining -= 1;
                }
            }
            if remaining == 0 {
                break;
            }
        }
        present
    }

    /// Lint one file's raw bytes: the prefilter runs on the bytes, and only a file with a
    /// keyword is decoded (most files have none, and skip UTF-8 validation entirely).
    pub fn lint_bytes(&self, display: &str, path: &std::path::Path, bytes: &[u8]) -> FileReport {
        self.lint_blob(display, path, bytes).0
    }

    /// [`Linter::lint_bytes`], also handing back the decoded text that the findings' `span`s
    /// point into (`None` when nothing was decoded: no keyword, so no finding).
    pub fn lint_blob<'b>(
        &self,
        display: &str,
        path: &std::path::Path,
        bytes: &'b [u8],
    ) -> (FileReport, Option<std::borrow::Cow<'b, str>>) {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            let Some(text) = walk::decode(bytes) else {
                return (FileReport::default(), None);
            };
            let kind = FileKind::detect(path, text.lines().next().unwrap_or(""));
            let report = self.lint_text(display, kind, &text);
            return (report, Some(text));
        }
        let present = self.keywords_in(bytes);
        if !present.iter().any(|p| *p) && !kind::names_product(display) {
            return (FileReport::default(), None);
        }
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        // Valid UTF-8 (nearly every blob) is checked by `str::from_utf8`, which reads ASCII a
        // word at a time; `from_utf8_lossy` walks it in chunks (4% of a history scan). The
        // same text either way.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let kind = FileKind::detect(path, text.split('\n').next().unwrap_or(""));
        let report = self.lint_with(display, kind, &text, &present);
        (report, Some(text))
    }

    /// Lint one decoded file.
    pub fn lint_text(&self, display: &str, kind: FileKind, text: &str) -> FileReport {
        let present = self.keywords_in(text.as_bytes());
        self.lint_with(display, kind, text, &present)
    }

    fn lint_with(&self, display: &str, kind: FileKind, text: &str, present: &[bool]) -> FileReport {
        // A file named for the product (`jira.yml`, go-jira's `.jira.d/config.yml`) is about
        // Atlassian whatever its text says: its context keywords count as present.
        let named;
        let present =
            if !self.context_ids.iter().any(|&i| present[i]) && kind::names_product(display) {
                let mut p = present.to_vec();
                for &i in &self.context_ids {
                    p[i] = true;
                }
                named = p;
                &named[..]
            } else {
                present
            };
        let context = self.context_ids.iter().any(|&i| present[i]);
        let mut findings = Vec::new();
        let lines: std::cell::OnceCell<LineIndex> = std::cell::OnceCell::new();
        let block_ranges: std::cell::OnceCell<Vec<Range<usize>>> = std::cell::OnceCell::new();
        let shared = rules::common::Shared::default();
        let mut memo = Memo::default();
        for rule in &self.rules {
            if !rule.applies_to(kind) || !rule.keyword_ids.iter().any(|&i| present[i]) {
                continue;
            }
            if self
                .config
                .is_ignored_for_path(display, rule.rule.code.as_str())
            {
                continue;
            }
            let cx = Cx {
                text,
                path: display,
                kind,
                config: &self.config,
                rule,
                context,
                lines: &lines,
                shared: &shared,
            };
            let mut hits = Vec::new();
            (rule.detector)(&cx, &mut hits);
            if !rule.comments && kind != FileKind::Markdown {
                let blocks = block_ranges.get_or_init(|| block_comments(text, kind));
                hits.retain(|h| {
                    !is_comment_line(cx.line_head(h.range.start))
                        && !in_ranges(blocks, h.range.start)
                });
            }
            if hits.is_empty() {
                continue;
            }
            let index = lines.get_or_init(|| LineIndex::new(text));
            hits.sort_by_key(|h| (h.range.start, h.range.end));
            hits.dedup_by(|a, b| a.range == b.range);
            // Each hit's occurrence of its key in the file, counted with the keys borrowed
            // from the hits (not a copy of each distinct key: a file of distinct tokens has
            // one per hit).
            // FxHash, sized once: this table is never printed (the fingerprints are their own
            // FNV hash, below), and SipHash plus regrowth was 6% of a file of many tokens.
            let occurrences: Vec<usize> = {
                let mut seen: rustc_hash::FxHashMap<&str, usize> =
                    rustc_hash::FxHashMap::with_capacity_and_hasher(hits.len(), Default::default());
                hits.iter()
                    .map(|h| {
                        let n = seen.entry(h.key.as_str()).or_insert(0);
                        *n += 1;
                        *n - 1
                    })
                    .collect()
            };
            findings.reserve(hits.len());
            for (hit, occurrence) in hits.into_iter().zip(occurrences) {
                findings.push(
                    self.finding(rule.rule, display, text, index, hit, occurrence, &mut memo),
                );
            }
        }
        if findings.is_empty() && !present[self.marker_id] {
            return FileReport::default();
        }
        let mut report = FileReport {
            findings,
            ..FileReport::default()
        };
        if present[self.marker_id] {
            let enabled: Vec<&str> = self
                .rules
                .iter()
                .filter(|r| r.applies_to(kind))
                .map(|r| r.rule.code.as_str())
                .collect();
            suppress::apply(text, display, &enabled, &mut report);
        }
        report.findings.sort_by_key(|f| (f.line, f.column, f.rule));
        report
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: &'static Rule,
        display: &str,
        text: &str,
        index: &LineIndex,
        hit: Hit,
        occurrence: usize,
        memo: &mut Memo,
    ) -> Finding {
        let (line, column) = index.position(text, hit.range.start);
        let (end_line, end_column) = index.position(text, hit.range.end);
        let fingerprint = fingerprint(rule.code.as_str(), display, &hit.key, occurrence);
        let frame = self
            .frames
            .then(|| crate::output::frame::frame(text, index, hit.range.clone(), &mut memo.masked));
        let span = hit.range.clone();
        Finding {
            rule: rule.code.as_str(),
            name: rule.name.as_str(),
            severity: self
                .config
                .severity_of(rule.code.as_str(), hit.severity.unwrap_or(rule.severity)),
            // A file may be named after a secret; every output takes the path from here.
            path: memo
                .path
                .get_or_insert_with(|| crate::secret::safe_text(display).into())
                .clone(),
            line,
            column,
            end_line,
            end_column,
            message: memo.message(&hit.message, 0),
            fix: hit.fix.map(|f| memo.message(&f, 1)),
            fingerprint,
            history: None,
            frame,
            span,
        }
    }
}

/// What the findings of one file share, computed once per file rather than once per finding
/// (a generated file may hold 100,000 findings; issue 12, class 5): the path made safe for
/// output, messages made safe, and the masked lines frames are cut from.
#[derive(Default)]
struct Memo {
    path: Option<Arc<str>>,
    messages: rustc_hash::FxHashMap<String, Arc<str>>,
    last: [Option<(String, Arc<str>)>; 2],
    /// Lookups in a full `messages` table, and how many found their text.
    full_lookups: usize,
    full_hits: usize,
    masked: crate::output::frame::MaskedLines,
}

impl Memo {
    /// [`crate::secret::safe_message`], remembered for the file's first 4,096 distinct texts;
    /// findings with the same text share one copy of it.
    fn message(&mut self, text: &str, slot: usize) -> Arc<str> {
        // A rule's findings in a row mostly share their message (slot 0) and fix (slot 1).
        if let Some((raw, done)) = &self.last[slot]
            && raw == text
        {
            return done.clone();
        }
        // Once the table is full, it is only looked in while it answers: a file of distinct
        // messages (a token in each; 440,000 in a generated file) would hash each for nothing.
        let full = self.messages.len() >= 4096;
        let look = !full || self.full_lookups < 1024 || self.full_hits * 4 >= self.full_lookups;
        let found = if look {
            self.messages.get(text).cloned()
        } else {
            None
        };
        if full && look {
            self.full_lookups += 1;
            self.full_hits += usize::from(found.is_some());
        }
        let done = match found {
            Some(done) => done,
            None => {
                let done: Arc<str> = Arc::from(&*crate::secret::safe_message_cow(text));
                if self.messages.len() < 4096 {
                    self.messages.insert(text.to_string(), done.clone());
                }
                done
            }
        };
        // The remembered text's buffer is reused: a file of distinct messages (one token
        // each) would otherwise allocate one more string per finding.
        match &mut self.last[slot] {
            Some((raw, last)) => {
                raw.clear();
                raw.push_str(text);
                *last = done.clone();
            }
            None => self.last[slot] = Some((text.to_string(), done.clone())),
        }
        done
    }
}

/// The spellings of a lower-case keyword that the prefilter looks for. Kept under 64 in
/// all, the most aho-corasick's SIMD searcher (Teddy) takes:
/// - host names and paths (`atlassian.net`) as written in URLs, lower case;
/// - token prefixes (`atatt3`) as Atlassian writes them, upper case (and lower);
/// - words (`jira`, `basic `) in lower, UPPER and Title case;
/// - compounds (`cloud_id`, `servicedesk`) also in their camel-case forms.
fn spellings_of(keyword: &str) -> Vec<String> {
    if keyword.contains(['.', '/']) {
        return vec![keyword.to_string()];
    }
    let upper = keyword.to_ascii_uppercase();
    if keyword.starts_with("at") && keyword.len() <= 6 && keyword != "atlassian" {
        return vec![keyword.to_string(), upper];
    }
    let cap = |s: &str| {
        let mut c = s.to_string();
        if let Some(f) = c.get_mut(0..1) {
            f.make_ascii_uppercase();
        }
        c
    };
    let mut out = vec![keyword.to_string(), upper, cap(keyword)];
    if let Some((head, tail)) = keyword.split_once(['_', '-']) {
        out.push(format!("{head}{}", cap(tail)));
        out.push(format!("{}{}", cap(head), cap(tail)));
    }
    match keyword {
        "servicedesk" => out.extend(["ServiceDesk".to_string(), "serviceDesk".to_string()]),
        "cloudid" => out.extend([
            "cloudId".to_string(),
            "CloudId".to_string(),
            "cloudID".to_string(),
        ]),
        _ => {}
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
#[test]
fn prefilter_fits_teddy() {
    let linter =
        Linter::new(Config::resolve(None, &crate::config::Overrides::default()).unwrap()).unwrap();
    assert!(
        linter.variant_of.len() <= 64,
        "{} spellings: aho-corasick would lose its SIMD prefilter",
        linter.variant_of.len()
    );
}

pub use crate::pattern::compile as compile_pattern;

/// Patterns searched without the regex crate's prefix prefilter ([`NO_PREFILTER`]). Each
/// starts with a case-insensitive alternation of many words (`auth`, `basic_auth`,
/// `Credentials.basic`, `NetworkCredential`..., or a user variable's names), whose prefix
/// literals the crate cuts to two or three letters (`au`, `ba`, `cr`, `ne`, `pa`): in any text
/// about credentials those fire every few bytes and each restarts the search, which made
/// `pair-call` 3-14x and `legacy-positional` 1.6-6x slower than one plain pass of the lazy
/// DFA (1 MiB of this crate's README, CHANGELOG and sources; the same matches either way).
const UNFILTERED: [&str; 2] = ["pair-call", "legacy-positional"];

/// Put before a pattern, this matches the empty string only (a position cannot be a word
/// boundary and not one), so the pattern's matches and captures are the same; its `[a-z]`
/// leaves the pattern without a usable set of prefix literals, so the crate searches with the
/// lazy DFA alone. (`regex::RegexBuilder` has no switch for that.)
const NO_PREFILTER: &str = r"(?-u:\b\B[a-z])?";

/// Rules share pattern texts (AT102 and AT104 read the same tokens, AT202-AT204 the same
/// gateway URLs): each distinct text is compiled once per process.
pub(crate) fn shared_pattern(id: &str, src: &'static str) -> Result<&'static Regex, regex::Error> {
    static CACHE: OnceLock<Mutex<std::collections::HashMap<&'static str, &'static Regex>>> =
        OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(re) = cache.get(src) {
        return Ok(re);
    }
    // Leaked on purpose: one regex per distinct catalogue pattern, alive for the process.
    let re = if UNFILTERED.contains(&id) {
        compile_pattern(&format!("{NO_PREFILTER}{src}"))?
    } else {
        compile_pattern(src)?
    };
    let re: &'static Regex = Box::leak(Box::new(re));
    cache.insert(src, re);
    Ok(re)
}

/// A pattern a detector builds from what it read (a variable's name: `\bJIRA_URL\b\s*=...`),
/// compiled once per process: the same names recur from file to file (`url`, `host`, `token`),
/// and compiling was a third of the CPU time of a lint over a 440 MiB tree. Up to 2,048 distinct
/// texts are kept; past that each is compiled where it is used. `None` when it does not compile.
/// Compiled like the catalogue's patterns ([`crate::pattern::compile`]: `\w`, `\s`, `\d`, `\b`
/// in their ASCII forms), which made each a quarter of the cost to build (a `--history` scan
/// builds one for each variable name it meets).
pub fn built_pattern(src: String) -> Option<std::sync::Arc<Regex>> {
    type Cache = Mutex<std::collections::HashMap<String, std::sync::Arc<Regex>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&src) {
        return Some(re.clone());
    }
    // Compiled outside the lock: the other threads go on linting meanwhile.
    let re = std::sync::Arc::new(crate::pattern::compile(&src).ok()?);
    let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
    if c.len() < 2048 {
        c.insert(src, re.clone());
    }
    Some(re)
}

/// The block comments of a file that open at the start of a line: `/* ... */` (doc comments
/// included) in C-family languages, `<# ... #>` (comment-based help) in PowerShell. Openers
/// elsewhere on a line (`"src/**/*.js"`) are not counted. One pass over the text, in order:
/// each opener is found with `memmem` and counts when only whitespace stands before it on its
/// line (what [`block_comments_by_line`], the plain reading the tests compare with, asks of
/// every line).
pub fn block_comments(text: &str, kind: FileKind) -> Vec<Range<usize>> {
    let Some((open, close)) = comment_delimiters(kind) else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let opener = memchr::memmem::Finder::new(open);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = opener.find(&bytes[at..]) {
        let from = at + i;
        let line_start = memchr::memrchr(b'\n', &bytes[at..from]).map_or(at, |j| at + j + 1);
        if !text[line_start..from].trim_start().is_empty() {
            at = from + 1;
            continue;
        }
        let end = text[from + open.len()..]
            .find(close)
            .map_or(text.len(), |i| from + open.len() + i + close.len());
        out.push(from..end);
        // Go on at the line after the comment's end.
        at = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    }
    out
}

fn comment_delimiters(kind: FileKind) -> Option<(&'static str, &'static str)> {
    match kind {
        FileKind::JavaScript
        | FileKind::Go
        | FileKind::Java
        | FileKind::CSharp
        | FileKind::Rust
        | FileKind::Php => Some(("/*", "*/")),
        FileKind::PowerShell => Some(("<#", "#>")),
        _ => None,
    }
}

/// [`block_comments`] read line by line: each line's first non-whitespace is an opener or not.
#[cfg(test)]
fn block_comments_by_line(text: &str, kind: FileKind) -> Vec<Range<usize>> {
    let Some((open, close)) = comment_delimiters(kind) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[at..line_end];
        let lead = line.len() - line.trim_start().len();
        if line[lead..].starts_with(open) {
            let from = at + lead;
            let end = text[from + open.len()..]
                .find(close)
                .map_or(text.len(), |i| from + open.len() + i + close.len());
            out.push(from..end);
            // Go on at the line after the comment's end.
            at = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            continue;
        }
        at = line_end + 1;
    }
    out
}

/// Is `at` inside one of the sorted, disjoint `ranges`?
pub fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).is_some_and(|r| r.start <= at)
}

/// Is byte offset `at` inside a block comment that opens a line (see [`block_comments`])?
pub fn in_block_comment(text: &str, kind: FileKind, at: usize) -> bool {
    in_ranges(&block_comments(text, kind), at)
}

/// A stable fingerprint: rule, path, the secret-free match key and its occurrence in the
/// file, hashed with FNV-1a (64 bit). Moving lines does not change it.
pub fn fingerprint(code: &str, path: &str, key: &str, occurrence: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    // The occurrence in decimal without a string per finding.
    let mut buf = itoa::Buffer::new();
    let occurrence = buf.format(occurrence);
    for part in [code, path, key, occurrence] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // `{h:016x}` without the formatting machinery (one per finding).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(16);
    for shift in (0..16).rev() {
        s.push(char::from(HEX[((h >> (shift * 4)) & 0xf) as usize]));
    }
    s
}

/// The outcome of a whole lint run.
#[derive(Debug, Default)]
pub struct LintResult {
    pub findings: Vec<Finding>,
    pub notes: Vec<SuppressionNote>,
    pub suppressed: usize,
    pub files_scanned: usize,
    pub skipped: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
    /// `--history`: what the scan of the repository's history covered.
    pub history: Option<history::Coverage>,
}

impl LintResult {
    /// The deterministic report order: by path, line, column, rule.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.rule).cmp(&(&b.path, b.line, b.column, b.rule))
        });
        self.notes
            .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        self.skipped.sort();
        self.errors.sort();
    }
}

/// What to lint.
pub enum Input {
    Paths(Vec<PathBuf>),
    Stdin {
        display: String,
        kind: FileKind,
        text: String,
    },
}

/// Lint the inputs and collect every finding, sorted by path, line and column.
pub fn run(linter: &Linter, input: Input, opts: &WalkOptions) -> LintResult {
    match input {
        Input::Stdin {
            display,
            kind,
            text,
        } => {
            let report = linter.lint_text(&display, kind, &text);
            LintResult {
                findings: report.findings,
                notes: report.notes,
                suppressed: report.suppressed,
                files_scanned: 1,
                ..LintResult::default()
            }
        }
        Input::Paths(paths) => {
            let scanned = AtomicUsize::new(0);
            let collected: Mutex<LintResult> = Mutex::new(LintResult::default());
            walk::walk(&paths, opts, &|visit| match visit {
                Visit::File(src) => {
                    scanned.fetch_add(1, Ordering::Relaxed);
                    crate::output::progress::tick();
                    let report = linter.lint_bytes(&src.display, src.path, src.bytes);
                    if !report.findings.is_empty() || !report.notes.is_empty() {
                        let mut all = collected.lock().unwrap_or_else(|p| p.into_inner());
                        if all.findings.is_empty() {
                            // The first file's findings are taken as they are, not copied.
                            all.findings = report.findings;
                        } else {
                            all.findings.extend(report.findings);
                        }
                        all.notes.extend(report.notes);
                        all.suppressed += report.suppressed;
                    }
                }
                Visit::Skipped { display, reason } => {
                    collected
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .skipped
                        .push((crate::secret::safe_text(&display), reason.to_string()));
                }
                Visit::Error { display, message } => {
                    collected
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .errors
                        .push((
                            crate::secret::safe_text(&display),
                            crate::secret::safe_text(&message),
                        ));
                }
            });
            let mut result = collected.into_inner().unwrap_or_else(|p| p.into_inner());
            result.files_scanned = scanned.into_inner();
            result.sort();
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern compiled without its prefilter ([`NO_PREFILTER`]) finds the same matches with
    /// the same captures as the plain one, on every rule example, every file of tests/data and
    /// fixtures/lint, and this crate's README (texts full of the words the prefilter chokes on).
    #[test]
    fn unfiltered_patterns_match_as_the_plain_ones() {
        // The README and CHANGELOG are texts full of the words the prefilter chokes on.
        let mut texts = crate::testing::sample_texts();
        // Random texts built from the patterns' own pieces, a slot now and then wrong: matches
        // and near misses, on one line or several. Each slot: what fits, then what does not.
        type Slot = (&'static [&'static str], &'static [&'static str]);
        let slots: [Slot; 9] = [
            (
                &[
                    "x.auth",
                    "AUTH",
                    "basic_auth",
                    ".basic",
                    "NetworkCredential(",
                    "BasicAuthX",
                    "f(",
                ],
                &["getenv(", "pwd", "oauth"],
            ),
            (&["", "=", " => ", ": ", "(", "[", " \n "], &["-"]),
            (&["\"", "'"], &["`", "", "$"]),
            (
                &[
                    "jane@acme.com",
                    "jsmith",
                    "$env:jiraUser",
                    "JIRA_USER",
                    "userName",
                ],
                &["a b", "é", "u"],
            ),
            (&["\"", "'"], &["`", "", ")"]),
            (&[",", " , ", ",\n"], &[";"]),
            (&["", "Some(", " "], &["None("]),
            (&["\"", "'", "`"], &[""]),
            (
                &[
                    "x9Kq2!pass\"",
                    "kQ7vR2mX9pL4sT8wZ3nB6yHd'",
                    "Zx7Kp2Lm9Qr4Tv6Wy1Bn3Cd8`",
                ],
                &["short'", "kQ7vR2mX9pL4sT8wZ3nB6yHd", "é"],
            ),
        ];
        let mut next = crate::testing::lcg(5);
        for _ in 0..1000 {
            let mut text = String::new();
            for _ in 0..1 + next() % 4 {
                for (fits, not) in &slots {
                    let pick = if next().is_multiple_of(8) { not } else { fits };
                    text.push_str(pick[next() % pick.len()]);
                }
                text.push_str(["\n", " ", "; "][next() % 3]);
            }
            texts.push(text);
        }
        let spans = |c: regex::Captures<'_>| -> Vec<Option<Range<usize>>> {
            c.iter().map(|m| m.map(|m| m.range())).collect()
        };
        let mut found = 0;
        for id in UNFILTERED {
            let src = &crate::catalogue::shared_patterns()
                .iter()
                .find(|p| p.id == id)
                .unwrap_or_else(|| panic!("no shared pattern {id}"))
                .regex;
            let plain = compile_pattern(src).unwrap();
            let unfiltered = compile_pattern(&format!("{NO_PREFILTER}{src}")).unwrap();
            assert_eq!(plain.captures_len(), unfiltered.captures_len());
            for text in &texts {
                let a: Vec<_> = plain.captures_iter(text).map(spans).collect();
                let b: Vec<_> = unfiltered.captures_iter(text).map(spans).collect();
                assert_eq!(a, b, "{id}");
                found += a.len();
            }
        }
        assert!(found >= 300, "only {found} matches to compare");
    }

    #[test]
    fn patterns_use_ascii_classes() {
        let re = compile_pattern(r"^\w+\s[^\s]+\b$").unwrap();
        assert!(re.is_match("key value"));
        assert!(!re.is_match("clé value"), "\\w is ASCII");
        // An escaped backslash followed by `w` stays a literal `\w`.
        let lit = compile_pattern(r"\\w\{24\}").unwrap();
        assert!(lit.is_match(r"[A-Z]\w{24}"));
    }

    /// The opener search finds what the line-by-line reading finds, on random texts of
    /// openers, closers, code, whitespace (a non-ASCII space too) and line breaks.
    #[test]
    fn block_comments_agree_with_a_line_by_line_reading() {
        let pieces = [
            "/*",
            "*/",
            "<#",
            "#>",
            "/",
            "*",
            "<",
            "#",
            " ",
            "\t",
            "\u{a0}",
            "\n",
            "\r\n",
            "x",
            "call(1);",
            "\"src/**/*.js\"",
            "\u{e9}",
        ];
        let mut next = crate::testing::lcg(13);
        let mut found = 0;
        for _ in 0..3000 {
            let text: String = (0..next() % 30)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            for kind in [FileKind::Rust, FileKind::PowerShell, FileKind::Shell] {
                let want = super::block_comments_by_line(&text, kind);
                found += want.len();
                assert_eq!(super::block_comments(&text, kind), want, "{text:?}");
            }
        }
        assert!(found > 1000, "{found} comments");
    }

    #[test]
    fn block_comments() {
        let js = "/**\n * curl https://x.atlassian.net/rest/api/3/myself\n */\nconst g = \"src/**/*.js\"; call(1);\n";
        assert!(in_block_comment(
            js,
            FileKind::JavaScript,
            js.find("curl").unwrap()
        ));
        assert!(!in_block_comment(
            js,
            FileKind::JavaScript,
            js.find("call").unwrap()
        ));
        let ps = "<#\n.EXAMPLE\n  Get-Issue -Server x.atlassian.net\n#>\nfunction Get-Issue {}\n";
        assert!(in_block_comment(
            ps,
            FileKind::PowerShell,
            ps.find("Get-Issue -S").unwrap()
        ));
        assert!(!in_block_comment(
            ps,
            FileKind::PowerShell,
            ps.find("function").unwrap()
        ));
        assert!(!in_block_comment(
            ps,
            FileKind::Shell,
            ps.find("Get-Issue -S").unwrap()
        ));
    }

    #[test]
    fn positions_count_characters() {
        let text = "héllo\nwörld ATATT3";
        let idx = LineIndex::new(text);
        let off = text.find("ATATT3").unwrap();
        assert_eq!(idx.position(text, off), (2, 7));
        assert_eq!(idx.position(text, 0), (1, 1));
    }

    /// A small generator for the properties below (fixed seeds: reproducible).
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        /// Text of `n` pieces: ASCII, multi-byte characters, newlines, long runs.
        fn text(&mut self, n: usize) -> String {
            const PIECES: &[&str] = &["a", "é", "€", "𝄞", " ", "\n", "\r\n", "\t", "x=", "ATATT3"];
            let mut s = String::new();
            for _ in 0..n {
                let p = PIECES[self.below(PIECES.len())];
                let times = if self.below(20) == 0 { 500 } else { 1 };
                for _ in 0..times {
                    s.push_str(p);
                }
            }
            s
        }
    }

    #[test]
    fn columns_counted_incrementally_match_a_count_from_the_line_start() {
        for seed in 1..40u64 {
            let mut g = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let text = g.text(400);
            let idx = LineIndex::new(&text);
            // Offsets in a random order, forwards and backwards along a line.
            for _ in 0..200 {
                let off = crate::lines::floor_boundary(&text, g.below(text.len() + 1));
                let line = text[..off].matches('\n').count() + 1;
                let start = text[..off].rfind('\n').map_or(0, |i| i + 1);
                let naive = (line, text[start..off].chars().count() + 1);
                assert_eq!(idx.position(&text, off), naive, "seed {seed}, offset {off}");
            }
        }
    }

    #[test]
    fn the_line_a_detector_sees_is_bounded_and_whole_when_short() {
        for seed in 1..20u64 {
            let mut g = Gen(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
            let mut text = g.text(300);
            text.push_str(&"é".repeat(3 * LINE_WINDOW));
            text.push_str(&g.text(300));
            let idx = LineIndex::new(&text);
            for _ in 0..200 {
                let at = crate::lines::floor_boundary(&text, g.below(text.len() + 1));
                let line = idx.line_of(at);
                let whole = idx.start(line)..idx.end(&text, line);
                let w = line_window(&text, whole.clone(), at);
                assert!(
                    w.start >= whole.start && w.end <= whole.end,
                    "inside the line"
                );
                assert!(w.start <= at && at <= w.end.max(at), "around the offset");
                assert!(w.len() <= 2 * LINE_WINDOW + 8, "bounded: {}", w.len());
                if whole.len() <= LINE_WINDOW {
                    assert_eq!(w, whole, "a short line is seen whole");
                }
                let _ = &text[w];
            }
        }
    }

    #[test]
    fn fingerprint_ignores_line_numbers() {
        assert_eq!(
            fingerprint("AT201", "a.sh", "k", 0),
            fingerprint("AT201", "a.sh", "k", 0)
        );
        assert_ne!(
            fingerprint("AT201", "a.sh", "k", 0),
            fingerprint("AT201", "a.sh", "k", 1)
        );
        // Baselines and SARIF keep these bytes: 64-bit FNV-1a, 16 lower-case hex digits.
        assert_eq!(fingerprint("AT201", "a.sh", "k", 0), "fa9430c5bdcb9e9a");
        assert_eq!(
            fingerprint("AT102", "x/y.sh", "legacy:ab", 12),
            "7f1d05121155406b"
        );
    }
}
