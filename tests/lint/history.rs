//! `atlcheck lint --history` on scratch git repositories built here, commit by commit: a
//! secret added then deleted, renamed, on a side branch, only in a tag, in a merge, in a
//! binary blob, in a large blob, and in many commits.
use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{run, stderr, stdout};
use serde_json::Value;

/// A structurally valid, CRC-correct fake API token, different for every seed.
fn token(seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let body: String = (0..170)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            alphabet[(x >> 33) as usize % alphabet.len()] as char
        })
        .collect();
    atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{body}="))
}

struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn git_at(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("repo");
        std::fs::create_dir(&path).unwrap();
        git_at(&path, &["init", "-q", "-b", "main"]);
        Repo { _dir: dir, path }
    }
    fn git(&self, args: &[&str]) -> String {
        git_at(&self.path, args)
    }
    fn write(&self, file: &str, content: impl AsRef<[u8]>) {
        let p = self.path.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    /// Stage everything and commit; returns the commit ID.
    fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }
    fn lint(&self, extra: &[&str]) -> Output {
        let mut args = vec!["lint", "--history", "--isolated", "--format", "json"];
        args.extend_from_slice(extra);
        run(&self.path, &args)
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)))
}

fn findings(out: &Output) -> Vec<Value> {
    json(out)["findings"].as_array().unwrap().clone()
}

/// Nothing atlcheck printed carries a whole secret.
fn assert_masked(out: &Output, secrets: &[&str]) {
    for s in secrets {
        assert!(!stdout(out).contains(s), "secret in stdout");
        assert!(!stderr(out).contains(s), "secret in stderr");
    }
}

#[test]
fn secret_added_then_deleted_is_found_at_the_commit_that_added_it() {
    let r = Repo::new();
    let t = token(1);
    r.write("README.md", "# demo\n");
    r.commit("init");
    r.write("deploy/sync.sh", format!("export JIRA_API_TOKEN={t}\n"));
    let added = r.commit("add sync");
    r.git(&["rm", "-q", "deploy/sync.sh"]);
    r.commit("remove the token");
    let out = r.lint(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_masked(&out, &[&t]);
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["rule"], "AT102");
    assert_eq!(f[0]["path"], "deploy/sync.sh");
    assert_eq!(f[0]["line"], 1);
    assert_eq!(f[0]["column"], 23);
    assert_eq!(f[0]["commit"], added.as_str());
    assert_eq!(f[0]["in_head"], false);
    assert_eq!(f[0]["paths"], serde_json::json!([]));
    let msg = f[0]["message"].as_str().unwrap();
    assert!(msg.contains(&added), "{msg}");
    assert!(msg.contains("no longer in HEAD"), "{msg}");
    assert!(
        f[0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("revoke or rotate")
    );
    let doc = json(&out);
    assert_eq!(doc["summary"]["history"]["commits"], 3);
    assert_eq!(doc["summary"]["history"]["shallow"], false);

    // The working-tree lint finds nothing: that is the point of --history.
    let tree = run(&r.path, &["lint", "--isolated", "--format", "json"]);
    assert_eq!(tree.status.code(), Some(0), "{}", stdout(&tree));
    // --exit-zero keeps the report and exits 0.
    let zero = r.lint(&["--exit-zero"]);
    assert_eq!(zero.status.code(), Some(0));
    assert_eq!(findings(&zero).len(), 1);
}

#[test]
fn renamed_file_is_one_finding_with_the_new_path_listed() {
    let r = Repo::new();
    let t = token(2);
    r.write(
        "a.sh",
        format!("curl -u bot@example.com:{t} https://acme.atlassian.net/rest/api/3/myself\n"),
    );
    let first = r.commit("a");
    r.git(&["mv", "a.sh", "b.sh"]);
    r.commit("rename");
    let out = r.lint(&[]);
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["path"], "a.sh");
    assert_eq!(f[0]["commit"], first.as_str());
    assert_eq!(f[0]["in_head"], true);
    assert_eq!(f[0]["paths"], serde_json::json!(["b.sh"]));
    assert!(f[0]["message"].as_str().unwrap().contains("still in HEAD"));
}

