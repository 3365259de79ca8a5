//! Ranking the root cause: of every finding, the single most likely cause of the failure.
//! Errors come before warnings; among the same severity, the rule's `priority` in
//! `rules/*.toml` decides (lower explains a failure first: a rate limit before a dead
//! credential, a dead credential before a missing permission); the first found wins a tie.
use crate::doctor::report::Finding;

/// The finding that names the root cause, if any.
pub fn root_cause(findings: &[Finding]) -> Option<&Finding> {
    findings.iter().min_by_key(|f| {
        (
            std::cmp::Reverse(f.severity),
            f.rule.rule().priority.unwrap_or(u32::MAX),
        )
    })
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::root_cause;
    use crate::catalogue::{Code, Severity};
    use crate::doctor::report::Finding;

    fn f(code: Code, severity: Severity) -> Finding {
        Finding::new(code, "m", "f").severity(severity)
    }

    #[test]
    fn errors_first_then_priority_then_order() {
        use Severity::{Error, Warning};
        let table: &[(&[(Code, Severity)], Option<Code>)] = &[
            (&[], None),
            (
                &[(Code::AT403, Error), (Code::AT105, Error)],
                Some(Code::AT105),
            ),
            (
                &[(Code::AT501, Error), (Code::AT105, Error)],
                Some(Code::AT501),
            ),
            (
                &[(Code::AT501, Warning), (Code::AT403, Error)],
                Some(Code::AT403),
            ),
            (
                &[(Code::AT201, Error), (Code::AT204, Error)],
                Some(Code::AT204),
            ),
            (
                &[(Code::AT101, Warning), (Code::AT401, Warning)],
                Some(Code::AT401),
            ),
        ];
        for (findings, want) in table {
            let all: Vec<Finding> = findings.iter().map(|(c, s)| f(*c, *s)).collect();
            assert_eq!(root_cause(&all).map(|f| f.rule), *want, "{findings:?}");
        }
        // A tie: the first found.
        let two = [
            Finding::new(Code::AT204, "first", "f"),
            Finding::new(Code::AT204, "second", "f"),
        ];
        assert_eq!(root_cause(&two).unwrap().message, "first");
    }

    /// Every doctor rule has its own priority: no tie between two rules.
    #[test]
    fn priorities_are_distinct() {
        let mut seen: Vec<u32> = crate::catalogue::Code::ALL
            .iter()
            .filter_map(|c| c.rule().priority)
            .collect();
        let n = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), n);
    }
}
