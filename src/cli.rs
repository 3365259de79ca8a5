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
    after_help = "Exit codes: 0 success, nothing to report; 1 findings (lint) or a diagnosed problem (doctor);\n2 usage, configuration or I/O error, or checks that could not run.\nRule codes (AT201, ...): `atlcheck rules` lists them, `atlcheck explain AT201` documents one.\nFirst run: atlcheck lint .   (and atlcheck doctor URL for a failing request)"
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
    /// Say more: lint lists the files it skipped and why (binary, too large, unreadable); doctor
    /// shows more of each response body.
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
    /// Diagnose a failing Atlassian Cloud request live: name the root cause and the fix.
    #[command(after_help = DOCTOR_HELP)]
    Doctor(DoctorArgs),
    /// Which OAuth scopes (classic and granular) a request needs, from Atlassian's OpenAPI specs.
    #[command(long_about = crate::scopes::long_help(), after_help = crate::scopes::AFTER_HELP)]
    Scopes(ScopesArgs),
    /// The integration register: which automation uses which Atlassian credential, where it runs, what it calls.
    #[command(after_help = INVENTORY_HELP)]
    Inventory(InventoryArgs),
    /// Every credential of an organization (admin APIs): what expires soon, expired, went stale or never expires.
    #[command(after_help = TOKENS_HELP)]
    Tokens(TokensArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    Completions(CompletionsArgs),
    /// Print the man page (roff) of atlcheck, or of one of its commands, to standard output.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command (`lint`, `scopes`, ...) for its own page `atlcheck-COMMAND(1)`.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// rustc-style code frames, secrets masked, and a summary.
    Human,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Concise,
    /// Versioned JSON document (`"version": 1`; the README lists its fields).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// JUnit XML: one testsuite per file, one failed testcase per finding.
    Junit,
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
    /// Output format [default: human, or github when GITHUB_ACTIONS=true].
    #[arg(long, value_enum)]
    pub format: Option<LintFormat>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Report only findings that are not in this baseline file; list its stale entries.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE (rule, path, fingerprint), then report as if baselined.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Lint the content staged in the git index (not the working tree); PATHs limit it.
    #[arg(long, conflicts_with = "stdin_filename")]
    pub staged: bool,
    /// Scan every blob reachable from any ref of the git repository at PATH (default `.`) for
    /// hard-coded secrets (AT102, AT103, AT104): one finding per secret, at the commit that
    /// first added it, with whether HEAD still holds it.
    #[arg(long, conflicts_with_all = ["staged", "stdin_filename", "force_exclude"])]
    pub history: bool,
    /// Like --history, limited to the blobs these commits introduced (`origin/main..HEAD`).
    #[arg(long, value_name = "REVS", conflicts_with_all = ["staged", "stdin_filename", "force_exclude"])]
    pub history_range: Option<String>,
    /// Apply the configuration's `exclude` globs to files named explicitly too (pre-commit).
    #[arg(long)]
    pub force_exclude: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    /// One block per integration, and the findings.
    Human,
    /// Versioned JSON document (SPEC.md, "JSON output"); the input of `atlcheck tokens --inventory`.
    Json,
    /// One row per integration, for a spreadsheet.
    Csv,
    /// A Markdown table, to paste into a wiki page.
    Markdown,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Repositories, folders or files to read (default `.`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Human)]
    pub format: InventoryFormat,
    /// Write the register to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Exit 1 when a finding (lint findings in the files involved, AT109) is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Do not respect .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Use this configuration file (service-account allow-list, rule settings) instead of discovering one.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
}

const INVENTORY_HELP: &str = "Examples:
  atlcheck inventory                              # the register of the current repository
  atlcheck inventory --format markdown > docs/integrations.md
  atlcheck inventory --format json --output-file inventory.json
  atlcheck tokens --org $ORG_ID --inventory inventory.json

Reads GitHub Actions, GitLab CI, Jenkinsfiles, Bitbucket and Azure Pipelines, CircleCI, crontabs,
Kubernetes CronJobs and manifests, Helm templates, docker-compose, systemd timers and plain scripts,
follows each CI step into the scripts it runs, and groups what it finds by credential. No network.
Exit codes: 0 success (also with findings, unless --fail-on is given), 1 findings at or above
--fail-on, 2 usage or I/O error.
Docs: docs/inventory.md, atlcheck explain AT109";

