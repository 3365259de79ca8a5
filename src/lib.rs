//! atlcheck: why an Atlassian Cloud REST call fails, and which credential anti-patterns a
//! repository ships. The binary is a thin wrapper around [`run`].

pub mod account;
pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod config;
pub mod destination;
pub mod doctor;
pub mod input;
pub mod inventory;
pub mod lines;
pub mod lint;
pub mod output;
pub mod pattern;
pub mod removed;
pub mod scopes;
pub mod secret;
pub mod surface;
#[cfg(test)]
mod testing;
pub mod token;
pub mod tokens;

use std::io;
use std::process::ExitCode;

/// How a command ended; mapped onto the exit codes fixed in SPEC.md. This is the one place
/// that maps to a process exit code: commands return it, a command-line error
/// ([`cli::parse`]) and a fatal error ([`report_error`]) become one, and `main` converts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing at or above the failing severity / success.
    Success,
    /// 1: findings (lint) or a diagnosed problem (doctor).
    Failure,
    /// 2: usage, configuration or I/O error.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Run one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitStatus> {
    output::color::init(cli.global.color);
    match cli.command {
        cli::Command::Lint(args) => commands::lint::run(&cli.global, args),
        cli::Command::Rules(args) => commands::rules::run(&cli.global, args),
        cli::Command::Explain(args) => commands::explain::run(&cli.global, args),
        cli::Command::Doctor(args) => commands::doctor::run(&cli.global, args),
        cli::Command::Scopes(args) => commands::scopes::run(&cli.global, args),
        cli::Command::Inventory(args) => commands::inventory::run(&cli.global, args),
        cli::Command::Tokens(args) => commands::tokens::run(&cli.global, args),
        cli::Command::Completions(args) => commands::completions::run(args),
        cli::Command::Man(args) => commands::man::run(args),
    }
}

/// Print a fatal error as one line on stderr and choose the exit code. A broken pipe
/// (`atlcheck lint | head`) is not an error.
pub fn report_error(err: &anyhow::Error) -> ExitStatus {
    if let Some(io_err) = err.downcast_ref::<io::Error>()
        && io_err.kind() == io::ErrorKind::BrokenPipe
    {
        return ExitStatus::Success;
    }
    let mut msg = format!("{err}");
    for cause in err.chain().skip(1) {
        msg.push_str(": ");
        msg.push_str(&cause.to_string());
    }
    // Errors may quote user input (a config line, a URL): never let a secret through.
    let msg = secret::redact_text(&msg);
    errln!("atlcheck: error: {}", output::sink::one_line(&msg));
    ExitStatus::Error
}
