//! `atlcheck tokens`: read the organization's credentials through the admin APIs, judge them,
//! report in the chosen format, exit 0 / 1 / 2 (SPEC).
use std::io::Write;

use std::time::Duration;

use crate::ExitStatus;
use crate::catalogue::Severity;
use crate::cli::{GlobalArgs, TokensArgs, TokensFormat};
use crate::doctor::http::{ConnectTo, Http};
use crate::output;
use crate::secret::Secret;
use crate::tokens::baseline::Baseline;
use crate::tokens::client::{self, Client, Limits};
use crate::tokens::judge::{self, Policy};
use crate::tokens::report::Report;
use crate::tokens::{self, SourceName, audit, sources};

fn read_key(args: &TokensArgs) -> anyhow::Result<Secret> {
    let raw = if args.admin_key_stdin {
        let bytes = crate::input::read_stdin(crate::input::SECRET_CAP).map_err(|e| match e {
            crate::input::ReadError::TooLarge(_) => anyhow::anyhow!(
                "--admin-key-stdin: standard input is larger than 64 KiB, not an admin key"
            ),
            e => anyhow::anyhow!("cannot read the admin key from standard input: {e}"),
        })?;
        String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("--admin-key-stdin: standard input is not UTF-8"))?
    } else {
        match std::env::var(&args.admin_key_env) {
            Ok(v) => v,
            Err(std::env::VarError::NotUnicode(_)) => {
                anyhow::bail!("${} is not valid UTF-8", args.admin_key_env)
            }
            Err(_) => String::new(),
        }
    };
    let key = raw.trim();
    if key.is_empty() {
        anyhow::bail!(
            "no org admin API key: set {} (or name another variable with --admin-key-env, or pipe it to --admin-key-stdin); create one in admin.atlassian.com > Settings > API keys",
            if args.admin_key_stdin {
                "it on standard input".to_string()
            } else {
                format!("${}", args.admin_key_env)
            }
        );
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        anyhow::bail!(
            "the admin API key contains whitespace or a line break inside it: paste it again"
        );
    }
    Ok(Secret::new(key))
}

