//! The tokens report: what was read, every credential, the findings and the summary
//! (SPEC: tokens JSON, version 1), and the exit status it implies.
use std::collections::BTreeMap;

use serde::Serialize;

use super::baseline::{Applied, Baseline};
use super::judge::{self, Finding, Policy};
use super::model::{Credential, Field, SourceName};
use super::time::Timestamp;
use crate::ExitStatus;
use crate::catalogue::{Code, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    Read,
    Failed,
    Skipped,
}

/// SPEC: `sources[]` (`name`, `status`, `error`), plus how far it got.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    pub name: SourceName,
    pub status: SourceState,
    pub error: Option<String>,
    /// Pages read (of every listing this source needed).
    pub pages: usize,
    /// Credentials read from it.
    pub credentials: usize,
}

impl SourceStatus {
    pub fn new(name: SourceName, status: SourceState) -> SourceStatus {
        SourceStatus {
            name,
            status,
            error: None,
            pages: 0,
            credentials: 0,
        }
    }
}

/// A credential as the report lists it: with its days left at the report's instant.
#[derive(Debug, Clone)]
pub struct Listed {
    pub credential: Credential,
    pub days_left: Option<i64>,
    /// With `--inventory`: the automations that authenticate as the owner (SPEC `used_by`).
    pub used_by: Option<Vec<crate::inventory::join::UsedBy>>,
}

fn field_json(f: Field<Timestamp>) -> Option<Timestamp> {
    f.known()
}

impl Serialize for Listed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            kind: super::model::Kind,
            id: &'a str,
            label: Option<&'a str>,
            owner: &'a super::model::Owner,
            created_at: Option<Timestamp>,
            expires_at: Option<Timestamp>,
            last_active_at: Option<Timestamp>,
            status: Option<&'a str>,
            days_left: Option<i64>,
            /// Which of the null fields are unknown (the source did not say), as opposed to
            /// none (no expiry, never used).
            unknown: Vec<&'static str>,
            source: SourceName,
            notes: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            used_by: Option<&'a [crate::inventory::join::UsedBy]>,
        }
        let c = &self.credential;
        let mut unknown = Vec::new();
        if c.created_at.is_none() {
            unknown.push("created_at");
        }
        if c.expires_at.is_unknown() {
            unknown.push("expires_at");
        }
        if c.last_active_at.is_unknown() {
            unknown.push("last_active_at");
        }
        View {
            kind: c.kind,
            id: &c.id,
            label: c.label.as_deref(),
            owner: &c.owner,
            created_at: c.created_at,
            expires_at: field_json(c.expires_at),
            last_active_at: field_json(c.last_active_at),
            status: c.status.as_deref(),
            days_left: self.days_left,
            unknown,
            source: c.source,
            notes: &c.notes,
            used_by: self.used_by.as_deref(),
        }
        .serialize(s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    pub expiring_within_days: u32,
    pub stale_after_days: u32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub credentials: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Findings a baseline accepted.
    pub baselined: usize,
    /// Credentials whose expiry the source did not report.
    pub unknown_expiry: usize,
    /// The soonest expiry among credentials not yet expired, in whole days.
    pub soonest_days_left: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub version: u32,
    pub org: String,
    pub generated_at: Timestamp,
    pub complete: bool,
    pub policy: PolicyView,
    pub sources: Vec<SourceStatus>,
    pub credentials: Vec<Listed>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Applied>,
    /// Indices into `findings`, per credential.
    #[serde(skip)]
    by_credential: Vec<Vec<usize>>,
}

