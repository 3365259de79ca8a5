//! Atlassian REST calls in source code, for `atlcheck scopes --from-code`.
//!
//! A call is a URL or path with a known Atlassian REST prefix (`/rest/api/{2,3,latest}`,
//! `/rest/agile/1.0`, `/rest/servicedeskapi`, the Jira Software dev-info APIs, `/wiki/rest/api`,
//! `/wiki/api/v2`, optionally behind `https://host` and `/ex/{jira,confluence}/{cloudId}`).
//! Interpolations (`{key}`, `${id}`, `%s`, `:id`, `<id>`) become placeholders that match
//! template parameters only; `"/issue/" + key + "/comment"` is stitched into
//! `/issue/{…}/comment`. URLs to hosts that are not Atlassian Cloud (Jira Data Center at
//! `jira.example.com`, `localhost`) are skipped, and so are bare API bases (`/rest/api/3`).
//!
//! Relative paths handed to a client (`Invoke-APIRequest -Uri 'rest/api/2/issue/'`,
//! `client.get("rest/api/3/myself")`) count when the string starts with the API prefix, and
//! PowerShell subexpressions (`/issue/$($issue.key)/comment`) are placeholders. Calls on comment
//! lines, inside block comments and doc comments (`/* */`, `/** */`, `<# .EXAMPLE #>`, Python
//! docstrings) are examples, never counted (and `scopes --from-code` skips documentation files).
//!
//! The method is inferred from the code around the URL, in this order; when none of them says,
//! the method is unknown (`None`) and the caller takes every method the path has:
//! 0. an upper-case verb right before the URL (`POST https://…` in HTTP files, HTTPie, docs);
//! 1. the same statement (shell `\` continuations joined): `curl -X POST` / `--request`,
//!    `-Method Post`, `method: 'POST'` / `method="POST"`, Java's `.POST(body)`, a quoted `"POST"`
//!    (`http.NewRequest("POST", …)`), `http.MethodPost`, `Net::HTTP::Post`, or a call such as
//!    `requests.post(`, `session.put(`, `axios.delete(`, `.PostAsync(` whose parenthesis
//!    encloses the URL; nearest wins;
//! 2. `curl` with a body (`-d`, `--data…`, `-F`, `--json`) and no `-X`: POST, unless `-G`;
//! 3. a call opened on one of the three lines before whose parenthesis encloses the URL;
//! 4. an options object on the next six lines (`method: 'POST'`, `-Method Post`);
//! 5. the URL assigned to a variable (`url = BASE + "/rest/..."`) that a later call receives
//!    (`requests.post(url, ...)`, `Invoke-RestMethod -Uri $uri -Method Post`, `fetch(url, {`
//!    with `method:` on the next lines, or a tool whose method the line fixes: `fetch(url)`,
//!    `curl "$URL"`, `Invoke-RestMethod -Uri $uri` are GET, `curl "$URL" -d ...` is POST), up to
//!    80 lines on and until the variable is assigned
//!    again. A URL assigned to a variable starts a statement of its own: steps 3 and 4, which
//!    read the lines around it, are skipped for it.
use std::sync::OnceLock;

use regex::Regex;

use crate::lines::LineIndex;

/// One call found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCall {
    /// 1-based line and column of the URL.
    pub line: usize,
    pub column: usize,
    /// The URL or path as written (interpolations kept), with a stitched tail if any.
    pub url: String,
    /// Upper-case HTTP method, or `None` when the code does not say.
    pub method: Option<String>,
    /// The code the method was read from (`requests.post(`), or `None` when it is unknown.
    pub evidence: Option<String>,
}

const API_PREFIX: &str = r"/?(?:rest/(?:api/(?:2|3|latest)|agile/(?:1\.0|latest)|servicedeskapi|software/1\.0|devinfo/0\.10|featureflags/0\.1|deployments/0\.1|builds/0\.1|remotelinks/1\.0|security/1\.0|operations/1\.0|devopscomponents/1\.0|atlassian-connect/1|forge/1)|wiki/(?:rest/api|api/v2))";

fn url_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let pattern = r#"(?P<host>https?://[A-Za-z0-9.\-]+(?::[0-9]+)?)?(?P<gw>/ex/(?:jira|confluence)/[^/\s'"`]+)?(?P<api>API)(?P<tail>[/?#](?:\$?\{\{[^}\n]*\}\}|\$\((?:[^()\n"'`]|\([^()\n]*\))*\)|[^\s'"`<>()\\,;|\]])*)?"#;
        Regex::new(&pattern.replacen("API", API_PREFIX, 1))
        .expect("valid regex")
    })
}

