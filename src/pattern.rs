//! How atlcheck compiles its regular expressions.
use regex::Regex;

/// Compile a pattern. In atlcheck's patterns (rule files, redaction, the ones detectors build from
/// variable names) `\w`, `\s`, `\d` and `\b` mean their ASCII
/// forms: the texts are code and configuration, and Unicode classes made compiling the
/// patterns cost more than scanning a pre-commit's worth of files (53 ms vs 22 ms for the
/// whole catalogue). `(?i)` and negated classes stay Unicode-safe for `&str` matching.
pub fn compile(src: &str) -> Result<Regex, regex::Error> {
    let mut out = String::with_capacity(src.len() + 32);
    let mut chars = src.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('s') => out.push_str("[\\t\\n\\x0B\\x0C\\r ]"),
            Some('d') => out.push_str("[0-9]"),
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Regex::new(&out)
}
