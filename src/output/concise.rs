//! `--format concise`: one line per finding, `path:line:col: CODE [severity] message`.
use std::io::Write;

use crate::lint::LintResult;

pub fn write_lint<W: Write + ?Sized>(out: &mut W, result: &LintResult) -> std::io::Result<()> {
    for f in &result.findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            f.path, f.line, f.column, f.rule, f.severity, f.message
        )?;
    }
    Ok(())
}
