//! What a piece of automation code reads and calls: environment variables, secret references,
//! the identity it sends, the Atlassian sites and REST calls, and the scripts it runs.
//!
//! Comment lines (`#`, `//`, `REM` ...) are skipped everywhere: a commented-out step does not run.
use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

use crate::lines::{LineIndex, is_comment_line};
use crate::scopes::extract::{self, FoundCall};

/// A name read at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub name: String,
    pub line: usize,
}

/// How a referenced script is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScriptRef {
    /// A path as a command line writes it (`./scripts/sync.sh`, `/opt/app/sync.py`).
    Path(String),
    /// A module import relative to the importing file (`./client`, `lib.jira`): the resolver
    /// tries the usual extensions.
    Module(String),
}

/// Everything found in one text.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub env_reads: Vec<Read>,
    /// Literal emails sent as the Basic user or assigned to a user/email setting.
    pub identities: Vec<Read>,
    pub calls: Vec<FoundCall>,
    /// Atlassian Cloud hosts.
    pub sites: Vec<String>,
    /// The text mentions Atlassian, Jira, Confluence or Jira Service Management.
    pub atlassian: bool,
    /// The text calls a Jira or Confluence that is not Atlassian Cloud (Data Center, Server).
    pub non_cloud: bool,
    pub scripts: Vec<(ScriptRef, usize)>,
}

/// Syntax details of the runner the text comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Syntax {
    /// Azure Pipelines `$(Name)` macros are variable reads, not command substitutions.
    pub azure_macros: bool,
}

fn re(s: &str) -> Regex {
    crate::pattern::compile(s).expect("valid inventory regex")
}

fn env_res() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        [
            // Shell, Make, Dockerfile, GitLab/Bitbucket/CircleCI variables: $NAME, ${NAME}, ${NAME:-x}.
            r"\$\{?([A-Z][A-Z0-9_]*[A-Z0-9])\b",
            // PowerShell.
            r"(?i)\$env:([A-Za-z_]\w*)",
            // Python os.environ[...] / .get(...), os.getenv, Go os.Getenv / LookupEnv, Java
            // System.getenv, Deno.env.get, Ruby ENV[...] / ENV.fetch.
            r#"(?:environ(?:\.get)?|getenv|Getenv|LookupEnv|GetEnvironmentVariable|env\.get|ENV(?:\.fetch)?)\s*[\[(]\s*['"]([A-Za-z_]\w*)['"]"#,
            // Node.
            r#"process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"])"#,
            // GitHub Actions `${{ env.X }}`, Jenkins `env.X`, `const ENV = process.env; ENV.X`.
            r"\b(?:env|ENV)\.([A-Z_][A-Z0-9_]*)\b",
        ]
        .iter()
        .map(|s| re(s))
        .collect()
    })
}

fn assign_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        re(
            r"(?m)^[ \t]*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)?|const\s+|let\s+|var\s+|final\s+(?:String\s+)?)?([A-Z_][A-Z0-9_]*)[ \t]*(?::[ \t]*\w+[ \t]*)?=[^=\n]*",
        )
    })
}

fn settings_field_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        re(r"(?m)^[ \t]+([a-z][a-z0-9_]*)[ \t]*:[ \t]*(?:str|SecretStr|Optional\[(?:str|SecretStr)\]|(?:str|SecretStr)[ \t]*\|[ \t]*None)\b")
    })
}

/// A literal that is not a real credential: a test value or a documentation placeholder.
pub fn dummy_value(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    l.len() < 8
        || crate::account::is_placeholder(&l)
        || [
            "changeme",
            "dummy",
            "example",
            "fake",
            "test",
            "sample",
            "secret",
            "password",
            "token",
            "xxxx",
            "replace",
            "todo",
            "none",
            "null",
            "placeholder",
        ]
        .iter()
        .any(|w| l.contains(w))
}

fn azure_macro_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| re(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)"))
}

fn identity_res() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        let email = r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}";
        [
            format!(r#"(?:^|\s)(?:-u|--user)(?:\s+|=)["']?({email}):"#),
            format!(
                r#"(?i)\b[\w.\-]*(?:user|email|login|account)[\w.\-]*["']?\s*(?:=|:-|:=|:|=>|,|\|\||\?\?)\s*["'`]?({email})"#
            ),
            format!(
                r#"(?:\bauth|basic_auth|HTTPBasicAuth|SetBasicAuth|BasicAuth|basicAuth|Credentials\.basic)\s*[=(]\s*\(?\s*["'`]({email})["'`]"#
            ),
            format!(r#"["'`]({email}):["'`]?\s*(?:\+|\.|\$)"#),
        ]
        .iter()
        .map(|s| re(s))
        .collect()
    })
}

