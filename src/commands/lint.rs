//! `atlcheck lint`: resolve the configuration, scan, report, choose the exit code.
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::catalogue::Severity;
use crate::cli::{GlobalArgs, LintArgs, LintFormat};
use crate::config::{self, Config, Overrides};
use crate::lint::baseline::{self, Baseline, BaselineOutcome};
use crate::lint::walk::{self, WalkOptions};
use crate::lint::{self, FileKind, Input, Linter};
use crate::{ExitStatus, output};

fn load_config(args: &LintArgs) -> anyhow::Result<Config> {
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(Severity::from),
        max_filesize: args.max_filesize,
    };
    let source = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        match config::read_file(path)? {
            Some(cfg) => Some((path.clone(), cfg)),
            None => anyhow::bail!("{} has no [tool.atlcheck] table", path.display()),
        }
    } else {
        let start = match args.paths.first() {
            Some(p) if p.as_os_str() != "-" => p.clone(),
            _ => args
                .stdin_filename
                .as_ref()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        config::discover(&start)?
    };
    Ok(Config::resolve(source, &overrides)?)
}

fn read_stdin(args: &LintArgs, max_filesize: u64) -> anyhow::Result<Input> {
    // `--max-filesize` holds for standard input too (`lint - </dev/zero` must not exhaust memory).
    let bytes = crate::input::read_stdin(max_filesize).map_err(|e| match e {
        crate::input::ReadError::TooLarge(_) => anyhow::anyhow!(
            "standard input is larger than the size limit ({max_filesize} bytes, --max-filesize)"
        ),
        e => anyhow::anyhow!("cannot read standard input: {e}"),
    })?;
    let text = walk::decode(&bytes)
        .ok_or_else(|| anyhow::anyhow!("standard input is binary"))?
        .into_owned();
    let (display, kind) = match &args.stdin_filename {
        Some(p) => (
            walk::display_path(p),
            FileKind::detect(p, text.lines().next().unwrap_or("")),
        ),
        None => (
            "<stdin>".to_string(),
            FileKind::detect(Path::new("stdin"), text.lines().next().unwrap_or("")),
        ),
    };
    Ok(Input::Stdin {
        display,
        kind,
        text,
    })
}

/// `--format` when given; else `github` inside GitHub Actions, `human` everywhere else.
pub fn resolve_format(flag: Option<LintFormat>, github_actions: Option<&str>) -> LintFormat {
    flag.unwrap_or(if github_actions == Some("true") {
        LintFormat::Github
    } else {
        LintFormat::Human
    })
}

