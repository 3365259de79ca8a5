//! Azure Pipelines (`azure-pipelines*.yml`, `.azure-pipelines/`, `.azuredevops/`): one unit
//! per step (`script`, `bash`, `pwsh`, `powershell`, or a task's inline script or script
//! path), with the pipeline's `schedules: - cron:`, its `variables` (mapping or list; a
//! `group:` is a variable group kept in the Library) and the step's `env:` mapping, through
//! which secret variables (`$(JiraToken)`) must be passed to scripts.
use super::yaml::{self, Node};
use super::{RunnerKind, Snippet, Unit};

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    let Some(doc) = yaml::parse(text).into_iter().next() else {
        return Vec::new();
    };
    let crons: Vec<String> = doc
        .get("schedules")
        .map(|s| {
            s.items()
                .filter_map(|i| i.str("cron").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let schedule = (!crons.is_empty()).then(|| crons.join("; "));
    let mut jobs: Vec<(String, &Node)> = Vec::new();
    if let Some(stages) = doc.get("stages") {
        for st in stages.items() {
            let sname = st.str("stage").unwrap_or("stage");
            for j in st
                .get("jobs")
                .map(|j| j.items().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                let jname = j
                    .str("job")
                    .or_else(|| j.str("deployment"))
                    .unwrap_or("job");
                jobs.push((format!("{sname} / {jname}"), j));
            }
        }
    }
    if let Some(js) = doc.get("jobs") {
        for j in js.items() {
            let jname = j
                .str("job")
                .or_else(|| j.str("deployment"))
                .unwrap_or("job");
            jobs.push((jname.to_string(), j));
        }
    }
    if doc.get("steps").is_some() {
        jobs.push(("steps".to_string(), &doc));
    }
    let mut out = Vec::new();
    for (jname, job) in jobs {
        let steps = job
            .get("steps")
            .or_else(|| job.path("strategy.runOnce.deploy.steps"));
        let Some(steps) = steps else { continue };
        for step in steps.items() {
            let mut u = Unit::new(RunnerKind::AzurePipelines, path, step.line);
            u.syntax.azure_macros = true;
            u.runs_in.job = Some(jname.clone());
            u.runs_in.schedule = schedule.clone();
            u.store = "azure-variable".to_string();
            u.base_dir = String::new();
            for vars in [doc.get("variables"), job.get("variables")]
                .into_iter()
                .flatten()
            {
                add_vars(&mut u, vars);
            }
            if let Some(env) = step.get("env") {
                for e in env.entries() {
                    u.add_env(
                        e.key.as_deref().unwrap_or_default(),
                        &e.value,
                        e.line,
                        "azure-variable",
                        false,
                    );
                }
            }
            for key in ["script", "bash", "pwsh", "powershell"] {
                if let Some(s) = step.get(key) {
                    u.snippets.push(Snippet {
                        path: path.to_string(),
                        line: s.value_line,
                        text: s.value.clone(),
                    });
                }
            }
            if let Some(inputs) = step.get("inputs") {
                for i in inputs.entries() {
                    u.snippets.push(Snippet {
                        path: path.to_string(),
                        line: i.value_line,
                        text: i.value.clone(),
                    });
                }
            }
            if let Some(task) = step.str("task") {
                u.hint |= super::text::mentions_atlassian(task);
            }
            out.push(u);
        }
    }
    out
}

fn add_vars(u: &mut Unit, vars: &Node) {
    for v in vars.entries() {
        u.add_env(
            v.key.as_deref().unwrap_or_default(),
            &v.value,
            v.line,
            "azure-variable",
            true,
        );
    }
    for item in vars.items() {
        if let Some(name) = item.str("name") {
            let value = item.str("value").unwrap_or_default();
            u.add_env(name, value, item.line, "azure-variable", true);
        }
    }
}
