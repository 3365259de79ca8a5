//! AT101 person-owned-credential: the Basic-auth user of an automation is a person's email,
//! not a `…@serviceaccount.atlassian.com` service account.
//!
//! Contexts read (each a pattern in the rule file, group `user`): curl `-u/--user`, auth
//! tuples and `SetBasicAuth(...)`, `username=`/`email:` arguments, an `email:` literal glued
//! to a token or variable (`"jane@acme.com:" + token`, `btoa(...)`), user keys in `.env`,
//! YAML, HCL beside a token key, and decoded literal `Basic` values. A user that is a
//! variable is resolved through the file's own literal assignments (`JIRA_EMAIL = "..."`).
use std::collections::HashMap;
use std::ops::Range;

use super::common::{Heading, basic_values, heading, unquote};
use crate::account::{User, classify_user};
use crate::lint::{Cx, FileKind, Hit};

use crate::account::PERSON_FIX as FIX;

enum KeyKind {
    /// Names Atlassian: `JIRA_USER_EMAIL`, `confluence.username`.
    Atlassian,
    /// A bare user key: `email`, `username`.
    Generic,
    /// Something else: a git author, a notification address.
    Other,
}

/// Does a configuration key name the user of an Atlassian credential (and not, say, a git
/// author or a notification address)?
fn credential_user_key(key: &str) -> KeyKind {
    // camelCase and PascalCase read as snake_case: `UserEmail` is `user_email`.
    let mut k = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            k.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        k.push(c.to_ascii_lowercase());
    }
    let atlassian = [
        "jira",
        "confluence",
        "atlassian",
        "atl_",
        "jsm",
        "wiki",
        "servicedesk",
    ]
    .iter()
    .any(|w| k.contains(w));
    let generic = k.trim_start_matches(['-', '_']).replace(['-', '.'], "_");
    let generic_ok = [
        "user",
        "username",
        "email",
        "login",
        "user_email",
        "api_user",
        "api_email",
        "auth_user",
        "auth_email",
        "account_email",
        "url_username",
        "url_user",
    ]
    .iter()
    .any(|g| g.replace('_', "") == generic.replace('_', ""));
    let other = [
        "author",
        "maintainer",
        "committer",
        "git",
        "smtp",
        "from",
        "reply",
        "notify",
        "notification",
        "support",
        "contact",
        "owner",
        "admin_email",
    ]
    .iter()
    .any(|w| k.contains(w));
    if other {
        KeyKind::Other
    } else if atlassian {
        KeyKind::Atlassian
    } else if generic_ok {
        KeyKind::Generic
    } else {
        KeyKind::Other
    }
}

/// Literal email assignments in the file, by key.
fn assignments<'a>(cx: &Cx<'a>) -> HashMap<&'a str, (Range<usize>, &'a str)> {
    let mut map = HashMap::new();
    for caps in cx.pattern("assign-email").captures_iter(cx.text) {
        if let (Some(k), Some(v)) = (caps.name("key"), caps.name("value")) {
            map.entry(k.as_str()).or_insert((v.range(), v.as_str()));
        }
    }
    map
}

