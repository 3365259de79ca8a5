//! `lint --history`: secrets that left the working tree but not the repository.
//!
//! Every blob reachable from any ref (or, with `--history-range`, every blob the range's commits
//! introduced) is read once and scanned with the lint engine, restricted to the secret rules
//! (AT102, AT103, AT104). Two things run side by side, whatever the size of the history:
//!
//! - what each blob holds: the pack files are read in-process ([`pack`]), one worker per
//!   core (at most [`pack::MAX_WORKERS`], for the memory promise: [`pack::worst_case`]),
//!   each delta tree walked once from its base, so every version is inflated once;
//!   for a whole-history scan every blob of the packs is read without waiting for the listing
//!   (what the listing does not name, an unreachable blob a pack still keeps, is dropped), for
//!   a range only the blobs the listing names. Blobs over `--max-filesize` are skipped without
//!   being inflated, binary blobs (a NUL byte in the first 8 KiB) after, and
//!   [`may_hold_secret`] spares the detectors the blobs that cannot hold a secret; a blob that
//!   needs the detectors needs its path, so it waits (a bounded amount of them) for the
//!   listing. The listed blobs no pack gave (loose objects, alternates, packs the reader
//!   leaves) go through `git cat-file --batch-check` (sizes) and `git cat-file --batch`;
//! - where and when each blob appeared: `git rev-list --topo-order --reverse --all` (parents
//!   before children) gives the commits, each with its tree and parents, and each commit's
//!   tree is compared in-process with its first parent's, the trees read from the packs
//!   ([`list_in_process`]: unchanged folders and folders already walked at the same path are
//!   skipped whole). Where that walk cannot read (an alternate object store, a pack the
//!   reader refuses), and for `--history-range`, git lists instead: `rev-list` into
//!   `git diff-tree --stdin -r -c --root --no-renames -z`, which prints, per commit, the blobs
//!   it introduced and where (for a merge, `-c` lists only what differs from every parent: a
//!   conflict resolution, not what a side branch brought, which its own commits introduced).
//!   Both give the same table: the first commit that holds a blob is where it first appeared
//!   in ancestry order; every path a blob has in any commit's tree is recorded, so the paths
//!   are complete too. Regular files only: symbolic links and submodules are not content,
//!   and a path the configuration's `exclude` matches does not count.
//!
//! Findings are grouped by rule and the SHA-256 of the secret's text: one finding per distinct
//! secret, at the blob, line and column where it first appeared, with the commit, whether
//! HEAD's tree still holds a blob carrying it (`git ls-tree -r HEAD`), and the other paths it
//! was seen at. The fingerprint is the rule plus that hash, so it does not depend on the
//! commit, the path or the line: an accepted secret stays accepted when it is moved or renamed.
//!
//! Git is run with lazy fetching off (`GIT_NO_LAZY_FETCH`): a partial clone's missing blobs are
//! reported as skipped, never downloaded. The repository's own configuration cannot run
//! commands here: these plumbing commands use no diff drivers, pagers or hooks.
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::walk::{self, SkipReason, WalkOptions};

mod pack;
use super::{Finding, LintResult, Linter};
use crate::catalogue::Code;

/// The rules `--history` runs: the ones that find secrets.
pub const RULES: &[Code] = &[Code::AT102, Code::AT103, Code::AT104];

/// Where a secret came from: the JSON fields SPEC fixes for `lint --history`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Provenance {
    /// The commit that first added it (40 or 64 hex digits).
    pub commit: String,
    /// Does HEAD's tree still hold it, at any path?
    pub in_head: bool,
    /// Every other path it was seen at, sorted.
    pub paths: Vec<String>,
}

/// What a history scan covered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Commits walked.
    pub commits: usize,
    /// Distinct blobs read and scanned.
    pub blobs: usize,
    /// The repository is a shallow clone: commits before its boundary were not scanned.
    pub shallow: bool,
    /// `--history-range`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// Objects read from pack files in-process, and objects left to `git cat-file` (for
    /// `--verbose`, not in the JSON).
    #[serde(skip)]
    pub from_packs: usize,
    #[serde(skip)]
    pub through_git: usize,
    /// Pack files the in-process reader left to git, with why (for `--verbose`).
    #[serde(skip)]
    pub pack_notes: Vec<String>,
    /// How the commits' trees were read (for `--verbose`): in-process, or through
    /// `git diff-tree` and why.
    #[serde(skip)]
    pub listing: String,
}

/// What to scan.
pub struct Options<'a> {
    /// A folder inside the repository (`.` by default).
    pub repo: &'a Path,
    /// The folder was named on the command line: git's environment (`GIT_DIR`, set inside
    /// hooks) must not redirect it elsewhere.
    pub explicit: bool,
    /// `--history-range`: revisions as `git rev-list` takes them (`origin/main..HEAD`).
    pub range: Option<&'a str>,
    pub walk: &'a WalkOptions,
}

/// A binary object ID; SHA-1 ids use the first 20 bytes.
type Oid = [u8; 32];

fn parse_oid(hex: &[u8]) -> Option<Oid> {
    if hex.len() != 40 && hex.len() != 64 {
        return None;
    }
    let mut oid = [0u8; 32];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        oid[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(oid)
}

fn hex(oid: &Oid, len: usize) -> String {
    oid[..len / 2].iter().map(|b| format!("{b:02x}")).collect()
}

/// A repository to run git in.
struct Repo {
    dir: PathBuf,
    explicit: bool,
    /// Hex digits of an object ID: 40 (SHA-1) or 64 (SHA-256).
    hex_len: usize,
    /// The work tree's top folder (none for a bare repository): excludes are judged there.
    top: Option<PathBuf>,
    shallow: bool,
    /// The object folder, whose packs are read in-process ([`pack`]).
    objects: Option<PathBuf>,
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.trim()
        .lines()
        .next()
        .unwrap_or("no output")
        .to_string()
}

fn spawn_error(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!("--history needs git, and no `git` was found on PATH")
    } else {
        anyhow::anyhow!("--history: cannot run git: {e}")
    }
}

impl Repo {
    fn git(&self) -> Command {
        git_in(&self.dir, self.explicit)
    }

    fn open(dir: &Path, explicit: bool) -> anyhow::Result<Repo> {
        let shown = walk::display_path(dir);
        if !dir.is_dir() {
            anyhow::bail!("--history: {shown} is not a folder (give the repository's folder)");
        }
        let out = git_in(dir, explicit)
            .args([
                "rev-parse",
                "--is-bare-repository",
                "--is-shallow-repository",
                "--show-object-format",
                "--git-path",
                "objects",
            ])
            .stderr(Stdio::piped())
            .output()
            .map_err(spawn_error)?;
        if !out.status.success() {
            anyhow::bail!(
                "--history: {shown} is not a git repository ({})",
                first_line(&out.stderr)
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let bare = lines.next() == Some("true");
        let shallow = lines.next() == Some("true");
        let hex_len = match lines.next() {
            Some("sha256") => 64,
            _ => 40,
        };
        // Relative to the folder git ran in.
        let objects = lines.next().filter(|p| !p.is_empty()).map(|p| dir.join(p));
        let top = if bare {
            None
        } else {
            let out = git_in(dir, explicit)
                .args(["rev-parse", "--show-toplevel"])
                .stderr(Stdio::piped())
                .output()
                .map_err(spawn_error)?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n')))
        };
        Ok(Repo {
            dir: dir.to_path_buf(),
            explicit,
            hex_len,
            top,
            shallow,
            objects,
        })
    }
}

/// `git -C DIR` with lazy fetching off; with `explicit`, without the variables that would
/// point git at another repository.
fn git_in(dir: &Path, explicit: bool) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir).arg("--no-optional-locks");
    cmd.env("GIT_NO_LAZY_FETCH", "1");
    cmd.env_remove("GIT_EXTERNAL_DIFF");
    if explicit {
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_COMMON_DIR",
            "GIT_NAMESPACE",
        ] {
            cmd.env_remove(var);
        }
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// A distinct blob: where it first appeared.
struct Blob {
    oid: Oid,
    /// Index into the commit list (ancestry order).
    commit: u32,
    /// Index into the path table.
    path: u32,
}

/// Every blob the walked commits introduced, in order of first appearance.
#[derive(Default)]
struct Table {
    commits: Vec<Oid>,
    paths: Vec<Box<str>>,
    path_ids: HashMap<Box<str>, u32>,
    excluded: Vec<bool>,
    blobs: Vec<Blob>,
    blob_ids: HashMap<Oid, u32>,
    /// Other paths a blob was seen at.
    extra: HashSet<(u32, u32)>,
    walked: usize,
    /// Who listed the commits' blobs (for `--verbose`).
    listing: String,
}

impl Table {
    fn path_id(&mut self, path: &str, exclude: impl Fn(&str) -> bool) -> u32 {
        if let Some(&id) = self.path_ids.get(path) {
            return id;
        }
        let id = self.paths.len() as u32;
        self.paths.push(path.into());
        self.path_ids.insert(path.into(), id);
        self.excluded.push(exclude(path));
        id
    }

