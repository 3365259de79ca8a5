//! Red team, session 2 (issue 12, class 3): hostile text in every place a report quotes,
//! through every format of every command. A seeded generator strings together newlines,
//! carriage returns, ESC sequences (clear screen, OSC 8 hyperlinks, DCS), C1 controls (raw
//! CSI `\u{9b}`, NEL), bidirectional overrides and isolates (U+202E, U+2066), line separators,
//! workflow commands (`::error::`, `::add-mask::`, `::stop-commands::`, an escaped `%0A::`),
//! `##[error]`, Markdown links and HTML, table pipes, backticks, spreadsheet formulas and
//! @mentions, and puts them in: `tokens` labels, owner names and emails, service-account and
//! OAuth client names, admin key names (human, json, csv, markdown, junit, github); the doctor's
//! server headers and JSON body (`--verbose`, human and json); `inventory` workflow file and job
//! names (human, json, csv, markdown); `lint` file names (all six formats). No output may carry
//! a raw control or bidi character, `##[`, a line starting with `::` other than the github
//! format's own annotations, a working Markdown link or tag from the input, or a CSV cell a
//! spreadsheet would run. Capped: 3 hostile strings per surface per run.
use std::path::Path;

use serde_json::json;

use crate::tokens_sim;

use crate::held_forms::Rng;

const PIECES: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    "\u{1b}[2J",
    "\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7}",
    "\u{1b}P+q\u{1b}\\",
    "\u{9b}31m",
    "\u{85}",
    "\u{8d}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{7f}",
    "\u{8}",
    "::error::INJECTED",
    "::add-mask::x",
    "::stop-commands::tok",
    "%0A::warning::y",
    "##[error]z",
    "[fix here](https://evil.example)",
    "![x](https://evil.example/p.png)",
    "<img src=x>",
    "|",
    "`",
    "=cmd|' /C calc'!A0",
    "@octocat",
    " ",
    "ok",
];

/// A hostile string: 2 to 5 pieces, with a newline-free variant for file names.
fn hostile(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.coin() {
        s.push_str(PIECES[14 + rng.below(5)]);
    }
    for _ in 0..2 + rng.below(4) {
        s.push_str(PIECES[rng.below(PIECES.len())]);
    }
    s
}

fn file_name(rng: &mut Rng) -> String {
    hostile(rng).replace(['/', '\0'], "_")
}

/// The whole check, for one output of one format.
fn assert_clean(what: &str, format: &str, out: &str) {
    let bad = out.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{what} ({format}): raw {bad:?} in:\n{out}");
    assert!(!out.contains("##["), "{what} ({format}): ##[ in:\n{out}");
    for line in out.lines() {
        let t = line.trim_start();
        if !t.starts_with("::") {
            continue;
        }
        let own = format == "github"
            && [
                "::error ",
                "::warning ",
                "::notice ",
                "::error::",
                "::warning::",
                "::notice::",
            ]
            .iter()
            .any(|p| t.starts_with(p));
        assert!(
            own,
            "{what} ({format}): forged workflow command {line:?} in:\n{out}"
        );
    }
    if format == "markdown" {
        // Outside code spans (a span shows its text as it is).
        let prose: String = out
            .lines()
            .map(|l| l.split('`').step_by(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        for forged in ["[fix here](", "![x](", "<img"] {
            assert!(
                !prose.contains(forged),
                "{what} ({format}): {forged} in:\n{out}"
            );
        }
    }
    if format == "csv" {
        for line in out.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '@']),
                    "{what} ({format}): formula cell {cell:?} in:\n{out}"
                );
            }
        }
    }
}

/// A JSON report decoded (as `jq -r` would print its strings): no decoded string may hold a
/// raw control or bidi character, nor a line that starts a workflow command.
fn assert_json_clean(what: &str, format: &str, stdout: &[u8]) {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| {
                out.push(k.clone());
                walk(v, out)
            }),
            _ => {}
        }
    }
    let v: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("{what} ({format}): not JSON: {e}"));
    let mut strings = Vec::new();
    walk(&v, &mut strings);
    for s in strings {
        let bad = s.chars().find(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        });
        assert!(
            bad.is_none(),
            "{what} ({format}): decoded string holds {bad:?}: {s:?}"
        );
        assert!(
            !s.lines().skip(1).any(|l| l.trim_start().starts_with("::")),
            "{what} ({format}): decoded string starts a workflow command on a line: {s:?}"
        );
    }
}

