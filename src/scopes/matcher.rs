//! METHOD + URL to an operation of the catalogue.
//!
//! Accepted inputs: site URLs (`https://acme.atlassian.net/rest/api/3/myself`), gateway URLs
//! (`https://api.atlassian.com/ex/jira/{cloudId}/rest/api/3/myself`), bare paths, with or without
//! query string, fragment, trailing slash or percent-encoding. A `{name}` segment (as in a path
//! template or a code template string) matches only a template parameter.
//!
//! Like the servers' routers, a literal segment wins over a parameter at the first position where
//! two templates differ (`/issue/bulk` over `/issue/{issueIdOrKey}`), and the path is chosen
//! before the method: `GET /rest/api/3/issue/bulk` is "method not documented", not `getIssue`.
use std::fmt;

use super::{Catalogue, Operation, PathEntry, Spec, TSeg, catalogue};
use crate::catalogue::Code;
use crate::surface;

/// A segment of a request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RSeg {
    /// A concrete, percent-decoded segment.
    Text(String),
    /// A value unknown here (`{key}`, `${id}`, `%s` in code): matches template parameters only.
    Placeholder(String),
}

impl RSeg {
    fn display(&self) -> &str {
        match self {
            RSeg::Text(s) | RSeg::Placeholder(s) => s,
        }
    }
}

/// The gateway part of a URL (`/ex/{product}/{cloudId}`): the domain's type.
pub use crate::surface::Gateway;

/// A request resolved to an operation.
#[derive(Debug, Clone)]
pub struct Match {
    pub operation: &'static Operation,
    /// The method as matched (upper case).
    pub method: String,
    /// The request path without host, gateway prefix and query, decoded.
    pub path: String,
    pub gateway: Option<Gateway>,
    /// Things the caller should know: the path was corrected (`/wiki` added, `latest` resolved),
    /// the gateway product does not fit the API, HEAD was answered as GET...
    pub notes: Vec<String>,
}

impl Match {
    pub fn spec(&self) -> &'static Spec {
        self.operation.spec()
    }
}

/// Why nothing matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatchReason {
    /// Not a URL or path atlcheck can read.
    InvalidUrl(String),
    /// No Atlassian REST API documents this path.
    UnknownPath,
    /// The path exists, but not with this method.
    MethodNotAllowed {
        template: &'static str,
        allowed: Vec<&'static str>,
    },
}

/// A real path close to the one asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub path: &'static str,
    pub methods: Vec<&'static str>,
    pub spec: &'static str,
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.methods.join("|"),
            self.path,
            self.spec
        )
    }
}

/// Nothing in the catalogue matches the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatch {
    pub method: String,
    /// The request path as understood (decoded, without host, gateway prefix and query).
    pub path: String,
    pub reason: NoMatchReason,
    /// The nearest real paths, best first (empty when nothing is close).
    pub suggestions: Vec<Suggestion>,
}

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            NoMatchReason::InvalidUrl(why) => write!(f, "{why}"),
            NoMatchReason::UnknownPath => {
                write!(
                    f,
                    "no Atlassian REST API has the path {} (Jira, Jira Software, Jira Service Management, Confluence)",
                    self.path
                )?;
                if self.path.starts_with("/wiki/rest/api/") {
                    f.write_str("; Atlassian is retiring Confluence v1 endpoints and its spec no longer documents many of them: use /wiki/api/v2")?;
                }
                Ok(())
            }
            NoMatchReason::MethodNotAllowed { template, allowed } => write!(
                f,
                "{} {} is not documented: {} supports {}",
                self.method,
                self.path,
                template,
                allowed.join(", ")
            ),
        }
    }
}

impl std::error::Error for NoMatch {}

/// A request target split into what matching needs.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub segments: Vec<RSeg>,
    pub gateway: Option<Gateway>,
}

impl Target {
    fn path(segments: &[RSeg]) -> String {
        let mut s = String::new();
        for seg in segments {
            s.push('/');
            s.push_str(seg.display());
        }
        if s.is_empty() { "/".to_string() } else { s }
    }
}

/// Is this segment a placeholder written in code or a template (`{id}`, `${id}`, `{{id}}`,
/// `#{id}`, `%s`, `<id>`, `:id`, `$id`)?
pub(crate) fn is_placeholder(seg: &str) -> bool {
    seg.contains(['{', '}', '<', '>'])
        || seg.starts_with(':')
        || seg.starts_with('$')
        || seg.contains("%s")
        || seg.contains("%d")
        || seg.contains("%v")
        || seg == "..."
        || seg == "…"
}

