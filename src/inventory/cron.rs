//! crontab files (`crontab`, `*.crontab`, `*.cron`, `cron.d/*`): one unit per schedule
//! line (`m h dom mon dow [user] command`, or `@daily command`), with the file's
//! `NAME=value` lines as its environment. Each line is its own automation.
use std::sync::OnceLock;

use regex::Regex;

use super::{RunnerKind, Snippet, Unit};

pub fn units(path: &str, text: &str) -> Vec<Unit> {
    static LINE: OnceLock<Regex> = OnceLock::new();
    static ENV: OnceLock<Regex> = OnceLock::new();
    let line_re = LINE.get_or_init(|| {
        crate::pattern::compile(
            r"^\s*(@(?:reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|(?:[\d*/,\-A-Za-z?LW#]+\s+){4}[\d*/,\-A-Za-z?LW#]+)\s+(.+)$",
        )
        .expect("valid cron regex")
    });
    let env_re = ENV.get_or_init(|| {
        crate::pattern::compile(r#"^\s*([A-Za-z_]\w*)\s*=\s*(.*)$"#).expect("valid cron regex")
    });
    let system = path.contains("cron.d/") || path.ends_with("/crontab") && path.starts_with("etc/");
    let mut env: Vec<(String, String, usize)> = Vec::new();
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let no = i + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(c) = env_re.captures(t)
            && !t.contains(' ') | c[2].starts_with('"') | c[2].starts_with('\'')
        {
            env.push((c[1].to_string(), super::yaml::unquote(&c[2]), no));
            continue;
        }
        let Some(c) = line_re.captures(t) else {
            continue;
        };
        let schedule = c[1].split_whitespace().collect::<Vec<_>>().join(" ");
        let mut command = c[2].to_string();
        if system
            && let Some((user, rest)) = command.split_once(char::is_whitespace)
            && !user.contains('/')
            && !user.contains('=')
            && !user.contains('$')
        {
            let _ = user;
            command = rest.trim().to_string();
        }
        let mut u = Unit::new(RunnerKind::Cron, path, no);
        u.runs_in.schedule = Some(schedule);
        u.automation = format!("{path}:{no}");
        u.base_dir = String::new();
        for (n, v, l) in &env {
            u.add_env(n, v, *l, "environment", false);
        }
        u.snippets.push(Snippet {
            path: path.to_string(),
            line: no,
            text: command,
        });
        out.push(u);
    }
    out
}
