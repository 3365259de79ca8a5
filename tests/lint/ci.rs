//! CI and ecosystem formats and modes, end to end through the binary: SARIF (GitHub's required
//! set and the SARIF 2.1.0 JSON schema), GitHub annotations (escaping, caps, auto-selection),
//! JUnit (well-formed XML), baselines (round trip, stale entries, line moves), `--staged`
//! (a real git repository whose index differs from the working tree), `--force-exclude`,
//! completions and the man page.
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;
use common::{atlcheck, root, run, stderr, stdout};

/// A syntactically valid API token (CRC-32 tail included) that exists nowhere.
fn fake_token() -> String {
    let body = format!(
        "ATATT3xFfGF0{}=",
        "q7Rk2Lm9Xw4Zp8Tn3Vb6Hc1Jd5Fs0Gy".repeat(5)
    );
    format!("{body}{:08X}", crc32fast::hash(body.as_bytes()))
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small project with findings of every severity, a secret among them.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scripts/sync.sh",
        &format!(
            "#!/bin/sh\nJIRA_URL=https://acme.atlassian.net\ncurl http://acme.atlassian.net/rest/api/3/myself\nJIRA_API_TOKEN=\"{}\"\n",
            fake_token()
        ),
    );
    write(
        dir.path(),
        "deploy/jira.py",
        "import requests\nrequests.get(\"https://acme.atlassian.net/rest/api/3/search\")\n",
    );
    dir
}