pub fn run(global: &GlobalArgs, args: TokensArgs) -> anyhow::Result<ExitStatus> {
    let org = args
        .org
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| anyhow::anyhow!("give the organization: --org ORG_ID or ATLASSIAN_ORG_ID (the id in admin.atlassian.com/o/ORG_ID/...)"))?
        .to_string();
    if !sources::valid_org_id(&org) {
        anyhow::bail!(
            "--org `{}` is not an organization ID (letters, digits and dashes, as in admin.atlassian.com/o/ORG_ID/...)",
            sources::clean_text(&org)
        );
    }
    if !(args.timeout > 0.0 && args.timeout <= 600.0) {
        anyhow::bail!("--timeout must be between 0 and 600 seconds");
    }
    let now = tokens::now_from_env().map_err(|e| anyhow::anyhow!(e))?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    // Read before any request: a bad file is a usage error, not a half-done audit.
    let inventory = args
        .inventory
        .as_deref()
        .map(crate::inventory::join::Joinable::read)
        .transpose()?;
    let key = read_key(&args)?;
    if key.expose().starts_with("ATATT3") {
        crate::errln!(
            "atlcheck: warning: the admin key looks like a user API token (ATATT3...), not an org admin API key (ATCTT3...): expect 401"
        );
    }
    let mut selected: Vec<SourceName> = if args.sources.is_empty() {
        SourceName::ALL.to_vec()
    } else {
        args.sources.clone()
    };
    selected.sort();
    selected.dedup();
    let connect_to = ConnectTo::from_env().map_err(|e| anyhow::anyhow!(e))?;
    let http = Http::with_options(
        connect_to,
        Duration::from_secs_f64(args.timeout),
        client::PAGE_CAP,
        "tokens",
    )?;
    let limits = Limits {
        max_total_pages: args.max_pages as usize,
        ..Limits::default()
    };
    let mut client = Client::new(http, &key, limits);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let collected = runtime.block_on(audit::collect(&mut client, &org, &selected));
    if global.verbose {
        for line in &client.log {
            crate::errln!("atlcheck: {line}");
        }
    }

    let policy = Policy {
        now,
        expiring_within: args.expiring_within,
        stale_after: args.stale_after,
    };
    let complete = collected
        .sources
        .iter()
        .all(|s| s.status != tokens::report::SourceState::Failed);
    let baseline = match &args.write_baseline {
        Some(path) if complete => {
            let findings = judge::judge(&collected.credentials, &policy);
            let previous = match &baseline {
                Some(b) => Some(b.clone()),
                None if path.is_file() => Baseline::read(path).ok(),
                None => None,
            };
            let label_of = |f: &judge::Finding| collected.credentials[f.index].label.clone();
            let written = Baseline::from_findings(&findings, label_of, previous.as_ref());
            written.write(path)?;
            if !global.quiet {
                crate::errln!(
                    "atlcheck: wrote {} accepted findings to {}",
                    written.entries.len(),
                    path.display()
                );
            }
            Some(written)
        }
        Some(path) => {
            crate::errln!(
                "atlcheck: warning: baseline {} not written: a source could not be read, and a partial baseline would drop its entries",
                path.display()
            );
            baseline
        }
        None => baseline,
    };
    let mut report = Report::build(
        &org,
        &policy,
        collected.credentials,
        collected.sources,
        baseline.as_ref(),
    );
    if let Some(inv) = &inventory {
        report.join_inventory(inv);
        if inv.unjoinable > 0 && !global.quiet {
            crate::errln!(
                "atlcheck: note: {} integration{} of the inventory name their identity only by reference (a secret or variable), not as an email: not joined",
                inv.unjoinable,
                if inv.unjoinable == 1 { "" } else { "s" }
            );
        }
    }

    if args.format != TokensFormat::Human || args.output_file.is_some() {
        output::color::disable();
    }
    // The sink masks the admin key (registered by Secret::new) and anything secret-looking,
    // wherever a server may have echoed it.
    // A report is composed in memory, then handed to the sink in blocks of whole lines: one
    // scrubbing pass and one write per block instead of one per fragment (10,000 credentials:
    // 0.3 s less), without a second copy of the whole report.
    let mut out = output::destination(args.output_file.as_deref())?;
    let mut text: Vec<u8> = Vec::with_capacity(64 * 1024);
    match args.format {
        TokensFormat::Human => {
            output::tokens::human::write(&mut text, &report, global.quiet, global.verbose)?
        }
        TokensFormat::Json => {
            crate::output::safe_json::to_writer_pretty(&mut text, &report)?;
            writeln!(text)?;
        }
        TokensFormat::Csv => output::tokens::csv::write(&mut text, &report)?,
        TokensFormat::Markdown => output::tokens::markdown::write(&mut text, &report)?,
        TokensFormat::Junit => output::tokens::junit::write(&mut text, &report)?,
        // Workflow commands exist only on the sink.
        TokensFormat::Github => output::tokens::github::write(&mut out, &report)?,
    }
    for block in line_blocks(&text, 64 * 1024) {
        out.write_all(block)?;
    }
    out.flush()?;
    if args.format != TokensFormat::Human && !report.complete {
        for s in &report.sources {
            if let Some(e) = &s.error {
                crate::errln!("atlcheck: error: {}: {e}", s.name);
            }
        }
    }
    Ok(report.exit_status(Severity::from(args.fail_on)))
}

/// `text` cut after a newline every `size` bytes or so (a longer line stays whole).
fn line_blocks(text: &[u8], size: usize) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = if rest.len() <= size {
            rest.len()
        } else {
            rest[size..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |p| size + p + 1)
        };
        let (block, tail) = rest.split_at(end);
        rest = tail;
        Some(block)
    })
}

#[cfg(test)]
mod tests {
    use super::line_blocks;

    #[test]
    fn blocks_end_at_newlines_and_cover_everything() {
        let text = b"aaaa\nbb\ncccccc\nd";
        let blocks: Vec<&[u8]> = line_blocks(text, 3).collect();
        assert_eq!(blocks, [&b"aaaa\n"[..], b"bb\ncccccc\n", b"d"]);
        assert_eq!(line_blocks(b"", 3).count(), 0);
        assert_eq!(line_blocks(text, 100).count(), 1);
    }
}
