//! Who owns the credential, from live evidence (issue 13, part 5): when Jira's `/myself` (or
//! Confluence's current user) confirms an `atlassian` account whose email is not a service
//! account, the automation runs as a person (AT101), even if the address looked like a
//! placeholder offline (`bot@example.com`): the live answer proves the account is real.
use super::classify::Identity;
use super::credential::Analysis;
use super::report::{Check, Finding, Status};
use crate::account::{self, User};
use crate::catalogue::Code;

/// AT101's fix: [`account::PERSON_FIX`], as lint gives it.
pub const AT101_FIX: &str = account::PERSON_FIX;

/// Check: "the live identity is a person's account".
pub fn confirmed_person(
    a: &Analysis,
    idn: &Identity,
    allowed: &[String],
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    if idn.account_type.as_deref() != Some("atlassian") {
        return;
    }
    // The profile may hide the email; the Basic user is then the address that logged in.
    let Some(email) = idn.email.clone().or_else(|| a.user.clone()) else {
        return;
    };
    if !matches!(
        account::classify_user(&email, allowed),
        User::Person(_) | User::Placeholder
    ) {
        return;
    }
    checks.push(Check::new(
        "account-live",
        Status::Warn,
        "Account type (live)",
        format!(
            "Atlassian confirms {email} is a person's account (accountType `atlassian`, not a service account)"
        ),
    ));
    if findings.iter().any(|f| f.rule == Code::AT101) {
        return;
    }
    findings.push(Finding::new(
        Code::AT101,
        format!(
            "the automation authenticates as {email}: Atlassian confirms it is a person's account (accountType `atlassian`), so it stops working when that person leaves or is deactivated"
        ),
        AT101_FIX,
    ));
}
