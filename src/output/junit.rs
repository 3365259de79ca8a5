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
    let mut out = Vec::with_capacity(s.len());
    push_escaped(&mut out, s);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// [`escape`] of `s`, appended to `out`: what needs no escape is copied in runs.
fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let mut from = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\t' | '\n' | '\r' => continue,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "\u{FFFD}",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[from..i]);
        out.extend_from_slice(esc.as_bytes());
        from = i + c.len_utf8();
    }
    out.extend_from_slice(&s.as_bytes()[from..]);
}

/// [`escape`] of the strings a file's findings share (path, message, fix; two rules'
/// findings taking turns on a line), done once while the same string comes again (issue 12,
/// class 5: 500,000 findings in a generated file).
#[derive(Default)]
struct Escaped<'a> {
    slots: Vec<(&'a str, Vec<u8>)>,
}

impl<'a> Escaped<'a> {
    fn of(&mut self, s: &'a str) -> &[u8] {
        let at = match self.slots.iter().position(|(l, _)| std::ptr::eq(*l, s)) {
            Some(at) => at,
            None => {
                if self.slots.len() == 4 {
                    self.slots.remove(0);
                }
                let mut bytes = Vec::with_capacity(s.len());
                push_escaped(&mut bytes, s);
                self.slots.push((s, bytes));
                self.slots.len() - 1
            }
        };
        &self.slots[at].1
    }
}

/// One finding's testcase, written in pieces: the same bytes as escaping the whole name and
/// failure text (the escaping maps each character on its own).
fn write_testcase<'a>(
    out: &mut dyn Write,
    path: &[u8],
    f: &'a Finding,
    message: &mut Escaped<'a>,
    fix: &mut Escaped<'a>,
) -> std::io::Result<()> {
    use crate::output::safe_json::write_usize;
    let mut rule = Vec::new();
    push_escaped(&mut rule, f.rule);
    let mut name = Vec::new();
    push_escaped(&mut name, f.name);
    out.write_all(b"    <testcase name=\"")?;
    out.write_all(&rule)?;
    out.write_all(b" ")?;
    out.write_all(&name)?;
    out.write_all(b" at ")?;
    write_usize(out, f.line)?;
    out.write_all(b":")?;
    write_usize(out, f.column)?;
    out.write_all(b"\" classname=\"")?;
    out.write_all(path)?;
    out.write_all(b"\">\n      <failure type=\"")?;
    out.write_all(f.rule.as_bytes())?;
    out.write_all(b"\" message=\"")?;
    let message = message.of(&f.message);
    out.write_all(message)?;
    out.write_all(b"\">")?;
    out.write_all(path)?;
    out.write_all(b":")?;
    write_usize(out, f.line)?;
    out.write_all(b":")?;
    write_usize(out, f.column)?;
    out.write_all(b": ")?;
    out.write_all(&rule)?;
    out.write_all(b" [")?;
    out.write_all(f.severity.as_str().as_bytes())?;
    out.write_all(b"] ")?;
    out.write_all(message)?;
    if let Some(x) = &f.fix {
        out.write_all(b"\nfix: ")?;
        out.write_all(fix.of(x))?;
    }
    out.write_all(b"\ndocs: atlcheck explain ")?;
    out.write_all(&rule)?;
    out.write_all(b"</failure>\n    </testcase>\n")
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
    let (mut message, mut fix) = (Escaped::default(), Escaped::default());
    for (path, findings) in &by_file {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{n}" failures="{n}" errors="0">"#,
            escape(path),
            n = findings.len()
        )?;
        let path = escape(path);
        for f in findings {
            write_testcase(out, path.as_bytes(), f, &mut message, &mut fix)?;
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

    /// A finding's failure text, whole (the reference of [`write_testcase`]).
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

    #[test]
    fn a_testcase_written_in_pieces_is_the_escaped_whole() {
        for (message, fix) in [
            ("m <a> & \"q\" 'x' \u{1b}[31m é…", Some("fix & <b>")),
            ("plain", None),
        ] {
            let f = Finding {
                rule: "AT201",
                name: "direct-site-url",
                severity: crate::catalogue::Severity::Warning,
                path: "dir/a&b<c>.sh".into(),
                line: 12,
                column: 3,
                end_line: 12,
                end_column: 9,
                message: message.into(),
                fix: fix.map(Into::into),
                fingerprint: "0123456789abcdef".into(),
                history: None,
                frame: None,
                span: 0..0,
            };
            let mut hand = Vec::new();
            write_testcase(
                &mut hand,
                escape(&f.path).as_bytes(),
                &f,
                &mut Escaped::default(),
                &mut Escaped::default(),
            )
            .unwrap();
            let reference = format!(
                "    <testcase name=\"{}\" classname=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(&format!("{} {} at {}:{}", f.rule, f.name, f.line, f.column)),
                escape(&f.path),
                f.rule,
                escape(&f.message),
                escape(&body(&f))
            );
            assert_eq!(String::from_utf8(hand).unwrap(), reference);
        }
    }
}
