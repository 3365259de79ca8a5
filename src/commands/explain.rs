//! `atlcheck explain CODE`: one rule's documentation.
use std::io::Write as _;

use crate::ExitStatus;
use crate::cli::{CatalogueFormat, ExplainArgs, GlobalArgs};
use crate::{catalogue, output};

pub fn run(_global: &GlobalArgs, args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    let Some(rule) = catalogue::find(&args.code) else {
        anyhow::bail!(
            "unknown rule `{}`; `atlcheck rules` lists them all",
            args.code
        );
    };
    if args.format == CatalogueFormat::Json || args.output_file.is_some() {
        output::color::disable();
    }
    let mut out = output::destination(args.output_file.as_deref())?;
    match args.format {
        CatalogueFormat::Human => output::human::write_explain(&mut out, rule)?,
        CatalogueFormat::Json => output::json::write_explain(&mut out, rule)?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