/// Split a URL or path into segments and gateway.
pub(crate) fn parse_target(url: &str) -> Result<Target, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("empty URL".to_string());
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!(
            "the URL `{url}` contains whitespace; quote it or remove the spaces"
        ));
    }
    let path: &str = if let Some(parts) = surface::split_url(url) {
        parts.path
    } else if let Some(rest) = url.strip_prefix("//") {
        rest.find('/').map_or("", |i| &rest[i..])
    } else if url.starts_with('/') {
        url
    } else {
        // `acme.atlassian.net/rest/...` without a scheme.
        match url.find('/') {
            Some(i) if url[..i].contains('.') => &url[i..],
            _ => {
                return Err(format!(
                    "`{url}` is neither a URL nor a path starting with /"
                ));
            }
        }
    };
    // The query or fragment starts at `?` or `#`, but `#{key}` is Ruby interpolation.
    let end = path
        .char_indices()
        .find(|&(i, c)| c == '?' || (c == '#' && !path[i + 1..].starts_with('{')))
        .map_or(path.len(), |(i, _)| i);
    let mut path = &path[..end];
    // `/ex/{product}/{cloudId}/...`: the gateway prefix, split the way the doctor splits it.
    let mut gateway = None;
    if let Some((g, rest)) = Gateway::split(path)
        && !g.product.as_str().is_empty()
    {
        gateway = Some(g);
        path = rest;
    }
    let segments: Vec<RSeg> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if is_placeholder(s) {
                RSeg::Placeholder(s.to_string())
            } else {
                RSeg::Text(
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8_lossy()
                        .into_owned(),
                )
            }
        })
        .collect();
    Ok(Target { segments, gateway })
}

/// Find the operation for METHOD + URL.
pub fn lookup(method: &str, url: &str) -> Result<Match, NoMatch> {
    let method = method.trim().to_ascii_uppercase();
    let target = match parse_target(url) {
        Ok(t) => t,
        Err(why) => {
            return Err(NoMatch {
                method,
                path: url.to_string(),
                reason: NoMatchReason::InvalidUrl(why),
                suggestions: vec![],
            });
        }
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(NoMatch {
            method: method.clone(),
            path: Target::path(&target.segments),
            reason: NoMatchReason::InvalidUrl(format!("`{method}` is not an HTTP method")),
            suggestions: vec![],
        });
    }
    lookup_target(&method, &target)
}

pub(crate) fn lookup_target(method: &str, target: &Target) -> Result<Match, NoMatch> {
    let cat = catalogue();
    let mut notes = Vec::new();
    let path = Target::path(&target.segments);
    let variants = variants(&target.segments, target.gateway.as_ref());
    let mut found = None;
    'outer: for ci in [false, true] {
        for (segments, note) in &variants {
            if let Some(entry) = best_path(cat, segments, ci) {
                if let Some(note) = note {
                    notes.push(note.clone());
                }
                if ci {
                    notes.push(format!(
                        "paths are case-sensitive: the API documents {}",
                        entry.path
                    ));
                }
                found = Some(entry);
                break 'outer;
            }
        }
    }
    let Some(entry) = found else {
        return Err(NoMatch {
            method: method.to_string(),
            suggestions: suggest(cat, &target.segments, method),
            path,
            reason: NoMatchReason::UnknownPath,
        });
    };
    let ops = || entry.ops.iter().map(|&i| &cat.operations[i]);
    let mut op = ops().find(|o| o.method == method);
    if op.is_none() && method == "HEAD" {
        op = ops().find(|o| o.method == "GET");
        if op.is_some() {
            notes.push("HEAD is answered like GET: the scopes are GET's".to_string());
        }
    }
    let Some(operation) = op else {
        return Err(NoMatch {
            method: method.to_string(),
            path,
            reason: NoMatchReason::MethodNotAllowed {
                template: entry.path,
                allowed: ops().map(|o| o.method).collect(),
            },
            suggestions: vec![],
        });
    };
    if let Some(gw) = &target.gateway {
        notes.splice(0..0, gateway_notes(gw, &path, operation.spec().gateway));
    }
    Ok(Match {
        operation,
        method: method.to_string(),
        path,
        gateway: target.gateway.clone(),
        notes,
    })
}

