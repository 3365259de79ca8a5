//! `--format concise`: one line per finding, `path:line:col: CODE [severity] message`.
use std::io::Write;

use crate::lint::LintResult;

pub fn write_lint<W: Write + ?Sized>(out: &mut W, result: &LintResult) -> std::io::Result<()> {
    // `{path}:{line}:{column}: {rule} [{severity}] {message}`, written in pieces (the
    // formatting machinery per finding was 6% of a run of 440,000 findings; issue 12, class 5).
    let mut num = itoa::Buffer::new();
    for f in &result.findings {
        out.write_all(f.path.as_bytes())?;
        out.write_all(b":")?;
        out.write_all(num.format(f.line).as_bytes())?;
        out.write_all(b":")?;
        out.write_all(num.format(f.column).as_bytes())?;
        out.write_all(b": ")?;
        out.write_all(f.rule.as_bytes())?;
        out.write_all(b" [")?;
        out.write_all(f.severity.as_str().as_bytes())?;
        out.write_all(b"] ")?;
        out.write_all(f.message.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The line written in pieces is the one `format!` made.
    #[test]
    fn lines_are_the_formatted_ones() {
        use crate::catalogue::Severity;
        use crate::lint::{Finding, LintResult};
        let findings: Vec<Finding> = (0..3)
            .map(|i| Finding {
                rule: ["AT201", "AT102", "AT205"][i],
                name: "n",
                severity: [Severity::Error, Severity::Warning, Severity::Info][i],
                path: format!("d/p{i} é.sh").into(),
                line: i * 1000 + 1,
                column: usize::MAX - i,
                end_line: 0,
                end_column: 0,
                message: format!("m {i} 2Yw4aC…6NgI").into(),
                fix: None,
                fingerprint: String::new(),
                history: None,
                frame: None,
                span: 0..0,
            })
            .collect();
        let want: String = findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{}: {} [{}] {}\n",
                    f.path, f.line, f.column, f.rule, f.severity, f.message
                )
            })
            .collect();
        let result = LintResult {
            findings,
            ..LintResult::default()
        };
        let mut out = Vec::new();
        super::write_lint(&mut out, &result).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