/// Explicit method patterns; group 1 is the method (or the whole match names it).
fn method_res() -> &'static [(Regex, Kind)] {
    static RES: OnceLock<Vec<(Regex, Kind)>> = OnceLock::new();
    RES.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("valid regex");
        vec![
            (re(r#"(?:^|\s)(?:-X\s*|--request[\s=]+)['"]?([A-Za-z]+)"#), Kind::Option),
            (re(r#"(?i)-Method\s+['"]?([A-Za-z]+)"#), Kind::Option),
            (re(r#"(?i)\bmethod['"]?\s*(?:[:=]|=>)\s*['"`]([A-Za-z]+)['"`]"#), Kind::Option),
            (re(r#"["'`](GET|POST|PUT|PATCH|DELETE|HEAD)["'`]"#), Kind::Quoted),
            (re(r"\bhttp\.Method(Get|Post|Put|Patch|Delete|Head)\b"), Kind::Quoted),
            // An initializer's `Method = HttpMethod.Post` applies to the whole request.
            (re(r"(?i)\bmethod\s*[:=]\s*(?:Http)?Method\.(get|post|put|patch|delete|head)\b"), Kind::Option),
            // .NET `HttpMethod.Post`, Spring `HttpMethod.POST`, RestSharp `Method.Post`.
            (re(r"\b(?:HttpMethod|Method)\.(?i:(get|post|put|patch|delete|head))\b"), Kind::Quoted),
            // Apache HttpClient: `new HttpPost(url)`.
            (re(r"\bnew\s+Http(Get|Post|Put|Patch|Delete|Head)\s*\("), Kind::Call),
            // OkHttp's builder after `.url(...)`: `.post(body)`, `.delete()`.
            (re(r"\.(post|put|patch|delete)\(\s*(?:\w*[Bb]ody\w*)?\s*\)"), Kind::Option),
            (re(r"Net::HTTP::(Get|Post|Put|Patch|Delete|Head)\b"), Kind::Quoted),
            // Java's HttpRequest builder: `.POST(body)` anywhere in the statement.
            (re(r"\.(GET|POST|PUT|PATCH|DELETE|HEAD)\s*\("), Kind::Option),
            (re(r"(?i)\.(get|post|put|patch|delete|head)(?:AsJson|ForObject|ForEntity|ForLocation)?(?:Async|_async)?\s*(?:<[^>()]*>)?\s*\("), Kind::Call),
        ]
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `-X POST`, `method: 'POST'`: applies wherever it is in the statement.
    Option,
    /// `"POST"` as an argument: applies on the same statement.
    Quoted,
    /// `.post(`: applies when its parenthesis encloses the URL.
    Call,
}

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// Receivers whose `.get(` is a map lookup, not an HTTP call.
const NOT_HTTP_RECEIVERS: &[&str] = &[
    "environ", "env", "headers", "params", "config", "dict", "kwargs", "options", "args",
    "settings", "os", "json", "data", "cache", "map", "props", "query", "form",
];

/// Find every Atlassian REST call in `text`.
pub fn find_calls(text: &str) -> Vec<FoundCall> {
    let lines = LineIndex::new(text);
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for caps in url_re().captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let (start, mut end) = (whole.start(), whole.end());
        // A relative path (`rest/api/3/...`) only counts as a whole string literal.
        let relative = !text[start..].starts_with(['/', 'h']);
        if relative
            && !text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, '"' | '\'' | '`'))
        {
            continue;
        }
        if in_comment(text, &lines, start) {
            continue;
        }
        // `/rest/api/30` or `/rest/api/3x` is not the API.
        if text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
            && caps.name("tail").is_none()
        {
            continue;
        }
        if let Some(host) = caps.name("host") {
            let host = &host.as_str()[host.as_str().find("://").map_or(0, |i| i + 3)..];
            let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
            if !(host.ends_with(".atlassian.net") || host == "api.atlassian.com") {
                continue;
            }
        }
        while end > start && text[..end].ends_with(['.', ':', '!']) {
            end -= 1;
        }
        // Only a `${{ expression }}` (GitHub Actions, Jinja) or a PowerShell `$(...)` can hold
        // whitespace here.
        let mut url: String = text[start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if relative {
            url.insert(0, '/');
        }
        let tail = caps.name("tail").map_or("", |t| t.as_str());
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let stitched = stitch(&text[end..line_end]);
        if let Some(rest) = &stitched {
            if !url.ends_with('/') {
                url.push('/');
            }
            url.push_str(rest);
        } else if url.ends_with('/') && concatenated(&text[end..line_end]) {
            url.push_str("{…}");
        }
        let is_base =
            tail.trim_end_matches('/').is_empty() && stitched.is_none() && !url.ends_with("{…}");
        if is_base {
            continue;
        }
        spans.push((start, end, url));
    }
    let mut calls = Vec::with_capacity(spans.len());
    for (i, (start, end, url)) in spans.iter().enumerate() {
        let prev_end = if i > 0 { spans[i - 1].1 } else { 0 };
        let next_start = spans.get(i + 1).map_or(text.len(), |s| s.0);
        let (method, evidence) = infer_method(text, &lines, *start, *end, prev_end, next_start);
        let (line, column) = lines.position(text, *start);
        calls.push(FoundCall {
            line,
            column,
            url: url.clone(),
            method,
            evidence,
        });
    }
    calls
}

/// Is byte offset `at` on a comment line, inside a block comment that opens a line (`/* */`,
/// `/** */`, PowerShell `<# #>` help), or inside a Python docstring (a `"""` / `'''` string
/// that opens a line)?
fn in_comment(text: &str, lines: &LineIndex, at: usize) -> bool {
    let line = lines.line_of(at);
    if crate::lines::is_comment_line(&text[lines.start(line)..lines.end(text, line)]) {
        return true;
    }
    let before = &text[..at];
    for (open, close) in [("/*", "*/"), ("<#", "#>")] {
        let mut search_end = before.len();
        while let Some(i) = before[..search_end].rfind(open) {
            let line_start = before[..i].rfind('\n').map_or(0, |n| n + 1);
            if before[line_start..i].trim().is_empty() {
                if !before[i + open.len()..].contains(close) {
                    return true;
                }
                break;
            }
            search_end = i;
        }
    }
    for quotes in ["\"\"\"", "'''"] {
        // Inside when an odd number of delimiters come before, and the innermost one opens
        // a line (`    """Example: ...`), as docstrings do.
        let count = before.matches(quotes).count();
        if count % 2 == 1
            && let Some(i) = before.rfind(quotes)
        {
            let line_start = before[..i].rfind('\n').map_or(0, |n| n + 1);
            let lead = before[line_start..i].trim();
            if lead.is_empty() || lead == "r" || lead == "u" {
                return true;
            }
        }
    }
    false
}

/// After a literal ending in `/`, is the string concatenated with something (`"…/" + key`)?
fn concatenated(after: &str) -> bool {
    let rest = after.trim_start_matches(['"', '\'', '`']).trim_start();
    rest.starts_with('+')
        || rest.starts_with(". ")
        || rest.starts_with(".$")
        || rest.starts_with("..")
        || rest.starts_with('&')
}

/// `" + key + "/comment"` after a literal: the continuation path (`{…}/comment`).
fn stitch(after: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"^["'`]\s*(?:\+|\.\.?|&)\s*[\w.\[\]()$]+\s*(?:\+|\.\.?|&)\s*["'`](/[^"'`\s]*)"#,
        )
        .expect("valid regex")
    });
    let caps = re.captures(after)?;
    Some(format!("{{…}}{}", caps.get(1)?.as_str()))
}

