//! `--format junit`: one testsuite per source, one testcase per credential, one `<failure>`
//! per finding; a source that could not be read is a testcase with an `<error>`. An empty
//! organization is one passing testcase (test reports hide empty suites).
use std::io::Write;

use crate::output::junit::escape;
use crate::tokens::report::{Report, SourceState};

pub fn write(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    let failures = r.findings.len();
    let errors = r
        .sources
        .iter()
        .filter(|s| s.status == SourceState::Failed)
        .count();
    let clean = r.credentials.is_empty() && errors == 0;
    let tests = r.credentials.len() + errors + usize::from(clean);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="atlcheck tokens" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    let order: Vec<usize> = r.order().into_iter().flatten().collect();
    for src in &r.sources {
        let mine: Vec<usize> = order
            .iter()
            .copied()
            .filter(|i| r.credentials[*i].credential.source == src.name)
            .collect();
        let failed = src.status == SourceState::Failed;
        if mine.is_empty() && !failed {
            continue;
        }
        let fails: usize = mine.iter().map(|i| r.findings_of(*i).count()).sum();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{fails}" errors="{}">"#,
            src.name,
            mine.len() + usize::from(failed),
            usize::from(failed)
        )?;
        if failed {
            let msg = src.error.as_deref().unwrap_or("could not be read");
            writeln!(
                out,
                r#"    <testcase name="read {}" classname="atlcheck.tokens">"#,
                src.name
            )?;
            writeln!(
                out,
                r#"      <error type="source" message="{}">{}</error>"#,
                escape(msg),
                escape(msg)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        for i in mine {
            let l = &r.credentials[i];
            let c = &l.credential;
            let name = format!(
                "{} {} ({}), days left {}",
                c.kind,
                c.name(),
                c.id,
                super::days_text(l)
            );
            let findings: Vec<_> = r.findings_of(i).collect();
            if findings.is_empty() {
                writeln!(
                    out,
                    r#"    <testcase name="{}" classname="{}"/>"#,
                    escape(&name),
                    escape(&c.owner.display())
                )?;
                continue;
            }
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(&name),
                escape(&c.owner.display())
            )?;
            for f in findings {
                let body = format!(
                    "{} [{}] {}\nfix: {}\ndocs: atlcheck explain {}",
                    f.rule, f.severity, f.message, f.fix, f.rule
                );
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    f.rule,
                    escape(&f.message),
                    escape(&body)
                )?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if clean {
        writeln!(
            out,
            r#"  <testsuite name="atlcheck tokens" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="atlcheck tokens: no credentials listed" classname="atlcheck.tokens"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
