//! AT207 removed-endpoint: a REST path Atlassian removed (410 Gone) or scheduled for removal,
//! from the shared table `rules/removed-endpoints.toml` (the doctor reads the same table).
//!
//! Only calls count. A mention of a removed path is not a call when it is:
//! - on a host that is not Jira or Confluence Cloud: Data Center and Server (`jira.corp.example`,
//!   where `/rest/api/2/search` still works), `localhost` and mock servers, documentation sites;
//!   a base held in a variable is resolved through the file's own literal assignments;
//! - prose: Markdown outside fenced code blocks (changelogs, migration notes, docs), comments,
//!   and lines that describe the migration (`deprecated`, `removed`, `instead of`, ...);
//! - a route or a mock: a server route (`app.get("/rest/api/3/search", ...)`), a mocked
//!   response (`responses.add`, WireMock `urlPathEqualTo`, `nock`), an OpenAPI path key.
use super::common;
use crate::lint::{Cx, FileKind, Hit};
use crate::removed;

/// How far on either side of a path the line is read.
const NEAR: usize = 200;

/// Does a Markdown line run a command before this point (`` * Search: `curl -u ... https://...` ``)?
fn inline_command(before: &str) -> bool {
    let code = before.rsplit_once('`').map_or(before, |(_, c)| c);
    let code = code.trim_start().trim_start_matches(['$', '>', ' ']);
    [
        "curl ",
        "wget ",
        "http ",
        "https ",
        "invoke-restmethod",
        "invoke-webrequest",
        "irm ",
        "iwr ",
    ]
    .iter()
    .any(|c| code.to_ascii_lowercase().starts_with(c))
}

/// Is a URL host one of Jira or Confluence Cloud's (a site or the API gateway)?
fn cloud_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let h = h.split(':').next().unwrap_or("");
    h.ends_with(".atlassian.net") || h == "api.atlassian.com" || h.ends_with(".jira.com")
}

/// Is the host written with a template or variable in it (`${SITE}.atlassian.net`, `{{host}}`)?
fn templated(host: &str) -> bool {
    host.contains(['$', '{', '<', '%', '+'])
}

/// Where the URL before a path goes: `Some(true)` Cloud, `Some(false)` another host (Data
/// Center, localhost, docs), `None` unknown.
fn host_before(cx: &Cx<'_>, before: &str, cache: &mut Resolved) -> Option<bool> {
    // The URL token the path belongs to: back to the last quote or space.
    let token_start = before
        .rfind([' ', '\t', '"', '\'', '`', '(', '=', ','])
        .map_or(0, |i| i + 1);
    let token = &before[token_start..];
    if let Some(i) = token.rfind("://") {
        let host = token[i + 3..].split('/').next().unwrap_or("");
        if cloud_host(host) || host.to_ascii_lowercase().contains(".atlassian.net") {
            return Some(true);
        }
        if templated(host) {
            return variable_in(host).and_then(|v| resolve(cx, v, cache));
        }
        return Some(false);
    }
    // A base in a variable: `${JIRA_URL}/rest/...`, `{base}/rest`, `url + "/rest`.
    let expr = if token.is_empty() {
        // `url + "/rest/..."`: the operand before the `+`.
        let b = before.trim_end_matches(['"', '\'', '`']).trim_end();
        b.strip_suffix('+').map(str::trim_end).unwrap_or("")
    } else {
        token
    };
    variable_in(expr).and_then(|v| resolve(cx, v, cache))
}

/// Variables already resolved in this file: each is searched for once, and at most 16 (a file
/// with thousands of calls through distinct variables would otherwise be rescanned for each).
type Resolved = std::collections::HashMap<String, Option<bool>>;

/// The last identifier of an expression: `${JIRA_URL}` → `JIRA_URL`, `self.base` → `base`.
fn variable_in(expr: &str) -> Option<&str> {
    let e = expr.trim_end_matches(['}', ')', ' ', '"', '\'']);
    let start = e
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let v = &e[start..];
    (!v.is_empty() && !v.starts_with(|c: char| c.is_ascii_digit())).then_some(v)
}