fn normalize(method: &str) -> Option<String> {
    let m = method.to_ascii_uppercase();
    HTTP_METHODS.contains(&m.as_str()).then_some(m)
}

/// Net parenthesis depth of `s` (string contents are not skipped: good enough for a heuristic).
fn paren_depth(s: &str) -> i32 {
    s.chars().fold(0, |d, c| match c {
        '(' => d + 1,
        ')' => d - 1,
        _ => d,
    })
}

/// Candidate methods in `text[from..to]`: (start, end, method, evidence, kind).
fn candidates(text: &str, from: usize, to: usize) -> Vec<(usize, usize, String, String, Kind)> {
    let region = &text[from..to];
    let mut out = Vec::new();
    for (re, kind) in method_res() {
        for caps in re.captures_iter(region) {
            let whole = caps.get(0).expect("match");
            let Some(method) = caps.get(1).and_then(|m| normalize(m.as_str())) else {
                continue;
            };
            if *kind == Kind::Call {
                let receiver: String = region[..whole.start()]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if NOT_HTTP_RECEIVERS.contains(&receiver.as_str()) {
                    continue;
                }
            }
            let receiver_start = region[..whole.start()]
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '$'))
                .map_or(0, |i| i + 1);
            let evidence = region[receiver_start.min(whole.start())..whole.end()]
                .trim()
                .to_string();
            out.push((
                from + whole.start(),
                from + whole.end(),
                method,
                evidence,
                *kind,
            ));
        }
    }
    out
}

/// Pick the nearest applicable candidate around the URL at `start..end`.
fn nearest(
    text: &str,
    cands: Vec<(usize, usize, String, String, Kind)>,
    start: usize,
    end: usize,
    allow: &[Kind],
) -> Option<(String, String)> {
    cands
        .into_iter()
        .filter(|c| allow.contains(&c.4))
        .filter(|c| c.4 != Kind::Call || (c.1 <= start && paren_depth(&text[c.1..start]) >= 0))
        .min_by_key(|c| {
            if c.1 <= start {
                start - c.1
            } else {
                c.0.saturating_sub(end)
            }
        })
        .map(|c| (c.2, c.3))
}

