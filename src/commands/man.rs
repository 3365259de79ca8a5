//! `atlcheck man [COMMAND]`: the man page in roff, generated from the clap definitions.
//!
//! `atlcheck man > atlcheck.1` and `atlcheck man lint > atlcheck-lint.1`; view with
//! `man ./atlcheck.1`.
use std::io::Write;

use clap::CommandFactory;

use crate::ExitStatus;
use crate::cli::{Cli, ManArgs};

pub fn run(args: ManArgs) -> anyhow::Result<ExitStatus> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = match &args.command {
        None => clap_mangen::Man::new(cmd),
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .ok_or_else(|| anyhow::anyhow!("no command `{name}`; see atlcheck --help"))?
                .clone();
            // The page is atlcheck-lint(1), and its synopsis reads `atlcheck lint`.
            let title = format!("atlcheck-{}", sub.get_name());
            let display = format!("atlcheck {}", sub.get_name());
            clap_mangen::Man::new(sub.display_name(display))
                .title(title)
                .source(format!("atlcheck {}", env!("CARGO_PKG_VERSION")))
        }
    };
    let mut buf = Vec::new();
    man.render(&mut buf)?;
    let mut out = crate::output::sink::stdout();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}
