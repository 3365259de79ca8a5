//! AT201, one class of API base: an Atlassian CLI's or client tool's own configuration that
//! names a Cloud site as the tool's API base (issue 16). go-jira's `~/.jira.d/config.yml`
//! (`endpoint:`), also printed by a shell script (go-jira's dynamic configuration); jira-cli's
//! `.config.yml` (`server:` beside `login:` / `installation:`); a client's JSON settings that
//! give the host with its protocol (jira-cl's `~/.jira-cli.json`, jira-cmd's `config.json`);
//! JiraPS `Set-JiraConfigServer` and ConfluencePS `Set-ConfluenceInfo` given the site (also
//! positionally, or through a variable); Appfire's Atlassian CLI `acli ... --server`. The shapes
//! are one pattern of the rule file (`tool-config`), matched once per file.
//!
//! Also here: a site URL that only appears in a Jupyter notebook's stored cell output (printed
//! text, warnings) or in its Markdown cells is not code, and [`drop_notebook_outputs`] removes the
//! rule's hits there.
use crate::lint::{Cx, FileKind, Hit};

/// go-jira keys that sit beside `endpoint:` at the same level of its configuration.
const GO_JIRA_KEYS: [&str; 9] = [
    "user",
    "login",
    "password-source",
    "password-name",
    "authentication-method",
    "project",
    "custom-commands",
    "queries",
    "editor",
];

/// jira-cli (ankitpokhrel) keys that sit beside `server:` at the same level of its
/// configuration.
const JIRA_CLI_KEYS: [&str; 7] = [
    "login",
    "installation",
    "auth_type",
    "board",
    "project",
    "epic",
    "timezone",
];

/// How far around a configuration key its sibling keys are looked for.
const SIBLING_WINDOW: usize = 4096;

/// At most this many matches per file have their surroundings read (sibling keys, a protocol, a
/// variable's value): a tool's configuration names its site a few times, and a file of
/// thousands of such lines must not have a window read around each (issue 12, class 5).
const MAX_LOOKS: usize = 64;

/// Where a variable's site URL is, and the site's name.
type SiteValue = (std::ops::Range<usize>, String);

/// At most this many matches of the `tool-config` pattern are read per file.
const MAX_MATCHES: usize = 1024;

