//! CircleCI (`.circleci/config.yml`): one unit per job run by a workflow, with the
//! workflow's `triggers: - schedule: cron:` (each workflow is its own automation), the job's
//! `environment`, and each `run` step's command. Project environment variables and contexts
//! are set in CircleCI's UI (`circleci-variable`).
use super::yaml::{self, Node};
use super::{RunnerKind, Snippet, Unit};

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    let Some(doc) = yaml::parse(text).into_iter().next() else {
        return Vec::new();
    };
    let Some(jobs) = doc.get("jobs") else {
        return Vec::new();
    };
    // (job name, workflow name, schedule, line of the workflow's reference)
    let mut runs: Vec<(String, Option<String>, Option<String>, usize)> = Vec::new();
    if let Some(wfs) = doc.get("workflows") {
        for wf in wfs.entries() {
            let wname = wf.key.clone().unwrap_or_default();
            let crons: Vec<String> = wf
                .get("triggers")
                .map(|t| {
                    t.items()
                        .filter_map(|i| i.path("schedule.cron").map(|c| c.value.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let schedule = (!crons.is_empty()).then(|| crons.join("; "));
            for j in wf
                .get("jobs")
                .map(|j| j.items().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                let jname = if j.children.is_empty() {
                    j.value.clone()
                } else {
                    j.children[0].key.clone().unwrap_or_default()
                };
                runs.push((jname, Some(wname.clone()), schedule.clone(), j.line));
            }
        }
    }
    for j in jobs.entries() {
        let name = j.key.clone().unwrap_or_default();
        if !runs.iter().any(|r| r.0 == name) {
            runs.push((name, None, None, j.line));
        }
    }
    let mut out = Vec::new();
    for (jname, wf, schedule, _) in runs {
        let Some(job) = jobs.get(&jname) else {
            continue;
        };
        let mut u = Unit::new(RunnerKind::Circleci, path, job.line);
        u.runs_in.job = Some(match &wf {
            Some(w) => format!("{w} / {jname}"),
            None => jname.clone(),
        });
        u.runs_in.schedule = schedule;
        u.automation = format!("{path}#{}", wf.as_deref().unwrap_or(&jname));
        u.store = "circleci-variable".to_string();
        u.base_dir = String::new();
        if let Some(env) = job.get("environment") {
            add(&mut u, env);
        }
        for step in job
            .get("steps")
            .map(|s| s.items().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let Some(run) = step.get("run") else { continue };
            let (cmd, line) = match run.get("command") {
                Some(c) => (c.value.clone(), c.value_line),
                None => (run.value.clone(), run.value_line),
            };
            if let Some(env) = run.get("environment") {
                add(&mut u, env);
            }
            u.snippets.push(Snippet {
                path: path.to_string(),
                line,
                text: cmd,
            });
        }
        for d in job
            .get("docker")
            .map(|d| d.items().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if let Some(image) = d.str("image") {
                u.hint |= super::text::mentions_atlassian(image);
            }
        }
        out.push(u);
    }
    out
}

fn add(u: &mut Unit, env: &Node) {
    for e in env.entries() {
        u.add_env(
            e.key.as_deref().unwrap_or_default(),
            &e.value,
            e.line,
            "circleci-variable",
            false,
        );
    }
}
