//! docker-compose files (`docker-compose*.yml`, `compose*.yml`): one unit per service, with
//! its `environment` (mapping, or list of `KEY=value` / bare `KEY` passed through from the
//! host), its `env_file` entries (read from the repository when present) and its
//! `command` / `entrypoint`. The services of one file are one automation (deployed together).
use super::yaml;
use super::{EnvVar, RunnerKind, Snippet, Tree, Unit};

pub fn units(path: &str, text: &str, tree: &Tree) -> Vec<Unit> {
    let Some(doc) = yaml::parse(text).into_iter().next() else {
        return Vec::new();
    };
    let Some(services) = doc.get("services") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for svc in services.entries() {
        let name = svc.key.clone().unwrap_or_default();
        let mut u = Unit::new(RunnerKind::DockerCompose, path, svc.line);
        u.runs_in.job = Some(name.clone());
        // The services of one compose file are deployed together: one automation.
        if let Some(env) = svc.get("environment") {
            for e in env.entries() {
                u.add_env(
                    e.key.as_deref().unwrap_or_default(),
                    &e.value,
                    e.line,
                    "environment",
                    false,
                );
            }
            for item in env.items() {
                let (k, v) = match item.value.split_once('=') {
                    Some((k, v)) => (k.trim().to_string(), v.to_string()),
                    // `- JIRA_API_TOKEN`: passed through from the host's environment.
                    None => (
                        item.value.trim().to_string(),
                        format!("${{{}}}", item.value.trim()),
                    ),
                };
                u.add_env(&k, &v, item.line, "environment", false);
            }
        }
        if let Some(files) = svc.get("env_file") {
            let mut names: Vec<(String, usize)> = Vec::new();
            for v in files.values() {
                names.push((v.value.clone(), v.line));
            }
            for item in files.items() {
                if let Some(p) = item.str("path") {
                    names.push((p.to_string(), item.line));
                }
            }
            for (file, line) in names {
                let rel = super::normalize(&format!("{}/{file}", super::parent(path)))
                    .unwrap_or_default();
                let Some(text) = tree.load(&rel) else {
                    // Kept out of the repository (a `.env` with the secrets): the container
                    // gets whatever it holds.
                    u.implicit_env = true;
                    u.store = format!("env-file {file}");
                    continue;
                };
                for (i, l) in text.split('\n').enumerate() {
                    let l = l.trim().trim_start_matches("export ");
                    if l.starts_with('#') {
                        continue;
                    }
                    if let Some((k, v)) = l.split_once('=') {
                        let k = k.trim();
                        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        {
                            continue;
                        }
                        let v = yaml::unquote(v);
                        let before = u.creds.len();
                        u.add_env(k, &v, i + 1, "env-file", false);
                        for c in &mut u.creds[before..] {
                            if c.store == "literal" {
                                c.store = "env-file".to_string();
                            }
                        }
                        if let Some(e) = u.env.last_mut() {
                            e.path = Some(rel.clone());
                        }
                    }
                }
                let _ = line;
            }
        }
        for key in ["command", "entrypoint"] {
            if let Some(n) = svc.get(key) {
                let parts: Vec<String> = n.values().iter().map(|v| v.value.clone()).collect();
                u.snippets.push(Snippet {
                    path: path.to_string(),
                    line: n.line,
                    text: parts.join(" "),
                });
            }
        }
        if let Some(image) = svc.str("image") {
            u.hint |= super::text::mentions_atlassian(image);
        }
        u.hint |= super::text::mentions_atlassian(&name);
        let _ = EnvVar::clone;
        out.push(u);
    }
    out
}
