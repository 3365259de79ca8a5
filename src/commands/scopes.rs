//! `atlcheck scopes METHOD URL` and `atlcheck scopes --from-code PATH...`.
//!
//! Exit codes: 0 when every request was answered (for `--from-code`, also when some calls
//! matched no operation: they are listed), 2 for a usage error, an unreadable input, or a
//! METHOD + URL that no Atlassian REST API documents (the nearest real paths go to stderr and,
//! with `--format json`, into the document's `unmatched` list).
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{Context, bail};

use crate::ExitStatus;
use crate::cli::{GlobalArgs, ScopesArgs, ScopesFormat};
use crate::lint::walk::{self, Visit, WalkOptions};
use crate::output::scopes::{Origin, Paint, Request, human_from_code, human_single};
use crate::scopes;
use crate::scopes::extract::{self, FoundCall};

/// Methods tried when the code does not say which one a call sends.
const ANY_METHOD: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Look a call up; an unknown method takes every method the path documents (the first match
/// is the outcome, the others are `also`).
fn lookup_call(
    method: Option<&str>,
    url: &str,
) -> (Result<scopes::Match, scopes::NoMatch>, Vec<scopes::Match>) {
    if let Some(m) = method {
        return (scopes::lookup(m, url), Vec::new());
    }
    let mut found: Vec<scopes::Match> = ANY_METHOD
        .iter()
        .filter_map(|m| scopes::lookup(m, url).ok())
        .collect();
    if found.is_empty() {
        return (scopes::lookup("GET", url), Vec::new());
    }
    let first = found.remove(0);
    (Ok(first), found)
}

pub fn run(global: &GlobalArgs, args: ScopesArgs) -> anyhow::Result<ExitStatus> {
    let (requests, io_errors) = if !args.from_code.is_empty() {
        from_code(global, &args)?
    } else {
        let (method, url) = match (&args.method, &args.url) {
            (Some(m), Some(u)) => (m.clone(), u.clone()),
            // `atlcheck scopes /rest/api/3/myself`: GET is meant.
            (Some(u), None) if u.contains('/') => ("GET".to_string(), u.clone()),
            _ => bail!(
                "give METHOD and URL (`atlcheck scopes GET /rest/api/3/myself`), or --from-code PATH"
            ),
        };
        let outcome = scopes::lookup(&method, &url);
        (
            vec![Request {
                origin: None,
                method: Some(method.to_ascii_uppercase()),
                // Shown, never sent: a token in the query string stays masked.
                url: crate::secret::redact_text(&url),
                outcome,
                also: Vec::new(),
            }],
            0,
        )
    };
    let paint = Paint {
        on: args.output_file.is_none() && args.format == ScopesFormat::Human,
    };
    let text = match args.format {
        ScopesFormat::Json => crate::output::scopes::json(&requests, !args.from_code.is_empty())?,
        ScopesFormat::Human if args.from_code.is_empty() => {
            human_single(&requests[0], global, &paint)
        }
        ScopesFormat::Human => human_from_code(&requests, global, &paint),
    };
    match &args.output_file {
        Some(path) => {
            let mut out = crate::output::sink::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        None => {
            let mut out = crate::output::sink::stdout();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    if args.from_code.is_empty()
        && let Err(no) = &requests[0].outcome
    {
        crate::errln!(
            "atlcheck: error: {}",
            crate::secret::redact_text(&no.to_string())
        );
        if !no.suggestions.is_empty() {
            crate::errln!("  did you mean:");
            for s in &no.suggestions {
                crate::errln!("    {:<18} {}  ({})", s.methods.join("|"), s.path, s.spec);
            }
        }
        return Ok(ExitStatus::Error);
    }
    Ok(if io_errors > 0 {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}

fn from_code(global: &GlobalArgs, args: &ScopesArgs) -> anyhow::Result<(Vec<Request>, usize)> {
    for path in &args.from_code {
        if !path.exists() {
            bail!("{}: no such file or folder", path.display());
        }
    }
    let found: Mutex<Vec<(String, FoundCall)>> = Mutex::new(Vec::new());
    let errors = Mutex::new(0usize);
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        max_filesize: 4 * 1024 * 1024,
        ..WalkOptions::default()
    };
    let inputs: Vec<PathBuf> = args.from_code.clone();
    let named: Vec<String> = inputs.iter().map(|p| walk::display_path(p)).collect();
    walk::walk(&inputs, &opts, &|visit| match visit {
        Visit::File(source) => {
            let text = source.text();
            // Documentation (README, `.rst`, `.adoc`, `.txt`) shows example calls; the code
            // makes the calls (issue 16, class 8: help examples are never counted).
            if source.kind(&text) == crate::lint::FileKind::Markdown {
                return;
            }
            let calls = extract::find_calls(&text);
            if !calls.is_empty() {
                let mut found = found.lock().expect("not poisoned");
                found.extend(calls.into_iter().map(|c| (source.display.clone(), c)));
            }
        }
        // A path named on the command line, and a special file (a FIFO, a device) met in the
        // walk, is said to be skipped even without --verbose (issue 12, class 4: a FIFO given
        // to --from-code said only "No calls found").
        Visit::Skipped { display, reason } => {
            let special = matches!(reason, crate::lint::walk::SkipReason::NotRegular);
            if global.verbose || special || named.contains(&display) {
                crate::errln!("atlcheck: note: skipped {display}: {reason}");
            }
        }
        Visit::Error { display, message } => {
            let line = crate::secret::redact_text(&format!("{display}: {message}"));
            crate::errln!("atlcheck: error: {line}");
            *errors.lock().expect("not poisoned") += 1;
        }
    });
    let mut found = found.into_inner().expect("not poisoned");
    found.sort_by(|a, b| {
        (a.0.as_str(), a.1.line, a.1.column).cmp(&(b.0.as_str(), b.1.line, b.1.column))
    });
    let requests = found
        .into_iter()
        .map(|(file, call)| {
            let (outcome, also) = lookup_call(call.method.as_deref(), &call.url);
            Request {
                outcome,
                also,
                origin: Some(Origin {
                    file,
                    line: call.line,
                    column: call.column,
                    evidence: call.evidence,
                }),
                method: call.method,
                url: crate::secret::redact_text(&call.url),
            }
        })
        .collect();
    Ok((requests, errors.into_inner().expect("not poisoned")))
}
