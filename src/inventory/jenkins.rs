//! Jenkinsfiles: `credentials('id')` in `environment {}`, `withCredentials([...])` bindings
//! (`string`, `usernamePassword`, `usernameColonPassword`, `file`), `cron('...')` triggers,
//! and the `sh`/`bat`/`powershell` steps (the whole file is read as the unit's code; Groovy
//! comment lines are skipped). One unit per Jenkinsfile: one pipeline.
use std::sync::OnceLock;

use regex::Regex;

use super::{CredRef, RunnerKind, Snippet, Unit};

fn re(s: &str) -> Regex {
    crate::pattern::compile(s).expect("valid jenkins regex")
}

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    static ENV_CRED: OnceLock<Regex> = OnceLock::new();
    static BINDING: OnceLock<Regex> = OnceLock::new();
    static ID: OnceLock<Regex> = OnceLock::new();
    static VAR: OnceLock<Regex> = OnceLock::new();
    static USER: OnceLock<Regex> = OnceLock::new();
    static CRON: OnceLock<Regex> = OnceLock::new();
    let env_cred = ENV_CRED
        .get_or_init(|| re(r#"\b([A-Za-z_]\w*)\s*=\s*credentials\s*\(\s*['"]([^'"]+)['"]\s*\)"#));
    let binding = BINDING.get_or_init(|| {
        re(r"\b(string|usernamePassword|usernameColonPassword|file|certificate|sshUserPrivateKey)\s*\(([^)]*)\)")
    });
    let id = ID.get_or_init(|| re(r#"credentialsId\s*:\s*['"]([^'"]+)['"]"#));
    let var =
        VAR.get_or_init(|| re(r#"\b(?:variable|passwordVariable)\s*:\s*['"]([A-Za-z_]\w*)['"]"#));
    let user = USER.get_or_init(|| re(r#"\busernameVariable\s*:\s*['"]([A-Za-z_]\w*)['"]"#));
    let cron = CRON.get_or_init(|| re(r#"\bcron\s*\(\s*(?:spec\s*:\s*)?['"]([^'"]+)['"]\s*\)"#));
    let mut u = Unit::new(RunnerKind::Jenkins, path, 1);
    u.store = "jenkins-credentials".to_string();
    let mut schedules = Vec::new();
    let mut first_line = None;
    for (i, line) in text.split('\n').enumerate() {
        let no = i + 1;
        if crate::lint::is_comment_line(line) {
            continue;
        }
        for c in env_cred.captures_iter(line) {
            first_line.get_or_insert(no);
            u.creds.push(CredRef {
                name: c[2].to_string(),
                store: "jenkins-credentials".to_string(),
                alias: Some(c[1].to_string()),
                line: no,
                known_secret: true,
                inherited: false,
            });
            // `X = credentials('id')` of a username/password also sets X_USR and X_PSW.
            u.env.push(super::EnvVar {
                name: format!("{}_USR", &c[1]),
                value: format!("credentials {} (username)", &c[2]),
                line: no,
                path: None,
            });
        }
        for b in binding.captures_iter(line) {
            let args = &b[2];
            let Some(idc) = id.captures(args) else {
                continue;
            };
            first_line.get_or_insert(no);
            let alias = var.captures(args).map(|v| v[1].to_string());
            u.creds.push(CredRef {
                name: idc[1].to_string(),
                store: "jenkins-credentials".to_string(),
                alias,
                line: no,
                known_secret: true,
                inherited: false,
            });
            if let Some(uv) = user.captures(args) {
                u.env.push(super::EnvVar {
                    name: uv[1].to_string(),
                    value: format!("credentials {} (username)", &idc[1]),
                    line: no,
                    path: None,
                });
            }
        }
        for c in cron.captures_iter(line) {
            schedules.push(c[1].trim().to_string());
        }
    }
    u.runs_in.line = first_line.unwrap_or(1);
    u.runs_in.schedule = (!schedules.is_empty()).then(|| schedules.join("; "));
    u.snippets.push(Snippet {
        path: path.to_string(),
        line: 1,
        text: text.to_string(),
    });
    vec![u]
}