/// What is wrong with the gateway prefix for the path after it, in lint's and the doctor's
/// words ([`surface`]'s judgements) with the rule: a product the gateway does not serve, a path
/// of the other product (the catalogue knows whose API documents it) or without `/wiki`, a
/// cloud ID that is not a UUID (unless a placeholder: code and templates carry them).
fn gateway_notes(gw: &Gateway, path: &str, documented: surface::Product) -> Vec<String> {
    gw.problems_documented(path, Some(documented))
        .into_iter()
        .filter(|p| !(p.rule == Code::AT203 && is_placeholder(&gw.cloud_id)))
        .map(|p| format!("{}; {} ({})", p.message, p.fix, p.rule))
        .collect()
}

/// The request path as given, then corrected forms with the note that explains each.
fn variants(segments: &[RSeg], gateway: Option<&Gateway>) -> Vec<(Vec<RSeg>, Option<String>)> {
    let text = |i: usize| match segments.get(i) {
        Some(RSeg::Text(s)) => s.as_str(),
        _ => "",
    };
    let mut out = vec![(segments.to_vec(), None)];
    let with = |i: usize, to: &str| {
        let mut v = segments.to_vec();
        v[i] = RSeg::Text(to.to_string());
        v
    };
    if text(0) == "rest" && text(1) == "api" && text(2) == "latest" {
        out.push((
            with(2, "2"),
            Some(
                "`/rest/api/latest` is served as /rest/api/2 on Jira Cloud; pin a version (3)"
                    .to_string(),
            ),
        ));
    }
    if text(0) == "rest" && text(1) == "agile" && text(2) == "latest" {
        out.push((
            with(2, "1.0"),
            Some("`/rest/agile/latest` is served as /rest/agile/1.0; pin the version".to_string()),
        ));
    }
    if text(0) != "wiki" && (text(0) == "rest" || text(0) == "api") {
        let mut v = vec![RSeg::Text("wiki".to_string())];
        v.extend_from_slice(segments);
        // Through the gateway, the AT202 note says it (see `gateway_notes`).
        let note = gateway
            .is_none()
            .then(|| "Confluence REST paths start with /wiki".to_string());
        out.push((v, note));
    }
    out
}

/// The best path template for these segments: at the first position where candidates differ,
/// a literal beats a parameter.
fn best_path<'c>(
    cat: &'c Catalogue,
    segments: &[RSeg],
    case_insensitive: bool,
) -> Option<&'c PathEntry> {
    let keyed = (segments.len() >= super::PREFIX_SEGMENTS)
        .then(|| {
            let mut key = String::new();
            for seg in &segments[..super::PREFIX_SEGMENTS] {
                match seg {
                    RSeg::Text(s) if !case_insensitive => {
                        key.push_str(s);
                        key.push('/');
                    }
                    _ => return None,
                }
            }
            Some(key)
        })
        .flatten();
    let candidates: &[usize] = match keyed {
        Some(key) => cat
            .by_prefix
            .get(&(segments.len(), key))
            .map_or(&[], Vec::as_slice),
        None => cat.by_len.get(&segments.len()).map_or(&[], Vec::as_slice),
    };
    let mut best: Option<(u64, &PathEntry)> = None;
    for &i in candidates {
        let entry = &cat.paths[i];
        if let Some(score) = match_score(&entry.segments, segments, case_insensitive)
            && best.is_none_or(|(b, _)| score > b)
        {
            best = Some((score, entry));
        }
    }
    best.map(|(_, e)| e)
}

/// A bitmask with one bit per segment, first segment most significant, set where a literal
/// matched; `None` when the template does not match.
fn match_score(template: &[TSeg], segments: &[RSeg], case_insensitive: bool) -> Option<u64> {
    if template.len() != segments.len() || template.len() > 63 {
        return None;
    }
    let mut score = 0u64;
    for (t, s) in template.iter().zip(segments) {
        score <<= 1;
        match (t, s) {
            (TSeg::Lit(l), RSeg::Text(s)) => {
                if *l == s || (case_insensitive && l.eq_ignore_ascii_case(s)) {
                    score |= 1;
                } else {
                    return None;
                }
            }
            (TSeg::Lit(_), RSeg::Placeholder(_)) => return None,
            (TSeg::Param, RSeg::Text(s)) if s.is_empty() => return None,
            (TSeg::Param, _) => {}
        }
    }
    Some(score)
}

