//! AT201 direct-site-url: a REST call, or an API client's base URL, on
//! `https://SITE.atlassian.net` instead of the gateway.
use super::common;
use crate::lint::{Cx, FileKind, Hit};
use crate::surface::{self, Product};

/// An Atlassian CLI's or client tool's own configuration (issue 16): its own file, so that the
/// general detector and this class change apart.
mod tool_config;

fn fix_for(site: &str, path: &str, hint: Option<Product>) -> String {
    let gateway = surface::gateway_url_for_site_path(path, hint, None);
    format!(
        "use {gateway} (cloud ID: curl https://{site}.atlassian.net/_edge/tenant_info); scoped and service-account tokens are rejected with 401 on the site URL"
    )
}

/// What [`Said`]'s words were made from: why, key kind, scheme, site, path and product hint.
type SaidFrom = (
    &'static str,
    &'static str,
    &'static str,
    String,
    String,
    Option<Product>,
);

/// A group of a `site-url` match: where it is in the text and what it says (what
/// `regex::Match` gives, for groups read off the match without a capture pass).
#[derive(Clone, Copy)]
struct Group<'t> {
    start: usize,
    text: &'t str,
}

impl<'t> Group<'t> {
    fn at(text: &'t str, r: std::ops::Range<usize>) -> Group<'t> {
        Group {
            start: r.start,
            text: &text[r],
        }
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
    fn as_str(&self) -> &'t str {
        self.text
    }
}

/// The `url`, `site` and `path` groups of the `site-url` match `found`. A plain URL
/// (ASCII, `http(s)://`, an optional `www.`, a site name of letters, digits, `_` and `-`,
/// `.atlassian.net`, then a path or nothing) has one way to match: `url` is the match, `site`
/// the name (after `www.` when there is one and a name follows it), `path` the rest. Others
/// (templated sites, `ſ`) are captured (a capture pass per URL was a third of the rule's time
/// on a file of 270,000 of them; issue 12, class 5). `tests::site_url_groups_are_the_captures`
/// compares the two.
fn site_url_groups<'t>(
    re: &regex::Regex,
    slots: &mut regex::CaptureLocations,
    text: &'t str,
    found: regex::Match<'t>,
) -> Option<(Group<'t>, Group<'t>, Option<Group<'t>>)> {
    let m = found.as_str();
    let b = m.as_bytes();
    let plain = || {
        if !m.is_ascii() {
            return None;
        }
        let host_from = if b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://") {
            8
        } else if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://") {
            7
        } else {
            return None;
        };
        let host_end = m[host_from..].find('/').map_or(m.len(), |i| host_from + i);
        const SUFFIX: &str = ".atlassian.net";
        let name_end = host_end.checked_sub(SUFFIX.len())?;
        if name_end < host_from || !m[name_end..host_end].eq_ignore_ascii_case(SUFFIX) {
            return None;
        }
        let site_name = |s: &str| {
            s.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        };
        let name = &m[host_from..name_end];
        let site_from =
            if name.len() > 4 && name[..4].eq_ignore_ascii_case("www.") && site_name(&name[4..]) {
                host_from + 4
            } else if site_name(name) {
                host_from
            } else {
                return None;
            };
        Some((
            site_from..name_end,
            (host_end < m.len()).then_some(host_end..m.len()),
        ))
    };
    let at = found.start();
    if let Some((site, path)) = plain() {
        return Some((
            Group::at(text, found.range()),
            Group::at(text, at + site.start..at + site.end),
            path.map(|p| Group::at(text, at + p.start..at + p.end)),
        ));
    }
    // The same match, found again from where it starts (the pattern looks at nothing before
    // it), with its groups.
    re.captures_read_at(slots, text, at)?;
    let group = |name: &str| {
        let i = re.capture_names().position(|n| n == Some(name))?;
        slots.get(i).map(|(s, e)| Group::at(text, s..e))
    };
    Some((group("url")?, group("site")?, group("path")))
}

/// The words of the last site-URL finding, made again only when what they say changes: a
/// file repeats the same URL (issue 12, class 5: a file of 270,000 formatted its message, key
/// and fix, with the gateway URL, for each).
#[derive(Default)]
struct Said {
    from: Option<SaidFrom>,
    message: String,
    key: String,
    fix: String,
}

impl Said {
    fn words(
        &mut self,
        why: &'static str,
        kind: &'static str,
        scheme: &'static str,
        site: &str,
        path: &str,
        hint: Option<Product>,
    ) -> &Said {
        let same = self.from.as_ref().is_some_and(|(w, k, sc, si, p, h)| {
            *w == why && *k == kind && *sc == scheme && si == site && p == path && *h == hint
        });
        if !same {
            self.message = format!("{why} {scheme}://{site}.atlassian.net{path}");
            self.key = format!("{kind}:{site}{path}");
            self.fix = fix_for(site, path, hint);
            self.from = Some((why, kind, scheme, site.to_string(), path.to_string(), hint));
        }
        self
    }
}

fn product_hint(s: &str) -> Option<Product> {
    let l = s.to_ascii_lowercase();
    if l.contains("confluence") || l.contains("wiki") {
        Some(Product::Confluence)
    } else if l.contains("jira") {
        Some(Product::Jira)
    } else {
        None
    }
}

/// Where the words that [`product_hint`] and the REST-path test look for occur in the file,
/// found in one pass: a line of many base URLs (a generated one-line file) had the 4 KiB before
/// and after each URL lower-cased and searched anew, for each of 270,000 URLs (issue 12,
/// class 5). Every occurrence is kept, overlapping ones too, so that [`Words::within`] says
/// exactly what `contains` on the slice says.
struct Words {
    /// Start offsets of each of [`WORDS`], sorted.
    at: Vec<Vec<usize>>,
}

/// [`product_hint`]'s words (any ASCII case), then the REST paths (as written).
const WORDS: [&str; 6] = [
    "confluence",
    "wiki",
    "jira",
    "/rest/",
    "/wiki/rest",
    "/wiki/api",
];
const HINT_WORDS: usize = 3;

impl Words {
    fn new(text: &str) -> Words {
        let mut at = vec![Vec::new(); WORDS.len()];
        for (words, ci, first) in [
            (&WORDS[..HINT_WORDS], true, 0),
            (&WORDS[HINT_WORDS..], false, HINT_WORDS),
        ] {
            let Ok(ac) = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(ci)
                .build(words)
            else {
                continue;
            };
            for m in ac.find_overlapping_iter(text) {
                at[first + m.pattern().as_usize()].push(m.start());
            }
        }
        Words { at }
    }

    /// Does word `w` occur inside `range` of the text?
    fn within(&self, w: usize, range: std::ops::Range<usize>) -> bool {
        let starts = &self.at[w];
        let i = starts.partition_point(|&s| s < range.start);
        starts
            .get(i)
            .is_some_and(|&s| s + WORDS[w].len() <= range.end)
    }

    /// [`product_hint`] of the text in `range`.
    fn hint(&self, range: std::ops::Range<usize>) -> Option<Product> {
        if self.within(0, range.clone()) || self.within(1, range.clone()) {
            Some(Product::Confluence)
        } else if self.within(2, range) {
            Some(Product::Jira)
        } else {
            None
        }
    }
}

