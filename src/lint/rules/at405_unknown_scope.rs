//! AT405 unknown-scope: a scope name that no Atlassian API defines (`manage:jira-user`), or a
//! 3LO authorize URL (`https://auth.atlassian.com/authorize?...`) with an empty `scope=` or
//! without `audience=api.atlassian.com`.
//!
//! Scope names are checked against the scope catalogue (`rules/scopes.tsv`, every classic and
//! granular scope Atlassian's OpenAPI documents name) plus the few documented scopes no REST
//! operation lists (`offline_access`, `read:me`, ...). Only names about Jira, Confluence or
//! Jira Service Management are checked: other products' scopes are not in the catalogue.
use std::collections::HashSet;
use std::sync::OnceLock;

use crate::lint::{Cx, Hit};

/// Documented scopes that no REST operation of the six OpenAPI documents lists.
const EXTRA_SCOPES: &[&str] = &[
    "offline_access",
    "read:me",
    "read:account",
    "report:personal-data",
    "manage:jira-data-provider",
    "read:confluence-props",
    "manage:confluence-configuration",
    "manage:servicedesk-customer",
    // The Assets (CMDB) REST API and the Jira Service Management Operations REST API, which are
    // not among the six OpenAPI documents of the catalogue.
    "read:cmdb-object:jira",
    "write:cmdb-object:jira",
    "delete:cmdb-object:jira",
    "read:cmdb-schema:jira",
    "write:cmdb-schema:jira",
    "delete:cmdb-schema:jira",
    "read:cmdb-type:jira",
    "write:cmdb-type:jira",
    "delete:cmdb-type:jira",
    "read:cmdb-attribute:jira",
    "write:cmdb-attribute:jira",
    "delete:cmdb-attribute:jira",
    "read:ops-alert:jira-service-management",
    "write:ops-alert:jira-service-management",
    "delete:ops-alert:jira-service-management",
    "read:ops-config:jira-service-management",
    "write:ops-config:jira-service-management",
    "delete:ops-config:jira-service-management",
];

/// Scopes that the OpenAPI documents declare in their OAuth 2.0 security schemes although no
/// operation lists them (Jira Software's development-information scopes, Confluence blog posts,
/// properties and inline tasks, JSM service desk properties): documented, so never unknown.
/// `tests/admin/scopes_catalogue.rs` lints every scope the specs declare and fails if one is
/// reported.
const DECLARED_SCOPES: &[&str] = &[
    "delete:blogpost:confluence",
    "delete:servicedesk.property:jira-service-management",
    "moderate:comment:confluence",
    "moderate:core-content:confluence",
    "read:blogpost:confluence",
    "read:build:jira-software",
    "read:confluence-props",
    "read:content.property:confluence",
    "read:deployment:jira-software",
    "read:feature-flag:jira-software",
    "read:field.options:jira",
    "read:inlinetask:confluence",
    "read:issue-field-values:jira",
    "read:issue-link:jira",
    "read:issue.votes:jira",
    "read:mail-logs.connectivity:jira-service-management",
    "read:mail-logs.processing:jira-service-management",
    "read:remote-link:jira-software",
    "read:request.action:jira-service-management",
    "read:role:jira",
    "read:servicedesk.property:jira-service-management",
    "read:source-code:jira-software",
    "read:space.property:confluence",
    "write:blogpost:confluence",
    "write:build:jira-software",
    "write:content.property:confluence",
    "write:deployment:jira-software",
    "write:feature-flag:jira-software",
    "write:inlinetask:confluence",
    "write:remote-link:jira-software",
    "write:servicedesk.property:jira-service-management",
    "write:servicedesk:jira-service-management",
    "write:source-code:jira-software",
    "write:space.property:confluence",
];

fn known() -> &'static HashSet<&'static str> {
    static KNOWN: OnceLock<HashSet<&'static str>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut set: HashSet<&'static str> = EXTRA_SCOPES
            .iter()
            .chain(DECLARED_SCOPES)
            .copied()
            .collect();
        for op in &crate::scopes::catalogue().operations {
            for scopes in op.classic.iter().chain(op.granular.iter()) {
                set.extend(scopes.iter().copied());
            }
        }
        set
    })
}

