//! `--staged`: lint exactly what the next commit will contain.
//!
//! The content comes from the git index, not the working tree: a file staged with a secret and
//! then cleaned in the working tree (or the other way round) is judged by what is committed.
//! Two git processes, whatever the number of files:
//!
//! 1. `git diff --cached --raw -z --no-abbrev --no-renames --diff-filter=ACMR [-- PATHSPEC...]`
//!    lists the added, copied, modified and renamed files with the object ID of their staged
//!    blob (deleted files have nothing to lint);
//! 2. `git cat-file --batch-check` gives every blob's size first, so a blob over
//!    `--max-filesize` is skipped without being read;
//! 3. `git cat-file --batch` reads the other blobs through one pipe.
//!
//! Unmerged (conflicted) index entries are not linted and make the run an error that names
//! them; pathspecs that match nothing staged are reported.
//!
//! Symbolic links and submodules are not files and are skipped. The configuration's `exclude`
//! globs apply (staged files are discovered, not named); `.gitignore` does not (a tracked file
//! is linted even if it matches an ignore pattern, as git itself commits it).
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::walk::{self, SkipReason, WalkOptions};
use super::{FileKind, LintResult, Linter};

pub use super::walk::is_excluded as excluded;

fn git_error(what: &str, output: &std::process::Output) -> anyhow::Error {
    let stderr = String::from_utf8_lossy(&output.stderr);
    anyhow::anyhow!(
        "--staged: `git {what}` failed: {}",
        stderr.trim().lines().next().unwrap_or("no output")
    )
}

/// A staged file: its path (relative to the repository root) and blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    pub path: String,
    pub oid: String,
}

/// Parse `git diff --raw -z --no-renames` output.
pub fn parse_raw(out: &[u8]) -> Vec<StagedFile> {
    let mut files = Vec::new();
    let mut fields = out.split(|&b| b == 0);
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            continue;
        }
        let Some(mut path) = fields.next() else { break };
        let meta = String::from_utf8_lossy(meta);
        // :OLDMODE NEWMODE OLDOID NEWOID STATUS
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        if parts.len() < 5 {
            continue;
        }
        let status = parts[4].chars().next().unwrap_or('?');
        if status == 'R' || status == 'C' {
            // SOURCE then DESTINATION: the staged content is the destination's.
            let Some(dst) = fields.next() else { break };
            path = dst;
        }
        // Regular files only: 120000 is a symbolic link, 160000 a submodule.
        if !matches!(parts[1], "100644" | "100755") {
            continue;
        }
        files.push(StagedFile {
            path: String::from_utf8_lossy(path).into_owned(),
            oid: parts[3].to_string(),
        });
    }
    files
}

/// The staged files under `pathspecs` (all when empty), relative to the repository root,
/// and that root.
pub fn list(pathspecs: &[PathBuf]) -> anyhow::Result<(PathBuf, Vec<StagedFile>)> {
    let top = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| anyhow::anyhow!("--staged needs git: {e}"))?;
    if !top.status.success() {
        return Err(git_error("rev-parse --show-toplevel", &top));
    }
    let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim_end_matches('\n'));
    let mut cmd = Command::new("git");
    cmd.args([
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--no-ext-diff",
        "--diff-filter=ACMR",
        "--",
    ]);
    cmd.args(pathspecs);
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| anyhow::anyhow!("--staged needs git: {e}"))?;
    if !out.status.success() {
        return Err(git_error("diff --cached", &out));
    }
    Ok((root, parse_raw(&out.stdout)))
}

/// Ask one `git cat-file` process (`--batch-check` or `--batch`) about every object, feeding the
/// requests from another thread (git answers while we ask, and both pipes are bounded).
fn cat_file(
    mode: &str,
    oids: &[&str],
) -> anyhow::Result<(
    std::process::Child,
    BufReader<std::process::ChildStdout>,
    std::thread::JoinHandle<std::io::Result<()>>,
)> {
    let mut child = Command::new("git")
        .args(["cat-file", mode])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("--staged needs git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let requests: String = oids.iter().map(|o| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    Ok((child, reader, writer))
}

/// The size of every blob, from `git cat-file --batch-check` (nothing is read).
fn blob_sizes(files: &[StagedFile]) -> anyhow::Result<Vec<u64>> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<&str> = files.iter().map(|f| f.oid.as_str()).collect();
    let (mut child, mut reader, writer) = cat_file("--batch-check", &oids)?;
    let mut sizes = Vec::with_capacity(files.len());
    let mut header = String::new();
    for file in files {
        header.clear();
        (&mut reader).take(4096).read_line(&mut header)?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<u64>().ok(),
            _ => None,
        }
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--staged: git cat-file gave `{}` for {}",
                crate::secret::safe_text(header.trim()),
                crate::secret::safe_text(&file.path)
            )
        })?;
        sizes.push(size);
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("--staged: writer thread panicked"))??;
    let status = child.wait()?;
    if !status.success() {
        anyhow::bail!("--staged: git cat-file --batch-check failed ({status})");
    }
    Ok(sizes)
}

/// Unmerged (conflicted) paths in the index under `pathspecs`.
fn unmerged(pathspecs: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let out = Command::new("git")
        .args(["ls-files", "--unmerged", "-z", "--"])
        .args(pathspecs)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| anyhow::anyhow!("--staged needs git: {e}"))?;
    if !out.status.success() {
        return Err(git_error("ls-files --unmerged", &out));
    }
    // MODE OID STAGE\tPATH, one per stage.
    let mut paths: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .filter_map(|rec| {
            let tab = rec.iter().position(|&b| b == b'\t')?;
            Some(String::from_utf8_lossy(&rec[tab + 1..]).into_owned())
        })
        .collect();
    paths.dedup();
    Ok(paths)
}