#[test]
fn side_branch_and_tag_only_commits_are_scanned() {
    let r = Repo::new();
    let (t1, t2) = (token(3), token(4));
    r.write("README.md", "# demo\n");
    r.commit("init");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("ci/jira.env", format!("JIRA_API_TOKEN={t1}\n"));
    let on_side = r.commit("side");
    r.git(&["checkout", "-q", "main"]);
    // A commit reachable only through a tag.
    r.git(&["checkout", "-q", "--detach"]);
    r.write("release.env", format!("ATLASSIAN_API_TOKEN=\"{t2}\"\n"));
    let tagged = r.commit("release");
    r.git(&["tag", "-a", "v1", "-m", "v1"]);
    r.git(&["checkout", "-q", "main"]);
    let out = r.lint(&[]);
    assert_masked(&out, &[&t1, &t2]);
    let f = findings(&out);
    assert_eq!(f.len(), 2, "{f:#?}");
    let by_path = |p: &str| f.iter().find(|x| x["path"] == p).unwrap().clone();
    assert_eq!(by_path("ci/jira.env")["commit"], on_side.as_str());
    assert_eq!(by_path("ci/jira.env")["in_head"], false);
    assert_eq!(by_path("release.env")["commit"], tagged.as_str());
    assert_eq!(by_path("release.env")["in_head"], false);
}

