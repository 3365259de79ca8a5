//! Red team, session 2 (issue 12, class 4): the inputs added since the bounded-read work, and
//! the same attacks on each: a FIFO, a symlink to `/dev/zero`, a symlink loop, a line larger
//! than the input's cap, and JSON (or TOML) nested 100,000 deep. Inputs: `tokens --inventory`
//! and `--baseline`, the admin API's pages (every listing answered with deep nesting or a
//! body over the page cap), the OAuth token exchange's answer to `doctor --client-id`,
//! `inventory` (workflow files, CODEOWNERS, the scripts a workflow runs, given as paths and met
//! in a walk), `scopes --from-code`, lint configuration and baselines. Each run must end within
//! its deadline with exit 0, 1 or 2, no panic (`internal error`), no backtrace.
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::tokens_sim;

const DEADLINE: Duration = Duration::from_secs(20);

fn deep_json() -> String {
    format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))
}

/// The hostile files of every kind in `dir`: name -> what it is.
fn hostile_files(dir: &Path) -> Vec<(&'static str, std::path::PathBuf)> {
    let fifo = dir.join("fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop-b"), dir.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop-a"), dir.join("loop-b")).unwrap();
    std::fs::write(dir.join("deep.json"), deep_json()).unwrap();
    std::fs::write(
        dir.join("deep.toml"),
        format!("select = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    // One line over every cap that applies to these inputs (64 MiB: baselines).
    let huge = dir.join("huge");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    vec![
        ("a FIFO", fifo),
        ("a symlink to /dev/zero", dir.join("zero")),
        ("a symlink loop", dir.join("loop-a")),
        ("JSON nested 100,000 deep", dir.join("deep.json")),
        ("TOML nested 100,000 deep", dir.join("deep.toml")),
        ("a 65 MiB line", huge),
    ]
}

fn finishes(what: &str, cmd: Command) -> std::process::Output {
    let (o, _) = crate::common::output_within(cmd, Stdio::null(), DEADLINE);
    let all = crate::common::text(&o);
    assert!(
        matches!(o.status.code(), Some(0..=2)),
        "{what}: {:?}\n{all}",
        o.status
    );
    assert!(
        !all.contains("internal error") && !all.contains("panicked") && !all.contains("backtrace"),
        "{what}:\n{all}"
    );
    o
}

#[test]
fn hostile_files_as_every_input_end_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = hostile_files(d);
    let org = tokens_sim::ORG;
    for (kind, path) in &files {
        let p = path.to_str().unwrap();
        let runs: Vec<(&str, Vec<&str>, bool)> = vec![
            (
                "tokens --inventory",
                vec!["tokens", "--org", org, "--inventory", p],
                true,
            ),
            (
                "tokens --baseline",
                vec!["tokens", "--org", org, "--baseline", p],
                true,
            ),
            (
                "lint --baseline",
                vec!["lint", "--baseline", p, "--isolated", "deep.json"],
                true,
            ),
            (
                "lint --config",
                vec!["lint", "--config", p, "deep.json"],
                true,
            ),
            ("inventory PATH", vec!["inventory", p], false),
            (
                "scopes --from-code PATH",
                vec!["scopes", "--from-code", p],
                false,
            ),
        ];
        for (what, args, refused) in runs {
            let mut cmd = crate::common::atlcheck(d, &args);
            // Nothing listens here: tokens fails its listings after reading its inputs.
            cmd.env(
                "ATLCHECK_CONNECT_TO",
                "api.atlassian.com=http://127.0.0.1:9",
            )
            .env("ATLASSIAN_ADMIN_KEY", tokens_sim::KEY);
            let o = finishes(&format!("{what} on {kind}"), cmd);
            // A file a flag names (not a path to scan) that cannot be used is an error.
            let json_ok = *kind == "JSON nested 100,000 deep" && what.starts_with("lint --config");
            if refused && !json_ok {
                assert_eq!(
                    o.status.code(),
                    Some(2),
                    "{what} on {kind}: {}",
                    crate::common::text(&o)
                );
            }
            // A special file named as a path to scan is skipped with a note, not in silence.
            if !refused && (kind.starts_with("a FIFO") || kind.contains("/dev/zero")) {
                let err = crate::common::stderr(&o);
                assert!(
                    err.contains("note: skipped"),
                    "{what} on {kind}: {}",
                    crate::common::text(&o)
                );
            }
        }
    }
    // Met in a walk: a repository whose workflow, CODEOWNERS and followed script are each.
    for (kind, path) in &files {
        let repo = d.join(format!("repo-{}", kind.len()));
        let wf = repo.join(".github/workflows");
        std::fs::create_dir_all(&wf).unwrap();
        std::fs::write(
            wf.join("ok.yml"),
            "jobs:\n  a:\n    steps:\n      - run: ./deploy.sh\n        env:\n          JIRA_TOKEN: ${{ secrets.JIRA_TOKEN }}\n",
        )
        .unwrap();
        for name in [
            ".github/workflows/bad.yml",
            ".github/CODEOWNERS",
            "deploy.sh",
            ".atlcheck.toml",
        ] {
            let target = std::fs::canonicalize(path).unwrap_or(path.clone());
            let _ = std::os::unix::fs::symlink(&target, repo.join(name));
        }
        for args in [
            &["inventory", "."][..],
            &["scopes", "--from-code", "."],
            &["lint", "--isolated", "."],
        ] {
            finishes(
                &format!("{args:?} on a repository holding {kind}"),
                crate::common::atlcheck(&repo, args),
            );
        }
    }
}

#[test]
fn hostile_admin_api_pages_end_in_a_partial_report() {
    let sim = tokens_sim::Sim::start();
    // Every listing: nested 100,000 deep, then a body over the 8 MiB page cap.
    sim.fault("*", None, 5, 200, &[], &deep_json());
    sim.fault(
        "*",
        None,
        20,
        200,
        &[],
        &format!("{{\"data\":[\"{}\"]}}", "a".repeat(9 * 1024 * 1024)),
    );
    for _ in 0..2 {
        let o = finishes(
            "tokens against hostile pages",
            tokens_sim::command(
                Some(&sim),
                &["tokens", "--org", tokens_sim::ORG, "--format", "json"],
            ),
        );
        assert_eq!(o.status.code(), Some(2), "{}", crate::common::text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["complete"], false);
    }
}

#[test]
fn a_hostile_token_exchange_answer_ends_the_doctor_cleanly() {
    use crate::adversarial::{Seen, Server, atlcheck, response};
    let big = format!("{{\"access_token\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    for body in [
        deep_json(),
        big,
        format!("{{\"access_token\":{}}}", deep_json()),
    ] {
        let server = Server::start(Box::new(move |_: &Seen| response("200 OK", &[], &body)));
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = atlcheck(dir.path());
        cmd.args(["doctor", "--isolated", "--no-netrc", "--timeout", "5", "--format", "json"])
            .args(["--client-id", "Zr4Tq8Wm2Kx6Nb0Vc3Hd7Jf1Lp5Sg9Ya"])
            .arg("https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself")
            .env("ATLCHECK_CONNECT_TO", server.connect_to())
            .env(
                "ATLASSIAN_CLIENT_SECRET",
                "ATOAZr4Tq8Wm2Kx6Nb0Vc3Hd7Jf1Lp5Sg9YaZr4Tq8Wm2Kx6Nb0Vc3Hd7Jf1Lp5Sg9Ya12345678",
            );
        let o = finishes("doctor --client-id against a hostile token endpoint", cmd);
        assert!(
            !server.seen.lock().unwrap().is_empty(),
            "no request reached the server"
        );
        assert_ne!(o.status.code(), Some(0), "{}", crate::common::text(&o));
    }
}
