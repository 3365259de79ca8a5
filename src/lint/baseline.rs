//! Baselines: accept today's findings, fail only on new ones.
//!
//! `--write-baseline FILE` records every current finding; `--baseline FILE` drops the findings
//! it records and lists its stale entries (recorded findings that are gone: fixed, or the file
//! was renamed).
//!
//! The file is JSON Lines with `#` comments, one finding per line, sorted by path, rule and
//! fingerprint, so that two branches that each fix or add findings merge without conflicts
//! and a review shows exactly which findings were accepted:
//!
//! ```text
//! # atlcheck baseline v1: one accepted finding per line (rule, path, fingerprint).
//! {"rule":"AT201","path":"scripts/sync.sh","fingerprint":"5f0c2a1b9d3e4f60"}
//! {"rule":"AT101","path":"scripts/sync.sh","fingerprint":"0a1b2c3d4e5f6071","reason":"OPS-42"}
//! ```
//!
//! An entry matches a finding with the same rule, path and fingerprint. The fingerprint is the
//! finding's: a hash of the rule, the path and a secret-free description of the match (the
//! masked token, the URL's host and path), not the line number, so moving code does not make
//! an accepted finding new. An optional `reason` is kept when the file is rewritten.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Finding;

pub const HEADER: &str = "# atlcheck baseline v1: one accepted finding per line (rule, path, fingerprint).\n# Sorted and merge-friendly; regenerate with: atlcheck lint --write-baseline FILE\n";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Entry {
    fn key(&self) -> (&str, &str, &str) {
        (&self.path, &self.rule, &self.fingerprint)
    }
}

/// A baseline file's entries, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Applied {
    /// Findings the baseline accepted (not reported).
    pub matched: usize,
    /// Entries that match no finding of the files this run scanned.
    pub stale: Vec<Entry>,
}

/// The baseline file format both `lint` and `tokens` use: one JSON object per line; blank
/// lines and `#` comments are skipped; an error names the line and says it is not `what`.
pub(crate) fn parse_lines<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
    what: &str,
) -> anyhow::Result<Vec<T>> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let entry = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{origin}:{}: not {what}: {e}", i + 1))?;
        entries.push(entry);
    }
    Ok(entries)
}

/// The file text: `header`, then one compact JSON object per entry and line.
pub(crate) fn render_lines<T: Serialize>(header: &str, entries: &[T]) -> String {
    let mut s = header.to_string();
    for e in entries {
        s.push_str(&crate::output::safe_json::to_string(e).expect("an entry serializes"));
        s.push('\n');
    }
    s
}

impl Baseline {
    /// Parse the file format; errors name the line.
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Baseline> {
        let mut entries: Vec<Entry> = parse_lines(text, origin, "a baseline entry")?;
        entries.sort_by(|a, b| a.key().cmp(&b.key()));
        Ok(Baseline { entries })
    }

    pub fn read(path: &Path) -> anyhow::Result<Baseline> {
        // Bounded, and a FIFO or device is refused rather than waited on.
        let text = crate::input::read_text(path, crate::input::BASELINE_CAP)
            .map_err(|e| anyhow::anyhow!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::parse(&text, &path.display().to_string())
    }

    /// The baseline of these findings; reasons of `previous` entries that still match are kept.
    pub fn from_findings(findings: &[Finding], previous: Option<&Baseline>) -> Baseline {
        let mut reasons: BTreeMap<(&str, &str, &str), &str> = BTreeMap::new();
        if let Some(prev) = previous {
            for e in &prev.entries {
                if let Some(r) = &e.reason {
                    reasons.insert(e.key(), r);
                }
            }
        }
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                rule: f.rule.to_string(),
                path: f.path.to_string(),
                fingerprint: f.fingerprint.clone(),
                reason: reasons
                    .get(&(&*f.path, f.rule, f.fingerprint.as_str()))
                    .map(|r| r.to_string()),
            })
            .collect();
        entries.sort_by(|a, b| a.key().cmp(&b.key()));
        entries.dedup_by(|a, b| a.key() == b.key());
        Baseline { entries }
    }

    /// The file text: the header, then one compact JSON object per line.
    pub fn render(&self) -> String {
        render_lines(HEADER, &self.entries)
    }

    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let fail =
            |e: std::io::Error| anyhow::anyhow!("cannot write baseline {}: {e}", path.display());
        let mut out = crate::output::sink::create(path).map_err(fail)?;
        std::io::Write::write_all(&mut out, self.render().as_bytes()).map_err(fail)?;
        std::io::Write::flush(&mut out).map_err(fail)
    }

    /// Drop the findings this baseline accepts. An entry whose path `covered` says this run
    /// scanned, and that matches no finding, is stale; entries of files not scanned this time
    /// (a pre-commit run on a few files) are neither matched nor stale.
    pub fn apply(&self, findings: &mut Vec<Finding>, covered: impl Fn(&str) -> bool) -> Applied {
        let mut used = vec![false; self.entries.len()];
        let before = findings.len();
        findings.retain(|f| {
            let key = (&*f.path, f.rule, f.fingerprint.as_str());
            let start = self.entries.partition_point(|e| e.key() < key);
            let hit = (start..self.entries.len())
                .take_while(|&i| self.entries[i].key() == key)
                .find(|&i| !used[i]);
            match hit {
                Some(i) => {
                    used[i] = true;
                    false
                }
                None => true,
            }
        });
        let stale = self
            .entries
            .iter()
            .zip(&used)
            .filter(|(e, used)| !**used && covered(&e.path))
            .map(|(e, _)| e.clone())
            .collect();
        Applied {
            matched: before - findings.len(),
            stale,
        }
    }
}