fn site_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| re(r"(?i)https?://([a-z0-9][a-z0-9\-]*\.atlassian\.net)\b|(?i)\b(api\.atlassian\.com)/ex/(?:jira|confluence)\b"))
}

fn url_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| re(r#"(?i)https?://([a-z0-9][a-z0-9.\-]*)(?::\d+)?(/[^\s'"`)]*)?"#))
}

fn script_res() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        [
            // A script path on a command line.
            r#"(?:^|[\s;&|(='"\[,])(?:\$\{?[A-Za-z_]\w*\}?/|\$\{\{\s*github\.workspace\s*\}\}/)?((?:\.{0,2}/)?(?:[\w.\-]+/)*[\w\-][\w.\-]*\.(?:sh|bash|py|js|mjs|cjs|ts|rb|ps1|pl|php|groovy))(?:$|[\s;&|)'",\]])"#,
            // python -m package.module
            r"\bpython[0-9.]*\s+(?:-\w+\s+)*-m\s+([A-Za-z_][\w.]*)",
        ]
        .iter()
        .map(|s| re(s))
        .collect()
    })
}

fn import_res() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        [
            r"(?m)^\s*from\s+(\.*[A-Za-z_][\w.]*)\s+import\b[ \t]*\(?[ \t]*([A-Za-z_][\w \t,]*)?",
            r"(?m)^\s*import\s+([A-Za-z_][\w.]*)\s*$",
            // An ASGI/WSGI application named as `"package.module:app"` (uvicorn, gunicorn).
            r#"["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+):[A-Za-z_]\w*["']"#,
            r#"\brequire\(\s*['"](\.{1,2}/[^'"]+)['"]\s*\)"#,
            r#"\bfrom\s+['"](\.{1,2}/[^'"]+)['"]"#,
            r#"(?m)^\s*(?:source|\.)\s+["']?((?:\.{0,2}/)?[\w./\-]+)"#,
            // A configuration file the code opens (`open("config/settings.yaml")`): its
            // URLs are the sites the code calls.
            r#"\b(?:open|readFileSync|readFile|load_file|File\.read|os\.ReadFile)\(\s*["']((?:\.{0,2}/)?[\w./\-]+\.(?:ya?ml|json|ini|cfg|conf|toml|properties))["']"#,
        ]
        .iter()
        .map(|s| re(s))
        .collect()
    })
}

/// `gajira` (Atlassian's GitHub actions) contains `jira`.
const ATLASSIAN_WORDS: &[&str] = &["atlassian", "jira", "confluence", "servicedesk"];

/// Does `s` mention Atlassian (case-insensitive)?
pub fn mentions_atlassian(s: &str) -> bool {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(ATLASSIAN_WORDS)
            .expect("valid words")
    })
    .is_match(s)
}

/// Placeholder site names from documentation (`your-domain.atlassian.net`).
fn placeholder_site(host: &str) -> bool {
    let sub = host.split('.').next().unwrap_or("");
    [
        "your",
        "example",
        "xxx",
        "company",
        "domain",
        "mysite",
        "tenant",
        "instance",
        "placeholder",
        "site",
        "acme-example",
        "foo",
        "test",
    ]
    .iter()
    .any(|w| {
        sub == *w
            || sub.starts_with("your")
            || sub.contains("example")
            || sub.contains("placeholder")
    }) || sub == "your-domain"
        || sub.len() < 2
}

