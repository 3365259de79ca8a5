//! Configuration: `.atlcheck.toml`, `atlcheck.toml`, or `[tool.atlcheck]` in
//! `pyproject.toml`, discovered by walking up from the scanned path to the repository root
//! (the first folder holding `.git`); the nearest file wins. `--config FILE` names one
//! explicitly, `--isolated` ignores them all. Unknown keys are errors that name the line.
//!
//! ```toml
//! select = ["AT1", "AT201"]          # rule codes or prefixes; default: all lint rules
//! ignore = ["AT302"]
//! fail-on = "warning"                # lowest severity that fails the run
//! exclude = ["vendor/**", "docs/**"] # globs relative to this file's folder
//! service-accounts = ["ci-bot@acme.com", "*@bots.acme.com"]  # treated like service accounts (AT101)
//! org-ids = ["1b2c3d4e-...."]        # organization IDs (AT204)
//!
//! [severity]
//! AT201 = "error"
//!
//! [per-file-ignores]
//! "tests/**" = ["AT102", "AT103"]
//! ```
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::catalogue::{self, Severity};

pub const FILE_NAMES: &[&str] = &[".atlcheck.toml", "atlcheck.toml", "pyproject.toml"];

/// The file format, shared by the standalone files and `[tool.atlcheck]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub service_accounts: Vec<String>,
    #[serde(default)]
    pub org_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_filesize: Option<u64>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
}

/// The resolved configuration of one run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from, if from a file.
    pub source: Option<PathBuf>,
    /// Folder globs are relative to.
    pub root: PathBuf,
    enabled: Vec<&'static str>,
    severity: BTreeMap<&'static str, Severity>,
    pub fail_on: Severity,
    pub service_accounts: Vec<String>,
    pub org_ids: Vec<String>,
    pub max_filesize: Option<u64>,
    pub exclude: Option<GlobSet>,
    per_file: Vec<(GlobSet, Vec<&'static str>)>,
    pub file: ConfigFile,
}

/// A configuration problem: always names the file, and the line where it can.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

fn err(msg: impl Into<String>) -> ConfigError {
    ConfigError(msg.into())
}

fn expand(
    selectors: &[String],
    what: &str,
    origin: &str,
) -> Result<Vec<&'static str>, ConfigError> {
    let mut out = Vec::new();
    for s in selectors {
        let codes = catalogue::expand_selector(s).ok_or_else(|| {
            err(format!(
                "{origin}: unknown rule `{s}` in {what} (see `atlcheck rules`)"
            ))
        })?;
        out.extend(codes);
    }
    Ok(out)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::lines::LineIndex::new(text).position(text, offset.min(text.len()))
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let msg = e.message().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            err(format!(
                "invalid configuration {}:{line}:{col}: {msg}",
                path.display()
            ))
        }
        None => err(format!("invalid configuration {}: {msg}", path.display())),
    }
}

/// Read a configuration file. For `pyproject.toml`, returns `None` when it has no
/// `[tool.atlcheck]` table.
pub fn read_file(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    // Bounded, and a FIFO or device is refused rather than waited on.
    let text = crate::input::read_text(path, crate::input::CONFIG_CAP)
        .map_err(|e| err(format!("cannot read configuration {}: {e}", path.display())))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    if !is_pyproject {
        return toml::from_str::<ConfigFile>(&text)
            .map(Some)
            .map_err(|e| toml_error(path, &text, &e));
    }
    let doc: toml::Table = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    let Some(section) = doc.get("tool").and_then(|t| t.get("atlcheck")) else {
        return Ok(None);
    };
    section
        .clone()
        .try_into::<ConfigFile>()
        .map(Some)
        .map_err(|e| {
            // Values lose their spans once extracted: find the offending key in the section.
            let msg = e.message().replace('\n', " ");
            let key = msg.split('`').nth(1).unwrap_or("");
            let header = text.find("[tool.atlcheck").unwrap_or(0);
            let at = (!key.is_empty())
                .then(|| {
                    text[header..]
                        .match_indices(key)
                        .map(|(i, _)| header + i)
                        .find(|&i| {
                            text[..i].ends_with('\n')
                                || text[..i].ends_with(' ')
                                || text[..i].ends_with('"')
                        })
                })
                .flatten()
                .unwrap_or(header);
            let (line, col) = line_col(&text, at);
            err(format!(
                "invalid configuration {}:{line}:{col}: {msg} (in [tool.atlcheck])",
                path.display()
            ))
        })
}

