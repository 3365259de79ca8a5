//! Keeping secrets out of every output.
//!
//! SPEC, security invariants: no output ever carries a whole secret. A token is shown as its
//! first 6 characters, `…`, and its last 4 (or `****` when shorter than 20). Findings only ever
//! hold masked values; [`redact_text`] is the second line of defence applied to every source
//! line atlcheck prints and to every error message.
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// The masked form of a secret: `ATATT3…AB12`, or `****` when shorter than 20 characters.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 20 {
        return "****".to_string();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A secret value read from a file, the environment or a prompt. `Debug` and `Display` show
/// only the masked form; the value itself is reachable only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The raw value, for the few places that must send or check it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Patterns whose match (or whose `secret` group) is a secret wherever it appears.
fn redaction_patterns() -> &'static [Regex] {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            // Atlassian and Bitbucket prefixed credentials.
            r"(?P<secret>\b(?:ATATT3|ATCTT3|ATOA|ATBB)[A-Za-z0-9_\-=+/]{8,})",
            // Authorization header values.
            r"(?i)\b(?:basic|bearer|jwt)\s+(?P<secret>[A-Za-z0-9+/_\-.=]{8,})",
            // curl -u user:secret / --user=user:secret
            r#"(?:^|\s)(?:-u|--user)(?:\s+|=)["']?[^\s:"']*:(?P<secret>[^\s"']{4,})"#,
            // scheme://user:secret@host, where the user may be an unescaped email address
            r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/]+:(?P<secret>[^\s@/]{4,})@",
            // key = value where the key names a secret.
            r#"(?i)(?:token|passw(?:or)?d|passwd|secret|api[_-]?key|credential)[A-Za-z0-9_\-]*["']?\s*(?::|=|=>)\s*["'`]?(?P<secret>[^\s"'`,;)\]}]{8,})"#,
            // Any long quoted or bare high-entropy run; checked for entropy below.
            r"(?P<entropy>\b[A-Za-z0-9+/_\-]{20,}={0,2})",
        ]
        .iter()
        .map(|p| crate::pattern::compile(p).expect("redaction pattern compiles"))
        .collect()
    })
}