fn infer_method(
    text: &str,
    lines: &LineIndex,
    start: usize,
    end: usize,
    prev_end: usize,
    next_start: usize,
) -> (Option<String>, Option<String>) {
    let first = lines.line_of(start);
    // `url = BASE + "/rest/..."`: the variable the URL is assigned to, if any.
    static ASSIGN: OnceLock<Regex> = OnceLock::new();
    let assign = ASSIGN.get_or_init(|| {
        Regex::new(r"^\s*(?:(?:const|let|var|final|val|String|string|auto|my|local|\[string\])\s+)?\$?([A-Za-z_][\w.]*)\s*(?::\s*\w+\s*)?(?::=|=[^=>])").expect("valid regex")
    });
    let assigned_var = assign
        .captures(&text[lines.start(first)..start])
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .filter(|_| !in_initializer(text, lines, first));
    let mut top = first;
    while top > 0
        && text[lines.start(top - 1)..lines.end(text, top - 1)]
            .trim_end()
            .ends_with('\\')
    {
        top -= 1;
    }
    let mut bottom = lines.line_of(end.saturating_sub(1).max(start));
    while bottom + 1 < lines.len()
        && text[lines.start(bottom)..lines.end(text, bottom)]
            .trim_end()
            .ends_with(['\\', '`'])
    {
        bottom += 1;
    }
    let stmt_from = lines.start(top).max(prev_end);
    let stmt_to = lines.end(text, bottom).min(next_start).max(end);
    let stmt = &text[stmt_from..stmt_to];
    // 0. `POST https://…` (HTTP files, HTTPie, docs): the verb right before the URL.
    static VERB_BEFORE: OnceLock<Regex> = OnceLock::new();
    let verb_before = VERB_BEFORE.get_or_init(|| {
        Regex::new(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD)\s+$").expect("valid regex")
    });
    if let Some(c) = verb_before.captures(&text[lines.start(first).max(prev_end)..start]) {
        return (Some(c[1].to_string()), Some(c[0].trim().to_string()));
    }
    // 1. The same statement.
    let found = nearest(
        text,
        candidates(text, stmt_from, stmt_to),
        start,
        end,
        &[Kind::Option, Kind::Quoted, Kind::Call],
    );
    if let Some((m, ev)) = found {
        return (Some(m), Some(ev));
    }
    // 2. curl with a body.
    if stmt.contains("curl") {
        static DATA: OnceLock<Regex> = OnceLock::new();
        let data = DATA.get_or_init(|| {
            Regex::new(
                r"(?:^|\s)(?:-d|--data(?:-raw|-binary|-urlencode)?|-F|--form|--json)(?:\s|=|$)",
            )
            .expect("valid regex")
        });
        static GET: OnceLock<Regex> = OnceLock::new();
        let get =
            GET.get_or_init(|| Regex::new(r"(?:^|\s)(?:-G|--get)(?:\s|$)").expect("valid regex"));
        if let Some(m) = get.find(stmt) {
            return (
                Some("GET".to_string()),
                Some(format!("curl {}", m.as_str().trim())),
            );
        }
        if let Some(m) = data.find(stmt) {
            return (
                Some("POST".to_string()),
                Some(format!("curl {}", m.as_str().trim())),
            );
        }
    }
    // 3. A call opened on the lines before (not for a URL that starts an assignment).
    let before_from = lines.start(top.saturating_sub(3)).max(prev_end);
    if before_from < stmt_from && assigned_var.is_none() {
        let found = nearest(
            text,
            candidates(text, before_from, stmt_from),
            start,
            end,
            &[Kind::Call, Kind::Quoted],
        );
        if let Some((m, ev)) = found {
            return (Some(m), Some(ev));
        }
    }
    // 4. An options object on the next lines.
    let after_to = lines
        .end(text, (bottom + 6).min(lines.len() - 1))
        .min(next_start);
    if stmt_to < after_to && assigned_var.is_none() {
        let found = nearest(
            text,
            candidates(text, stmt_to, after_to),
            start,
            end,
            &[Kind::Option],
        );
        if let Some((m, ev)) = found {
            return (Some(m), Some(ev));
        }
    }
    // 5. `url = "…"` then, later, `requests.post(url, …)`.
    if let Some(var) = assigned_var {
        let var = var.rsplit('.').next().unwrap_or(&var).to_string();
        let use_to = lines.end(text, (bottom + 80).min(lines.len() - 1));
        let region_from = stmt_to.min(use_to);
        for at in word_at(&text[region_from..use_to], &var) {
            let at = region_from + at;
            let line = lines.line_of(at);
            let (ls, le) = (lines.start(line).max(region_from), lines.end(text, line));
            // Assigned again: later uses send another URL.
            let after = text[(at + var.len()).min(le)..le].trim_start();
            let lead = text[ls..at].trim();
            if ((after.starts_with('=') && !after.starts_with("==")) || after.starts_with(":="))
                && lead
                    .chars()
                    .all(|c| c == '$' || c == '.' || c == '_' || c.is_alphanumeric() || c == ' ')
            {
                break;
            }
            if let Some((m, ev)) = nearest(
                text,
                candidates(text, ls, le),
                at,
                at + var.len(),
                &[Kind::Option, Kind::Quoted, Kind::Call],
            ) {
                return (Some(m), Some(ev));
            }
            // `fetch(url, {` with `method: 'POST'` on the next lines.
            let opts_to = lines.end(text, (line + 6).min(lines.len() - 1));
            if le < opts_to && text[ls..le].contains('(') {
                let found = nearest(
                    text,
                    candidates(text, le, opts_to),
                    at,
                    at + var.len(),
                    &[Kind::Option],
                );
                if let Some((m, ev)) = found {
                    return (Some(m), Some(ev));
                }
            }
            // `fetch(url)`, `curl "$URL"`, `Invoke-RestMethod -Uri $uri`: a tool that sends GET
            // when nothing on its line says otherwise.
            if let Some((m, tool)) = default_method_use(&text[ls..le], &var) {
                return (Some(m.to_string()), Some(tool.to_string()));
            }
        }
    }
    // 6. A tool whose default method is GET: curl without `-X` or a body, `Invoke-RestMethod`
    //    without `-Method`, `fetch(url)` / `fetch(url, { headers })` without `method`, wget.
    if let Some(tool) = get_by_default(stmt) {
        return (Some("GET".to_string()), Some(tool.to_string()));
    }
    (None, None)
}