/// Find the nearest configuration file, walking up from `start`, and no further than:
/// - the repository root (the nearest folder above `start` holding `.git`), inside a repository;
/// - outside one, the folder being linted, or the current folder when that folder is below it.
///
/// A stray `.atlcheck.toml` in a shared parent (`/tmp`) can therefore never configure a run.
pub fn discover(start: &Path) -> Result<Option<(PathBuf, ConfigFile)>, ConfigError> {
    let start = if start.is_file() {
        start.parent().unwrap_or(Path::new("."))
    } else {
        start
    };
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::path::absolute(c).ok());
    let boundary = discovery_boundary(&start, cwd.as_deref());
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(cfg) = read_file(&candidate)?
            {
                return Ok(Some((candidate, cfg)));
            }
        }
        if dir == boundary {
            break;
        }
    }
    Ok(None)
}

/// The highest folder configuration discovery may reach from `start` (see [`discover`]).
pub fn discovery_boundary(start: &Path, cwd: Option<&Path>) -> PathBuf {
    if let Some(repo) = start.ancestors().find(|d| d.join(".git").exists()) {
        return repo.to_path_buf();
    }
    match cwd {
        Some(c) if start.starts_with(c) => c.to_path_buf(),
        _ => start.to_path_buf(),
    }
}

fn globset(patterns: &[String], origin: &str) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| err(format!("{origin}: invalid glob `{p}`: {e}")))?;
        b.add(glob);
        // `dir` also means everything below it.
        if !p.contains('*') {
            let below = format!("{}/**", p.trim_end_matches('/'));
            b.add(
                Glob::new(&below).map_err(|e| err(format!("{origin}: invalid glob `{p}`: {e}")))?,
            );
        }
    }
    b.build().map_err(|e| err(format!("{origin}: {e}")))
}

/// Command-line settings that override the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    pub max_filesize: Option<u64>,
}

