//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure, CircleCI).
//!
//! Layout, chosen so that each finding is one line in a test report:
//!
//! - `<testsuites name="atlcheck">` with the totals;
//! - one `<testsuite name="PATH">` per file that has findings, in path order;
//! - one `<testcase name="CODE name at LINE:COL" classname="PATH">` per finding, each with a
//!   `<failure type="CODE" message="...">` whose text holds the location, severity, message and
//!   fix (all already masked: no source text is ever copied into the report);
//! - files that could not be read are a testcase with an `<error>` in a testsuite named
//!   `atlcheck`;
//! - a clean run is one passing testcase `atlcheck lint` (test reports hide empty suites).
//!
//! Hand-written: the subset is tiny and a dependency would not make the escaping more correct.
use std::collections::BTreeMap;
use std::io::Write;

use crate::lint::{Finding, LintResult};

/// Escape text for an XML attribute or element; characters XML 1.0 forbids become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn body(f: &Finding) -> String {
    let mut s = format!(
        "{}:{}:{}: {} [{}] {}",
        f.path, f.line, f.column, f.rule, f.severity, f.message
    );
    if let Some(fix) = &f.fix {
        s.push_str("\nfix: ");
        s.push_str(fix);
    }
    s.push_str(&format!("\ndocs: atlcheck explain {}", f.rule));
    s
}

pub fn write_lint(out: &mut dyn Write, result: &LintResult) -> std::io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &result.findings {
        by_file.entry(&*f.path).or_default().push(f);
    }
    let failures = result.findings.len();
    let errors = result.errors.len();
    let clean = failures == 0 && errors == 0;
    let tests = failures + errors + usize::from(clean);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="atlcheck" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for (path, findings) in &by_file {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{n}" failures="{n}" errors="0">"#,
            escape(path),
            n = findings.len()
        )?;
        for f in findings {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(&format!("{} {} at {}:{}", f.rule, f.name, f.line, f.column)),
                escape(path)
            )?;
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                f.rule,
                escape(&f.message),
                escape(&body(f))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if errors > 0 || clean {
        writeln!(
            out,
            r#"  <testsuite name="atlcheck" tests="{}" failures="0" errors="{errors}">"#,
            errors + usize::from(clean)
        )?;
        for (path, message) in &result.errors {
            // The path of an unreadable input is what the user typed: it may be a token.
            let path = crate::secret::redact_text(path);
            let message = crate::secret::redact_text(message);
            writeln!(
                out,
                r#"    <testcase name="{}" classname="atlcheck">"#,
                escape(&format!("read {path}"))
            )?;
            writeln!(
                out,
                r#"      <error type="io" message="{}">{}</error>"#,
                escape(&message),
                escape(&format!("{path}: {message}"))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        if clean {
            writeln!(
                out,
                r#"    <testcase name="atlcheck lint" classname="atlcheck"/>"#
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1b}[31mb\tc"), "a\u{FFFD}[31mb\tc");
    }
}
