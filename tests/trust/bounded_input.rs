//! Every read is bounded and no special file can block a run (issue 12, class 4), and
//! configuration cannot silently switch the linter off (class 6). Each example of the issue is
//! a regression test here, run under a deadline: a hang fails the test instead of the suite.
#![cfg(unix)]
use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::atlcheck;

const DEADLINE: Duration = Duration::from_secs(20);

/// Run with a deadline; a run that outlives it is killed and fails the test.
fn run_within(cmd: Command, stdin: Stdio) -> Output {
    crate::common::output_within(cmd, stdin, DEADLINE).0
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn dev_zero() -> Stdio {
    Stdio::from(std::fs::File::open("/dev/zero").unwrap())
}

fn one_line_exit_2(what: &str, o: &Output) {
    assert_eq!(o.status.code(), Some(2), "{what}: {}", err(o));
    let e = err(o);
    assert!(
        !e.contains("panicked") && !e.contains("backtrace"),
        "{what}: {e}"
    );
}

#[test]
fn lint_stdin_honours_max_filesize() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_within(atlcheck(dir.path(), &["lint", "-"]), dev_zero());
    one_line_exit_2("lint - </dev/zero", &o);
    assert!(err(&o).contains("size limit"), "{}", err(&o));
    assert_eq!(err(&o).trim_end().lines().count(), 1);
    // Under the limit it is scanned.
    let small = dir.path().join("small.sh");
    std::fs::write(
        &small,
        "curl https://acme.atlassian.net/rest/api/3/myself\n",
    )
    .unwrap();
    let o = run_within(
        atlcheck(dir.path(), &["lint", "-", "--format", "concise"]),
        Stdio::from(std::fs::File::open(&small).unwrap()),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
}

#[test]
fn special_ignore_files_never_hang_or_exhaust_the_walk() {
    for (name, how) in [
        ("gitignore -> /dev/zero", 0),
        ("gitignore FIFO", 1),
        ("nested gitignore FIFO", 2),
        ("ignore -> /dev/zero", 3),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("repo");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(
            dir.join("a.sh"),
            "curl https://acme.atlassian.net/rest/api/3/myself\n",
        )
        .unwrap();
        match how {
            0 => std::os::unix::fs::symlink("/dev/zero", dir.join(".gitignore")).unwrap(),
            1 => mkfifo(&dir.join(".gitignore")),
            2 => mkfifo(&dir.join("sub/.gitignore")),
            _ => std::os::unix::fs::symlink("/dev/zero", dir.join("sub/.ignore")).unwrap(),
        }
        let o = run_within(
            atlcheck(&dir, &["lint", ".", "--format", "concise"]),
            Stdio::null(),
        );
        one_line_exit_2(name, &o);
        assert!(err(&o).contains("ignore"), "{name}: {}", err(&o));
        if how >= 2 {
            // The rest of the tree was scanned.
            assert!(
                String::from_utf8_lossy(&o.stdout).contains("a.sh"),
                "{name}"
            );
        }
        // --no-ignore reads no ignore file at all.
        let o = run_within(
            atlcheck(&dir, &["lint", ".", "--no-ignore", "--format", "concise"]),
            Stdio::null(),
        );
        assert_eq!(o.status.code(), Some(1), "{name} --no-ignore: {}", err(&o));
    }
}

#[test]
fn fifo_baselines_and_configuration_are_errors_not_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("a.sh"),
        "curl https://acme.atlassian.net/rest/api/3/myself\n",
    )
    .unwrap();
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();
    for args in [
        vec!["lint", "a.sh", "--baseline", f],
        vec!["lint", "a.sh", "--write-baseline", f],
        vec!["lint", "a.sh", "--config", f],
        vec!["lint", "a.sh", "--output-file", f],
        vec!["lint", "a.sh", "--baseline", "/dev/zero"],
        vec!["lint", "a.sh", "--config", "/dev/zero"],
    ] {
        let o = run_within(atlcheck(dir, &args), Stdio::null());
        one_line_exit_2(&args.join(" "), &o);
    }
}

