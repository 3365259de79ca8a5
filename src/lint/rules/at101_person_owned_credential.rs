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
            let Some(m) = caps.name("user").or_else(|| caps.name("plus")) else {
                continue;
            };
            let raw = unquote(m.as_str());
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
    for (id, how) in [
        ("email-colon", "the Basic-auth user is"),
        ("user-arg", "the API client user is"),
        ("positional-user", "the API client user is"),
        ("pair-inline", "the Basic-auth user is"),
        ("pair-colon", "the Basic-auth user is"),
        ("ps-user", "the credential's user is"),
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
            // A bare `"email:secret"` string is a credential only where the line says so.
            if id == "pair-colon"
                && !super::common::pair_context_near(cx, caps.get(0).map_or(0, |m| m.start()))
            {
                continue;
            }
            if let Some(m) = ["user", "nuser", "luser"].iter().find_map(|g| caps.name(g)) {
                // A URL's user info encodes the email's `@`.
                let user = unquote(m.as_str()).replace("%40", "@");
                consider(m.range(), &user, how.to_string(), &mut candidates);
            }
        }
    }
    // Configuration keys: a key that names Atlassian (`JIRA_USER_EMAIL`) always; a generic
    // one (`email`, `user`) only in a file that also configures a token or password.
    let mut has_token_key: Option<bool> = None;
    let kv = cx.pattern("kv-user").captures_iter(cx.text);
    let keyed = cx.pattern("pair-key-user").captures_iter(cx.text);
    let defaults = cx
        .pattern("default-user")
        .captures_iter(cx.text)
        .chain(cx.pattern("option-default-user").captures_iter(cx.text));
    let xml = cx.pattern("xml-user").captures_iter(cx.text);
    let all = cx.pattern("config-user").captures_iter(cx.text);
    // A configuration file that points at a Cloud site configures its user.
    let cloud_config =
        (cx.kind.is_config() || cx.kind == FileKind::Xml) && super::common::calls_cloud(cx);
    // A key that holds three or more different addresses is a data table (a user mapping, test
    // fixtures), not the configuration of one credential's user.
    let mut per_key: HashMap<String, Vec<(Range<usize>, String, String)>> = HashMap::new();
    for caps in all.chain(kv).chain(keyed).chain(defaults).chain(xml) {
        let key = ["key", "key2", "key3"].iter().find_map(|g| caps.name(g));
        let user = ["user", "user2", "user3"].iter().find_map(|g| caps.name(g));
        let (Some(k), Some(m)) = (key, user) else {
            continue;
        };
        let key_ok = match credential_user_key(k.as_str()) {
            KeyKind::Atlassian => true,
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

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
