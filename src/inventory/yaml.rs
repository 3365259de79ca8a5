//! A small, bounded, line-based YAML reader for CI and deployment files.
//!
//! Why not a YAML crate: the inventory needs the 1-based line of every key (a register entry
//! points at `nightly.yml:14`), tolerance for the templated YAML that CI files are (Helm's
//! `{{ }}`, GitHub's `${{ }}`, GitLab's `!reference`), and nothing else of YAML's data model;
//! the maintained crates either drop positions from the loaded tree or add a parser generator
//! to a build that already takes minutes on two cores. This reader covers what CI files use:
//! block mappings and sequences (a sequence may sit at its key's indentation), `- key: value`
//! items, block scalars (`|`, `>`, with chomping and indentation indicators), quoted and plain
//! scalars (multi-line plain scalars are joined), one-line flow collections (`[a, b]`,
//! `{A: b}`), comments, documents separated by `---`, and anchors with `<<: *alias` merges.
//! It never fails: what it cannot read becomes a plain value. Input is bounded by the caller
//! (files are read with the walk's size cap); nesting is bounded by the line count, and
//! merges are resolved one level deep (no alias bombs).
use std::collections::HashMap;

/// One mapping entry or sequence item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The key of a mapping entry; `None` for a sequence item.
    pub key: Option<String>,
    /// The scalar value (unquoted; block scalars joined with `\n`); empty for collections.
    pub value: String,
    /// 1-based line of the key or the item's dash.
    pub line: usize,
    /// 1-based line where `value` starts (the first content line of a block scalar).
    pub value_line: usize,
    /// Last 1-based line that belongs to this node (its children and block text included).
    pub end_line: usize,
    pub children: Vec<Node>,
}

impl Node {
    /// The child entry with this key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.key.as_deref() == Some(key))
    }

    /// `a.b.c`: nested lookup.
    pub fn path(&self, dotted: &str) -> Option<&Node> {
        dotted.split('.').try_fold(self, |n, k| n.get(k))
    }

    /// The scalar value of a child, if present.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.get(key).map(|n| n.value.as_str())
    }

    /// Sequence items (children without keys).
    pub fn items(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter(|c| c.key.is_none())
    }

    /// Mapping entries (children with keys).
    pub fn entries(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter(|c| c.key.is_some())
    }

    /// The scalar values of this node: its own value, or its items' values (`[a, b]`, `- a`).
    pub fn values(&self) -> Vec<&Node> {
        if self.children.is_empty() {
            vec![self]
        } else {
            self.items().filter(|c| c.children.is_empty()).collect()
        }
    }

    /// Every scalar under this node, depth-first, with its line: (node, value).
    pub fn scalars<'a>(&'a self, out: &mut Vec<&'a Node>) {
        if !self.value.is_empty() {
            out.push(self);
        }
        for c in &self.children {
            c.scalars(out);
        }
    }
}

/// One document: its top-level entries under a synthetic root node.
pub type Document = Node;

struct Line<'a> {
    no: usize,
    indent: usize,
    /// Content without indentation and trailing comment.
    text: &'a str,
}

struct Parser<'a> {
    raw: Vec<&'a str>,
    /// Structural lines (not blank, not comments) of the current document, with raw indices.
    lines: Vec<(usize, Line<'a>)>,
    pos: usize,
    anchors: HashMap<String, Node>,
}

/// Parse every document of `text`.
pub fn parse(text: &str) -> Vec<Document> {
    let raw: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut docs = Vec::new();
    let mut start = 0;
    for (i, l) in raw.iter().enumerate() {
        if *l == "---" || l.starts_with("--- ") || *l == "..." {
            if i > start {
                docs.push((start, i));
            }
            start = i + 1;
        }
    }
    if start < raw.len() {
        docs.push((start, raw.len()));
    }
    let mut out = Vec::new();
    for (from, to) in docs {
        let mut p = Parser {
            raw: raw.clone(),
            lines: Vec::new(),
            pos: 0,
            anchors: HashMap::new(),
        };
        for (i, r) in raw.iter().enumerate().take(to).skip(from) {
            if let Some(line) = structural(r, i + 1) {
                p.lines.push((i, line));
            }
        }
        if p.lines.is_empty() {
            continue;
        }
        let children = p.block(-1);
        let mut root = Node {
            line: from + 1,
            value_line: from + 1,
            end_line: to,
            children,
            ..Node::default()
        };
        let anchors = std::mem::take(&mut p.anchors);
        merge(&mut root, &anchors);
        out.push(root);
    }
    out
}

fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

fn structural(raw: &str, no: usize) -> Option<Line<'_>> {
    let trimmed = raw.trim_start_matches([' ', '\t']);
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let indent = raw.len() - trimmed.len();
    let text = strip_comment(trimmed).trim_end();
    if text.is_empty() {
        return None;
    }
    Some(Line { no, indent, text })
}

/// Drop a ` # comment` outside quotes.
fn strip_comment(s: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single
                && !double
                && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') =>
            {
                return &s[..i];
            }
            _ => {}
        }
    }
    s
}

/// Split `key: value` at the first `:` followed by a space or the end, outside quotes and
/// brackets. `None` when the line is not a mapping entry.
fn split_key(s: &str) -> Option<(String, &str)> {
    let bytes = s.as_bytes();
    if s.starts_with(['[', '{', '|', '>', '*', '!']) {
        return None;
    }
    let (mut single, mut double, mut depth) = (false, false, 0i32);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double && (i == 0 || single) => single = !single,
            b'"' if !single && (i == 0 || double) => double = !double,
            b'{' | b'[' if !single && !double => depth += 1,
            b'}' | b']' if !single && !double => depth -= 1,
            b':' if !single
                && !double
                && depth == 0
                && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') =>
            {
                let key = unquote(s[..i].trim());
                if key.is_empty() {
                    return None;
                }
                return Some((key, s[i + 1..].trim()));
            }
            _ => {}
        }
    }
    None
}

