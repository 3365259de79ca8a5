//! `atlcheck rules`: the catalogue.
use std::io::Write as _;

use crate::ExitStatus;
use crate::cli::{CatalogueFormat, GlobalArgs, RulesArgs};
use crate::{catalogue, output};

pub fn run(_global: &GlobalArgs, args: RulesArgs) -> anyhow::Result<ExitStatus> {
    if args.format == CatalogueFormat::Json || args.output_file.is_some() {
        output::color::disable();
    }
    let mut out = output::destination(args.output_file.as_deref())?;
    match args.format {
        CatalogueFormat::Human => output::human::write_rules(&mut out, catalogue::rules())?,
        CatalogueFormat::Json => output::json::write_rules(&mut out, catalogue::rules())?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