    fn add(&mut self, oid: Oid, path: u32) {
        if self.excluded[path as usize] {
            return;
        }
        match self.blob_ids.get(&oid) {
            Some(&b) => {
                if self.blobs[b as usize].path != path {
                    self.extra.insert((b, path));
                }
            }
            None => {
                let Some(commit) = self.commits.len().checked_sub(1) else {
                    return;
                };
                self.blob_ids.insert(oid, self.blobs.len() as u32);
                self.blobs.push(Blob {
                    oid,
                    commit: commit as u32,
                    path,
                });
            }
        }
    }
}

/// One record of `git diff-tree -r -c -z --raw`: a commit ID, or a changed path with its
/// new mode and blob.
#[derive(Debug, PartialEq, Eq)]
enum Record<'a> {
    Commit(Oid),
    Blob { oid: Oid, path: &'a [u8] },
    Other,
}

/// Parse the metadata field of a raw diff record (`:OLD NEW OLDOID NEWOID S`, or for a merge
/// `::M1 M2 R OID1 OID2 ROID SS`) into the result's mode and object ID.
fn parse_meta(meta: &[u8]) -> Option<(&[u8], Oid)> {
    let parents = meta.iter().take_while(|&&b| b == b':').count();
    let fields: Vec<&[u8]> = meta[parents..].split(|&b| b == b' ').collect();
    let mode = fields.get(parents)?;
    let oid = parse_oid(fields.get(2 * parents + 1)?)?;
    Some((mode, oid))
}

/// Regular files only: 120000 is a symbolic link, 160000 a submodule, 000000 a deletion.
fn is_file_mode(mode: &[u8]) -> bool {
    matches!(mode, b"100644" | b"100755" | b"100664")
}

/// Longest field of git's output that is read (a path, a header line): git's own are far
/// shorter, and a longer one is refused rather than buffered.
const MAX_FIELD: u64 = 1 << 20;

/// `read_until`, bounded by [`MAX_FIELD`].
fn read_field(reader: &mut impl BufRead, delim: u8, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let n = reader.by_ref().take(MAX_FIELD).read_until(delim, buf)?;
    if n as u64 == MAX_FIELD && buf.last() != Some(&delim) {
        return Err(std::io::Error::other(
            "git printed a field longer than 1 MiB",
        ));
    }
    Ok(n)
}

/// `git rev-list ARGS` over the range's revisions (after `--end-of-options`, so a revision
/// cannot be read as an option), or over every ref.
fn rev_list(repo: &Repo, args: &[&str], range: Option<&[&str]>) -> Command {
    let mut cmd = repo.git();
    cmd.arg("rev-list").args(args);
    match range {
        Some(revs) => cmd.arg("--end-of-options").args(revs),
        None => cmd.arg("--all"),
    };
    cmd
}

/// Run rev-list into diff-tree and fill the table.
fn list(
    repo: &Repo,
    range: Option<&[&str]>,
    exclude: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Table> {
    let mut rev_list = rev_list(repo, &["--topo-order", "--reverse"], range)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let mut diff_tree = repo
        .git()
        .args([
            "diff-tree",
            "--stdin",
            "-r",
            "-c",
            "--root",
            "--no-renames",
            "--no-ext-diff",
            "-z",
            "--raw",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    // Hand rev-list's commits to diff-tree, counting them.
    let commits_out = rev_list.stdout.take().expect("piped stdout");
    let mut tree_in = diff_tree.stdin.take().expect("piped stdin");
    let pump = std::thread::spawn(move || -> std::io::Result<usize> {
        let mut n = 0;
        let mut reader = BufReader::new(commits_out);
        let mut line = Vec::new();
        let mut writer = std::io::BufWriter::new(&mut tree_in);
        loop {
            line.clear();
            if read_field(&mut reader, b'\n', &mut line)? == 0 {
                break;
            }
            n += 1;
            writer.write_all(&line)?;
        }
        writer.flush()?;
        Ok(n)
    });
    let stderr_of = |child: &mut Child| {
        let mut err = Vec::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_end(&mut err);
        }
        err
    };
    let mut table = Table::default();
    let mut reader = BufReader::with_capacity(1 << 16, diff_tree.stdout.take().expect("piped"));
    let mut field = Vec::new();
    let mut path = Vec::new();
    loop {
        field.clear();
        if read_field(&mut reader, 0, &mut field)? == 0 {
            break;
        }
        if field.last() == Some(&0) {
            field.pop();
        }
        let record = if field.first() == Some(&b':') {
            path.clear();
            read_field(&mut reader, 0, &mut path)?;
            if path.last() == Some(&0) {
                path.pop();
            }
            match parse_meta(&field) {
                Some((mode, oid)) if is_file_mode(mode) => Record::Blob { oid, path: &path },
                _ => Record::Other,
            }
        } else {
            let trimmed = field.strip_suffix(b"\n").unwrap_or(&field);
            match parse_oid(trimmed) {
                Some(oid) => Record::Commit(oid),
                None => Record::Other,
            }
        };
        match record {
            Record::Commit(oid) => table.commits.push(oid),
            Record::Blob { oid, path } => {
                let path = String::from_utf8_lossy(path);
                let id = table.path_id(&path, exclude);
                table.add(oid, id);
            }
            Record::Other => {}
        }
    }
    let walked = pump
        .join()
        .map_err(|_| anyhow::anyhow!("--history: the commit pump panicked"))?;
    let rev_status = rev_list.wait()?;
    if !rev_status.success() {
        let err = stderr_of(&mut rev_list);
        return Err(match range {
            Some(_) => anyhow::anyhow!(
                "--history-range: git rev-list rejected the range ({})",
                first_line(&err)
            ),
            None => anyhow::anyhow!("--history: git rev-list failed ({})", first_line(&err)),
        });
    }
    let tree_status = diff_tree.wait()?;
    if !tree_status.success() {
        let err = stderr_of(&mut diff_tree);
        anyhow::bail!("--history: git diff-tree failed ({})", first_line(&err));
    }
    table.walked = walked?;
    Ok(table)
}

/// What a tree entry is, by its mode (as git's `canon_mode`: any regular file is a file,
/// anything unknown a submodule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    Tree,
    /// A symbolic link or a submodule: not content.
    Other,
}

/// One entry of a tree object: `MODE NAME\0OID`.
struct TreeEntry<'a> {
    kind: EntryKind,
    name: &'a [u8],
    oid: &'a [u8],
}

/// The first entry of `rest` (what is left of a tree object) and what follows it; an error on
/// a malformed one.
fn tree_entry(rest: &[u8], hash: usize) -> anyhow::Result<(TreeEntry<'_>, &[u8])> {
    let entry = (|| {
        let space = memchr::memchr(b' ', rest).filter(|&i| i > 0 && i <= 7)?;
        let mut mode = 0u32;
        for &c in &rest[..space] {
            if !(b'0'..=b'7').contains(&c) {
                return None;
            }
            mode = mode * 8 + u32::from(c - b'0');
        }
        let nul = space + 1 + memchr::memchr(0, &rest[space + 1..])?;
        let name = &rest[space + 1..nul];
        let oid = rest.get(nul + 1..nul + 1 + hash)?;
        if name.is_empty() {
            return None;
        }
        let kind = match mode & 0o170000 {
            0o100000 => EntryKind::File,
            0o040000 => EntryKind::Tree,
            _ => EntryKind::Other,
        };
        Some((TreeEntry { kind, name, oid }, &rest[nul + 1 + hash..]))
    })();
    entry.ok_or_else(|| anyhow::anyhow!("malformed tree entry"))
}

/// The length of the first entry of `rest` if `other` starts with the very same bytes (same
/// mode, name and ID): an entry the parent's tree has unchanged, found without parsing it.
fn same_entry(rest: &[u8], other: &[u8], hash: usize) -> Option<usize> {
    let len = memchr::memchr(0, rest)? + 1 + hash;
    (rest.len() >= len && other.len() >= len && rest[..len] == other[..len]).then_some(len)
}

/// Git's order of tree entries: by name, a folder's name compared as if it ended in `/`.
fn tree_order(a: &TreeEntry<'_>, b: &TreeEntry<'_>) -> std::cmp::Ordering {
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let end = |e: &TreeEntry<'_>| match e.name.get(n) {
            Some(&c) => c,
            None if e.kind == EntryKind::Tree => b'/',
            None => 0,
        };
        end(a).cmp(&end(b))
    })
}

/// Deepest folder nesting the in-process walk follows (git refuses deeper trees too, from
/// `core.maxTreeDepth`, 2048 by default); deeper, git lists the history.
const MAX_TREE_DEPTH: usize = 2048;