/// The identifier inside `${X}`, `$X`, `{X}`, `$($X)`, `X` or `process.env.X`.
fn identifier(expr: &str) -> Option<&str> {
    let e = expr
        .trim()
        .trim_start_matches('$')
        .trim_start_matches(['{', '('])
        .trim_start_matches('$');
    let e = e.trim_end_matches(['}', ')']);
    let e = e
        .rsplit(['.', '['])
        .next()
        .unwrap_or(e)
        .trim_matches(['"', '\'', ']']);
    (!e.is_empty()
        && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !e.starts_with(|c: char| c.is_ascii_digit()))
    .then_some(e)
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.atlassian_context() {
        return;
    }
    let allowed = &cx.config.service_accounts;
    let mut assigned: Option<HashMap<&str, (Range<usize>, &str)>> = None;
    let mut candidates: Vec<(Range<usize>, String, String)> = Vec::new();
    let consider = |range: Range<usize>,
                    raw: &str,
                    how: String,
                    cands: &mut Vec<(Range<usize>, String, String)>| {
        // The default of `${JIRA_USER:-jane@acme.com}` read as an assignment keeps its `-`.
        // A URL-encoded `@` (`jane%40acme.com`, for a URL's user info) is the same address.
        let raw = raw.trim_start_matches(['-', '=']).replace("%40", "@");
        if let User::Person(email) = classify_user(&raw, allowed) {
            // Point at the address itself, not at its quotes.
            let text = &cx.text[range.clone()];
            let range = match text.find(&email) {
                Some(i) => range.start + i..range.start + i + email.len(),
                None => range,
            };
            cands.push((range, email, how));
        }
    };

    // Credential positions where the user may be a literal or a variable.
    for id in ["curl-user", "auth-call", "concat-user", "format-user"] {
        for caps in cx.pattern(id).captures_iter(cx.text) {
            let Some(m) = ["user", "plus", "quser", "suser", "huser", "vuser"]
                .iter()
                .find_map(|g| caps.name(g))
            else {
                continue;
            };
            let raw = unquote_escaped(m.as_str());
            if crate::account::is_email(raw) {
                consider(
                    m.range(),
                    raw,
                    "the Basic-auth user is".to_string(),
                    &mut candidates,
                );
            } else if let Some(name) = identifier(raw) {
                let map = assigned.get_or_insert_with(|| assignments(cx));
                if let Some((r, v)) = map.get(name) {
                    consider(
                        r.clone(),
                        v,
                        format!("`{name}`, the Basic-auth user, holds"),
                        &mut candidates,
                    );
                }
            }
        }
    }
    // Literal `email:secret` pairs and keyword arguments.
    let mut authenticates: Option<bool> = None;
    for (id, how) in [
        ("email-colon", "the Basic-auth user is"),
        ("user-arg", "the API client user is"),
        ("positional-user", "the API client user is"),
        ("pair-inline", "the Basic-auth user is"),
        ("pair-colon", "the Basic-auth user is"),
        ("ps-user", "the credential's user is"),
        ("setter-user", "the API client user is"),
        ("cli-user", "the command's user is"),
        ("get-credential-user", "the credential's user is"),
        ("curlopt-user", "the Basic-auth user is"),
        ("url-user", "the Basic-auth user is"),
        ("first-arg-user", "the API client user is"),
    ] {
        // Package manifests carry author emails under the same key names.
        if id == "user-arg"
            && (matches!(cx.kind, FileKind::Toml | FileKind::Json)
                || [".gemspec", "setup.py", "setup.cfg", ".nuspec", "pom.xml"]
                    .iter()
                    .any(|m| cx.path.ends_with(m)))
        {
            continue;
        }
        for caps in cx.pattern(id).captures_iter(cx.text) {
            let at = caps.get(0).map_or(0, |m| m.start());
            // A bare `"email:secret"` string is a credential only where the line says so.
            if id == "pair-colon" && !super::common::pair_context_near(cx, at) {
                continue;
            }
            // A setter (`setEmail("...")`) sets a credential's user only beside its secret.
            if id == "setter-user" && !credential_near(cx, at) {
                continue;
            }
            // A flag such as `--email` is an Atlassian login only on a line about the product.
            if id == "cli-user" && !names_product(cx.line_at(at).0) {
                continue;
            }
            // A prompt pre-filled for Exchange or Azure is not Jira's: the product within three lines.
            if id == "get-credential-user" && !product_near(cx, at) {
                continue;
            }
            // In code, `email = "..."` as a statement is a variable: a credential's user in a file
            // that authenticates somewhere, not in one that only sends notifications.
            if id == "user-arg"
                && !cx.kind.is_config()
                && statement_start(cx, at)
                && !*authenticates.get_or_insert_with(|| {
                    let lower = cx.text.to_ascii_lowercase();
                    [
                        "auth",
                        "basic",
                        "credential",
                        "token",
                        "passw",
                        "secret",
                        "api_key",
                        "apikey",
                    ]
                    .iter()
                    .any(|w| lower.contains(w))
                })
            {
                continue;
            }
            if let Some(m) = ["user", "nuser", "luser"].iter().find_map(|g| caps.name(g)) {
                // A URL's user info encodes the email's `@`.
                let user = unquote_escaped(m.as_str()).replace("%40", "@");
                consider(m.range(), &user, how.to_string(), &mut candidates);
            }
        }
    }
    // Configuration keys: a key that names Atlassian (`JIRA_USER_EMAIL`) always; a generic
    // one (`email`, `user`) only in a file that also configures a token or password.
    let mut has_token_key: Option<bool> = None;
    let kv = cx.pattern("kv-user").captures_iter(cx.text);
    let keyed = cx.pattern("pair-key-user").captures_iter(cx.text);
    let defaults = cx.pattern("default-user").captures_iter(cx.text);
    // The default of a command-line option names the user the tool logs in as, whatever the
    // option is called (`--email`, `flag.String("user", ...)`).
    let options = cx.pattern("option-default-user").captures_iter(cx.text);
    let xml = cx.pattern("xml-user").captures_iter(cx.text);
    // C# auto-properties only where the file has one (`{ get; set; }`).
    let property = memchr::memmem::find(cx.text.as_bytes(), b"get;")
        .map(|_| cx.pattern("property-user").captures_iter(cx.text))
        .into_iter()
        .flatten();
    let name_value = cx.pattern("name-value-user").captures_iter(cx.text);
    let env = cx.pattern("env-user").captures_iter(cx.text);
    let all = cx.pattern("config-user").captures_iter(cx.text);
    // Package manifests name their authors and developers under the same keys (`email`,
    // `<email>`): not the user of a credential.
    let manifest = is_manifest(cx.path);
    // A configuration file that points at a Cloud site configures its user.
    let cloud_config = (cx.kind.is_config() || cx.kind == FileKind::Xml)
        && (super::common::calls_cloud(cx) || crate::lint::kind::names_product(cx.path));
    // A key that holds three or more different addresses is a data table (a user mapping, test
    // fixtures), not the configuration of one credential's user.
    let mut per_key: HashMap<String, Vec<(Range<usize>, String, String)>> = HashMap::new();
    for (option, caps) in options.map(|c| (true, c)).chain(
        all.chain(kv)
            .chain(keyed)
            .chain(defaults)
            .chain(xml)
            .chain(property)
            .chain(name_value)
            .chain(env)
            .map(|c| (false, c)),
    ) {
        let key = ["key", "key2", "key3", "key4"]
            .iter()
            .find_map(|g| caps.name(g));
        let user = ["user", "user2", "user3", "user4"]
            .iter()
            .find_map(|g| caps.name(g));
        let (Some(k), Some(m)) = (key, user) else {
            continue;
        };
        if manifest {
            continue;
        }
        let key_ok = match credential_user_key(k.as_str()) {
            KeyKind::Atlassian => true,
            KeyKind::Generic if option => true,
            // A user key under a mail, Git or people heading (`smtp:`, `developers:`).
            KeyKind::Generic if other_parent(cx, k.start()) => false,
            // In a YAML, INI or TOML file, a user key nested under another service's heading
            // (`certManager: acme: email:`) is a credential's user only beside its secret.
            KeyKind::Generic
                if matches!(cx.kind, FileKind::Yaml | FileKind::Ini | FileKind::Toml)
                    && matches!(heading(cx, k.start()), Heading::Other) =>
            {
                cx.pattern("token-key")
                    .is_match(super::common::lines_around(cx, k.start(), 2))
            }
            KeyKind::Generic => {
                *has_token_key.get_or_insert_with(|| cx.pattern("token-key").is_match(cx.text))
                    || cx.kind.is_config()
                        && match heading(cx, k.start()) {
                            Heading::Atlassian => true,
                            // A top-level key of a file that points at a Cloud site.
                            Heading::TopLevel => cloud_config,
                            Heading::Other => false,
                        }
                    || cx.kind == FileKind::Xml && cloud_config
                    // A key of a `jira: {` / `"confluence": {` object in code.
                    || !cx.kind.is_config() && atlassian_object(cx, k.start())
                    // Configuration written from code (a heredoc, `echo`, `printf`) beside the
                    // Cloud site it logs in to.
                    || !cx.kind.is_config() && {
                        let near = super::common::lines_around(cx, k.start(), 4);
                        // Not a user object of an API answer (mock data in a test).
                        near.contains(".atlassian.net")
                            && !["accountId", "displayName", "\"self\""]
                                .iter()
                                .any(|w| near.contains(w))
                    }
            }
            KeyKind::Other => false,
        };
        if key_ok {
            // JSON inside a JSON string (a Postman body) escapes its quotes: `\"a@b.c\"`.
            per_key
                .entry(k.as_str().to_ascii_lowercase())
                .or_default()
                .push((
                    m.range(),
                    unquote(m.as_str()).trim_end_matches('\\').to_string(),
                    format!("`{}` configures the Atlassian user", k.as_str()),
                ));
        }
    }
    for found in per_key.values() {
        let mut distinct: Vec<String> = found
            .iter()
            .filter(|(_, v, _)| crate::account::is_email(v))
            .map(|(_, v, _)| v.to_ascii_lowercase())
            .collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() >= 3 {
            continue;
        }
        for (range, value, how) in found {
            consider(range.clone(), value, how.clone(), &mut candidates);
        }
    }
    for b in basic_values(cx) {
        if let User::Person(email) = classify_user(&b.user, allowed) {
            candidates.push((
                b.range,
                email,
                "the literal Basic header's user is".to_string(),
            ));
        }
    }
    // Data Center and Server have no service accounts: a file that logs in to a self-hosted
    // Jira or Confluence (and names no Cloud host) is not about a Cloud account. Nor is an
    // address that a mail client logs in with (`nodemailer`, `smtp`).
    if candidates.is_empty()
        || super::at207_removed_endpoint::self_hosted_file(cx)
        || configures_other_server(cx)
    {
        return;
    }
    candidates.retain(|(range, _, _)| !other_use(cx, range.start));
    candidates.sort_by_key(|(r, _, _)| (r.start, r.end));
    candidates.dedup_by(|a, b| a.0.start < b.0.end && b.0.start < a.0.end);
    for (range, email, how) in candidates {
        // Both are user accounts, not service accounts; which of the two it looks like
        // decides what goes wrong.
        let what = if crate::account::is_shared_mailbox(&email) {
            "a user account used as a shared \"dummy user\" mailbox, not a service account: it holds a paid licence, anyone with the mailbox can reset its password, and its actions are attributed to no one"
        } else {
            "a person's user account, not a service account: the automation stops when that person leaves or the account is deactivated"
        };
        out.push(
            Hit::new(
                range,
                format!("{} {email}, {what}", capitalize(&how)),
                format!("user:{email}"),
            )
            .fix(FIX),
        );
    }
}

