//! `atlcheck lint` on hostile input: binary files, broken or unusual encodings, huge, empty,
//! deep, looping, blocking and unreadable files, missing paths, a malformed configuration.
//! Lint finishes (every run here has a deadline), reports what it skipped, and exits 2 only
//! where SPEC says so (usage, configuration or I/O error).
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

/// A structurally valid API token: AT102 fires wherever it is written down.
fn token() -> String {
    atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0QmFkSW5wdXRDYW5hcnlUb2tlbkZvckF0bGNoZWNrTGludFRlc3RzMDEyMzQ1Njc4OWFi=",
    )
}

fn secret_line() -> String {
    format!("JIRA_API_TOKEN={}", token())
}

/// Run `atlcheck lint ARGS` in `dir`, killing it (and failing) after `deadline`.
fn lint_within(dir: &Path, args: &[&str], deadline: Duration) -> (Output, Duration) {
    let mut cmd = crate::common::atlcheck(dir, &["lint"]);
    cmd.args(args);
    crate::common::output_within(cmd, Stdio::null(), deadline)
}

fn lint(dir: &Path, args: &[&str]) -> Output {
    lint_within(dir, args, Duration::from_secs(60)).0
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)))
}

/// `(rule, path, line, column)` of every finding.
fn findings(v: &Value) -> Vec<(String, String, u64, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn at102_at(v: &Value, path: &str) -> Vec<(u64, u64)> {
    findings(v)
        .into_iter()
        .filter(|(r, p, _, _)| r == "AT102" && p == path)
        .map(|(_, _, l, c)| (l, c))
        .collect()
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn binary_file_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    bytes.extend_from_slice(secret_line().as_bytes());
    bytes.extend_from_slice(&[0u8; 64]);
    write(dir.path(), "tool.bin", &bytes);
    let o = lint(dir.path(), &["--verbose", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&json(&o)).is_empty());
    assert!(
        stderr(&o).contains("tool.bin") && stderr(&o).contains("binary"),
        "the skip is reported: {}",
        stderr(&o)
    );
}

#[test]
fn invalid_utf8_is_scanned_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"# caf\xe9 \xff\xfe\xc3\x28 latin-1 and broken sequences\n".to_vec();
    bytes.extend_from_slice(format!("{}\n", secret_line()).as_bytes());
    bytes.extend_from_slice(b"\xed\xa0\x80 surrogate half\n");
    write(dir.path(), "deploy.env", &bytes);
    let o = lint(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(at102_at(&json(&o), "deploy.env"), vec![(2, 16)]);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_with_bom_is_decoded_and_its_findings_found() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "# PowerShell profile, saved by Notepad\r\n$env:{}\r\n",
        secret_line()
    );
    write(dir.path(), "profile-le.ps1", &utf16(&text, false));
    write(dir.path(), "profile-be.ps1", &utf16(&text, true));
    let o = lint(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    // `$env:` is 5 characters: the token starts at column 6 + 15.
    assert_eq!(at102_at(&v, "profile-le.ps1"), vec![(2, 21)], "{v}");
    assert_eq!(at102_at(&v, "profile-be.ps1"), vec![(2, 21)], "{v}");
}

#[test]
fn crlf_lines_keep_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let lf = format!(
        "#!/bin/sh\n\nexport   {}\ncurl https://acme.atlassian.net/rest/api/3/myself\n",
        secret_line()
    );
    write(dir.path(), "lf.sh", lf.as_bytes());
    write(dir.path(), "crlf.sh", lf.replace('\n', "\r\n").as_bytes());
    let o = lint(dir.path(), &["--format", "json"]);
    let v = json(&o);
    let strip = |p: &str| -> Vec<(String, u64, u64)> {
        findings(&v)
            .into_iter()
            .filter(|f| f.1 == p)
            .map(|(r, _, l, c)| (r, l, c))
            .collect()
    };
    assert_eq!(at102_at(&v, "lf.sh"), vec![(3, 25)], "{v}");
    assert_eq!(strip("crlf.sh"), strip("lf.sh"), "{v}");
    // End columns do not count the carriage return either.
    let ends = |p: &str| -> Vec<u64> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == p)
            .map(|f| f["end_column"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(ends("crlf.sh"), ends("lf.sh"));
    // The human frame shows no stray carriage return.
    let o = lint(dir.path(), &["--color", "never", "crlf.sh"]);
    assert!(!stdout(&o).contains('\r'), "{:?}", stdout(&o));
}

/// 10 MB on one line, the token at its very end. The default --max-filesize (8 MiB) skips it,
/// and says so, without scanning it. Scanning a long line is measured where it belongs, in a
/// release build: benches/worst-case.sh (8 MiB single lines of every detector's worst case).
#[test]
fn ten_megabyte_single_line_is_skipped_by_default() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "huge.env",
        long_line(10 * 1024 * 1024).as_bytes(),
    );
    let (o, took) = lint_within(
        dir.path(),
        &["--verbose", "--format", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&json(&o)).is_empty());
    assert!(
        stderr(&o).contains("huge.env") && stderr(&o).contains("size limit"),
        "{}",
        stderr(&o)
    );
    assert!(took < Duration::from_secs(10), "skipping took {took:?}");
}