/// Is a scope-shaped name about Jira, Confluence or Jira Service Management?
fn about_checked_product(scope: &str) -> bool {
    ["jira", "confluence", "servicedesk"]
        .iter()
        .any(|p| scope.contains(p))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The real scope closest to `scope`: one with the same resource under another action
/// (`manage:jira-user` → `read:jira-user`) first, otherwise the smallest edit distance (ties
/// broken alphabetically, so the answer is stable).
pub fn closest(scope: &str) -> Option<&'static str> {
    let known = known();
    let resource = scope.split_once(':').map(|(_, r)| r);
    let mut same_resource: Vec<&'static str> = known
        .iter()
        .copied()
        .filter(|k| resource.is_some() && k.split_once(':').map(|(_, r)| r) == resource)
        .collect();
    same_resource.sort_unstable();
    if let Some(best) = same_resource
        .iter()
        .min_by_key(|k| (levenshtein(scope, k), **k))
    {
        return Some(best);
    }
    let mut all: Vec<&'static str> = known.iter().copied().collect();
    all.sort_unstable();
    all.into_iter()
        .map(|k| (levenshtein(scope, k), k))
        .filter(|(d, _)| *d <= scope.len() / 2 + 2)
        .min()
        .map(|(_, k)| k)
}

/// [`closest`] for the file's first 4,096 distinct unknown scopes, each computed once: it
/// scans the whole catalogue, which a file repeating one unknown scope made the hot spot
/// (issue 12, class 5).
#[derive(Default)]
struct Hints(std::collections::HashMap<String, Option<&'static str>>);

impl Hints {
    fn closest(&mut self, scope: &str) -> Option<&'static str> {
        if let Some(c) = self.0.get(scope) {
            return *c;
        }
        let c = closest(scope);
        if self.0.len() < 4096 {
            self.0.insert(scope.to_string(), c);
        }
        c
    }
}

fn unknown_hit(hints: &mut Hints, range: std::ops::Range<usize>, scope: &str, how: &str) -> Hit {
    let hint = hints
        .closest(scope)
        .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
    Hit::new(
        range,
        format!("{how}`{scope}` is not an Atlassian OAuth 2.0 scope{hint}"),
        format!("scope:{scope}"),
    )
    .fix("use scope names from the API's documentation (`atlcheck scopes METHOD URL` prints the classic and granular scopes each request needs; `atlcheck scopes --from-code .` the least-privilege set); an unknown scope makes the consent screen or the token request fail")
}