/// The nearest real paths: a segment-level edit distance where a parameter matches any value,
/// a mistyped literal costs its character edit ratio and a missing or extra segment costs 1.
fn suggest(cat: &Catalogue, segments: &[RSeg], method: &str) -> Vec<Suggestion> {
    // No documented path comes near these sizes; a longer request (a generated URL, a minified
    // file) gets no suggestion rather than a quadratic search over the catalogue.
    let long = |s: &RSeg| matches!(s, RSeg::Text(t) | RSeg::Placeholder(t) if t.len() > 128);
    if segments.is_empty() || segments.len() > 32 || segments.iter().any(long) {
        return vec![];
    }
    let mut scored: Vec<(f64, &PathEntry)> = cat
        .paths
        .iter()
        .filter(|entry| shares_resource(&entry.segments, segments))
        .map(|entry| {
            let mut cost = path_distance(&entry.segments, segments);
            if !entry
                .ops
                .iter()
                .any(|&i| cat.operations[i].method == method)
            {
                cost += 0.3;
            }
            (cost, entry)
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.path.cmp(b.1.path)));
    let Some(&(best, _)) = scored.first() else {
        return vec![];
    };
    // Close enough to be a typo, and not much worse than the best.
    let limit = (1.0 + segments.len() as f64 * 0.4).min(best + 0.5);
    scored
        .into_iter()
        .take_while(|(cost, _)| *cost <= limit)
        .take(5)
        .map(|(_, e)| Suggestion {
            path: e.path,
            methods: e.ops.iter().map(|&i| cat.operations[i].method).collect(),
            spec: cat.specs[e.spec].id,
        })
        .collect()
}

/// Does the template name a resource the request names too (or nearly: a typo)? Versions
/// (`3`, `1.0`, `v2`, `latest`) and the `rest`/`api`/`wiki` prefixes do not count.
fn shares_resource(template: &[TSeg], segments: &[RSeg]) -> bool {
    let resource = |s: &str| {
        !matches!(s, "rest" | "api" | "wiki" | "latest")
            && !s
                .trim_start_matches('v')
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
    };
    template.iter().any(|t| match t {
        TSeg::Lit(l) if resource(l) => segments.iter().any(|s| match s {
            RSeg::Text(s) => resource(s) && near(l, s),
            RSeg::Placeholder(_) => false,
        }),
        _ => false,
    })
}

/// `literal_distance(a, b) <= 0.4`, without the quadratic work when the lengths alone rule it
/// out (the edit distance is at least the length difference).
fn near(a: &str, b: &str) -> bool {
    let len = |s: &str| s.chars().flat_map(char::to_lowercase).count();
    let (la, lb) = (len(a), len(b));
    la.abs_diff(lb) as f64 / la.max(lb).max(1) as f64 <= 0.4 && literal_distance(a, b) <= 0.4
}

