//! The `atlcheck` binary: parse the command line, run, map the outcome to an exit code.
use std::process::ExitCode;

fn main() -> ExitCode {
    atlcheck::secret::install_panic_hook();
    // A credential in the environment pasted where a value belongs (`--format "$TOKEN"`) is
    // masked in every output, clap's errors included.
    atlcheck::secret::hold_environment();
    // Hidden, for tests/trust/canary.rs: prove that the panic hook masks a secret in the payload.
    if let Some(v) = std::env::var_os("ATLCHECK_TEST_PANIC") {
        panic!("forced test panic: {}", v.to_string_lossy());
    }
    let status = match atlcheck::cli::parse() {
        Ok(cli) => atlcheck::run(cli).unwrap_or_else(|err| atlcheck::report_error(&err)),
        Err(status) => status,
    };
    status.into()
}
