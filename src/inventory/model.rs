//! The register: what `atlcheck inventory` reports (SPEC, "JSON output", Inventory).
use serde::Serialize;

use crate::catalogue::Severity;

/// Where an automation runs. `kind` is one of [`RunnerKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunnerKind {
    GithubActions,
    GitlabCi,
    Jenkins,
    BitbucketPipelines,
    AzurePipelines,
    Circleci,
    Cron,
    KubernetesCronjob,
    Kubernetes,
    Helm,
    DockerCompose,
    Systemd,
    Script,
}

impl RunnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunnerKind::GithubActions => "github-actions",
            RunnerKind::GitlabCi => "gitlab-ci",
            RunnerKind::Jenkins => "jenkins",
            RunnerKind::BitbucketPipelines => "bitbucket-pipelines",
            RunnerKind::AzurePipelines => "azure-pipelines",
            RunnerKind::Circleci => "circleci",
            RunnerKind::Cron => "cron",
            RunnerKind::KubernetesCronjob => "kubernetes-cronjob",
            RunnerKind::Kubernetes => "kubernetes",
            RunnerKind::Helm => "helm",
            RunnerKind::DockerCompose => "docker-compose",
            RunnerKind::Systemd => "systemd",
            RunnerKind::Script => "script",
        }
    }
}

impl Serialize for RunnerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One place a credential is used: a workflow job, a cron line, a CronJob, a script.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RunsIn {
    pub kind: RunnerKind,
    /// The configuration file (or the script), relative and `/`-separated.
    pub path: String,
    /// 1-based line of the job, step, entry or read.
    pub line: usize,
    /// The job, service, resource or unit name, when the runner has one.
    pub job: Option<String>,
    /// A cron expression or calendar spec, when the file says when it runs.
    pub schedule: Option<String>,
    /// How it is started, when the file says and it is not a schedule (`push`,
    /// `workflow_dispatch`, `manual`, `pipeline schedule`).
    pub trigger: Option<String>,
    /// The environment variable the credential is exposed as here, when it differs from its name.
    pub env: Option<String>,
}

/// Who the credential authenticates as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The literal email, the reference it comes from (`secrets.JIRA_EMAIL`), or null; masked
    /// if it looks like a secret.
    pub value: Option<String>,
    /// `service-account`, `user`, `placeholder` or `unknown`.
    pub kind: &'static str,
    /// Where it was read (`path:line`), when known.
    pub source: Option<String>,
}

impl Identity {
    pub fn unknown() -> Identity {
        Identity {
            value: None,
            kind: "unknown",
            source: None,
        }
    }

    /// Rank for choosing among candidates: literal classifications beat references.
    pub fn rank(&self) -> u8 {
        match (self.kind, self.value.is_some()) {
            ("service-account", _) => 4,
            ("user", _) => 3,
            ("placeholder", _) => 1,
            (_, true) => 2,
            _ => 0,
        }
    }
}

/// One Atlassian REST call the automation makes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Call {
    pub method: String,
    /// The request path (host and gateway prefix removed when the call matched an operation;
    /// as written otherwise).
    pub path: String,
    /// The operation id from Atlassian's OpenAPI specs, or null when no operation matched.
    pub operation: Option<String>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeastPrivilege {
    pub classic: Vec<String>,
    pub granular: Vec<String>,
}

/// A finding attached to an integration (the full text is in the report's `findings`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingRef {
    pub rule: String,
    pub path: String,
    pub line: usize,
}

/// One entry of the register: one credential and the automations that read it.
#[derive(Debug, Clone, Serialize)]
pub struct Integration {
    /// The name the credential is stored and read by (CI secret, variable, credentials id,
    /// `secret/key` for Kubernetes).
    pub credential: String,
    /// Where the value is kept: `github-secret`, `gitlab-variable`, `jenkins-credentials`,
    /// `bitbucket-variable`, `azure-variable`, `circleci-variable`, `kubernetes-secret`,
    /// `environment`, `env-file`, `literal` (written in the file: see the lint findings).
    pub stores: Vec<String>,
    pub identity: Identity,
    pub runs_in: Vec<RunsIn>,
    /// Atlassian Cloud sites (`acme.atlassian.net`, `api.atlassian.com`).
    pub sites: Vec<String>,
    pub calls: Vec<Call>,
    pub least_privilege: LeastPrivilege,
    /// Owners from CODEOWNERS for the files involved, in the order first seen.
    pub owners: Vec<String>,
    /// Every file involved: configuration files and the scripts they run.
    pub files: Vec<String>,
    pub findings: Vec<FindingRef>,
}

/// A finding of the report: a lint finding in a file an integration involves, or AT109.
#[derive(Debug, Clone, Serialize)]
pub struct InvFinding {
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The integrations (credential names) the finding concerns.
    pub credentials: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub integrations: usize,
    pub shared_credentials: usize,
    pub automations: usize,
    pub files_scanned: usize,
    pub findings: usize,
    pub by_severity: std::collections::BTreeMap<&'static str, usize>,
    pub by_rule: std::collections::BTreeMap<String, usize>,
}

/// The whole register.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub integrations: Vec<Integration>,
    pub findings: Vec<InvFinding>,
    pub summary: Summary,
    /// Files that could not be read (path, message): exit code 2.
    pub errors: Vec<(String, String)>,
    pub skipped: Vec<(String, String)>,
}