fn path_distance(template: &[TSeg], segments: &[RSeg]) -> f64 {
    let (n, m) = (template.len(), segments.len());
    let mut prev: Vec<f64> = (0..=m).map(|j| j as f64).collect();
    let mut cur = vec![0.0; m + 1];
    for i in 1..=n {
        cur[0] = i as f64;
        for j in 1..=m {
            let sub = match (&template[i - 1], &segments[j - 1]) {
                (TSeg::Param, RSeg::Placeholder(_)) => 0.0,
                (TSeg::Param, RSeg::Text(_)) => 0.1,
                (TSeg::Lit(_), RSeg::Placeholder(_)) => 0.6,
                (TSeg::Lit(l), RSeg::Text(s)) => literal_distance(l, s),
            };
            cur[j] = (prev[j - 1] + sub).min(prev[j] + 1.0).min(cur[j - 1] + 1.0);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// 0 for equal, up to 1 for unrelated (character edit distance over the longer length).
fn literal_distance(a: &str, b: &str) -> f64 {
    if a == b {
        return 0.0;
    }
    if a.eq_ignore_ascii_case(b) {
        return 0.05;
    }
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()] as f64 / a.len().max(b.len()).max(1) as f64;
    // A segment that shares little with the literal is as bad as a missing one.
    if d > 0.5 { 1.0 } else { d }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, url: &str) -> &'static Operation {
        match lookup(method, url) {
            Ok(m) => m.operation,
            Err(e) => panic!("{method} {url}: {e}; suggestions {:?}", e.suggestions),
        }
    }

    #[test]
    fn literal_beats_parameter() {
        assert_eq!(
            op("POST", "/rest/api/3/issue/bulk").operation_id,
            "createIssues"
        );
        assert_eq!(
            op("GET", "/rest/api/3/issue/ABC-1").operation_id,
            "getIssue"
        );
        let err = lookup("GET", "/rest/api/3/issue/bulk").unwrap_err();
        assert!(
            matches!(
                err.reason,
                NoMatchReason::MethodNotAllowed {
                    template: "/rest/api/3/issue/bulk",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn site_gateway_and_bare_forms() {
        let site = op(
            "GET",
            "https://acme.atlassian.net/rest/api/3/myself?expand=groups",
        );
        let gw = op(
            "get",
            "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself/",
        );
        let bare = op("GET", "/rest/api/3/myself");
        assert_eq!(site, gw);
        assert_eq!(site, bare);
        assert_eq!(site.operation_id, "getCurrentUser");
        let m = lookup("GET", "https://api.atlassian.com/ex/confluence/35273b54-3f06-40d2-880f-dd28cf8daafa/wiki/api/v2/pages/123")
            .unwrap();
        assert_eq!(m.operation.operation_id, "getPageById");
        assert!(m.notes.is_empty(), "{:?}", m.notes);
        assert_eq!(m.gateway.unwrap().product.as_str(), "confluence");
    }

    #[test]
    fn v2_and_v3_are_distinct() {
        assert_eq!(op("GET", "/rest/api/2/issue/A-1").spec().id, "jira-v2");
        assert_eq!(op("GET", "/rest/api/3/issue/A-1").spec().id, "jira-v3");
        assert_eq!(
            op("GET", "/wiki/rest/api/search").spec().id,
            "confluence-v1"
        );
        assert_eq!(op("GET", "/wiki/api/v2/spaces").spec().id, "confluence-v2");
    }

    #[test]
    fn percent_encoding_and_placeholders() {
        assert_eq!(
            op("GET", "/rest/api/3/issue/ABC%2D1").operation_id,
            "getIssue"
        );
        assert_eq!(
            op("GET", "/rest/api/3/issue/{issueIdOrKey}").operation_id,
            "getIssue"
        );
        assert_eq!(
            op("GET", "/rest/api/3/issue/${key}/comment").operation_id,
            "getComments"
        );
        assert_eq!(
            op("PUT", "/rest/api/3/issue/#{key}?x=1#frag").operation_id,
            "editIssue"
        );
        // A placeholder never matches a literal segment.
        assert!(lookup("GET", "/rest/api/3/{what}").is_err());
    }

    #[test]
    fn corrections_carry_notes() {
        let m = lookup("GET", "https://api.atlassian.com/ex/confluence/35273b54-3f06-40d2-880f-dd28cf8daafa/api/v2/pages").unwrap();
        assert_eq!(m.operation.path, "/wiki/api/v2/pages");
        assert!(m.notes.iter().any(|n| n.contains("/wiki")));
        let m = lookup("GET", "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/wiki/api/v2/pages").unwrap();
        assert!(m.notes.iter().any(|n| n.contains("AT202")), "{:?}", m.notes);
        let m = lookup("GET", "/rest/api/latest/myself").unwrap();
        assert_eq!(m.operation.path, "/rest/api/2/myself");
        let m = lookup("HEAD", "/rest/api/3/myself").unwrap();
        assert_eq!(m.operation.method, "GET");
        let m = lookup("GET", "/ex/jira/not-a-uuid/rest/api/3/myself").unwrap();
        assert!(m.notes.iter().any(|n| n.contains("AT203")));
    }

    #[test]
    fn unknown_paths_get_suggestions() {
        let err = lookup("GET", "https://acme.atlassian.net/rest/api/3/isue/ABC-1").unwrap_err();
        assert_eq!(err.reason, NoMatchReason::UnknownPath);
        assert_eq!(
            err.suggestions[0].path, "/rest/api/3/issue/{issueIdOrKey}",
            "{:?}",
            err.suggestions
        );
        let err = lookup("GET", "/wiki/api/v2/page/5").unwrap_err();
        assert_eq!(
            err.suggestions[0].path, "/wiki/api/v2/pages/{id}",
            "{:?}",
            err.suggestions
        );
        let err = lookup("GET", "/totally/unrelated").unwrap_err();
        assert!(err.suggestions.is_empty(), "{:?}", err.suggestions);
        assert!(lookup("GET", "not a url").is_err());
    }
}
