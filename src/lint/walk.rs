//! Walking the tree and reading each file once.
//!
//! The walk uses the `ignore` crate (ripgrep's walker): `.gitignore`, `.ignore` and git's
//! exclude files are respected unless `--no-ignore`; hidden files and folders are scanned
//! (credentials live in `.env` and `.github/`), `.git/` is not; symbolic links are not
//! followed, so a link loop cannot trap the walk. Each file is read once, checked for binary
//! content and decoded; nothing of it is kept after its visitor returns.
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use super::kind::FileKind;

/// Default size limit: larger files are skipped (`--max-filesize`).
pub const DEFAULT_MAX_FILESIZE: u64 = 8 * 1024 * 1024;

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub max_filesize: u64,
    /// Globs (relative to `exclude_root`) of paths the walk skips.
    pub exclude: Option<GlobSet>,
    pub exclude_root: PathBuf,
    /// Worker threads; 0 lets the walker choose (one per core).
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            max_filesize: DEFAULT_MAX_FILESIZE,
            exclude: None,
            exclude_root: PathBuf::from("."),
            threads: 0,
        }
    }
}

/// A file read (and found not to be binary), ready to scan. Decoding is left to the
/// consumer: the linter's prefilter runs on the bytes, and most files are never decoded.
pub struct Source<'a> {
    pub path: &'a Path,
    /// The path as reported: relative where possible, `/`-separated.
    pub display: String,
    pub bytes: &'a [u8],
}

impl Source<'_> {
    /// The text: UTF-8 (lossy where invalid), or UTF-16 with a byte-order mark.
    pub fn text(&self) -> Cow<'_, str> {
        decode(self.bytes).unwrap_or(Cow::Borrowed(""))
    }

    /// The file kind, from the name (and a shebang for extension-less scripts).
    pub fn kind(&self, text: &str) -> FileKind {
        FileKind::detect(self.path, first_line(text))
    }
}

/// Why a file was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    TooLarge(u64),
    /// Not a regular file (a FIFO, a socket, a device).
    NotRegular,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Binary => f.write_str("binary file"),
            SkipReason::TooLarge(n) => {
                write!(f, "file is {n} bytes, over the size limit (--max-filesize)")
            }
            SkipReason::NotRegular => f.write_str("not a regular file"),
        }
    }
}

/// What the walk hands to its visitor.
pub enum Visit<'a> {
    File(Source<'a>),
    Skipped {
        display: String,
        reason: SkipReason,
    },
    /// A file or folder that could not be read: an I/O error (exit code 2).
    Error {
        display: String,
        message: String,
    },
}

/// The path as atlcheck reports it: relative to the current directory when below it,
/// without a leading `./`, with `/` separators.
pub fn display_path(path: &Path) -> String {
    // The current directory, asked once per process rather than once per file.
    let rel = cwd()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    if s.is_empty() { ".".to_string() } else { s }
}

/// Decode file bytes: UTF-8 (lossy if invalid), UTF-16 with a byte-order mark. Returns `None`
/// for binary content (a NUL byte in the first 8 KiB of a non-UTF-16 file).
pub fn decode(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return Some(Cow::Owned(String::from_utf16_lossy(&units)));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return Some(Cow::Owned(String::from_utf16_lossy(&units)));
    }
    if is_binary(bytes) {
        return None;
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    Some(String::from_utf8_lossy(bytes))
}

fn first_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or("")
}

/// Read one file and hand it to the visitor.
fn visit_file(
    path: &Path,
    len: Option<u64>,
    opts: &WalkOptions,
    visit: &(dyn Fn(Visit<'_>) + Sync),
) {
    let display = display_path(path);
    if let Some(len) = len
        && len > opts.max_filesize
    {
        return visit(Visit::Skipped {
            display,
            reason: SkipReason::TooLarge(len),
        });
    }
    thread_local! {
        // One read buffer per walker thread, reused for every file.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        read_into(path, opts, display, &mut buf, visit);
        // Do not keep a huge buffer alive after a huge file.
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new();
        }
    });
}