/// Is line `line` a key of a PowerShell hashtable (`$params = @{` ... `Uri = "..."`) or a .NET
/// object initializer (`new HttpRequestMessage {` ... `RequestUri = ...`)? Then `Key = value`
/// is a part of one request, not a variable: the method is read from the block around it.
fn in_initializer(text: &str, lines: &LineIndex, line: usize) -> bool {
    static OPEN: OnceLock<Regex> = OnceLock::new();
    let open = OPEN.get_or_init(|| {
        Regex::new(r"(?:@\{|\bnew\b[\w.\s]*(?:\(\s*\))?\s*\{)$").expect("valid regex")
    });
    for above in (line.saturating_sub(4)..line).rev() {
        let l = text[lines.start(above)..lines.end(text, above)].trim();
        if open.is_match(l) {
            return true;
        }
        // Allman style: `new HttpRequestMessage` on the line above a lone `{`.
        if l == "{" && above > 0 {
            let prev = text[lines.start(above - 1)..lines.end(text, above - 1)].trim();
            return open.is_match(&format!("{prev} {{"));
        }
        if l.ends_with('}') || l.ends_with(';') {
            return false;
        }
    }
    false
}

/// Where `word` (ASCII, an identifier) occurs in `hay` as a whole word: what `\b{word}\b`
/// finds, without compiling a regular expression for each variable.
fn word_at<'a>(hay: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    hay.match_indices(word).filter_map(move |(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        (!word.is_empty() && !before.is_some_and(is_word) && !after.is_some_and(is_word))
            .then_some(i)
    })
}

/// A line that hands the variable `var` to a tool whose method follows from the line alone:
/// GET for `fetch(url)` closed right after the variable, `curl "$URL"` without a body or
/// `-X`, `Invoke-RestMethod -Uri $uri` without `-Method` or splatted parameters; POST for
/// `curl "$URL" -d ...` (a body and no `-G`).
fn default_method_use(line: &str, var: &str) -> Option<(&'static str, &'static str)> {
    let tool = get_by_default(line)?;
    if tool == "curl (GET by default)"
        && !line.contains(" -X")
        && !line.contains(" -G")
        && !line.contains(" --get")
        && [" -d", " --data", " -F ", " --form", " --json"]
            .iter()
            .any(|w| line.contains(w))
    {
        return Some(("POST", "curl with a body"));
    }
    let closed_fetch = word_at(line, var).any(|i| {
        line[..i].trim_end().ends_with("fetch(") && line[i + var.len()..].starts_with(')')
    });
    let quiet = |words: &[&str]| !words.iter().any(|w| line.contains(w));
    let ok = match tool {
        "fetch (GET by default)" => closed_fetch,
        "curl (GET by default)" | "wget (GET by default)" => quiet(&[
            " -X",
            " --request",
            " -d",
            " --data",
            " -F",
            " --form",
            " --json",
            " -T",
            " --post",
        ]),
        "Invoke-RestMethod (GET by default)" | "Invoke-WebRequest (GET by default)" => {
            !line.to_ascii_lowercase().contains("-method") && !line.contains(" @")
        }
        _ => false,
    };
    ok.then_some(("GET", tool))
}