/// [`unquote`], and also a value quoted with escaped quotes inside a JSON string (`\"a@b.c\"`
/// in a notebook cell or a Postman body).
fn unquote_escaped(s: &str) -> &str {
    let s = unquote(s);
    match s.strip_prefix("\\\"").and_then(|r| r.strip_suffix("\\\"")) {
        Some(inner) => inner,
        None => s,
    }
}

/// Package manifests, whose `email` / `<email>` keys are their authors'.
fn is_manifest(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    [
        "package.json",
        "composer.json",
        "bower.json",
        "pom.xml",
        "Cargo.toml",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "build.gradle",
        "build.gradle.kts",
        "AndroidManifest.xml",
        "atlassian-plugin.xml",
        "CITATION.cff",
        "codemeta.json",
        "plugin.yaml",
        "Chart.yaml",
    ]
    .contains(&name)
        || [".gemspec", ".nuspec", ".csproj", ".podspec", ".cabal"]
            .iter()
            .any(|e| name.ends_with(e))
}

/// Is a configuration key under a heading about mail, Git or people (`smtp:`, `[mail]`,
/// `developers:`, `notifications:`) rather than the Atlassian client? Looks at most 40 lines up.
fn other_parent(cx: &Cx<'_>, at: usize) -> bool {
    const OTHER: &[&str] = &[
        "smtp",
        "mail",
        "imap",
        "git",
        "author",
        "maintainer",
        "contributor",
        "developer",
        "notif",
        "sender",
        "contact",
        "reporter",
        "assignee",
        "people",
        "members",
    ];
    let (line, line_start) = cx.line_at(at);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut level = indent(line);
    for l in cx.text[..line_start].lines().rev().take(40) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let section = t.starts_with('[') && t.ends_with(']');
        if section || indent(l) < level {
            let lower = t.to_ascii_lowercase();
            if OTHER.iter().any(|w| lower.contains(w)) {
                return true;
            }
            level = indent(l);
            if section || level == 0 {
                break;
            }
        }
    }
    false
}