/// 8-4-4-4-12 alphanumerics: a cloud or organization ID, possibly mistyped. Identifiers,
/// not secrets; a mistyped one must stay readable in an AT203 message.
fn uuid_shaped(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Is the run the local part or a label of an email address (`x1axxw94zz@serviceaccount…`)?
/// Service-account addresses are generated and look random, but are not secrets.
fn part_of_email(text: &str, r: Range<usize>) -> bool {
    text[r.end..].starts_with('@') || text[..r.start].ends_with('@')
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Does this run of characters look like a random secret rather than a word or identifier?
pub fn looks_random(s: &str) -> bool {
    let has_digit = s.bytes().any(|b| b.is_ascii_digit());
    let has_upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let classes = usize::from(has_digit) + usize::from(has_upper) + usize::from(has_lower);
    classes >= 2 && entropy(s) >= 3.5
}

/// Index of the `key = value` pattern, which only applies to source text: in atlcheck's own
/// sentences ("credential: Atlassian answers 401") it would mask prose.
const KEY_VALUE_PATTERN: usize = 4;
/// Index of the `Basic|Bearer|JWT value` pattern.
const BASIC_PATTERN: usize = 1;

/// Byte ranges of `text` that [`redact_text`] would mask.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    ranges(text, true)
}

fn ranges(text: &str, source: bool) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (i, re) in redaction_patterns().iter().enumerate() {
        if i == KEY_VALUE_PATTERN && !source {
            continue;
        }
        for caps in re.captures_iter(text) {
            if let Some(m) = caps.name("secret") {
                // Variables and placeholders are not secrets.
                let v = m.as_str();
                if v.starts_with('$')
                    || v.starts_with('{')
                    || v.starts_with('<')
                    || v.starts_with('%')
                {
                    continue;
                }
                // `basic jane@acme.com:…` names the Basic user: base64 has no `@`.
                if i == BASIC_PATTERN && text[m.end()..].starts_with('@') {
                    continue;
                }
                // In atlcheck's own sentences, "Basic authentication" is prose.
                if !source && v.len() < 20 && !looks_random(v) {
                    continue;
                }
                ranges.push(m.range());
            } else if let Some(m) = caps.name("entropy")
                && looks_random(m.as_str())
                && !m.as_str().contains('/')
                && !uuid_shaped(m.as_str())
                && !part_of_email(text, m.range())
            {
                ranges.push(m.range());
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Mask every secret-looking value in `text` (source lines, user input in errors).
pub fn redact_text(text: &str) -> String {
    redact_with_map(text).0
}

/// Mask secret-looking values in a sentence atlcheck wrote itself: tokens, header values
/// and random-looking runs, but not `word: word` prose.
pub fn redact_message(text: &str) -> String {
    apply(text, &ranges(text, false)).0
}

/// Mask every secret-looking value and return a function from original byte offsets to
/// offsets in the redacted string (for placing carets under a masked line).
pub fn redact_with_map(text: &str) -> (String, impl Fn(usize) -> usize) {
    apply(text, &secret_ranges(text))
}

fn apply(text: &str, ranges: &[Range<usize>]) -> (String, impl Fn(usize) -> usize + use<>) {
    let ranges = ranges.to_vec();
    let mut out = String::with_capacity(text.len());
    let mut edits: Vec<(Range<usize>, usize)> = Vec::new();
    let mut last = 0;
    for r in ranges {
        out.push_str(&text[last..r.start]);
        let start_new = out.len();
        out.push_str(&mask(&text[r.clone()]));
        edits.push((r.clone(), out.len() - start_new));
        last = r.end;
    }
    out.push_str(&text[last..]);
    let map = move |off: usize| {
        let mut delta: isize = 0;
        for (r, new_len) in &edits {
            if off >= r.end {
                delta += *new_len as isize - r.len() as isize;
            } else if off > r.start {
                // Inside a masked value: point at its start.
                return (r.start as isize + delta) as usize;
            } else {
                break;
            }
        }
        (off as isize + delta) as usize
    };
    (out, map)
}

/// Install a panic hook that prints a short message without the payload's secrets.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "atlcheck: internal error{location}: {}\nThis is a bug; please report it with the command you ran (secrets are masked above).",
            redact_text(&payload).replace('\n', " ")
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_six_and_four() {
        assert_eq!(mask("ATATT3xFfGF0abcdefghijklmnop=12345678"), "ATATT3…5678");
        assert_eq!(mask("short-secret"), "****");
    }

    #[test]
    fn debug_and_display_are_masked() {
        let s = Secret::new("ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz=0A1B2C3D");
        assert_eq!(format!("{s:?}"), "Secret(ATATT3…2C3D)");
        assert_eq!(format!("{s}"), "ATATT3…2C3D");
    }

    #[test]
    fn redacts_known_shapes() {
        let line = r#"curl -u jane@acme.com:s3cr3tPassw0rdValue -H "Authorization: Basic amFuZUBhY21lLmNvbTp0b2tlbg==" x"#;
        let out = redact_text(line);
        assert!(!out.contains("s3cr3tPassw0rdValue"), "{out}");
        assert!(!out.contains("amFuZUBhY21lLmNvbTp0b2tlbg=="), "{out}");
        assert!(out.contains("jane@acme.com"));
        let url = "https://jane@acme.com:Xk93jfLq0Pz7Rm2Tb8Wc4Yd1@acme.atlassian.net/rest";
        assert!(!redact_text(url).contains("Xk93jfLq0Pz7Rm2Tb8Wc4Yd1"));
    }

    #[test]
    fn caret_map_follows_masking() {
        let line = "X ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz=0A1B2C3D Y";
        let (out, map) = redact_with_map(line);
        assert_eq!(out, "X ATATT3…2C3D Y");
        let y = line.find('Y').unwrap();
        assert_eq!(&out[map(y)..], "Y");
        assert_eq!(map(2), 2);
    }
}