/// The history listed in-process: which commit introduced each blob, and where, with the
/// same table as [`list`] (`rev-list | diff-tree`) gives, without `diff-tree`.
///
/// `git rev-list --topo-order --reverse --all --format='%T %P'` still gives the commits in
/// ancestry order, each with its tree and parents (git's own order, the one [`list`] uses).
/// Then each commit's tree is compared with its first parent's, as `diff-tree` would, the
/// trees read from the packs ([`pack::Trees`]): an entry equal to the parent's is skipped
/// whole (a folder with the same ID holds the same blobs at the same paths, already
/// recorded when the parent was walked), and so is a folder already walked at the same path
/// in any earlier commit (the seen set). What is left is what the commit changed, read once.
///
/// That gives the same table: a blob's first commit in ancestry order is the first whose tree
/// holds it, and that commit differs from all its parents there (they come before it and
/// do not hold it), so `diff-tree -c` lists it there too; every (blob, path) pair of every
/// commit's tree is recorded, as `diff-tree` lists each in some commit. A merge is compared
/// with its first parent only: what it differs in from the first parent but not from
/// another was recorded when that other parent was walked. `--history-range` stays with
/// [`list`]: a range's commits are compared with parents the range does not walk.
fn list_in_process(
    repo: &Repo,
    laid: Option<&pack::Laid>,
    exclude: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Table> {
    let objects = repo
        .objects
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("no object folder"))?;
    let laid = laid.ok_or_else(|| anyhow::anyhow!("no object folder"))?;
    let hash = repo.hex_len / 2;
    let mut walk = TreeWalk {
        trees: pack::Trees::new(objects, hash, laid)?,
        hash,
        table: Table::default(),
        seen: HashSet::new(),
        folders: HashMap::new(),
        exclude,
        path: Vec::new(),
        ancestors: Vec::new(),
        holding: 0,
    };
    let mut rev_list = rev_list(repo, &["--topo-order", "--reverse", "--format=%T %P"], None)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let mut reader = BufReader::with_capacity(1 << 16, rev_list.stdout.take().expect("piped"));
    let mut tree_of: HashMap<Oid, Oid> = HashMap::new();
    let mut line = Vec::new();
    let walked = (|| -> anyhow::Result<usize> {
        let mut walked = 0;
        loop {
            line.clear();
            if read_field(&mut reader, b'\n', &mut line)? == 0 {
                return Ok(walked);
            }
            let commit = line
                .strip_prefix(b"commit ")
                .and_then(|l| parse_oid(l.strip_suffix(b"\n").unwrap_or(l)))
                .ok_or_else(|| anyhow::anyhow!("unexpected rev-list output"))?;
            line.clear();
            read_field(&mut reader, b'\n', &mut line)?;
            let mut fields = line
                .strip_suffix(b"\n")
                .unwrap_or(&line)
                .split(|&b| b == b' ')
                .filter(|f| !f.is_empty());
            let tree = fields
                .next()
                .and_then(parse_oid)
                .ok_or_else(|| anyhow::anyhow!("unexpected rev-list output"))?;
            let parent = match fields.next() {
                Some(p) => {
                    let p = parse_oid(p).ok_or_else(|| anyhow::anyhow!("bad parent"))?;
                    // Every parent of a whole-history walk comes before its child.
                    Some(
                        *tree_of
                            .get(&p)
                            .ok_or_else(|| anyhow::anyhow!("a parent after its child"))?,
                    )
                }
                None => None,
            };
            walked += 1;
            tree_of.insert(commit, tree);
            walk.table.commits.push(commit);
            walk.commit(&tree, parent.as_ref())?;
        }
    })();
    if walked.is_err() {
        let _ = rev_list.kill();
    }
    let status = rev_list.wait()?;
    let walked = walked?;
    if !status.success() {
        let mut err = Vec::new();
        if let Some(mut e) = rev_list.stderr.take() {
            let _ = e.read_to_end(&mut err);
        }
        anyhow::bail!("git rev-list failed ({})", first_line(&err));
    }
    walk.table.walked = walked;
    Ok(walk.table)
}

/// The state of [`list_in_process`].
struct TreeWalk<'a> {
    trees: pack::Trees<'a>,
    hash: usize,
    table: Table,
    /// Folders walked: (tree ID, folder path's number in `folders`).
    seen: HashSet<(Oid, u32)>,
    folders: HashMap<Vec<u8>, u32>,
    exclude: &'a dyn Fn(&str) -> bool,
    /// The folder being walked (`a/b/`), and the trees above it (a tree that holds itself is
    /// an error: only a lying pack can say so).
    path: Vec<u8>,
    ancestors: Vec<Oid>,
    /// Bytes of the trees held along that path ([`pack::PATH_TREE_BYTES`] at most).
    holding: usize,
}

impl TreeWalk<'_> {
    fn commit(&mut self, tree: &Oid, parent: Option<&Oid>) -> anyhow::Result<()> {
        if parent == Some(tree) {
            return Ok(());
        }
        self.path.clear();
        self.folder(tree, parent.copied())
    }

    /// Walk the folder `tree` at `self.path`, against `old` (the parent's folder there), unless
    /// it was walked there before.
    fn folder(&mut self, tree: &Oid, old: Option<Oid>) -> anyhow::Result<()> {
        let folder = match self.folders.get(&self.path) {
            Some(&f) => f,
            None => {
                let f = self.folders.len() as u32;
                self.folders.insert(self.path.clone(), f);
                f
            }
        };
        if !self.seen.insert((*tree, folder)) {
            return Ok(());
        }
        if self.ancestors.len() >= MAX_TREE_DEPTH || self.ancestors.contains(tree) {
            anyhow::bail!("trees nested too deep (or a tree inside itself)");
        }
        let h = self.hash;
        let new = self.trees.tree(&tree[..h])?;
        let old = match old {
            Some(o) => Some(self.trees.tree(&o[..h])?),
            None => None,
        };
        let size = new.len() + old.as_ref().map_or(0, |o| o.len());
        if self.holding + size > pack::PATH_TREE_BYTES {
            anyhow::bail!("trees too large along one path");
        }
        self.holding += size;
        let mut olds: &[u8] = old.as_deref().unwrap_or(&[]);
        let mut news: &[u8] = &new;
        self.ancestors.push(*tree);
        let depth = self.path.len();
        while !news.is_empty() {
            // Most entries are the parent's, byte for byte, at the same place.
            if let Some(len) = same_entry(news, olds, h) {
                news = &news[len..];
                olds = &olds[len..];
                continue;
            }
            let (entry, after) = tree_entry(news, h)?;
            news = after;
            // The parent's entry of the same name and kind (folder or not), if any.
            let mut same = None;
            while !olds.is_empty() {
                let (o, after) = tree_entry(olds, h)?;
                match tree_order(&o, &entry) {
                    std::cmp::Ordering::Less => olds = after,
                    std::cmp::Ordering::Equal => {
                        same = Some((o.kind, oid_from(o.oid)));
                        olds = after;
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            let oid = oid_from(entry.oid);
            if same == Some((entry.kind, oid)) {
                continue;
            }
            match entry.kind {
                EntryKind::File => {
                    self.path.extend_from_slice(entry.name);
                    let path = String::from_utf8_lossy(&self.path);
                    let id = self.table.path_id(&path, self.exclude);
                    self.table.add(oid, id);
                    self.path.truncate(depth);
                }
                EntryKind::Tree => {
                    self.path.extend_from_slice(entry.name);
                    self.path.push(b'/');
                    let old = match same {
                        Some((EntryKind::Tree, o)) => Some(o),
                        _ => None,
                    };
                    let walked = self.folder(&oid, old);
                    self.path.truncate(depth);
                    walked?;
                }
                EntryKind::Other => {}
            }
        }
        self.ancestors.pop();
        self.holding -= size;
        Ok(())
    }
}

/// What `git cat-file --batch-check` says of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    Blob(u64),
    /// An annotated tag (`rev-list --objects` lists those too).
    NotBlob,
    /// Missing from the clone (partial or damaged).
    Missing,
}

/// `git cat-file --batch-check`: the type and size of each object.
fn sizes(repo: &Repo, blobs: &[Oid]) -> anyhow::Result<Vec<Size>> {
    let mut child = repo
        .git()
        .args(["cat-file", "--batch-check=%(objecttype) %(objectsize)"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(spawn_error)?;
    let requests: Vec<String> = blobs.iter().map(|oid| hex(oid, repo.hex_len)).collect();
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for r in requests {
            w.write_all(r.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()
    });
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut out = Vec::with_capacity(blobs.len());
    let mut line = Vec::new();
    for _ in blobs {
        line.clear();
        if read_field(&mut reader, b'\n', &mut line)? == 0 {
            anyhow::bail!("--history: git cat-file --batch-check stopped early");
        }
        let line = String::from_utf8_lossy(&line);
        out.push(match line.trim_end().split_once(' ') {
            Some(("blob", size)) => size.parse().map_or(Size::Missing, Size::Blob),
            Some((_, "missing")) => Size::Missing,
            _ => Size::NotBlob,
        });
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("--history: writer thread panicked"))??;
    let status = child.wait()?;
    if !status.success() {
        anyhow::bail!("--history: git cat-file --batch-check failed ({status})");
    }
    Ok(out)
}

/// Blobs handed from the reader thread to the scanner, in chunks of about this many bytes.
const CHUNK_BYTES: usize = 1 << 20;
/// Chunks in flight: with the chunk being filled and the one being scanned, memory stays
/// within a few chunks (or a few blobs, each at most `--max-filesize`).
const CHUNKS_IN_FLIGHT: usize = 2;

/// `git cat-file --batch`: read the blobs `wanted` (indexes into `blobs`) and call `each` with
/// their content, in order.
fn read_blobs(
    repo: &Repo,
    blobs: &[Oid],
    wanted: Vec<u32>,
    limit: u64,
    each: &(dyn Fn(u32, &[u8]) + Sync),
) -> anyhow::Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let mut child = repo
        .git()
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(spawn_error)?;
    let requests: Vec<String> = wanted
        .iter()
        .map(|&i| hex(&blobs[i as usize], repo.hex_len))
        .collect();
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for r in requests {
            w.write_all(r.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()
    });
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::sync_channel::<std::io::Result<Vec<(u32, Vec<u8>)>>>(CHUNKS_IN_FLIGHT);
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        let mut chunk = Vec::new();
        let mut bytes = 0;
        let mut raw = Vec::new();
        for idx in wanted {
            raw.clear();
            let read = (|| -> std::io::Result<Vec<u8>> {
                read_field(&mut reader, b'\n', &mut raw)?;
                let header = String::from_utf8_lossy(&raw);
                let size = match header.split_whitespace().collect::<Vec<_>>().as_slice() {
                    // Sizes were checked with --batch-check; a larger answer is refused
                    // rather than allocated.
                    [_, "blob", size] => size.parse::<u64>().ok().filter(|&s| s <= limit),
                    _ => None,
                }
                .ok_or_else(|| {
                    std::io::Error::other(format!(
                        "git cat-file --batch answered `{}`",
                        header.trim()
                    ))
                })?;
                let mut content = vec![0; size as usize];
                reader.read_exact(&mut content)?;
                let mut newline = [0u8; 1];
                reader.read_exact(&mut newline)?;
                Ok(content)
            })();
            match read {
                Ok(content) => {
                    bytes += content.len() + 64;
                    chunk.push((idx, content));
                    if bytes >= CHUNK_BYTES || chunk.len() >= 4096 {
                        bytes = 0;
                        if tx.send(Ok(std::mem::take(&mut chunk))).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        let _ = tx.send(Ok(chunk));
    });
    // Scan on every core: git inflates in its own process, the reader thread copies, and
    // the workers take whole chunks (the order they finish in does not matter: the caller
    // keeps the first occurrence by blob index).
    let rx = std::sync::Mutex::new(rx);
    // Each worker holds a chunk (about CHUNK_BYTES, or one blob of up to the limit) besides
    // the ones in flight: two are enough to keep up with one `git cat-file`.
    let workers = workers().min(2);
    let failure = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match next {
                            Ok(Ok(chunk)) => {
                                for (idx, content) in chunk {
                                    each(idx, &content);
                                }
                            }
                            Ok(Err(e)) => return Some(e),
                            Err(_) => return None,
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .next()
    });
    if let Some(e) = failure {
        let _ = child.kill();
        let _ = child.wait();
        let _ = reader.join();
        let _ = writer.join();
        anyhow::bail!("--history: {e}");
    }
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("--history: reader thread panicked"))?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("--history: writer thread panicked"))??;
    let status = child.wait()?;
    if !status.success() {
        anyhow::bail!("--history: git cat-file --batch failed ({status})");
    }
    Ok(())
}

/// The blobs of HEAD's tree (empty when HEAD has no commit yet).
fn head_blobs(repo: &Repo) -> anyhow::Result<HashSet<Oid>> {
    let out = repo
        .git()
        .args(["ls-tree", "-r", "-z", "--full-tree", "HEAD"])
        .stderr(Stdio::null())
        .output()
        .map_err(spawn_error)?;
    if !out.status.success() {
        return Ok(HashSet::new());
    }
    Ok(out
        .stdout
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let meta = entry.split(|&b| b == b'\t').next()?;
            let mut fields = meta.split(|&b| b == b' ');
            let (_mode, kind, oid) = (fields.next()?, fields.next()?, fields.next()?);
            (kind == b"blob").then(|| parse_oid(oid)).flatten()
        })
        .collect())
}