fn stdout_and_stderr(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn hostile_admin_api_text_cannot_inject_into_any_tokens_format() {
    let mut rng = Rng::seeded();
    let sim = tokens_sim::Sim::start();
    let mut h = || hostile(&mut rng);
    let (l1, l2, l3, l4, l5, l6, l7) = (h(), h(), h(), h(), h(), h(), h());
    sim.with(|s| {
        s.api_tokens = vec![json!({"id": "t-1", "label": l1, "status": "ALLOWED",
            "createdAt": "2026-01-01T00:00:00Z", "expiresAt": "2026-12-01T00:00:00Z",
            "lastActiveAt": "2026-11-28T00:00:00Z",
            "user": {"id": "u-1", "orgId": tokens_sim::ORG, "name": l2, "email": l3}})];
        s.service_accounts = vec![json!({"id": "sa-1", "atlassianId": "712020:sa-1",
            "email": "jira-sync-x1axxw94zz@serviceaccount.atlassian.com", "displayName": l4,
            "status": "ACTIVE"})];
        s.sa_tokens.insert(
            "sa-1".into(),
            vec![json!({"id": "st-1", "label": l5,
            "createdAt": "2026-01-10T09:00:00Z", "expiresAt": "2026-12-20T17:30:00Z"})],
        );
        s.sa_oauth.insert(
            "sa-1".into(),
            vec![json!({"clientId": "c-1", "name": l6,
            "createdAt": 1767225600000_i64, "status": "ACTIVE"})],
        );
        s.admin_keys = vec![
            json!({"id": "k-1", "name": l7, "createdAt": "2024-03-01T00:00:00Z",
            "expiresAt": null}),
        ];
    });
    // The baseline file holds the labels too: written through the sink, one JSON entry a line.
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("tokens-baseline.jsonl");
    let o = tokens_sim::command(
        Some(&sim),
        &[
            "tokens",
            "--org",
            tokens_sim::ORG,
            "--write-baseline",
            baseline.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    let text = std::fs::read_to_string(&baseline)
        .unwrap_or_else(|e| panic!("no baseline ({e}): {}", crate::common::text(&o)));
    assert_clean("tokens --write-baseline", "baseline", &text);
    for line in text.lines().filter(|l| l.starts_with('{')) {
        assert_json_clean("tokens --write-baseline", "baseline", line.as_bytes());
    }
    for format in ["human", "json", "csv", "markdown", "junit", "github"] {
        let o = tokens_sim::command(
            Some(&sim),
            &["tokens", "--org", tokens_sim::ORG, "--format", format],
        )
        .output()
        .unwrap();
        assert_clean("tokens", format, &stdout_and_stderr(&o));
        if format == "json" {
            assert_json_clean("tokens", format, &o.stdout);
        }
    }
}

#[test]
fn hostile_server_headers_and_bodies_cannot_inject_into_the_doctor() {
    use crate::adversarial::{Seen, Server, doctor_verbose, response};
    let mut rng = Rng::seeded();
    let texts: Vec<String> = (0..3).map(|_| hostile(&mut rng)).collect();
    // Header values carry no CR/LF (HTTP framing) and no other ASCII control (the client
    // refuses them): the non-ASCII pieces and the commands.
    let header: String = texts
        .concat()
        .chars()
        .filter(|c| !c.is_ascii_control())
        .collect();
    let body = json!({"errorMessages": texts, "message": texts.concat()}).to_string();
    let server = Server::start(Box::new(move |_: &Seen| {
        response(
            "401 Unauthorized",
            &[
                ("X-Failure-Category", header.clone()),
                ("X-Why", header.clone()),
            ],
            &body,
        )
    }));
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "json"] {
        for color in ["never", "always"] {
            let o = doctor_verbose(
                dir.path(),
                &server,
                "https://acme.atlassian.net/rest/api/3/myself",
                format,
                "Sunny-pass-7Qx",
            )
            .args(["--color", color])
            .output()
            .unwrap();
            assert!(
                !server.seen.lock().unwrap().is_empty(),
                "no probe reached the server"
            );
            let out = stdout_and_stderr(&o);
            // atlcheck's own colours may stay with --color always: take them out first.
            let out = if color == "always" {
                strip_sgr(&out)
            } else {
                out
            };
            assert_clean("doctor -v", format, &out);
            if format == "json" {
                assert_json_clean("doctor -v", format, &o.stdout);
            }
        }
    }
}

/// Remove the SGR sequences of atlcheck's palette (what `--color always` may write).
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let n = after
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b';')
            .count();
        if after.as_bytes().get(n) == Some(&b'm') {
            rest = &after[n + 1..];
        } else {
            out.push('\u{1b}');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}

fn workflow(dir: &Path, name: &str, job: &str) {
    let wf = dir.join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    let job = job.replace(
        [
            '\n', '\r', ':', '#', '"', '\'', '`', '|', '@', '[', ']', '!', '%', '&', '*', '>', '{',
            '}', ',', '=', '<',
        ],
        "_",
    );
    let job = job.trim().replace(' ', "_");
    let job = if job.is_empty() { "j".to_string() } else { job };
    std::fs::write(
        wf.join(format!("{name}.yml")),
        format!(
            "on:\n  schedule:\n    - cron: \"0 3 * * *\"\njobs:\n  \"{job}\":\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -u \"$JIRA_EMAIL:$JIRA_TOKEN\" https://acme.atlassian.net/rest/api/3/myself\n        env:\n          JIRA_EMAIL: ${{{{ secrets.JIRA_EMAIL }}}}\n          JIRA_TOKEN: ${{{{ secrets.JIRA_TOKEN }}}}\n"
        ),
    )
    .unwrap();
}

#[test]
fn hostile_file_and_job_names_cannot_inject_into_inventory_or_lint() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for _ in 0..3 {
        let name = file_name(&mut rng);
        let job = hostile(&mut rng);
        workflow(d, &name, &job);
        // The same integration as a script lint reports on.
        std::fs::write(
            d.join(format!("{name}.sh")),
            "curl -u \"$JIRA_EMAIL:$JIRA_TOKEN\" http://acme.atlassian.net/rest/api/3/myself\n",
        )
        .unwrap();
    }
    for format in ["human", "json", "csv", "markdown"] {
        let o = crate::common::run(d, &["inventory", "--format", format, "."]);
        let out = stdout_and_stderr(&o);
        assert!(
            out.contains("JIRA_TOKEN"),
            "inventory ({format}) found nothing:\n{out}"
        );
        assert_clean("inventory", format, &out);
        if format == "json" {
            assert_json_clean("inventory", format, &o.stdout);
        }
    }
    for format in ["human", "concise", "json", "sarif", "github", "junit"] {
        let o = crate::common::run(d, &["lint", "--format", format, "."]);
        let out = stdout_and_stderr(&o);
        assert_eq!(o.status.code(), Some(1), "lint ({format}):\n{out}");
        assert_clean("lint", format, &out);
        if format == "json" || format == "sarif" {
            assert_json_clean("lint", format, &o.stdout);
        }
    }
}
