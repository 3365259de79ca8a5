//! `atlcheck completions SHELL`: a completion script generated from the clap definitions.
use std::io::Write;

use clap::CommandFactory;

use crate::ExitStatus;
use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: CompletionsArgs) -> anyhow::Result<ExitStatus> {
    let mut cmd = Cli::command();
    let mut out = crate::output::sink::stdout();
    clap_complete::generate(args.shell, &mut cmd, "atlcheck", &mut out);
    out.flush()?;
    Ok(ExitStatus::Success)
}