/// The revisions of `--history-range`, split on whitespace. None may start with `-`: they go
/// to git after `--end-of-options`, and an option there would be a mistake.
pub fn parse_range(range: &str) -> anyhow::Result<Vec<&str>> {
    let revs: Vec<&str> = range.split_whitespace().collect();
    if revs.is_empty() {
        anyhow::bail!("--history-range needs revisions, for example `origin/main..HEAD`");
    }
    if let Some(bad) = revs.iter().find(|r| r.starts_with('-')) {
        anyhow::bail!(
            "--history-range: `{}` is not a revision (options are not accepted there)",
            crate::secret::redact_text(bad)
        );
    }
    Ok(revs)
}

/// Can these bytes hold a secret that AT102-AT104 report? A necessary condition, checked
/// before the engine runs so that the many blob versions which only mention Jira (the
/// engine's keywords) skip the detectors' regexes. Each finding of those rules needs one of:
///
/// - a token prefix in its own case (`ATATT3`, `ATCTT3`, `ATOA`, `ATBB`): the `prefixed` and
///   `glued` patterns;
/// - the word `basic` in any case: a literal `Basic` header (`basic` pattern);
/// - a legacy token: a run of exactly 24 ASCII letters and digits between non-alphanumerics,
///   or glued to `--body` (a run of 28 that starts with `body`): the only `legacy-*`
///   separator that ends in a letter ([`super::rules::common::legacy_run`]);
/// - for an account password (AT104: a literal pair, a password slot, an API token slot
///   holding a password), a user named by an email (an `@` between an address's characters,
///   or `%40` in a URL's user info) or a file that calls a Cloud site (`.atlassian.net`):
///   every one of those findings requires `account::is_email` of its user or
///   `common::calls_cloud`;
/// - `ſ` (U+017F) or the Kelvin sign (U+212A), which `(?i)` in the patterns folds onto `s`
///   and `k`, so that a word written with them is matched by the detectors but by no ASCII
///   word search here.
///
/// UTF-16 text is always handed on. The unit test `gate_passes_everything_the_rules_find`
/// runs every rule example, the test data and one sample of each form above through the
/// engine and fails if a finding comes from bytes this gate would skip.
pub fn may_hold_secret(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    marks_in(bytes) || words_in(bytes) || super::rules::common::legacy_run(bytes)
}

/// An email's `@` (between a character of an address's local part and one of its domain, as
/// `account::is_email` requires: not CSS's `@media`, a decorator or an npm scope), or a
/// character that `(?i)` folds onto an ASCII letter (`ſ` U+017F, the Kelvin sign U+212A).
fn marks_in(bytes: &[u8]) -> bool {
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    memchr::memchr_iter(b'@', bytes)
        .any(|i| i > 0 && local(bytes[i - 1]) && bytes.get(i + 1).is_some_and(|&b| domain(b)))
        || memchr::memchr2_iter(0xC5, 0xE2, bytes).any(|i| {
            let rest = &bytes[i..];
            rest.starts_with("\u{17f}".as_bytes()) || rest.starts_with("\u{212a}".as_bytes())
        })
}

/// The gate's words, lower case: the token prefixes (matched in their own case), the word
/// `basic` (a whole word, any case), a Cloud site's domain and a URL-encoded `@`.
const GATE_WORDS: [&str; 7] = [
    "atatt3",
    "atctt3",
    "atoa",
    "atbb",
    "basic",
    ".atlassian.net",
    "%40",
];
/// Which of [`GATE_WORDS`] are token prefixes, and which is `basic`.
const GATE_PREFIXES: usize = 4;
const GATE_BASIC: usize = 4;
/// Bytes folded at a time, and the overlap between two pieces (the longest word less one).
const FOLD_PIECE: usize = 16 << 10;
const FOLD_OVERLAP: usize = 13;

/// Is one of [`GATE_WORDS`] in `bytes`? One SIMD search (aho-corasick's Teddy) over the bytes
/// folded to lower case a piece at a time (`b | 0x20`: every letter to its lower case, so
/// any case of a word matches; a few other bytes fold onto `.`, `%` and digits, which can
/// only let more through), each hit then checked in the original bytes: a prefix in its own
/// case, `basic` as a whole word. A case-insensitive automaton has no SIMD prefilter, which
/// made that search a fifth of a history scan.
fn words_in(bytes: &[u8]) -> bool {
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    thread_local! {
        static FOLDED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(GATE_WORDS)
            .expect("fixed patterns build")
    });
    debug_assert_eq!(GATE_WORDS[GATE_BASIC], "basic");
    debug_assert!(GATE_WORDS.iter().all(|w| w.len() <= FOLD_OVERLAP + 1));
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    FOLDED.with_borrow_mut(|folded| {
        let mut at = 0;
        loop {
            let piece = &bytes[at..bytes.len().min(at + FOLD_PIECE)];
            folded.clear();
            folded.extend(piece.iter().map(|&b| b | 0x20));
            let buf = &folded[..];
            let mut from = 0;
            while let Some(m) = words.find(aho_corasick::Input::new(buf).range(from..)) {
                let (start, end) = (at + m.start(), at + m.end());
                let word = m.pattern().as_usize();
                let hit = if word < GATE_PREFIXES {
                    bytes[start..end].eq_ignore_ascii_case(GATE_WORDS[word].as_bytes())
                        && bytes[start..end].iter().all(|b| !b.is_ascii_lowercase())
                } else if word == GATE_BASIC {
                    (start == 0 || !alnum(bytes[start - 1]))
                        && bytes.get(end).is_none_or(|&b| !alnum(b))
                } else {
                    true
                };
                if hit {
                    return true;
                }
                // Words never start at the same place, so the next hit starts after this one's.
                from = m.start() + 1;
            }
            if at + piece.len() >= bytes.len() {
                return false;
            }
            at += FOLD_PIECE - FOLD_OVERLAP;
        }
    })
}