/// The path as far as it is literal: without trailing punctuation or the start of an
/// unterminated template (`${{ ...`).
fn clean_path(path: &str) -> &str {
    let path = match path.find("{{") {
        Some(i) if !path[i..].contains("}}") => path[..i].trim_end_matches('$'),
        _ => path,
    };
    let path = path.trim_end_matches(['.', ':']);
    // `${URL:=https://acme.atlassian.net/wiki}`: the placeholder's closing brace.
    let opened = path.matches('{').count();
    let path = if path.ends_with('}') && path.matches('}').count() > opened {
        path.trim_end_matches('}')
    } else {
        path
    };
    // `{{host}}//rest/api/3/...` (REST Client files join a base and a path with a slash).
    let trimmed = path.trim_start_matches('/');
    if path.len() - trimmed.len() > 1 {
        &path[path.len() - trimmed.len() - 1..]
    } else {
        path
    }
}

/// In a configuration file, is the key inside a `jira:` / `"confluence": {` section? Looks
/// at the few lines above the value.
fn nested_in_atlassian_section(cx: &Cx<'_>, at: usize) -> bool {
    const WORDS: [&str; 3] = ["jira", "confluence", "atlassian"];
    // A file named for the product (`jira.properties`, `confluence.env`).
    let name = cx
        .path
        .rsplit('/')
        .next()
        .unwrap_or(cx.path)
        .to_ascii_lowercase();
    // The folder a tool reads its configuration from (`.jira.d/config.yml` of go-jira's CLI,
    // `jira/settings.yml`): only the file's own folder, by its exact name.
    let parent = cx
        .path
        .rsplit('/')
        .nth(1)
        .unwrap_or("")
        .to_ascii_lowercase();
    let parent = parent.trim_start_matches('.').trim_end_matches(".d");
    // A Postman environment or collection, a REST Client file: variables for API requests.
    if WORDS.iter().any(|w| name.contains(w) || parent == *w)
        || name.ends_with(".postman_environment.json")
        || name.ends_with(".postman_collection.json")
        || name.ends_with(".http")
        || name.ends_with(".rest")
    {
        return true;
    }
    // The INI / TOML section the key is in (`[jira]`), however far above.
    let (_, line_start) = cx.line_at(at);
    // At most 64 KiB above: a section header further up is not looked for.
    let scan_from = crate::lines::floor_boundary(cx.text, line_start.saturating_sub(64 * 1024));
    let header = matches!(cx.kind, FileKind::Ini | FileKind::Toml)
        .then(|| {
            cx.text[scan_from..line_start]
                .lines()
                .rev()
                .map(str::trim)
                .find(|l| l.starts_with('[') && l.ends_with(']'))
        })
        .flatten();
    if header.is_some_and(|h| WORDS.iter().any(|w| h.to_ascii_lowercase().contains(w))) {
        return true;
    }
    if parent_section_named(cx, at) {
        return true;
    }
    let from = crate::lines::floor_boundary(cx.text, at.saturating_sub(300));
    let (_, line_start) = cx.line_at(at);
    // The value's own line may be longer than the window: then nothing above is in it.
    let above = cx.text[from.min(line_start)..line_start].to_ascii_lowercase();
    // A window that starts inside a line (the tail of an earlier `url: https://x.atlassian.net`)
    // does not see that line's key: the words of its value are not a section's name.
    let above = match above.find('\n') {
        Some(n) if from > 0 && cx.text.as_bytes()[from - 1] != b'\n' => above[n + 1..].to_string(),
        Some(_) => above,
        None if from > 0 && from < line_start && cx.text.as_bytes()[from - 1] != b'\n' => {
            String::new()
        }
        None => above,
    };
    // The word must name a section or key (`jira:`, `"confluence": {`, `jira {`,
    // `JIRA_USER=`) or stand in a comment; in a value (`title: Jira`, an earlier
    // `url: https://acme.atlassian.net`) it names a link, not the section.
    above.lines().any(|l| {
        let t = l.trim_start();
        if t.starts_with(['#', ';']) || t.starts_with("//") {
            return WORDS.iter().any(|w| t.contains(w));
        }
        let (key, value) = t.split_once([':', '=']).unwrap_or((t, ""));
        // An entry named for the product (`- id: jira`, `name: confluence`) is its section too.
        let naming = [
            "id",
            "name",
            "type",
            "provider",
            "service",
            "kind",
            "integration",
            "app",
        ]
        .contains(&key.trim_start_matches(['-', ' ']).trim_matches(['"', '\'']));
        WORDS
            .iter()
            .any(|w| key.contains(w) || naming && value.trim().trim_matches(['"', '\'', ',']) == *w)
    })
}

/// Does a section that encloses offset `at`, far above (at most 4 KiB and, in YAML, 40 lines: a
/// file of many such values is read a bounded amount per value), name the
/// product: a YAML parent key (the lines above with less indentation: `jira:` ... `url:` twenty
/// keys further down), or the key of an enclosing `{` block (JSON `"jira": {`, HOCON `jira {`),
/// at most four levels up?
fn parent_section_named(cx: &Cx<'_>, at: usize) -> bool {
    const WORDS: [&str; 3] = ["jira", "confluence", "atlassian"];
    let names = |key: &str| {
        let k = key.to_ascii_lowercase();
        WORDS.iter().any(|w| k.contains(w))
    };
    let (line, line_start) = cx.line_at(at);
    let from = crate::lines::floor_boundary(cx.text, line_start.saturating_sub(4 * 1024));
    let above = &cx.text[from..line_start];
    // A window that starts inside a line does not see that line's key.
    let above = match above.find('\n') {
        Some(n) if from > 0 && cx.text.as_bytes()[from - 1] != b'\n' => &above[n + 1..],
        _ => above,
    };
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    if matches!(cx.kind, FileKind::Yaml | FileKind::Markdown) {
        let mut current = indent(line);
        // At most 40 lines up: a section is named near the keys it holds.
        for l in above.lines().rev().take(40) {
            if current == 0 {
                break;
            }
            let t = l.trim();
            if t.is_empty() || t.starts_with('#') || t.starts_with("```") {
                continue;
            }
            let i = indent(l);
            if i < current {
                let key = t
                    .trim_start_matches(['-', ' '])
                    .split(':')
                    .next()
                    .unwrap_or("");
                if names(key) {
                    return true;
                }
                current = i;
            }
        }
        if cx.kind == FileKind::Yaml {
            return false;
        }
    }
    // Enclosing `{` blocks: walk back over balanced braces.
    let mut depth = 0usize;
    let mut levels = 0;
    let bytes = above.as_bytes();
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b'}' => depth += 1,
            b'{' if depth > 0 => depth -= 1,
            b'{' => {
                let head_start = above[..i].rfind('\n').map_or(0, |n| n + 1);
                let head = above[head_start..i].trim_end().trim_end_matches([':', '=']);
                let key = head
                    .trim_end()
                    .trim_matches(['"', '\''])
                    .rsplit(['"', '\'', ' ', '\t', ',', '{', '['])
                    .next()
                    .unwrap_or("");
                if names(key) {
                    return true;
                }
                levels += 1;
                if levels == 4 {
                    break;
                }
            }
            _ => {}
        }
    }
    false
}

/// Is offset `at` in configuration: a configuration file, or a fenced configuration block
/// (`yaml`, `ini`, `properties`, `hocon`, `toml`, `json`, `env`, `hcl`) of a Markdown file?
fn config_at(
    cx: &Cx<'_>,
    fenced: &mut Option<Vec<(std::ops::Range<usize>, Option<FileKind>)>>,
    at: usize,
) -> bool {
    if cx.kind != FileKind::Markdown {
        return cx.kind.is_config();
    }
    let fences = fenced.get_or_insert_with(|| common::markdown_fences(cx.text));
    common::fence_at(fences, at).is_some_and(|(_, k)| k.is_some())
}