/// Parse the process arguments. `Err` is how the process ends without running a command:
/// `--help` and `--version` (printed, success) or a usage error (printed, exit 2).
pub fn parse() -> Result<Cli, crate::ExitStatus> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        // clap quotes the offending argument, which may be a token pasted in the wrong place
        // (`--format $TOKEN`): mask it like every other error (SPEC, security invariants).
        Err(err) if err.use_stderr() => {
            let text = crate::secret::redact_text(&err.render().to_string());
            let mut sink = crate::output::sink::stderr();
            let _ = std::io::Write::write_all(&mut sink, text.as_bytes());
            Err(crate::ExitStatus::Error)
        }
        Err(err) => {
            // --help, --version: through the sink too (a token may be pasted anywhere).
            let text = err.render().to_string();
            let mut sink = crate::output::sink::stdout();
            let _ = std::io::Write::write_all(&mut sink, text.as_bytes());
            Err(crate::ExitStatus::Success)
        }
    }
}

/// A flag that names an environment variable (`--token-env NAME`, `--admin-key-env NAME`...).
/// A credential pasted there instead of a name would be echoed by `$NAME is not set`: a value
/// that is not a variable name (letters, digits and `_`, not starting with a digit) is refused,
/// and held as a secret first so that no output, clap's error included, prints it; a name with
/// a credential's form (a legacy token is 24 letters and digits) or not in upper case
/// (`Sunny7pass`, `hunter2pass`) is held too (issue 12, class 2).
fn variable_name(s: &str) -> Result<String, String> {
    crate::secret::hold_credential_shaped(s);
    let name = !s.is_empty()
        && s.len() <= 255
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if name {
        // A password of letters, digits and `_` is a valid name too, and `$NAME is not set`
        // would quote it: a name not in the UPPER_CASE of environment variables is held as
        // a secret (masked wherever it would be shown).
        if !s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            crate::secret::register(s);
        }
        return Ok(s.to_string());
    }
    crate::secret::register(s);
    Err(
        "takes the NAME of an environment variable (letters, digits and `_`), not a value; \
         what was given is not a variable name and is not shown, in case it is a credential"
            .to_string(),
    )
}

/// `--email` (or `ATLASSIAN_EMAIL`), the Basic user. A Basic user holds no colon (RFC 7617),
/// so what follows one is the secret of a pasted `email:token`: it is held as a secret, and
/// every output masks it wherever the user is shown (issue 12, class 2).
fn basic_user(s: &str) -> Result<String, String> {
    if let Some((_, secret)) = s.split_once(':') {
        crate::secret::register(secret);
    }
    Ok(s.to_string())
}

const DOCTOR_HELP: &str = "Examples:
  ATLASSIAN_EMAIL=bot@serviceaccount.atlassian.com ATLASSIAN_API_TOKEN=... \\
    atlcheck doctor https://acme.atlassian.net/rest/api/3/issue/OPS-1
  atlcheck doctor --site acme -- curl -u \"$EMAIL:$TOKEN\" \\
    https://api.atlassian.com/ex/jira/$CLOUD_ID/rest/api/3/myself

Credential, first found wins: --auth-header-env, the pasted curl's -u / -H Authorization,
--token-stdin, the variable --token-env names (ATLASSIAN_API_TOKEN), OAuth client credentials
(--client-id or ATLASSIAN_CLIENT_ID, with --client-secret-env NAME (ATLASSIAN_CLIENT_SECRET) or
--client-secret-stdin), ~/.netrc for the host, a prompt on a terminal. An environment holding
both an API token and client credentials is ambiguous: say which with a flag.
  atlcheck doctor --client-id \"$CLIENT_ID\" https://api.atlassian.com/ex/jira/$CLOUD_ID/rest/api/3/myself
  atlcheck doctor -- curl -d 'grant_type=client_credentials&client_id=...&client_secret=...' https://auth.atlassian.com/oauth/token Probes are read-only (GET); writes are judged from the scope catalogue.