#[test]
fn a_secret_written_while_resolving_a_merge_belongs_to_the_merge() {
    let r = Repo::new();
    let t = token(5);
    r.write("conf.ini", "[jira]\nurl = https://api.atlassian.com\n");
    r.commit("init");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write(
        "conf.ini",
        "[jira]\nurl = https://api.atlassian.com/ex/jira\n",
    );
    r.commit("side");
    r.git(&["checkout", "-q", "main"]);
    r.write("conf.ini", "[jira]\nurl = https://api.atlassian.com/ex\n");
    r.commit("main");
    let merge = Command::new("git")
        .current_dir(&r.path)
        .args(["merge", "-q", "side"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge conflicts");
    r.write(
        "conf.ini",
        format!("[jira]\nurl = https://api.atlassian.com/ex/jira\ntoken = {t}\n"),
    );
    let merged = r.commit("merge side");
    assert_eq!(
        r.git(&["rev-list", "--parents", "-n1", "HEAD"])
            .split(' ')
            .count(),
        3,
        "a merge commit"
    );
    let f = findings(&r.lint(&[]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["commit"], merged.as_str());
    assert_eq!(f[0]["line"], 3);
    assert_eq!(f[0]["in_head"], true);
}

#[test]
fn binary_and_large_blobs_are_skipped() {
    let r = Repo::new();
    let (t1, t2) = (token(6), token(7));
    let mut bin = b"\x89PNG\r\n\x1a\n\0\0\0".to_vec();
    bin.extend_from_slice(format!("JIRA_API_TOKEN={t1}\n").as_bytes());
    r.write("logo.png", bin);
    let mut big = format!("JIRA_API_TOKEN={t2}\n");
    big.push_str(&"# padding\n".repeat(300));
    r.write("big.sh", big);
    r.commit("assets");
    let out = r.lint(&["--max-filesize", "2000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["findings"], serde_json::json!([]));
    let skipped = doc["skipped"].as_array().unwrap();
    let reason = |p: &str| {
        skipped
            .iter()
            .find(|s| s["path"].as_str().unwrap().starts_with(p))
            .unwrap_or_else(|| panic!("{p} not skipped: {skipped:#?}"))["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason("logo.png@").contains("binary"));
    assert!(
        reason("big.sh@").contains("size limit"),
        "{}",
        reason("big.sh@")
    );
    // Without the size limit the large blob is read and its secret found.
    let f = findings(&r.lint(&[]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "big.sh");
}

#[test]
fn a_secret_in_many_commits_is_reported_once_with_the_first_commit() {
    let r = Repo::new();
    let t = token(8);
    r.write("README.md", "# demo\n");
    r.commit("init");
    r.write("jira.env", format!("JIRA_API_TOKEN={t}\n"));
    let first = r.commit("add");
    for i in 0..5 {
        r.write("notes.txt", format!("{i}\n"));
        r.commit(&format!("unrelated {i}"));
    }
    // The same blob copied elsewhere, then the file edited around the secret.
    r.write("copy/jira.env", format!("JIRA_API_TOKEN={t}\n"));
    r.commit("copy");
    r.write(
        "jira.env",
        format!("# moved\nJIRA_URL=https://api.atlassian.com\nJIRA_API_TOKEN={t}\n"),
    );
    r.commit("edit");
    let out = r.lint(&[]);
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["commit"], first.as_str());
    assert_eq!(f[0]["path"], "jira.env");
    assert_eq!(f[0]["line"], 1);
    assert_eq!(f[0]["paths"], serde_json::json!(["copy/jira.env"]));
    assert_eq!(json(&out)["summary"]["history"]["commits"], 9);
}

#[test]
fn range_limits_the_scan_to_what_the_commits_introduced() {
    let r = Repo::new();
    let (old, new) = (token(9), token(10));
    r.write("old.env", format!("JIRA_API_TOKEN={old}\n"));
    let base = r.commit("old");
    r.write("new.env", format!("JIRA_API_TOKEN={new}\n"));
    let added = r.commit("new");
    let range = format!("{base}..HEAD");
    let out = run(
        &r.path,
        &[
            "lint",
            "--isolated",
            "--format",
            "json",
            "--history-range",
            &range,
        ],
    );
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["path"], "new.env");
    assert_eq!(f[0]["commit"], added.as_str());
    assert_eq!(json(&out)["summary"]["history"]["range"], range.as_str());
    let bad = run(&r.path, &["lint", "--history-range", "--output=x"]);
    assert_eq!(bad.status.code(), Some(2));
    let unknown = run(&r.path, &["lint", "--history-range", "nosuchbranch..HEAD"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("--history-range"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn baselines_keep_accepting_a_secret_that_moves() {
    let r = Repo::new();
    let t = token(11);
    r.write("a.env", format!("JIRA_API_TOKEN={t}\n"));
    r.commit("a");
    let base = r.path.join("../history.baseline");
    let base = base.to_str().unwrap();
    let w = r.lint(&["--write-baseline", base]);
    assert_eq!(w.status.code(), Some(0), "{}", stderr(&w));
    assert!(!std::fs::read_to_string(base).unwrap().contains(&t));
    // Moved and edited around: same secret, same fingerprint.
    r.git(&["rm", "-q", "a.env"]);
    r.write("deploy/b.env", format!("# x\nJIRA_API_TOKEN={t}\n"));
    r.commit("move");
    let b = r.lint(&["--baseline", base]);
    assert_eq!(b.status.code(), Some(0), "{}", stdout(&b));
    assert_eq!(json(&b)["baseline"]["matched"], 1);
    // A new secret is still reported.
    r.write("c.env", format!("JIRA_API_TOKEN={}\n", token(12)));
    r.commit("new");
    let c = r.lint(&["--baseline", base]);
    assert_eq!(c.status.code(), Some(1));
    assert_eq!(findings(&c).len(), 1);
}

#[test]
fn sarif_github_and_human_name_the_path_and_the_commit() {
    let r = Repo::new();
    let t = token(13);
    r.write("gone.sh", format!("JIRA_API_TOKEN={t}\n"));
    let c = r.commit("a");
    r.git(&["rm", "-q", "gone.sh"]);
    r.commit("b");
    for format in ["sarif", "github", "human", "concise", "junit"] {
        let out = run(
            &r.path,
            &["lint", "--history", "--isolated", "--format", format],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_masked(&out, &[&t]);
        let text = stdout(&out);
        assert!(text.contains("gone.sh"), "{format}: {text}");
        assert!(text.contains(&c), "{format}: {text}");
    }
}

#[test]
fn select_applies_and_non_secret_rules_are_not_run() {
    let r = Repo::new();
    r.write(
        "a.sh",
        format!(
            "curl -u me@example.com:{} https://acme.atlassian.net/rest/api/3/myself\n",
            token(14)
        ),
    );
    r.commit("a");
    let f = findings(&r.lint(&[]));
    let rules: Vec<&str> = f.iter().map(|x| x["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["AT102"], "AT101 and AT201 are not history rules");
    let none = r.lint(&["--select", "AT201"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("AT102"), "{}", stderr(&none));
    let only = r.lint(&["--select", "AT103"]);
    assert_eq!(only.status.code(), Some(0));
}

#[test]
fn usage_errors_and_non_repositories_exit_2() {
    let r = Repo::new();
    r.write("a.txt", "x\n");
    r.commit("a");
    for args in [
        &["lint", "--history", "--staged"][..],
        &["lint", "--history", "-"],
        &["lint", "--history", ".", "."],
    ] {
        let out = run(&r.path, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let plain = tempfile::tempdir().unwrap();
    let out = run(plain.path(), &["lint", "--history"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a git repository"),
        "{}",
        stderr(&out)
    );
    let out = run(plain.path(), &["lint", "--history", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
}

#[test]
fn a_shallow_clone_says_history_is_incomplete() {
    let r = Repo::new();
    let t = token(15);
    r.write("a.env", format!("JIRA_API_TOKEN={t}\n"));
    r.commit("a");
    r.git(&["rm", "-q", "a.env"]);
    r.commit("b");
    let clone = r.path.parent().unwrap().join("shallow");
    let url = format!("file://{}", r.path.display());
    git_at(
        r.path.parent().unwrap(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let out = run(
        &clone,
        &["lint", "--history", "--isolated", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
    assert_eq!(json(&out)["summary"]["history"]["shallow"], true);
    // Given the repository as PATH from elsewhere, the same.
    let out = run(
        r.path.parent().unwrap(),
        &["lint", "--history", "--isolated", "shallow"],
    );
    assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
}

#[test]
fn empty_bare_and_sha256_repositories() {
    // No commit at all: nothing to scan, exit 0.
    let empty = Repo::new();
    let out = empty.lint(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["summary"]["history"]["commits"], 0);

    // A bare mirror is scanned like its origin; SARIF carries the provenance as properties.
    let r = Repo::new();
    let t = token(16);
    r.write("a.env", format!("JIRA_API_TOKEN={t}\n"));
    let c = r.commit("a");
    let parent = r.path.parent().unwrap();
    git_at(parent, &["clone", "-q", "--mirror", "repo", "mirror.git"]);
    let out = run(
        parent,
        &[
            "lint",
            "--history",
            "--isolated",
            "--format",
            "sarif",
            "mirror.git",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["commit"], c.as_str());
    assert_eq!(result["properties"]["in_head"], true);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.env"
    );

    // SHA-256 object IDs: 64 hex digits.
    let dir = tempfile::tempdir().unwrap();
    git_at(
        dir.path(),
        &["init", "-q", "--object-format=sha256", "-b", "main", "s"],
    );
    let s = dir.path().join("s");
    std::fs::write(s.join("b.env"), format!("JIRA_API_TOKEN={}\n", token(17))).unwrap();
    git_at(&s, &["add", "-A"]);
    git_at(&s, &["commit", "-q", "-m", "b"]);
    let head = git_at(&s, &["rev-parse", "HEAD"]);
    assert_eq!(head.len(), 64);
    let out = run(&s, &["lint", "--history", "--isolated", "--format", "json"]);
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{}", stderr(&out));
    assert_eq!(f[0]["commit"], head.as_str());
}

#[test]
fn configuration_excludes_apply_and_paths_are_relative_to_the_repository() {
    let r = Repo::new();
    r.write(".atlcheck.toml", "exclude = [\"fixtures/**\"]\n");
    r.write(
        "fixtures/fake.env",
        format!("JIRA_API_TOKEN={}\n", token(18)),
    );
    r.write("app/real.env", format!("JIRA_API_TOKEN={}\n", token(19)));
    r.commit("a");
    for dir in [r.path.clone(), r.path.join("app")] {
        let out = run(&dir, &["lint", "--history", "--format", "json"]);
        let f = findings(&out);
        let paths: Vec<&str> = f.iter().map(|x| x["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["app/real.env"], "from {}", dir.display());
    }
}

/// What a run reports, without what depends on how the objects were stored.
fn report(out: &Output) -> (Value, Value, Value) {
    let doc = json(out);
    (
        doc["findings"].clone(),
        doc["skipped"].clone(),
        doc["summary"].clone(),
    )
}

#[test]
fn packed_objects_are_read_in_process_with_the_same_findings_as_loose_ones() {
    let r = Repo::new();
    let (t1, t2, t3) = (token(20), token(21), token(22));
    // Many versions of a few files, so that a repack stores most of them as deltas: the
    // token appears in version 5 of one file (a delta), is edited in place later (a delta
    // that copies the token's prefix), and a copy of it lands in another file.
    let mut lines: Vec<String> = (0..60)
        .map(|i| format!("line {i} of the sync script"))
        .collect();
    let mut commits = Vec::new();
    for v in 0..24 {
        lines[v * 2] = format!("changed in version {v}");
        if v == 5 {
            lines.insert(30, format!("export JIRA_API_TOKEN={t1}"));
        }
        if v == 15 {
            lines[30] = format!("export JIRA_API_TOKEN={t2}");
        }
        r.write("deploy/sync.sh", lines.join("\n") + "\n");
        r.write("docs/notes.md", format!("notes, version {v}\n").repeat(40));
        if v == 9 {
            r.write("copy/sync.sh", lines.join("\n") + "\n");
        }
        commits.push(r.commit(&format!("v{v}")));
    }
    let mut big = format!("JIRA_API_TOKEN={t3}\n");
    big.push_str(&"# padding\n".repeat(400));
    r.write("big.sh", big);
    r.write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0 ATATT3 binary");
    r.commit("assets");
    // A secret in a commit no ref reaches any more: a pack keeps it, the scan must not report it.
    let gone = token(24);
    r.write("gone.env", format!("JIRA_API_TOKEN={gone}\n"));
    r.commit("gone");
    r.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let args = ["--max-filesize", "3000", "--verbose"];
    let range = format!("{}..HEAD", commits[10]);
    let range_args = ["--history-range", range.as_str()];
    let loose = r.lint(&args);
    let loose_range = r.lint(&range_args);
    // t1 in the versions after commit 10, t2, t3.
    assert_eq!(findings(&loose_range).len(), 3, "{}", stdout(&loose_range));
    assert_eq!(loose.status.code(), Some(1), "{}", stderr(&loose));
    assert!(
        stderr(&loose).contains(" 0 objects read from pack files"),
        "{}",
        stderr(&loose)
    );
    let f = findings(&loose);
    assert_eq!(f.len(), 2, "{f:#?}");
    let at = |c: &str| {
        f.iter()
            .find(|x| x["commit"] == c)
            .expect("a finding there")
    };
    assert_eq!(at(&commits[5])["path"], "deploy/sync.sh");
    assert_eq!(
        at(&commits[5])["paths"],
        serde_json::json!(["copy/sync.sh"])
    );
    assert_eq!(at(&commits[15])["path"], "deploy/sync.sh");
    assert_eq!(at(&commits[15])["in_head"], true);

    // Everything in one pack, deltas as deep as git goes.
    r.git(&[
        "repack",
        "-a",
        "-d",
        "-f",
        "-k",
        "-q",
        "--window=50",
        "--depth=50",
    ]);
    let packed = r.lint(&args);
    assert!(
        stderr(&packed).contains("through git cat-file")
            && !stderr(&packed).contains("pack left to git"),
        "{}",
        stderr(&packed)
    );
    let from_packs = |out: &Output| -> usize {
        let err = stderr(out);
        let at = err.find(" objects read from pack files").expect("the note");
        err[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(from_packs(&packed) > 40, "{}", stderr(&packed));
    // No loose object is left, and the pack holds deltas (what the reader resolves).
    assert!(r.git(&["count-objects", "-v"]).contains("count: 0"));
    let idx = std::fs::read_dir(r.path.join(".git/objects/pack"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let verify = r.git(&["verify-pack", "-v", idx.to_str().unwrap()]);
    assert!(verify.contains("chain length = 2"), "{verify}");
    assert_eq!(report(&packed), report(&loose));
    assert_eq!(report(&r.lint(&range_args)), report(&loose_range));
    assert_masked(&packed, &[&t1, &t2, &t3, &gone]);
    // Scanning on several threads does not change what is reported, run after run.
    assert_eq!(report(&r.lint(&args)), report(&packed));

    // A pack plus loose objects written after it: both are read.
    r.write("late.env", format!("JIRA_API_TOKEN={}\n", token(23)));
    let late = r.commit("late");
    let mixed = r.lint(&args);
    let f = findings(&mixed);
    assert_eq!(f.len(), 3, "{f:#?}");
    assert!(f.iter().any(|x| x["commit"] == late.as_str()));
    assert!(
        !stderr(&mixed).contains(" 0 objects through git"),
        "{}",
        stderr(&mixed)
    );

    // A pack index of version 1 (git still reads those) is left to git, with the same result.
    r.git(&["-c", "pack.indexVersion=1", "repack", "-a", "-d", "-q"]);
    let old = r.lint(&args);
    assert!(
        stderr(&old).contains("pack left to git") && stderr(&old).contains("version 2"),
        "{}",
        stderr(&old)
    );
    assert_eq!(report(&old), report(&mixed));
}

/// The commits' trees are walked in-process from the packs and loose objects; where that
/// walk cannot read (a clone whose objects live in another repository's store, an index of
/// version 1), git lists the history instead, with the same findings; a range is always
/// listed by git.
#[test]
fn trees_are_walked_in_process_and_git_lists_what_the_walk_cannot_read() {
    let r = Repo::new();
    let (t1, t2, t3) = (token(30), token(31), token(32));
    r.write("app/config/jira.env", format!("JIRA_API_TOKEN={t1}\n"));
    r.write("app/main.py", "print('hi')\n");
    let first = r.commit("first");
    r.write("app/config/jira.env", "JIRA_API_TOKEN=from-the-vault\n");
    r.commit("remove it");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("deploy/ci/sync.sh", format!("export JIRA_API_TOKEN={t2}\n"));
    let side = r.commit("side");
    r.git(&["checkout", "-q", "main"]);
    r.write("app/main.py", "print('hello')\n");
    r.commit("main");
    r.git(&["merge", "-q", "--no-edit", "side"]);
    r.git(&["mv", "deploy", "ops"]);
    r.write("ops/ci/late.sh", format!("export JIRA_API_TOKEN={t3}\n"));
    let late = r.commit("rename the folder, add another");
    r.git(&["gc", "-q"]);
    let args = ["--verbose"];
    let walked = r.lint(&args);
    assert!(
        stderr(&walked).contains("commits listed by trees walked in-process"),
        "{}",
        stderr(&walked)
    );
    let f = findings(&walked);
    assert_eq!(f.len(), 3, "{f:#?}");
    let at = |c: &str| f.iter().find(|x| x["commit"] == c).expect("a finding");
    assert_eq!(at(&first)["path"], "app/config/jira.env");
    assert_eq!(at(&first)["in_head"], false);
    assert_eq!(at(&side)["path"], "deploy/ci/sync.sh");
    assert_eq!(at(&side)["paths"], serde_json::json!(["ops/ci/sync.sh"]));
    assert_eq!(at(&late)["path"], "ops/ci/late.sh");
    assert_masked(&walked, &[&t1, &t2, &t3]);

    // A clone that borrows the objects of the first (`--shared`: objects/info/alternates).
    let clone = r.path.parent().unwrap().join("clone");
    git_at(
        r.path.parent().unwrap(),
        &["clone", "-q", "--shared", "--no-checkout", "repo", "clone"],
    );
    let borrowed = run(
        &clone,
        &[
            "lint",
            "--history",
            "--isolated",
            "--format",
            "json",
            "--verbose",
        ],
    );
    assert!(
        stderr(&borrowed).contains("commits listed by git diff-tree (the in-process walk stopped"),
        "{}",
        stderr(&borrowed)
    );
    assert_eq!(report(&borrowed).0, report(&walked).0);

    let range = format!("{first}..HEAD");
    let ranged = r.lint(&["--verbose", "--history-range", &range]);
    assert!(
        stderr(&ranged).contains("commits listed by git diff-tree (a range)"),
        "{}",
        stderr(&ranged)
    );
    assert_eq!(findings(&ranged).len(), 2);
}

/// Whatever `lint` finds in a file, `--history` finds in the version that added it, for every
/// form the history gate must pass on: a legacy token glued to `--body`, a typed password in
/// an API token slot beside its user's email, `curl -a=`, `-u=` and `-u<tab>`, a URL's user
/// info, an encoded `"email:secret"` string, a login call not named for auth, a key written
/// with `ſ`. Each lands in the middle of a file whose first version is clean, so that after a
/// repack one version is a delta of the other and only what the delta changed is gated.
#[test]
fn history_finds_every_form_that_lint_finds_whole_or_as_a_delta() {
    let r = Repo::new();
    let forms: [(&str, &str); 9] = [
        (
            "body.sh",
            "JIRA_API_TOKEN --bodyAb3dEf6hIj9kLm2nOp5qRs8t\ncurl https://acme.atlassian.net\n",
        ),
        (
            "slot.yml",
            "jira:\n  email: jane@acmecorp.io\n  apiToken: \"Summer#2024b\"\n",
        ),
        (
            "a.sh",
            "curl -a=jane@acmecorp.io:Summer#2024c https://acme.atlassian.net/rest/api/3/myself\n",
        ),
        (
            "u.sh",
            "curl -u=jane@acmecorp.io:Summer#2024d https://acme.atlassian.net/rest/api/3/myself\n",
        ),
        (
            "tab.sh",
            "curl -u\tjane@acmecorp.io:Summer#2024e https://acme.atlassian.net/rest/api/3/myself\n",
        ),
        (
            "inline.py",
            "requests.get(\"https://jane@acmecorp.io:Summer#2024f@acme.atlassian.net/rest/api/3/myself\")\n",
        ),
        (
            "encode.py",
            "x = encode(\"jane@acmecorp.io:Summer#2024g\")\nrequests.get(\"https://acme.atlassian.net/rest/api/3/myself\", headers={\"A\": x})\n",
        ),
        (
            "call.js",
            "const c = basicCreds(\"jane@acmecorp.io\", \"Summer#2024h\");\nfetch(\"https://acme.atlassian.net/rest/api/3/myself\");\n",
        ),
        (
            "long_s.env",
            "JIRA_URL=https://acme.atlassian.net\nJIRA_PA\u{17f}SWORD=Summer#2024i\nJIRA_USER=jane@acmecorp.io\n",
        ),
    ];
    // (Each password differs: one finding per distinct secret.)
    // Lines with nothing the gate looks for (the engine's keywords, `jira`, are there).
    let filler = |from: usize| -> String {
        (from..from + 40)
            .map(|i| format!("# step {i}: sync the jira project board and log the result\n"))
            .collect()
    };
    for (path, _) in forms {
        r.write(path, filler(0) + &filler(40));
    }
    r.commit("clean");
    let mut added = Vec::new();
    for (path, form) in forms {
        r.write(path, filler(0) + form + &filler(40));
        added.push((path, r.commit(path)));
    }
    r.git(&["repack", "-adfq"]);
    let history = r.lint(&[]);
    let plain = run(
        &r.path,
        &[
            "lint",
            "--isolated",
            "--format",
            "json",
            "--select",
            "AT102,AT103,AT104",
            ".",
        ],
    );
    let key = |f: &Value| {
        (
            f["rule"].as_str().unwrap().to_string(),
            f["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_string(),
            f["line"].as_u64().unwrap(),
        )
    };
    let mut want: Vec<_> = findings(&plain).iter().map(key).collect();
    let mut got: Vec<_> = findings(&history).iter().map(key).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{}", stdout(&history));
    for (path, commit) in &added {
        assert!(
            want.iter().any(|(_, p, _)| p == path),
            "{path}: lint finds nothing"
        );
        assert!(
            findings(&history)
                .iter()
                .filter(|f| f["path"] == *path)
                .all(|f| f["commit"] == commit.as_str()),
            "{path}: not at the commit that added it"
        );
    }
    assert!(
        stderr(&r.lint(&["--verbose"])).contains("read from pack files"),
        "the packs were read"
    );
}
