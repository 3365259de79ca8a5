//! Developer tasks for atlcheck.
//!
//! `cargo run -p xtask -- gen-scopes [--specs DIR] [--out FILE] [--check]` regenerates
//! `rules/scopes.tsv` from Atlassian's OpenAPI documents (default `../shared/atlassian-openapi`
//! relative to the workspace root). `--check` compares instead of writing and exits 1 on a
//! difference.
use std::path::PathBuf;
use std::process::ExitCode;

mod scopegen;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf();
    match args.next().as_deref() {
        Some("gen-scopes") => {}
        _ => {
            eprintln!(
                "usage: cargo run -p xtask -- gen-scopes [--specs DIR] [--out FILE] [--check]"
            );
            return ExitCode::from(2);
        }
    }
    let mut specs = root.join(scopegen::DEFAULT_SPEC_DIR);
    let mut out = root.join(scopegen::CATALOGUE_PATH);
    let mut check = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--specs" => specs = args.next().map(PathBuf::from).unwrap_or(specs),
            "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
            "--check" => check = true,
            other => {
                eprintln!("xtask gen-scopes: unknown argument `{other}`");
                return ExitCode::from(2);
            }
        }
    }
    let text = match scopegen::generate(&specs) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("xtask gen-scopes: {err}");
            return ExitCode::from(2);
        }
    };
    if check {
        let current = std::fs::read_to_string(&out).unwrap_or_default();
        if current == text {
            eprintln!("{} is up to date", out.display());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} is stale: run `cargo run -p xtask -- gen-scopes`",
            out.display()
        );
        return ExitCode::from(1);
    }
    if let Err(err) = std::fs::write(&out, &text) {
        eprintln!("xtask gen-scopes: cannot write {}: {err}", out.display());
        return ExitCode::from(2);
    }
    let rows = text
        .lines()
        .filter(|l| !l.starts_with(['#', '@', '=']))
        .count();
    eprintln!(
        "wrote {} ({} operations, {} bytes)",
        out.display(),
        rows,
        text.len()
    );
    ExitCode::SUCCESS
}