fn read_into(
    path: &Path,
    opts: &WalkOptions,
    display: String,
    buf: &mut Vec<u8>,
    visit: &(dyn Fn(Visit<'_>) + Sync),
) {
    match read_capped(path, opts.max_filesize, buf) {
        Ok(true) => {}
        Err(crate::input::ReadError::NotRegular(_)) => {
            return visit(Visit::Skipped {
                display,
                reason: SkipReason::NotRegular,
            });
        }
        Err(e) => {
            return visit(Visit::Error {
                display,
                message: e.to_string(),
            });
        }
        Ok(false) => {
            let len = std::fs::metadata(path)
                .map(|m| m.len())
                .unwrap_or(opts.max_filesize + 1);
            return visit(Visit::Skipped {
                display,
                reason: SkipReason::TooLarge(len),
            });
        }
    }
    if is_binary(buf) {
        return visit(Visit::Skipped {
            display,
            reason: SkipReason::Binary,
        });
    }
    visit(Visit::File(Source {
        path,
        display,
        bytes: buf,
    }));
}

/// A NUL byte in the first 8 KiB, outside UTF-16 text.
pub fn is_binary(bytes: &[u8]) -> bool {
    !(bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]))
        && bytes[..bytes.len().min(8192)].contains(&0)
}

/// Read at most `cap` bytes into `buf`; `false` if the file is larger (it grew, or had no
/// known size).
fn read_capped(path: &Path, cap: u64, buf: &mut Vec<u8>) -> Result<bool, crate::input::ReadError> {
    // Non-blocking open and a check on the open file: a file swapped for a FIFO between the
    // walk and the read is skipped, not waited on.
    let file = crate::input::open_regular(path)?;
    buf.clear();
    file.take(cap + 1).read_to_end(buf)?;
    Ok(buf.len() as u64 <= cap)
}

/// The ignore files the walker reads in a folder (`.gitignore`, `.ignore`, git's exclude).
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore", ".git/info/exclude"];

/// An ignore file in `dir` that the walker must not read: not a regular file (a FIFO would
/// block the walk, `/dev/zero` exhaust memory) or larger than [`crate::input::IGNORE_FILE_CAP`].
pub fn unsafe_ignore_file(dir: &Path) -> Option<(PathBuf, String)> {
    IGNORE_FILES.iter().find_map(|name| {
        let p = dir.join(name);
        // Follows symbolic links, as the walker does when it opens the file.
        let meta = std::fs::metadata(&p).ok()?;
        if let Some(kind) = crate::input::kind_of(&meta) {
            return Some((p, format!("is a {kind}, not a regular file: not read")));
        }
        (meta.len() > crate::input::IGNORE_FILE_CAP).then(|| {
            (
                p,
                format!(
                    "is larger than {} MiB: not read",
                    crate::input::IGNORE_FILE_CAP >> 20
                ),
            )
        })
    })
}

/// Files the walk left out because the configuration's `exclude` matched them (or a folder
/// of theirs), counted for "every path was excluded".
pub static EXCLUDED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn excluded(path: &Path, opts: &WalkOptions) -> bool {
    opts.exclude
        .as_ref()
        .is_some_and(|set| is_excluded(path, set, &opts.exclude_root))
}

fn cwd() -> Option<&'static PathBuf> {
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_ref()
}

/// Does an `exclude` glob set (relative to `root`) exclude `path` or one of its folders?
/// The walk applies it to what it discovers; `--force-exclude` to files named on the command
/// line, and `--staged` to staged files. A configuration found in the current folder has
/// the empty path as its folder: that is `.`, not a prefix of everything.
pub fn is_excluded(path: &Path, set: &GlobSet, root: &Path) -> bool {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let absolute = |p: &Path| match cwd() {
        Some(c) if p.is_relative() => c.join(p.strip_prefix(".").unwrap_or(p)),
        _ => p.to_path_buf(),
    };
    let (abs, root) = (absolute(path), absolute(root));
    let rel = abs
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.strip_prefix(".").unwrap_or(path).to_path_buf());
    set.is_match(&rel)
        || rel
            .ancestors()
            .skip(1)
            .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
}

