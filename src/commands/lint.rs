//! `atlcheck lint`: resolve the configuration, scan, report, choose the exit code.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::catalogue::Severity;
use crate::cli::{GlobalArgs, LintArgs, LintFormat};
use crate::config::{self, Config, Overrides};
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

fn read_stdin(args: &LintArgs) -> anyhow::Result<Input> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read standard input: {e}"))?;
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

pub fn run(global: &GlobalArgs, args: LintArgs) -> anyhow::Result<ExitStatus> {
    let config = load_config(&args)?;
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
    let stdin_count = args.paths.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 0 && args.paths.len() > 1 {
        anyhow::bail!("`-` (standard input) cannot be combined with other paths");
    }
    let input = if stdin_count == 1 {
        read_stdin(&args)?
    } else if args.paths.is_empty() {
        Input::Paths(vec![PathBuf::from(".")])
    } else {
        Input::Paths(args.paths.clone())
    };
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        max_filesize: config.max_filesize.unwrap_or(walk::DEFAULT_MAX_FILESIZE),
        exclude: config.exclude.clone(),
        exclude_root: config.root.clone(),
        threads: 0,
    };
    let fail_on = config.fail_on;
    let linter = Linter::new(config)?;
    let result = lint::run(&linter, input, &opts);

    if args.format != LintFormat::Human || args.output_file.is_some() {
        output::color::disable();
    }
    for (path, message) in &result.errors {
        eprintln!(
            "atlcheck: error: {path}: {}",
            crate::secret::redact_text(message)
        );
    }
    if global.verbose {
        for (path, reason) in &result.skipped {
            eprintln!("atlcheck: note: skipped {path}: {reason}");
        }
    }
    let mut out = output::destination(args.output_file.as_deref())?;
    match args.format {
        LintFormat::Human => output::human::write_lint(&mut out, &result, global.quiet)?,
        LintFormat::Concise => output::concise::write_lint(&mut out, &result)?,
        LintFormat::Json => output::json::write_lint(&mut out, &result)?,
    }
    out.flush()?;

    if !result.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let failing = result.findings.iter().any(|f| f.severity >= fail_on);
    Ok(if failing && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