fn assert_no_secret(text: &str) {
    let token = fake_token();
    // No 12-character window of the secret beyond its masked head and tail.
    let chars: Vec<char> = token.chars().collect();
    for w in chars[6..chars.len() - 4].windows(12) {
        let w: String = w.iter().collect();
        assert!(!text.contains(&w), "output carries part of the secret: {w}");
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["lint", "--format", "sarif"];
    all.extend_from_slice(args);
    let o = run(dir, &all);
    assert!(matches!(o.status.code(), Some(0..=2)), "{}", stderr(&o));
    assert_no_secret(&stdout(&o));
    serde_json::from_str(&stdout(&o)).expect("stdout is exactly one SARIF document")
}

#[test]
fn sarif_carries_githubs_required_fields() {
    let dir = project();
    let log = sarif(dir.path(), &[]);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "atlcheck");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let lint_rules: Vec<_> = atlcheck::catalogue::rules()
        .iter()
        .filter(|r| r.has_mode(atlcheck::catalogue::Mode::Lint))
        .collect();
    assert_eq!(rules.len(), lint_rules.len());
    for (rule, cat) in rules.iter().zip(&lint_rules) {
        assert_eq!(rule["id"], cat.code.as_str());
        assert_eq!(rule["name"], cat.name.as_str());
        for key in ["shortDescription", "fullDescription"] {
            let text = rule[key]["text"].as_str().unwrap();
            assert!(
                !text.is_empty() && text.len() <= 1024,
                "{key} of {}",
                cat.code
            );
        }
        assert!(rule["name"].as_str().unwrap().len() <= 255);
        let help = rule["help"]["text"].as_str().unwrap();
        assert!(
            help.contains(cat.docs.why.trim()),
            "help.text of {}",
            cat.code
        );
        let md = rule["help"]["markdown"].as_str().unwrap();
        assert!(md.contains("### Fix"), "help.markdown of {}", cat.code);
        for reference in &cat.docs.references {
            assert!(md.contains(&format!("]({})", reference.url)));
        }
        assert_eq!(rule["helpUri"], cat.help_uri());
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["note", "warning", "error"].contains(&level));
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")) && tags.len() <= 20);
    }
    let hardcoded = rules.iter().find(|r| r["id"] == "AT102").unwrap();
    assert_eq!(hardcoded["defaultConfiguration"]["level"], "error");
    assert!(
        hardcoded["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            > 9.0
    );

    let results = run["results"].as_array().unwrap();
    let json: Value = serde_json::from_str(&stdout(&json_run(dir.path()))).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert!(results.len() >= 4);
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["rule"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], f["rule"],
            "ruleIndex points at the rule"
        );
        let level = match f["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(r["level"], level);
        assert!(
            r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(f["message"].as_str().unwrap().trim_end_matches('.'))
        );
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let pl = &locations[0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uri"], f["path"]);
        assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            !pl["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with('/')
        );
        let region = &pl["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(region["startColumn"], f["column"]);
        assert_eq!(region["endLine"], f["end_line"]);
        assert_eq!(region["endColumn"], f["end_column"]);
        assert!(region.get("snippet").is_none(), "never a snippet");
        assert!(pl.get("contextRegion").is_none());
        let hash = r["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert_eq!(hash, format!("{}:1", f["fingerprint"].as_str().unwrap()));
    }
}

fn json_run(dir: &Path) -> Output {
    run(dir, &["lint", "--format", "json"])
}

#[test]
fn sarif_fingerprints_survive_unrelated_line_moves() {
    let dir = project();
    let before = sarif(dir.path(), &[]);
    let path = dir.path().join("scripts/sync.sh");
    let text = std::fs::read_to_string(&path).unwrap();
    let (shebang, rest) = text.split_once('\n').unwrap();
    std::fs::write(
        &path,
        format!("{shebang}\n# a comment\n\nset -eu\n\n{rest}\necho done\n"),
    )
    .unwrap();
    let after = sarif(dir.path(), &[]);
    let summary = |log: &Value| -> Vec<(String, String, u64)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let (b, a) = (summary(&before), summary(&after));
    assert_eq!(b.len(), a.len());
    let moved = b.iter().zip(&a).filter(|(x, y)| x.2 != y.2).count();
    assert!(moved >= 3, "lines did move: {b:?} {a:?}");
    let hashes = |v: &[(String, String, u64)]| -> BTreeSet<(String, String)> {
        v.iter().map(|(r, h, _)| (r.clone(), h.clone())).collect()
    };
    assert_eq!(
        hashes(&b),
        hashes(&a),
        "fingerprints do not depend on lines"
    );
    assert_eq!(hashes(&b).len(), b.len(), "fingerprints are distinct");
}

/// A tiny JSON Schema (draft-04) validator: the keywords the SARIF schema uses.
struct Validator {
    root: Value,
}

impl Validator {
    fn check(&self, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/definitions/").expect("local $ref");
            return self.check(&self.root["definitions"][name], v, at, errs);
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let ok = types.iter().any(|t| match *t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "boolean" => v.is_boolean(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "null" => v.is_null(),
                _ => false,
            });
            if !ok {
                errs.push(format!("{at}: expected {types:?}, got {v}"));
                return;
            }
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            errs.push(format!("{at}: {v} not in {e:?}"));
        }
        if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), v.as_f64())
            && n < min
        {
            errs.push(format!("{at}: {n} < {min}"));
        }
        if let (Some(max), Some(n)) = (schema.get("maximum").and_then(Value::as_f64), v.as_f64())
            && n > max
        {
            errs.push(format!("{at}: {n} > {max}"));
        }
        if let (Some(p), Some(s)) = (schema.get("pattern").and_then(Value::as_str), v.as_str())
            && let Ok(re) = regex::Regex::new(p)
            && !re.is_match(s)
        {
            errs.push(format!("{at}: {s:?} does not match {p}"));
        }
        if let (Some(f), Some(s)) = (schema.get("format").and_then(Value::as_str), v.as_str())
            && (f == "uri" || f == "uri-reference")
            && (s.contains(' ') || (f == "uri" && !s.contains(':')))
        {
            errs.push(format!("{at}: {s:?} is not a {f}"));
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(alts) = schema.get(key).and_then(Value::as_array) {
                let passing = alts
                    .iter()
                    .filter(|alt| {
                        let mut e = Vec::new();
                        self.check(alt, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if passing == 0 || (key == "oneOf" && passing > 1) {
                    errs.push(format!("{at}: {key} matched {passing} alternatives"));
                }
            }
        }
        if let Some(obj) = v.as_object() {
            let props = schema.get("properties").and_then(Value::as_object);
            if let Some(req) = schema.get("required").and_then(Value::as_array) {
                for r in req.iter().filter_map(Value::as_str) {
                    if !obj.contains_key(r) {
                        errs.push(format!("{at}: missing required `{r}`"));
                    }
                }
            }
            for (k, val) in obj {
                let here = format!("{at}.{k}");
                match props.and_then(|p| p.get(k)) {
                    Some(s) => self.check(s, val, &here, errs),
                    None => match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            errs.push(format!("{here}: property not allowed"))
                        }
                        Some(s @ Value::Object(_)) => self.check(s, val, &here, errs),
                        _ => {}
                    },
                }
            }
        }
        if let Some(arr) = v.as_array() {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && (arr.len() as u64) < min
            {
                errs.push(format!("{at}: fewer than {min} items"));
            }
            if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                let distinct: BTreeSet<String> = arr.iter().map(Value::to_string).collect();
                if distinct.len() != arr.len() {
                    errs.push(format!("{at}: items are not unique"));
                }
            }
            if let Some(items) = schema.get("items") {
                for (i, item) in arr.iter().enumerate() {
                    self.check(items, item, &format!("{at}[{i}]"), errs);
                }
            }
        }
    }
}

