//! `--format github`: GitHub Actions annotations, one per finding (no file: a credential
//! lives in Atlassian, not in the repository), source failures first. Past GitHub's caps (10
//! per level per step) findings become plain log lines and a closing notice says how many.
use std::io::Write;

use crate::catalogue::Severity;
use crate::output::github::{MAX_PER_JOB, MAX_PER_LEVEL};
use crate::output::sink::Sink;
use crate::tokens::report::{Report, SourceState};

struct Note {
    level: &'static str,
    title: String,
    text: String,
}

pub fn write(out: &mut Sink, r: &Report) -> std::io::Result<()> {
    let mut all = Vec::new();
    for s in r.sources.iter().filter(|s| s.status == SourceState::Failed) {
        all.push(Note {
            level: "error",
            title: format!("atlcheck tokens: {} not read", s.name),
            text: format!(
                "{}: {} (the report is incomplete)",
                s.name,
                s.error.as_deref().unwrap_or("could not be read")
            ),
        });
    }
    for i in r.order().into_iter().flatten() {
        for f in r.findings_of(i) {
            all.push(Note {
                level: match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "notice",
                },
                title: format!("atlcheck {} ({})", f.rule, f.name),
                text: format!("{} {}\nfix: {}", f.rule, f.message, f.fix),
            });
        }
    }
    let mut counts = [0usize; 3];
    let mut total = 0;
    let mut overflow = Vec::new();
    for n in all {
        let i = match n.level {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        let cap = if i == 2 {
            MAX_PER_LEVEL - 1
        } else {
            MAX_PER_LEVEL
        };
        if counts[i] < cap && total < MAX_PER_JOB - 1 {
            counts[i] += 1;
            total += 1;
            out.workflow_command(n.level, &[("title", &n.title)], &n.text)?;
        } else {
            overflow.push(n);
        }
    }
    for n in &overflow {
        writeln!(out, "[{}] {}", n.level, n.text.replace('\n', " "))?;
    }
    let s = &r.summary;
    let more = if overflow.is_empty() {
        String::new()
    } else {
        format!(
            "; {} more were not annotated (GitHub shows at most {MAX_PER_LEVEL} per level per step) and are listed in this log",
            overflow.len()
        )
    };
    out.workflow_command(
        "notice",
        &[("title", "atlcheck tokens")],
        &format!(
            "{} credentials, {} errors, {} warnings{more}",
            s.credentials, s.errors, s.warnings
        ),
    )
}
