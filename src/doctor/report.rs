//! What the doctor reports (SPEC, "JSON output"): every check run, every finding, the root
//! cause and the verdict.
use serde::Serialize;

use super::http::Exchange;
use crate::catalogue::{Code, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
    Error,
}

/// One checklist item: what was probed, what it concluded, and the evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    pub title: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Exchange>,
}

impl Check {
    pub fn new(
        id: &'static str,
        status: Status,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Check {
        Check {
            id,
            status,
            title: title.into(),
            // Details quote the user's input (a host, a header): mask it like findings.
            detail: crate::secret::redact_message(&detail.into()),
            evidence: Vec::new(),
        }
    }
    pub fn with(mut self, ex: impl IntoIterator<Item = Exchange>) -> Check {
        self.evidence.extend(ex);
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: Code,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
}

impl Finding {
    /// A finding of `rule` (the typed code: a typo does not compile), with the rule's
    /// default severity.
    pub fn new(rule: Code, message: impl Into<String>, fix: impl Into<String>) -> Finding {
        let r = rule.rule();
        Finding {
            rule,
            name: r.name.as_str(),
            severity: r.severity,
            message: crate::secret::redact_message(&message.into()),
            fix: crate::secret::redact_message(&fix.into()),
        }
    }
    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Problem,
    Inconclusive,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestInfo {
    pub method: String,
    pub url: String,
    /// `site`, `gateway`, `other-atlassian`, `foreign`.
    pub surface: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CredentialInfo {
    /// Where the credential came from (names, never values).
    pub source: String,
    #[serde(flatten)]
    pub analysis: super::credential::Analysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub version: u32,
    pub request: RequestInfo,
    pub credential: CredentialInfo,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    pub root_cause: Option<Code>,
    pub verdict: Verdict,
    /// One sentence: the root cause in words, or why the result is inconclusive.
    pub summary: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// What each live checklist unit probed and how it concluded (`doctor -v` prints it; not
    /// part of the JSON, whose fields SPEC fixes).
    #[serde(skip)]
    pub trail: Vec<super::checklist::Step>,
}
