//! Jenkinsfiles: `credentials('id')` in `environment {}`, `withCredentials([...])` bindings
//! (`string`, `usernamePassword`, `usernameColonPassword`, `file`), `cron('...')` triggers,
//! and the `sh`/`bat`/`powershell` steps. Groovy comment lines are skipped.
//!
//! A Jenkinsfile is one pipeline (one automation), read as several units so that each
//! credential gets the code that can see it: one unit per `withCredentials(...) { ... }`
//! block (the block's code, its bindings), and one for the rest of the file (the
//! `environment {}` credentials, visible to every stage).
use std::sync::OnceLock;

use regex::Regex;

use super::{CredRef, EnvVar, RunnerKind, Snippet, Unit};

fn re(s: &str) -> Regex {
    crate::pattern::compile(s).expect("valid jenkins regex")
}

struct Res {
    env_cred: Regex,
    binding: Regex,
    id: Regex,
    var: Regex,
    user: Regex,
    cron: Regex,
    with: Regex,
}

fn res() -> &'static Res {
    static RES: OnceLock<Res> = OnceLock::new();
    RES.get_or_init(|| Res {
        env_cred: re(r#"\b([A-Za-z_]\w*)\s*=\s*credentials\s*\(\s*['"]([^'"]+)['"]\s*\)"#),
        binding: re(
            r"\b(string|usernamePassword|usernameColonPassword|file|certificate|sshUserPrivateKey)\s*\(([^)]*)\)",
        ),
        id: re(r#"credentialsId\s*:\s*['"]([^'"]+)['"]"#),
        var: re(r#"\b(?:variable|passwordVariable)\s*:\s*['"]([A-Za-z_]\w*)['"]"#),
        user: re(r#"\busernameVariable\s*:\s*['"]([A-Za-z_]\w*)['"]"#),
        cron: re(r#"\bcron\s*\(\s*(?:spec\s*:\s*)?['"]([^'"]+)['"]\s*\)"#),
        with: re(r"\bwithCredentials\s*\("),
    })
}

/// The `{ ... }` block that starts at or after `from`: (open, close) byte offsets.
fn block(text: &str, from: usize) -> Option<(usize, usize)> {
    let open = from + text[from..].find('{')?;
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, open + i));
                }
            }
            _ => {}
        }
    }
    None
}

/// Bindings in `args` (the `withCredentials([...])` list) at line `no`.
fn bindings(args: &str, no: usize, u: &mut Unit) {
    let r = res();
    for b in r.binding.captures_iter(args) {
        let a = &b[2];
        let Some(idc) = r.id.captures(a) else {
            continue;
        };
        u.creds.push(CredRef {
            name: idc[1].to_string(),
            store: "jenkins-credentials".to_string(),
            alias: r.var.captures(a).map(|v| v[1].to_string()),
            line: no,
            known_secret: true,
            inherited: false,
        });
        if let Some(uv) = r.user.captures(a) {
            u.env.push(EnvVar {
                name: uv[1].to_string(),
                value: format!("credentials {} (username)", &idc[1]),
                line: no,
                path: None,
            });
        }
    }
}

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    let r = res();
    // Comment lines blanked (line numbers kept), so that neither a regex nor the brace
    // matching sees commented-out code.
    let code: String = text
        .split('\n')
        .map(|l| {
            if crate::lines::is_comment_line(l) {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let schedules: Vec<String> = r
        .cron
        .captures_iter(&code)
        .map(|c| c[1].trim().to_string())
        .collect();
    let schedule = (!schedules.is_empty()).then(|| schedules.join("; "));
    let make = |line: usize| {
        let mut u = Unit::new(RunnerKind::Jenkins, path, line);
        u.store = "jenkins-credentials".to_string();
        u.runs_in.schedule = schedule.clone();
        u
    };
    // 1-based line numbers; `rest` below keeps every `\n` of `code`, so one index serves both.
    let index = crate::lines::LineIndex::new(&code);
    let line_of = |at: usize| index.line_of(at) + 1;
    let mut out = Vec::new();
    // The rest of the file: everything outside withCredentials blocks.
    let mut rest = code.clone().into_bytes();
    let mut m = r
        .with
        .find_iter(&code)
        .map(|m| m.start())
        .collect::<Vec<_>>();
    m.dedup();
    for start in m {
        let Some((open, close)) = block(&code, start) else {
            continue;
        };
        let no = line_of(start);
        let mut u = make(no);
        bindings(&code[start..open], no, &mut u);
        let body_line = line_of(open);
        u.snippets.push(Snippet {
            path: path.to_string(),
            line: body_line,
            text: code[open + 1..close].to_string(),
        });
        // The environment credentials are visible inside the block too.
        for c in r.env_cred.captures_iter(&code) {
            let at = c.get(0).map_or(0, |m| m.start());
            u.creds.push(CredRef {
                name: c[2].to_string(),
                store: "jenkins-credentials".to_string(),
                alias: Some(c[1].to_string()),
                line: line_of(at),
                known_secret: true,
                inherited: true,
            });
        }
        for b in &mut rest[start..=close] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        out.push(u);
    }
    let rest = String::from_utf8(rest).unwrap_or_default();
    let mut u = make(1);
    let mut first = None;
    for c in r.env_cred.captures_iter(&rest) {
        let at = c.get(0).map_or(0, |m| m.start());
        let no = line_of(at);
        first.get_or_insert(no);
        u.creds.push(CredRef {
            name: c[2].to_string(),
            store: "jenkins-credentials".to_string(),
            alias: Some(c[1].to_string()),
            line: no,
            known_secret: true,
            inherited: false,
        });
        // `X = credentials('id')` of a username/password also sets X_USR and X_PSW.
        u.env.push(EnvVar {
            name: format!("{}_USR", &c[1]),
            value: format!("credentials {} (username)", &c[2]),
            line: no,
            path: None,
        });
    }
    u.runs_in.line = first.unwrap_or(1);
    u.snippets.push(Snippet {
        path: path.to_string(),
        line: 1,
        text: rest,
    });
    out.push(u);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_scope_their_bindings() {
        let text = "pipeline {\n  environment { T = credentials('jira') }\n  stages { stage('a') { steps {\n    withCredentials([string(credentialsId: 'wiki', variable: 'W')]) {\n      sh 'curl -u x:$W https://acme.atlassian.net/wiki/api/v2/pages'\n    }\n    // withCredentials([string(credentialsId: 'old', variable: 'O')]) { sh 'x' }\n  } } }\n}\n";
        let units = units("Jenkinsfile", text);
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].creds[0].name, "wiki");
        assert_eq!(units[0].snippets[0].line, 4);
        assert!(units[0].snippets[0].text.contains("curl"));
        assert_eq!(units[1].creds.len(), 1);
        assert_eq!(units[1].creds[0].name, "jira");
        assert!(!units[1].snippets[0].text.contains("curl"));
        assert!(
            !text.contains("old")
                || units
                    .iter()
                    .all(|u| u.creds.iter().all(|c| c.name != "old"))
        );
    }
}