/// Read every blob (all within the size cap) with one `git cat-file --batch`, calling `each`
/// with its content.
fn read_blobs(
    files: &[StagedFile],
    max_size: u64,
    mut each: impl FnMut(&StagedFile, Vec<u8>),
) -> anyhow::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let oids: Vec<&str> = files.iter().map(|f| f.oid.as_str()).collect();
    let (mut child, mut reader, writer) = cat_file("--batch", &oids)?;
    let mut header = String::new();
    for file in files {
        header.clear();
        (&mut reader).take(4096).read_line(&mut header)?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<usize>().ok(),
            _ => None,
        }
        .filter(|&n| n as u64 <= max_size)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--staged: git cat-file gave `{}` for {}",
                crate::secret::safe_text(header.trim()),
                crate::secret::safe_text(&file.path)
            )
        })?;
        let mut content = vec![0; size];
        reader.read_exact(&mut content)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        each(file, content);
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("--staged: writer thread panicked"))??;
    let status = child.wait()?;
    if !status.success() {
        anyhow::bail!("--staged: git cat-file --batch failed ({status})");
    }
    Ok(())
}

/// Lint the staged content of the files under `pathspecs`. Also returns the display paths
/// linted, so that a baseline knows which of its entries this run covers.
pub fn run(
    linter: &Linter,
    pathspecs: &[PathBuf],
    opts: &WalkOptions,
) -> anyhow::Result<(LintResult, Vec<String>)> {
    let (root, files) = list(pathspecs)?;
    let mut result = LintResult::default();
    let mut displays = Vec::new();
    for path in unmerged(pathspecs)? {
        result.errors.push((
            crate::secret::safe_text(&walk::display_path(&root.join(&path))),
            "unmerged (conflicted) in the index: not linted; resolve the conflict and stage the file"
                .to_string(),
        ));
    }
    if !pathspecs.is_empty() && files.is_empty() && result.errors.is_empty() {
        let named: Vec<String> = pathspecs
            .iter()
            .map(|p| crate::secret::safe_text(&p.display().to_string()))
            .collect();
        crate::errln!(
            "atlcheck: warning: --staged: nothing staged matches {} (a path with no staged change, or a typo?)",
            named.join(", ")
        );
    }
    let files: Vec<StagedFile> = files
        .into_iter()
        .filter(|f| {
            opts.exclude
                .as_ref()
                .is_none_or(|set| !excluded(&root.join(&f.path), set, &opts.exclude_root))
        })
        .collect();
    // Sizes first: a blob over the limit is never read.
    let sizes = blob_sizes(&files)?;
    let (small, large): (Vec<_>, Vec<_>) = files
        .into_iter()
        .zip(sizes)
        .partition(|(_, size)| *size <= opts.max_filesize);
    for (file, size) in large {
        let display = crate::secret::safe_text(&walk::display_path(&root.join(&file.path)));
        displays.push(display.clone());
        result
            .skipped
            .push((display, SkipReason::TooLarge(size).to_string()));
    }
    let files: Vec<StagedFile> = small.into_iter().map(|(f, _)| f).collect();
    read_blobs(&files, opts.max_filesize, |file, bytes| {
        let display = walk::display_path(&root.join(&file.path));
        displays.push(display.clone());
        crate::output::progress::tick();
        if bytes.len() as u64 > opts.max_filesize {
            result.skipped.push((
                display,
                SkipReason::TooLarge(bytes.len() as u64).to_string(),
            ));
            return;
        }
        let Some(text) = walk::decode(&bytes) else {
            result
                .skipped
                .push((display, SkipReason::Binary.to_string()));
            return;
        };
        let kind = FileKind::detect(Path::new(&display), text.split('\n').next().unwrap_or(""));
        let report = linter.lint_text(&display, kind, &text);
        result.files_scanned += 1;
        result.findings.extend(report.findings);
        result.notes.extend(report.notes);
        result.suppressed += report.suppressed;
    })?;
    result.sort();
    Ok((result, displays))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_relative_to_the_config_folder() {
        let mut b = globset::GlobSetBuilder::new();
        b.add(globset::Glob::new("vendor").unwrap());
        let set = b.build().unwrap();
        for root in ["", ".", "./"] {
            assert!(
                excluded(Path::new("vendor/lib.sh"), &set, Path::new(root)),
                "{root:?}"
            );
            assert!(
                !excluded(Path::new("src/lib.sh"), &set, Path::new(root)),
                "{root:?}"
            );
        }
        let cwd = std::env::current_dir().unwrap();
        assert!(excluded(&cwd.join("vendor/a/b.sh"), &set, &cwd));
        assert!(!excluded(&cwd.join("x/vendor.sh"), &set, &cwd));
    }

    #[test]
    fn parses_raw_diff() {
        let z = "0000000000000000000000000000000000000000";
        let a = "1111111111111111111111111111111111111111";
        let raw = format!(
            ":000000 100644 {z} {a} A\0new file.sh\0:100644 100755 {a} {a} M\0run.sh\0:000000 120000 {z} {a} A\0link\0:000000 160000 {z} {a} A\0sub\0:100644 100644 {a} {a} R087\0old.sh\0new.sh\0"
        );
        let files = parse_raw(raw.as_bytes());
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["new file.sh", "run.sh", "new.sh"]);
        assert!(files.iter().all(|f| f.oid == a));
    }
}