/// Is offset `at` an argument of a call or constructor named for the product
/// (`JiraConfig(username = ..., host = "acme.atlassian.net")`, `new ConfluenceClient(url: ...)`)?
/// Looks back at most 400 bytes for the innermost unclosed `(`.
fn inside_atlassian_call(cx: &Cx<'_>, at: usize) -> bool {
    let from = crate::lines::ceil_boundary(cx.text, at.saturating_sub(400));
    let before = &cx.text[from..at];
    let mut depth = 0usize;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            '(' => {
                let head = before[..i].trim_end();
                let start = head
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .map_or(0, |(p, c)| p + c.len_utf8());
                let name = head[start..].to_ascii_lowercase();
                return ["jira", "confluence", "atlassian"]
                    .iter()
                    .any(|w| name.contains(w));
            }
            _ => {}
        }
    }
    false
}

/// A pretty-printed key/value pair (Postman environments, n8n, many JSON settings):
/// `"key": "baseUrl",` on a line above `"value": "https://...`. Reduced to `"baseUrl": "`.
fn key_value_before(cx: &Cx<'_>, line_start: usize, before: &str) -> Option<String> {
    let t = before.trim_start();
    // A Kubernetes / compose env list: `- name: JIRA_URL` above `value: https://...`.
    if t.starts_with("value:") && t.trim_end_matches(['"', '\'', ' ']) == "value:" {
        let from = crate::lines::ceil_boundary(cx.text, line_start.saturating_sub(200));
        let above = cx.text[from..line_start].lines().next_back()?.trim();
        let name = above.trim_start_matches(['-', ' ']).strip_prefix("name:")?;
        let name = name.trim().trim_matches(['"', '\'']);
        return Some(format!("{name}="));
    }
    if !(t.starts_with("\"value\"") && t.trim_end_matches(['"', ' ']).ends_with(':')) {
        return None;
    }
    let from = crate::lines::ceil_boundary(cx.text, line_start.saturating_sub(300));
    let above = cx.text[from..line_start].lines().rev().take(4);
    for l in above {
        let l = l.trim();
        if let Some(rest) = l.strip_prefix("\"key\"") {
            let k = rest
                .trim_start()
                .strip_prefix(':')?
                .trim()
                .trim_end_matches(',');
            let k = k.trim_matches('"');
            return Some(format!("\"{k}\": \""));
        }
        if l.starts_with('{') || l.starts_with('}') {
            return None;
        }
    }
    None
}

/// `before.rfind("${")`, looking for `{` with `memrchr` (SIMD): the line before each URL is
/// up to 4 KiB, and the generic reverse search of a two-byte needle was a fifth of the time
/// of a line of many base URLs (issue 12, class 5).
fn rfind_placeholder(before: &str) -> Option<usize> {
    let b = before.as_bytes();
    let mut end = b.len();
    while let Some(i) = memchr::memrchr(b'{', &b[..end]) {
        if i > 0 && b[i - 1] == b'$' {
            return Some(i - 1);
        }
        end = i;
    }
    None
}

