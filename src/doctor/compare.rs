//! `--compare-email`: what a working account has that this one lacks (application roles,
//! groups, project permissions).
use super::checklist::token_state::{State, describe, evidence as evidence_of, state};
use super::classify;
use super::live::{Evidence, SurfaceProbes};
use super::report::{Check, Status};

pub fn compare_check(ev: &Evidence, checks: &mut Vec<Check>) {
    let primary = [&ev.site, &ev.gateway_url_id, &ev.gateway_resolved]
        .into_iter()
        .find(|p| matches!(state(p), State::Accepted(_)));
    let (Some(primary), State::Accepted(other)) = (primary, state(&ev.compare)) else {
        checks.push(
            Check::new(
                "compare",
                Status::Warn,
                "Compared with the working account",
                format!("no comparison: {}", describe(&ev.compare)),
            )
            .with(evidence_of(&ev.compare)),
        );
        return;
    };
    let State::Accepted(mine) = state(primary) else {
        return;
    };
    let diff = |a: &Option<Vec<String>>, b: &Option<Vec<String>>| -> (Vec<String>, Vec<String>) {
        let a = a.clone().unwrap_or_default();
        let b = b.clone().unwrap_or_default();
        (
            b.iter().filter(|x| !a.contains(x)).cloned().collect(),
            a.iter().filter(|x| !b.contains(x)).cloned().collect(),
        )
    };
    let mut lines = Vec::new();
    let (only_other, only_mine) = diff(&mine.application_roles, &other.application_roles);
    if !only_other.is_empty() || !only_mine.is_empty() {
        lines.push(format!(
            "application roles only the working account has: [{}]; only this one: [{}]",
            only_other.join(", "),
            only_mine.join(", ")
        ));
    }
    let (only_other, only_mine) = diff(&mine.groups, &other.groups);
    if !only_other.is_empty() || !only_mine.is_empty() {
        lines.push(format!(
            "groups only the working account has: [{}]; only this one: [{}]",
            only_other.join(", "),
            only_mine.join(", ")
        ));
    }
    let perms = |p: &SurfaceProbes| {
        p.project
            .as_ref()
            .map(classify::permissions)
            .unwrap_or_default()
    };
    let (a, b) = (perms(primary), perms(&ev.compare));
    let differing: Vec<String> = b
        .iter()
        .filter(|(k, has)| *has && !a.iter().any(|(k2, h2)| k2 == k && *h2))
        .map(|(k, _)| k.clone())
        .collect();
    if !differing.is_empty() {
        lines.push(format!(
            "project permissions only the working account has: {}",
            differing.join(", ")
        ));
    }
    let status = if lines.is_empty() {
        Status::Pass
    } else {
        Status::Warn
    };
    let detail = if lines.is_empty() {
        "no difference in application roles, groups or project permissions".to_string()
    } else {
        lines.join("; ")
    };
    checks.push(
        Check::new(
            "compare",
            status,
            "Compared with the working account",
            detail,
        )
        .with(evidence_of(&ev.compare)),
    );
}
