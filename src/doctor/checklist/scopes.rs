//! Scopes: the gateway answers 401 `Unauthorized; scope does not match` (`X-Failure-Category:
//! FAILURE_CLIENT_SCOPE_CHECK`) before it routes a request the token lacks a scope for (facts
//! sheet §3.4): AT401, naming the scopes the operation needs from Atlassian's OpenAPI specs.
use super::{Cx, Out};
use crate::catalogue::{Code, Severity};
use crate::doctor::report::Finding;
use crate::scopes::{self, Family};

fn join_scopes(sets: &[Vec<&'static str>]) -> String {
    sets.iter()
        .map(|s| s.join(" + "))
        .collect::<Vec<_>>()
        .join(", or ")
}

/// The message and fix for a missing scope, from the scope catalogue.
pub fn scope_fix(op: Option<&scopes::Match>) -> (String, String) {
    let Some(m) = op else {
        return ("the token lacks a scope this request needs".to_string(), "create a new token with the scope the operation needs (atlcheck scopes METHOD URL names it); scopes cannot be added to an existing token".to_string());
    };
    let o = m.operation;
    let classic = o.scopes(Family::Classic);
    let granular = o.scopes(Family::Granular);
    let mut parts = Vec::new();
    if !classic.is_empty() {
        parts.push(format!("classic {}", join_scopes(classic)));
    }
    if !granular.is_empty() {
        parts.push(format!("granular {}", join_scopes(granular)));
    }
    let needs = if parts.is_empty() {
        "no documented scope".to_string()
    } else {
        parts.join("; or ")
    };
    let mut fix =
        format!("create a new API token (scopes cannot be edited after creation) with {needs}");
    if let Some(why) = o.uncovered_reason(Family::Classic) {
        fix.push_str(&format!(" ({why})"));
    }
    (
        format!(
            "the token lacks a scope {} {} ({}) needs: {needs}",
            m.method, o.path, o.operation_id
        ),
        fix,
    )
}

/// The request itself was answered `scope does not match`.
pub fn missing(cx: &Cx<'_>, out: &mut Out<'_>) {
    let (msg, fix) = scope_fix(cx.ctx.operation);
    out.findings.push(Finding::new(Code::AT401, msg, fix));
}

/// A write (not sent) on the gateway whose identity and permissions check out: a missing
/// scope is the likely cause, not a proven one (a warning).
pub fn likely_for_write(cx: &Cx<'_>, out: &mut Out<'_>) {
    let Some(m) = cx.ctx.operation.filter(|_| cx.on_gateway()) else {
        return;
    };
    let (msg, fix) = scope_fix(Some(m));
    out.findings.push(Finding::new(Code::AT401, format!("{msg} (not verified: atlcheck does not send writes; identity and permissions check out, so a missing scope is the likely cause)"), fix).severity(Severity::Warning));
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{ACCOUNT, CLOUD_ID, MYSELF, Probe, Run, SCOPE_MISMATCH};
    use crate::catalogue::Code;

    /// The request's own answer on the gateway (the credential accepted there) → rule.
    #[test]
    fn answers() {
        let table: &[(u16, &[(&str, &str)], &str, Option<Code>)] = &[
            (
                401,
                &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
                SCOPE_MISMATCH,
                Some(Code::AT401),
            ),
            (401, &[], SCOPE_MISMATCH, Some(Code::AT401)),
            (
                401,
                &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
                "",
                Some(Code::AT401),
            ),
            // Any other 4xx means the scope gate passed (facts sheet §3.4).
            (
                403,
                &[],
                r#"{"errorMessages":["You do not have permission"],"errors":{}}"#,
                Some(Code::AT403),
            ),
            (200, &[ACCOUNT], r#"{"key":"OPS-1","fields":{}}"#, None),
        ];
        for (status, headers, body, want) in table {
            let mut run = Run::site(&format!(
                "https://api.atlassian.com/ex/jira/{CLOUD_ID}/rest/api/3/issue/OPS-1"
            ));
            run.answer(Probe::GwJira, 200, &[ACCOUNT], MYSELF).answer(
                Probe::Target,
                *status,
                headers,
                body,
            );
            let (out, said) = run.unit(super::super::target::run);
            assert_eq!(
                out.codes().first().copied(),
                *want,
                "{status} {headers:?} {body}"
            );
            assert!(said.is_some());
        }
    }

    #[test]
    fn without_an_operation_the_fix_says_how_to_find_the_scope() {
        let (msg, fix) = super::scope_fix(None);
        assert_eq!(msg, "the token lacks a scope this request needs");
        assert!(fix.contains("atlcheck scopes METHOD URL"));
    }
}
