//! Bitbucket Pipelines (`bitbucket-pipelines.yml`): one unit per step of every pipeline
//! (`default`, `branches`, `tags`, `pull-requests`, `custom`), with its `script` and
//! `after-script` items and the `variables` of its pipes (`- pipe: atlassian/jira-...`).
//! Repository and workspace variables are set in Bitbucket's UI (`bitbucket-variable`);
//! schedules too: a `custom` pipeline is the kind a schedule runs.
use super::yaml::{self, Node};
use super::{RunnerKind, Snippet, Unit};

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    let Some(doc) = yaml::parse(text).into_iter().next() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let Some(pipelines) = doc.get("pipelines") else {
        return out;
    };
    for group in pipelines.children.iter() {
        let gname = group.key.as_deref().unwrap_or_default();
        // `default` is a list of steps; the others map a name to a list of steps.
        let lists: Vec<(String, &Node)> = if gname == "default" {
            vec![("default".to_string(), group)]
        } else {
            group
                .entries()
                .map(|e| {
                    (
                        format!("{gname}: {}", e.key.as_deref().unwrap_or_default()),
                        e,
                    )
                })
                .collect()
        };
        for (pname, list) in lists {
            let mut steps = Vec::new();
            collect_steps(list, &mut steps);
            for step in steps {
                let mut u = Unit::new(RunnerKind::BitbucketPipelines, path, step.line);
                let sname = step.str("name").unwrap_or("step");
                u.runs_in.job = Some(format!("{pname} / {sname}"));
                u.runs_in.trigger = Some(if gname == "custom" {
                    "custom (manual or schedule)".to_string()
                } else {
                    gname.to_string()
                });
                u.store = "bitbucket-variable".to_string();
                u.base_dir = String::new();
                for key in ["script", "after-script"] {
                    let Some(script) = step.get(key) else {
                        continue;
                    };
                    for item in script.items() {
                        if let Some(pipe) = item.get("pipe") {
                            u.hint |= super::text::mentions_atlassian(&pipe.value);
                            if let Some(vars) = item.get("variables") {
                                for v in vars.entries() {
                                    u.add_env(
                                        v.key.as_deref().unwrap_or_default(),
                                        &v.value,
                                        v.line,
                                        "bitbucket-variable",
                                        false,
                                    );
                                }
                            }
                            continue;
                        }
                        u.snippets.push(Snippet {
                            path: path.to_string(),
                            line: item.value_line,
                            text: item.value.clone(),
                        });
                    }
                }
                if let Some(image) = step.get("image") {
                    u.hint |= super::text::mentions_atlassian(&image.value);
                }
                out.push(u);
            }
        }
    }
    out
}

/// `- step:` items, also inside `- parallel:` (with or without `steps:`) and `- stage:`.
fn collect_steps<'a>(list: &'a Node, out: &mut Vec<&'a Node>) {
    for item in list.items() {
        if let Some(step) = item.get("step") {
            out.push(step);
        }
        for key in ["parallel", "stage"] {
            if let Some(p) = item.get(key) {
                collect_steps(p, out);
                if let Some(s) = p.get("steps") {
                    collect_steps(s, out);
                }
            }
        }
    }
}
