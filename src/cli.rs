//! The command line, declared once with clap derive. `--help` text comes from these doc comments.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "atlcheck",
    version,
    about = "Why does this Atlassian Cloud REST call fail, and which credential anti-patterns does this repository ship?",
    long_about = None,
    propagate_version = true,
    after_help = "Exit codes: 0 clean, 1 findings, 2 usage, configuration or I/O error.\nDocs: atlcheck explain AT201"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour: auto honours NO_COLOR, CLICOLOR_FORCE and whether stdout is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print only findings and errors, no summary or notes.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Explain what was skipped and why (binary, too large, unreadable files).
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files for Atlassian credential anti-patterns (static, no network).
    Lint(LintArgs),
    /// List the rule catalogue.
    Rules(RulesArgs),
    /// Show a rule's documentation: what, why, example, fix, references.
    Explain(ExplainArgs),
    /// Which OAuth scopes (classic and granular) a request needs, from Atlassian's OpenAPI specs.
    #[command(long_about = crate::scopes::long_help(), after_help = crate::scopes::AFTER_HELP)]
    Scopes(ScopesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// rustc-style code frames, secrets masked, and a summary.
    Human,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Concise,
    /// Versioned JSON document (SPEC.md, "JSON output").
    Json,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SeverityArg {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to scan (default `.`); `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Use this configuration file instead of discovering one.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Only these rules (codes or prefixes such as `AT1`), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Skip these rules (codes or prefixes), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1 (default: warning).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Always exit 0 when the scan itself succeeded, even with findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Do not respect .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Path to report (and to choose the file kind) when reading standard input.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Skip files larger than this many bytes (default 8 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_filesize: Option<u64>,
    /// Print the effective configuration and exit.
    #[arg(long)]
    pub show_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogueFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogueFormat::Human)]
    pub format: CatalogueFormat,
    /// Write the list to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule code (`AT201`) or name (`direct-site-url`).
    pub code: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogueFormat::Human)]
    pub format: CatalogueFormat,
    /// Write the documentation to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopesFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ScopesArgs {
    /// HTTP method: GET, POST, PUT, PATCH, DELETE (a lone URL means GET).
    #[arg(value_name = "METHOD", required_unless_present = "from_code")]
    pub method: Option<String>,
    /// Site URL, gateway URL (`https://api.atlassian.com/ex/jira/{cloudId}/...`) or path.
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// Find every Atlassian REST call in these files and folders, and the least-privilege scopes.
    #[arg(long, value_name = "PATH", num_args = 1.., conflicts_with_all = ["method", "url"])]
    pub from_code: Vec<PathBuf>,
    /// With --from-code: do not respect .gitignore, .ignore and git exclude files.
    #[arg(long, requires = "from_code")]
    pub no_ignore: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScopesFormat::Human)]
    pub format: ScopesFormat,
    /// Write the answer to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// Parse the process arguments; usage errors exit with code 2 (clap's default).
pub fn parse() -> Cli {
    Cli::parse()
}