/// [`may_hold_secret`] of a version made by a delta from one it is false for: only the
/// `changed` ranges (each insert and seam with [`pack::SEAM`] bytes either side) can hold what
/// the gate looks for, so only they are read, when they are less than half of it. A word, a
/// token prefix, `basic` with its neighbours or a 24-character run with its delimiters that
/// lies inside one copied piece was in the clean version too; one that touches a seam or an
/// insert lies inside a range (each is at most [`pack::SEAM`] bytes long). A range's ends
/// read as delimiters, which can only let more through.
fn may_hold_secret_where(bytes: &[u8], changed: Option<&[std::ops::Range<usize>]>) -> bool {
    match changed {
        Some(ranges) if ranges.iter().map(|r| r.len()).sum::<usize>() < bytes.len() / 2 => {
            ranges.iter().any(|r| may_hold_secret(&bytes[r.clone()]))
        }
        _ => may_hold_secret(bytes),
    }
}

/// One scanned occurrence of a secret.
struct Seen {
    blob: u32,
    finding: Finding,
}

/// A distinct secret: its first occurrence and every blob it is in.
struct Group {
    first: Seen,
    blobs: BTreeSet<u32>,
}

/// The text a finding matched, hashed: the identity of a secret across blobs.
fn secret_digest(rule: &str, text: &str, span: &std::ops::Range<usize>) -> [u8; 32] {
    let value = text.get(span.clone()).unwrap_or("").trim_end();
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    h.finalize().into()
}

const HISTORY_FIX: &str = "revoke or rotate this credential now: it stays in every clone, fork and cache of the repository whatever the working tree says (id.atlassian.com > Security > API tokens, or admin.atlassian.com for service accounts and admin keys); then, optionally, remove it from history (git filter-repo --replace-text, force-push, and have every clone re-cloned)";

/// An object ID from the raw bytes of a pack index.
fn oid_from(raw: &[u8]) -> Oid {
    let mut oid = [0u8; 32];
    oid[..raw.len()].copy_from_slice(raw);
    oid
}

/// The listing's table, once [`list`] has built it. Scanning does not wait for it unless it
/// must: a blob that needs the engine (the gate passed) needs its path.
struct Ready {
    table: std::sync::OnceLock<anyhow::Result<Table>>,
    lock: std::sync::Mutex<()>,
    cv: std::sync::Condvar,
}

impl Ready {
    fn new() -> Ready {
        Ready {
            table: std::sync::OnceLock::new(),
            lock: std::sync::Mutex::new(()),
            cv: std::sync::Condvar::new(),
        }
    }

    fn set(&self, table: anyhow::Result<Table>) {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self.table.set(table);
        self.cv.notify_all();
    }

    /// The table, if the listing is over; `Err(())` if it failed (the run reports why).
    fn now(&self) -> Option<Result<&Table, ()>> {
        self.table.get().map(|t| t.as_ref().map_err(|_| ()))
    }

    fn wait(&self) -> Result<&Table, ()> {
        let mut guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(t) = self.now() {
                return t;
            }
            guard = self.cv.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn take(self) -> anyhow::Result<Table> {
        self.table
            .into_inner()
            .unwrap_or_else(|| Err(anyhow::anyhow!("--history: the listing did not finish")))
    }
}

/// Bytes of blobs that passed the gate kept aside until the listing says their path; past
/// this, scanning waits for the listing instead.
const DEFER_BYTES: usize = 8 << 20;

/// What reading and scanning the blobs found, by object ID. Blobs the listing does not know
/// (unreachable ones a pack still holds, symbolic links, excluded paths) are dropped later.
#[derive(Default)]
struct Scanned {
    findings: Vec<(Oid, [u8; 32], Finding)>,
    skipped: Vec<(Oid, String)>,
    /// Blobs scanned, each with the findings the configuration suppressed there.
    scanned: Vec<(Oid, usize)>,
    deferred: Vec<(Oid, Vec<u8>)>,
    deferred_bytes: usize,
    from_packs: usize,
    through_git: usize,
    pack_notes: Vec<String>,
}

/// Read and scan the blobs, while the listing runs: first from the pack files, in-process on
/// every core ([`pack`]) (every blob of the packs for a whole-history scan; for a range, only
/// the blobs the listing found, so that one waits for it), then the listed blobs the packs
/// did not hold (loose objects, alternates, anything the pack reader leaves) through
/// `git cat-file --batch-check` (sizes: blobs over `--max-filesize` are skipped without being
/// read) and `git cat-file --batch`.
fn scan(
    repo: &Repo,
    linter: &Linter,
    ready: &Ready,
    laid: Option<&pack::Laid>,
    limit: u64,
) -> anyhow::Result<Scanned> {
    let state = std::sync::Mutex::new(Scanned::default());
    let lock = || state.lock().unwrap_or_else(|p| p.into_inner());
    let lint = |table: &Table, oid: Oid, bytes: &[u8]| {
        let Some(&b) = table.blob_ids.get(&oid) else {
            return;
        };
        let path = &table.paths[table.blobs[b as usize].path as usize];
        let (report, text) = linter.lint_blob(path, Path::new(&**path), bytes);
        let keyed: Vec<_> = match &text {
            Some(text) => report
                .findings
                .into_iter()
                .map(|f| (oid, secret_digest(f.rule, text, &f.span), f))
                .collect(),
            None => Vec::new(),
        };
        let mut st = lock();
        st.scanned.push((oid, report.suppressed));
        st.findings.extend(keyed);
    };
    // Blobs kept aside until the listing was ready are linted by whichever thread comes by
    // next, on every core, rather than all at the end on one.
    let pending = std::sync::atomic::AtomicBool::new(false);
    let drain = |table: &Table| {
        loop {
            let next = {
                let mut st = lock();
                let next = st.deferred.pop();
                if let Some((_, bytes)) = &next {
                    st.deferred_bytes -= bytes.len();
                }
                next
            };
            match next {
                Some((oid, bytes)) => lint(table, oid, &bytes),
                None => return,
            }
        }
    };
    // Returns true when the blob needs no detectors (the gate found nothing): a version
    // made from it by a delta is then gated only where the delta changed it.
    let visit = |oid: Oid, bytes: &[u8], changed: Option<&[std::ops::Range<usize>]>| -> bool {
        crate::output::progress::tick();
        if pending.load(std::sync::atomic::Ordering::Relaxed)
            && let Some(Ok(table)) = ready.now()
        {
            pending.store(false, std::sync::atomic::Ordering::Relaxed);
            drain(table);
        }
        if walk::is_binary(bytes) {
            lock().skipped.push((oid, SkipReason::Binary.to_string()));
            return false;
        }
        if !may_hold_secret_where(bytes, changed) {
            lock().scanned.push((oid, 0));
            return true;
        }
        let table = match ready.now() {
            Some(table) => table,
            None => {
                let mut st = lock();
                if st.deferred_bytes + bytes.len() <= DEFER_BYTES {
                    st.deferred_bytes += bytes.len();
                    st.deferred.push((oid, bytes.to_vec()));
                    pending.store(true, std::sync::atomic::Ordering::Relaxed);
                    return false;
                }
                drop(st);
                ready.wait()
            }
        };
        if let Ok(table) = table {
            lint(table, oid, bytes);
        }
        false
    };
    let done: std::sync::Mutex<HashSet<Oid>> = std::sync::Mutex::new(HashSet::new());
    let done_lock = || done.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(dir) = &repo.objects {
        let each = |raw: &[u8], got: pack::Got<'_>, changed: Option<&[std::ops::Range<usize>]>| {
            match got {
                pack::Got::Content(bytes) => visit(oid_from(raw), bytes, changed),
                pack::Got::TooLarge(size) => {
                    lock()
                        .skipped
                        .push((oid_from(raw), SkipReason::TooLarge(size).to_string()));
                    false
                }
            }
        };
        let claim = |raw: &[u8]| done_lock().insert(oid_from(raw));
        // A pack the reader refuses is read through git below: same result, git's speed.
        let refused = match laid {
            // The whole history: every blob of the packs, laid out already.
            Some(laid) => pack::read_laid(laid, &claim, limit, workers(), &each),
            // A range: only the blobs the listing found, so this waits for it.
            None => {
                let Ok(listed) = ready.wait() else {
                    // The listing failed: the run reports why.
                    return Ok(Scanned::default());
                };
                let wanted = |raw: &[u8]| {
                    let oid = oid_from(raw);
                    listed.blob_ids.contains_key(&oid) && !done_lock().contains(&oid)
                };
                pack::read(
                    dir,
                    repo.hex_len / 2,
                    &wanted,
                    &claim,
                    limit,
                    workers(),
                    &each,
                )
            }
        };
        lock().pack_notes = refused
            .into_iter()
            .map(|(pack, e)| {
                let name = pack.file_name().unwrap_or_default().to_string_lossy();
                format!("{name}: {e}")
            })
            .collect();
    }
    let Ok(table) = ready.wait() else {
        return Ok(Scanned::default());
    };
    std::thread::scope(|s| {
        for _ in 1..workers() {
            s.spawn(|| drain(table));
        }
        drain(table);
    });
    let rest: Vec<Oid> = {
        let done = done_lock();
        table
            .blobs
            .iter()
            .map(|b| b.oid)
            .filter(|oid| !done.contains(oid))
            .collect()
    };
    {
        let mut st = lock();
        st.from_packs = table.blobs.len() - rest.len();
        st.through_git = rest.len();
    }
    read_rest(repo, &rest, limit, &lock, &|oid, bytes| {
        visit(oid, bytes, None);
    })?;
    Ok(state.into_inner().unwrap_or_else(|p| p.into_inner()))
}