/// The line before a URL, reduced to `KEY=` when the URL is the fallback of an
/// assignment: `host = process.env.JIRA_HOST || '`, `JIRA_URL = os.getenv("JIRA_URL", "`,
/// `: "${JIRA_URL:-`. Otherwise the line as it is.
fn assignment_before(before: &str) -> std::borrow::Cow<'_, str> {
    // The default of a placeholder: shell `${JIRA_URL:-`, `${JIRA_URL:=`, `${JIRA_URL-`,
    // Spring `${jira.url:`. The default is what runs when the variable is unset.
    if let Some(open) = rfind_placeholder(before) {
        let inner = before[open + 2..].trim_start_matches('?');
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .unwrap_or(inner.len());
        let (mut name, op) = inner.split_at(name_end);
        let mut op = op;
        // `${JIRA_URL-https://...}`: the `-` was read as part of the name.
        if op.is_empty()
            && let Some(n) = name.strip_suffix('-')
        {
            name = n;
            op = "-";
        }
        if !name.is_empty() && [":-", ":=", ":", "-", "="].contains(&op) {
            return format!("{name}=").into();
        }
    }
    let trimmed = before.trim_end_matches(['"', '\'', '`', ' ']);
    let fallback = trimmed.ends_with("||")
        || trimmed.ends_with("??")
        || trimmed.ends_with(" or")
        || trimmed.ends_with(',')
        || trimmed.ends_with(":-")
        || trimmed.ends_with("${");
    if !fallback {
        return before.into();
    }
    // The last `KEY =` / `KEY:` on the line.
    let bytes = before.as_bytes();
    for (i, c) in before.char_indices().rev() {
        if c == '=' || c == ':' {
            if i + 1 < bytes.len() && (bytes[i + 1] == b'=' || bytes[i + 1] == b'-') {
                continue;
            }
            let key_end = before[..i].trim_end().trim_end_matches(['"', '\'']);
            // After the last character that cannot be in a key (which may be multi-byte).
            let key_start = key_end
                .char_indices()
                .rev()
                .find(|&(_, ch)| {
                    !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '-')
                })
                .map_or(0, |(p, ch)| p + ch.len_utf8());
            let key = &key_end[key_start..];
            if !key.is_empty() && !key.starts_with(|ch: char| ch.is_ascii_digit()) {
                return format!("{key}=").into();
            }
        }
    }
    before.into()
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    // Atlassian Connect apps authenticate with a JWT and must call the site itself.
    if cx.pattern("connect-app").is_match(cx.text) {
        return;
    }
    let mut uses_rest: Option<bool> = None;
    let mut has_credential: Option<bool> = None;
    let mut oauth_app: Option<bool> = None;
    let mut fenced = None;
    let mut joined: Vec<(String, bool)> = Vec::new();
    let mut outside: Vec<(String, bool)> = Vec::new();
    let words = std::cell::OnceCell::new();
    let mut said = Said::default();
    let site_url = cx.pattern("site-url");
    let mut slots = site_url.capture_locations();
    for found in site_url.find_iter(cx.text) {
        let Some((url, site, path_m)) = site_url_groups(site_url, &mut slots, cx.text, found)
        else {
            continue;
        };
        let path = clean_path(path_m.map_or("", |p| p.as_str()));
        let site = display_site(site.as_str());
        let site = site.as_str();
        // The scheme as written (`http://` is AT205's finding too, but the address is this one).
        let scheme = if url
            .as_str()
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("http:"))
        {
            "http"
        } else {
            "https"
        };
        if surface::api_family(path).is_some() {
            // `"self": "https://acme.atlassian.net/rest/api/3/issue/10001"` is data that
            // Jira returned (a fixture, a recorded response), not a call.
            let before = common::line_prefix(cx, url.start()).trim_end_matches(['"', '\'', ' ']);
            if before.ends_with("\"self\":")
                || before.ends_with("self:")
                || before.ends_with("\"self\" :")
            {
                continue;
            }
            let end = (path_m.map_or(url.end(), |p| p.start() + path.len())).min(url.end());
            let w = said.words(
                "REST call to the site URL",
                "rest",
                scheme,
                site,
                path,
                None,
            );
            out.push(
                Hit::new(url.start()..end, w.message.clone(), w.key.clone()).fix(w.fix.clone()),
            );
            continue;
        }
        // A base URL: the site alone, or with `/wiki`; `/rest` and `/wiki/rest` are REST bases.
        let base_path = path.trim_end_matches('/');
        let rest_base =
            base_path.eq_ignore_ascii_case("/rest") || base_path.eq_ignore_ascii_case("/wiki/rest");
        if !(base_path.is_empty() || base_path.eq_ignore_ascii_case("/wiki") || rest_base) {
            continue;
        }
        let (line, line_start) = cx.line_at(url.start());
        let before = match key_value_before(cx, line_start, &cx.text[line_start..url.start()]) {
            Some(kv) => kv.into(),
            None => assignment_before(&cx.text[line_start..url.start()]),
        };
        // The line before the URL as it is (not reduced to a key): its words are looked up.
        let raw_before = matches!(before, std::borrow::Cow::Borrowed(_));
        let before = &*before;
        let after_range = url.end().min(line_start + line.len())..line_start + line.len();
        let words = words.get_or_init(|| Words::new(cx.text));
        let hint = if raw_before {
            words.hint(line_start..url.start())
        } else {
            product_hint(before)
        }
        .or(product_hint(base_path));
        let mut report = |out: &mut Vec<Hit>, why: &'static str| {
            let w = said.words(why, "base", scheme, site, base_path, hint);
            out.push(
                Hit::new(
                    url.start()..url.start() + url.as_str().trim_end_matches(['.', ':']).len(),
                    w.message.clone(),
                    w.key.clone(),
                )
                .fix(w.fix.clone()),
            );
        };
        if rest_base {
            report(out, "REST API base URL set to the site URL");
        } else if words.within(3, after_range.clone())
            || words.within(4, after_range.clone())
            || words.within(5, after_range)
        {
            report(out, "REST URL built on the site URL");
        } else if *oauth_app.get_or_insert_with(|| cx.pattern("oauth-app").is_match(cx.text))
            && !assigned_name(before).is_some_and(|n| joined_with_rest(cx, n, &mut joined))
        {
            // An OAuth 2.0 (3LO) app: its tokens only work on
            // `api.atlassian.com/ex/...`, and the site URL names the site (matched against the
            // accessible resources, looked up for the cloud ID), not an API base; unless the
            // variable holding it is joined with REST paths (`"$JIRA_URL/rest/api/3/..."`).
        } else if cx.pattern("strong-base-key").is_match(before)
            || cx
                .pattern("strong-base-key")
                .is_match(&cx.text[line_start..url.start()])
            || enclosing_block_named(cx, url.start(), before)
                && !assigned_name(before)
                    .is_some_and(|n| joined_only_outside_api(cx, n, &mut outside))
        {
            report(out, "Atlassian API base URL set to the site URL");
        } else if cx
            .pattern("client-base-call")
            .is_match(&cx.text[line_start..url.start()])
        {
            // `Retrofit.Builder().baseUrl("https://...")`, `new RestClient("https://...")`: an
            // HTTP client's base, also when its REST paths are in another file.
            report(out, "API client base URL set to the site URL");
        } else if let Some(name) = cx
            .pattern("assigned-to")
            .captures(before)
            .and_then(|c| c.name("name"))
            .map(|n| n.as_str())
            && joined_only_outside_api(cx, name, &mut outside)
        {
            // `SITE = "https://acme.atlassian.net"` joined only with `/_edge/tenant_info` or
            // `/browse/...`: how the cloud ID is found, or links for people.
        } else if client_call_with_credentials(cx, url.start(), url.end()) {
            // `NewAPI("https://acme.atlassian.net/wiki", "bot@acme.com", token)`,
            // `new Client(url, user, process.env.TOKEN)`: an API client built on the site.
            report(out, "API client built on the site URL");
        } else if cli_option_with_credentials(cx, url.start(), url.end()) {
            // `acli --server https://acme.atlassian.net --user bot@acme.com --token "$T"`.
            report(
                out,
                "API client base URL given on the command line as the site URL",
            );
        } else if (cx.pattern("base-key").is_match(before)
            || cx.pattern("base-call").is_match(before))
            && (*uses_rest.get_or_insert_with(|| cx.pattern("rest-usage").is_match(cx.text))
                || config_at(cx, &mut fenced, url.start())
                    && nested_in_atlassian_section(cx, url.start())
                || inside_atlassian_call(cx, url.start()))
        {
            report(out, "API client base URL set to the site URL");
        } else if cx.pattern("base-key").is_match(before)
            && *has_credential.get_or_insert_with(|| api_credential(cx))
        {
            // `SITE_URL = "https://acme.atlassian.net"` beside `API_TOKEN = ...`: the
            // settings of an API client, whichever file then uses them.
            report(out, "API client base URL set to the site URL");
        } else if let Some(name) = cx
            .pattern("assigned-to")
            .captures(before)
            .and_then(|c| c.name("name"))
            .map(|n| n.as_str())
            && joined_with_rest(cx, name, &mut joined)
        {
            // `JIRA = "https://acme.atlassian.net"` ... `JIRA + "/rest/api/3/myself"`.
            report(out, "REST URL built on the site URL");
        } else if cx
            .pattern("format-before")
            .is_match(&cx.text[line_start..url.start()])
            || joined_in_call(cx, url.start(), url.end())
        {
            // `"%s/rest/api/2/search" % "https://..."`, `url.JoinPath("https://...", "rest",
            // "api", "3")`, `os.path.join("https://...", "rest/api/2/issue", key)`.
            report(out, "REST URL built on the site URL");
        } else if cx.pattern("returned").is_match(before)
            && returning_function(cx, line_start)
                .is_some_and(|f| called_and_joined_with_rest(cx, f, &mut joined))
        {
            // `func base(site string) string { return fmt.Sprintf("https://%s.atlassian.net",
            // site) }` ... `base(site) + "/rest/api/3/issue/"`.
            report(out, "REST URL built on the site URL (through a function)");
        }
    }
    // A bare host handed straight to an HTTP client: `HTTPSConnection("acme.atlassian.net")`.
    for caps in cx.pattern("host-client").captures_iter(cx.text) {
        let Some(site) = caps.name("site") else {
            continue;
        };
        let host_end = site.end() + ".atlassian.net".len();
        out.push(
            Hit::new(
                site.start()..host_end,
                format!(
                    "HTTP client pointed at the site host {}.atlassian.net",
                    site.as_str()
                ),
                format!("hostclient:{}", site.as_str()),
            )
            .fix(fix_for(site.as_str(), "", None)),
        );
    }
    // A scheme-less host in a variable, then used for REST:
    // `JIRA_DOMAIN=acme.atlassian.net` ... `curl "https://$JIRA_DOMAIN/rest/api/3/group"`.
    // Each variable is searched for once (thousands of assignments of one variable would
    // otherwise rescan the file thousands of times), and at most 64 variables.
    let mut searched = std::collections::HashSet::new();
    let places = std::cell::OnceCell::new();
    let mut tenant_only = std::collections::HashMap::new();
    let mut handed_to = std::collections::HashMap::new();
    let gateway_used = cx.text.contains("api.atlassian.com/ex/");
    for caps in cx.pattern("host-var").captures_iter(cx.text) {
        let (Some(var_m), Some(site)) = (caps.name("var"), caps.name("site")) else {
            continue;
        };
        // A Postman / JSON variable list: `"key": "host", "value": "acme.atlassian.net"`.
        let keyed = (var_m.as_str() == "value")
            .then(|| value_key(cx, var_m.start()))
            .flatten();
        let var_name = keyed.unwrap_or(var_m.as_str());
        if searched.len() >= 64 || !searched.insert((var_name, site.as_str())) {
            continue;
        }
        let host_end = site.end() + ".atlassian.net".len();
        // `host: acme.atlassian.net/rest/...` is a URL without its scheme, not a host.
        if cx.text[host_end..].starts_with(['/', '.', '-', '@']) {
            continue;
        }
        // `{ hostname: 'acme.atlassian.net', path: '/rest/api/3/myself' }`, `UriBuilder { Host =
        // ..., Path = "rest/api/3/..." }`: the host and a REST path in one request.
        let generic_key = ["host", "hostname"].contains(&var_name.to_ascii_lowercase().as_str());
        if generic_key && rest_path_near(cx, var_m.start(), host_end) {
            let site = site.as_str();
            out.push(
                Hit::new(
                    site_start(host_end, site)..host_end,
                    format!("Request to the site host {site}.atlassian.net with a REST path"),
                    format!("hostpath:{var_name}:{site}"),
                )
                .fix(fix_for(site, "/rest/api/3", None)),
            );
            continue;
        }
        let var = var_m;
        let before_reported = out.len();
        let uses = format!(
            r#"https?://(?:\$\{{|\$|\{{\{{?\s*){}\s*\}}?\}}?(?P<path>/[^\s"'`<>)\]\\|,;]*)"#,
            regex::escape(var_name)
        );
        let Some(re) = crate::lint::built_pattern(uses) else {
            continue;
        };
        for u in re.captures_iter(cx.text) {
            let Some(p) = u.name("path") else { continue };
            let path = clean_path(p.as_str());
            if surface::api_family(path).is_none() {
                continue;
            }
            let site = site.as_str();
            let whole = u.get(0).map_or(p.range(), |m| m.range());
            out.push(
                Hit::new(
                    whole.start..p.start() + path.len(),
                    format!("REST call to the site URL https://{site}.atlassian.net{path} (through `{var_name}`)"),
                    format!("hostvar:{var_name}:{site}{path}"),
                )
                .fix(fix_for(site, path, None)),
            );
        }
        if out.len() > before_reported {
            continue;
        }
        let generic = ["host", "hostname", "server", "domain", "site", "jira_host"]
            .iter()
            .any(|k| var_name.to_ascii_lowercase().ends_with(k));
        // `JiraConfig(user = ..., host = "acme.atlassian.net")`: the host handed to the
        // product's client, whatever else the file does.
        let in_client_call = generic && inside_atlassian_call(cx, var.start());
        if gateway_used && !in_client_call {
            continue;
        }
        // Not used in a URL here: the host itself configures an API client when its key names
        // the product (`JIRA_HOST=acme.atlassian.net`), or when it is handed to an HTTP client
        // (`host = "acme.atlassian.net"` ... `HTTPSConnection(host)`, `{ host }`).
        let key_line = cx.line_at(var.start()).0;
        let var = var_name;
        if key_line.contains(TENANT_INFO) || {
            let places = places.get_or_init(|| NeedlePlaces::new(cx.text));
            *tenant_only
                .entry(var)
                .or_insert_with(|| is_tenant_info_only(cx, var, places))
        } {
            continue;
        }
        // The host made into a base URL that an API client is given: `baseURL:
        // `https://${host}``, `BASE="https://$SITE"` (then `$BASE/rest/...`), `JIRA(server=
        // f"https://{JIRA_HOST}")`. The same judgement as for a literal site URL.
        if let Some(base_use) =
            built_base_use(cx, var, &mut uses_rest, &mut has_credential, &mut outside)
        {
            let site = site.as_str();
            out.push(
                Hit::new(
                    site_start(host_end, site)..host_end,
                    format!(
                        "API client base URL built on the site host {site}.atlassian.net (through `{var}`: {base_use})"
                    ),
                    format!("hostbase:{var}:{site}"),
                )
                .fix(fix_for(site, "", product_hint(var))),
            );
            continue;
        }
        // `confluence.host=acme.atlassian.net`, `jira-server: ...`: the whole dotted or dashed
        // key before the variable's last part names the product.
        let key_prefix = if keyed.is_some() {
            ""
        } else {
            let head = &cx.text[..var_m.start()];
            let len: usize = head
                .chars()
                .rev()
                .take(100)
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                .map(char::len_utf8)
                .sum();
            &head[head.len() - len..]
        };
        let strong = cx
            .pattern("strong-base-key")
            .is_match(&format!("{key_prefix}{var}="));
        // What the file does with the variable depends on its name only: asked once per name,
        // not once per assignment (a file of thousands of `"host": "sN.atlassian.net"` pairs).
        let (handed, host_client, to_product_call) = *handed_to.entry(var).or_insert_with(|| {
            let handed = {
                let v = regex::escape(var);
                let shorthand = if var == "host" {
                    r"|\{\s*(?:\w+\s*,\s*)*host\s*[,}]"
                } else {
                    ""
                };
                crate::lint::built_pattern(format!(
                    r"(?:HTTPSConnection|HTTPConnection|HttpHost|UriBuilder|setHost|withHost|Host)\s*\(\s*(?:host\s*=\s*)?(?:self\.|this\.)?{v}\b|\bhost\s*[:=]\s*(?:self\.|this\.)?{v}\b{shorthand}"
                ))
                .is_some_and(|re| re.is_match(cx.text))
            };
            // Handed straight to a client that takes a host (`HTTPSConnection(host)`,
            // `Uri.https(host, path)`): an HTTP client on the site, whatever the variable's name.
            let host_client = crate::lint::built_pattern(format!(
                r"(?:HTTPSConnection|HTTPConnection|HttpHost|\bUri\.https?)\s*\(\s*(?:host\s*=\s*)?(?:self\.|this\.)?{}\b",
                regex::escape(var)
            ))
            .is_some_and(|re| re.is_match(cx.text));
            // Handed to a call named for the product: `new ExplicitJiraServerLocationProvider(true,
            // _hostName)`, `JiraClient(host)`.
            let to_product_call = generic
                && crate::lint::built_pattern(format!(
                    r"(?i)\w*(?:jira|confluence|atlassian)\w*\s*\([^()\n]{{0,80}}\b(?-i:{})\b",
                    regex::escape(var)
                ))
                .is_some_and(|re| re.is_match(cx.text));
            (handed, host_client, to_product_call)
        });
        let mut rest_usage =
            || *uses_rest.get_or_insert_with(|| cx.pattern("rest-usage").is_match(cx.text));
        if strong && (config_at(cx, &mut fenced, site.start()) || rest_usage())
            || generic && handed && rest_usage()
            || generic
                && config_at(cx, &mut fenced, site.start())
                && nested_in_atlassian_section(cx, site.start())
            || in_client_call
            || host_client
            || to_product_call
        {
            let site = site.as_str();
            out.push(
                Hit::new(
                    host_end - ".atlassian.net".len() - site.len()..host_end,
                    format!("API client host `{key_prefix}{var}` set to the site host {site}.atlassian.net"),
                    format!("hostkey:{var}:{site}"),
                )
                .fix(fix_for(site, "", product_hint(var))),
            );
        }
    }
    // An Atlassian CLI's or client tool's own configuration (go-jira, jira-cli, JiraPS, acli).
    tool_config::check(cx, out);
    tool_config::drop_notebook_outputs(cx, out);
}