Exit codes: 0 the request works, 1 a problem was diagnosed, 2 usage error or checks could not run.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The failing request's URL (or paste a curl command after `--`).
    #[arg(value_name = "URL", required_unless_present = "curl")]
    pub url: Option<String>,
    /// A curl command line, after `--`: `atlcheck doctor -- curl -u ... URL`.
    #[arg(last = true, value_name = "CURL", num_args = 0..)]
    pub curl: Vec<String>,
    /// HTTP method of the failing request (default GET, or what the curl command says).
    #[arg(long, short = 'X')]
    pub method: Option<String>,
    /// Atlassian account email for Basic auth.
    #[arg(long, env = "ATLASSIAN_EMAIL", value_name = "EMAIL", value_parser = basic_user)]
    pub email: Option<String>,
    /// Environment variable that holds the API token [default: ATLASSIAN_API_TOKEN].
    #[arg(long, value_name = "NAME", value_parser = variable_name)]
    pub token_env: Option<String>,
    /// Read the API token from standard input.
    #[arg(long)]
    pub token_stdin: bool,
    /// Environment variable holding a whole Authorization header value, exactly as a script sends it.
    #[arg(long, value_name = "NAME", value_parser = variable_name)]
    pub auth_header_env: Option<String>,
    /// Service-account OAuth 2.0 client ID (else ATLASSIAN_CLIENT_ID): diagnose the
    /// client-credentials exchange, accessible-resources, then the gateway with the access token.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Environment variable that holds the OAuth client secret [default: ATLASSIAN_CLIENT_SECRET].
    #[arg(long, value_name = "NAME", conflicts_with = "client_secret_stdin", value_parser = variable_name)]
    pub client_secret_env: Option<String>,
    /// Read the OAuth client secret from standard input.
    #[arg(long, conflicts_with = "token_stdin")]
    pub client_secret_stdin: bool,
    /// The site (`acme` or `acme.atlassian.net`): lets the doctor resolve the cloud ID.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Jira project key to check permissions in.
    #[arg(long, value_name = "KEY")]
    pub project: Option<String>,
    /// Confluence space key to check permissions in.
    #[arg(long, value_name = "KEY")]
    pub space: Option<String>,
    /// Only the checks that need no network.
    #[arg(long)]
    pub offline: bool,
    /// Seconds to wait for each probe.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Email of a working account to compare with (its token from --compare-token-env).
    #[arg(long, value_name = "EMAIL", requires = "compare_token_env", value_parser = basic_user)]
    pub compare_email: Option<String>,
    /// Environment variable that holds the working account's API token.
    #[arg(long, value_name = "NAME", requires = "compare_email", value_parser = variable_name)]
    pub compare_token_env: Option<String>,
    /// Do not read ~/.netrc.
    #[arg(long)]
    pub no_netrc: bool,
    /// Read `service-accounts` and `org-ids` from this lint configuration file instead of the
    /// nearest .atlcheck.toml, atlcheck.toml or pyproject.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DoctorFormat::Human)]
    pub format: DoctorFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

const TOKENS_HELP: &str = "Examples:
  ATLASSIAN_ADMIN_KEY=... atlcheck tokens --org $ORG_ID
  atlcheck tokens --org $ORG_ID --format markdown --expiring-within 30 >> \"$GITHUB_STEP_SUMMARY\"
  atlcheck tokens --org $ORG_ID --sources api-tokens,service-accounts --format csv --output-file tokens.csv

The admin key (read-only scopes: read:tokens:admin, read:service-accounts:admin,
read:service-accounts-tokens:admin, read:keys:admin) is read from ATLASSIAN_ADMIN_KEY,
--admin-key-env NAME or --admin-key-stdin, never from a flag; it is sent only to
api.atlassian.com, with GET. ATLCHECK_NOW (RFC 3339) fixes the instant judged against.
Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error or a source could not be read.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokensFormat {
    /// A table grouped by owner, sorted by days left, with what to do.
    Human,
    /// Versioned JSON document (SPEC.md, "JSON output").
    Json,
    /// One row per credential, for spreadsheets.
    Csv,
    /// Tables to paste into a wiki page or issue, or append to $GITHUB_STEP_SUMMARY.
    Markdown,
    /// JUnit XML: one testcase per credential, a failure per finding.
    Junit,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Debug, Args)]
pub struct TokensArgs {
    /// Organization ID (the id in admin.atlassian.com/o/ORG_ID/...).
    #[arg(long, env = "ATLASSIAN_ORG_ID", value_name = "ORG_ID")]
    pub org: Option<String>,
    /// Environment variable holding the org admin API key.
    #[arg(long, value_name = "NAME", default_value = "ATLASSIAN_ADMIN_KEY", value_parser = variable_name)]
    pub admin_key_env: String,
    /// Read the org admin API key from standard input.
    #[arg(long)]
    pub admin_key_stdin: bool,
    /// Flag credentials that expire within this many days (AT601; an error within 7).
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub expiring_within: u32,
    /// Flag credentials unused for this many days, or never used since created that long ago (AT603).
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub stale_after: u32,
    /// Lowest severity that makes the exit code 1 (default: warning).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = SeverityArg::Warning)]
    pub fail_on: SeverityArg,
    /// Seconds to wait for each request.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Pages read in all, over every source and service account, before the run stops and
    /// reports itself incomplete (exit 2): a bound on its time and memory.
    #[arg(long, value_name = "N", default_value_t = crate::tokens::client::MAX_TOTAL_PAGES,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_pages: u32,
    /// Which sources to read, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub sources: Vec<crate::tokens::SourceName>,
    /// Report only findings not accepted in this baseline file (credential id and rule).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE, then report as if baselined.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TokensFormat::Human)]
    pub format: TokensFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// An `atlcheck inventory --format json` report: name the automations each credential's
    /// owner powers (`used_by`), and who wakes up when it expires.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
}