/// The listed blobs the packs did not give: sizes through `git cat-file --batch-check`, then
/// the ones within the limit through `git cat-file --batch`.
fn read_rest<'a>(
    repo: &Repo,
    rest: &[Oid],
    limit: u64,
    lock: &dyn Fn() -> std::sync::MutexGuard<'a, Scanned>,
    visit: &(dyn Fn(Oid, &[u8]) + Sync),
) -> anyhow::Result<()> {
    if rest.is_empty() {
        return Ok(());
    }
    let sizes = sizes(repo, rest)?;
    let mut wanted = Vec::new();
    {
        let mut st = lock();
        for (i, (oid, size)) in rest.iter().zip(&sizes).enumerate() {
            match size {
                Size::Blob(size) if *size > limit => st
                    .skipped
                    .push((*oid, SkipReason::TooLarge(*size).to_string())),
                Size::Blob(_) => wanted.push(i as u32),
                Size::NotBlob => {}
                Size::Missing => st
                    .skipped
                    .push((*oid, "blob missing from the clone".to_string())),
            }
        }
    }
    read_blobs(repo, rest, wanted, limit, &|i, bytes| {
        visit(rest[i as usize], bytes)
    })
}

/// Scanning threads: one per core, at most [`pack::MAX_WORKERS`], so that peak memory stays
/// within [`pack::MEMORY_PROMISE`] on a machine with any number of cores
/// ([`pack::worst_case`]).
fn workers() -> usize {
    let workers = pack::workers_for(std::thread::available_parallelism().map_or(1, |n| n.get()));
    debug_assert!(
        pack::worst_case(workers, walk::DEFAULT_MAX_FILESIZE) <= pack::MEMORY_PROMISE,
        "the memory plan"
    );
    workers
}