/// Is the variable `name` joined with a REST path somewhere in the file (`name + "/rest/...`,
/// `f"{name}/rest/..."`, `"${name}/wiki/rest/..."`, `$name . '/rest/...'`)? Each name is
/// looked up once, at most 16.
fn joined_with_rest(cx: &Cx<'_>, name: &str, seen: &mut Vec<(String, bool)>) -> bool {
    if let Some((_, found)) = seen.iter().find(|(n, _)| n == name) {
        return *found;
    }
    if seen.len() >= 16 {
        return false;
    }
    let n = regex::escape(name);
    let found = crate::lint::built_pattern(format!(
        r#"\b{n}\b\s*(?:\+|\.\.|\.|,)\s*[fFrRbu$@]{{0,2}}\\?["'`]/?(?:wiki/)?(?:rest|api)/|\{{\s*{n}\s*\}}/?(?:wiki/)?(?:rest|api)/|\$\{{?{n}\}}?/?(?:wiki/)?(?:rest|api)/|\$\({n}\)/?(?:wiki/)?(?:rest|api)/|\${n}\b\s*\.\s*["']/?(?:wiki/)?(?:rest|api)/"#
    ))
    .is_some_and(|re| re.is_match(cx.text));
    seen.push((name.to_string(), found));
    found
}