/// Analyse `text`, whose first line is line `first_line` of its file.
pub fn analyze(text: &str, first_line: usize, syntax: Syntax) -> Analysis {
    let mut a = Analysis::default();
    let offset = first_line.saturating_sub(1);
    let comment_lines: Vec<bool> = text.split('\n').map(is_comment_line).collect();
    // Variables the text assigns itself (`AUTH=(-u ...)`, `TOKEN = ...`) are not read from
    // the environment, unless the assignment reads the same name (`X=${X:-default}`).
    let assigned: HashSet<String> = assign_re()
        .captures_iter(text)
        .filter(|c| {
            !c[0].contains(&format!("${}", &c[1])) && !c[0].contains(&format!("${{{}", &c[1]))
        })
        .map(|c| c[1].to_string())
        .collect();
    let is_comment = |line: usize| comment_lines.get(line - 1).copied().unwrap_or(false);
    // What is already listed, so that each addition costs the same however many came before
    // (a Vec searched per addition made a long file quadratic; issue 12, class 5).
    let mut seen = Seen::default();
    let index = LineIndex::new(text);
    let line_of = |at: usize| index.line_of(at) + 1;
    for (i, line) in text.split('\n').enumerate() {
        if comment_lines[i] {
            continue;
        }
        let no = i + 1 + offset;
        // Cheap byte checks first: most lines have no `$`, `env`, `@`, `http` or script name,
        // and the regexes below then never run on them.
        let has = |n: &str| line.contains(n);
        let env_like = has("$") || has("env") || has("ENV") || has("Env");
        for (k, r) in env_res().iter().enumerate() {
            if !env_like {
                break;
            }
            for c in r.captures_iter(line) {
                if let Some(m) = c.get(1).or_else(|| c.get(2)) {
                    if k == 0 && assigned.contains(m.as_str()) {
                        continue;
                    }
                    push_read(&mut a.env_reads, &mut seen.env_reads, m.as_str(), no);
                }
            }
        }
        if syntax.azure_macros {
            for c in azure_macro_re().captures_iter(line) {
                push_read(&mut a.env_reads, &mut seen.env_reads, &c[1], no);
            }
        }
        if has("@") && !has("git config") && !has("git -c") {
            for r in identity_res() {
                for c in r.captures_iter(line) {
                    let email = c[1].to_string();
                    let whole = c[0].to_ascii_lowercase();
                    if whole.contains("author")
                        || whole.contains("committer")
                        || whole.contains("maintainer")
                        || email.ends_with("noreply.github.com")
                        || email.ends_with("@github.com")
                    {
                        continue;
                    }
                    push_read(&mut a.identities, &mut seen.identities, &email, no);
                }
            }
        }
        let http = has("http") || has("api.atlassian.com");
        for c in site_re()
            .captures_iter(line)
            .take(if http { usize::MAX } else { 0 })
        {
            let host = c
                .get(1)
                .or_else(|| c.get(2))
                .map(|m| m.as_str().to_ascii_lowercase())
                .unwrap_or_default();
            if !placeholder_site(&host) && seen.sites.insert(host.clone()) {
                a.sites.push(host);
            }
        }
        for c in url_re()
            .captures_iter(line)
            .take(if http { usize::MAX } else { 0 })
        {
            let host = c[1].to_ascii_lowercase();
            let path = c.get(2).map_or("", |m| m.as_str()).to_ascii_lowercase();
            if host.ends_with("atlassian.net") || host.ends_with("atlassian.com") {
                continue;
            }
            let first = host.split('.').next().unwrap_or("");
            if matches!(first, "jira" | "confluence" | "wiki")
                || path.contains("/rest/api/")
                || path.contains("/wiki/rest/")
            {
                // `http://localhost:8080/rest/api/...` in a test double is not a site either.
                a.non_cloud = true;
            }
        }
        let script_like = has("python")
            || has(".sh")
            || has(".py")
            || has(".js")
            || has(".ts")
            || has(".rb")
            || has(".ps1")
            || has(".pl")
            || has(".php")
            || has(".groovy")
            || has(".bash")
            || has(".mjs")
            || has(".cjs");
        for (k, r) in script_res().iter().enumerate() {
            if !script_like {
                break;
            }
            for c in r.captures_iter(line) {
                let s = c[1].to_string();
                let r = if k == 1 {
                    ScriptRef::Module(s.replace('.', "/"))
                } else {
                    ScriptRef::Path(s)
                };
                if seen.scripts.insert(r.clone()) {
                    a.scripts.push((r, no));
                }
            }
        }
        if !a.atlassian && mentions_atlassian(line) {
            a.atlassian = true;
        }
    }
    // Settings classes (pydantic `BaseSettings`) read each field from the environment
    // variable of the same name, upper-cased.
    if text.contains("BaseSettings") {
        for c in settings_field_re().captures_iter(text) {
            let at = c.get(0).map_or(0, |m| m.start());
            let line = line_of(at);
            if !is_comment(line) {
                push_read(
                    &mut a.env_reads,
                    &mut seen.env_reads,
                    &c[1].to_ascii_uppercase(),
                    line + offset,
                );
            }
        }
    }
    for r in import_res() {
        for c in r.captures_iter(text) {
            let at = c.get(0).map_or(0, |m| m.start());
            let line = line_of(at);
            if is_comment(line) {
                continue;
            }
            // `from pkg import mod`: `mod` may be a module of the package.
            let mut names = vec![c[1].to_string()];
            if let Some(list) = c.get(2) {
                let base = c[1].trim_end_matches('.');
                let sep = if base.chars().all(|ch| ch == '.') {
                    ""
                } else {
                    "."
                };
                for n in list.as_str().split(',') {
                    let n = n.split_whitespace().next().unwrap_or("");
                    if !n.is_empty() && n != "as" {
                        names.push(format!("{base}{sep}{n}"));
                    }
                }
            }
            for m in names {
                let m = if m.starts_with('.') && !m.starts_with("./") && !m.starts_with("../") {
                    // Python relative import `.client` / `..lib.x`.
                    let dots = m.chars().take_while(|c| *c == '.').count();
                    let rest = m[dots..].replace('.', "/");
                    let up = "../".repeat(dots.saturating_sub(1));
                    format!("./{up}{rest}")
                } else if !m.contains('/') {
                    m.replace('.', "/")
                } else {
                    m
                };
                let r = ScriptRef::Module(m);
                if seen.scripts.insert(r.clone()) {
                    a.scripts.push((r, line + offset));
                }
            }
        }
    }
    for mut call in extract::find_calls(text) {
        if is_comment(call.line) {
            continue;
        }
        call.line += offset;
        a.calls.push(call);
    }
    if !a.calls.is_empty() {
        a.atlassian = true;
    }
    if !a.sites.is_empty() {
        a.atlassian = true;
    }
    a
}