impl Baseline {
    /// [`Baseline::apply`] for `lint --history`, where the fingerprint alone names a secret
    /// (rule and the secret's hash): an entry matches a finding with its rule and fingerprint
    /// at any path, as the path where a secret first appeared can change (a range scan, a
    /// branch that added it earlier). The whole history is covered: every unmatched entry
    /// is stale.
    pub fn apply_by_fingerprint(&self, findings: &mut Vec<Finding>) -> Applied {
        let mut used = vec![false; self.entries.len()];
        let before = findings.len();
        findings.retain(|f| {
            let hit =
                self.entries.iter().enumerate().position(|(i, e)| {
                    !used[i] && e.rule == f.rule && e.fingerprint == f.fingerprint
                });
            match hit {
                Some(i) => {
                    used[i] = true;
                    false
                }
                None => true,
            }
        });
        let stale = self
            .entries
            .iter()
            .zip(&used)
            .filter(|(_, used)| !**used)
            .map(|(e, _)| e.clone())
            .collect();
        Applied {
            matched: before - findings.len(),
            stale,
        }
    }
}

/// A baseline applied to a run: what the reports say about it.
#[derive(Debug, Clone)]
pub struct BaselineOutcome {
    pub path: String,
    pub applied: Applied,
}

#[derive(Serialize)]
pub struct JsonStale<'a> {
    rule: &'a str,
    path: &'a str,
    fingerprint: &'a str,
}

/// What a lint run's `--baseline` did, as the JSON document carries it.
#[derive(Serialize)]
pub struct JsonBaseline<'a> {
    file: &'a str,
    matched: usize,
    stale: Vec<JsonStale<'a>>,
}

impl BaselineOutcome {
    pub fn new(path: &Path, applied: Applied) -> BaselineOutcome {
        BaselineOutcome {
            path: path.display().to_string(),
            applied,
        }
    }

    /// The human note: how many findings the baseline accepted, and its stale entries.
    pub fn write_human(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let stale = &self.applied.stale;
        writeln!(
            out,
            "note: baseline {}: {} known finding{} not reported{}",
            self.path,
            self.applied.matched,
            if self.applied.matched == 1 { "" } else { "s" },
            if stale.is_empty() {
                ".".to_string()
            } else {
                format!(
                    "; {} stale entr{} (fixed, moved to another file, or renamed; prune with --write-baseline):",
                    stale.len(),
                    if stale.len() == 1 { "y" } else { "ies" }
                )
            }
        )?;
        for e in stale {
            writeln!(out, "  {} {} {}", e.path, e.rule, e.fingerprint)?;
        }
        Ok(())
    }

    /// The `baseline` field of the JSON lint document: `file`, `matched`, `stale`.
    pub fn json(&self) -> JsonBaseline<'_> {
        JsonBaseline {
            file: &self.path,
            matched: self.applied.matched,
            stale: self
                .applied
                .stale
                .iter()
                .map(|e| JsonStale {
                    rule: &e.rule,
                    path: &e.path,
                    fingerprint: &e.fingerprint,
                })
                .collect(),
        }
    }
}

/// Does a run over `inputs` (display paths as given: `.`, folders, files) cover `path`?
pub fn covers(inputs: &[String], path: &str) -> bool {
    inputs.iter().any(|i| {
        let i = i.trim_end_matches('/');
        i == "."
            || i.is_empty()
            || path == i
            || path
                .strip_prefix(i)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rule: &str, path: &str, fp: &str) -> Entry {
        Entry {
            rule: rule.into(),
            path: path.into(),
            fingerprint: fp.into(),
            reason: None,
        }
    }

    #[test]
    fn parse_and_render_round_trip() {
        let b = Baseline {
            entries: vec![entry("AT201", "a.sh", "01"), entry("AT101", "b.sh", "02")],
        };
        let text = b.render();
        assert!(text.starts_with("# atlcheck baseline v1"));
        assert_eq!(Baseline::parse(&text, "x").unwrap(), b);
        let err = Baseline::parse("{\"rule\":1}\n", "base.jsonl").unwrap_err();
        assert!(err.to_string().starts_with("base.jsonl:1:"), "{err}");
    }

    #[test]
    fn covers_paths_below_inputs() {
        let inputs = vec!["src".to_string(), "a.sh".to_string()];
        assert!(covers(&inputs, "src/x.sh"));
        assert!(covers(&inputs, "a.sh"));
        assert!(!covers(&inputs, "srcx/y.sh"));
        assert!(!covers(&inputs, "b.sh"));
        assert!(covers(&[".".to_string()], "anything/at/all"));
    }
}
