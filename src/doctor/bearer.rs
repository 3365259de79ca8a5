//! AT303 (an API token sent as Bearer) by surface (issue 13, part 3).
//!
//! - On the site, a non-JWT Bearer is read as a Connect session token and refused with 403
//!   `Failed to parse Connect Session Auth Token`: that answer makes AT303 the root cause even
//!   when the gateway accepts the same Bearer value, and the fix names Basic first.
//! - At the gateway, several reports say service-account API tokens work as Bearer (governance
//!   sheet §A7), so AT303 is a warning there, unless the gateway refused the credential: then
//!   it is the explanation, an error.
use super::classify::{self, Answer};
use super::live::Evidence;
use super::report::Finding;
use super::request::{Surface, Target};
use crate::catalogue::{Code, Severity};

pub const SITE_FIX: &str = "send the API token with Basic auth: `Authorization: Basic base64(email:token)` (curl -u \"$EMAIL:$TOKEN\"); the site reads every Bearer value as a Connect session token. Through the gateway (https://api.atlassian.com/ex/{product}/{cloudId}) several reports say Bearer also works for service-account tokens, but Basic is what Atlassian documents";

const ACCEPTED_NOTE: &str = " (the credential was accepted anyway)";

/// Offline: a finding whose rule has its own severity at the gateway (`[at_gateway]` in its
/// TOML file: AT303, a Bearer API token, may work there) gets it, and its note.
pub fn by_surface(t: &Target, findings: &mut [Finding]) {
    if !matches!(t.surface, Surface::Gateway(_)) {
        return;
    }
    for f in findings.iter_mut() {
        if let Some(g) = &f.rule.rule().at_gateway {
            f.severity = g.severity;
            f.message.push_str(&format!(" ({})", g.note));
        }
    }
}

/// Live: what the answers say about the Bearer value.
pub fn from_evidence(t: &Target, ev: Option<&Evidence>, findings: &mut Vec<Finding>) {
    let Some(ev) = ev else { return };
    let said = |e: &Option<super::http::Exchange>, a: Answer| {
        e.as_ref().is_some_and(|x| classify::classify(x) == a)
    };
    match &t.surface {
        Surface::Site { .. } => {
            let connect = [&ev.site.jira, &ev.site.confluence, &ev.target]
                .into_iter()
                .any(|e| said(e, Answer::ConnectJwt));
            if !connect {
                return;
            }
            let msg = "the site refused the Bearer value as a Connect session token (403 `Failed to parse Connect Session Auth Token`): API tokens are sent with Basic auth";
            match findings.iter_mut().find(|f| f.rule == Code::AT303) {
                Some(f) => {
                    f.severity = Severity::Error;
                    if let Some(m) = f.message.strip_suffix(ACCEPTED_NOTE) {
                        f.message = m.to_string();
                    }
                    f.message.push_str("; ");
                    f.message.push_str(msg);
                    f.fix = SITE_FIX.to_string();
                }
                None => findings.push(Finding::new(Code::AT303, msg, SITE_FIX)),
            }
        }
        Surface::Gateway(_) => {
            let accepted = [
                &ev.gateway_url_id.jira,
                &ev.gateway_resolved.jira,
                &ev.target,
            ]
            .into_iter()
            .any(|e| said(e, Answer::Ok) || said(e, Answer::ScopeMismatch));
            if accepted {
                return;
            }
            let refused = [&ev.gateway_url_id.jira, &ev.gateway_resolved.jira]
                .into_iter()
                .flatten()
                .any(|e| e.status.is_some());
            for f in findings
                .iter_mut()
                .filter(|f| f.rule == Code::AT303 && refused)
            {
                f.severity = Severity::Error;
                f.message.push_str("; the gateway refused it here");
            }
        }
        _ => {}
    }
}
