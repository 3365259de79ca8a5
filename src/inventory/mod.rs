//! `atlcheck inventory`: the integration register, written from code and CI configuration.
//!
//! 1. The walk ([`crate::lint::walk`]) reads every file once. It keeps the runner
//!    configurations (chosen by path, or by content for Kubernetes manifests), CODEOWNERS, and
//!    the files that mention Atlassian or an Atlassian REST path; of every other file it keeps
//!    only the path, so that a script a CI step runs can still be found and read.
//! 2. One parser per runner kind turns its files into [`Unit`]s: one place where code runs
//!    (a workflow step, a GitLab job, a Jenkinsfile, a crontab line, a CronJob container, a
//!    compose service, a systemd timer, a plain script), with the credentials its
//!    configuration hands over, its environment and its inline script text.
//! 3. [`join`] follows each unit into the scripts it runs (six levels deep, imports
//!    included), reads what they read and call ([`text`]), keeps the credentials that belong
//!    to an Atlassian integration, and groups the units by credential name: one
//!    [`Integration`] per credential, with AT109 when it powers several automations.
pub mod azure;
pub mod bitbucket;
pub mod circleci;
pub mod compose;
pub mod cron;
pub mod github;
pub mod gitlab;
pub mod jenkins;
pub mod join;
pub mod kubernetes;
pub mod model;
pub mod owners;
pub mod scripts;
pub mod systemd;
pub mod text;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::account::{self, User};
use crate::catalogue::{self, Severity};
use crate::lint::walk::{self, Visit, WalkOptions};
use crate::lint::{FileKind, Linter};
use crate::scopes::{self, Family, Operation, cover};
pub use model::*;
use text::{Analysis, ScriptRef, Syntax};

/// A credential a runner configuration hands to the code it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredRef {
    /// The stored name: secret, variable, credentials id, `secret/key`.
    pub name: String,
    /// See [`Integration::stores`].
    pub store: String,
    /// The environment variable it is exposed as, when that differs.
    pub alias: Option<String>,
    pub line: usize,
    /// Named by a secret mechanism (`secrets.X`, `credentials()`, `secretKeyRef`): a secret
    /// even when its name does not say so.
    pub known_secret: bool,
    /// Inherited from an enclosing scope (workflow or job `env:`): counts only when the code
    /// of this unit reads it.
    pub inherited: bool,
}

/// An environment variable visible to a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub line: usize,
    /// The file that sets it (an env file or a systemd EnvironmentFile), if not the config.
    pub path: Option<String>,
}

/// Inline code: a `run:` block, a `script:` item, a crontab command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// Repository-relative path of the file that holds it.
    pub path: String,
    /// 1-based line of its first line.
    pub line: usize,
    pub text: String,
}

/// One place where code runs, as a runner's configuration describes it.
#[derive(Debug, Clone)]
pub struct Unit {
    pub runs_in: RunsIn,
    /// Two units with different keys are different automations (AT109); empty when the unit
    /// runs only as part of others (a reusable workflow).
    pub automation: String,
    pub creds: Vec<CredRef>,
    pub env: Vec<EnvVar>,
    pub snippets: Vec<Snippet>,
    /// Store of credentials the code reads from the environment without the configuration
    /// naming them (CI variables set in a web UI).
    pub store: String,
    /// Folder (repository-relative) that relative script paths start from.
    pub base_dir: String,
    /// The configuration itself says Atlassian (an Atlassian action or pipe, a Jira image).
    pub hint: bool,
    pub syntax: Syntax,
    /// Whether the runner passes variables it does not name to the code (GitLab, Bitbucket
    /// and CircleCI variables set in the UI, a crontab's environment, a plain script's
    /// shell). GitHub and Azure secrets, Jenkins credentials, Kubernetes and compose
    /// containers and systemd services see only what the configuration names.
    pub implicit_env: bool,
    /// REST calls the configuration makes through a known action (`atlassian/gajira-create`):
    /// (method, path, line).
    pub known_calls: Vec<(String, String, usize)>,
}