fn schema_errors(doc: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let v = Validator {
        root: serde_json::from_str(&text).unwrap(),
    };
    let mut errs = Vec::new();
    v.check(&v.root, doc, "$", &mut errs);
    errs
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let dir = project();
    // A file that cannot be read adds a tool execution notification.
    let log = sarif(dir.path(), &[".", "missing.sh"]);
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let errs = schema_errors(&log);
    assert!(errs.is_empty(), "{errs:#?}");
    // The validator does catch mistakes.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    broken["runs"][0]["tool"]["driver"]["rules"][0]["bogus"] = Value::from(1);
    assert_eq!(
        schema_errors(&broken).len(),
        3,
        "{:#?}",
        schema_errors(&broken)
    );
    // The repository's own fixtures too.
    let fixtures = sarif(&root(), &["fixtures/lint/fail"]);
    assert!(schema_errors(&fixtures).is_empty());
}

#[test]
fn a_token_typed_as_a_path_is_masked_in_every_ci_format() {
    let dir = tempfile::tempdir().unwrap();
    let token = fake_token();
    for format in ["sarif", "github", "junit"] {
        let o = run(dir.path(), &["lint", "--format", format, &token]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert_no_secret(&stdout(&o));
        assert_no_secret(&stderr(&o));
    }
    let log = sarif(dir.path(), &[&token]);
    let uri = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]
        ["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("ATATT3%E2%80%A6"), "{uri}");
}

#[test]
fn sarif_output_file_leaves_stdout_empty() {
    let dir = project();
    let o = run(
        dir.path(),
        &["lint", "--format", "sarif", "--output-file", "out.sarif"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    assert_no_secret(&text);
    let log: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
}

// ---------------------------------------------------------------------------------------------
// GitHub annotations

#[test]
fn github_annotations_on_the_fixtures() {
    let o = run(
        &root(),
        &["lint", "fixtures/lint/fail", "--format", "github"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_no_secret(&stdout(&o));
    insta::assert_snapshot!("github_fail", stdout(&o));
}

#[test]
fn github_is_chosen_inside_github_actions_only_without_format() {
    let dir = project();
    let o = atlcheck(dir.path(), &["lint"])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    assert!(out.contains("::error file=scripts/sync.sh,line="));
    let o = atlcheck(dir.path(), &["lint", "--format", "concise"])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains("::"));
    let o = atlcheck(dir.path(), &["lint"])
        .env("GITHUB_ACTIONS", "false")
        .output()
        .unwrap();
    assert!(stdout(&o).contains("Found"));
}

#[test]
fn github_escapes_properties_and_data() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "odd, name: 100%.sh",
        "curl http://acme.atlassian.net/rest/api/3/myself\n",
    );
    let o = run(dir.path(), &["lint", "--format", "github"]);
    let out = stdout(&o);
    let line = out.lines().find(|l| l.starts_with("::error")).unwrap();
    assert!(
        line.starts_with("::error file=odd%2C name%3A 100%25.sh,line=1,endLine=1,col=6,endColumn="),
        "{line}"
    );
    let (props, data) = line[2..].split_once("::").unwrap();
    assert!(props.contains(",title=atlcheck AT205 (insecure-http)"));
    assert!(
        data.starts_with("odd, name: 100%25.sh:1:6: AT205 "),
        "{data}"
    );
    assert!(
        data.contains("%0Afix: "),
        "the fix is on its own line: {data}"
    );
    assert!(!data.contains('\n'));
}

#[test]
fn github_caps_annotations_per_step_and_closes_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..25 {
        // One AT205 error and one AT201 warning per line.
        text.push_str(&format!(
            "curl http://site{i}.atlassian.net/rest/api/3/myself\n"
        ));
    }
    write(dir.path(), "many.sh", &text);
    let o = run(dir.path(), &["lint", "--format", "github"]);
    let out = stdout(&o);
    let count = |p: &str| out.lines().filter(|l| l.starts_with(p)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 10);
    assert_eq!(count("::notice "), 1);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("::notice title=atlcheck%3A annotation limit reached::30 more findings"),
        "{last}"
    );
    // The 30 left out are still in the log, as plain lines.
    assert_eq!(count("many.sh:"), 30);
    assert!(count("::") <= 50);
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// A small XML well-formedness check: one root, balanced and properly nested tags, quoted
/// attributes without `<` or a raw `&`, only the five predefined entities or character
/// references, no control characters. Returns the element names in document order.
fn check_xml(xml: &str) -> Result<Vec<String>, String> {
    fn check_text(t: &str) -> Result<(), String> {
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            let end = rest[i..].find(';').ok_or("unterminated entity")? + i;
            let ent = &rest[i + 1..end];
            let ok = ["amp", "lt", "gt", "quot", "apos"].contains(&ent)
                || ent
                    .strip_prefix("#x")
                    .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                || ent
                    .strip_prefix('#')
                    .is_some_and(|d| d.parse::<u32>().is_ok());
            if !ok {
                return Err(format!("bad entity &{ent};"));
            }
            rest = &rest[end + 1..];
        }
        if let Some(c) = t
            .chars()
            .find(|&c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(format!("control character {:?}", c));
        }
        Ok(())
    }
    let body = xml
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
        .ok_or("no XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = body;
    let mut closed_root = false;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_text(text)?;
        let gt = rest[lt..].find('>').ok_or("unterminated tag")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or("close without open")?;
            if open != name.trim() {
                return Err(format!("</{name}> closes <{open}>"));
            }
            if stack.is_empty() {
                closed_root = true;
            }
            continue;
        }
        if closed_root {
            return Err("a second root element".into());
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("bad element name {name:?}"));
        }
        let mut seen = BTreeSet::new();
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let eq = attrs
                .find("=\"")
                .ok_or(format!("bad attribute in <{name}>"))?;
            let key = &attrs[..eq];
            if !seen.insert(key.to_string()) {
                return Err(format!("duplicate attribute {key}"));
            }
            let end = attrs[eq + 2..].find('"').ok_or("unterminated attribute")? + eq + 2;
            let value = &attrs[eq + 2..end];
            if value.contains('<') {
                return Err(format!("< in attribute {key}"));
            }
            check_text(value)?;
            attrs = &attrs[end + 1..];
        }
        names.push(name.to_string());
        if !self_closing {
            stack.push(name.to_string());
        } else if stack.is_empty() {
            closed_root = true;
        }
    }
    if !rest.trim().is_empty() || !stack.is_empty() || !closed_root {
        return Err(format!("unbalanced document, open: {stack:?}"));
    }
    Ok(names)
}