/// The host a variable is set to by a literal assignment in the file
/// (`JIRA_URL=https://jira.corp.example`, `base = "https://acme.atlassian.net"`).
fn resolve(cx: &Cx<'_>, var: &str, cache: &mut Resolved) -> Option<bool> {
    if let Some(known) = cache.get(var) {
        return *known;
    }
    if cache.len() >= 16 {
        return None;
    }
    let found = resolve_uncached(cx, var);
    cache.insert(var.to_string(), found);
    found
}

fn resolve_uncached(cx: &Cx<'_>, var: &str) -> Option<bool> {
    let re = crate::lint::built_pattern(format!(
        r#"\b{}["']?\s*(?:=|:=|:|=>)\s*(?:[fr]?["'`])?(?:\$\{{\w+:-)?https?://(?P<host>[^/\s"'`]+)(?P<path>/[^\s"'`]*)?"#,
        regex::escape(var)
    ))?;
    let host = re.captures(cx.text)?.name("host")?.as_str().to_string();
    if cloud_host(&host) || host.to_ascii_lowercase().contains(".atlassian.net") {
        Some(true)
    } else if templated(&host) {
        None
    } else {
        Some(false)
    }
}

/// Variables already looked up for a `/wiki` base, at most 16 (as [`Resolved`]).
type WikiBases = std::collections::HashMap<String, bool>;

/// Is the base before a path (`${CONFLUENCE_URL}`, `BASE + "`, `{confluence}`) a variable that
/// the file sets to a Cloud site URL ending in `/wiki` (`BASE = "https://acme.atlassian.net/wiki"`)?
fn wiki_base_before(cx: &Cx<'_>, before: &str, cache: &mut WikiBases) -> bool {
    let token_start = before
        .rfind([' ', '\t', '"', '\'', '`', '(', '=', ','])
        .map_or(0, |i| i + 1);
    let token = &before[token_start..];
    if token.contains("://") {
        return false;
    }
    let expr = if token.is_empty() {
        let b = before.trim_end_matches(['"', '\'', '`']).trim_end();
        b.strip_suffix('+').map(str::trim_end).unwrap_or("")
    } else {
        token
    };
    let Some(var) = variable_in(expr) else {
        return false;
    };
    if let Some(known) = cache.get(var) {
        return *known;
    }
    if cache.len() >= 16 {
        return false;
    }
    let found = crate::lint::built_pattern(format!(
        r#"\b{}["']?\s*(?:=|:=|:|=>)\s*(?:[fr]?["'`])?(?:\$\{{\w+:-)?https?://(?P<host>[^/\s"'`]+)(?P<path>/[^\s"'`]*)?"#,
        regex::escape(var)
    ))
    .and_then(|re| {
        let c = re.captures(cx.text)?;
        let host = c.name("host")?.as_str().to_ascii_lowercase();
        let path = c.name("path").map_or("", |p| p.as_str());
        Some(cloud_host(&host) && path.trim_end_matches('/').eq_ignore_ascii_case("/wiki"))
    })
    .unwrap_or(false);
    cache.insert(var.to_string(), found);
    found
}

