//! `atlcheck scopes` output: human text and the JSON document (version 1), rendered from the
//! typed [`Request`]s the command resolved. The command (`commands/scopes.rs`) only reads
//! the input and picks the format.
use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::scopes::cover;
use crate::scopes::{self, Family, Match, NoMatch, NoMatchReason, Operation, Spec};

/// One request to answer: from the command line or found in code.
pub struct Request {
    /// `file:line:column` origin for `--from-code`.
    pub origin: Option<Origin>,
    /// `None` when the code does not say which method the call sends: then `outcome` holds the
    /// first method the path documents and `also` every other one, and all of them count (a
    /// least-privilege set that is too small is worse than none).
    pub method: Option<String>,
    /// Shown, never sent: masked.
    pub url: String,
    pub outcome: Result<Match, NoMatch>,
    pub also: Vec<Match>,
}

impl Request {
    /// Every operation this request may be: one, or every method of the path.
    pub fn matches(&self) -> impl Iterator<Item = &Match> {
        self.outcome.iter().chain(self.also.iter())
    }
}

/// Where `--from-code` found a call.
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The code that says the method (`requests.post`), if any.
    pub evidence: Option<String>,
}

/// Colour only when writing human output to a terminal that wants it: `on` is false for
/// JSON and files; otherwise the run's colour policy (`output::color`) decides.
pub struct Paint {
    pub on: bool,
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

pub fn human_single(req: &Request, global: &GlobalArgs, paint: &Paint) -> String {
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

pub fn human_from_code(requests: &[Request], global: &GlobalArgs, paint: &Paint) -> String {
    let mut out = String::new();
    let matched: Vec<(&Request, &Match)> = requests
        .iter()
        .flat_map(|r| r.matches().map(move |m| (r, m)))
        .collect();
    for (req, m) in &matched {
        let origin = req.origin.as_ref().expect("from code");
        let op = m.operation;
        // `POST?`: the code does not say the method; every method of the path counts.
        let unknown = if req.method.is_none() { "?" } else { "" };
        writeln!(
            out,
            "{}  {}{unknown} {}  {}",
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
            let how = origin.evidence.as_deref().map_or(
                "no method in the code: every method of the path counted".to_string(),
                |e| format!("method from `{e}`"),
            );
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
            req.method.as_deref().unwrap_or("?"),
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
    let calls = requests.iter().filter(|r| r.outcome.is_ok()).count();
    writeln!(out).unwrap();
    writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "Least privilege for {} call{} ({} operation{}):",
            calls,
            plural(calls),
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

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The JSON document, version 1 (SPEC, "JSON output").
#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    mode: &'static str,
    requests: Vec<RequestJson<'a>>,
    least_privilege: LeastPrivilege<'a>,
    unmatched: Vec<UnmatchedJson<'a>>,
    source: Source,
}

#[derive(Serialize)]
struct OriginJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    /// `code` when the code says the method, `unknown` when it does not.
    method_source: &'static str,
    evidence: Option<&'a str>,
}

#[derive(Serialize)]
struct Located<'a> {
    url: &'a str,
    #[serde(flatten)]
    origin: Option<OriginJson<'a>>,
}

#[derive(Serialize)]
struct GatewayJson<'a> {
    product: &'a str,
    cloud_id: &'a str,
}

/// One candidate operation of a request whose method the code does not say.
#[derive(Serialize)]
struct CandidateJson {
    method: &'static str,
    operation: &'static str,
    summary: &'static str,
    classic: Vec<&'static str>,
    granular: Vec<&'static str>,
}

#[derive(Serialize)]
struct RequestJson<'a> {
    /// `None` (JSON `null`) when the code does not say the method.
    method: Option<&'static str>,
    path: &'a str,
    template: &'static str,
    product: &'static str,
    api: &'static str,
    operation: Option<&'static str>,
    summary: Option<&'static str>,
    classic: Vec<&'static str>,
    granular: Vec<&'static str>,
    /// With an unknown method: every operation of the path (`classic`/`granular` are then the
    /// union of theirs).
    #[serde(skip_serializing_if = "Option::is_none")]
    operations: Option<Vec<CandidateJson>>,
    classic_alternatives: &'static [Vec<&'static str>],
    granular_alternatives: &'static [Vec<&'static str>],
    classic_note: Option<String>,
    granular_note: Option<String>,
    no_scope_needed: bool,
    anonymous: bool,
    connect_only: bool,
    deprecated: bool,
    experimental: bool,
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    gateway: Option<GatewayJson<'a>>,
    #[serde(flatten)]
    at: Located<'a>,
}

#[derive(Serialize)]
struct UncoveredJson<'a> {
    method: &'static str,
    path: &'a str,
    template: &'static str,
    reason: Option<String>,
    #[serde(flatten)]
    at: Located<'a>,
}

#[derive(Serialize)]
struct LeastPrivilege<'a> {
    classic: Vec<&'static str>,
    granular: Vec<&'static str>,
    classic_uncovered: Vec<UncoveredJson<'a>>,
    granular_uncovered: Vec<UncoveredJson<'a>>,
}

#[derive(Serialize)]
struct SuggestionJson<'a> {
    methods: &'a [&'static str],
    path: &'static str,
    api: &'static str,
}