/// The paths to walk; with `--force-exclude`, files named explicitly that the configuration
/// excludes are dropped (pre-commit passes every staged file by name).
fn explicit_paths(args: &LintArgs, opts: &WalkOptions) -> Vec<PathBuf> {
    let (true, Some(set)) = (args.force_exclude, &opts.exclude) else {
        return args.paths.clone();
    };
    args.paths
        .iter()
        .filter(|p| {
            let out = lint::staged::excluded(p, set, &opts.exclude_root);
            if out {
                walk::EXCLUDED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            !out
        })
        .cloned()
        .collect()
}

/// `--baseline` and `--write-baseline`: drop accepted findings, remember what was stale.
/// With both, new findings are judged against the old baseline and the new one records them all.
fn apply_baseline(
    args: &LintArgs,
    quiet: bool,
    result: &mut lint::LintResult,
    covered: &[String],
) -> anyhow::Result<Option<BaselineOutcome>> {
    let old = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let covers = |p: &str| baseline::covers(covered, p);
    let history = result.history.is_some();
    let apply = |b: &Baseline, findings: &mut Vec<lint::Finding>| {
        if history {
            b.apply_by_fingerprint(findings)
        } else {
            b.apply(findings, covers)
        }
    };
    if let Some(path) = &args.write_baseline {
        // Reasons written by hand survive a rewrite.
        let keep = old.clone().or_else(|| Baseline::read(path).ok());
        let written = Baseline::from_findings(&result.findings, keep.as_ref());
        written.write(path)?;
        if !quiet {
            crate::errln!(
                "atlcheck: wrote {} baseline entries to {}",
                written.entries.len(),
                path.display()
            );
        }
        if old.is_none() {
            // Recording a baseline accepts every current finding.
            let applied = apply(&written, &mut result.findings);
            return Ok(Some(BaselineOutcome::new(path, applied)));
        }
    }
    match (&args.baseline, old) {
        (Some(path), Some(old)) => {
            let applied = apply(&old, &mut result.findings);
            Ok(Some(BaselineOutcome::new(path, applied)))
        }
        _ => Ok(None),
    }
}

pub fn run(global: &GlobalArgs, args: LintArgs) -> anyhow::Result<ExitStatus> {
    let history = args.history || args.history_range.is_some();
    let mut config = load_config(&args)?;
    if history {
        config.restrict_to(lint::history::RULES);
        if config.enabled().is_empty() {
            anyhow::bail!(
                "--history scans for secrets only (AT102, AT103, AT104), and --select, --ignore or the configuration leave none of them enabled"
            );
        }
    }
    if global.verbose {
        // Which file configures this run (discovery stops at the repository root, or outside
        // a repository at the folder being linted).
        match &config.source {
            Some(p) => crate::errln!(
                "atlcheck: note: configuration: {}",
                crate::secret::safe_text(&p.display().to_string())
            ),
            None if args.isolated => {
                crate::errln!("atlcheck: note: configuration: none (--isolated)")
            }
            None => crate::errln!(
                "atlcheck: note: configuration: none found (defaults); discovery stops at the repository root, or outside a repository at the folder being linted"
            ),
        }
    }
    if args.show_config {
        let mut out = output::destination(args.output_file.as_deref())?;
        writeln!(
            out,
            "# source: {}",
            config
                .source
                .as_ref()
                .map_or("(none: defaults)".to_string(), |p| p.display().to_string())
        )?;
        writeln!(out, "# enabled rules: {}", config.enabled().join(", "))?;
        write!(out, "{}", toml::to_string_pretty(&config.file)?)?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let format = resolve_format(args.format, std::env::var("GITHUB_ACTIONS").ok().as_deref());
    let stdin_count = args.paths.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 0 && history {
        anyhow::bail!(
            "--history scans a git repository: `-` (standard input) cannot be combined with it"
        );
    }
    if stdin_count > 0 && (args.paths.len() > 1 || args.staged) {
        anyhow::bail!("`-` (standard input) cannot be combined with other paths or --staged");
    }
    if history && args.paths.len() > 1 {
        anyhow::bail!(
            "--history takes one repository folder, not {} paths",
            args.paths.len()
        );
    }
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        max_filesize: config.max_filesize.unwrap_or(walk::DEFAULT_MAX_FILESIZE),
        exclude: config.exclude.clone(),
        exclude_root: config.root.clone(),
        threads: 0,
    };
    let fail_on = config.fail_on;
    let config_source = config.source.clone();
    let checks_nothing = config.checks_nothing();
    let linter = Linter::new(config)?;
    let linter = if format == LintFormat::Human {
        linter
    } else {
        linter.without_frames()
    };
    let progress = output::progress::Progress::start_counting(
        format == LintFormat::Human && args.output_file.is_none() && !global.quiet,
        if history { "blobs" } else { "files" },
    );
    // What this run covers, for the baseline's stale entries.
    let (mut result, covered) = if history {
        let repo = args.paths.first().cloned();
        let options = lint::history::Options {
            repo: repo.as_deref().unwrap_or(Path::new(".")),
            explicit: repo.is_some(),
            range: args.history_range.as_deref(),
            walk: &opts,
        };
        match lint::history::run(&linter, &options) {
            Ok(result) => (result, vec![".".to_string()]),
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        }
    } else if args.staged {
        lint::staged::run(&linter, &args.paths, &opts)?
    } else {
        let input = if stdin_count == 1 {
            read_stdin(&args, opts.max_filesize)?
        } else if args.paths.is_empty() {
            Input::Paths(vec![PathBuf::from(".")])
        } else {
            Input::Paths(explicit_paths(&args, &opts))
        };
        let covered = match &input {
            Input::Paths(paths) => paths.iter().map(|p| walk::display_path(p)).collect(),
            Input::Stdin { display, .. } => vec![display.clone()],
        };
        (lint::run(&linter, input, &opts), covered)
    };
    progress.finish();
    let excluded = walk::EXCLUDED.load(std::sync::atomic::Ordering::Relaxed);
    if result.files_scanned == 0 && result.skipped.is_empty() && excluded > 0 && !global.quiet {
        // "No findings in 0 files" must not look like a clean run.
        crate::errln!(
            "atlcheck: warning: every path was excluded by the configuration ({}: exclude); nothing was scanned",
            config_source
                .as_deref()
                .map_or("command line".to_string(), |p| crate::secret::safe_text(
                    &p.display().to_string()
                ))
        );
    }

    if checks_nothing && !global.quiet {
        // Nor must a configuration that switches every rule off (issue 12, class 6).
        crate::errln!(
            "atlcheck: warning: no rule is checked: the configuration ({}: select, ignore or per-file-ignores) or --select/--ignore switches every rule off",
            config_source
                .as_deref()
                .map_or("command line".to_string(), |p| crate::secret::safe_text(
                    &p.display().to_string()
                ))
        );
    }

    let baseline = apply_baseline(&args, global.quiet, &mut result, &covered)?;

    if format != LintFormat::Human || args.output_file.is_some() {
        output::color::disable();
    }
    for (path, message) in &result.errors {
        // The path too: `atlcheck lint $TOKEN` names a file that does not exist.
        crate::errln!(
            "atlcheck: error: {}",
            crate::secret::redact_text(&format!("{path}: {message}"))
        );
    }
    if let Some(h) = &result.history
        && h.shallow
        && !global.quiet
    {
        crate::errln!(
            "atlcheck: warning: this is a shallow clone: history before its oldest fetched commits was not scanned (run `git fetch --unshallow` first for a complete scan)"
        );
    }
    if global.verbose {
        if let Some(h) = &result.history {
            crate::errln!(
                "atlcheck: note: history: {} objects read from pack files in-process, {} through git cat-file",
                h.from_packs,
                h.through_git
            );
            crate::errln!(
                "atlcheck: note: history: commits listed by {}",
                crate::secret::safe_text(&h.listing)
            );
            for note in &h.pack_notes {
                crate::errln!(
                    "atlcheck: note: history: pack left to git: {}",
                    crate::secret::safe_text(note)
                );
            }
        }
        for (path, reason) in &result.skipped {
            crate::errln!("atlcheck: note: skipped {path}: {reason}");
        }
    }
    // Findings a baseline accepts are gone from `result`: only new ones fail the run.
    let failing = !args.exit_zero && result.findings.iter().any(|f| f.severity >= fail_on);
    let mut sink = output::destination(args.output_file.as_deref())?;
    {
        // The formats write in small pieces (serde_json a token at a time, a finding in seven
        // lines): the sink gets whole chunks of lines to clean and send, not one per write.
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut sink);
        match format {
            LintFormat::Human => {
                output::human::write_lint(&mut out, &result, global.quiet)?;
                if let Some(b) = &baseline
                    && !global.quiet
                {
                    b.write_human(&mut out)?;
                }
                if failing && !global.quiet && result.errors.is_empty() {
                    output::human::write_exit_note(&mut out, fail_on)?;
                }
            }
            LintFormat::Concise => output::concise::write_lint(&mut out, &result)?,
            LintFormat::Json => {
                output::json::write_lint(&mut out, &result, baseline.as_ref().map(|b| b.json()))?;
            }
            LintFormat::Sarif => output::sarif::write_lint(&mut out, &result)?,
            // Workflow commands go through the sink's own API (nothing is buffered yet).
            LintFormat::Github => output::github::write_lint(out.get_mut(), &result)?,
            LintFormat::Junit => output::junit::write_lint(&mut out, &result)?,
        }
        out.flush()?;
    }
    sink.flush()?;
    if let Some(b) = &baseline
        && !matches!(format, LintFormat::Human | LintFormat::Json)
        && !global.quiet
    {
        // Machine formats keep stdout to themselves: the baseline note goes to stderr.
        b.write_human(&mut output::sink::stderr())?;
    }

    let status = if !result.errors.is_empty() {
        ExitStatus::Error
    } else if failing {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    // The process ends after this command: freeing a report of many findings one string at a
    // time would cost a twentieth of the run for nothing.
    std::mem::forget(result);
    Ok(status)
}
