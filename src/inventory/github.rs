//! GitHub Actions workflows (`.github/workflows/*.yml`): one unit per step, with the
//! workflow's schedule (`on.schedule[].cron`) and triggers; `${{ secrets.X }}` in the step
//! (its `run:`, `with:` and `env:`) and in the job's and workflow's `env:` that the step
//! reads; the `run:` text and the scripts it calls.
use super::yaml::{self, Node};
use super::{RunnerKind, Snippet, Unit};

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    let Some(doc) = yaml::parse(text).into_iter().next() else {
        return Vec::new();
    };
    // YAML 1.1 readers turn `on` into `true`; this reader keeps the key as written.
    let on = doc.get("on").or_else(|| doc.get("true"));
    let mut crons = Vec::new();
    let mut triggers = Vec::new();
    if let Some(on) = on {
        if on.children.is_empty() {
            triggers.push(on.value.clone());
        }
        for c in &on.children {
            match c.key.as_deref() {
                Some("schedule") => {
                    for item in c.items() {
                        if let Some(cron) = item.str("cron") {
                            crons.push(cron.to_string());
                        }
                    }
                }
                Some(k) => triggers.push(k.to_string()),
                None => triggers.push(c.value.clone()),
            }
        }
    }
    let schedule = (!crons.is_empty()).then(|| crons.join("; "));
    // A reusable workflow runs as part of the workflows that call it.
    let reusable_only =
        crons.is_empty() && triggers.iter().all(|t| t == "workflow_call") && !triggers.is_empty();
    let trigger = (!triggers.is_empty()).then(|| triggers.join(", "));
    let mut out = Vec::new();
    let Some(jobs) = doc.get("jobs") else {
        return out;
    };
    for job in jobs.entries() {
        let name = job.key.clone().unwrap_or_default();
        let make = |line: usize| {
            let mut u = Unit::new(RunnerKind::GithubActions, path, line);
            u.runs_in.job = Some(name.clone());
            u.runs_in.schedule = schedule.clone();
            u.runs_in.trigger = trigger.clone();
            if reusable_only {
                u.automation = String::new();
            }
            u.store = "github-secret".to_string();
            // Steps run from the repository root (the checkout).
            u.base_dir = repo_root(path).to_string();
            if let Some(env) = doc.get("env") {
                add_env(&mut u, env, true);
            }
            if let Some(env) = job.get("env") {
                add_env(&mut u, env, true);
            }
            u
        };
        let steps: Vec<&Node> = job
            .get("steps")
            .map(|s| s.items().collect())
            .unwrap_or_default();
        if steps.is_empty() {
            // A reusable-workflow call: `uses:` with `secrets:` and `with:`.
            let mut u = make(job.line);
            secrets_in(&mut u, job, path);
            if let Some(uses) = job.str("uses") {
                u.hint = super::text::mentions_atlassian(uses);
            }
            out.push(u);
            continue;
        }
        // `atlassian/gajira-login` writes the credential to a file the job's later Jira
        // actions read: their calls are the login step's credential's calls.
        let mut login: Option<usize> = None;
        for step in steps {
            let mut u = make(step.line);
            if let Some(env) = step.get("env") {
                add_env(&mut u, env, false);
            }
            if let Some(run) = step.get("run") {
                u.snippets.push(Snippet {
                    path: path.to_string(),
                    line: run.value_line,
                    text: run.value.clone(),
                });
                if let Some(wd) = step.str("working-directory") {
                    u.base_dir =
                        super::normalize(&format!("{}/{wd}", u.base_dir)).unwrap_or_default();
                }
            }
            if let Some(with) = step.get("with") {
                for c in with.entries() {
                    u.snippets.push(Snippet {
                        path: path.to_string(),
                        line: c.value_line,
                        text: c.value.clone(),
                    });
                }
            }
            if let Some(uses) = step.str("uses") {
                u.hint = super::text::mentions_atlassian(uses);
                for (method, p) in known_action_calls(uses) {
                    u.known_calls
                        .push((method.to_string(), p.to_string(), step.line));
                }
            }
            // Secrets named outside `env:` (in `run:` or `with:`).
            for child in step
                .children
                .iter()
                .filter(|c| c.key.as_deref() != Some("env"))
            {
                secrets_in(&mut u, child, path);
            }
            let uses = step.str("uses").unwrap_or_default().to_ascii_lowercase();
            if uses.contains("gajira-login") && !u.creds.is_empty() {
                login = Some(out.len());
            } else if let Some(at) = login
                && u.creds.is_empty()
                && !u.known_calls.is_empty()
            {
                let calls = std::mem::take(&mut u.known_calls);
                out[at].known_calls.extend(calls);
            }
            out.push(u);
        }
    }
    out
}

/// `.github/workflows/x.yml` -> the repository root (`""`).
fn repo_root(path: &str) -> &str {
    match path.find(".github/workflows/") {
        Some(0) | None => "",
        Some(i) => path[..i].trim_end_matches('/'),
    }
}

fn add_env(u: &mut Unit, env: &Node, inherited: bool) {
    for e in env.entries() {
        let key = e.key.as_deref().unwrap_or_default();
        u.add_env(key, &e.value, e.line, "github-secret", inherited);
    }
}

fn secrets_in(u: &mut Unit, node: &Node, _path: &str) {
    let mut scalars = Vec::new();
    node.scalars(&mut scalars);
    for s in scalars {
        for (name, store) in super::text::refs_in_value(&s.value, false) {
            if store != "github-secret" || u.creds.iter().any(|c| c.name == name && !c.inherited) {
                continue;
            }
            u.creds.push(super::CredRef {
                name,
                store: store.to_string(),
                alias: None,
                line: s.line,
                known_secret: true,
                inherited: false,
            });
        }
    }
}

/// The Jira REST operations well-known Jira actions call (Jira REST API v2, as the actions'
/// sources do): what the register lists as the step's calls. An action not listed here
/// still marks its step as Atlassian by its name, without calls.
fn known_action_calls(uses: &str) -> Vec<(&'static str, &'static str)> {
    let name = uses.split('@').next().unwrap_or(uses).to_ascii_lowercase();
    let repo = name.rsplit('/').next().unwrap_or(&name);
    match repo {
        "gajira-create" | "gh-action-jira-create" | "gajira-todo" => {
            vec![("POST", "/rest/api/2/issue")]
        }
        "gajira-transition" | "gh-action-jira-transition" => vec![
            ("GET", "/rest/api/2/issue/{issueIdOrKey}/transitions"),
            ("POST", "/rest/api/2/issue/{issueIdOrKey}/transitions"),
        ],
        "gajira-comment" | "gh-action-jira-comment" => {
            vec![("POST", "/rest/api/2/issue/{issueIdOrKey}/comment")]
        }
        "gajira-find-issue-key" => vec![("GET", "/rest/api/2/issue/{issueIdOrKey}")],
        "gh-action-jira-search" => vec![("GET", "/rest/api/2/search")],
        "gajira-login" => vec![("GET", "/rest/api/2/myself")],
        _ => Vec::new(),
    }
}