#[test]
fn junit_is_well_formed_with_one_testcase_per_finding() {
    let dir = project();
    write(
        dir.path(),
        "odd <&> \"name\".sh",
        "curl http://acme.atlassian.net/rest/api/3/myself\n",
    );
    let o = run(dir.path(), &["lint", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    assert_no_secret(&xml);
    let names = check_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let json: Value = serde_json::from_str(&stdout(&json_run(dir.path()))).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let files: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let count = |n: &str| names.iter().filter(|x| *x == n).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(count("testsuite"), files.len());
    assert_eq!(count("testcase"), findings.len());
    assert_eq!(count("failure"), findings.len());
    assert!(xml.contains(&format!(
        r#"<testsuites name="atlcheck" tests="{n}" failures="{n}" errors="0">"#,
        n = findings.len()
    )));
    assert!(xml.contains(r#"<testsuite name="odd &lt;&amp;&gt; &quot;name&quot;.sh""#));
    // The checker rejects what it should.
    assert!(check_xml(&xml.replace("&amp;", "&")).is_err());
    assert!(check_xml(&xml.replacen("</testcase>", "", 1)).is_err());
}

#[test]
fn junit_on_the_fixtures_and_on_a_clean_run() {
    let o = run(
        &root(),
        &["lint", "fixtures/lint/fail", "--format", "junit"],
    );
    check_xml(&stdout(&o)).unwrap();
    insta::assert_snapshot!("junit_fail", stdout(&o));
    let o = run(
        &root(),
        &["lint", "fixtures/lint/pass", "--format", "junit"],
    );
    assert_eq!(o.status.code(), Some(0));
    let xml = stdout(&o);
    assert_eq!(
        check_xml(&xml).unwrap(),
        ["testsuites", "testsuite", "testcase"]
    );
    assert!(xml.contains(r#"tests="1" failures="0" errors="0""#));
}

// ---------------------------------------------------------------------------------------------
// Baselines

fn json_lint(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let o = run(dir, &all);
    let doc = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (o.status.code(), doc)
}

#[test]
fn baseline_round_trip_new_findings_and_stale_entries() {
    let dir = project();
    let (code, all) = json_lint(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let total = all["findings"].as_array().unwrap().len();

    // Write: every finding recorded, sorted, one per line; the run itself passes.
    let o = run(dir.path(), &["lint", "--write-baseline", "baseline.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("wrote {total} baseline entries")));
    let text = std::fs::read_to_string(dir.path().join("baseline.jsonl")).unwrap();
    assert_no_secret(&text);
    let entries: Vec<Value> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), total);
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let obj = e.as_object().unwrap();
            assert_eq!(
                obj.keys().collect::<Vec<_>>(),
                ["fingerprint", "path", "rule"],
                "no line numbers, no messages"
            );
            (
                e["path"].as_str().unwrap().into(),
                e["rule"].as_str().unwrap().into(),
                e["fingerprint"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted by path, rule, fingerprint");
    // Writing again gives the same bytes.
    run(dir.path(), &["lint", "--write-baseline", "again.jsonl"]);
    assert_eq!(
        text,
        std::fs::read_to_string(dir.path().join("again.jsonl")).unwrap()
    );

    // Read: nothing new, exit 0.
    let (code, doc) = json_lint(dir.path(), &["--baseline", "baseline.jsonl"]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(doc["baseline"]["matched"], total);
    assert_eq!(doc["baseline"]["stale"].as_array().unwrap().len(), 0);
    assert_eq!(doc["version"], 1);

    // Move lines, fix one finding, add a new one.
    let sync = dir.path().join("scripts/sync.sh");
    let old = std::fs::read_to_string(&sync).unwrap();
    let edited = old.replace("curl http://acme.atlassian.net/rest/api/3/myself\n", "");
    std::fs::write(&sync, format!("#!/bin/sh\n\n\n# moved\n{}", &edited[10..])).unwrap();
    write(
        dir.path(),
        "deploy/jira.py",
        "import requests\n\n\nrequests.get(\"https://acme.atlassian.net/rest/api/3/search\")\nrequests.get(\"https://acme.atlassian.net/rest/api/3/myself\")\n",
    );
    let (code, doc) = json_lint(dir.path(), &["--baseline", "baseline.jsonl"]);
    assert_eq!(code, Some(1));
    let new: Vec<(&str, &str, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        new,
        [("AT201", "deploy/jira.py", 5)],
        "only the new finding"
    );
    let stale = doc["baseline"]["stale"].as_array().unwrap();
    let stale_rules: BTreeSet<&str> = stale.iter().map(|e| e["rule"].as_str().unwrap()).collect();
    assert_eq!(
        stale_rules,
        BTreeSet::from(["AT201", "AT205"]),
        "the fixed curl line: {stale:?}"
    );
    assert!(stale.iter().all(|e| e["path"] == "scripts/sync.sh"));
    assert_eq!(doc["baseline"]["matched"], total - 2);

    // Human output: a note listing the stale entries.
    let o = run(
        dir.path(),
        &["lint", "--baseline", "baseline.jsonl", "--color", "never"],
    );
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "note: baseline baseline.jsonl: {} known findings not reported; 2 stale entries",
            total - 2
        )),
        "{out}"
    );
    assert!(out.contains("  scripts/sync.sh AT205 "));

    // A run over one file does not call the other files' entries stale.
    let (_, doc) = json_lint(
        dir.path(),
        &["--baseline", "baseline.jsonl", "deploy/jira.py"],
    );
    assert_eq!(doc["baseline"]["stale"].as_array().unwrap().len(), 0);

    // Reasons written by hand survive a rewrite; stale entries are pruned.
    let kept = text
        .lines()
        .find(|l| l.contains("deploy/jira.py"))
        .unwrap()
        .to_string();
    let with_reason = text.replace(
        &kept,
        &kept.replace("\"}", "\",\"reason\":\"accepted in OPS-42\"}"),
    );
    std::fs::write(dir.path().join("baseline.jsonl"), &with_reason).unwrap();
    run(dir.path(), &["lint", "--write-baseline", "baseline.jsonl"]);
    let rewritten = std::fs::read_to_string(dir.path().join("baseline.jsonl")).unwrap();
    assert_eq!(
        rewritten.lines().filter(|l| l.starts_with('{')).count(),
        total - 2 + 1,
        "two stale entries pruned, one new finding recorded"
    );
    assert!(
        rewritten.contains(&kept.replace("\"}", "\",\"reason\":\"accepted in OPS-42\"}")),
        "{rewritten}"
    );
}

#[test]
fn baseline_errors_are_usage_errors() {
    let dir = project();
    let o = run(dir.path(), &["lint", "--baseline", "nope.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read baseline nope.jsonl"));
    write(dir.path(), "bad.jsonl", "# header\n{\"rule\": \"AT201\"}\n");
    let o = run(dir.path(), &["lint", "--baseline", "bad.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.jsonl:2: not a baseline entry"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------------------------
// --staged and --force-exclude

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

#[test]
fn staged_lints_the_index_not_the_working_tree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let bad = "curl http://acme.atlassian.net/rest/api/3/myself\n";
    let good = "curl https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself\n";
    // Staged bad, then cleaned in the working tree: the commit would still carry it.
    write(d, "a.sh", bad);
    // Staged good, then broken in the working tree: not part of the commit.
    write(d, "b.sh", good);
    // Never staged.
    write(d, "untracked.sh", bad);
    git(d, &["add", "a.sh", "b.sh"]);
    write(d, "a.sh", good);
    write(d, "b.sh", bad);

    // On an unborn branch (first commit) too.
    let (code, doc) = json_lint(d, &["--staged"]);
    assert_eq!(code, Some(1));
    let paths: BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, BTreeSet::from(["a.sh"]));
    assert_eq!(doc["summary"]["files_scanned"], 2);

    // After a commit only changed files are linted, renamed ones by their new name.
    git(d, &["commit", "-q", "--no-verify", "-m", "one"]);
    let (code, doc) = json_lint(d, &["--staged"]);
    assert_eq!(
        (code, doc["summary"]["files_scanned"].as_u64()),
        (Some(0), Some(0))
    );
    git(d, &["mv", "a.sh", "renamed.sh"]);
    write(d, "sub/c.sh", bad);
    git(d, &["add", "sub/c.sh"]);
    let (_, doc) = json_lint(d, &["--staged"]);
    let paths: BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, BTreeSet::from(["renamed.sh", "sub/c.sh"]));
    // Paths limit the staged set; from a subfolder, paths stay relative to it.
    let (_, doc) = json_lint(d, &["--staged", "sub"]);
    assert_eq!(doc["summary"]["files_scanned"], 1);
    let (_, doc) = json_lint(&d.join("sub"), &["--staged"]);
    let paths: BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains("c.sh"), "{paths:?}");
    assert_eq!(paths.len(), 2, "the whole index, as `git commit` takes it");

    // Config excludes apply to staged files.
    write(d, ".atlcheck.toml", "exclude = [\"sub\"]\n");
    let (_, doc) = json_lint(d, &["--staged"]);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["path"] != "sub/c.sh")
    );

    // Outside a repository: a usage error.
    let outside = tempfile::tempdir().unwrap();
    let o = atlcheck(outside.path(), &["lint", "--staged"])
        .env("GIT_CEILING_DIRECTORIES", outside.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--staged"), "{}", stderr(&o));
}

#[test]
fn force_exclude_applies_excludes_to_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".atlcheck.toml",
        "exclude = [\"vendor\", \"*.gen.sh\"]\n",
    );
    let bad = "curl http://acme.atlassian.net/rest/api/3/myself\n";
    write(d, "vendor/lib.sh", bad);
    write(d, "x.gen.sh", bad);
    write(d, "mine.sh", bad);
    let files = ["vendor/lib.sh", "x.gen.sh", "mine.sh"];
    let (_, doc) = json_lint(d, &files);
    assert_eq!(
        doc["summary"]["files_scanned"], 3,
        "named files are linted by default"
    );
    let (_, doc) = json_lint(d, &[&["--force-exclude"][..], &files].concat());
    assert_eq!(doc["summary"]["files_scanned"], 1);
    assert_eq!(doc["findings"][0]["path"], "mine.sh");
    // A walk excludes them either way.
    let (_, doc) = json_lint(d, &[]);
    assert_eq!(
        doc["summary"]["files_scanned"], 2,
        "mine.sh and .atlcheck.toml"
    );
    // The configuration found from a file in the current folder (its folder is ``) too.
    let (_, doc) = json_lint(d, &["--force-exclude", "mine.sh", "vendor/lib.sh"]);
    assert_eq!(doc["summary"]["files_scanned"], 1);
    // Every named file excluded: nothing is linted (not `.`).
    let (code, doc) = json_lint(d, &["--force-exclude", "vendor/lib.sh"]);
    assert_eq!(
        (code, doc["summary"]["files_scanned"].as_u64()),
        (Some(0), Some(0))
    );
}

// ---------------------------------------------------------------------------------------------
// Completions, man page

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&root(), &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let out = stdout(&o);
        assert!(out.contains("atlcheck"), "{shell}");
        assert!(
            out.contains("write-baseline"),
            "{shell} completes lint flags"
        );
    }
    let o = run(&root(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));

    let o = run(&root(), &["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.contains(".TH atlcheck 1"), "{}", &page[..200]);
    assert!(page.contains("atlcheck\\-lint(1)") || page.contains("lint"));
    let o = run(&root(), &["man", "lint"]);
    let page = stdout(&o);
    assert!(page.contains(".TH atlcheck-lint 1"), "{}", &page[..300]);
    assert!(page.contains("baseline"));
    let o = run(&root(), &["man", "nope"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn no_progress_line_when_stderr_is_not_a_terminal() {
    let o = run(&root(), &["lint", "fixtures", "--color", "never"]);
    assert!(!stderr(&o).contains('\r'));
    assert!(!stderr(&o).contains("files scanned"));
}