/// `filler` repeated to at least `len` bytes on one line, then the secret line.
fn long_line(len: usize) -> String {
    let mut line = String::with_capacity(len + 300);
    let filler = "data=aGVsbG8gd29ybGQ; ";
    while line.len() < len {
        line.push_str(filler);
    }
    line.push_str(&secret_line());
    line.push('\n');
    line
}

/// A long single line over a lowered --max-filesize is skipped; raised above its size, the
/// file is scanned, the token at its very end is found at the right column, and the human
/// report does not print the whole line. (1 MiB keeps the debug-build test quick; the 8 MiB
/// case runs in benches/worst-case.sh.)
#[test]
fn long_single_line_over_and_under_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let line = long_line(1024 * 1024);
    write(dir.path(), "huge.env", line.as_bytes());

    let (o, _) = lint_within(
        dir.path(),
        &["--max-filesize", "500000", "--format", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&json(&o)).is_empty());

    let (o, took) = lint_within(
        dir.path(),
        &["--max-filesize", "2000000", "--format", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Byte columns and character columns agree: the line is ASCII. The token follows
    // `JIRA_API_TOKEN=` (15 characters); `line` ends with a newline.
    let col = (line.len() - 1 - secret_line().len()) as u64 + 16;
    assert_eq!(at102_at(&json(&o), "huge.env"), vec![(1, col)]);
    assert!(took < Duration::from_secs(30), "scanning took {took:?}");
    let (o, _) = lint_within(
        dir.path(),
        &["--max-filesize", "2000000", "--color", "never"],
        Duration::from_secs(60),
    );
    assert!(
        o.stdout.len() < 64 * 1024,
        "{} bytes of report",
        o.stdout.len()
    );
}

#[test]
fn empty_file_and_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.sh", b"");
    std::fs::create_dir(dir.path().join("nothing")).unwrap();
    for args in [
        &["--format", "json"][..],
        &["empty.sh"][..],
        &["nothing"][..],
    ] {
        let o = lint(dir.path(), args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn deep_folder_tree() {
    let dir = tempfile::tempdir().unwrap();
    let mut rel = String::new();
    for i in 0..200 {
        rel.push_str(&format!("d{}/", i % 10));
    }
    write(
        dir.path(),
        &format!("{rel}deep.env"),
        secret_line().as_bytes(),
    );
    let o = lint(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        at102_at(&json(&o), &format!("{rel}deep.env")),
        vec![(1, 16)]
    );
}

#[test]
fn symlink_loops_finish() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "real/app.env", secret_line().as_bytes());
    symlink(".", d.join("real/self")).unwrap();
    symlink("../real", d.join("real/up")).unwrap();
    symlink("b", d.join("a")).unwrap();
    symlink("a", d.join("b")).unwrap();
    symlink("missing-target", d.join("dangling")).unwrap();
    let o = lint(d, &["--format", "json", "--verbose"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Found once, not once per path through the loop.
    assert_eq!(at102_at(&json(&o), "real/app.env"), vec![(1, 16)]);
    assert_eq!(findings(&json(&o)).len(), 1, "{}", stdout(&o));
    // Named explicitly, the looping link is an error for that path, not a hang.
    let o = lint(d, &["a", "real"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains('a'), "{}", stderr(&o));
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn fifo_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.env", secret_line().as_bytes());
    if !mkfifo(&dir.path().join("pipe.env")) {
        eprintln!("mkfifo unavailable: skipped");
        return;
    }
    // Discovered by the walk.
    let (o, _) = lint_within(
        dir.path(),
        &["--verbose", "--format", "json"],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(at102_at(&json(&o), "app.env"), vec![(1, 16)]);
    assert!(
        stderr(&o).contains("pipe.env") && stderr(&o).contains("not a regular file"),
        "{}",
        stderr(&o)
    );
    // Named explicitly.
    let (o, _) = lint_within(
        dir.path(),
        &["--verbose", "pipe.env"],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

#[test]
fn unreadable_file_is_an_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.env", secret_line().as_bytes());
    write(dir.path(), "locked.env", secret_line().as_bytes());
    let locked = dir.path().join("locked.env");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): permissions do not apply.
        eprintln!("file permissions are not enforced for this user: skipped");
        return;
    }
    let o = lint(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("locked.env"), "{}", stderr(&o));
    // The readable file was still scanned and reported.
    assert_eq!(at102_at(&json(&o), "ok.env"), vec![(1, 16)]);
}

#[test]
fn path_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.env", secret_line().as_bytes());
    let o = lint(
        dir.path(),
        &["no/such/file.sh", "ok.env", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no/such/file.sh"), "{}", stderr(&o));
    assert_eq!(at102_at(&json(&o), "ok.env"), vec![(1, 16)]);
}

#[test]
fn malformed_config_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.env", secret_line().as_bytes());
    write(
        dir.path(),
        ".atlcheck.toml",
        b"# atlcheck\nselect = [\"AT1\"]\nignore = [\"AT302\",\n  fail-on = \"error\"\n",
    );
    let o = lint(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains(".atlcheck.toml:4:"), "line named: {e}");
    // An unknown key: named with its position too.
    write(
        dir.path(),
        ".atlcheck.toml",
        b"select = [\"AT1\"]\n\n   fail_on = \"error\"\n",
    );
    let o = lint(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(".atlcheck.toml:3:4"), "{}", stderr(&o));
    // A config file that is not UTF-8.
    write(dir.path(), ".atlcheck.toml", b"select = [\"\xff\"]\n");
    let o = lint(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