/// With the base unknown, does the file show a self-hosted Jira or Confluence and no Cloud
/// host (`https://jira.intranet.example`)?
pub(super) fn self_hosted_file(cx: &Cx<'_>) -> bool {
    let lower = cx.text.to_ascii_lowercase();
    if lower.contains(".atlassian.net") || lower.contains("api.atlassian.com") {
        return false;
    }
    lower.match_indices("://").any(|(i, _)| {
        let host: String = lower[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        // Documentation (`http://example.com/rest/api/content?...` in a Javadoc) names no host.
        if crate::lint::is_comment_line(cx.line_head(i))
            || ["example.com", "example.org", "example.net"]
                .iter()
                .any(|d| host == *d || host.ends_with(&format!(".{d}")))
            || [".example", ".test", ".invalid"]
                .iter()
                .any(|d| host.ends_with(d))
        {
            return false;
        }
        let rest = &lower[i + 3 + host.len()..];
        // A base the code appends paths to (`fmt.Sprintf("https://issues.redhat.com%s", path)`,
        // `"https://jira.corp" + path`, `https://host/rest/...`): the host the requests go to,
        // whatever its name.
        let base = ["%s", "%v", "{", "${", "$", "/rest/"]
            .iter()
            .any(|p| rest.starts_with(p))
            || rest
                .strip_prefix(['"', '\'', '`'])
                .is_some_and(|r| r.trim_start().starts_with('+'));
        host.contains('.')
            && (base
                || ["jira", "confluence", "wiki"]
                    .iter()
                    .any(|w| host.contains(w)))
            && !host.ends_with("atlassian.com")
    })
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let fences = (cx.kind == FileKind::Markdown).then(|| common::markdown_fences(cx.text));
    let mut self_hosted: Option<bool> = None;
    let mut resolved = Resolved::new();
    let mut wiki_bases = WikiBases::new();
    let mut base: Option<String> = None;
    // Absolute paths (`/rest/api/3/search`) and relative ones handed to a client as a whole
    // string (Retrofit `@GET("rest/api/3/search")`), in the order they occur.
    let mut paths: Vec<(std::ops::Range<usize>, std::borrow::Cow<'_, str>)> = cx
        .pattern("rest-path")
        .captures_iter(cx.text)
        .filter_map(|c| c.name("path"))
        .map(|p| (p.range(), std::borrow::Cow::Borrowed(p.as_str())))
        .collect();
    let before_relative = paths.len();
    paths.extend(
        cx.pattern("relative-rest-path")
            .captures_iter(cx.text)
            .filter_map(|c| c.name("path"))
            .map(|p| {
                (
                    p.range(),
                    std::borrow::Cow::Owned(format!("/{}", p.as_str())),
                )
            }),
    );
    if paths.len() > before_relative {
        paths.sort_by_key(|(r, _)| r.start);
    }
    for (range, full) in &paths {
        let p = range.clone();
        // `/rest/api/3/search` but not `/rest/api/3/search/jql`: the path must end here.
        let path = full.trim_end_matches('/');
        // `/rest/api/space` joined to a Confluence base that ends in `/wiki`
        // (`CONFLUENCE_URL=https://acme.atlassian.net/wiki`): the request path is `/wiki/rest/...`.
        let wiki_path;
        let (path, e) = match removed::lookup(None, path) {
            Some(e) => (path, Some(e)),
            None if path.starts_with("/rest/api/") => {
                let (line, line_start) = cx.line_at(p.start);
                let at = p.start - line_start;
                let from = crate::lines::ceil_boundary(line, at.saturating_sub(NEAR));
                if wiki_base_before(cx, &line[from..at], &mut wiki_bases) {
                    wiki_path = format!("/wiki{path}");
                    (wiki_path.as_str(), removed::lookup(None, &wiki_path))
                } else {
                    (path, None)
                }
            }
            None => (path, None),
        };
        let Some(e) = e else {
            // A Cloud REST API base (`https://api.atlassian.com/ex/jira/<id>/rest/api/3/`) that
            // relative endpoints are joined to.
            // A whole literal base (`client.addPath("/rest/api/3")`) counts like one ending in `/`.
            let whole_literal = cx.text[p.end..].starts_with(['"', '\'', '`']);
            if base.is_none() && (full.ends_with('/') || whole_literal) && API_BASES.contains(&path)
            {
                let (line, line_start) = cx.line_at(p.start);
                let at = p.start - line_start;
                let from = crate::lines::ceil_boundary(line, at.saturating_sub(NEAR));
                let before = line.get(from..at).unwrap_or("");
                let host = host_before(cx, before, &mut resolved);
                // REST API v3 is Jira Cloud's only (Data Center serves v2): with the host left
                // to configuration, a v3 base is Cloud unless the file shows a self-hosted one.
                let cloud_version = path == "/rest/api/3"
                    && host.is_none()
                    && !*self_hosted.get_or_insert_with(|| self_hosted_file(cx));
                if host == Some(true) || cloud_version {
                    base = Some(path.to_string());
                }
            }
            continue;
        };
        // A method named on the same line that the table does not list (POST to a path whose
        // GET was removed) is not the removed operation.
        // What the judgement reads: at most NEAR bytes of the line on either side of the path
        // (a long minified line costs no more per match than a short one).
        let (line, line_start) = cx.line_at(p.start);
        let (at, end) = (p.start - line_start, p.end - line_start);
        let from = crate::lines::ceil_boundary(line, at.saturating_sub(NEAR));
        let to = crate::lines::floor_boundary(line, end + NEAR);
        let before = &line[from..at];
        let after = &line[end..to];
        // In Markdown, fenced code and commands written inline (`` `curl ...` ``) run; the
        // prose around them mentions.
        if let Some(f) = &fences
            && common::fence_at(f, p.start).is_none()
            && !inline_command(before)
        {
            continue;
        }
        // Commented-out code calls nothing (in Markdown `#` and `*` start headings and lists).
        if cx.kind != FileKind::Markdown
            && ["#", "//", "--", "*", ";", "<!--"]
                .iter()
                .any(|c| cx.line_head(p.start).trim_start().starts_with(c))
        {
            continue;
        }
        let near = &line[from..to];
        let other_method = cx.pattern("method").find_iter(near).any(|m| {
            let name = m.as_str().trim_start_matches("Method");
            !e.methods.iter().any(|x| x.eq_ignore_ascii_case(name))
        });
        if other_method || cx.pattern("not-a-call").is_match(near) {
            continue;
        }
        // An OpenAPI path key (`"/rest/api/3/search": {`, `/rest/api/3/search:`).
        let after_key = after.trim_start_matches(['"', '\'']);
        if after_key.starts_with(':')
            && !after_key.starts_with("://")
            && after.len() > after_key.len()
            || after.trim_end() == ":"
        {
            continue;
        }
        let cloud = match host_before(cx, before, &mut resolved) {
            Some(c) => c,
            None => !*self_hosted.get_or_insert_with(|| self_hosted_file(cx)),
        };
        if !cloud {
            continue;
        }
        let method = e.methods.join("|");
        let (msg, fix) = removed::describe(e, &method, path);
        out.push(Hit::new(p, msg, format!("removed:{path}")).fix(fix));
    }
    // Relative endpoints joined to that base: Retrofit `@GET("search")`,
    // `SEARCH_END_POINT = "search"`.
    let Some(base) = base else { return };
    for caps in cx.pattern("relative-endpoint").captures_iter(cx.text) {
        let Some(rel) = caps.name("rel") else {
            continue;
        };
        let path = format!("{base}/{}", rel.as_str());
        // `@POST("space")` creates a space: only a removed method counts.
        let declared = caps
            .name("method")
            .map(|m| m.as_str())
            .filter(|m| *m != "HTTP");
        let Some(e) = removed::lookup(declared, &path) else {
            continue;
        };
        // `requests.post(BASE + "space", ...)`: another method on the same line is another
        // operation (POST /wiki/rest/api/space creates a space).
        if declared.is_none() {
            let (line, _) = cx.line_at(rel.start());
            let other = cx.pattern("method").find_iter(line).any(|m| {
                let name = m.as_str().trim_start_matches("Method");
                !e.methods.iter().any(|x| x.eq_ignore_ascii_case(name))
            });
            if other {
                continue;
            }
        }
        let method = e.methods.join("|");
        let (msg, fix) = removed::describe(e, &method, &path);
        out.push(
            Hit::new(
                rel.range(),
                format!("{msg} (`{}` joined to the API base {base}/)", rel.as_str()),
                format!("removed:{path}"),
            )
            .fix(fix),
        );
    }
}

/// REST API bases that relative endpoint paths are joined to.
const API_BASES: &[&str] = &[
    "/rest/api/2",
    "/rest/api/3",
    "/rest/api/latest",
    "/wiki/rest/api",
];
