//! Output: one module per format, plus the colour policy and the destination.
pub mod color;
pub mod concise;
pub mod doctor;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod progress;
pub mod sarif;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Where a report goes: standard output, or `--output-file`.
pub fn destination(output_file: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match output_file {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).map_err(|e| {
                anyhow::anyhow!("cannot write {}: {e}", path.display())
            })?))
        }
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}
