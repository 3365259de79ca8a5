//! Source audit (SPEC, security invariants; issue 12 class 2): every byte atlcheck prints or
//! writes goes through `output::sink`, which scrubs secrets, escapes control characters and
//! defuses workflow commands. This test fails when code under `src/` prints or writes a file
//! any other way, so a new command cannot bypass the sink by accident.
use std::path::{Path, PathBuf};

/// What only `src/output/sink.rs` may do.
const FORBIDDEN: &[&str] = &[
    "println!",
    "print!(",
    "eprintln!",
    "eprint!(",
    "dbg!(",
    "io::stdout()",
    "io::stderr()",
    "fs::write(",
    "File::create(",
    ".write(true)",
    ".append(true)",
    // A JSON report through `output::safe_json` (a reader decodes no raw control character).
    "serde_json::to_writer_pretty(",
    "serde_json::to_string_pretty(",
    "serde_json::to_writer(",
    "serde_json::to_string(",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn all_output_goes_through_the_sink() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let sink = root.join("output").join("sink.rs");
    let safe_json = root.join("output").join("safe_json.rs");
    let mut offences = Vec::new();
    for file in files.iter().filter(|f| **f != sink && **f != safe_json) {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            // Unit tests (by convention at the end of a file) may write fixtures.
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            let code = line.split("//").next().unwrap_or("");
            for f in FORBIDDEN {
                if code.contains(f) {
                    offences.push(format!(
                        "{}:{}: `{f}`: write through atlcheck::output::sink (stdout(), stderr(), errln!, create(), destination()) and output::safe_json",
                        file.strip_prefix(&root).unwrap().display(),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
    assert!(files.len() > 20, "the audit found the sources");
}