impl Report {
    /// Judge `credentials` and assemble the report; `baseline` findings are dropped.
    pub fn build(
        org: &str,
        policy: &Policy,
        credentials: Vec<Credential>,
        sources: Vec<SourceStatus>,
        baseline: Option<&Baseline>,
    ) -> Report {
        let complete = sources.iter().all(|s| s.status != SourceState::Failed);
        let mut findings = judge::judge(&credentials, policy);
        let applied = baseline.map(|b| b.apply(&mut findings, complete));
        let credentials: Vec<Listed> = credentials
            .into_iter()
            .map(|c| Listed {
                days_left: judge::days_left(&c, policy.now),
                used_by: None,
                credential: c,
            })
            .collect();
        let mut summary = Summary {
            credentials: credentials.len(),
            findings: findings.len(),
            baselined: applied.as_ref().map_or(0, |a| a.matched),
            ..Summary::default()
        };
        for l in &credentials {
            *summary
                .by_kind
                .entry(l.credential.kind.as_str())
                .or_default() += 1;
            if l.credential.expires_at.is_unknown() {
                summary.unknown_expiry += 1;
            }
            if let Some(d) = l.days_left.filter(|d| *d >= 0) {
                summary.soonest_days_left = Some(summary.soonest_days_left.map_or(d, |s| s.min(d)));
            }
        }
        for f in &findings {
            *summary.by_rule.entry(f.rule.as_str()).or_default() += 1;
            match f.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.info += 1,
            }
        }
        let mut by_credential = vec![Vec::new(); credentials.len()];
        for (i, f) in findings.iter().enumerate() {
            by_credential[f.index].push(i);
        }
        Report {
            by_credential,
            version: 1,
            org: org.to_string(),
            generated_at: policy.now,
            complete,
            policy: PolicyView {
                expiring_within_days: policy.expiring_within,
                stale_after_days: policy.stale_after,
            },
            sources,
            credentials,
            findings,
            summary,
            baseline: applied,
        }
    }

    /// 2 when a source failed (the audit is partial, whatever it found), else 1 when a
    /// finding is at or above `fail_on`, else 0 (SPEC, exit codes).
    pub fn exit_status(&self, fail_on: Severity) -> ExitStatus {
        if !self.complete {
            ExitStatus::Error
        } else if self.findings.iter().any(|f| f.severity >= fail_on) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// `--inventory`: attach to each credential the automations its owner's email powers, and
    /// say in its expiry findings (AT601, AT602) which automations stop.
    pub fn join_inventory(&mut self, inventory: &crate::inventory::join::Joinable) {
        for (i, l) in self.credentials.iter_mut().enumerate() {
            let used = l
                .credential
                .owner
                .email
                .as_ref()
                .map(|e| inventory.used_by(e.as_str()))
                .unwrap_or_default();
            if !used.is_empty() {
                let text = crate::inventory::join::describe(&used);
                for f in self.findings.iter_mut().filter(|f| f.index == i) {
                    if matches!(f.rule, Code::AT601 | Code::AT602) {
                        f.message = format!("{}: {text}", f.message);
                    }
                }
            }
            l.used_by = Some(used);
        }
    }

    /// The findings of one credential.
    pub fn findings_of(&self, index: usize) -> impl Iterator<Item = &Finding> {
        self.by_credential
            .get(index)
            .into_iter()
            .flatten()
            .map(|i| &self.findings[*i])
    }

    /// Credential indices in report order: grouped by owner (the group with the soonest
    /// expiry first), each group by days left (unknown and none last), then label.
    pub fn order(&self) -> Vec<Vec<usize>> {
        let key = |i: &usize| {
            let l = &self.credentials[*i];
            (
                l.days_left.unwrap_or(i64::MAX),
                l.credential.name().to_lowercase(),
                l.credential.id.clone(),
            )
        };
        let mut groups: BTreeMap<(u8, String), Vec<usize>> = BTreeMap::new();
        for (i, l) in self.credentials.iter().enumerate() {
            let o = &l.credential.owner;
            let rank = match o.kind {
                super::model::OwnerType::Org => 0,
                _ => 1,
            };
            groups
                .entry((rank, o.display().to_lowercase()))
                .or_default()
                .push(i);
        }
        let mut out: Vec<Vec<usize>> = groups
            .into_values()
            .map(|mut g| {
                g.sort_by_cached_key(key);
                g
            })
            .collect();
        out.sort_by_cached_key(|g| g.first().map(key));
        out
    }
}