/// Percent-decode the few escapes a scope list uses (`%3A`, `%20`, `+`).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 3 <= bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 3;
                continue;
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Does the value come from code rather than the literal (`${scopes}`, `{{scope}}`, `%s`)?
fn interpolated(v: &str) -> bool {
    v.contains(['$', '{', '}', '<', '>']) || v.contains("%s") || v.contains("%(")
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.atlassian_context() {
        return;
    }
    let known = known();
    let mut hints = Hints::default();
    let mut in_urls: Vec<std::ops::Range<usize>> = Vec::new();
    // 3LO authorize URLs.
    for caps in cx.pattern("authorize-url").captures_iter(cx.text) {
        let Some(url) = caps.name("url") else {
            continue;
        };
        let Some(query) = caps.name("query") else {
            // No query in the literal: the parameters are added in code
            // (`url.searchParams.set("client_id", ...)`, `urlencode({...})`). With a client ID set
            // after it, or the URL handed to the call that builds the request
            // (`oauth.authorization_url(AUTHORIZE_URL, ...)`), and no `audience` anywhere in the
            // file, the request lacks it. A client configuration that only declares the endpoint
            // (Go `oauth2.Endpoint{AuthURL: ...}`, Spring `authorization-uri:`) leaves the request
            // to code elsewhere, which may add the audience.
            let end = crate::lines::floor_boundary(cx.text, url.end() + 3000);
            let after = &cx.text[url.end()..end];
            let names_client = after.contains("client_id")
                || after.contains("clientId")
                || cx
                    .pattern("authorize-call")
                    .is_match(super::common::line_prefix(cx, url.start()));
            if names_client && !cx.text.contains("audience") {
                in_urls.push(url.range());
                out.push(
                    Hit::new(url.range(), "3LO authorize URL without `audience=api.atlassian.com`: the parameters set in code never include it, and the authorization server refuses the request", "authorize:no-audience")
                        .fix("add `audience=api.atlassian.com` to the authorize URL's query"),
                );
            }
            continue;
        };
        in_urls.push(url.range());
        let q = query.as_str().trim_start_matches('?').replace("&amp;", "&");
        let params: Vec<(&str, &str)> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        // The literal goes on in code (`...&scope=" + scopes`): what follows is not known.
        let rest = cx.text[url.end()..]
            .trim_start_matches(['"', '\'', '`'])
            .trim_start();
        let continued = rest.starts_with(['+', '.', '&', ',', '%', '}']) || rest.starts_with("..");
        let last = params.last().map(|(k, _)| *k);
        let whole = url.range();
        match params.iter().find(|(k, _)| *k == "scope") {
            Some((_, v))
                if decode(v).trim().is_empty() && !(last == Some("scope") && continued) =>
            {
                out.push(
                    Hit::new(whole.clone(), "3LO authorize URL with an empty `scope=`: the consent screen grants nothing and the token cannot call any API", "authorize:empty-scope")
                        .fix("list the scopes the app needs, space-separated and URL-encoded (`scope=read%3Ajira-work%20offline_access`); `atlcheck scopes --from-code .` prints the least-privilege set"),
                );
            }
            Some((_, v)) if !interpolated(v) => {
                let decoded = decode(v);
                for scope in decoded.split([' ', ',']).filter(|s| !s.is_empty()) {
                    if about_checked_product(scope) && !known.contains(scope) {
                        out.push(unknown_hit(
                            &mut hints,
                            whole.clone(),
                            scope,
                            "the 3LO authorize URL asks for ",
                        ));
                    }
                }
            }
            _ => {}
        }
        let complete = !continued && params.iter().any(|(k, _)| *k == "client_id");
        match params.iter().find(|(k, _)| *k == "audience") {
            Some((_, v)) if !interpolated(v) && decode(v) != "api.atlassian.com" => {
                out.push(
                    Hit::new(whole.clone(), format!("3LO authorize URL with `audience={v}`: Atlassian's authorization server only issues tokens for `audience=api.atlassian.com`"), "authorize:audience")
                        .fix("set `audience=api.atlassian.com` in the authorize URL"),
                );
            }
            // Concatenated in code (`"...authorize?client_id=" + id + "&scope=..."`): the rest of
            // the query is not in the literal, but a file that never names `audience` cannot add it.
            None if complete
                || continued
                    && params.iter().any(|(k, _)| *k == "client_id")
                    && !cx.text.contains("audience") =>
            {
                out.push(
                    Hit::new(whole.clone(), "3LO authorize URL without `audience=api.atlassian.com`: the authorization server refuses the request", "authorize:no-audience")
                        .fix("add `audience=api.atlassian.com` to the authorize URL's query"),
                );
            }
            _ => {}
        }
    }
    // The query built in code: an empty `scope` beside the authorize URL.
    if !in_urls.is_empty() || cx.pattern("authorize-url").is_match(cx.text) {
        for caps in cx.pattern("empty-scope").captures_iter(cx.text) {
            let Some(m) = caps.name("whole") else {
                continue;
            };
            if super::common::in_sorted(&in_urls, m.start()) {
                continue;
            }
            out.push(
                Hit::new(m.range(), "3LO authorize request with an empty `scope`: the consent screen grants nothing and the token cannot call any API", "authorize:empty-scope-code")
                    .fix("list the scopes the app needs, space-separated (`read:jira-work offline_access`); `atlcheck scopes --from-code .` prints the least-privilege set"),
            );
        }
    }
    // Scope names anywhere else: lists, config values, Forge manifests.
    for caps in cx.pattern("scope").captures_iter(cx.text) {
        let Some(m) = caps.name("scope") else {
            continue;
        };
        let scope = m.as_str().trim_end_matches(['.', '-']);
        if !about_checked_product(scope) || known.contains(scope) {
            continue;
        }
        // Authorize URLs come in order and do not overlap: binary search.
        if super::common::in_sorted(&in_urls, m.start()) {
            continue;
        }
        // `read:jira-work:x` or `foo:read:jira-work` is something else (a key path, a URN).
        let after = cx.text[m.end()..].chars().next();
        let before = cx.text[..m.start()].chars().next_back();
        if after.is_some_and(|c| c == ':' || c.is_alphanumeric())
            || before.is_some_and(|c| {
                c == ':' || c == '/' || c == '-' || c == '.' || c.is_alphanumeric()
            })
        {
            continue;
        }
        out.push(unknown_hit(
            &mut hints,
            m.start()..m.start() + scope.len(),
            scope,
            "",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("manage:jira-user"), Some("read:jira-user"));
        assert_eq!(closest("read:jira-works"), Some("read:jira-work"));
        assert_eq!(
            closest("write:confluence-contents"),
            Some("write:confluence-content")
        );
        assert!(known().contains("read:jira-work"));
        assert!(known().contains("offline_access"));
    }

    #[test]
    fn decodes_query_values() {
        assert_eq!(
            decode("read%3Ajira-work%20offline_access"),
            "read:jira-work offline_access"
        );
        assert_eq!(
            decode("read:jira-work+write:jira-work"),
            "read:jira-work write:jira-work"
        );
    }
}