/// At most this many PowerShell variables are looked up (each a search of the file).
const MAX_VARS: usize = 8;

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let mut fences = None;
    // Where the general detector already reported (the same address starts the same hit).
    let reported: Vec<usize> = out.iter().map(|h| h.range.start).collect();
    let reported = {
        let mut r = reported;
        r.sort_unstable();
        r
    };
    let mut mine = std::collections::HashSet::new();
    let mut looks = 0usize;
    let mut vars: Vec<(String, Option<SiteValue>)> = Vec::new();
    // A generated file of thousands of such lines: the first ones are enough, and reading the
    // capture groups of every match was half the time of a lint of such a file.
    for caps in cx
        .pattern("tool-config")
        .captures_iter(cx.text)
        .take(MAX_MATCHES)
    {
        let Some(whole) = caps.get(0) else { continue };
        let direct = caps.name("psurl").is_some() || caps.name("aurl").is_some();
        if !direct {
            if looks >= MAX_LOOKS {
                continue;
            }
            looks += 1;
        }
        // Prose of a Markdown file names tools; only its code blocks configure them.
        if cx.kind == FileKind::Markdown {
            let fences =
                fences.get_or_insert_with(|| crate::lint::rules::common::markdown_fences(cx.text));
            if crate::lint::rules::common::fence_at(fences, whole.start()).is_none() {
                continue;
            }
        }
        let hit = if let (Some(key), Some(url), Some(site)) =
            (caps.name("ykey"), caps.name("yurl"), caps.name("ysite"))
        {
            let siblings: &[&str] = if key.as_str().eq_ignore_ascii_case("endpoint") {
                &GO_JIRA_KEYS
            } else {
                &JIRA_CLI_KEYS
            };
            (!under_parent_key(cx, key.start())
                && (has_sibling_key(cx, key.start(), siblings)
                    || alone_in_go_jira_file(cx, key.start(), siblings)))
            .then(|| {
                let tool = if siblings.len() == GO_JIRA_KEYS.len() {
                    "go-jira"
                } else {
                    "jira-cli"
                };
                base_hit(
                    url.range(),
                    site.as_str(),
                    format!("{tool} configuration `{}:`", key.as_str()),
                )
            })
        } else if let (Some(cmd), Some(url), Some(site)) =
            (caps.name("pscmd"), caps.name("psurl"), caps.name("pssite"))
        {
            Some(base_hit(
                url.range(),
                site.as_str(),
                ps_tool(cmd.as_str()).to_string(),
            ))
        } else if let (Some(cmd), Some(var)) = (caps.name("pscmd"), caps.name("psvar")) {
            let known = vars.iter().position(|(v, _)| v == var.as_str());
            let value = match known {
                Some(i) => vars[i].1.clone(),
                None if vars.len() < MAX_VARS => {
                    let value = assigned_site(cx, var.as_str())
                        .map(|(range, site)| (range, site.to_string()));
                    vars.push((var.as_str().to_string(), value.clone()));
                    value
                }
                None => None,
            };
            value.map(|(range, site)| {
                base_hit(
                    range,
                    &site,
                    format!("{} (through `${}`)", ps_tool(cmd.as_str()), var.as_str()),
                )
            })
        } else if let Some(site) = caps.name("hsite") {
            with_protocol(cx, site.start(), whole.end()).then(|| {
                let end = site.end() + ".atlassian.net".len();
                base_hit(
                    site.start()..end,
                    site.as_str(),
                    "client settings (`host` with its `protocol`)".to_string(),
                )
            })
        } else if let Some(site) = caps.name("nsite") {
            // jira-terminal's `~/.jira_terminal_configuration.json`: the site host as its
            // `namespace`, beside the Basic pair it sends (`token`) and the user's `account_id`.
            credentials_near(cx, site.start(), whole.end()).then(|| {
                let end = site.end() + ".atlassian.net".len();
                base_hit(
                    site.start()..end,
                    site.as_str(),
                    "jira-terminal configuration (`namespace`)".to_string(),
                )
            })
        } else if let (Some(url), Some(site)) = (caps.name("aurl"), caps.name("asite")) {
            Some(base_hit(
                url.range(),
                site.as_str(),
                "Appfire's Atlassian CLI (`--server`)".to_string(),
            ))
        } else {
            None
        };
        let Some(hit) = hit else { continue };
        // The general detector may have reported the same address already; a variable's value
        // is reported once.
        if reported.binary_search(&hit.range.start).is_err() && mine.insert(hit.range.start) {
            out.push(hit);
        }
    }
}

/// The PowerShell module a command configures (the command's own name reads like a secret to
/// the output's masking).
fn ps_tool(cmd: &str) -> &'static str {
    if cmd.to_ascii_lowercase().contains("confluence") {
        "the ConfluencePS module's base URI"
    } else {
        "the JiraPS module's server setting"
    }
}

fn base_hit(range: std::ops::Range<usize>, site: &str, by: String) -> Hit {
    let site = site.trim();
    Hit::new(
        range,
        format!("API client base URL set to the site URL https://{site}.atlassian.net by {by}"),
        format!("toolbase:{site}"),
    )
    .fix(format!(
        "use https://api.atlassian.com/ex/jira/$CLOUD_ID as the tool's base if it accepts one (cloud ID: curl https://{site}.atlassian.net/_edge/tenant_info); scoped and service-account tokens are rejected with 401 on the site URL"
    ))
}