#[test]
fn doctor_secret_inputs_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let url = "https://acme.atlassian.net/rest/api/3/myself";
    let mut cmd = atlcheck(
        tmp.path(),
        &[
            "doctor",
            "--offline",
            "--token-stdin",
            "--email",
            "j@acme.com",
            url,
        ],
    );
    cmd.env("NETRC", "/nonexistent");
    let o = run_within(cmd, dev_zero());
    one_line_exit_2("--token-stdin </dev/zero", &o);
    // NETRC naming a FIFO (or /dev/zero) never blocks even --offline.
    let fifo = tmp.path().join("netrc");
    mkfifo(&fifo);
    for netrc in [fifo.to_str().unwrap(), "/dev/zero"] {
        let mut cmd = atlcheck(tmp.path(), &["doctor", "--offline", url]);
        cmd.env("NETRC", netrc)
            .env("ATLASSIAN_EMAIL", "j@acme.com")
            .env_remove("ATLASSIAN_API_TOKEN");
        let o = run_within(cmd, Stdio::null());
        assert!(o.status.code().is_some(), "{netrc}");
        assert!(!err(&o).contains("panicked"), "{}", err(&o));
    }
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .output()
        .unwrap();
    assert!(ok.status.success(), "git {args:?}: {ok:?}");
}

#[test]
fn staged_reads_sizes_first_and_reports_conflicts_and_empty_pathspecs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("big.sh"), "x".repeat(3 * 1024 * 1024)).unwrap();
    std::fs::write(
        dir.join("a.sh"),
        "curl https://acme.atlassian.net/rest/api/3/myself\n",
    )
    .unwrap();
    git(dir, &["add", "."]);
    let o = run_within(
        atlcheck(
            dir,
            &[
                "lint",
                "--staged",
                "--max-filesize",
                "1048576",
                "--verbose",
                "--format",
                "concise",
            ],
        ),
        Stdio::null(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("big.sh"),
        "the large blob is reported: {}",
        err(&o)
    );
    // A pathspec that matches nothing staged says so.
    let o = run_within(
        atlcheck(dir, &["lint", "--staged", "nothing-here.sh"]),
        Stdio::null(),
    );
    assert!(err(&o).contains("nothing staged matches"), "{}", err(&o));
    // An index with unmerged entries says so and fails.
    git(dir, &["commit", "-q", "-m", "base"]);
    git(dir, &["checkout", "-q", "-b", "other"]);
    std::fs::write(dir.join("a.sh"), "echo other\n").unwrap();
    git(dir, &["commit", "-q", "-am", "other"]);
    git(dir, &["checkout", "-q", "main"]);
    std::fs::write(dir.join("a.sh"), "echo main\n").unwrap();
    git(dir, &["commit", "-q", "-am", "main"]);
    let _ = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "merge",
            "other",
        ])
        .output();
    let o = run_within(atlcheck(dir, &["lint", "--staged"]), Stdio::null());
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("unmerged"), "{}", err(&o));
}

#[test]
fn configuration_discovery_stops_and_exclusion_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    // A stray configuration in a shared parent folder silences nothing.
    std::fs::write(tmp.path().join(".atlcheck.toml"), "exclude = [\"**\"]\n").unwrap();
    let dir = tmp.path().join("work");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.sh"),
        "curl https://acme.atlassian.net/rest/api/3/myself\n",
    )
    .unwrap();
    let o = run_within(atlcheck(&dir, &["lint", ".", "--verbose"]), Stdio::null());
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("configuration: none found"), "{}", err(&o));
    // Its own configuration is named by --verbose, and excluding everything is reported.
    std::fs::write(dir.join(".atlcheck.toml"), "exclude = [\"**\"]\n").unwrap();
    let o = run_within(atlcheck(&dir, &["lint", ".", "--verbose"]), Stdio::null());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains(".atlcheck.toml"), "{}", err(&o));
    assert!(err(&o).contains("every path was excluded"), "{}", err(&o));
}
