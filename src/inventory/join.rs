//! `atlcheck tokens --inventory inventory.json`: which automations stop when a token expires.
//!
//! The inventory's JSON (`atlcheck inventory --format json`) names, for each integration, the
//! identity it authenticates as when the code or configuration says so as a literal email. A
//! token whose owner has that email powers those automations: the tokens report lists them as
//! the credential's `used_by`, and an expiry finding says who wakes up. An identity the
//! repository only names by reference (`secrets.JIRA_EMAIL`) cannot be joined; the count of
//! such integrations is reported so that a reader knows the join is partial.
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

/// Largest inventory file read.
const CAP: u64 = 16 * 1024 * 1024;

/// Where an automation runs, as the inventory says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub kind: String,
    pub path: String,
    pub line: Option<u64>,
    pub job: Option<String>,
    pub schedule: Option<String>,
}

/// SPEC (tokens JSON): `used_by` entries, `{"credential", "runs_in"}`, plus the owners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsedBy {
    /// The name the code reads the credential by (the inventory's `credential`).
    pub credential: String,
    pub runs_in: Vec<Place>,
    pub owners: Vec<String>,
}

/// An inventory read for the join.
#[derive(Debug, Clone, Default)]
pub struct Joinable {
    /// (lower-cased identity email, entry)
    entries: Vec<(String, UsedBy)>,
    /// Integrations whose identity is not a literal email.
    pub unjoinable: usize,
}

impl Joinable {
    /// Read an `atlcheck inventory --format json` document (bounded; one clear error).
    pub fn read(path: &Path) -> anyhow::Result<Joinable> {
        let shown = crate::output::sink::one_line(&path.display().to_string()).into_owned();
        let text = crate::input::read_text(path, CAP).map_err(|e| match e {
            crate::input::ReadError::TooLarge(_) => {
                anyhow::anyhow!("--inventory {shown}: larger than 16 MiB, not an inventory report")
            }
            e => anyhow::anyhow!("--inventory {shown}: cannot read it: {e}"),
        })?;
        Joinable::parse(&text).map_err(|e| anyhow::anyhow!("--inventory {shown}: {e}"))
    }

    /// Parse the document's text.
    pub fn parse(text: &str) -> Result<Joinable, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            format!("not JSON ({e}); write it with `atlcheck inventory --format json`")
        })?;
        if doc.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(
                "not an inventory report of version 1 (`atlcheck inventory --format json`)"
                    .to_string(),
            );
        }
        let Some(integrations) = doc.get("integrations").and_then(Value::as_array) else {
            return Err(
                "no `integrations` list: is it an `atlcheck inventory --format json` report?"
                    .to_string(),
            );
        };
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let mut out = Joinable::default();
        for i in integrations {
            let email = i
                .get("identity")
                .and_then(|id| id.get("value"))
                .and_then(Value::as_str)
                .map(|v| v.trim().to_lowercase())
                .filter(|v| crate::account::is_email(v));
            let Some(email) = email else {
                out.unjoinable += 1;
                continue;
            };
            let runs_in = i
                .get("runs_in")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|r| Place {
                            kind: s(r, "kind").unwrap_or_default(),
                            path: s(r, "path").unwrap_or_default(),
                            line: r.get("line").and_then(Value::as_u64),
                            job: s(r, "job"),
                            schedule: s(r, "schedule"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let owners = i
                .get("owners")
                .and_then(Value::as_array)
                .map(|o| {
                    o.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            out.entries.push((
                email,
                UsedBy {
                    credential: s(i, "credential").unwrap_or_default(),
                    runs_in,
                    owners,
                },
            ));
        }
        Ok(out)
    }

    /// The automations that authenticate as `email`.
    pub fn used_by(&self, email: &str) -> Vec<UsedBy> {
        let email = email.trim().to_lowercase();
        self.entries
            .iter()
            .filter(|(e, _)| *e == email)
            .map(|(_, u)| u.clone())
            .collect()
    }
}

/// `used by .github/workflows/nightly-sync.yml (sync), schedule 0 2 * * *, owners @ops`.
pub fn describe(used: &[UsedBy]) -> String {
    format!("used by {}", places(used))
}

/// Where the automations of `used` run, `; `-separated: each place's path, job and schedule,
/// with the owners after the last place of each integration. One wording for the human line,
/// the CSV cell and the Markdown column.
pub fn places(used: &[UsedBy]) -> String {
    let mut parts = Vec::new();
    for u in used {
        for r in &u.runs_in {
            let mut s = r.path.clone();
            if let Some(j) = &r.job {
                s.push_str(&format!(" ({j})"));
            }
            if let Some(c) = &r.schedule {
                s.push_str(&format!(", schedule {c}"));
            }
            parts.push(s);
        }
        if !u.owners.is_empty()
            && let Some(last) = parts.last_mut()
        {
            last.push_str(&format!(", owners {}", u.owners.join(" ")));
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_literal_identities_only() {
        let doc = r#"{"version": 1, "integrations": [
            {"credential": "JIRA_API_TOKEN", "identity": {"value": "Jira-Sync-x1@serviceaccount.atlassian.com", "kind": "service-account"},
             "runs_in": [{"kind": "github-actions", "path": ".github/workflows/nightly-sync.yml", "line": 14, "job": "sync", "schedule": "0 2 * * *"}],
             "owners": ["@ops"]},
            {"credential": "CONFLUENCE_TOKEN", "identity": {"value": "secrets.CONFLUENCE_USER", "kind": "unknown"}, "runs_in": [], "owners": []}
        ]}"#;
        let j = Joinable::parse(doc).unwrap();
        assert_eq!(j.unjoinable, 1);
        let used = j.used_by("jira-sync-x1@serviceaccount.atlassian.com");
        assert_eq!(used.len(), 1);
        assert_eq!(
            describe(&used),
            "used by .github/workflows/nightly-sync.yml (sync), schedule 0 2 * * *, owners @ops"
        );
        assert!(j.used_by("other@acme.com").is_empty());
        assert!(Joinable::parse("{}").is_err());
        assert!(Joinable::parse("[").is_err());
        assert!(Joinable::parse(r#"{"version": 1}"#).is_err());
    }
}