#[derive(Serialize)]
struct UnmatchedJson<'a> {
    method: Option<&'a str>,
    path: &'a str,
    reason: &'static str,
    message: String,
    allowed_methods: Vec<&'static str>,
    suggestions: Vec<SuggestionJson<'a>>,
    #[serde(flatten)]
    at: Located<'a>,
}

#[derive(Serialize)]
struct SpecJson {
    id: &'static str,
    title: &'static str,
    file: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Source {
    specs: Vec<SpecJson>,
}

fn located(req: &Request) -> Located<'_> {
    Located {
        url: &req.url,
        origin: req.origin.as_ref().map(|o| OriginJson {
            file: &o.file,
            line: o.line,
            column: o.column,
            method_source: if o.evidence.is_some() {
                "code"
            } else {
                "unknown"
            },
            evidence: o.evidence.as_deref(),
        }),
    }
}

/// The JSON document for the answered requests, pretty-printed, with a final newline.
pub fn json(requests: &[Request], from_code: bool) -> serde_json::Result<String> {
    let matched: Vec<(&Request, &Match)> = requests
        .iter()
        .flat_map(|r| r.matches().map(move |m| (r, m)))
        .collect();
    let ops: Vec<&Operation> = matched.iter().map(|(_, m)| m.operation).collect();
    let single = |op: &Operation, family| cover::least_privilege(&[op], family).scopes;
    let items = requests
        .iter()
        .filter_map(|req| req.outcome.as_ref().ok().map(|m| (req, m)))
        .map(|(req, m)| {
            let op = m.operation;
            let spec = m.spec();
            let known = req.method.is_some();
            // The code does not say the method: every method of the path, and the union of
            // their scopes.
            let union = |family| {
                let mut u: Vec<&'static str> = req
                    .matches()
                    .flat_map(|x| single(x.operation, family))
                    .collect();
                u.sort_unstable();
                u.dedup();
                u
            };
            RequestJson {
                method: known.then_some(op.method),
                path: &m.path,
                template: op.path,
                product: spec.product,
                api: spec.id,
                operation: known.then_some(op.operation_id),
                summary: known.then_some(op.summary),
                classic: union(Family::Classic),
                granular: union(Family::Granular),
                operations: (!known).then(|| {
                    req.matches()
                        .map(|x| CandidateJson {
                            method: x.operation.method,
                            operation: x.operation.operation_id,
                            summary: x.operation.summary,
                            classic: single(x.operation, Family::Classic),
                            granular: single(x.operation, Family::Granular),
                        })
                        .collect()
                }),
                classic_alternatives: &op.classic,
                granular_alternatives: &op.granular,
                classic_note: op.uncovered_reason(Family::Classic),
                granular_note: op.uncovered_reason(Family::Granular),
                no_scope_needed: op.no_scope_needed,
                anonymous: op.anonymous,
                connect_only: op.connect_only,
                deprecated: op.deprecated,
                experimental: op.experimental,
                notes: &m.notes,
                gateway: m.gateway.as_ref().map(|g| GatewayJson {
                    product: g.product.as_str(),
                    cloud_id: &g.cloud_id,
                }),
                at: located(req),
            }
        })
        .collect();
    let least = |family| cover::least_privilege(&ops, family);
    let uncovered = |family, idx: &[usize]| {
        idx.iter()
            .map(|&i| {
                let (req, m) = matched[i];
                UncoveredJson {
                    method: m.operation.method,
                    path: &m.path,
                    template: m.operation.path,
                    reason: m.operation.uncovered_reason(family),
                    at: located(req),
                }
            })
            .collect::<Vec<_>>()
    };
    let (classic, granular) = (least(Family::Classic), least(Family::Granular));
    let least_privilege = LeastPrivilege {
        classic_uncovered: uncovered(Family::Classic, &classic.uncovered),
        granular_uncovered: uncovered(Family::Granular, &granular.uncovered),
        classic: classic.scopes,
        granular: granular.scopes,
    };
    let unmatched = requests
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|e| (r, e)))
        .map(|(req, no)| {
            let (reason, allowed_methods) = match &no.reason {
                NoMatchReason::InvalidUrl(_) => ("invalid_url", vec![]),
                NoMatchReason::UnknownPath => ("unknown_path", vec![]),
                NoMatchReason::MethodNotAllowed { allowed, .. } => {
                    ("method_not_documented", allowed.clone())
                }
            };
            UnmatchedJson {
                method: req.method.as_ref().map(|_| no.method.as_str()),
                path: &no.path,
                reason,
                message: no.to_string(),
                allowed_methods,
                suggestions: no
                    .suggestions
                    .iter()
                    .map(|s| SuggestionJson {
                        methods: &s.methods,
                        path: s.path,
                        api: s.spec,
                    })
                    .collect(),
                at: located(req),
            }
        })
        .collect();
    let doc = Doc {
        version: 1,
        tool: Tool {
            name: "atlcheck",
            version: env!("CARGO_PKG_VERSION"),
        },
        mode: if from_code { "from_code" } else { "request" },
        requests: items,
        least_privilege,
        unmatched,
        source: Source {
            specs: scopes::catalogue()
                .specs
                .iter()
                .map(|s| SpecJson {
                    id: s.id,
                    title: s.title,
                    file: s.file,
                    version: s.version,
                })
                .collect(),
        },
    };
    let mut s = crate::output::safe_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}
