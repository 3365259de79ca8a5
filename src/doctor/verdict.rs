//! From evidence to findings and the single most likely root cause: the live checklist
//! ([`checklist::CHECKLIST`]) judges the evidence, the root cause is ranked
//! ([`checklist::rank`]), and the verdict follows.
use super::checklist::{self, Cx, Out, Step};
use super::credential::Analysis;
use super::live::Evidence;
use super::report::{Check, Finding, Status, Verdict};
use super::request::Target;
use crate::catalogue::{Code, Severity};
use crate::scopes;

pub struct Context<'a> {
    pub target: &'a Target,
    pub site: Option<&'a str>,
    pub project: Option<&'a str>,
    pub space: Option<&'a str>,
    pub analysis: &'a Analysis,
    pub operation: Option<&'a scopes::Match>,
    pub has_credential: bool,
    pub compare: bool,
    /// The lint configuration's `service-accounts` patterns.
    pub service_accounts: &'a [String],
}

pub struct Outcome {
    pub root_cause: Option<Code>,
    pub verdict: Verdict,
    pub summary: String,
    pub account_id: Option<String>,
    /// What each checklist unit probed and how it concluded.
    pub trail: Vec<Step>,
}

/// Judge the evidence (the live checklist), let `settle` refine the findings, then rank the
/// root cause and reach the verdict. `settle` runs after the live findings and before the
/// root cause is chosen: the OAuth path's wording, the scopes a token holds.
pub fn decide(
    ctx: &Context<'_>,
    ev: Option<&Evidence>,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
    settle: &mut dyn FnMut(&mut Vec<Check>, &mut Vec<Finding>),
) -> Outcome {
    let mut inconclusive: Option<String> = None;
    let mut account_id = None;
    let mut trail = Vec::new();
    if let Some(ev) = ev {
        let cx = Cx::new(ctx, ev);
        let mut out = Out {
            checks,
            findings,
            inconclusive: &mut inconclusive,
            account_id: &mut account_id,
        };
        trail = checklist::run(&cx, &mut out);
    }
    settle(checks, findings);
    if inconclusive.is_none() {
        inconclusive = super::proof::missing_proof(checks);
    }
    // A check that failed without a finding to explain it (a 401 to a request sent with no
    // credential) is no proof that the request works.
    if inconclusive.is_none() && findings.is_empty() {
        inconclusive = checks
            .iter()
            .find(|c| c.status == Status::Fail)
            .map(|c| format!("{} failed and no cause was found: {}", c.title, c.detail));
    }
    let root = checklist::rank::root_cause(findings);
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    let (verdict, summary) = verdict(ctx.target, ev.is_some(), root, has_error, inconclusive);
    Outcome {
        root_cause: root.map(|f| f.rule),
        verdict,
        summary,
        account_id,
        trail,
    }
}

/// The verdict and its one-sentence summary.
fn verdict(
    t: &Target,
    live: bool,
    root: Option<&Finding>,
    has_error: bool,
    inconclusive: Option<String>,
) -> (Verdict, String) {
    match (root, has_error, inconclusive) {
        (Some(f), true, _) => (Verdict::Problem, f.message.clone()),
        (None, _, Some(why)) | (_, false, Some(why)) => (Verdict::Inconclusive, why),
        (Some(f), false, None) => (
            Verdict::Ok,
            format!("the request works; note: {}", f.message),
        ),
        (None, _, None) if !live => (
            Verdict::Ok,
            "no problem found offline; live checks were not run".to_string(),
        ),
        (None, _, None) if matches!(t.method.as_str(), "GET" | "HEAD") => {
            (Verdict::Ok, "the request works".to_string())
        }
        (None, _, None) => (
            Verdict::Ok,
            format!(
                "the credential works and no problem was found; the {} itself was not sent (atlcheck only reads)",
                t.method
            ),
        ),
    }
}
