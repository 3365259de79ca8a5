//! The `atlcheck` binary: parse the command line, run, map the outcome to an exit code.
use std::process::ExitCode;

fn main() -> ExitCode {
    atlcheck::secret::install_panic_hook();
    let cli = atlcheck::cli::parse();
    match atlcheck::run(cli) {
        Ok(status) => status.into(),
        Err(err) => atlcheck::report_error(&err),
    }
}
