//! The `atlcheck` binary end to end: formats, exit codes, configuration, suppressions,
//! standard input, colour policy. Snapshots are reviewed by hand.
use std::process::Stdio;

use crate::common;
use common::{atlcheck, root, run, stderr, stdout};

#[test]
fn human_output_on_failing_fixtures() {
    let o = run(&root(), &["lint", "fixtures/lint/fail", "--color", "never"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stdout(&o).contains('\u{1b}'), "no ANSI with --color never");
    insta::assert_snapshot!("human_fail", stdout(&o));
}

#[test]
fn concise_output_on_failing_fixtures() {
    let o = run(
        &root(),
        &["lint", "fixtures/lint/fail", "--format", "concise"],
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("concise_fail", stdout(&o));
}

#[test]
fn json_output_is_versioned_and_alone_on_stdout() {
    let o = run(&root(), &["lint", "fixtures/lint/fail", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let mut doc: serde_json::Value =
        serde_json::from_str(&stdout(&o)).expect("stdout is exactly one JSON document");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "atlcheck");
    let findings = doc["findings"].as_array().unwrap();
    for f in findings {
        for key in [
            "rule",
            "name",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "fingerprint",
        ] {
            assert!(!f[key].is_null(), "finding lacks {key}: {f}");
        }
        assert!(!f["path"].as_str().unwrap().contains('\\'));
    }
    assert_eq!(
        doc["summary"]["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    doc["tool"]["version"] = "[version]".into();
    insta::assert_json_snapshot!("json_fail", doc);
}

#[test]
fn clean_fixtures_exit_zero() {
    let o = run(&root(), &["lint", "fixtures/lint/pass", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "✓ No findings in 4 files.\n");
}

#[test]
fn exit_zero_and_fail_on() {
    let o = run(
        &root(),
        &["lint", "fixtures/lint/fail", "--exit-zero", "-q"],
    );
    assert_eq!(o.status.code(), Some(0));
    // Only warnings in this file: failing on errors only passes.
    let o = run(
        &root(),
        &[
            "lint",
            "fixtures/lint/fail/main.tf",
            "--fail-on",
            "error",
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&root(), &["lint", "fixtures/lint/fail/main.tf", "-q"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn select_and_ignore() {
    let o = run(
        &root(),
        &[
            "lint",
            "fixtures/lint/fail",
            "--format",
            "concise",
            "--select",
            "AT2",
            "--ignore",
            "AT201",
        ],
    );
    let out = stdout(&o);
    assert!(
        out.lines()
            .all(|l| l.contains(" AT20") && !l.contains(" AT201 ")),
        "{out}"
    );
    assert!(out.contains("AT202") && out.contains("AT205"));
    let o = run(
        &root(),
        &["lint", "fixtures/lint/fail", "--select", "AT999"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule `AT999`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_and_io_errors_exit_two() {
    let o = run(&root(), &["lint", "does/not/exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("atlcheck: error: does/not/exist:"),
        "{}",
        stderr(&o)
    );
    let o = run(&root(), &["lint", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&root(), &["explain", "AT999"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "atlcheck: error: unknown rule `AT999`; `atlcheck rules` lists them all\n"
    );
}

#[test]
fn stdin_with_filename() {
    let mut child = atlcheck(
        &root(),
        &[
            "lint",
            "-",
            "--stdin-filename",
            "scripts/sync.sh",
            "--format",
            "concise",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"curl -u \"$U:$T\" https://acme.atlassian.net/rest/api/3/myself\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "scripts/sync.sh:1:17: AT201 [warning] REST call to the site URL https://acme.atlassian.net/rest/api/3/myself\n"
    );
}

fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const SITE_CALL: &str = "curl -u \"$U:$T\" https://acme.atlassian.net/rest/api/3/myself\n";

#[test]
fn config_is_discovered_and_applied() {
    let dir = temp_tree(&[
        (
            ".atlcheck.toml",
            "ignore = [\"AT205\"]\nservice-accounts = [\"*@bots.acme.com\"]\n\n[severity]\nAT201 = \"error\"\n\n[per-file-ignores]\n\"legacy/**\" = [\"AT201\"]\n",
        ),
        ("src/sync.sh", SITE_CALL),
        (
            "src/bot.sh",
            "curl -u ci@bots.acme.com:$JIRA_TOKEN https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself\n",
        ),
        ("legacy/old.sh", SITE_CALL),
    ]);
    let o = run(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "src/sync.sh:1:17: AT201 [error] REST call to the site URL https://acme.atlassian.net/rest/api/3/myself\n"
    );
    // From a subfolder, the config is found by walking up.
    let o = run(
        &dir.path().join("src"),
        &["lint", "--format", "concise", "."],
    );
    assert!(
        stdout(&o).contains("sync.sh:1:17: AT201 [error]"),
        "{}",
        stdout(&o)
    );
    // --isolated ignores it.
    let o = run(dir.path(), &["lint", "--format", "concise", "--isolated"]);
    assert!(stdout(&o).contains("AT201 [warning]") && stdout(&o).contains("legacy/old.sh"));
}

#[test]
fn pyproject_tool_table_and_bad_config() {
    let dir = temp_tree(&[
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.atlcheck]\nignore = [\"AT201\"]\n",
        ),
        ("a.sh", SITE_CALL),
    ]);
    let o = run(dir.path(), &["lint", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let dir = temp_tree(&[
        (".atlcheck.toml", "ignore = [\"AT201\"]\nselekt = []\n"),
        ("a.sh", SITE_CALL),
    ]);
    let o = run(dir.path(), &["lint"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(".atlcheck.toml:2:1: unknown field `selekt`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one-line error: {err}");
}

#[test]
fn inline_suppressions_and_their_problems() {
    let dir = temp_tree(&[(
        "s.sh",
        "curl https://acme.atlassian.net/rest/api/3/a # atlcheck:allow AT201 -- migrating in OPS-12\n\
         # atlcheck:allow-next-line direct-site-url -- reason\n\
         curl https://acme.atlassian.net/rest/api/3/b\n\
         curl https://acme.atlassian.net/rest/api/3/c # atlcheck:allow AT205 -- nothing to silence\n\
         curl https://acme.atlassian.net/rest/api/3/d # atlcheck:allow AT999\n",
    )]);
    let o = run(dir.path(), &["lint", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let lines: Vec<u64> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![4, 5]);
    assert_eq!(doc["summary"]["suppressed"], 2);
    let notes: Vec<(u64, &str)> = doc["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["line"].as_u64().unwrap(), n["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(notes, vec![(4, "unused"), (5, "unknown-code")]);
    // allow-file, in a file with no other finding left: nothing reported, exit 0.
    let dir = temp_tree(&[(
        "s.py",
        "# atlcheck:allow-file AT201 -- vendored example\nURL = 'https://acme.atlassian.net/rest/api/3/myself'\n",
    )]);
    let o = run(dir.path(), &["lint", "-q"]);
    assert_eq!(o.status.code(), Some(0));
    // A stale suppression in an otherwise clean file is still reported.
    let dir = temp_tree(&[("s.py", "x = 1  # atlcheck:allow AT102 -- old\n# jira\n")]);
    let o = run(dir.path(), &["lint", "--color", "never"]);
    assert!(
        stdout(&o).contains("warning: s.py:1: suppression for AT102 silences nothing"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn gitignore_hidden_files_and_git_dir() {
    let dir = temp_tree(&[
        (".gitignore", "ignored.sh\n"),
        ("ignored.sh", SITE_CALL),
        (".env", "JIRA_URL=https://acme.atlassian.net\n"),
        (".git/config", SITE_CALL),
    ]);
    let o = run(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        ".env:1:10: AT201 [warning] Atlassian API base URL set to the site URL https://acme.atlassian.net\n"
    );
    let o = run(dir.path(), &["lint", "--format", "concise", "--no-ignore"]);
    assert!(stdout(&o).contains("ignored.sh"));
    assert!(!stdout(&o).contains(".git/"));
}

#[test]
fn binary_and_large_files_are_skipped_with_a_note() {
    let mut big = String::new();
    while big.len() < 3000 {
        big.push_str(SITE_CALL);
    }
    let dir = temp_tree(&[
        ("bin.dat", "ATATT3\0\u{1}binary"),
        ("big.sh", &big),
        ("ok.sh", "echo hi\n"),
    ]);
    let o = run(
        dir.path(),
        &[
            "lint",
            "--max-filesize",
            "1000",
            "--verbose",
            "--color",
            "never",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("skipped bin.dat: binary file"), "{err}");
    assert!(err.contains("skipped big.sh: file is"), "{err}");
    assert!(stdout(&o).contains("2 files skipped"));
}

#[test]
fn colour_policy() {
    let args = ["lint", "fixtures/lint/fail/main.tf"];
    let with = |k: &str, v: &str| stdout(&atlcheck(&root(), &args).env(k, v).output().unwrap());
    assert!(with("CLICOLOR_FORCE", "1").contains('\u{1b}'));
    assert!(!with("NO_COLOR", "1").contains('\u{1b}'));
    let forced = stdout(
        &atlcheck(
            &root(),
            &["lint", "fixtures/lint/fail/main.tf", "--color", "always"],
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap(),
    );
    assert!(forced.contains('\u{1b}'));
    let json = stdout(
        &atlcheck(
            &root(),
            &[
                "lint",
                "fixtures/lint/fail/main.tf",
                "--format",
                "json",
                "--color",
                "always",
            ],
        )
        .output()
        .unwrap(),
    );
    assert!(!json.contains('\u{1b}'));
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = run(
        &root(),
        &[
            "lint",
            "fixtures/lint/fail/main.tf",
            "--format",
            "json",
            "--output-file",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2);
}

#[test]
fn rules_and_explain() {
    let o = run(&root(), &["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc["rules"].as_array().unwrap().len(),
        atlcheck::catalogue::rules().len()
    );
    let o = run(&root(), &["rules", "--color", "never"]);
    insta::assert_snapshot!("rules_human", stdout(&o));
    let o = run(&root(), &["explain", "direct-site-url", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for heading in [
        "AT201 (direct-site-url)",
        "What it does",
        "Why it matters",
        "Example",
        "Fix",
        "References",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    let o = run(&root(), &["explain", "at105", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["code"], "AT105");
    assert!(!doc["docs"]["references"].as_array().unwrap().is_empty());
}

#[test]
fn examples_show_every_lint_rule_once() {
    // README's first command: `atlcheck lint examples/` shows each lint rule exactly once and
    // says what exit code 1 means. A new lint rule adds one line to a file in examples/ (or a
    // new file) that triggers it once.
    let o = run(&root(), &["lint", "examples", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for line in stdout(&o).lines() {
        let code = line.split_whitespace().nth(1).expect("concise line");
        *seen.entry(code.to_string()).or_default() += 1;
    }
    for r in atlcheck::catalogue::rules()
        .iter()
        .filter(|r| r.has_mode(atlcheck::catalogue::Mode::Lint))
    {
        assert_eq!(
            seen.remove(r.code.as_str()),
            Some(1),
            "`atlcheck lint examples/` must show {} exactly once: add a line to a file in examples/",
            r.code
        );
    }
    assert!(seen.is_empty(), "not lint rules: {seen:?}");
    let human = stdout(&run(&root(), &["lint", "examples"]));
    assert!(
        human.contains("Exit code 1: the scan worked and found problems"),
        "{human}"
    );
    let clean = stdout(&run(&root(), &["lint", "examples", "--exit-zero"]));
    assert!(!clean.contains("Exit code 1"), "{clean}");
}

/// The findings of `rule` for `url` from lint (the URL in a shell script on standard input)
/// and from `doctor --offline`, each as (message, fix).
type Said = Vec<(String, String)>;

fn both_faces(url: &str, rule: &str) -> (Said, Said) {
    faces("call.sh", &format!("curl -sf \"{url}\""), url, &[], rule)
}

/// The findings of `rule` from lint on `file` (named `name`, on standard input) and from
/// `doctor --offline URL` with the credential environment `env`.
fn faces(name: &str, file: &str, url: &str, env: &[(&str, &str)], rule: &str) -> (Said, Said) {
    faces_with(name, file, url, env, None, rule)
}

/// [`faces`], both reading the configuration file `config` (else none).
fn faces_with(
    name: &str,
    file: &str,
    url: &str,
    env: &[(&str, &str)],
    config: Option<&str>,
    rule: &str,
) -> (Said, Said) {
    use std::io::Write as _;
    use std::process::Stdio;
    let config_args = match config {
        Some(c) => vec!["--config", c],
        None => vec!["--isolated"],
    };
    let mut lint_args = vec!["lint", "-", "--stdin-filename", name, "--format", "json"];
    lint_args.extend(&config_args);
    let mut child = atlcheck(&root(), &lint_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{file}").unwrap();
    let lint: serde_json::Value =
        serde_json::from_slice(&child.wait_with_output().unwrap().stdout).unwrap();
    let mut doctor_args = vec!["doctor", "--offline", "--format", "json"];
    if let Some(c) = config {
        doctor_args.extend(["--config", c]);
    }
    doctor_args.push(url);
    let mut doctor = atlcheck(&root(), &doctor_args);
    doctor
        .env_remove("ATLASSIAN_API_TOKEN")
        .env_remove("ATLASSIAN_EMAIL")
        .env("HOME", "/nonexistent")
        .stdin(Stdio::null());
    for (k, v) in env {
        doctor.env(k, v);
    }
    let o = doctor.output().unwrap();
    let doctor: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pick = |v: &serde_json::Value| -> Said {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                (
                    f["message"].as_str().unwrap().to_string(),
                    f["fix"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    (pick(&lint), pick(&doctor))
}

#[test]
fn lint_and_doctor_word_credential_kinds_alike() {
    // One table of kinds (token::TokenKind::words): a credential of the wrong kind in an
    // API-token setting (lint) and as the API token the doctor is given get the same AT104
    // message and fix.
    // Random-looking bodies (a repeated pattern is not taken for a real secret).
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut body = |n: usize| -> String {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let set = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                set[(x % 62) as usize] as char
            })
            .collect()
    };
    let legacy = "Xk93jfLq0Pz7Rm2Tb8Wc4Yd1";
    let atoa = atlcheck::token::with_crc_tail(&format!("ATOA{}", body(64)));
    let atctt = atlcheck::token::with_crc_tail(&format!("ATCTT3xFfGN0{}=", body(170)));
    let atbb = "ATBBa1b2c3d4e5f6g7h8i9j0k1l2C0FFEE12";
    for token in [legacy, &atoa, &atctt, atbb] {
        let (lint, doctor) = faces(
            ".env",
            &format!("JIRA_URL=https://acme.atlassian.net\nJIRA_API_TOKEN={token}"),
            "https://acme.atlassian.net/rest/api/3/myself",
            &[
                ("ATLASSIAN_EMAIL", "jane@acme.com"),
                ("ATLASSIAN_API_TOKEN", token),
            ],
            "AT104",
        );
        assert_eq!(lint.len(), 1, "{token}: {lint:?}");
        assert_eq!(lint, doctor, "{token}: lint and doctor --offline differ");
    }
    // A token cut short, and one with a character changed: AT103 from token::Checksum.
    let api = atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", body(170)));
    let mut changed = api.clone().into_bytes();
    changed[40] = if changed[40] == b'a' { b'b' } else { b'a' };
    let changed = String::from_utf8(changed).unwrap();
    for token in [&api[..150], changed.as_str()] {
        let (lint, doctor) = faces(
            ".env",
            &format!("JIRA_URL=https://acme.atlassian.net\nJIRA_API_TOKEN={token}"),
            "https://acme.atlassian.net/rest/api/3/myself",
            &[
                ("ATLASSIAN_EMAIL", "jane@acme.com"),
                ("ATLASSIAN_API_TOKEN", token),
            ],
            "AT103",
        );
        assert_eq!(lint.len(), 1, "{token}: {lint:?}");
        assert_eq!(lint, doctor, "{token}: lint and doctor --offline differ");
    }
    // A person's account: each face says it in its own frame (a setting in a file, the
    // account the doctor authenticates as), with one fix (account::PERSON_FIX).
    let (lint, doctor) = faces(
        ".env",
        &format!(
            "JIRA_URL=https://acme.atlassian.net\nJIRA_EMAIL=jane.doe@acme.com\nJIRA_API_TOKEN={legacy}"
        ),
        "https://acme.atlassian.net/rest/api/3/myself",
        &[
            ("ATLASSIAN_EMAIL", "jane.doe@acme.com"),
            ("ATLASSIAN_API_TOKEN", legacy),
        ],
        "AT101",
    );
    let fixes = |s: &Said| s.iter().map(|f| f.1.clone()).collect::<Vec<_>>();
    assert_eq!(lint.len(), 1, "{lint:?}");
    assert_eq!(fixes(&lint), fixes(&doctor));
}

#[test]
fn lint_and_doctor_fix_a_basic_newline_alike() {
    // A literal Basic value whose email:token ends in a newline: lint reads it in the file,
    // the doctor in the pasted curl; each words where it saw it, both give one fix
    // (token::BASIC_NEWLINE_FIX).
    use base64::Engine as _;
    let url = "https://acme.atlassian.net/rest/api/3/myself";
    let value = base64::engine::general_purpose::STANDARD
        .encode("jane@acme.com:Xk93jfLq0Pz7Rm2Tb8Wc4Yd1\n");
    let curl = format!("curl -H \"Authorization: Basic {value}\" {url}");
    let (lint, _) = faces("call.sh", &curl, url, &[], "AT301");
    let o = atlcheck(
        &root(),
        &[
            "doctor",
            "--offline",
            "--format",
            "json",
            "--",
            "curl",
            "-H",
            &format!("Authorization: Basic {value}"),
            url,
        ],
    )
    .env_remove("ATLASSIAN_API_TOKEN")
    .env_remove("ATLASSIAN_EMAIL")
    .env("HOME", "/nonexistent")
    .stdin(std::process::Stdio::null())
    .output()
    .unwrap();
    let doctor: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fixes: Vec<&str> = doctor["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AT301")
        .filter_map(|f| f["fix"].as_str())
        .collect();
    assert_eq!(lint.len(), 1, "{lint:?}");
    assert_eq!(fixes, vec![lint[0].1.as_str()]);
}

#[test]
fn lint_and_doctor_judge_org_ids_alike() {
    // An organization ID from the configuration's `org-ids` in the gateway prefix: one
    // judgement (surface::org_id_problem), the same AT204 message and fix.
    const ORG: &str = "1b2c3d4e-1111-4222-8333-444455556666";
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("atlcheck.toml");
    std::fs::write(&config, format!("org-ids = [\"{ORG}\"]\n")).unwrap();
    let url = format!("https://api.atlassian.com/ex/Jira/{ORG}/rest/api/3/myself");
    let (lint, doctor) = faces_with(
        "call.sh",
        &format!("curl -sf \"{url}\""),
        &url,
        &[],
        Some(config.to_str().unwrap()),
        "AT204",
    );
    assert_eq!(lint.len(), 1, "{lint:?}");
    assert_eq!(lint, doctor);
    assert!(lint[0].0.ends_with("after /ex/jira/"), "{lint:?}");
}

#[test]
fn lint_and_doctor_judge_urls_alike() {
    // One judgement (surface::gateway_product_problem, surface::cloud_id_problem) behind both
    // faces: the same URL gets the same rule, message and fix, or nothing from either.
    const ID: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";
    let cases = [
        // Confluence's v1 search without /wiki: Confluence's path (Jira's are versioned).
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/rest/api/search?cql=type=page"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/rest/api/content/123"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/api/v2/pages"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/rest/api/3/issue/ABC-1"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/rest/agile/1.0/board"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/jira/{ID}/wiki/api/v2/pages"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/wiki/rest/api/search?cql=x"),
            "AT202",
            false,
        ),
        (
            format!("https://api.atlassian.com/ex/jira/{ID}/rest/api/3/myself"),
            "AT202",
            false,
        ),
        (
            "https://api.atlassian.com/ex/jira/{cloudId}/rest/api/3/myself".to_string(),
            "AT203",
            true,
        ),
        (
            "https://api.atlassian.com/ex/jira/acme/rest/api/3/myself".to_string(),
            "AT203",
            true,
        ),
        (
            "https://api.atlassian.com/ex/confluence/your-cloud-id/wiki/api/v2/pages".to_string(),
            "AT203",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/jira/{ID}/rest/api/3/myself"),
            "AT203",
            false,
        ),
        // The prefix as the domain layer splits it (surface::Gateway): any case of the
        // product word, an empty cloud ID, a query string kept in the fix.
        (
            format!("https://api.atlassian.com/ex/JIRA/{ID}/wiki/api/v2/pages"),
            "AT202",
            true,
        ),
        (
            "https://api.atlassian.com/ex/Confluence/{cloudId}/wiki/api/v2/pages".to_string(),
            "AT203",
            true,
        ),
        (
            "https://api.atlassian.com/ex/jira//rest/api/3/myself".to_string(),
            "AT203",
            true,
        ),
        (
            "https://api.atlassian.com/ex/confluence/<cloud-id>/wiki/api/v2/pages".to_string(),
            "AT203",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/rest/api/2/search?jql=x"),
            "AT202",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/confluence/{ID}/wiki/api/v2/pages?limit=5"),
            "AT202",
            false,
        ),
        // Plain http (surface::insecure_scheme_problem): the fix keeps path and query.
        (
            "http://acme.atlassian.net/rest/api/3/search/jql?jql=project=OPS".to_string(),
            "AT205",
            true,
        ),
        (
            format!("http://api.atlassian.com/ex/jira/{ID}/rest/api/3/myself"),
            "AT205",
            true,
        ),
        (
            format!("https://api.atlassian.com/ex/jira/{ID}/rest/api/3/myself"),
            "AT205",
            false,
        ),
    ];
    // The cases run side by side: each is two short processes.
    let said: Vec<(Said, Said)> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|(url, rule, _)| scope.spawn(move || both_faces(url, rule)))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for ((url, rule, expected), (lint, doctor)) in cases.iter().zip(&said) {
        assert_eq!(
            lint, doctor,
            "{rule} for {url}: lint and doctor --offline differ"
        );
        assert_eq!(
            lint.len(),
            usize::from(*expected),
            "{rule} for {url}: {lint:?}"
        );
    }
    let lint = &said[0].0;
    assert_eq!(
        lint[0].1,
        format!(
            "use https://api.atlassian.com/ex/confluence/{ID}/wiki/rest/api/search?cql=type=page"
        )
    );
}
