//! Known exceptions for `atlcheck tokens`: `--write-baseline FILE` records today's findings by
//! credential id and rule, `--baseline FILE` accepts them, so one deliberate non-expiring key
//! does not keep a nightly job red.
//!
//! Same file conventions as lint's baselines: JSON Lines with `#` comments, sorted, one
//! accepted finding per line, an optional `reason` kept on rewrite. `label` is written for
//! the reader and not used for matching (labels can be renamed).
//!
//! ```text
//! # atlcheck tokens baseline v1: one accepted finding per line (rule, credential_id).
//! {"rule":"AT604","credential_id":"9d1f...","label":"legacy-backup","reason":"SEC-12: replaced in Q1"}
//! ```
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::judge::Finding;

pub const HEADER: &str = "# atlcheck tokens baseline v1: one accepted finding per line (rule, credential_id).\n# Sorted and merge-friendly; regenerate with: atlcheck tokens --write-baseline FILE\n";

/// Largest baseline file read.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub credential_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Entry {
    fn key(&self) -> (&str, &str) {
        (&self.credential_id, &self.rule)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

/// What applying a baseline did (reported in JSON as `baseline`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Applied {
    /// Findings accepted (not reported).
    pub matched: usize,
    /// Entries that match no finding; only listed when every source was read.
    pub stale: Vec<Entry>,
}

impl Baseline {
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Baseline> {
        let mut entries: Vec<Entry> =
            crate::lint::baseline::parse_lines(text, origin, "a tokens baseline entry")?;
        entries.sort_by(|a, b| a.key().cmp(&b.key()));
        Ok(Baseline { entries })
    }

    /// Read a baseline (at most 16 MiB; FIFOs and devices are refused, not waited on).
    pub fn read(path: &Path) -> anyhow::Result<Baseline> {
        let text = crate::input::read_text(path, MAX_BYTES)
            .map_err(|e| anyhow::anyhow!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::parse(&text, &path.display().to_string())
    }

    /// The baseline of these findings; reasons of `previous` entries that still match are
    /// kept. `label_of` names each finding's credential.
    pub fn from_findings(
        findings: &[Finding],
        label_of: impl Fn(&Finding) -> Option<String>,
        previous: Option<&Baseline>,
    ) -> Baseline {
        let mut reasons: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for e in previous.map(|p| p.entries.as_slice()).unwrap_or_default() {
            if let Some(r) = &e.reason {
                reasons.insert(e.key(), r);
            }
        }
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                rule: f.rule.to_string(),
                credential_id: f.credential_id.clone(),
                label: label_of(f),
                reason: reasons
                    .get(&(f.credential_id.as_str(), f.rule.as_str()))
                    .map(|r| r.to_string()),
            })
            .collect();
        entries.sort_by(|a, b| a.key().cmp(&b.key()));
        entries.dedup_by(|a, b| a.key() == b.key());
        Baseline { entries }
    }

    pub fn render(&self) -> String {
        crate::lint::baseline::render_lines(HEADER, &self.entries)
    }

    /// Write the file (through the scrubbing sink, like every output).
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        use std::io::Write;
        let fail = |e: std::io::Error| {
            anyhow::anyhow!(
                "cannot write baseline {}: {e}",
                crate::secret::redact_text(&path.display().to_string())
            )
        };
        let mut out = crate::output::sink::create(path).map_err(fail)?;
        out.write_all(self.render().as_bytes()).map_err(fail)?;
        out.flush().map_err(fail)
    }

    /// Drop accepted findings. Stale entries are listed only when `complete` (a credential
    /// of a source that failed is not gone, just unread).
    pub fn apply(&self, findings: &mut Vec<Finding>, complete: bool) -> Applied {
        let mut used = vec![false; self.entries.len()];
        let before = findings.len();
        findings.retain(|f| {
            let key = (f.credential_id.as_str(), f.rule.as_str());
            match self.entries.binary_search_by(|e| e.key().cmp(&key)) {
                Ok(i) => {
                    used[i] = true;
                    false
                }
                Err(_) => true,
            }
        });
        let stale = if complete {
            self.entries
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(e, _)| e.clone())
                .collect()
        } else {
            Vec::new()
        };
        Applied {
            matched: before - findings.len(),
            stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Code, Severity};

    fn finding(id: &str, rule: Code) -> Finding {
        Finding {
            rule,
            name: "x",
            severity: Severity::Warning,
            credential_id: id.to_string(),
            message: String::new(),
            fix: String::new(),
            index: 0,
        }
    }

    #[test]
    fn round_trip_keeps_reasons_and_matches_by_id_and_rule() {
        let prev = Baseline::parse(
            "# c\n{\"rule\":\"AT604\",\"credential_id\":\"k1\",\"reason\":\"SEC-12\"}\n",
            "b",
        )
        .unwrap();
        let findings = vec![finding("k1", Code::AT604), finding("t2", Code::AT603)];
        let b = Baseline::from_findings(
            &findings,
            |f| Some(format!("L{}", f.credential_id)),
            Some(&prev),
        );
        let text = b.render();
        assert!(text.starts_with(HEADER));
        assert!(
            text.contains(
                r#"{"rule":"AT604","credential_id":"k1","label":"Lk1","reason":"SEC-12"}"#
            ),
            "{text}"
        );
        let b = Baseline::parse(&text, "b").unwrap();
        let mut now = vec![
            finding("k1", Code::AT604),
            finding("k1", Code::AT601),
            finding("t3", Code::AT603),
        ];
        let applied = b.apply(&mut now, true);
        assert_eq!(applied.matched, 1);
        assert_eq!(now.len(), 2);
        assert_eq!(applied.stale.len(), 1);
        assert_eq!(applied.stale[0].credential_id, "t2");
        let mut again = vec![finding("k1", Code::AT604)];
        assert!(b.apply(&mut again, false).stale.is_empty());
    }

    #[test]
    fn bad_lines_name_the_line() {
        let err = Baseline::parse("\n{\"rule\":\"AT604\"}\n", "b.jsonl").unwrap_err();
        assert!(err.to_string().starts_with("b.jsonl:2:"), "{err}");
    }
}
