//! GitLab CI (`.gitlab-ci.yml`, `*.gitlab-ci.yml`, `.gitlab/**.yml`): one unit per job, with
//! `extends:` templates merged, global and job `variables:`, `before_script`, `script` and
//! `after_script` (default ones too). Schedules live in GitLab's web UI: a job restricted to
//! scheduled pipelines (`rules: - if: $CI_PIPELINE_SOURCE == "schedule"`, `only: [schedules]`)
//! gets the trigger `pipeline schedule`. Variables a script reads without the file naming
//! them are CI/CD variables (`gitlab-variable`).
use super::yaml::{self, Node};
use super::{RunnerKind, Snippet, Unit};

const RESERVED: &[&str] = &[
    "stages",
    "variables",
    "include",
    "default",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "spec",
];

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    let Some(doc) = yaml::parse(text).into_iter().next() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for job in doc.entries() {
        let name = job.key.as_deref().unwrap_or_default();
        if RESERVED.contains(&name) || name.starts_with('.') || job.children.is_empty() {
            continue;
        }
        let templates = templates_of(&doc, job);
        let get = |key: &str| -> Option<&Node> {
            job.get(key)
                .or_else(|| templates.iter().find_map(|t| t.get(key)))
        };
        if get("script").is_none() && get("trigger").is_none() {
            continue;
        }
        let mut u = Unit::new(RunnerKind::GitlabCi, path, job.line);
        u.runs_in.job = Some(name.to_string());
        u.store = "gitlab-variable".to_string();
        u.base_dir = String::new();
        for vars in [doc.get("variables"), get("variables")]
            .into_iter()
            .flatten()
        {
            for v in vars.entries() {
                let value = v
                    .get("value")
                    .map_or(v.value.as_str(), |n| n.value.as_str());
                u.add_env(
                    v.key.as_deref().unwrap_or_default(),
                    value,
                    v.line,
                    "gitlab-variable",
                    false,
                );
            }
        }
        let default = doc.get("default");
        for key in ["before_script", "script", "after_script"] {
            let node = get(key).or_else(|| {
                if key == "script" {
                    None
                } else {
                    doc.get(key).or_else(|| default.and_then(|d| d.get(key)))
                }
            });
            if let Some(node) = node {
                for v in node.values() {
                    u.snippets.push(Snippet {
                        path: path.to_string(),
                        line: v.value_line,
                        text: v.value.clone(),
                    });
                }
            }
        }
        let mut scalars = Vec::new();
        for key in ["rules", "only", "when"] {
            if let Some(n) = get(key) {
                n.scalars(&mut scalars);
            }
        }
        let says = |w: &str| scalars.iter().any(|s| s.value.contains(w));
        if says("\"schedule\"") || says("'schedule'") || says("schedules") || says("== schedule") {
            u.runs_in.trigger = Some("pipeline schedule".to_string());
        } else if says("manual") {
            u.runs_in.trigger = Some("manual".to_string());
        }
        if let Some(image) = get("image") {
            u.hint = super::text::mentions_atlassian(&image.value);
        }
        out.push(u);
    }
    out
}

/// The job's `extends:` templates (and theirs), nearest first.
fn templates_of<'a>(doc: &'a Node, job: &'a Node) -> Vec<&'a Node> {
    let mut out: Vec<&Node> = Vec::new();
    let mut queue: Vec<String> = job
        .get("extends")
        .map(|e| e.values().iter().map(|v| v.value.clone()).collect())
        .unwrap_or_default();
    while let Some(name) = queue.pop() {
        if out.len() > 16 {
            break;
        }
        if let Some(t) = doc.get(&name) {
            if out.iter().any(|o| std::ptr::eq(*o, t)) {
                continue;
            }
            out.push(t);
            if let Some(e) = t.get("extends") {
                queue.extend(e.values().iter().map(|v| v.value.clone()));
            }
        }
    }
    out
}
