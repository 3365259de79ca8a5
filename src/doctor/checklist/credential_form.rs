//! Credential form, judged again once the probes answered: a token with stray characters
//! (AT103) or an API token sent as Bearer (AT303) that the gateway or site accepted anyway is a
//! warning, not the cause of the failure. The form itself is checked offline
//! (`credential::analyse`).
use super::{Cx, Out, Said, Standing};
use crate::catalogue::{Code, Severity};

pub fn accepted_anyway(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    if cx.standing() != Standing::Valid {
        return None;
    }
    let mut lowered = Vec::new();
    for f in out
        .findings
        .iter_mut()
        .filter(|f| matches!(f.rule, Code::AT103 | Code::AT303) && f.severity == Severity::Error)
    {
        f.severity = Severity::Warning;
        f.message.push_str(" (the credential was accepted anyway)");
        lowered.push(f.rule.as_str());
    }
    if lowered.is_empty() {
        return None;
    }
    Some(Said::new(
        [format!("offline findings {}", lowered.join(", "))],
        "the credential was accepted on a surface: its form problems are warnings",
    ))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{ACCOUNT, MYSELF, Probe, Run, UNAUTHENTICATED};
    use crate::catalogue::{Code, Severity};
    use crate::doctor::report::Finding;

    /// The site's identity answer (status, headers, body) → the offline AT103's severity.
    #[test]
    fn answers() {
        let table: &[(u16, &[(&str, &str)], &str, Severity)] = &[
            (200, &[ACCOUNT], MYSELF, Severity::Warning),
            (401, &[], UNAUTHENTICATED, Severity::Error),
            // 200 without X-AAccountId: Jira answered as anonymous, nothing was accepted.
            (200, &[], MYSELF, Severity::Error),
        ];
        for (status, headers, body, want) in table {
            let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.findings
                .push(Finding::new(Code::AT103, "a stray newline", "trim it"));
            run.answer(Probe::SiteJira, *status, headers, body);
            let (out, said) = run.unit(super::accepted_anyway);
            assert_eq!(out.findings[0].severity, *want, "{status}");
            assert_eq!(said.is_some(), *want == Severity::Warning);
        }
    }

    /// The trail names the finding the unit changed.
    #[test]
    fn the_trail_names_the_lowered_finding() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.findings
            .push(Finding::new(Code::AT103, "a stray newline", "trim it"));
        run.accepted_on_site();
        let (_, trail) = run.checklist();
        let step = trail
            .iter()
            .find(|s| s.unit == "credential form, once accepted")
            .expect("the unit applied");
        assert_eq!(step.found, [Code::AT103]);
    }
}