/// In code, is the key at `at` a member of an object literal whose own key names the product
/// (`jira: {`, `"confluence" => [`, `JIRA = dict(`)? Only the nearest enclosing line counts, and
/// only when it opens a literal: a function `def sync_jira():` is not an object.
fn atlassian_object(cx: &Cx<'_>, at: usize) -> bool {
    let (line, line_start) = cx.line_at(at);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let level = indent(line);
    for l in cx.text[..line_start].lines().rev().take(40) {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if indent(l) < level {
            let lower = t.to_ascii_lowercase();
            return t.ends_with(['{', '(', '['])
                && ["jira", "confluence", "atlassian"]
                    .iter()
                    .any(|w| lower.contains(w));
        }
    }
    false
}

/// Do the lines within three of `at` name Jira, Confluence or Atlassian?
/// A prompt whose next lines connect to a Microsoft or VMware service is that service's login.
fn product_near(cx: &Cx<'_>, at: usize) -> bool {
    let near = super::common::lines_around(cx, at, 3).to_ascii_lowercase();
    let after = super::common::lines_around(cx, at, 2).to_ascii_lowercase();
    ["jira", "confluence", "atlassian"]
        .iter()
        .any(|w| near.contains(w))
        && ![
            "exchange",
            "msol",
            "azuread",
            "azaccount",
            "mggraph",
            "pnponline",
            "sposervice",
            "microsoftteams",
            "viserver",
            "sqlserver",
            "pssession",
        ]
        .iter()
        .any(|w| after.contains(w))
}