/// The names and values [`analyze`] has listed so far.
#[derive(Default)]
struct Seen {
    env_reads: HashSet<String>,
    identities: HashSet<String>,
    sites: HashSet<String>,
    scripts: HashSet<ScriptRef>,
}

fn push_read(v: &mut Vec<Read>, seen: &mut HashSet<String>, name: &str, line: usize) {
    if seen.insert(name.to_string()) {
        v.push(Read {
            name: name.to_string(),
            line,
        });
    }
}

/// Names of variables referenced by a configuration value, with the store they live in:
/// `${{ secrets.X }}` (GitHub secret), `${{ vars.X }}` (not a secret store: skipped),
/// `$X` / `${X}` / `${X:-default}` (the runner's own variables), `$(X)` (Azure), `{{ .Values.x }}`
/// (Helm values).
pub fn refs_in_value(value: &str, azure: bool) -> Vec<(String, &'static str)> {
    static SECRETS: OnceLock<Regex> = OnceLock::new();
    static DOLLAR: OnceLock<Regex> = OnceLock::new();
    static HELM: OnceLock<Regex> = OnceLock::new();
    let secrets = SECRETS.get_or_init(|| re(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_\-]*)"));
    let dollar = DOLLAR.get_or_init(|| re(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?:\}|:-|:=|\b)"));
    let helm = HELM.get_or_init(|| re(r"\{\{-?\s*\.Values\.([A-Za-z_][\w.]*)"));
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for c in secrets.captures_iter(value) {
        // GitHub secret names are case-insensitive: `secrets.jira_token` is JIRA_TOKEN.
        out.push((c[1].to_ascii_uppercase(), "github-secret"));
    }
    if !out.is_empty() || value.contains("${{") {
        return out;
    }
    for c in helm.captures_iter(value) {
        out.push((c[1].to_string(), "helm-values"));
    }
    if azure {
        for c in azure_macro_re().captures_iter(value) {
            out.push((c[1].to_string(), ""));
        }
    }
    for c in dollar.captures_iter(value) {
        if value[c.get(0).unwrap().start()..].starts_with("$(") {
            continue;
        }
        out.push((c[1].to_string(), ""));
    }
    out
}

/// Words that make a variable name a credential.
pub fn credential_like(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    [
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "APIKEY",
        "API_KEY",
        "CREDENTIAL",
        "CREDS",
    ]
    .iter()
    .any(|w| u.contains(w))
        || u.ends_with("_PAT")
        || u.starts_with("PAT_")
        || u == "PAT"
        || u.ends_with("_PASS")
        || u.ends_with("_PWD")
        || (u.contains("AUTH") && !identity_like(&u) && !config_like(&u))
}

/// Names that carry the account rather than the secret.
pub fn identity_like(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    !["TOKEN", "PASSWORD", "SECRET", "API_KEY", "APIKEY"]
        .iter()
        .any(|w| u.contains(w))
        && ["EMAIL", "USER", "LOGIN", "ACCOUNT", "MAIL"]
            .iter()
            .any(|w| u.contains(w))
}

/// Names that carry configuration, not a secret: URLs, hosts, IDs.
pub fn config_like(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    [
        "URL", "HOST", "SITE", "DOMAIN", "BASE", "ENDPOINT", "SERVER", "PROJECT", "SPACE",
        "INSTANCE",
    ]
    .iter()
    .any(|w| u.contains(w))
        || u.ends_with("_ID")
        || u.ends_with("ID") && !u.ends_with("PAID")
}

