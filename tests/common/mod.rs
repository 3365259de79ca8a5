//! Helpers the CLI test files share: run the built binary in a folder with a clean colour
//! environment, and read its output.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn atlcheck(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.current_dir(dir).args(args);
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "GITHUB_ACTIONS",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    atlcheck(dir, args).output().expect("atlcheck runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}