/// A command in `stmt` that sends GET when nothing else is said.
fn get_by_default(stmt: &str) -> Option<&'static str> {
    static TOOLS: OnceLock<Regex> = OnceLock::new();
    let re = TOOLS.get_or_init(|| {
        Regex::new(r"(?i)(?:^|[\s(;|&`$])(curl|wget|Invoke-RestMethod|Invoke-WebRequest|irm|iwr|http|https)\s|\b(fetch)\(")
            .expect("valid regex")
    });
    let caps = re.captures(stmt)?;
    let tool = caps.get(1).or(caps.get(2))?.as_str().to_ascii_lowercase();
    Some(match tool.as_str() {
        "curl" => "curl (GET by default)",
        "wget" => "wget (GET by default)",
        "invoke-restmethod" | "irm" => "Invoke-RestMethod (GET by default)",
        "invoke-webrequest" | "iwr" => "Invoke-WebRequest (GET by default)",
        "http" | "https" => "HTTPie (GET by default)",
        _ => "fetch (GET by default)",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> (String, String) {
        let calls = find_calls(src);
        assert_eq!(calls.len(), 1, "{src}: {calls:?}");
        (
            calls[0].method.clone().unwrap_or_else(|| "?".to_string()),
            calls[0].url.clone(),
        )
    }

    #[test]
    fn curl_forms() {
        assert_eq!(
            one("curl -X POST https://acme.atlassian.net/rest/api/3/issue -d @x").0,
            "POST"
        );
        assert_eq!(
            one("curl --request PUT 'https://acme.atlassian.net/rest/api/3/issue/A-1'").0,
            "PUT"
        );
        assert_eq!(
            one("curl -XDELETE \"https://acme.atlassian.net/rest/api/3/issue/A-1\"").0,
            "DELETE"
        );
        assert_eq!(one("curl -u \"$E:$T\" \\\n  -H 'Content-Type: application/json' \\\n  --data '{}' \\\n  https://acme.atlassian.net/rest/api/3/issue").0, "POST");
        assert_eq!(
            one("curl -s https://acme.atlassian.net/rest/api/3/myself | jq .").0,
            "GET"
        );
        assert_eq!(
            one(
                "curl -s -G --data-urlencode jql=x https://acme.atlassian.net/rest/api/3/search/jql"
            )
            .0,
            "GET"
        );
    }

    #[test]
    fn library_calls() {
        assert_eq!(
            one("r = requests.post(f\"{BASE}/rest/api/3/issue\", json=body)").0,
            "POST"
        );
        assert_eq!(
            one("r = requests.post(os.environ.get('BASE') + '/rest/api/3/issue', json=b)").0,
            "POST"
        );
        assert_eq!(
            one("await session.put(`${base}/rest/api/3/issue/${key}`, body)").0,
            "PUT"
        );
        assert_eq!(
            one("const r = await axios.delete(base + '/wiki/api/v2/pages/' + id);").0,
            "DELETE"
        );
        assert_eq!(
            one("fetch(`${site}/wiki/api/v2/pages`, {\n  method: 'POST',\n  body,\n})").0,
            "POST"
        );
        assert_eq!(
            one("req, _ := http.NewRequest(\"PUT\", base+\"/rest/api/3/issue/\"+key, body)").0,
            "PUT"
        );
        assert_eq!(
            one("Invoke-RestMethod -Uri \"$site/rest/api/3/issue\" -Method Post -Body $b").0,
            "POST"
        );
        assert_eq!(
            one("resp = client.get(BASE + \"/rest/agile/1.0/board\")").0,
            "GET"
        );
        assert_eq!(one("url = f\"{BASE}/rest/api/3/issue/{key}/comment\"\nresp = requests.post(url, json=c)\n").0, "POST");
        assert_eq!(
            one("requests.post(\n    f\"{BASE}/rest/api/3/issue\",\n    json=body)").0,
            "POST"
        );
    }

    #[test]
    fn more_languages() {
        assert_eq!(
            one("POST https://acme.atlassian.net/rest/api/3/issue HTTP/1.1").0,
            "POST"
        );
        assert_eq!(
            one("http DELETE https://acme.atlassian.net/rest/api/3/issue/A-1").0,
            "DELETE"
        );
        assert_eq!(one("HttpRequest.newBuilder(URI.create(base + \"/rest/api/3/issue\")).POST(body).build();").0, "POST");
        assert_eq!(
            one("uri = URI(\"#{site}/rest/api/3/issue/#{key}\")\nreq = Net::HTTP::Put.new(uri)").0,
            "PUT"
        );
        assert_eq!(
            one("resp, err := client.Post(base+\"/rest/api/3/issue\", \"application/json\", b)").0,
            "POST"
        );
        assert_eq!(
            one("$r = Invoke-RestMethod -Method Delete -Uri \"$site/rest/api/3/issue/$key\"").0,
            "DELETE"
        );
        let two = find_calls(
            "requests.post(BASE + '/rest/api/3/issue')\nrequests.get(BASE + '/rest/api/3/myself')\n",
        );
        assert_eq!(
            (two[0].method.as_deref(), two[1].method.as_deref()),
            (Some("POST"), Some("GET"))
        );
    }

    #[test]
    fn urls_are_normalized() {
        assert_eq!(
            one("get(\"/rest/api/3/issue/\" + key + \"/comment\")").1,
            "/rest/api/3/issue/{…}/comment"
        );
        assert_eq!(
            one("get(\"/rest/api/3/issue/\" + key)").1,
            "/rest/api/3/issue/{…}"
        );
        assert_eq!(
            one("See https://acme.atlassian.net/rest/api/3/myself.").1,
            "https://acme.atlassian.net/rest/api/3/myself"
        );
        assert!(find_calls("BASE = 'https://acme.atlassian.net/rest/api/3'\nx = 'http://localhost:8080/rest/api/2/issue'").is_empty());
        assert!(
            find_calls("see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/")
                .is_empty()
        );
        let calls = find_calls("a\n  b = get('/ex/jira/{cloud}/rest/api/3/search?jql=x')\n");
        assert_eq!((calls[0].line, calls[0].column), (2, 12));
        assert_eq!(calls[0].url, "/ex/jira/{cloud}/rest/api/3/search?jql=x");
        let gha = "run: curl -X POST \"https://acme.atlassian.net/rest/api/2/issue/${{ github.event.issue.key }}/comment\"";
        assert_eq!(
            one(gha),
            (
                "POST".to_string(),
                "https://acme.atlassian.net/rest/api/2/issue/${{github.event.issue.key}}/comment"
                    .to_string()
            )
        );
    }

    #[test]
    fn methods_read_as_the_code_makes_them() {
        // The URL built earlier in a variable, sent many lines later.
        let src = "url = BASE + \"/rest/servicedeskapi/request\"\n".to_string()
            + &"payload['x'] = 1\n".repeat(15)
            + "headers = {\"Accept\": \"application/json\"}\nresponse = requests.post(url, json=payload, headers=headers)\n";
        assert_eq!(one(&src).0, "POST");
        // Re-assigned before the call: the later call sends something else.
        let src = "url = BASE + \"/rest/api/3/issue\"\nurl = other\nrequests.post(url)\n";
        assert_eq!(one(src).0, "?");
        // A POST on the line before belongs to another statement.
        let src = "r = session.request(\"POST\", create_url, json=x)\nurl = BASE + \"/rest/api/3/issue/\" + key\nprint(url)\n";
        assert_eq!(one(src).0, "?");
        // fetch(url, { method: ... }) on the next lines.
        let src = "const url = `${base}/rest/api/3/issue`;\nconst r = await fetch(url, {\n  method: 'POST',\n  body,\n});\n";
        assert_eq!(one(src).0, "POST");
        // Relative paths handed to a client.
        assert_eq!(
            one("Invoke-APIRequest -Method POST -Uri 'rest/api/2/issue/'"),
            ("POST".to_string(), "/rest/api/2/issue/".to_string())
        );
        assert!(find_calls("see rest/api/3/issue in the docs").is_empty());
        // PowerShell subexpressions are path parameters.
        assert_eq!(
            one(
                "Invoke-RestMethod -Method Post -Uri \"$base/rest/api/2/issue/$($issue.key)/comment\""
            ),
            (
                "POST".to_string(),
                "/rest/api/2/issue/$($issue.key)/comment".to_string()
            )
        );
        // Unknown method: no default.
        assert_eq!(one("api_path = \"/rest/api/3/issue/{key}\"\n").0, "?");
        assert_eq!(
            one("curl -s https://acme.atlassian.net/rest/api/3/myself").0,
            "GET"
        );
    }

    /// Issue 16, class 8, across languages: the method of the call that sends the URL.
    #[test]
    fn methods_in_java_dotnet_powershell_go_kotlin_ruby() {
        // Apache HttpClient, with the URL built in a variable first.
        assert_eq!(
            one("String url = base + \"/rest/api/3/issue\";\nHttpPost post = new HttpPost(url);\n")
                .0,
            "POST"
        );
        assert_eq!(
            one("HttpPut put = new HttpPut(base + \"/rest/api/3/issue/\" + key);").0,
            "PUT"
        );
        // Spring RestTemplate.
        assert_eq!(one("restTemplate.postForObject(base + \"/rest/api/3/issue/\" + key + \"/comment\", body, String.class);").0, "POST");
        assert_eq!(one("restTemplate.exchange(base + \"/rest/api/3/issue/\" + key + \"/transitions\", HttpMethod.POST, entity, String.class);").0, "POST");
        // OkHttp's builder: the method after the URL.
        assert_eq!(one("Request r = new Request.Builder().url(base + \"/rest/api/3/issue/\" + key + \"/worklog\").post(body).build();").0, "POST");
        assert_eq!(one("Request r = new Request.Builder()\n    .url(base + \"/rest/api/3/issue/\" + key)\n    .delete()\n    .build();").0, "DELETE");
        // .NET: HttpRequestMessage, RestSharp.
        assert_eq!(one("var req = new HttpRequestMessage(HttpMethod.Put, $\"{baseUrl}/rest/api/3/issue/{key}\");").0, "PUT");
        assert_eq!(
            one(
                "var rr = new RestRequest(\"rest/api/3/issue/\" + key + \"/comment\", Method.Post);"
            )
            .0,
            "POST"
        );
        // PowerShell splatting: `Method = 'Post'` in the hashtable.
        assert_eq!(one("$params = @{\n  Uri = \"$base/rest/api/3/issue\"\n  Method = 'Post'\n}\nInvoke-RestMethod @params\n").0, "POST");
        // .NET object initializers, both brace styles.
        assert_eq!(one("var request = new HttpRequestMessage\n{\n    RequestUri = new Uri(baseUrl + \"/rest/api/3/issue\"),\n    Method = HttpMethod.Post,\n};\n").0, "POST");
        assert_eq!(one("var request = new HttpRequestMessage {\n    RequestUri = new Uri(baseUrl + \"/rest/api/3/issue/\" + key),\n    Method = HttpMethod.Delete,\n};\n").0, "DELETE");
        // Go: fmt.Sprintf into a variable, then NewRequest.
        assert_eq!(one("u := fmt.Sprintf(\"%s/rest/api/3/issue/%s\", base, key)\nr, _ := http.NewRequest(\"DELETE\", u, nil)\n").0, "DELETE");
        // Kotlin (Ktor) and Ruby.
        assert_eq!(
            one("val url = \"$base/rest/api/3/issue/$key\"\nclient.delete(url)\n").0,
            "DELETE"
        );
        assert_eq!(
            one("HTTParty.put(\"#{base}/rest/api/3/issue/#{key}\", body: b)").0,
            "PUT"
        );
        // A URL in a variable handed to a tool that sends GET unless told otherwise.
        assert_eq!(
            one("const u = base + '/wiki/api/v2/pages/' + id;\nconst res = await fetch(u);\n").0,
            "GET"
        );
        assert_eq!(
            one("$uri = \"$base/rest/api/3/project\"\nInvoke-RestMethod -Uri $uri -Headers $h\n").0,
            "GET"
        );
        assert_eq!(
            one("URL=\"$JIRA/rest/api/3/issue/$KEY\"\ncurl -u \"$U:$T\" \"$URL\" -d @body.json\n")
                .0,
            "POST"
        );
        assert_eq!(
            one("const u = base + '/rest/api/3/issue';\nconst res = await fetch(u, opts);\n").0,
            "?"
        );
        // A method held in a variable is not known: no guess.
        assert_eq!(
            one("url = f\"{BASE}/rest/api/3/issue/{key}\"\nresp = requests.request(method, url)\n")
                .0,
            "?"
        );
    }

    #[test]
    fn comments_and_docs_are_not_calls() {
        assert!(find_calls("/// <example>\n/// client.DeleteAsync(\"/rest/api/3/issue/OPS-1\");\n/// </example>\npublic void X() {}\n").is_empty());
        assert!(find_calls("# curl -X POST https://acme.atlassian.net/rest/api/3/issue\n// GET /rest/api/3/myself\n").is_empty());
        assert!(
            find_calls(
                "/**\n * Example: client.post('/rest/api/3/issue', body)\n */\nfunction f() {}\n"
            )
            .is_empty()
        );
        assert!(find_calls("<#\n.EXAMPLE\n    Invoke-JiraMethod -Method Post -Uri '/rest/api/2/issue'\n#>\nfunction Get-X {}\n").is_empty());
        assert!(find_calls("def create():\n    \"\"\"Create an issue.\n\n    Example: POST /rest/api/3/issue\n    \"\"\"\n    return 1\n").is_empty());
        assert_eq!(find_calls("def create():\n    \"\"\"Create an issue.\"\"\"\n    return requests.post(BASE + '/rest/api/3/issue')\n").len(), 1);
    }
}