impl Config {
    /// Resolve the configuration from an optional file and the command line.
    pub fn resolve(
        source: Option<(PathBuf, ConfigFile)>,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let (source, file) = match source {
            Some((p, f)) => (Some(p), f),
            None => (None, ConfigFile::default()),
        };
        let origin = source
            .as_ref()
            .map_or("command line".to_string(), |p| p.display().to_string());
        let root = source
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")));
        let lint_codes: Vec<&'static str> = catalogue::rules()
            .iter()
            .filter(|r| r.has_mode(catalogue::Mode::Lint))
            .map(|r| r.code.as_str())
            .collect();
        let mut enabled: Vec<&'static str> = if !overrides.select.is_empty() {
            expand(&overrides.select, "--select", "command line")?
        } else if let Some(sel) = &file.select {
            expand(sel, "select", &origin)?
        } else {
            lint_codes.clone()
        };
        let mut ignored = expand(&file.ignore, "ignore", &origin)?;
        ignored.extend(expand(&overrides.ignore, "--ignore", "command line")?);
        enabled.retain(|c| !ignored.contains(c));
        enabled.sort_unstable();
        enabled.dedup();
        let mut severity = BTreeMap::new();
        for (code, sev) in &file.severity {
            for c in expand(std::slice::from_ref(code), "[severity]", &origin)? {
                severity.insert(c, *sev);
            }
        }
        let mut per_file = Vec::new();
        for (glob, codes) in &file.per_file_ignores {
            per_file.push((
                globset(std::slice::from_ref(glob), &origin)?,
                expand(codes, "[per-file-ignores]", &origin)?,
            ));
        }
        for id in &file.org_ids {
            if !crate::surface::is_uuid(id) {
                return Err(err(format!("{origin}: org-ids entry `{id}` is not a UUID")));
            }
        }
        let exclude = if file.exclude.is_empty() {
            None
        } else {
            Some(globset(&file.exclude, &origin)?)
        };
        Ok(Config {
            source,
            root,
            enabled,
            severity,
            fail_on: overrides
                .fail_on
                .or(file.fail_on)
                .unwrap_or(Severity::Warning),
            service_accounts: file.service_accounts.clone(),
            org_ids: file
                .org_ids
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            max_filesize: overrides.max_filesize.or(file.max_filesize),
            exclude,
            per_file,
            file,
        })
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains(&code)
    }

    pub fn enabled(&self) -> &[&'static str] {
        &self.enabled
    }

    /// Does this configuration check nothing at all: no rule enabled (`select = []`, `ignore`
    /// of every code), or every enabled rule ignored for every path by a `[per-file-ignores]`
    /// glob that matches any path (`**`, `*`)? Such a run must say so rather than look clean
    /// (issue 12, class 6).
    pub fn checks_nothing(&self) -> bool {
        if self.enabled.is_empty() {
            return true;
        }
        let probes = ["x", "a/b/c.sh", ".github/workflows/ci.yml", "src/main.rs"];
        let everywhere: Vec<&str> = self
            .per_file
            .iter()
            .filter(|(set, _)| probes.iter().all(|p| set.is_match(p)))
            .flat_map(|(_, codes)| codes.iter().copied())
            .collect();
        self.enabled.iter().all(|c| everywhere.contains(c))
    }

    /// Keep only the enabled rules among `codes` (`lint --history` reads secrets only).
    pub fn restrict_to(&mut self, codes: &[crate::catalogue::Code]) {
        self.enabled
            .retain(|c| codes.iter().any(|k| k.as_str() == *c));
    }

    pub fn severity_of(&self, code: &str, default: Severity) -> Severity {
        self.severity.get(code).copied().unwrap_or(default)
    }

    /// Is `code` switched off for this reported path by `[per-file-ignores]`?
    pub fn is_ignored_for_path(&self, display: &str, code: &str) -> bool {
        if self.per_file.is_empty() {
            return false;
        }
        let abs = std::path::absolute(display).unwrap_or_else(|_| PathBuf::from(display));
        let rel = abs
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| PathBuf::from(display));
        self.per_file
            .iter()
            .any(|(set, codes)| codes.contains(&code) && set.is_match(&rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_stops_at_the_repository_or_the_linted_folder() {
        let t = Path::new("/tmp/shared/project/src");
        // Outside a repository: the linted folder, or the current folder above it.
        assert_eq!(discovery_boundary(t, Some(Path::new("/elsewhere"))), t);
        assert_eq!(
            discovery_boundary(t, Some(Path::new("/tmp/shared/project"))),
            Path::new("/tmp/shared/project")
        );
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("a/b")).unwrap();
        assert_eq!(discovery_boundary(&repo.join("a/b"), None), repo);
        // A stray configuration above the boundary is never read.
        std::fs::write(dir.path().join(".atlcheck.toml"), "exclude = [\"**\"]\n").unwrap();
        let plain = dir.path().join("plain");
        std::fs::create_dir_all(&plain).unwrap();
        assert!(discover(&plain).unwrap().is_none());
        assert!(discover(&repo.join("a/b")).unwrap().is_none());
    }

    #[test]
    fn unknown_key_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".atlcheck.toml");
        std::fs::write(&p, "ignore = [\"AT302\"]\nselekt = [\"AT1\"]\n").unwrap();
        let e = read_file(&p).unwrap_err().to_string();
        assert!(e.contains(":2:1:"), "{e}");
        assert!(e.contains("selekt"), "{e}");
    }

    #[test]
    fn pyproject_section() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pyproject.toml");
        std::fs::write(
            &p,
            "[project]\nname = \"x\"\n\n[tool.atlcheck]\nignore = [\"AT302\"]\nbogus = 1\n",
        )
        .unwrap();
        let e = read_file(&p).unwrap_err().to_string();
        assert!(e.contains(":6:1:"), "{e}");
        std::fs::write(&p, "[project]\nname = \"x\"\n").unwrap();
        assert!(read_file(&p).unwrap().is_none());
    }

    #[test]
    fn select_and_ignore_expand_prefixes() {
        let file = ConfigFile {
            select: Some(vec!["AT2".into()]),
            ignore: vec!["AT205".into()],
            ..Default::default()
        };
        let cfg = Config::resolve(
            Some((PathBuf::from("/x/.atlcheck.toml"), file)),
            &Overrides::default(),
        )
        .unwrap();
        assert!(cfg.is_enabled("AT201"));
        assert!(!cfg.is_enabled("AT205"));
        assert!(!cfg.is_enabled("AT101"));
        let bad = ConfigFile {
            ignore: vec!["AT999".into()],
            ..Default::default()
        };
        assert!(
            Config::resolve(
                Some((PathBuf::from("/x/c.toml"), bad)),
                &Overrides::default()
            )
            .is_err()
        );
    }
}