/// Remove surrounding quotes (and YAML's `''` escape in single quotes).
pub fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        return s[1..s.len() - 1].replace("\\\"", "\"").replace("\\n", "\n");
    }
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        return s[1..s.len() - 1].replace("''", "'");
    }
    s.to_string()
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Line<'a>> {
        self.lines.get(self.pos).map(|(_, l)| l)
    }

    fn last_consumed_line(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|p| self.lines.get(p))
            .map_or(0, |(_, l)| l.no)
    }

    /// A block of entries or items more indented than `parent`.
    fn block(&mut self, parent: isize) -> Vec<Node> {
        let mut out: Vec<Node> = Vec::new();
        let Some(first) = self.peek() else {
            return out;
        };
        if first.indent as isize <= parent {
            return out;
        }
        let indent = first.indent;
        while let Some(l) = self.peek() {
            if l.indent < indent {
                break;
            }
            let (no, text, lindent) = (l.no, l.text, l.indent);
            if lindent > indent {
                // Continuation of a multi-line plain or quoted scalar.
                self.pos += 1;
                if let Some(last) = out.last_mut() {
                    if !last.value.is_empty() {
                        last.value.push(' ');
                    }
                    last.value.push_str(&unquote(text));
                    last.end_line = no;
                }
                continue;
            }
            self.pos += 1;
            if is_dash(text) {
                let item = self.item(indent, no, text);
                out.push(item);
            } else if let Some((k, v)) = split_key(text) {
                let node = self.entry(k, v, indent, no);
                out.push(node);
            } else {
                // A bare scalar where an entry was expected: keep it as an item.
                out.push(Node {
                    value: unquote(text),
                    line: no,
                    value_line: no,
                    end_line: no,
                    ..Node::default()
                });
            }
        }
        out
    }

    /// A mapping entry whose key line is `no`, at column `indent`.
    fn entry(&mut self, key: String, value: &str, indent: usize, no: usize) -> Node {
        let mut node = Node {
            key: Some(key),
            line: no,
            value_line: no,
            end_line: no,
            ..Node::default()
        };
        let (anchor, value) = take_anchor(value);
        if value.is_empty() {
            node.children = self.block(indent as isize);
            if node.children.is_empty() {
                // A sequence may sit at its key's own indentation.
                if let Some(l) = self.peek()
                    && l.indent == indent
                    && is_dash(l.text)
                {
                    node.children = self.sequence_at(indent);
                }
            }
        } else {
            self.scalar_into(&mut node, value, indent, no);
        }
        node.end_line = self.last_consumed_line().max(node.end_line);
        if let Some(a) = anchor {
            self.anchors.insert(a, node.clone());
        }
        node
    }

    /// Items of a sequence written at exactly `indent`.
    fn sequence_at(&mut self, indent: usize) -> Vec<Node> {
        let mut out = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent != indent || !is_dash(l.text) {
                break;
            }
            let (no, text) = (l.no, l.text);
            self.pos += 1;
            out.push(self.item(indent, no, text));
        }
        out
    }

    /// A sequence item whose dash is at column `indent` on line `no`.
    fn item(&mut self, indent: usize, no: usize, text: &'a str) -> Node {
        let rest = text[1..].trim_start();
        let col = indent + (text.len() - rest.len());
        let mut item = Node {
            line: no,
            value_line: no,
            end_line: no,
            ..Node::default()
        };
        if rest.is_empty() {
            item.children = self.block(indent as isize);
        } else if is_dash(rest) {
            // `- - a`: a nested sequence; keep its scalar.
            item.value = unquote(rest[1..].trim_start());
        } else if let Some((k, v)) = split_key(rest) {
            let first = self.entry(k, v, col, no);
            item.children.push(first);
            item.children.extend(self.block(col as isize - 1));
        } else {
            self.scalar_into(&mut item, rest, indent, no);
        }
        item.end_line = self.last_consumed_line().max(item.end_line);
        item
    }

    /// Fill a node's scalar (or flow collection, or block scalar) from `value`.
    fn scalar_into(&mut self, node: &mut Node, value: &str, indent: usize, no: usize) {
        let value = value.trim();
        if value.starts_with('|') || value.starts_with('>') {
            let folded = value.starts_with('>');
            let (text, first, last) = self.block_scalar(indent, no);
            node.value = if folded { fold(&text) } else { text };
            node.value_line = first;
            node.end_line = last.max(no);
            return;
        }
        if let Some(alias) = value.strip_prefix('*') {
            if let Some(target) = self.anchors.get(alias.trim()) {
                node.children = target.children.clone();
                node.value = target.value.clone();
            }
            return;
        }
        // `{{ .Values.x }}` (Helm, Jinja) is a template, not a flow mapping.
        if (value.starts_with('[') && value.ends_with(']'))
            || (value.starts_with('{') && value.ends_with('}') && !value.starts_with("{{"))
        {
            node.children = flow(&value[1..value.len() - 1], value.starts_with('{'), no);
            return;
        }
        node.value = unquote(value);
    }

    /// The lines of a block scalar after line `no` (1-based), more indented than `indent`.
    /// Returns the text, its first line and its last line.
    fn block_scalar(&mut self, indent: usize, no: usize) -> (String, usize, usize) {
        let mut i = no; // raw index of the next line
        let mut lines: Vec<&str> = Vec::new();
        let mut first = 0;
        let mut last = no;
        let mut block_indent: Option<usize> = None;
        while i < self.raw.len() {
            let raw = self.raw[i];
            if raw == "---" || raw == "..." {
                break;
            }
            let t = raw.trim_start_matches([' ', '\t']);
            if t.is_empty() {
                if first != 0 {
                    lines.push("");
                }
                i += 1;
                continue;
            }
            let ind = raw.len() - t.len();
            if ind <= indent {
                break;
            }
            let bi = *block_indent.get_or_insert(ind);
            if first == 0 {
                first = i + 1;
            }
            lines.push(if ind >= bi { &raw[bi..] } else { t });
            last = i + 1;
            i += 1;
        }
        if first == 0 {
            first = no;
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        // Skip the structural lines the block covered.
        while let Some((_, l)) = self.lines.get(self.pos) {
            if l.no <= last {
                self.pos += 1;
            } else {
                break;
            }
        }
        (lines.join("\n"), first, last)
    }
}

/// `>` folding: single newlines become spaces (more-indented lines kept).
fn fold(text: &str) -> String {
    let mut out = String::new();
    for (i, l) in text.split('\n').enumerate() {
        if i > 0 {
            out.push(if l.is_empty() || l.starts_with(' ') {
                '\n'
            } else {
                ' '
            });
        }
        out.push_str(l);
    }
    out
}

