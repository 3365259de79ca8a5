//! The rule catalogue: the one place that knows every rule code.
//!
//! Each rule is a TOML file in `rules/`, embedded in the binary at compile time. A file
//! carries the rule's identity (code, name, modes, default severity, summary), its
//! documentation and, for rules that `atlcheck lint` reports, the detection data: prefilter
//! keywords, the file kinds it applies to, named regex patterns and pass/fail examples that
//! `tests/lint/rule_examples.rs` runs through the real engine.
//!
//! The list of rules is the list of files: `build.rs` reads `rules/ATnnn-name.toml` and
//! generates [`Code`] (one variant per file) and the embedded file table, so a new rule file
//! needs no edit anywhere else. Facts about a rule that other parts of atlcheck need (SARIF
//! tags, CWE and security-severity, the doctor's root-cause priority) are fields of its file.
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

// `Code` (the typed rule code) and `RULE_FILES` (every `rules/AT*.toml`, embedded), generated
// by `build.rs` from the file names in `rules/`: adding a rule file adds its code.
include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Regular expressions that several lint rules use, written once (see [`LintSpec::shared_patterns`]).
const SHARED_PATTERNS: &str = include_str!("../rules/patterns.toml");

impl Code {
    /// The code for `AT201` (exact, upper case), if a rule has it.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The rule this code names.
    pub fn rule(self) -> &'static Rule {
        &rules()[Code::ALL
            .iter()
            .position(|c| *c == self)
            .expect("every code has a rule")]
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = String;
    fn from_str(s: &str) -> Result<Code, String> {
        Code::parse(s).ok_or_else(|| format!("no rule has the code `{s}`"))
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

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
    Inventory,
    Tokens,
}

/// One rule, as written in its TOML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub code: Code,
    pub name: String,
    pub modes: Vec<Mode>,
    pub severity: Severity,
    pub summary: String,
    /// Code-scanning tags (SARIF `properties.tags`): `security` and the rule's family.
    #[serde(default, skip_serializing)]
    pub tags: Vec<String>,
    /// CWE numbers the rule is about (SARIF tags `external/cwe/cwe-N`).
    #[serde(default, skip_serializing)]
    pub cwe: Vec<u32>,
    /// GitHub's `security-severity`, 0.0 to 10.0 (over 9 critical, 7 to 8.9 high, 4 to 6.9
    /// medium, under 4 low). Every lint rule has one (`tests/lint/catalogue.rs`).
    #[serde(default, skip_serializing)]
    pub security_severity: Option<f32>,
    /// The doctor's root-cause rank: when a diagnosis finds several errors, the one with the
    /// lowest priority explains the failure first. Every doctor rule has one, each its own.
    #[serde(default, skip_serializing)]
    pub priority: Option<u32>,
    /// The severity where the request goes through the API gateway, when it differs from
    /// `severity` (AT303: a warning there), with the note both lint and the doctor append.
    #[serde(default, skip_serializing)]
    pub at_gateway: Option<AtGateway>,
    pub docs: Docs,
    #[serde(default, skip_serializing)]
    pub lint: Option<LintSpec>,
    /// Examples for rules `atlcheck tokens` reports.
    #[serde(default, skip_serializing)]
    pub tokens: Option<TokensSpec>,
    /// Examples for an inventory rule: file sets that `tests/lint/rule_examples.rs` runs through
    /// `atlcheck inventory`'s own code.
    #[serde(default, skip_serializing)]
    pub inventory: Option<InventorySpec>,
}

/// A rule's severity and note for a request through the API gateway (`[at_gateway]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtGateway {
    pub severity: Severity,
    /// Appended to the finding's message in parentheses.
    pub note: String,
}

/// Examples of an inventory rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventorySpec {
    pub examples: Vec<InventoryExample>,
}

/// A small repository and what the inventory must report for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryExample {
    pub expect: Expect,
    pub files: Vec<ExampleFile>,
    /// For `fail`: how many findings of this rule (default: at least one).
    #[serde(default)]
    pub count: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleFile {
    pub path: String,
    pub code: String,
}

/// Examples of a tokens rule: one credential as an admin API lists it, judged at `now`, that
/// must (`fail`) or must not (`pass`) produce a finding of the rule. `tests/lint/rule_examples.rs`
/// runs them through the real parser and judge.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokensSpec {
    pub examples: Vec<TokensExample>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokensExample {
    pub expect: Expect,
    /// The listing it comes from (`api-tokens`, `service-accounts`, `oauth-clients`,
    /// `admin-keys`); service-account items name their account in an `owner` object.
    pub source: crate::tokens::SourceName,
    /// The instant judged against (RFC 3339), as `ATLCHECK_NOW` would give it.
    pub now: String,
    /// The listed item, as JSON.
    pub item: String,
    /// For `fail`: the finding's severity, when the rule sets it by context.
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub expiring_within: Option<u32>,
    #[serde(default)]
    pub stale_after: Option<u32>,
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
    /// Ids of patterns in `rules/patterns.toml` the detector also uses: a regular expression
    /// that several rules need is written once there, not copied into each rule file.
    #[serde(default)]
    pub shared_patterns: Vec<String>,
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
            .map(|(code, file, text)| {
                let rule = toml::from_str::<Rule>(text)
                    .unwrap_or_else(|e| panic!("embedded rule file rules/{file} is invalid: {e}"));
                assert!(
                    rule.code == *code
                        && file.strip_suffix(".toml")
                            == Some(&format!("{}-{}", rule.code, rule.name)),
                    "rules/{file}: the file must be named after its code and name ({}-{}.toml)",
                    rule.code,
                    rule.name
                );
                rule
            })
            .collect()
    })
}

/// The patterns of `rules/patterns.toml`, parsed once.
pub fn shared_patterns() -> &'static [Pattern] {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        pattern: Vec<Pattern>,
    }
    static PATTERNS: OnceLock<Vec<Pattern>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        toml::from_str::<File>(SHARED_PATTERNS)
            .unwrap_or_else(|e| panic!("embedded rules/patterns.toml is invalid: {e}"))
            .pattern
    })
}

/// Look a rule up by code (`AT201`, case-insensitive) or name (`direct-site-url`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    let key = code_or_name.trim();
    rules()
        .iter()
        .find(|r| r.code.as_str().eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
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
        .filter(|r| upper.len() >= 2 && r.code.as_str().starts_with(&upper))
        .map(|r| r.code.as_str())
        .collect();
    (!codes.is_empty()).then_some(codes)
}