/// Scan the history of the repository at `opts.repo`.
///
/// Two things run side by side: `rev-list | diff-tree` (which commit introduced each blob,
/// where) and reading the packs into the engine (what each blob holds). Their results meet
/// by object ID.
pub fn run(linter: &Linter, opts: &Options<'_>) -> anyhow::Result<LintResult> {
    let repo = Repo::open(opts.repo, opts.explicit)?;
    let revs = opts.range.map(parse_range).transpose()?;
    let exclude_root = repo.top.clone().unwrap_or_else(|| repo.dir.clone());
    let exclude = |path: &str| {
        opts.walk.exclude.as_ref().is_some_and(|set| {
            walk::is_excluded(&exclude_root.join(path), set, &opts.walk.exclude_root)
        })
    };
    // A whole-history scan lays the packs out once, for the tree walk and the blob reader.
    let laid = match (&repo.objects, &revs) {
        (Some(dir), None) => Some(pack::lay_out(dir, repo.hex_len / 2)),
        _ => None,
    };
    let ready = Ready::new();
    let head = std::sync::OnceLock::new();
    let scanned = std::thread::scope(|s| {
        s.spawn(|| {
            let table = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if revs.is_some() {
                    let mut table = list(&repo, revs.as_deref(), &exclude)?;
                    table.listing = "git diff-tree (a range)".to_string();
                    return Ok(table);
                }
                // In-process, and whatever it cannot do (an alternate object store, a
                // pack it cannot lay out, anything unusual) through git, from the start.
                match list_in_process(&repo, laid.as_ref(), &exclude) {
                    Ok(mut table) => {
                        table.listing = "trees walked in-process".to_string();
                        Ok(table)
                    }
                    Err(e) => {
                        let mut table = list(&repo, None, &exclude)?;
                        table.listing = format!("git diff-tree (the in-process walk stopped: {e})");
                        Ok(table)
                    }
                }
            }))
            .unwrap_or_else(|_| Err(anyhow::anyhow!("--history: the listing thread panicked")));
            ready.set(table);
            // HEAD's blobs, for `in_head`, while the blobs are still being read (this
            // thread is idle otherwise): they are only needed if there are findings, but
            // waiting for those put a `git ls-tree` at the end of every run that had any.
            if ready.now().is_some_and(|t| t.is_ok()) {
                let _ = head.set(head_blobs(&repo));
            }
        });
        scan(&repo, linter, &ready, laid.as_ref(), opts.walk.max_filesize)
    });
    let table = ready.take()?;
    let scanned = scanned?;

    let mut result = LintResult::default();
    let blob_of = |oid: Oid| table.blob_ids.get(&oid).copied();
    let display_at = |b: &Blob| {
        format!(
            "{}@{}",
            crate::secret::redact_text(&table.paths[b.path as usize]),
            &hex(&table.commits[b.commit as usize], repo.hex_len)[..12]
        )
    };
    // Blobs only at excluded paths, symbolic links, or reachable from no commit (a tag of a
    // tree) have no entry in the table: they are neither reported nor listed.
    for (obj, reason) in &scanned.skipped {
        if let Some(b) = blob_of(*obj) {
            result
                .skipped
                .push((display_at(&table.blobs[b as usize]), reason.clone()));
        }
    }
    result.suppressed = scanned
        .scanned
        .iter()
        .filter(|(oid, _)| blob_of(*oid).is_some())
        .map(|(_, n)| n)
        .sum();
    let mut groups: HashMap<(&'static str, [u8; 32]), Group> = HashMap::new();
    for (obj, digest, finding) in scanned.findings {
        let Some(idx) = blob_of(obj) else { continue };
        let key = (finding.rule, digest);
        match groups.get_mut(&key) {
            Some(group) => {
                group.blobs.insert(idx);
                // The first blob in ancestry order; within one, the first line.
                if (idx, finding.line, finding.column)
                    < (
                        group.first.blob,
                        group.first.finding.line,
                        group.first.finding.column,
                    )
                {
                    group.first = Seen { blob: idx, finding };
                }
            }
            None => {
                groups.insert(
                    key,
                    Group {
                        first: Seen { blob: idx, finding },
                        blobs: BTreeSet::from([idx]),
                    },
                );
            }
        }
    }
    let (from_packs, through_git) = (scanned.from_packs, scanned.through_git);
    let pack_notes = scanned.pack_notes;
    let scanned = scanned
        .scanned
        .iter()
        .filter(|(oid, _)| blob_of(*oid).is_some())
        .count();

    let head = if groups.is_empty() {
        HashSet::new()
    } else {
        match head.into_inner() {
            Some(head) => head?,
            None => head_blobs(&repo)?,
        }
    };
    let mut paths_of: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(blob, path) in &table.extra {
        paths_of.entry(blob).or_default().push(path);
    }
    for ((_, digest), group) in groups {
        let blob = &table.blobs[group.first.blob as usize];
        let mut finding = group.first.finding;
        // The scan read the blob under the path rev-list named; report where it first appeared.
        finding.path = crate::secret::redact_text(&table.paths[blob.path as usize]).into();
        let commit = hex(&table.commits[blob.commit as usize], repo.hex_len);
        let in_head = group
            .blobs
            .iter()
            .any(|&b| head.contains(&table.blobs[b as usize].oid));
        let mut paths: BTreeSet<&str> = BTreeSet::new();
        for &b in &group.blobs {
            paths.insert(&table.paths[table.blobs[b as usize].path as usize]);
            for &p in paths_of.get(&b).map(Vec::as_slice).unwrap_or(&[]) {
                paths.insert(&table.paths[p as usize]);
            }
        }
        let first_path = &*table.paths[blob.path as usize];
        paths.remove(first_path);
        let others = match paths.len() {
            0 => String::new(),
            1 => "; also at 1 other path".to_string(),
            n => format!("; also at {n} other paths"),
        };
        finding.message = format!(
            "{}; first added in commit {commit}{others}; {}",
            finding.message,
            if in_head {
                "still in HEAD"
            } else {
                "no longer in HEAD, but still in the repository's history"
            }
        )
        .into();
        finding.fix = Some(HISTORY_FIX.into());
        let digest_hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        finding.fingerprint =
            super::fingerprint(finding.rule, "", &format!("secret:{digest_hex}"), 0);
        finding.history = Some(Box::new(Provenance {
            commit,
            in_head,
            paths: paths.into_iter().map(crate::secret::redact_text).collect(),
        }));
        result.findings.push(finding);
    }
    result.files_scanned = scanned;
    result.history = Some(Coverage {
        commits: table.walked,
        blobs: scanned,
        shallow: repo.shallow,
        range: opts.range.map(str::to_string),
        from_packs,
        through_git,
        pack_notes,
        listing: table.listing.clone(),
    });
    // Two secrets at one place (a token replaced in another commit) sort by fingerprint, so
    // the order does not depend on the order the workers finished in.
    result
        .findings
        .sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    result.sort();
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_and_combined_records() {
        let a = "78981922613b2afb6025042ff6bd878ac1994e85";
        let b = "c1827f07e114c20547dc6a7296588870a4b5b62c";
        let c = "587be6b4c3f93f93c489c0111bba5596147a26cb";
        let z = "0000000000000000000000000000000000000000";
        let added = format!(":000000 100644 {z} {a} A");
        let (mode, oid) = parse_meta(added.as_bytes()).unwrap();
        assert_eq!(mode, b"100644");
        assert_eq!(oid, parse_oid(a.as_bytes()).unwrap());
        let merged = format!("::100644 100644 100755 {a} {b} {c} MM");
        let (mode, oid) = parse_meta(merged.as_bytes()).unwrap();
        assert_eq!(mode, b"100755");
        assert_eq!(oid, parse_oid(c.as_bytes()).unwrap());
        let deleted = format!(":100644 000000 {a} {z} D");
        let (mode, _) = parse_meta(deleted.as_bytes()).unwrap();
        assert!(!is_file_mode(mode));
        assert!(parse_meta(b":junk").is_none());
    }

    #[test]
    fn oids_round_trip_in_both_formats() {
        let sha1 = "78981922613b2afb6025042ff6bd878ac1994e85";
        let sha256 = "6f1ed002ab5595859014ebf0951522d9a2ea4c8a1c16b3f2d6ecb0f6b8f5e4d3";
        assert_eq!(hex(&parse_oid(sha1.as_bytes()).unwrap(), 40), sha1);
        assert_eq!(hex(&parse_oid(sha256.as_bytes()).unwrap(), 64), sha256);
        assert!(parse_oid(b"xyz").is_none());
        assert!(parse_oid(&[b'g'; 40]).is_none());
    }

    #[test]
    fn gate_passes_everything_the_rules_find() {
        use crate::config::{Config, Overrides};
        let mut config = Config::resolve(None, &Overrides::default()).unwrap();
        config.restrict_to(RULES);
        let linter = Linter::new(config).unwrap();
        let mut samples: Vec<(String, Vec<u8>)> = Vec::new();
        for rule in crate::catalogue::rules() {
            for ex in rule.lint.iter().flat_map(|l| &l.examples) {
                samples.push((ex.path.clone(), ex.code.clone().into_bytes()));
            }
        }
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        for (p, bytes) in crate::testing::files_under([data]) {
            samples.push((p.display().to_string(), bytes));
        }
        // One of each form the gate's words once missed: a token glued to `--body`, a typed
        // password in an API token slot beside its user's email, `-a`, `-u=` and `-u<tab>`,
        // a URL's user info, an `"email:secret"` string encoded, a login call named
        // otherwise, and a key written with `ſ` (each is an AT102 or AT104 finding).
        let forms: [(&str, &str); 9] = [
            (
                "body.sh",
                "JIRA_API_TOKEN --bodyAb3dEf6hIj9kLm2nOp5qRs8t\ncurl https://acme.atlassian.net\n",
            ),
            (
                "slot.yml",
                "jira:\n  email: jane@acmecorp.io\n  apiToken: \"Summer#2024x\"\n",
            ),
            (
                "a.sh",
                "curl -a=jane@acmecorp.io:Summer#2024x https://acme.atlassian.net/rest/api/3/myself\n",
            ),
            (
                "u.sh",
                "curl -u=jane@acmecorp.io:Summer#2024x https://acme.atlassian.net/rest/api/3/myself\n",
            ),
            (
                "tab.sh",
                "curl -u\tjane@acmecorp.io:Summer#2024x https://acme.atlassian.net/rest/api/3/myself\n",
            ),
            (
                "inline.py",
                "requests.get(\"https://jane@acmecorp.io:Summer#2024x@acme.atlassian.net/rest/api/3/myself\")\n",
            ),
            (
                "encode.py",
                "x = encode(\"jane@acmecorp.io:Summer#2024x\")\nrequests.get(\"https://acme.atlassian.net/rest/api/3/myself\", headers={\"A\": x})\n",
            ),
            (
                "call.js",
                "const c = basicCreds(\"jane@acmecorp.io\", \"Summer#2024x\");\nfetch(\"https://acme.atlassian.net/rest/api/3/myself\");\n",
            ),
            (
                "long_s.env",
                "JIRA_URL=https://acme.atlassian.net\nJIRA_PA\u{17f}SWORD=Summer#2024x\nJIRA_USER=jane@acmecorp.io\n",
            ),
        ];
        for (path, text) in forms {
            let (report, _) = linter.lint_blob(path, Path::new(path), text.as_bytes());
            assert!(!report.findings.is_empty(), "{path}: no finding");
            samples.push((path.to_string(), text.as_bytes().to_vec()));
        }
        let mut found = 0;
        for (path, bytes) in &samples {
            let (report, _) = linter.lint_blob(path, Path::new(path), bytes);
            if !report.findings.is_empty() {
                found += 1;
                assert!(
                    may_hold_secret(bytes),
                    "{path}: {} found, but the history gate would skip it",
                    report.findings[0].rule
                );
            }
        }
        assert!(found >= 19, "only {found} samples with secrets");
        assert!(!may_hold_secret(b"let value = config.request(jira, 42);\n"));
        assert!(!may_hold_secret(
            b"password = os.environ['JIRA_PASSWORD'] # login, auth, credential\n"
        ));
        assert!(may_hold_secret(b"JIRA_TOKEN=abcdefghij0123456789abcd\n"));
        assert!(!may_hold_secret(b"JIRA_TOKEN=abcdefghij0123456789abcde\n"));
        assert!(may_hold_secret(
            b"JIRA_TOKEN --bodyabcdefghij0123456789abcd\n"
        ));
        assert!(!may_hold_secret(
            b"JIRA_TOKEN --nobodyabcdefghij0123456789abcd\n"
        ));
        assert!(may_hold_secret(b"Authorization: BASIC x"));
        assert!(may_hold_secret(b"basic x"));
        assert!(!may_hold_secret(b"basically"));
        assert!(may_hold_secret(b"xATATT3"));
        assert!(may_hold_secret(b"user: j@x"));
        assert!(may_hold_secret(b"'jane.o'neil+x@acme-corp.io'"));
        assert!(!may_hold_secret(
            b"@media print { }\n@Override\n\"@types/node\" $@ x@ @"
        ));
        assert!(may_hold_secret(b"https://j%40x"));
        assert!(may_hold_secret(b"https://acme.atlassian.net"));
        assert!(may_hold_secret("pa\u{17f}s".as_bytes()));
        assert!(may_hold_secret("to\u{212a}en".as_bytes()));
        assert!(!may_hold_secret("caf\u{e9} \u{2026}".as_bytes()));
    }

    /// The gate's run finder, checked against the plain definition: a run of exactly 24
    /// ASCII letters and digits, or the word `basic` in any case, between non-alphanumerics.
    #[test]
    fn gate_strides_agree_with_a_byte_by_byte_reading() {
        fn plain(bytes: &[u8]) -> bool {
            bytes
                .split(|b| !b.is_ascii_alphanumeric())
                .any(|run| run.len() == 24 || run.eq_ignore_ascii_case(b"basic"))
        }
        let letters = b"aZ09bBaAsSiIcCxyz";
        let gaps = b" .=_-\n\"";
        let mut next = crate::testing::lcg(7);
        let mut hits = 0;
        for _ in 0..3000 {
            // Runs of 0 to 29 letters and digits (now and then a `basic` in some case)
            // between one or two non-alphanumerics, at any offset.
            let mut bytes = Vec::new();
            for _ in 0..next() % 6 {
                if next().is_multiple_of(8) {
                    for c in *b"basic" {
                        bytes.push(if next().is_multiple_of(2) { c } else { c - 32 });
                    }
                } else {
                    for _ in 0..next() % 30 {
                        bytes.push(letters[next() % letters.len()]);
                    }
                }
                for _ in 0..1 + next() % 2 {
                    bytes.push(gaps[next() % gaps.len()]);
                }
            }
            if next().is_multiple_of(2) {
                bytes.pop();
            }
            let want = plain(&bytes);
            hits += usize::from(want);
            assert_eq!(
                may_hold_secret(&bytes),
                want,
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
        assert!(hits > 300 && hits < 2700, "{hits} of 3000 cases hold a run");
        let at = |pad: usize| {
            let mut v = vec![b'.'; pad];
            v.extend_from_slice(&[b'k'; 24]);
            v.push(b'.');
            v
        };
        for pad in 0..50 {
            assert!(may_hold_secret(&at(pad)), "run at {pad}");
        }
    }

    /// `git` in `dir`, with no user or system configuration; its trimmed stdout.
    fn git(dir: &Path, args: &[&str]) -> String {
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

    /// A table as comparable values: commits, blobs in order (ID, commit, path), extra paths.
    type Plain = (
        Vec<Oid>,
        Vec<(Oid, u32, String)>,
        BTreeSet<(Oid, String)>,
        usize,
    );

    fn plain(t: &Table) -> Plain {
        let blobs = t
            .blobs
            .iter()
            .map(|b| (b.oid, b.commit, t.paths[b.path as usize].to_string()))
            .collect();
        let extra = t
            .extra
            .iter()
            .map(|&(b, p)| (t.blobs[b as usize].oid, t.paths[p as usize].to_string()))
            .collect();
        (t.commits.clone(), blobs, extra, t.walked)
    }

    /// The in-process walk gives exactly the table `rev-list | diff-tree` gives: the same
    /// commits, the same blobs in the same order with the same first commit and path, the
    /// same other paths; on a history with folders, renames, a file that becomes a folder,
    /// mode changes, a symbolic link that becomes a file, a submodule, a revert, an empty
    /// commit, merges (one resolving a conflict, one bringing a folder back), a side branch,
    /// a tag-only commit and an excluded folder; packed, half packed and loose.
    #[test]
    fn the_in_process_walk_lists_what_diff_tree_lists() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let g = |args: &[&str]| git(d, args);
        let write = |f: &str, c: &str| {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, c).unwrap();
        };
        let commit = |m: &str| {
            g(&["add", "-A"]);
            g(&["commit", "-q", "--allow-empty", "-m", m]);
        };
        g(&["init", "-q", "-b", "main"]);
        write("a.txt", "one\n");
        write("src/x/deep.rs", "deep\n");
        write("src/y.rs", "y\n");
        write("vendor/lib.rs", "one\n");
        commit("root");
        write("src/x/deep.rs", "deep 2\n");
        write("b.txt", "one\n");
        commit("edit and copy");
        g(&["mv", "src/y.rs", "src/z.rs"]);
        commit("rename");
        std::fs::set_permissions(
            d.join("a.txt"),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        commit("mode");
        std::os::unix::fs::symlink("a.txt", d.join("link")).unwrap();
        commit("symlink");
        std::fs::remove_file(d.join("link")).unwrap();
        write("link", "a.txt");
        commit("the link becomes a file with the same content");
        let blob = g(&["hash-object", "-w", "a.txt"]);
        g(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{blob},sub"),
        ]);
        g(&["commit", "-q", "-m", "submodule"]);
        commit("empty");
        g(&["checkout", "-q", "-b", "side"]);
        write("src/x/deep.rs", "side\n");
        write("side/only.txt", "side only\n");
        commit("side 1");
        g(&["checkout", "-q", "main"]);
        write("src/x/deep.rs", "main\n");
        g(&["rm", "-q", "b.txt"]);
        write("b.txt/inner", "now a folder\n");
        commit("main 1");
        let _ = Command::new("git")
            .current_dir(d)
            .args(["merge", "-q", "side"])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output();
        write("src/x/deep.rs", "resolved\n");
        commit("merge resolving a conflict");
        write("src/x/deep.rs", "deep 2\n");
        commit("revert to an earlier version");
        g(&["checkout", "-q", "-b", "tagged", "HEAD~3"]);
        write("tagged.txt", "tag only\n");
        commit("tagged");
        g(&["tag", "t1"]);
        g(&["checkout", "-q", "main"]);
        g(&["branch", "-q", "-D", "tagged"]);
        g(&["checkout", "-q", "-b", "back", "HEAD~4"]);
        write("side/only.txt", "side only\n");
        commit("the side folder again, separately");
        g(&["checkout", "-q", "main"]);
        g(&["merge", "-q", "--no-edit", "back"]);

        let exclude = |p: &str| p.starts_with("vendor/");
        let compare = |what: &str| {
            let repo = Repo::open(d, true).unwrap();
            let by_git = plain(&list(&repo, None, &exclude).unwrap());
            let laid = pack::lay_out(repo.objects.as_ref().unwrap(), 20);
            let walked = plain(&list_in_process(&repo, Some(&laid), &exclude).unwrap());
            assert!(by_git.0.len() >= 15 && by_git.1.len() >= 10, "{what}");
            assert_eq!(by_git, walked, "{what}");
        };
        compare("loose");
        g(&["gc", "-q"]);
        compare("packed");
        write("late.txt", "late\n");
        commit("loose after the pack");
        compare("half packed");
    }

    /// No tree reader at all (objects in an alternate store): the walk says so, and the run
    /// falls back to git (tested end to end in tests/lint/history.rs).
    #[test]
    fn the_walk_fails_where_it_cannot_read() {
        let tmp = tempfile::tempdir().unwrap();
        let origin = tmp.path().join("origin");
        std::fs::create_dir(&origin).unwrap();
        git(&origin, &["init", "-q", "-b", "main"]);
        std::fs::write(origin.join("f"), "x\n").unwrap();
        git(&origin, &["add", "f"]);
        git(&origin, &["commit", "-q", "-m", "c"]);
        git(tmp.path(), &["clone", "-q", "--shared", "origin", "clone"]);
        let repo = Repo::open(&tmp.path().join("clone"), true).unwrap();
        let laid = pack::lay_out(repo.objects.as_ref().unwrap(), 20);
        assert!(list_in_process(&repo, Some(&laid), &|_| false).is_err());
        assert_eq!(list(&repo, None, &|_| false).unwrap().blobs.len(), 1);
    }

    /// The folded single-pass word search agrees with the plain definition (prefixes in
    /// their own case, `basic` as a whole word in any case, the other words in any case), on
    /// random texts made of pieces of those words in mixed case, and across the folding
    /// pieces' edges.
    #[test]
    fn gate_words_agree_with_a_case_insensitive_reading() {
        fn plain(bytes: &[u8]) -> bool {
            let lower = bytes.to_ascii_lowercase();
            let has = |w: &[u8]| lower.windows(w.len()).any(|x| x == w);
            let alnum = |b: u8| b.is_ascii_alphanumeric();
            ["ATATT3", "ATCTT3", "ATOA", "ATBB"]
                .iter()
                .any(|p| bytes.windows(p.len()).any(|x| x == p.as_bytes()))
                || lower.windows(5).enumerate().any(|(i, x)| {
                    x == b"basic"
                        && (i == 0 || !alnum(bytes[i - 1]))
                        && bytes.get(i + 5).is_none_or(|&b| !alnum(b))
                })
                || GATE_WORDS[GATE_BASIC + 1..]
                    .iter()
                    .any(|w| has(w.as_bytes()))
        }
        let pieces: &[&[u8]] = &[
            b"ATA", b"TT3", b"ATC", b"atatt3", b"ATOA", b"AtBb", b"ATBB", b"bas", b"ic", b"BASIC",
            b".atlas", b"sian", b".NET", b".net", b"%4", b"0", b"%40", b"x", b"_", b" ", b"=",
            b"9", b"\n",
        ];
        let mut next = crate::testing::lcg(11);
        let mut hits = 0;
        for case in 0..2000 {
            let mut bytes = Vec::new();
            for _ in 0..next() % 12 {
                bytes.extend_from_slice(pieces[next() % pieces.len()]);
            }
            if case % 50 == 0 {
                // Across a folding piece's edge: the text ends a little past it.
                let pad = FOLD_PIECE - 1 - next() % 14;
                let mut long = vec![b'.'; pad];
                long.extend_from_slice(&bytes);
                bytes = long;
            }
            let want = plain(&bytes);
            hits += usize::from(want);
            assert_eq!(
                words_in(&bytes),
                want,
                "{:?}",
                String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(60)..])
            );
        }
        assert!(
            hits > 400 && hits < 1900,
            "{hits} of 2000 cases hold a word"
        );
        // Every place of a word across two pieces' edge.
        for word in [".atlassian.net", "%40", "ATATT3", "basic"] {
            for pad in FOLD_PIECE - 15..FOLD_PIECE + 2 {
                let mut v = vec![b' '; pad];
                v.extend_from_slice(word.as_bytes());
                v.push(b' ');
                assert!(words_in(&v), "{word} at {pad}");
            }
        }
        assert!(!words_in(b"basically atatt3 ATat .atlassian .net %4 0"));
    }

    #[test]
    fn ranges_refuse_options() {
        assert_eq!(
            parse_range("origin/main..HEAD").unwrap(),
            ["origin/main..HEAD"]
        );
        assert_eq!(parse_range(" HEAD ^v1 ").unwrap(), ["HEAD", "^v1"]);
        assert!(parse_range("--output=/tmp/x").is_err());
        assert!(parse_range("  ").is_err());
    }
}