/// `&anchor value` -> (anchor, value).
fn take_anchor(value: &str) -> (Option<String>, &str) {
    if let Some(rest) = value.strip_prefix('&') {
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        return (Some(rest[..end].to_string()), rest[end..].trim());
    }
    (None, value)
}

/// One-line flow collection contents (`a, b` or `A: b, C: d`), split at top-level commas.
fn flow(inner: &str, mapping: bool, no: usize) -> Vec<Node> {
    let mut parts = Vec::new();
    let (mut depth, mut single, mut double, mut start) = (0i32, false, false, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '[' | '{' if !single && !double => depth += 1,
            ']' | '}' if !single && !double => depth -= 1,
            ',' if depth == 0 && !single && !double => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = if mapping {
                match split_key(p) {
                    Some((k, v)) => (Some(k), unquote(v)),
                    None => (Some(unquote(p)), String::new()),
                }
            } else {
                (None, unquote(p))
            };
            Node {
                key,
                value,
                line: no,
                value_line: no,
                end_line: no,
                children: Vec::new(),
            }
        })
        .collect()
}

/// Resolve `<<: *alias` merge keys (one level: the anchored node's own entries).
fn merge(node: &mut Node, anchors: &HashMap<String, Node>) {
    let mut merged = Vec::new();
    let mut i = 0;
    while i < node.children.len() {
        if node.children[i].key.as_deref() == Some("<<") {
            let m = node.children.remove(i);
            // The alias was resolved while parsing when defined before use.
            for c in m.children {
                if c.key.is_some() && node.children.iter().all(|x| x.key != c.key) {
                    merged.push(c);
                }
            }
            let _ = anchors;
            continue;
        }
        i += 1;
    }
    node.children.extend(merged);
    for c in &mut node.children {
        merge(c, anchors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_sequences_and_lines() {
        let doc = &parse(
            "on:\n  schedule:\n    - cron: '0 2 * * *'\n# comment\njobs:\n  sync:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Sync\n        run: |\n          ./scripts/sync.sh\n          echo done\n        env:\n          TOKEN: ${{ secrets.JIRA_API_TOKEN }} # trailing\n",
        )[0];
        let cron = doc.path("on.schedule").unwrap().items().next().unwrap();
        assert_eq!(cron.str("cron"), Some("0 2 * * *"));
        assert_eq!(cron.line, 3);
        let steps = doc.path("jobs.sync.steps").unwrap();
        let step = steps.items().nth(1).unwrap();
        assert_eq!(step.str("name"), Some("Sync"));
        let run = step.get("run").unwrap();
        assert_eq!(run.value, "./scripts/sync.sh\necho done");
        assert_eq!(run.value_line, 12);
        assert_eq!(
            step.path("env.TOKEN").unwrap().value,
            "${{ secrets.JIRA_API_TOKEN }}"
        );
        assert_eq!(step.end_line, 15);
        assert_eq!(doc.path("jobs.sync").unwrap().end_line, 15);
    }

    #[test]
    fn sequence_at_key_indent_flow_and_documents() {
        let docs = parse(
            "script:\n- echo a\n- curl \"https://x/rest/api/3/myself\"\nvariables: {A: b, C: 'd'}\nlist: [x, y]\n---\nkind: CronJob\n",
        );
        assert_eq!(docs.len(), 2);
        let script = docs[0].get("script").unwrap();
        assert_eq!(script.items().count(), 2);
        assert_eq!(docs[0].path("variables.C").unwrap().value, "d");
        assert_eq!(docs[0].get("list").unwrap().values().len(), 2);
        assert_eq!(docs[1].str("kind"), Some("CronJob"));
        assert_eq!(docs[1].get("kind").unwrap().line, 7);
    }

    #[test]
    fn anchors_merge_and_odd_input() {
        let doc =
            &parse(".base: &base\n  variables:\n    X: 1\njob:\n  <<: *base\n  script: [a]\n")[0];
        assert!(doc.path("job.variables.X").is_some());
        // Garbage never panics.
        for s in [
            "- - -",
            ":",
            "a: [",
            "  - x\n- y\n    z",
            "|",
            "key: |\n",
            "\t- a: b",
        ] {
            let _ = parse(s);
        }
    }
}