/// Is there, within [`SIBLING_WINDOW`] of the key at `key_at`, another key of `siblings` at the
/// same indentation (`login:` beside `server:`)?
fn has_sibling_key(cx: &Cx<'_>, key_at: usize, siblings: &[&str]) -> bool {
    let (_, line_start) = cx.line_at(key_at);
    let indent = &cx.text[line_start..key_at];
    let from = crate::lines::ceil_boundary(cx.text, line_start.saturating_sub(SIBLING_WINDOW));
    let to = crate::lines::floor_boundary(cx.text, (key_at + SIBLING_WINDOW).min(cx.text.len()));
    cx.text[from..to].lines().any(|l| {
        let Some(rest) = l.strip_prefix(indent) else {
            return false;
        };
        if rest.starts_with([' ', '\t']) {
            return false;
        }
        let Some((key, _)) = rest.split_once(':') else {
            return false;
        };
        siblings
            .iter()
            .any(|s| key.trim_end().eq_ignore_ascii_case(s))
    })
}

/// Is the go-jira key at `key_at` alone at the top level of a file named as go-jira names its
/// configuration (`config.yml`, `config.yaml`)? A go-jira configuration may hold only its
/// `endpoint:`.
fn alone_in_go_jira_file(cx: &Cx<'_>, key_at: usize, siblings: &[&str]) -> bool {
    let name = cx.path.rsplit('/').next().unwrap_or(cx.path);
    siblings.len() == GO_JIRA_KEYS.len()
        && ["config.yml", "config.yaml"].contains(&name.to_ascii_lowercase().as_str())
        && cx.line_at(key_at).1 == key_at
}

/// Are a `token` and an `account_id` or `email` key within a few lines of `start..end`?
fn credentials_near(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    let from = crate::lines::ceil_boundary(cx.text, start.saturating_sub(600));
    let to = crate::lines::floor_boundary(cx.text, (end + 600).min(cx.text.len()));
    let near = &cx.text[from..to];
    near.contains("\"token\"") && (near.contains("\"account_id\"") || near.contains("\"email\""))
}

/// Is the key at `key_at` nested under a YAML parent key (`links:` above `  endpoint: ...`)? The
/// tools read these keys at the top level; a heredoc's indented lines (`cat <<-EOF`) have no
/// parent key. Looks at most [`SIBLING_WINDOW`] bytes up.
fn under_parent_key(cx: &Cx<'_>, key_at: usize) -> bool {
    let (_, line_start) = cx.line_at(key_at);
    let indent = key_at - line_start;
    // At the top level, or printed by `echo "endpoint: ..."`.
    if indent == 0 || !cx.text[line_start..key_at].trim().is_empty() {
        return false;
    }
    let from = crate::lines::ceil_boundary(cx.text, line_start.saturating_sub(SIBLING_WINDOW));
    cx.text[from..line_start]
        .lines()
        .rev()
        .map(str::trim_end)
        .filter(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
        .find(|l| l.len() - l.trim_start().len() < indent)
        .is_some_and(|l| l.ends_with(':'))
}

/// Is a `protocol` key (`"protocol": "https"`, `protocol: 'https:'`) within a few lines of the
/// host at `start..end`: the host of a client's settings, not a link?
fn with_protocol(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    let from = crate::lines::ceil_boundary(cx.text, start.saturating_sub(400));
    let to = crate::lines::floor_boundary(cx.text, (end + 400).min(cx.text.len()));
    cx.pattern("tool-protocol").is_match(&cx.text[from..to])
}

/// The site URL a PowerShell variable is set to (`$server = 'https://acme.atlassian.net'`):
/// its range and the site's name.
fn assigned_site<'a>(cx: &Cx<'a>, var: &str) -> Option<(std::ops::Range<usize>, &'a str)> {
    let re = crate::lint::built_pattern(format!(
        r#"(?i)\${}\s*=\s*["'](?P<url>https?://(?P<site>[a-z0-9][a-z0-9\-]*)\.atlassian\.net)(?:/wiki)?/?["']"#,
        regex::escape(var)
    ))?;
    let caps = re.captures(cx.text)?;
    let (url, site) = (caps.name("url")?, caps.name("site")?);
    Some((url.range(), &cx.text[site.range()]))
}