/// Walk every input (files or folders) in parallel, calling `visit` for each file.
/// Files named explicitly are always scanned (excludes apply to what the walk discovers).
pub fn walk(inputs: &[PathBuf], opts: &WalkOptions, visit: &(dyn Fn(Visit<'_>) + Sync)) {
    let mut dirs = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Ok(meta) if meta.is_dir() => dirs.push(input.clone()),
            Ok(meta) if meta.is_file() => visit_file(input, Some(meta.len()), opts, visit),
            Ok(_) => visit(Visit::Skipped {
                display: display_path(input),
                reason: SkipReason::NotRegular,
            }),
            Err(e) => visit(Visit::Error {
                display: display_path(input),
                message: e.to_string(),
            }),
        }
    }
    if !opts.no_ignore {
        // The walker reads the ignore files of each root and of its parents before it
        // starts: one that would block or exhaust memory stops that root, as an I/O error.
        dirs.retain(|d| {
            let abs = std::path::absolute(d).unwrap_or_else(|_| d.clone());
            let bad = abs.ancestors().find_map(unsafe_ignore_file);
            if let Some((file, why)) = &bad {
                visit(Visit::Error {
                    display: display_path(file),
                    message: format!("{why}; remove it or use --no-ignore"),
                });
            }
            bad.is_none()
        });
    }
    let bad_ignore_files: std::sync::Arc<std::sync::Mutex<Vec<(PathBuf, String)>>> =
        std::sync::Arc::default();
    let Some((first, rest)) = dirs.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for d in rest {
        builder.add(d);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .git_ignore(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .parents(!opts.no_ignore)
        .threads(opts.threads)
        .filter_entry({
            let bad = bad_ignore_files.clone();
            let check = !opts.no_ignore;
            move |e| {
                if e.file_name() == ".git" {
                    return false;
                }
                // Before the walker descends and reads this folder's ignore files.
                if check
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && let Some(found) = unsafe_ignore_file(e.path())
                {
                    bad.lock().unwrap_or_else(|p| p.into_inner()).push(found);
                    return false;
                }
                true
            }
        });
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let display = err_path(&err).map(|p| display_path(&p)).unwrap_or_default();
                    visit(Visit::Error {
                        display,
                        message: err.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                if entry.depth() > 0 && excluded(entry.path(), opts) {
                    EXCLUDED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            }
            if excluded(entry.path(), opts) {
                EXCLUDED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return WalkState::Continue;
            }
            if ft.is_symlink() {
                // Not followed: a link to a file outside the tree, or a loop, is not scanned.
                return WalkState::Continue;
            }
            if !ft.is_file() {
                visit(Visit::Skipped {
                    display: display_path(entry.path()),
                    reason: SkipReason::NotRegular,
                });
                return WalkState::Continue;
            }
            // No stat per file: the capped read itself finds files over the size limit.
            visit_file(entry.path(), None, opts, visit);
            WalkState::Continue
        })
    });
    let bad = std::mem::take(&mut *bad_ignore_files.lock().unwrap_or_else(|p| p.into_inner()));
    for (file, why) in bad {
        visit(Visit::Error {
            display: display_path(&file),
            message: format!("{why}; its folder was not scanned (remove it or use --no-ignore)"),
        });
    }
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(decode(b"abc").unwrap(), "abc");
        assert!(decode(b"ab\0c").is_none());
        assert_eq!(decode(&[0xFF, 0xFE, b'h', 0, b'i', 0]).unwrap(), "hi");
        assert_eq!(decode(&[0xEF, 0xBB, 0xBF, b'x']).unwrap(), "x");
        assert_eq!(decode(&[b'a', 0xFF, b'b']).unwrap(), "a\u{FFFD}b");
    }
}