/// Does the match at `at` start a statement: only indentation and declaration keywords
/// (`const`, `let`, `val`, `my`, `$`) before it on its line?
fn statement_start(cx: &Cx<'_>, at: usize) -> bool {
    let (line, start) = cx.line_at(at);
    let before = line.get(..at.saturating_sub(start)).unwrap_or("");
    before.split_whitespace().all(|w| {
        [
            "const", "let", "var", "val", "my", "our", "local", "export", "final", "static",
            "private", "public", "String", "string", "str", "def", "readonly", "$",
        ]
        .contains(&w)
    })
}

/// Does the file configure a client's server (`endpoint: https://issues.apache.org/jira`,
/// `server = "https://jira.corp"`) on a host that is not Atlassian Cloud, and name no Cloud host?
fn configures_other_server(cx: &Cx<'_>) -> bool {
    let mut hosts = cx
        .pattern("server-key")
        .captures_iter(cx.text)
        .filter_map(|c| c.name("host"))
        .map(|h| h.as_str().to_ascii_lowercase())
        .peekable();
    hosts.peek().is_some()
        && hosts.all(|h| !(h.ends_with(".atlassian.net") || h.ends_with("atlassian.com")))
        && !cx.text.contains(".atlassian.net")
        && !cx.text.contains("api.atlassian.com")
}