impl Unit {
    pub fn new(kind: RunnerKind, path: &str, line: usize) -> Unit {
        Unit {
            runs_in: RunsIn {
                kind,
                path: path.to_string(),
                line,
                job: None,
                schedule: None,
                trigger: None,
                env: None,
            },
            automation: path.to_string(),
            creds: Vec::new(),
            env: Vec::new(),
            snippets: Vec::new(),
            store: "environment".to_string(),
            base_dir: parent(path).to_string(),
            hint: false,
            syntax: Syntax::default(),
            known_calls: Vec::new(),
            implicit_env: !matches!(
                kind,
                RunnerKind::GithubActions
                    | RunnerKind::AzurePipelines
                    | RunnerKind::Jenkins
                    | RunnerKind::Kubernetes
                    | RunnerKind::KubernetesCronjob
                    | RunnerKind::Helm
                    | RunnerKind::DockerCompose
                    | RunnerKind::Systemd
            ),
        }
    }

    /// Add `env` entries, and the credentials their values reference (or hold literally).
    pub fn add_env(&mut self, name: &str, value: &str, line: usize, store: &str, inherited: bool) {
        self.env.push(EnvVar {
            name: name.to_string(),
            value: value.to_string(),
            line,
            path: None,
        });
        let refs = text::refs_in_value(value, self.syntax.azure_macros);
        if refs.is_empty() {
            if text::credential_like(name) && !text::dummy_value(value) {
                self.creds.push(CredRef {
                    name: name.to_string(),
                    store: "literal".to_string(),
                    alias: None,
                    line,
                    known_secret: false,
                    inherited,
                });
            }
            return;
        }
        for (r, st) in refs {
            let store = if st.is_empty() { store } else { st };
            self.creds.push(CredRef {
                alias: (r != name).then(|| name.to_string()),
                name: r,
                store: store.to_string(),
                line,
                known_secret: store == "github-secret",
                inherited,
            });
        }
    }
}

/// The folder part of a `/`-separated path (`""` at the top).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A file the walk kept.
#[derive(Debug, Clone)]
pub struct TreeFile {
    /// The path as reported (relative to the current folder).
    pub display: String,
    pub text: String,
}

/// One input folder (a repository): kept files by repository-relative path, and every path.
#[derive(Debug, Default)]
pub struct Tree {
    /// Where the tree is on disk (`None` for trees built in memory by tests).
    pub root: Option<PathBuf>,
    pub files: BTreeMap<String, TreeFile>,
    pub paths: BTreeSet<String>,
    /// Paths by file name, built on first use (suffix matching of script paths).
    by_name: std::sync::OnceLock<HashMap<String, Vec<String>>>,
}

impl Tree {
    /// A tree from in-memory files (tests, rule examples): display paths are the keys.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Tree {
        let mut t = Tree::default();
        for (p, text) in files {
            t.paths.insert(p.to_string());
            t.files.insert(
                p.to_string(),
                TreeFile {
                    display: p.to_string(),
                    text: text.to_string(),
                },
            );
        }
        t
    }

    fn display(&self, rel: &str) -> String {
        match self.files.get(rel) {
            Some(f) => f.display.clone(),
            None => match &self.root {
                Some(root) => walk::display_path(&root.join(rel)),
                None => rel.to_string(),
            },
        }
    }

    /// The text of a file, from memory or (bounded) from disk.
    fn load(&self, rel: &str) -> Option<String> {
        if let Some(f) = self.files.get(rel) {
            return Some(f.text.clone());
        }
        if !self.paths.contains(rel) {
            return None;
        }
        let path = self.root.as_ref()?.join(rel);
        let mut buf = Vec::new();
        use std::io::Read;
        crate::input::open_regular(&path)
            .ok()?
            .take(SCRIPT_CAP)
            .read_to_end(&mut buf)
            .ok()?;
        walk::decode(&buf).map(|t| t.into_owned())
    }

    /// Resolve a script reference from `base` (the runner's folder) or `from` (the folder of
    /// the file that names it), then by the longest matching path suffix (absolute paths in
    /// crontabs and container commands point into an image built from this repository).
    fn resolve(&self, r: &ScriptRef, base: &str, from: &str) -> Option<String> {
        let (raw, exts): (&str, &[&str]) = match r {
            ScriptRef::Path(p) => (p.as_str(), &[""]),
            ScriptRef::Module(m) => (
                m.as_str(),
                &[
                    ".py",
                    "/__init__.py",
                    "/__main__.py",
                    ".js",
                    ".ts",
                    ".mjs",
                    "/index.js",
                    "/index.ts",
                    ".sh",
                    "",
                ],
            ),
        };
        let relative = raw.starts_with("./") || raw.starts_with("../");
        let mut bases = vec![from, base, ""];
        if !relative {
            bases = vec![base, "", from];
        }
        for b in bases {
            for ext in exts {
                let joined = normalize(&format!("{b}/{raw}{ext}"));
                if let Some(j) = joined
                    && self.paths.contains(&j)
                {
                    return Some(j);
                }
            }
        }
        if matches!(r, ScriptRef::Module(_)) {
            return None;
        }
        // Suffix match: `/opt/app/scripts/sync.py` -> `scripts/sync.py` (unique, longest),
        // among the paths with the same file name.
        let parts: Vec<&str> = raw
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let by_name = self.by_name.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::new();
            for p in &self.paths {
                let name = p.rsplit('/').next().unwrap_or(p);
                m.entry(name.to_string()).or_default().push(p.clone());
            }
            m
        });
        let same_name = parts
            .last()
            .and_then(|n| by_name.get(*n))
            .map_or(&[][..], Vec::as_slice);
        for take in (1..=parts.len()).rev() {
            let suffix = parts[parts.len() - take..].join("/");
            let tail = format!("/{suffix}");
            let hits: Vec<&String> = same_name
                .iter()
                .filter(|p| **p == suffix || p.ends_with(&tail))
                .collect();
            if hits.len() == 1 {
                return Some(hits[0].clone());
            }
            if hits.len() > 1 {
                return None;
            }
        }
        None
    }
}