/// Is the URL at `start..end` an argument of a call that joins it with REST path segments
/// (`url.JoinPath(URL, "rest", "api", "3")`, `os.path.join(URL, "rest/api/2/issue", key)`,
/// `Path.Combine(URL, "rest/api/3")`)? The call's name must say it joins or resolves; its
/// arguments are read at most 300 bytes after the URL.
fn joined_in_call(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    let before = common::line_prefix(cx, start);
    let Some(open) = before.rfind('(') else {
        return false;
    };
    // Only the URL (and its quote) between the parenthesis and the URL: the first argument.
    if !before[open + 1..]
        .trim()
        .trim_start_matches(['f', 'r', 'b', 'u', '@', '$'])
        .trim_matches(['"', '\'', '`'])
        .is_empty()
    {
        return false;
    }
    let head = before[..open].trim_end();
    let name_start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let name = head[name_start..].to_ascii_lowercase();
    let last = name.rsplit('.').next().unwrap_or("");
    if ![
        "join", "joinpath", "urljoin", "resolve", "combine", "joinurl", "join_url",
    ]
    .contains(&last)
    {
        return false;
    }
    let to = crate::lines::floor_boundary(cx.text, (end + 300).min(cx.text.len()));
    let args = &cx.text[end..to];
    let args = args.split_once(')').map_or(args, |(a, _)| a);
    cx.pattern("rest-segment").is_match(args)
}

/// The name of the function whose body holds the line starting at `line_start`: the last
/// `def NAME(`, `func NAME(`, `function NAME(`, `fun NAME(` or `NAME(...) {` in the 400 bytes
/// up to the end of that line.
fn returning_function<'a>(cx: &Cx<'a>, line_start: usize) -> Option<&'a str> {
    let (line, _) = cx.line_at(line_start);
    let end = line_start + line.len();
    let from = crate::lines::ceil_boundary(cx.text, line_start.saturating_sub(400));
    cx.pattern("function-head")
        .captures_iter(&cx.text[from..end])
        .last()
        .and_then(|c| c.name("name").or(c.name("method")))
        .map(|m| m.as_str())
        .filter(|n| !["if", "for", "while", "switch", "catch", "return"].contains(n))
}

/// Is the function `name` called and its result joined with a REST path (`base(site) +
/// "/rest/..."`, `f"{base(site)}/rest/..."`, `` `${base()}/rest/...` ``)? Shares
/// [`joined_with_rest`]'s cache, keyed by `name()`.
fn called_and_joined_with_rest(cx: &Cx<'_>, name: &str, seen: &mut Vec<(String, bool)>) -> bool {
    let key = format!("{name}()");
    if let Some((_, found)) = seen.iter().find(|(n, _)| *n == key) {
        return *found;
    }
    if seen.len() >= 16 {
        return false;
    }
    let n = regex::escape(name);
    let found = crate::lint::built_pattern(format!(
        r#"\b{n}\s*\([^()\n]{{0,60}}\)\s*(?:\+|\.\.|\.|,)\s*[fFrRbu$@]{{0,2}}\\?["'`]/?(?:wiki/)?(?:rest|api)/|\{{\s*{n}\s*\([^()\n]{{0,60}}\)\s*\}}/?(?:wiki/)?(?:rest|api)/|\$\{{\s*{n}\s*\([^()\n]{{0,60}}\)\s*\}}/?(?:wiki/)?(?:rest|api)/"#
    ))
    .is_some_and(|re| re.is_match(cx.text));
    seen.push((key, found));
    found
}

/// Is every URL use of `$VAR` the tenant-info lookup (how one gets the cloud ID)? A use is an
/// occurrence of the name whose line window ([`Cx::line_at`]) holds `://`; it is a lookup when
/// that window also holds `_edge/tenant_info`. The two needles' places are found once per file
/// ([`NeedlePlaces`]) and each window is asked by binary search, so that thousands of
/// occurrences on one long line cost a lookup each, not a scan of the line each (issue 12,
/// class 5). The answer depends on the name only: callers keep it per name.
fn is_tenant_info_only(cx: &Cx<'_>, var: &str, places: &NeedlePlaces) -> bool {
    let mut uses = 0;
    let mut tenant = 0;
    for (i, _) in cx.text.match_indices(var) {
        let (line, start) = cx.line_at(i);
        let window = start..start + line.len();
        if NeedlePlaces::within(&places.scheme, "://".len(), &window) {
            uses += 1;
            if NeedlePlaces::within(&places.tenant, TENANT_INFO.len(), &window) {
                tenant += 1;
            }
        }
    }
    uses > 0 && uses == tenant
}

const TENANT_INFO: &str = "_edge/tenant_info";

/// Where `://` and `_edge/tenant_info` start in a file (neither can overlap itself, so
/// `match_indices` finds every place).
struct NeedlePlaces {
    scheme: Vec<usize>,
    tenant: Vec<usize>,
}

impl NeedlePlaces {
    fn new(text: &str) -> Self {
        NeedlePlaces {
            scheme: text.match_indices("://").map(|(i, _)| i).collect(),
            tenant: text.match_indices(TENANT_INFO).map(|(i, _)| i).collect(),
        }
    }

    /// Does a needle of `len` bytes starting at one of `places` lie wholly inside `window`
    /// (what `text[window].contains(needle)` answers)?
    fn within(places: &[usize], len: usize, window: &std::ops::Range<usize>) -> bool {
        let first = places.partition_point(|&p| p < window.start);
        places.get(first).is_some_and(|&p| p + len <= window.end)
    }
}

/// The site as the message shows it: a concatenated name (`" + domain + "`) as `{domain}`.
fn display_site(site: &str) -> String {
    if !site.starts_with(['"', '\'', '`']) {
        return site.to_string();
    }
    let name = site
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '`' || c == ' ')
        .trim_matches(|c: char| c == '+' || c == '.' || c == '&' || c == ' ')
        .trim_start_matches('$');
    format!("{{{name}}}")
}

