//! The rule catalogue: the one place that knows every rule code.
//!
//! Each rule is a TOML file in `rules/`, embedded in the binary at compile time. A file
//! carries the rule's identity (code, name, modes, default severity, summary), its
//! documentation and, for rules that `atlcheck lint` reports, the detection data: prefilter
//! keywords, the file kinds it applies to, named regex patterns and pass/fail examples that
//! `tests/rule_examples.rs` runs through the real engine.
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Every rule file, in code order. Adding a rule means adding a file here and to the frozen
/// code list in `tests/catalogue.rs`.
const RULE_FILES: &[(&str, &str)] = &[
    (
        "AT101-person-owned-credential.toml",
        include_str!("../rules/AT101-person-owned-credential.toml"),
    ),
    (
        "AT102-hardcoded-secret.toml",
        include_str!("../rules/AT102-hardcoded-secret.toml"),
    ),
    (
        "AT103-malformed-token.toml",
        include_str!("../rules/AT103-malformed-token.toml"),
    ),
    (
        "AT104-wrong-credential-kind.toml",
        include_str!("../rules/AT104-wrong-credential-kind.toml"),
    ),
    (
        "AT105-credential-rejected.toml",
        include_str!("../rules/AT105-credential-rejected.toml"),
    ),
    (
        "AT201-direct-site-url.toml",
        include_str!("../rules/AT201-direct-site-url.toml"),
    ),
    (
        "AT202-gateway-product-mismatch.toml",
        include_str!("../rules/AT202-gateway-product-mismatch.toml"),
    ),
    (
        "AT203-malformed-cloud-id.toml",
        include_str!("../rules/AT203-malformed-cloud-id.toml"),
    ),
    (
        "AT204-org-id-as-cloud-id.toml",
        include_str!("../rules/AT204-org-id-as-cloud-id.toml"),
    ),
    (
        "AT205-insecure-http.toml",
        include_str!("../rules/AT205-insecure-http.toml"),
    ),
    (
        "AT206-malformed-url.toml",
        include_str!("../rules/AT206-malformed-url.toml"),
    ),
    (
        "AT301-base64-newline.toml",
        include_str!("../rules/AT301-base64-newline.toml"),
    ),
    (
        "AT302-fixed-token-length.toml",
        include_str!("../rules/AT302-fixed-token-length.toml"),
    ),
    (
        "AT303-bearer-api-token.toml",
        include_str!("../rules/AT303-bearer-api-token.toml"),
    ),
    (
        "AT304-malformed-basic-header.toml",
        include_str!("../rules/AT304-malformed-basic-header.toml"),
    ),
    (
        "AT401-missing-scope.toml",
        include_str!("../rules/AT401-missing-scope.toml"),
    ),
    (
        "AT402-no-product-access.toml",
        include_str!("../rules/AT402-no-product-access.toml"),
    ),
    (
        "AT403-missing-project-permission.toml",
        include_str!("../rules/AT403-missing-project-permission.toml"),
    ),
    (
        "AT404-missing-space-permission.toml",
        include_str!("../rules/AT404-missing-space-permission.toml"),
    ),
    (
        "AT501-rate-limited.toml",
        include_str!("../rules/AT501-rate-limited.toml"),
    ),
    (
        "AT502-captcha-lockout.toml",
        include_str!("../rules/AT502-captcha-lockout.toml"),
    ),
];

/// Severity of a finding; ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<crate::cli::SeverityArg> for Severity {
    fn from(s: crate::cli::SeverityArg) -> Self {
        match s {
            crate::cli::SeverityArg::Info => Severity::Info,
            crate::cli::SeverityArg::Warning => Severity::Warning,
            crate::cli::SeverityArg::Error => Severity::Error,
        }
    }
}

/// Which face of atlcheck reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Lint,
    Doctor,
}

/// One rule, as written in its TOML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub modes: Vec<Mode>,
    pub severity: Severity,
    pub summary: String,
    pub docs: Docs,
    #[serde(default, skip_serializing)]
    pub lint: Option<LintSpec>,
}

/// The documentation `atlcheck explain` prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the rule detects.
    pub what: String,
    /// Why it matters: the failure or risk, with the facts behind it.
    pub why: String,
    /// An example that triggers the rule.
    pub example: String,
    /// What to do instead.
    pub fix: String,
    /// Atlassian documentation and other sources.
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// Detection data for a lint rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSpec {
    /// Lower-case substrings; the rule only runs on files containing at least one of them.
    pub keywords: Vec<String>,
    /// File kinds the rule applies to (`"*"` for all), see [`crate::lint::FileKind`].
    pub files: Vec<String>,
    /// Named regular expressions the rule's detector uses.
    #[serde(default)]
    pub patterns: Vec<Pattern>,
    /// Whether hits on comment lines count (default true). Rules about what code *does*
    /// (which URL it calls, which user it sends) set `comments = false`: commented-out code
    /// does not run. Markdown is prose, not comments, and is always scanned.
    #[serde(default = "yes")]
    pub comments: bool,
    /// Examples that must (`fail`) or must not (`pass`) produce a finding of this rule.
    #[serde(default)]
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub id: String,
    pub regex: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// `fail` (at least one finding of this rule) or `pass` (none).
    pub expect: Expect,
    /// File name that decides the file kind, such as `deploy.sh` or `.github/workflows/ci.yml`.
    pub path: String,
    pub code: String,
    /// For `fail`: how many findings of this rule the example must produce (default: at least one).
    #[serde(default)]
    pub count: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Pass,
    Fail,
}

fn yes() -> bool {
    true
}

impl Rule {
    pub fn has_mode(&self, mode: Mode) -> bool {
        self.modes.contains(&mode)
    }

    /// The rule's documentation address in the repository.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/atlcheck/atlcheck/blob/main/rules/{}-{}.toml",
            self.code, self.name
        )
    }
}

/// All rules, parsed once.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        RULE_FILES
            .iter()
            .map(|(file, text)| {
                toml::from_str::<Rule>(text)
                    .unwrap_or_else(|e| panic!("embedded rule file rules/{file} is invalid: {e}"))
            })
            .collect()
    })
}

/// Look a rule up by code (`AT201`, case-insensitive) or name (`direct-site-url`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    let key = code_or_name.trim();
    rules()
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// Expand a selector (`AT2`, `AT201`, `all`) to the codes it covers; `None` if it covers none.
pub fn expand_selector(selector: &str) -> Option<Vec<&'static str>> {
    let sel = selector.trim();
    if sel.eq_ignore_ascii_case("all") {
        return Some(rules().iter().map(|r| r.code.as_str()).collect());
    }
    if let Some(rule) = find(sel) {
        return Some(vec![rule.code.as_str()]);
    }
    let upper = sel.to_ascii_uppercase();
    let codes: Vec<&str> = rules()
        .iter()
        .filter(|r| upper.len() >= 2 && r.code.starts_with(&upper))
        .map(|r| r.code.as_str())
        .collect();
    (!codes.is_empty()).then_some(codes)
}
