//! AT302 fixed-token-length: code that assumes an API token has a fixed length. Atlassian:
//! "We use varied API token length rather than fixed length".
use crate::lint::{Cx, Hit};

/// Lengths seen in the wild that scripts hard-code: legacy tokens (24) and today's (192).
const KNOWN: &[u64] = &[24, 192, 183, 184, 186];

/// Words that say an expression is about a token (on its line or the two above).
const TOKEN_WORDS: &[&str] = &[
    "token",
    "api_key",
    "apikey",
    "api-key",
    "atatt",
    "atlassian",
    "jira",
    "confluence",
];

/// Words that name a token itself (not just the product): what a length check on a variable
/// of any name needs around it.
const STRICT_TOKEN_WORDS: &[&str] = &["token", "api_key", "apikey", "api-key", "atatt"];

/// Does the line at `at`, or one of the two before it, talk about a token?
fn about_token(cx: &Cx<'_>, at: usize) -> bool {
    near(cx, at, TOKEN_WORDS)
}

/// Does the line at `at`, or one of the two before it, hold one of `words`?
fn near(cx: &Cx<'_>, at: usize, words: &[&str]) -> bool {
    let (line, mut start) = cx.line_at(at);
    let end = start + line.len();
    for _ in 0..2 {
        if start == 0 {
            break;
        }
        start = cx.line_at(start - 1).1;
    }
    let window = cx.text[start..end].to_ascii_lowercase();
    words.iter().any(|w| window.contains(w))
}

/// A character class that only holds hex digits or digits (`[0-9a-f]`, `[0-9]`): an object
/// ID or a hash, not a token.
fn hex_or_digit_class(class: &str) -> bool {
    let inner = class.trim_start_matches('[').trim_end_matches(']');
    let rest = inner
        .replace("0-9", "")
        .replace("a-f", "")
        .replace("A-F", "")
        .replace("\\d", "");
    class.starts_with('[') && rest.is_empty()
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.atlassian_context() {
        return;
    }
    for id in ["len-compare", "length-compare", "shell-length"] {
        for caps in cx.pattern(id).captures_iter(cx.text) {
            let (Some(whole), Some(op), Some(n)) =
                (caps.name("whole"), caps.name("op"), caps.name("n"))
            else {
                continue;
            };
            let Ok(n) = n.as_str().parse::<u64>() else {
                continue;
            };
            let equality = matches!(op.as_str(), "==" | "!=" | "===" | "!==" | "-eq" | "-ne");
            if !(KNOWN.contains(&n) || equality && n >= 16) {
                continue;
            }
            out.push(
                Hit::new(whole.range(), format!("assumes an API token is {n} characters long; Atlassian token length varies"), format!("len:{n}"))
                    .fix("check the form instead of the length: non-empty, no whitespace, and for ATATT3 tokens the `=` + 8 hex checksum tail"),
            );
        }
    }
    for id in [
        "len-known",
        "slice",
        "quantifier",
        "legacy-form",
        "max-length",
        "length-call",
        "length-option",
        "generator",
    ] {
        for caps in cx.pattern(id).captures_iter(cx.text) {
            let (Some(whole), Some(n)) = (caps.name("whole"), caps.name("n").or(caps.name("n2")))
            else {
                continue;
            };
            if caps
                .name("class")
                .is_some_and(|c| hex_or_digit_class(c.as_str()))
            {
                continue;
            }
            if !about_token(cx, whole.start())
                || id == "len-known" && !near(cx, whole.start(), STRICT_TOKEN_WORDS)
            {
                continue;
            }
            // A length check the patterns above already reported.
            if out
                .iter()
                .any(|h| h.range.start < whole.end() && whole.start() < h.range.end)
            {
                continue;
            }
            let n = if id == "legacy-form" {
                "24"
            } else {
                n.as_str()
            };
            out.push(
                Hit::new(whole.range(), format!("fixes the API token at {n} characters; Atlassian token length varies"), format!("{id}:{n}"))
                    .fix("do not cut, generate or size-limit tokens at a fixed length; accept any length (a 192-character token today may be longer tomorrow)"),
            );
        }
    }
}