/// Where a site name that ends at `host_end` starts.
fn site_start(host_end: usize, site: &str) -> usize {
    host_end - ".atlassian.net".len() - site.len()
}

/// The key of a JSON variable entry whose `"value"` key starts at `at`: `"key": "host",
/// "value": ...` on one line, or `"key"` on one of the lines just above.
fn value_key<'a>(cx: &Cx<'a>, at: usize) -> Option<&'a str> {
    let (_, line_start) = cx.line_at(at);
    let from = crate::lines::ceil_boundary(cx.text, line_start.saturating_sub(300));
    let before = &cx.text[from..at];
    let i = before.rfind("\"key\"")?;
    // Not past the start of the entry.
    if before[i..].contains(['{', '}']) {
        return None;
    }
    let rest = before[i + 5..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(&rest[..end])
}

/// Does the file hold an API client's credential (a token, password or secret key, Basic auth,
/// an `Authorization` header)? Not in a browser test, whose password is typed into the login
/// page.
fn api_credential(cx: &Cx<'_>) -> bool {
    cx.pattern("credential-key").is_match(cx.text) && !cx.pattern("browser-test").is_match(cx.text)
}

/// Is there a REST API path literal (`'/rest/api/3/myself'`, `"rest/api/2/issue/"`,
/// `'/wiki/api/v2/pages'`) within a few lines of a host setting (`start..end`)?
fn rest_path_near(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    let from = crate::lines::ceil_boundary(cx.text, start.saturating_sub(200));
    let to = crate::lines::floor_boundary(cx.text, end + 300);
    cx.pattern("rest-path-literal").is_match(&cx.text[from..to])
}

/// Is the URL at `start..end` an argument of a call that is also given a credential: an email
/// literal, or an argument named for a token, password, secret or key (`NewAPI(url,
/// "bot@acme.com", token)`, `Client(url, user, process.env.API_TOKEN)`)? Steps out of one
/// wrapper (`URI("...")`, `new Uri(...)`). Calls that open a page (`page.goto`, `open`) are not
/// API clients. Looks at most 400 bytes each way.
fn client_call_with_credentials(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    if !cx
        .pattern("arg-start")
        .is_match(common::line_prefix(cx, start))
    {
        return false;
    }
    let from = crate::lines::ceil_boundary(cx.text, start.saturating_sub(400));
    let to = crate::lines::floor_boundary(cx.text, end + 400);
    let before = &cx.text[from..start];
    let after = &cx.text[end..to];
    // The opening parentheses that enclose the URL, innermost first (at most two). Braces
    // inside the arguments (`Auth{User: ...}`, `{ url, token }`) are part of them; a `;` or a
    // block that closed before the URL ends the statement.
    let mut opens = Vec::new();
    let mut depth = 0usize;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            '(' => {
                opens.push(i);
                if opens.len() == 2 {
                    break;
                }
            }
            ';' | '}' if depth == 0 => break,
            _ => {}
        }
    }
    // The matching closing parentheses after the URL, innermost first.
    let mut closes = Vec::new();
    let mut depth = 0usize;
    for (i, c) in after.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            ')' => {
                closes.push(i);
                if closes.len() == opens.len() {
                    break;
                }
            }
            ';' if depth == 0 => break,
            _ => {}
        }
    }
    for (level, (&o, &c)) in opens.iter().zip(closes.iter()).enumerate() {
        let head = before[..o].trim_end();
        let name_start = head
            .char_indices()
            .rev()
            .find(|&(_, ch)| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
            .map_or(0, |(p, ch)| p + ch.len_utf8());
        let name = head[name_start..].to_ascii_lowercase();
        let args = format!("{} {}", &before[o + 1..], &after[..c]);
        let wrapper = ["uri", "url", "uri.create", "uri.parse", "url.parse"]
            .iter()
            .any(|w| name == *w || name.ends_with(&format!(".{w}")))
            || head[..name_start].trim_end().ends_with("new")
                && ["uri", "url"].contains(&name.as_str());
        if level == 0 && wrapper {
            continue;
        }
        let page = [
            "goto", "navigate", "visit", "open", "browse", "login", "click", "print",
        ]
        .iter()
        .any(|w| name.rsplit('.').next().is_some_and(|n| n.contains(w)));
        return !page && cx.pattern("credential-arg").is_match(&args);
    }
    false
}

/// Is the URL at `start..end` the value of a command-line option that takes a client's base
/// (`--server`, `--url`, `--base-url`, `-b`), on a command that also passes a credential (an
/// email, or an argument named for a token, password or secret)? The command is the URL's line
/// and the lines joined to it by a trailing `\` or `` ` `` (at most 8 each way).
fn cli_option_with_credentials(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    if !cx
        .pattern("cli-base-flag")
        .is_match(common::line_prefix(cx, start))
    {
        return false;
    }
    let continued = |l: &str| l.trim_end().ends_with(['\\', '`']);
    let (line, line_start) = cx.line_at(start);
    let mut from = line_start;
    for _ in 0..8 {
        if from == 0 {
            break;
        }
        let (above, above_start) = cx.line_at(from - 1);
        if !continued(above) {
            break;
        }
        from = above_start;
    }
    let mut to = line_start + line.len();
    let mut last = line;
    for _ in 0..8 {
        if !continued(last) || to + 1 >= cx.text.len() {
            break;
        }
        let (below, below_start) = cx.line_at(to + 1);
        last = below;
        to = below_start + below.len();
    }
    let credential = cx.pattern("credential-arg");
    credential.is_match(&cx.text[from..start]) || credential.is_match(&cx.text[end.min(to)..to])
}

/// Is `name`, a variable holding the site URL, joined only with paths outside the REST API
/// (`f"{SITE}/_edge/tenant_info"`, `SITE + "/browse/" + key`)? False when it is never joined
/// or is joined with a REST path.
/// [`joined_only_outside_api_uncached`], each name looked up once per file and at most 16
/// names: a file assigning the site to thousands of variables would otherwise be rescanned for
/// each (issue 12, class 5).
fn joined_only_outside_api(cx: &Cx<'_>, name: &str, seen: &mut Vec<(String, bool)>) -> bool {
    if let Some((_, found)) = seen.iter().find(|(n, _)| n == name) {
        return *found;
    }
    if seen.len() >= 16 {
        return false;
    }
    let found = joined_only_outside_api_uncached(cx, name);
    seen.push((name.to_string(), found));
    found
}

fn joined_only_outside_api_uncached(cx: &Cx<'_>, name: &str) -> bool {
    let n = regex::escape(name);
    let Some(re) = crate::lint::built_pattern(format!(
        r#"\b{n}\b\s*(?:\+|\.\.|\.|,)\s*[fFrRbu$@]{{0,2}}\\?["'`](?P<a>/?[\w./\-]*)|\{{\s*{n}\s*\}}(?P<b>/?[\w./\-]*)|\$\{{?{n}\}}?(?P<c>/?[\w./\-]*)"#
    )) else {
        return false;
    };
    let mut any = false;
    for caps in re.captures_iter(cx.text).take(64) {
        let Some(p) = caps.name("a").or(caps.name("b")).or(caps.name("c")) else {
            continue;
        };
        let p = p.as_str().trim_start_matches('/');
        if p.is_empty() {
            continue;
        }
        let outside = [
            "_edge/tenant_info",
            "browse/",
            "wiki/spaces/",
            "jira/",
            "servicedesk/customer/",
            "secure/",
            "plugins/servlet/",
            "people/",
            "login",
            "logout",
            "dashboard",
            "issues/",
            "projects/",
            "wiki/display/",
            "wiki/x/",
        ]
        .iter()
        .any(|w| p.starts_with(w))
            || p == "browse";
        if !outside {
            return false;
        }
        any = true;
    }
    any
}