/// How deep scripts and imports are followed from a runner, and how many files at most.
const MAX_DEPTH: usize = 6;
const MAX_FOLLOWED: usize = 200;

/// Scripts are read up to this size.
const SCRIPT_CAP: u64 = 1024 * 1024;

/// `a/./b/../c` -> `a/c`; `None` when it climbs out of the tree.
fn normalize(p: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

/// Folders whose files are documentation, examples or tests, not deployed automation.
fn non_production(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let mut dirs = lower.split('/').collect::<Vec<_>>();
    let name = dirs.pop().unwrap_or("");
    dirs.iter().any(|d| {
        matches!(
            *d,
            "example"
                | "examples"
                | "sample"
                | "samples"
                | "doc"
                | "docs"
                | "test"
                | "tests"
                | "__tests__"
                | "spec"
                | "testdata"
                | "fixtures"
                | "node_modules"
                | "vendor"
                | "third_party"
                | "site-packages"
                | ".venv"
                | "venv"
        )
    }) || [
        ".example",
        ".sample",
        ".template",
        ".dist",
        ".tmpl",
        ".orig",
        ".bak",
    ]
    .iter()
    .any(|s| name.ends_with(s) || name.contains(&format!("{s}.")))
        || name.starts_with("example")
        || name.starts_with("sample")
}

/// What a kept file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Github,
    Gitlab,
    Jenkins,
    Bitbucket,
    Azure,
    Circleci,
    Crontab,
    Kubernetes,
    Compose,
    Systemd,
    Owners,
    Other,
}

fn role(rel: &str, text: &str) -> Role {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if name == "codeowners" {
        return Role::Owners;
    }
    if non_production(rel) {
        return Role::Other;
    }
    if yaml && (lower.starts_with(".github/workflows/") || lower.contains("/.github/workflows/")) {
        return Role::Github;
    }
    if name == ".gitlab-ci.yml"
        || name.ends_with(".gitlab-ci.yml")
        || (yaml && lower.starts_with(".gitlab/"))
    {
        return Role::Gitlab;
    }
    if name == "jenkinsfile" || name.starts_with("jenkinsfile.") || name.ends_with(".jenkinsfile") {
        return Role::Jenkins;
    }
    if name == "bitbucket-pipelines.yml" {
        return Role::Bitbucket;
    }
    if yaml
        && (name.starts_with("azure-pipelines")
            || lower.starts_with(".azure-pipelines/")
            || lower.starts_with(".azuredevops/"))
    {
        return Role::Azure;
    }
    if lower.ends_with(".circleci/config.yml") || lower == ".circleci/config.yaml" {
        return Role::Circleci;
    }
    if name == "crontab"
        || name.ends_with(".crontab")
        || name.ends_with(".cron")
        || lower.contains("cron.d/")
    {
        return Role::Crontab;
    }
    if yaml
        && (name.starts_with("docker-compose")
            || name.starts_with("compose.")
            || name == "compose.yml")
    {
        return Role::Compose;
    }
    if name.ends_with(".timer") || name.ends_with(".service") {
        return Role::Systemd;
    }
    if yaml && text.contains("apiVersion") && kubernetes::kind_re().is_match(text) {
        return Role::Kubernetes;
    }
    Role::Other
}