/// Removes the hits that sit in a Jupyter notebook's stored cell outputs (`"outputs": [...]`)
/// or in its Markdown cells: printed text, warnings and prose that name the site are not code.
pub(super) fn drop_notebook_outputs(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if out.is_empty() || !cx.path.to_ascii_lowercase().ends_with(".ipynb") {
        return;
    }
    let not_code = notebook_not_code(cx.text);
    if not_code.is_empty() {
        return;
    }
    out.retain(|h| !crate::lint::rules::common::in_sorted(&not_code, h.range.start));
}

/// The byte ranges of a notebook's JSON that are not code, sorted and disjoint: the
/// `"outputs": [ ... ]` arrays, and the `"source"` of each cell whose `"cell_type"` is
/// `"markdown"` (nbformat writes a cell's keys in order: `cell_type`, `metadata`, `source`).
fn notebook_not_code(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"\"outputs\"") {
        let key_end = from + i + "\"outputs\"".len();
        match value_after(b, key_end) {
            Some(r) => {
                from = r.end;
                ranges.push(r);
            }
            None => from = key_end,
        }
    }
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"\"cell_type\"") {
        let key_end = from + i + "\"cell_type\"".len();
        from = key_end;
        let Some(kind) = value_after(b, key_end) else {
            continue;
        };
        if &b[kind.clone()] != b"\"markdown\"" {
            continue;
        }
        // This cell's source: before the next cell starts.
        let next_cell = memchr::memmem::find(&b[kind.end..], b"\"cell_type\"")
            .map_or(b.len(), |n| kind.end + n);
        let Some(s) = memchr::memmem::find(&b[kind.end..next_cell], b"\"source\"") else {
            continue;
        };
        if let Some(r) = value_after(b, kind.end + s + "\"source\"".len()) {
            from = r.end;
            ranges.push(r);
        }
    }
    ranges.sort_by_key(|r| r.start);
    // Disjoint for the binary search: an overlapping range is merged into the one before.
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The JSON value after the key that ends at `key_end` (`: [ ... ]`, `: { ... }` or `: "..."`),
/// read to its closing bracket or quote, skipping strings and their escapes; an unterminated
/// value runs to the end. `None` when no `:` and array, object or string follows.
fn value_after(b: &[u8], key_end: usize) -> Option<std::ops::Range<usize>> {
    let skip_ws = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    let j = skip_ws(key_end);
    if b.get(j) != Some(&b':') {
        return None;
    }
    let start = skip_ws(j + 1);
    if !matches!(b.get(start), Some(b'[' | b'{' | b'"')) {
        return None;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut k = start;
    while k < b.len() {
        let c = b[k];
        if in_string {
            if c == b'\\' {
                k += 1;
            } else if c == b'"' {
                in_string = false;
                if depth == 0 {
                    break;
                }
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b'[' || c == b'{' {
            depth += 1;
        } else if c == b']' || c == b'}' {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                break;
            }
        }
        k += 1;
    }
    Some(start..(k + 1).min(b.len()))
}

#[cfg(test)]
mod tests {
    use super::notebook_not_code;

    #[test]
    fn outputs_and_markdown_sources_are_not_code() {
        let nb = r#"{"cells": [{"outputs": [{"text": ["a ] \" [ b\n"]}], "source": ["x = 1"]}]}"#;
        let r = notebook_not_code(nb);
        assert_eq!(r.len(), 1);
        assert!(nb[r[0].clone()].ends_with("}]"));
        assert!(!nb[r[0].clone()].contains("source"));
        // An unterminated array runs to the end; an `"outputs"` that is not a key is skipped.
        assert!(notebook_not_code(r#""outputs" is a word"#).is_empty());
        let open = notebook_not_code(r#"{"outputs": [1, 2"#);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0], 12..17);
        // A Markdown cell's source (an array or a string); a code cell's source is code.
        let nb = r#"[{"cell_type": "markdown", "metadata": {}, "source": ["See the API"]},
            {"cell_type": "code", "outputs": [], "source": ["r = get(u)"]},
            {"cell_type": "markdown", "source": "done"}]"#;
        let r = notebook_not_code(nb);
        let parts: Vec<&str> = r.iter().map(|r| &nb[r.clone()]).collect();
        assert_eq!(parts, ["[\"See the API\"]", "[]", "\"done\""]);
    }
}