/// Is the URL a value inside a block named for the product: a `server`/`url`/... key of an
/// object or dict whose own name says Jira, Confluence or Atlassian (`JIRA_OPTIONS = {` ...
/// `"server": "https://..."`), or the `default` of a setting named for the product's URL
/// (Terraform `variable "jira_url" { default = "https://..." }`)? Looks back at most 400
/// bytes for the innermost unclosed `{`, `(` or `[`.
fn enclosing_block_named(cx: &Cx<'_>, at: usize, before: &str) -> bool {
    let default = cx.pattern("default-key").is_match(before);
    if !(default || cx.pattern("base-key").is_match(before)) {
        return false;
    }
    let from = crate::lines::ceil_boundary(cx.text, at.saturating_sub(400));
    let text = &cx.text[from..at];
    let mut depth = 0usize;
    for (i, c) in text.char_indices().rev() {
        match c {
            '}' | ')' | ']' => depth += 1,
            '{' | '(' | '[' if depth > 0 => depth -= 1,
            '{' | '(' | '[' => {
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let mut head = &text[line_start..i];
                // Allman style: the block's name is on the line above a lone `{`.
                if head.trim().is_empty() && line_start > 0 {
                    let above = text[..line_start - 1].rfind('\n').map_or(0, |n| n + 1);
                    head = &text[above..line_start - 1];
                }
                return if default {
                    cx.pattern("strong-base-key").is_match(&format!(
                        "{}=",
                        head.trim_end().trim_end_matches(['"', '\'', ' '])
                    )) || cx.pattern("named-block").is_match(head) && {
                        let h = head.to_ascii_lowercase();
                        ["url", "uri", "host", "server", "site", "base", "endpoint"]
                            .iter()
                            .any(|w| h.contains(w))
                    }
                } else {
                    cx.pattern("named-block").is_match(head)
                };
            }
            _ => {}
        }
    }
    false
}

/// The variable or key a value is assigned to, from the text before it: `JIRA_URL=`,
/// `export SITE="`, `base_url: '`, `$site = "` give `JIRA_URL`, `SITE`, `base_url`, `site`.
fn assigned_name(before: &str) -> Option<&str> {
    let t = before.trim_end_matches(['"', '\'', '`', ' ', '\t']);
    let t = t
        .strip_suffix(":=")
        .or_else(|| t.strip_suffix('='))
        .or_else(|| t.strip_suffix(':'))?
        .trim_end()
        .trim_end_matches(['"', '\'']);
    let start = t
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let name = &t[start..];
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// Where the host variable `var` is made into a base URL that configures an API client
/// (`baseURL: `https://${host}``, `BASE="https://$SITE"` joined with REST paths, `server=
/// f"https://{JIRA_HOST}"`): the text of that use, or `None`. At most 16 uses are read.
fn built_base_use<'a>(
    cx: &Cx<'a>,
    var: &str,
    uses_rest: &mut Option<bool>,
    has_credential: &mut Option<bool>,
    outside: &mut Vec<(String, bool)>,
) -> Option<&'a str> {
    let re = crate::lint::built_pattern(format!(
        r#"https?://(?:\$\{{|\$|\{{\{{?\s*){}\s*\}}?\}}?(?:["'`/]|$)"#,
        regex::escape(var)
    ))?;
    for u in re.find_iter(cx.text).take(16) {
        let (line, line_start) = cx.line_at(u.start());
        let raw = &cx.text[line_start..u.start()];
        let before = assignment_before(raw);
        let used = if cx.pattern("strong-base-key").is_match(&before)
            || cx.pattern("strong-base-key").is_match(raw)
            || cx.pattern("client-base-call").is_match(raw)
        {
            true
        } else if cx.pattern("base-key").is_match(&before)
            || cx.pattern("base-call").is_match(&before)
        {
            *uses_rest.get_or_insert_with(|| cx.pattern("rest-usage").is_match(cx.text))
                || *has_credential.get_or_insert_with(|| api_credential(cx))
        } else {
            client_call_with_credentials(cx, u.start(), u.end())
        };
        // `BASE="https://$SITE"` joined only with `/_edge/tenant_info`: the cloud ID lookup.
        if used && !assigned_name(&before).is_some_and(|n| joined_only_outside_api(cx, n, outside))
        {
            let end = (u.end() - line_start).min(line.len());
            return line
                .get(u.start() - line_start..end)
                .map(|t| t.trim_end_matches(['"', '\'', '`', '/']));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfind_placeholder_is_rfind() {
        for s in [
            "", "$", "{", "${", "x${a}${b", "${${", "$${{", "a{b$c", "é${é", "}{$", "$}{",
        ] {
            assert_eq!(super::rfind_placeholder(s), s.rfind("${"), "{s:?}");
        }
    }

    /// The groups read off a plain URL are the ones the capture pass finds, and the others
    /// are captured: every combination of scheme, `www.`, site name, suffix, path and end.
    #[test]
    fn site_url_groups_are_the_captures() {
        let re = crate::testing::rule_pattern(crate::catalogue::Code::AT201, "site-url");
        let mut text = String::new();
        for scheme in ["https://", "http://", "HTTPS://", "hTtP://", "httpſ://"] {
            for www in ["", "www.", "WWW.", "wwwx.", "www.www.", "www"] {
                for site in [
                    "acme", "a", "A-b_c", "1x", "_x", "-x", "x.y", "{site}", "${SITE}", "%s",
                    "ſite", "é", "", "acme-", "$(x)", "[s]", "<s>", "\"+s+\"",
                ] {
                    for suffix in [
                        ".atlassian.net",
                        ".Atlassian.NET",
                        ".atlaſſian.net",
                        ".atlassian.com",
                    ] {
                        for path in [
                            "",
                            "/",
                            "/rest/api/3/myself",
                            "/wiki",
                            "/a b",
                            "/x\"y",
                            "//z",
                        ] {
                            for end in [" ", "\"", ")", "\n", ".", ":"] {
                                text.push_str(&format!("{scheme}{www}{site}{suffix}{path}{end}"));
                            }
                        }
                    }
                }
            }
        }
        let mut slots = re.capture_locations();
        let (mut n, mut plain) = (0, 0);
        let found: Vec<_> = re.find_iter(&text).collect();
        let captured: Vec<_> = re.captures_iter(&text).collect();
        assert_eq!(found.len(), captured.len());
        for (m, caps) in found.into_iter().zip(captured) {
            let want = (
                caps.name("url").map(|g| g.range()),
                caps.name("site").map(|g| g.range()),
                caps.name("path").map(|g| g.range()),
            );
            let got = super::site_url_groups(&re, &mut slots, &text, m).map(|(u, s, p)| {
                (
                    Some(u.start()..u.end()),
                    Some(s.start()..s.end()),
                    p.map(|p| p.start()..p.end()),
                )
            });
            assert_eq!(got, Some(want), "{:?}", m.as_str());
            n += 1;
            plain += usize::from(m.as_str().is_ascii());
        }
        assert!(n > 2000 && plain > 1000, "{n} {plain}");
    }
}