/// Does a command line run an Atlassian tool: name Atlassian or a site (`acli`, `--site
/// x.atlassian.net`), a Jira or Confluence cmdlet (`Connect-JiraCloud`, `New-JiraSession`) or a
/// `jira` / `confluence` command? (A host such as `jira-proxy.corp.com` is not enough.)
fn names_product(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let command = lower.trim_start().trim_start_matches(['$', '-', ' ', '\t']);
    ["atlassian", "acli ", "-jira", "-confluence"]
        .iter()
        .any(|w| lower.contains(w))
        || ["jira ", "confluence ", "go-jira "]
            .iter()
            .any(|c| command.starts_with(c))
}

/// Does a token, auth or credential word sit within two lines of `at`? (Not "password": a user
/// record's `setPassword` is not a login.)
fn credential_near(cx: &Cx<'_>, at: usize) -> bool {
    let near = super::common::lines_around(cx, at, 2).to_ascii_lowercase();
    ["token", "apikey", "api_key", "auth", "credential", "basic"]
        .iter()
        .any(|w| near.contains(w))
}

/// Is the address at `at` used for something other than logging in to Atlassian? A mail
/// client's login (`smtp`, `nodemailer`, `$mailCred = ...` on the line or the three before it),
/// or a user record the code creates or points at (`user_create(email=...)`, `reporter: {email:
/// ...}`, a Terraform `resource "jira_user"`).
fn other_use(cx: &Cx<'_>, at: usize) -> bool {
    let (line, start) = cx.line_at(at);
    let prefix = cx.text[start..at.max(start)].to_ascii_lowercase();
    let end = start + line.len();
    // Back three line breaks from the line's start, at most 2 KiB.
    let floor = crate::lines::floor_boundary(cx.text, start.saturating_sub(2048));
    let from = cx.text[floor..start]
        .rmatch_indices('\n')
        .nth(3)
        .map_or(floor, |(i, _)| floor + i + 1);
    let near = cx.text[from..end].to_ascii_lowercase();
    const MAIL: &[&str] = &[
        "smtp",
        "imap",
        "pop3",
        "nodemailer",
        "createtransport",
        "mailer",
        "sendmail",
        "mail_host",
        "mail.host",
        "mail_server",
        "mail_username",
        "mail.username",
        "mail_user",
        "email_host",
        "javamail",
    ];
    const RECORD: &[&str] = &[
        "user_create",
        "create_user",
        "createuser",
        "add_user",
        "adduser",
        "new_user",
        "newuser",
        "invite",
        "reporter",
        "assignee",
        "watcher",
        "emailaddress",
        "recipient",
    ];
    // A user object of an API answer (`"self"`, `"accountId"`, `"displayName"`): mock data.
    let around = super::common::lines_around(cx, at, 3);
    let user_object = ["\"self\"", "accountId", "displayName"]
        .iter()
        .filter(|w| around.contains(*w))
        .count()
        >= 2;
    user_object
        || MAIL.iter().any(|w| near.contains(w))
        || prefix.replace("email", "").contains("mail")
            && !["jira", "confluence", "atlassian"]
                .iter()
                .any(|w| prefix.contains(w))
        || RECORD.iter().any(|w| prefix.contains(w))
        || near.contains("resource \"") && near.contains("user\"")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
