//! `atlcheck inventory [PATH ...]`: read the configuration, build the register, write it,
//! choose the exit code (SPEC: 0 success, also with findings unless `--fail-on`; 1 findings
//! at or above `--fail-on`; 2 usage or I/O error).
use std::io::Write;
use std::path::PathBuf;

use crate::catalogue::Severity;
use crate::cli::{GlobalArgs, InventoryArgs, InventoryFormat};
use crate::config::{self, Config, Overrides};
use crate::lint::Linter;
use crate::lint::walk::{self, WalkOptions};
use crate::{ExitStatus, inventory, output};

pub fn run(global: &GlobalArgs, args: InventoryArgs) -> anyhow::Result<ExitStatus> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if p.as_os_str() == "-" {
            anyhow::bail!("inventory reads repositories and files, not standard input");
        }
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", walk::display_path(p));
        }
    }
    let source = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        match config::read_file(path)? {
            Some(cfg) => Some((path.clone(), cfg)),
            None => anyhow::bail!("{} has no [tool.atlcheck] table", path.display()),
        }
    } else {
        config::discover(&paths[0])?
    };
    let config = Config::resolve(source, &Overrides::default())?;
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        max_filesize: config.max_filesize.unwrap_or(walk::DEFAULT_MAX_FILESIZE),
        exclude: config.exclude.clone(),
        exclude_root: config.root.clone(),
        threads: 0,
    };
    let allowed = config.service_accounts.clone();
    let linter = Linter::new(config)?.without_frames();
    let progress = output::progress::Progress::start(
        args.format == InventoryFormat::Human && args.output_file.is_none() && !global.quiet,
    );
    let inv = inventory::run(&paths, &opts, &linter, &allowed);
    progress.finish();
    if args.format != InventoryFormat::Human || args.output_file.is_some() {
        output::color::disable();
    }
    for (path, message) in &inv.errors {
        crate::errln!(
            "atlcheck: error: {}",
            output::inventory::clean(&format!("{path}: {message}"))
        );
    }
    // A special file (a FIFO, a socket, a device), met in the walk or named on the command
    // line, is said to be skipped even without --verbose, as lint says it: "found in 0 files"
    // alone would hide a planted FIFO (issue 12, class 4). Binary and over-size files are
    // ordinary and named under --verbose.
    let named: Vec<String> = paths.iter().map(|p| walk::display_path(p)).collect();
    let special = walk::SkipReason::NotRegular.to_string();
    for (path, reason) in &inv.skipped {
        if global.verbose || *reason == special || named.iter().any(|n| n == path) {
            crate::errln!(
                "atlcheck: note: skipped {}: {reason}",
                output::inventory::clean(path)
            );
        }
    }
    let mut out = output::destination(args.output_file.as_deref())?;
    match args.format {
        InventoryFormat::Human => output::inventory::write_human(&mut out, &inv, global.quiet)?,
        InventoryFormat::Json => output::inventory::write_json(&mut out, &inv)?,
        InventoryFormat::Csv => output::inventory::write_csv(&mut out, &inv)?,
        InventoryFormat::Markdown => output::inventory::write_markdown(&mut out, &inv)?,
    }
    out.flush()?;
    if !inv.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let failing = args
        .fail_on
        .map(Severity::from)
        .is_some_and(|level| inv.findings.iter().any(|f| f.severity >= level));
    Ok(if failing {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
