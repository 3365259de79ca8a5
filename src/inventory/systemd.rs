//! systemd units: a `.timer` (`OnCalendar=`, `OnBootSec=`, `OnUnitActiveSec=`) and the
//! `.service` it starts (`Unit=`, or the same name): `Environment=` assignments,
//! `EnvironmentFile=` (found in the repository by its path or file name) and `ExecStart=`.
//! A service no timer starts is listed on its own, without a schedule.
use super::{RunnerKind, Snippet, Tree, Unit};

fn entries(text: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (i, l) in text.split('\n').enumerate() {
        let l = l.trim();
        if l.starts_with('#') || l.starts_with(';') || l.starts_with('[') {
            continue;
        }
        if let Some((k, v)) = l.split_once('=') {
            out.push((k.trim().to_string(), v.trim().to_string(), i + 1));
        }
    }
    out
}

pub fn units(path: &str, text: &str, tree: &Tree) -> Vec<Unit> {
    if path.ends_with(".service") {
        // A service started by a timer in the tree is reported through the timer.
        let stem = path.trim_end_matches(".service");
        if tree.paths.contains(&format!("{stem}.timer")) {
            return Vec::new();
        }
        let mut u = Unit::new(RunnerKind::Systemd, path, 1);
        service_into(&mut u, path, text, tree);
        return vec![u];
    }
    let e = entries(text);
    let schedule: Vec<String> = e
        .iter()
        .filter(|(k, _, _)| k.starts_with("On"))
        .map(|(k, v, _)| {
            if k == "OnCalendar" {
                v.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let line = e
        .iter()
        .find(|(k, _, _)| k.starts_with("On"))
        .map_or(1, |x| x.2);
    let unit_name = e
        .iter()
        .find(|(k, _, _)| k == "Unit")
        .map(|(_, v, _)| v.clone())
        .unwrap_or_else(|| {
            let name = path.rsplit('/').next().unwrap_or(path);
            format!("{}.service", name.trim_end_matches(".timer"))
        });
    let mut u = Unit::new(RunnerKind::Systemd, path, line);
    u.runs_in.schedule = (!schedule.is_empty()).then(|| schedule.join("; "));
    u.runs_in.job = Some(unit_name.clone());
    let service =
        super::normalize(&format!("{}/{unit_name}", super::parent(path))).unwrap_or_default();
    if let Some(text) = tree.load(&service) {
        service_into(&mut u, &service, &text, tree);
        u.snippets.push(Snippet {
            path: service.clone(),
            line: 1,
            text: String::new(),
        });
    }
    vec![u]
}

fn service_into(u: &mut Unit, path: &str, text: &str, tree: &Tree) {
    for (k, v, line) in entries(text) {
        match k.as_str() {
            "Environment" => {
                for assignment in split_words(&v) {
                    if let Some((n, val)) = assignment.split_once('=') {
                        u.add_env(n, val, line, "environment", false);
                        if let Some(e) = u.env.last_mut() {
                            e.path = Some(path.to_string());
                        }
                    }
                }
            }
            "EnvironmentFile" => {
                let file = v.trim_start_matches('-');
                let Some(rel) = tree.resolve(
                    &super::text::ScriptRef::Path(file.to_string()),
                    "",
                    super::parent(path),
                ) else {
                    u.implicit_env = true;
                    u.store = format!("env-file {file}");
                    continue;
                };
                let Some(t) = tree.load(&rel) else { continue };
                for (i, l) in t.split('\n').enumerate() {
                    let l = l.trim();
                    if l.starts_with('#') {
                        continue;
                    }
                    if let Some((n, val)) = l.split_once('=') {
                        let before = u.creds.len();
                        u.add_env(
                            n.trim(),
                            &super::yaml::unquote(val),
                            i + 1,
                            "env-file",
                            false,
                        );
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
            }
            "ExecStart" | "ExecStartPre" => u.snippets.push(Snippet {
                path: path.to_string(),
                line,
                text: v.trim_start_matches(['-', '@', '+', '!']).to_string(),
            }),
            "Description" => u.hint |= super::text::mentions_atlassian(&v),
            _ => {}
        }
    }
}

/// `"A=b c" D=e` -> [`A=b c`, `D=e`].
fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            (' ' | '\t', None) => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