/// Credentials of other services: listed only when they also name Atlassian.
pub fn foreign(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    // `GH_JIRA_SYNC_PAT` is a GitHub token of a Jira sync app: the prefix names the service.
    if [
        "GH_",
        "GITHUB_",
        "GITLAB_",
        "NPM_",
        "DOCKER_",
        "SLACK_",
        "AWS_",
        "AZURE_",
        "GCP_",
        "GOOGLE_",
        "BITBUCKET_",
    ]
    .iter()
    .any(|p| u.starts_with(p))
    {
        return true;
    }
    if mentions_atlassian(&u) {
        return false;
    }
    [
        "GITHUB",
        "GH_",
        "GITLAB",
        "CI_JOB",
        "CI_REGISTRY",
        "ACTIONS_",
        "NPM",
        "PYPI",
        "TWINE",
        "DOCKER",
        "REGISTRY",
        "AWS",
        "GCP",
        "GOOGLE",
        "AZURE",
        "SLACK",
        "CODECOV",
        "SONAR",
        "HEROKU",
        "SENTRY",
        "CARGO",
        "NUGET",
        "OPENAI",
        "ANTHROPIC",
        "DATADOG",
        "PAGERDUTY",
        "TEAMS",
        "DISCORD",
        "TELEGRAM",
        "BITBUCKET",
        "GPG",
        "SSH",
        "COVERALLS",
        "NETLIFY",
        "VERCEL",
        "CLOUDFLARE",
        "DIGITALOCEAN",
        "SNYK",
        "ZENDESK",
        "SALESFORCE",
        "HUBSPOT",
        "STRIPE",
        "TWILIO",
        "SENDGRID",
        "MAILGUN",
        "POSTGRES",
        "MYSQL",
        "REDIS",
        "MONGO",
        "DB_",
        "DATABASE",
        "RABBIT",
        "KAFKA",
        "S3_",
        "OPSGENIE",
        "TRELLO",
        "STATUSPAGE",
        "HOMEBREW",
        "CHOCO",
        "GEM_",
        "RUBYGEMS",
        "MAVEN",
        "SIGNING",
        "KEYSTORE",
        "APPLE",
        "ANDROID",
        "FIREBASE",
    ]
    .iter()
    .any(|w| u.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_languages() {
        let a = analyze(
            "import os\nTOKEN = os.environ[\"JIRA_API_TOKEN\"]\nuser = os.getenv('JIRA_EMAIL', 'bot@acme.com')\n# os.environ['OLD_TOKEN']\n",
            1,
            Syntax::default(),
        );
        let names: Vec<&str> = a.env_reads.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["JIRA_API_TOKEN", "JIRA_EMAIL"]);
        assert_eq!(a.identities[0].name, "bot@acme.com");
        let a = analyze(
            "curl -u \"$JIRA_USER:${JIRA_TOKEN}\" https://acme.atlassian.net/rest/api/3/myself\nnode ./tools/push.js\n",
            10,
            Syntax::default(),
        );
        assert_eq!(a.env_reads[1].name, "JIRA_TOKEN");
        assert_eq!(a.sites, ["acme.atlassian.net"]);
        assert_eq!(a.calls[0].line, 10);
        assert_eq!(a.scripts[0].0, ScriptRef::Path("./tools/push.js".into()));
        assert!(a.atlassian);
        let a = analyze(
            "requests.get('https://jira.corp.example/rest/api/2/issue/X-1')",
            1,
            Syntax::default(),
        );
        assert!(a.non_cloud && a.calls.is_empty());
    }

    #[test]
    fn names() {
        assert!(credential_like("JIRA_API_TOKEN"));
        assert!(credential_like("CONFLUENCE_PASSWORD"));
        assert!(!credential_like("JIRA_USER_EMAIL"));
        assert!(!credential_like("JIRA_BASE_URL"));
        assert!(identity_like("JIRA_USER_EMAIL"));
        assert!(foreign("GITHUB_TOKEN") && !foreign("JIRA_GITHUB_TOKEN"));
        assert_eq!(
            refs_in_value("${{ secrets.JIRA_TOKEN }}", false),
            vec![("JIRA_TOKEN".to_string(), "github-secret")]
        );
        assert_eq!(
            refs_in_value("${JIRA_TOKEN:-x}", false),
            vec![("JIRA_TOKEN".to_string(), "")]
        );
    }
}
