//! `atlcheck scopes METHOD URL` and `atlcheck scopes --from-code PATH...`.
//!
//! Exit codes: 0 when every request was answered (for `--from-code`, also when some calls
//! matched no operation: they are listed), 2 for a usage error, an unreadable input, or a
//! METHOD + URL that no Atlassian REST API documents (the nearest real paths go to stderr and,
//! with `--format json`, into the document's `unmatched` list).
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::ExitStatus;
use crate::cli::{GlobalArgs, ScopesArgs, ScopesFormat};
use crate::lint::walk::{self, Visit, WalkOptions};
use crate::scopes::cover::{self, Cover};
use crate::scopes::extract::{self, FoundCall};
use crate::scopes::{self, Family, Match, NoMatch, NoMatchReason, Operation, Spec};

/// One request to answer: from the command line or found in code.
struct Request {
    /// `file:line:column` origin for `--from-code`.
    origin: Option<Origin>,
    method: String,
    url: String,
    outcome: Result<Match, NoMatch>,
}

struct Origin {
    file: String,
    line: usize,
    column: usize,
    evidence: Option<String>,
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
                method: method.to_ascii_uppercase(),
                // Shown, never sent: a token in the query string stays masked.
                url: crate::secret::redact_text(&url),
                outcome,
            }],
            0,
        )
    };
    let paint = Paint {
        on: args.output_file.is_none() && args.format == ScopesFormat::Human,
    };
    let text = match args.format {
        ScopesFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&json_report(&requests, !args.from_code.is_empty()))?;
            s.push('\n');
            s
        }
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
    walk::walk(&inputs, &opts, &|visit| match visit {
        Visit::File(source) => {
            let calls = extract::find_calls(&source.text());
            if !calls.is_empty() {
                let mut found = found.lock().expect("not poisoned");
                found.extend(calls.into_iter().map(|c| (source.display.clone(), c)));
            }
        }
        Visit::Skipped { display, reason } => {
            if global.verbose {
                crate::errln!("atlcheck: skipped {display}: {reason}");
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
        .map(|(file, call)| Request {
            outcome: scopes::lookup(&call.method, &call.url),
            origin: Some(Origin {
                file,
                line: call.line,
                column: call.column,
                evidence: call.evidence,
            }),
            method: call.method,
            url: crate::secret::redact_text(&call.url),
        })
        .collect();
    Ok((requests, errors.into_inner().expect("not poisoned")))
}

/// Colour only when writing human output to a terminal that wants it: `on` is false for
/// JSON and files; otherwise the run's colour policy (`output::color`) decides.
struct Paint {
    on: bool,
}

impl Paint {
    fn style(&self, s: &str, style: owo_colors::Style) -> String {
        if self.on {
            crate::output::color::paint(s, style)
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.style(s, owo_colors::Style::new().bold())
    }
    fn dim(&self, s: &str) -> String {
        self.style(s, owo_colors::Style::new().dimmed())
    }
    fn green(&self, s: &str) -> String {
        self.style(s, owo_colors::Style::new().green())
    }
    fn yellow(&self, s: &str) -> String {
        self.style(s, owo_colors::Style::new().yellow())
    }
}

fn sets_text(sets: &[Vec<&str>]) -> String {
    sets.iter()
        .map(|s| s.join(" "))
        .collect::<Vec<_>>()
        .join("  or  ")
}

/// The lines describing one operation's scopes (indented by `indent`).
fn scope_lines(out: &mut String, op: &Operation, indent: &str, paint: &Paint) {
    for family in [Family::Classic, Family::Granular] {
        let label = format!("{:<9}", family.as_str());
        let value = if op.no_scope_needed {
            paint.green("no scope needed")
        } else if let Some(why) = op.uncovered_reason(family) {
            paint.yellow(&format!("none: {why}"))
        } else {
            paint.green(&sets_text(op.scopes(family)))
        };
        writeln!(out, "{indent}{} {value}", paint.dim(&label)).unwrap();
    }
    let mut flags = Vec::new();
    if op.anonymous {
        flags.push("anonymous access is documented");
    }
    if op.deprecated {
        flags.push("deprecated");
    }
    if op.experimental {
        flags.push("experimental");
    }
    if !flags.is_empty() {
        writeln!(
            out,
            "{indent}{} {}",
            paint.dim(&format!("{:<9}", "note")),
            flags.join("; ")
        )
        .unwrap();
    }
}

fn source_footer(out: &mut String, specs: &[&'static Spec], paint: &Paint) {
    let mut specs = specs.to_vec();
    specs.sort_by_key(|s| s.id);
    specs.dedup_by_key(|s| s.id);
    if specs.is_empty() {
        return;
    }
    let list: Vec<String> = specs
        .iter()
        .map(|s| format!("{} {} ({})", s.title, s.short_version(), s.file))
        .collect();
    writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "Source: Atlassian's OpenAPI specs: {}.",
            list.join("; ")
        ))
    )
    .unwrap();
}

fn human_single(req: &Request, global: &GlobalArgs, paint: &Paint) -> String {
    let mut out = String::new();
    let Ok(m) = &req.outcome else { return out };
    let op = m.operation;
    let spec = m.spec();
    writeln!(out, "{} {}", paint.bold(op.method), paint.bold(op.path)).unwrap();
    writeln!(
        out,
        "  {} · {} · {}",
        op.summary, op.operation_id, spec.title
    )
    .unwrap();
    scope_lines(&mut out, op, "  ", paint);
    for note in &m.notes {
        writeln!(out, "  {} {note}", paint.yellow("warning:")).unwrap();
    }
    if !global.quiet {
        writeln!(out).unwrap();
        if !op.classic.is_empty() && !op.granular.is_empty() && !op.no_scope_needed {
            writeln!(
                out,
                "{}",
                paint.dim("A token needs the classic set or the granular set, not both.")
            )
            .unwrap();
        }
        source_footer(&mut out, &[spec], paint);
    }
    out
}

fn human_from_code(requests: &[Request], global: &GlobalArgs, paint: &Paint) -> String {
    let mut out = String::new();
    let matched: Vec<(&Request, &Match)> = requests
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok().map(|m| (r, m)))
        .collect();
    for (req, m) in &matched {
        let origin = req.origin.as_ref().expect("from code");
        let op = m.operation;
        writeln!(
            out,
            "{}  {} {}  {}",
            paint.bold(&format!(
                "{}:{}:{}",
                origin.file, origin.line, origin.column
            )),
            op.method,
            op.path,
            paint.dim(&format!("{} ({})", op.operation_id, m.spec().id))
        )
        .unwrap();
        if global.verbose {
            let how = origin
                .evidence
                .as_deref()
                .map_or("no method in the code: GET assumed".to_string(), |e| {
                    format!("method from `{e}`")
                });
            writeln!(
                out,
                "    {} {} · {how}",
                paint.dim(&format!("{:<9}", "call")),
                req.url
            )
            .unwrap();
        }
        scope_lines(&mut out, op, "    ", paint);
        for note in &m.notes {
            writeln!(out, "    {} {note}", paint.yellow("warning:")).unwrap();
        }
    }
    let unmatched: Vec<(&Request, &NoMatch)> = requests
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|e| (r, e)))
        .collect();
    for (req, no) in &unmatched {
        let origin = req.origin.as_ref().expect("from code");
        writeln!(
            out,
            "{}  {} {}  {}",
            paint.bold(&format!(
                "{}:{}:{}",
                origin.file, origin.line, origin.column
            )),
            req.method,
            req.url,
            paint.yellow("no matching operation")
        )
        .unwrap();
        writeln!(out, "    {no}").unwrap();
        for s in &no.suggestions {
            writeln!(out, "    {} {s}", paint.dim("did you mean")).unwrap();
        }
    }
    if requests.is_empty() {
        writeln!(out, "No Atlassian REST calls found.").unwrap();
        return out;
    }
    let ops: Vec<&Operation> = matched.iter().map(|(_, m)| m.operation).collect();
    writeln!(out).unwrap();
    writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "Least privilege for {} call{} ({} operation{}):",
            matched.len(),
            plural(matched.len()),
            distinct(&ops),
            plural(distinct(&ops))
        ))
    )
    .unwrap();
    for family in [Family::Classic, Family::Granular] {
        let c = cover::least_privilege(&ops, family);
        let scopes = if c.scopes.is_empty() {
            "(none)".to_string()
        } else {
            c.scopes.join(" ")
        };
        writeln!(
            out,
            "  {} {}",
            paint.dim(&format!("{:<9}", family.as_str())),
            paint.green(&scopes)
        )
        .unwrap();
        if !c.uncovered.is_empty() {
            writeln!(
                out,
                "  {}",
                paint.yellow(&format!("not covered by any {} scope:", family.as_str()))
            )
            .unwrap();
            for &i in &c.uncovered {
                let (req, m) = matched[i];
                let origin = req.origin.as_ref().expect("from code");
                let why = m.operation.uncovered_reason(family).unwrap_or_default();
                writeln!(
                    out,
                    "    {}:{}  {} {}: {why}",
                    origin.file, origin.line, m.operation.method, m.operation.path
                )
                .unwrap();
            }
        }
    }
    if !unmatched.is_empty() {
        writeln!(
            out,
            "  {}",
            paint.yellow(&format!(
                "{} call{} matched no operation (listed above)",
                unmatched.len(),
                plural(unmatched.len())
            ))
        )
        .unwrap();
    }
    if !global.quiet {
        writeln!(out).unwrap();
        writeln!(
            out,
            "{}",
            paint.dim("A token carries classic or granular scopes: tick one of the two sets.")
        )
        .unwrap();
        let specs: Vec<&'static Spec> = matched.iter().map(|(_, m)| m.spec()).collect();
        source_footer(&mut out, &specs, paint);
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn distinct(ops: &[&Operation]) -> usize {
    let mut keys: Vec<(&str, &str)> = ops.iter().map(|o| (o.method, o.path)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

fn json_report(requests: &[Request], from_code: bool) -> Value {
    let matched: Vec<(&Request, &Match)> = requests
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok().map(|m| (r, m)))
        .collect();
    let ops: Vec<&Operation> = matched.iter().map(|(_, m)| m.operation).collect();
    let mut items = Vec::new();
    for (req, m) in &matched {
        let op = m.operation;
        let spec = m.spec();
        let single = |family| cover::least_privilege(&[op], family).scopes;
        let mut item = json!({
            "method": op.method,
            "path": m.path,
            "template": op.path,
            "product": spec.product,
            "api": spec.id,
            "operation": op.operation_id,
            "summary": op.summary,
            "classic": single(Family::Classic),
            "granular": single(Family::Granular),
            "classic_alternatives": op.classic,
            "granular_alternatives": op.granular,
            "classic_note": op.uncovered_reason(Family::Classic),
            "granular_note": op.uncovered_reason(Family::Granular),
            "no_scope_needed": op.no_scope_needed,
            "anonymous": op.anonymous,
            "connect_only": op.connect_only,
            "deprecated": op.deprecated,
            "experimental": op.experimental,
            "notes": m.notes,
        });
        if let Some(gw) = &m.gateway {
            item["gateway"] = json!({"product": gw.product, "cloud_id": gw.cloud_id});
        }
        add_origin(&mut item, req);
        items.push(item);
    }
    let mut least = serde_json::Map::new();
    let mut uncovered = serde_json::Map::new();
    for family in [Family::Classic, Family::Granular] {
        let Cover {
            scopes,
            uncovered: idx,
        } = cover::least_privilege(&ops, family);
        least.insert(family.as_str().to_string(), json!(scopes));
        let list: Vec<Value> = idx
            .iter()
            .map(|&i| {
                let (req, m) = matched[i];
                let mut v = json!({
                    "method": m.operation.method,
                    "path": m.path,
                    "template": m.operation.path,
                    "reason": m.operation.uncovered_reason(family),
                });
                add_origin(&mut v, req);
                v
            })
            .collect();
        uncovered.insert(format!("{}_uncovered", family.as_str()), Value::Array(list));
    }
    least.extend(uncovered);
    let unmatched: Vec<Value> = requests
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|e| (r, e)))
        .map(|(req, no)| {
            let (kind, allowed) = match &no.reason {
                NoMatchReason::InvalidUrl(_) => ("invalid_url", vec![]),
                NoMatchReason::UnknownPath => ("unknown_path", vec![]),
                NoMatchReason::MethodNotAllowed { allowed, .. } => ("method_not_documented", allowed.clone()),
            };
            let mut v = json!({
                "method": no.method,
                "path": no.path,
                "reason": kind,
                "message": no.to_string(),
                "allowed_methods": allowed,
                "suggestions": no.suggestions.iter().map(|s| json!({"methods": s.methods, "path": s.path, "api": s.spec})).collect::<Vec<_>>(),
            });
            add_origin(&mut v, req);
            v
        })
        .collect();
    let cat = scopes::catalogue();
    let specs: Vec<Value> = cat
        .specs
        .iter()
        .map(|s| json!({"id": s.id, "title": s.title, "file": s.file, "version": s.version}))
        .collect();
    json!({
        "version": 1,
        "tool": {"name": "atlcheck", "version": env!("CARGO_PKG_VERSION")},
        "mode": if from_code { "from_code" } else { "request" },
        "requests": items,
        "least_privilege": least,
        "unmatched": unmatched,
        "source": {"specs": specs},
    })
}

fn add_origin(v: &mut Value, req: &Request) {
    v["url"] = json!(req.url);
    if let Some(o) = &req.origin {
        v["file"] = json!(o.file);
        v["line"] = json!(o.line);
        v["column"] = json!(o.column);
        v["method_source"] = json!(if o.evidence.is_some() {
            "code"
        } else {
            "default"
        });
        v["evidence"] = json!(o.evidence);
    }
}
