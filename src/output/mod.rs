//! Output: one module per format, plus the colour policy and the destination.
pub mod color;
pub mod concise;
pub mod doctor;
pub mod frame;
pub mod github;
pub mod human;
pub mod inventory;
pub mod json;
pub mod junit;
pub mod progress;
pub mod safe_json;
pub mod sarif;
pub mod scopes;
pub mod sink;
pub mod tokens;

use std::path::Path;

pub use sink::Sink;

/// Where a report goes: standard output, or `--output-file`; either way through the scrubbing
/// [`Sink`].
pub fn destination(output_file: Option<&Path>) -> anyhow::Result<Sink> {
    Ok(match output_file {
        Some(path) => sink::create(path).map_err(|e| {
            anyhow::anyhow!(
                "cannot write {}: {e}",
                sink::one_line(&crate::secret::redact_text(&path.display().to_string()))
            )
        })?,
        None => sink::stdout(),
    })
}