/// Walk the inputs (each a repository or a file) and build the register.
pub fn run(
    inputs: &[PathBuf],
    opts: &WalkOptions,
    linter: &Linter,
    allowed: &[String],
) -> Inventory {
    let mut trees = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let mut scanned = 0;
    for input in inputs {
        let (tree, e, s, n) = read_tree(input, opts);
        errors.extend(e);
        skipped.extend(s);
        scanned += n;
        trees.push(tree);
    }
    let mut inv = build(&trees, linter, allowed);
    inv.summary.files_scanned = scanned;
    errors.sort();
    skipped.sort();
    inv.errors = errors;
    inv.skipped = skipped;
    inv
}

/// Spellings the walk keeps a file for (case-sensitive, like the linter's prefilter).
const KEEP: &[&str] = &[
    "atlassian",
    "Atlassian",
    "ATLASSIAN",
    "jira",
    "Jira",
    "JIRA",
    "confluence",
    "Confluence",
    "CONFLUENCE",
    "servicedesk",
    "ServiceDesk",
    "/rest/api/",
    "/wiki/rest/",
    "/wiki/api/",
];

type Found = (Tree, Vec<(String, String)>, Vec<(String, String)>, usize);

fn read_tree(input: &Path, opts: &WalkOptions) -> Found {
    let root = if input.is_dir() {
        input.to_path_buf()
    } else {
        input.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    // Leftmost matching keeps aho-corasick's SIMD (Teddy) searcher, as in the linter's
    // prefilter: most files have no keyword, and this search is most of the walk's work.
    let keep = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(KEEP)
        .expect("valid keywords");
    let api_version = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(["apiVersion"])
        .expect("valid keyword");
    let tree = Mutex::new(Tree {
        root: Some(root.clone()),
        ..Tree::default()
    });
    let errors = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let scanned = std::sync::atomic::AtomicUsize::new(0);
    let rel_of = |p: &Path| -> String {
        let r = p.strip_prefix(&root).unwrap_or(p);
        r.to_string_lossy()
            .replace('\\', "/")
            .trim_start_matches("./")
            .to_string()
    };
    walk::walk(&[input.to_path_buf()], opts, &|visit| match visit {
        Visit::File(src) => {
            scanned.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            crate::output::progress::tick();
            let rel = rel_of(src.path);
            let by_name = role(&rel, "") != Role::Other;
            let maybe_k8s = (rel.ends_with(".yml") || rel.ends_with(".yaml"))
                && api_version.is_match(src.bytes);
            let kept = by_name || maybe_k8s || keep.is_match(src.bytes);
            let text = kept.then(|| src.text().into_owned());
            let mut t = tree.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(text) = text {
                t.files.insert(
                    rel.clone(),
                    TreeFile {
                        display: crate::secret::redact_text(&src.display),
                        text,
                    },
                );
            }
            t.paths.insert(rel);
        }
        Visit::Skipped { display, reason } => skipped
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((crate::secret::redact_text(&display), reason.to_string())),
        Visit::Error { display, message } => {
            errors.lock().unwrap_or_else(|p| p.into_inner()).push((
                crate::secret::redact_text(&display),
                crate::secret::redact_text(&message),
            ))
        }
    });
    (
        tree.into_inner().unwrap_or_else(|p| p.into_inner()),
        errors.into_inner().unwrap_or_else(|p| p.into_inner()),
        skipped.into_inner().unwrap_or_else(|p| p.into_inner()),
        scanned.into_inner(),
    )
}

/// The units of every runner configuration in a tree, then the plain scripts.
pub fn units(tree: &Tree) -> Vec<Unit> {
    let mut out = Vec::new();
    for (rel, f) in &tree.files {
        let t = &f.text;
        let mut u = match role(rel, t) {
            Role::Github => github::units(rel, t),
            Role::Gitlab => gitlab::units(rel, t),
            Role::Jenkins => jenkins::units(rel, t),
            Role::Bitbucket => bitbucket::units(rel, t),
            Role::Azure => azure::units(rel, t),
            Role::Circleci => circleci::units(rel, t),
            Role::Crontab => cron::units(rel, t),
            Role::Kubernetes => kubernetes::units(rel, t, tree),
            Role::Compose => compose::units(rel, t, tree),
            Role::Systemd => systemd::units(rel, t, tree),
            Role::Owners | Role::Other => Vec::new(),
        };
        out.append(&mut u);
    }
    out
}

/// A unit after following its scripts.
struct Resolved {
    unit: Unit,
    creds: Vec<CredRef>,
    identity: Identity,
    sites: Vec<String>,
    calls: Vec<(Call, Option<&'static Operation>)>,
    files: Vec<String>,
}

fn resolve_unit(tree: &Tree, unit: Unit, allowed: &[String]) -> (Resolved, Vec<String>) {
    let config = unit.runs_in.path.clone();
    let mut files = vec![config.clone()];
    let mut analyses: Vec<(String, Analysis)> = Vec::new();
    let mut queue: std::collections::VecDeque<(ScriptRef, String, usize)> = Default::default();
    for s in &unit.snippets {
        let a = text::analyze(&s.text, s.line, unit.syntax);
        for (r, _) in &a.scripts {
            queue.push_back((r.clone(), parent(&s.path).to_string(), 1));
        }
        if !files.contains(&s.path) {
            files.push(s.path.clone());
        }
        analyses.push((s.path.clone(), a));
    }
    let mut followed = Vec::new();
    while let Some((r, from, depth)) = queue.pop_front() {
        let Some(path) = tree.resolve(&r, &unit.base_dir, &from) else {
            continue;
        };
        if files.contains(&path) || depth > MAX_DEPTH || files.len() > MAX_FOLLOWED {
            continue;
        }
        let Some(text) = tree.load(&path) else {
            continue;
        };
        let a = text::analyze(&text, 1, Syntax::default());
        for (r2, _) in &a.scripts {
            queue.push_back((r2.clone(), parent(&path).to_string(), depth + 1));
        }
        files.push(path.clone());
        followed.push(path.clone());
        analyses.push((path, a));
    }
    let atlassian = unit.hint
        || analyses.iter().any(|(_, a)| a.atlassian)
        || unit
            .env
            .iter()
            .any(|e| text::mentions_atlassian(&e.name) || text::mentions_atlassian(&e.value));
    let non_cloud = analyses.iter().any(|(_, a)| a.non_cloud);
    let mut sites: Vec<String> = Vec::new();
    for (_, a) in &analyses {
        for s in &a.sites {
            if !sites.contains(s) {
                sites.push(s.clone());
            }
        }
    }
    for e in &unit.env {
        for s in text::analyze(&e.value, e.line, Syntax::default()).sites {
            if !sites.contains(&s) {
                sites.push(s);
            }
        }
    }
    // Which names does the code read?
    let reads: Vec<(String, String, usize)> = analyses
        .iter()
        .flat_map(|(p, a)| {
            a.env_reads
                .iter()
                .map(move |r| (r.name.clone(), p.clone(), r.line))
        })
        .collect();
    let read = |name: &str| reads.iter().any(|(n, _, _)| n == name);
    let mut creds: Vec<CredRef> = Vec::new();
    for c in &unit.creds {
        let exposed = c.alias.as_deref().unwrap_or(&c.name);
        if c.inherited && !unit.hint && !read(exposed) && !read(&c.name) {
            continue;
        }
        creds.push(c.clone());
    }
    let is_script = unit.runs_in.kind == RunnerKind::Script;
    for (name, path, line) in &reads {
        // A plain script's own reads make it an automation; what the modules it imports
        // read is reported where those modules are.
        if (is_script && *path != config) || !unit.implicit_env {
            continue;
        }
        if creds
            .iter()
            .any(|c| c.alias.as_deref() == Some(name.as_str()) || c.name == *name)
            || unit.env.iter().any(|e| e.name == *name)
        {
            continue;
        }
        if !text::credential_like(name) {
            continue;
        }
        creds.push(CredRef {
            name: name.clone(),
            store: unit.store.clone(),
            alias: None,
            line: if *path == config {
                *line
            } else {
                unit.runs_in.line
            },
            known_secret: false,
            inherited: false,
        });
    }
    // When the unit reads credentials named after Atlassian, the others it reads are for other
    // services (a Bugzilla key beside a Jira token).
    let any_named = creds.iter().any(|c| {
        text::mentions_atlassian(&c.name)
            || c.alias.as_deref().is_some_and(text::mentions_atlassian)
    });
    creds.retain(|c| {
        let alias = c.alias.as_deref().unwrap_or("");
        let is_cred = text::credential_like(&c.name)
            || text::credential_like(alias)
            || (c.known_secret && !text::identity_like(&c.name) && !text::config_like(&c.name));
        let named = text::mentions_atlassian(&c.name) || text::mentions_atlassian(alias);
        let foreign = text::foreign(&c.name) && (alias.is_empty() || text::foreign(alias));
        is_cred
            && !foreign
            && (named || (atlassian && !any_named))
            && !(non_cloud && sites.is_empty())
    });
    // Identity: what the configuration sets wins over a script's default; within one
    // level, literal emails beat references and service accounts beat people.
    let mut identity = Identity::unknown();
    let consider = |identity: &mut Identity, cand: Identity| {
        if cand.rank() > identity.rank() {
            *identity = cand;
        }
    };
    for e in &unit.env {
        if !text::identity_like(&e.name) || text::foreign(&e.name) {
            continue;
        }
        let src = format!(
            "{}:{}",
            tree.display(e.path.as_deref().unwrap_or(&config)),
            e.line
        );
        let refs = text::refs_in_value(&e.value, unit.syntax.azure_macros);
        let expr = e
            .value
            .split_once("${{")
            .and_then(|(_, r)| r.split_once("}}"))
            .map(|(x, _)| x.trim().to_string());
        let reference = match (refs.first(), expr) {
            (Some((r, "github-secret")), _) => Some(format!("secrets.{r}")),
            (Some((r, _)), _) if unit.syntax.azure_macros => Some(format!("$({r})")),
            (Some((r, _)), _) => Some(format!("${r}")),
            (None, Some(x)) => Some(x),
            (None, None) => None,
        };
        if let Some(value) = reference {
            consider(
                &mut identity,
                Identity {
                    value: Some(value),
                    kind: "unknown",
                    source: Some(src),
                },
            );
        } else if !e.value.is_empty() {
            consider(&mut identity, classify(&e.value, Some(src), allowed));
        }
    }
    if identity.rank() == 0 {
        for (path, a) in &analyses {
            for r in &a.identities {
                let src = format!("{}:{}", tree.display(path), r.line);
                consider(&mut identity, classify(&r.name, Some(src), allowed));
            }
        }
    }
    if identity.rank() == 0 {
        // The code reads the user from a variable the configuration does not set (a CI
        // variable, the host's environment): name it.
        if let Some((name, path, line)) = reads.iter().find(|(n, _, _)| {
            text::identity_like(n) && !text::foreign(n) && !unit.env.iter().any(|e| e.name == *n)
        }) {
            identity = Identity {
                value: Some(format!("${name}")),
                kind: "unknown",
                source: Some(format!("{}:{line}", tree.display(path))),
            };
        }
    }
    let mut calls = Vec::new();
    for (method, p, line) in &unit.known_calls {
        if let Ok(m) = scopes::lookup(method, p) {
            calls.push((
                Call {
                    method: method.clone(),
                    path: m.path.clone(),
                    operation: Some(m.operation.operation_id.to_string()),
                    file: tree.display(&config),
                    line: *line,
                },
                Some(m.operation),
            ));
        }
    }
    for (path, a) in &analyses {
        for c in &a.calls {
            // A call whose method the code does not say counts as every method its path
            // documents: a least-privilege set that is too small is worse than none.
            let methods: Vec<&str> = match &c.method {
                Some(m) => vec![m.as_str()],
                None => vec!["GET", "POST", "PUT", "PATCH", "DELETE"],
            };
            let mut matched = false;
            for method in methods {
                if let Ok(m) = scopes::lookup(method, &c.url) {
                    matched = true;
                    calls.push((
                        Call {
                            method: method.to_string(),
                            path: crate::secret::redact_text(&m.path),
                            operation: Some(m.operation.operation_id.to_string()),
                            file: tree.display(path),
                            line: c.line,
                        },
                        Some(m.operation),
                    ));
                }
            }
            if !matched {
                calls.push((
                    Call {
                        method: c.method.clone().unwrap_or_else(|| "?".to_string()),
                        path: crate::secret::redact_text(&c.url),
                        operation: None,
                        file: tree.display(path),
                        line: c.line,
                    },
                    None,
                ));
            }
        }
    }
    (
        Resolved {
            unit,
            creds,
            identity,
            sites,
            calls,
            files,
        },
        followed,
    )
}

/// Classify a literal identity; values that look like secrets are masked.
fn classify(value: &str, source: Option<String>, allowed: &[String]) -> Identity {
    let kind = match account::classify_user(value, allowed) {
        User::ServiceAccount => "service-account",
        User::Person(_) => "user",
        User::Placeholder => "placeholder",
        User::Variable | User::NotEmail => "unknown",
    };
    let shown = if !value.contains('@') && crate::secret::looks_random(value) {
        crate::secret::mask(value)
    } else {
        crate::secret::redact_text(value)
    };
    Identity {
        value: Some(shown),
        kind,
        source,
    }
}

/// The register for several trees.
pub fn build(trees: &[Tree], linter: &Linter, allowed: &[String]) -> Inventory {
    struct Acc {
        stores: Vec<String>,
        identity: Identity,
        runs_in: Vec<RunsIn>,
        automations: BTreeSet<String>,
        sites: Vec<String>,
        calls: Vec<Call>,
        ops: Vec<&'static Operation>,
        owners: Vec<String>,
        files: Vec<String>,
        findings: BTreeSet<FindingRef>,
    }
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    let mut lint_cache: HashMap<String, Vec<crate::lint::Finding>> = HashMap::new();
    let mut all_findings: BTreeMap<(String, usize, usize, String), InvFinding> = BTreeMap::new();
    for tree in trees {
        let owners = owners::Owners::from_tree(tree);
        let mut units = units(tree);
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut resolved = Vec::new();
        for u in units.drain(..) {
            let (r, followed) = resolve_unit(tree, u, allowed);
            used.extend(followed);
            used.insert(r.unit.runs_in.path.clone());
            resolved.push(r);
        }
        // Plain scripts: files no runner runs, that read a credential and talk to Atlassian.
        for u in scripts::units(tree, &used) {
            let (r, _) = resolve_unit(tree, u, allowed);
            resolved.push(r);
        }
        for r in resolved {
            if r.creds.is_empty() {
                continue;
            }
            let display_files: Vec<String> = r.files.iter().map(|f| tree.display(f)).collect();
            let file_findings: Vec<crate::lint::Finding> = r
                .files
                .iter()
                .flat_map(|f| {
                    let display = tree.display(f);
                    lint_cache
                        .entry(display.clone())
                        .or_insert_with(|| match tree.load(f) {
                            Some(text) => {
                                let kind = FileKind::detect(
                                    Path::new(f),
                                    text.split('\n').next().unwrap_or(""),
                                );
                                linter.lint_text(&display, kind, &text).findings
                            }
                            None => Vec::new(),
                        })
                        .clone()
                })
                .collect();
            let unit_owners: Vec<String> = r.files.iter().flat_map(|f| owners.of(f)).collect();
            let mut runs_in = r.unit.runs_in.clone();
            runs_in.path = tree.display(&runs_in.path);
            for c in &r.creds {
                let a = acc.entry(c.name.clone()).or_insert_with(|| Acc {
                    stores: Vec::new(),
                    identity: Identity::unknown(),
                    runs_in: Vec::new(),
                    automations: BTreeSet::new(),
                    sites: Vec::new(),
                    calls: Vec::new(),
                    ops: Vec::new(),
                    owners: Vec::new(),
                    files: Vec::new(),
                    findings: BTreeSet::new(),
                });
                if !a.stores.contains(&c.store) {
                    a.stores.push(c.store.clone());
                }
                if r.identity.rank() > a.identity.rank() {
                    a.identity = r.identity.clone();
                }
                let mut ri = runs_in.clone();
                ri.env = c.alias.clone();
                if ri.kind == RunnerKind::Script {
                    ri.line = c.line;
                }
                if !a.runs_in.iter().any(|x| {
                    x.kind == ri.kind
                        && x.path == ri.path
                        && x.job == ri.job
                        && x.schedule == ri.schedule
                }) {
                    a.runs_in.push(ri);
                }
                // A plain script is not an automation of its own, nor is a reusable
                // workflow (it runs as part of its callers).
                if r.unit.runs_in.kind != RunnerKind::Script && !r.unit.automation.is_empty() {
                    a.automations.insert(format!(
                        "{}\u{0}{}",
                        tree.display(&r.unit.automation),
                        r.unit.runs_in.kind.as_str()
                    ));
                }
                for s in &r.sites {
                    if !a.sites.contains(s) {
                        a.sites.push(s.clone());
                    }
                }
                for (call, op) in &r.calls {
                    if !a.calls.contains(call) {
                        a.calls.push(call.clone());
                        if let Some(op) = op {
                            a.ops.push(op);
                        }
                    }
                }
                for o in &unit_owners {
                    if !a.owners.contains(o) {
                        a.owners.push(o.clone());
                    }
                }
                for f in &display_files {
                    if !a.files.contains(f) {
                        a.files.push(f.clone());
                    }
                }
                for f in &file_findings {
                    a.findings.insert(FindingRef {
                        rule: f.rule.to_string(),
                        path: f.path.to_string(),
                        line: f.line,
                    });
                    let e = all_findings
                        .entry((f.path.to_string(), f.line, f.column, f.rule.to_string()))
                        .or_insert_with(|| InvFinding {
                            rule: f.rule.to_string(),
                            name: f.name.to_string(),
                            severity: f.severity,
                            path: f.path.to_string(),
                            line: f.line,
                            message: f.message.to_string(),
                            fix: f.fix.as_deref().map(str::to_string),
                            credentials: Vec::new(),
                        });
                    if !e.credentials.contains(&c.name) {
                        e.credentials.push(c.name.clone());
                    }
                }
            }
        }
    }
    let at109 = catalogue::Code::AT109.rule();
    let at109_code = at109.code.to_string();
    let mut inv = Inventory::default();
    let mut automations: BTreeSet<String> = BTreeSet::new();
    for (name, mut a) in acc {
        a.runs_in.sort();
        a.calls.sort();
        automations.extend(a.automations.iter().cloned());
        let mut least = LeastPrivilege::default();
        for (family, out) in [
            (Family::Classic, &mut least.classic),
            (Family::Granular, &mut least.granular),
        ] {
            *out = cover::least_privilege(&a.ops, family)
                .scopes
                .iter()
                .map(|s| s.to_string())
                .collect();
        }
        let credential = crate::secret::redact_text(&name);
        if a.automations.len() >= 2 {
            let first = a
                .runs_in
                .iter()
                .find(|r| r.kind != RunnerKind::Script)
                .expect("an automation has a non-script runner");
            let list: Vec<String> = a
                .runs_in
                .iter()
                .filter(|r| r.kind != RunnerKind::Script)
                .map(describe_runs_in)
                .collect();
            a.findings.insert(FindingRef {
                rule: at109_code.clone(),
                path: first.path.clone(),
                line: first.line,
            });
            all_findings.insert(
                (first.path.clone(), first.line, 0, format!("{at109_code}{name}")),
                InvFinding {
                    rule: at109_code.clone(),
                    name: at109.name.clone(),
                    severity: at109.severity,
                    path: first.path.clone(),
                    line: first.line,
                    message: format!(
                        "`{credential}` powers {} automations ({}): when it expires or is rotated, all of them stop at once",
                        a.automations.len(),
                        list.join("; ")
                    ),
                    fix: Some(
                        "give each automation its own service account (or at least its own scoped API token), named after the job, so that one expiry or rotation breaks one job; record the owner of each"
                            .to_string(),
                    ),
                    credentials: vec![credential.clone()],
                },
            );
        }
        inv.integrations.push(Integration {
            credential,
            stores: a.stores,
            identity: a.identity,
            runs_in: a.runs_in,
            sites: a.sites,
            calls: a.calls,
            least_privilege: least,
            owners: a.owners,
            files: a.files,
            findings: a.findings.into_iter().collect(),
        });
    }
    inv.findings = all_findings.into_values().collect();
    inv.findings
        .sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    let s = &mut inv.summary;
    s.integrations = inv.integrations.len();
    s.shared_credentials = inv
        .integrations
        .iter()
        .filter(|i| i.findings.iter().any(|f| f.rule == at109_code))
        .count();
    s.automations = automations.len();
    s.findings = inv.findings.len();
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        s.by_severity.insert(sev.as_str(), 0);
    }
    for f in &inv.findings {
        *s.by_severity.entry(f.severity.as_str()).or_default() += 1;
        *s.by_rule.entry(f.rule.clone()).or_default() += 1;
    }
    inv
}

/// `github-actions .github/workflows/x.yml job sync (schedule 0 2 * * *)`.
pub fn describe_runs_in(r: &RunsIn) -> String {
    let mut s = format!("{} {}", r.kind.as_str(), r.path);
    if let Some(j) = &r.job {
        s.push_str(&format!(" {j}"));
    }
    if let Some(c) = &r.schedule {
        s.push_str(&format!(", schedule {c}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_classifies_paths() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
        assert!(non_production("examples/sync.sh"));
        assert!(non_production("docker-compose.example.yml"));
        assert!(non_production("config/.env.sample"));
        assert!(!non_production("scripts/sync.sh"));
        assert_eq!(role(".github/workflows/nightly.yml", ""), Role::Github);
        assert_eq!(role("deploy/jira-sync.timer", ""), Role::Systemd);
        assert_eq!(role("docs/.github/workflows/x.yml", ""), Role::Other);
    }
}
