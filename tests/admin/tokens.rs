//! `atlcheck tokens` against a local simulation of the admin API (tests/admin/tokens_sim.rs), reached
//! through ATLCHECK_CONNECT_TO, judged at a fixed instant (ATLCHECK_NOW).
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{stderr, stdout};
use crate::tokens_sim;
use tokens_sim::{KEY, Links, NOW, ORG, Sim, path};

fn user(id: &str, name: &str, email: &str) -> Value {
    json!({"id": id, "orgId": ORG, "name": name, "email": email})
}

/// An organization with something for every rule: 5 managed-account tokens (3 pages of 2),
/// 3 service accounts (2 pages) with tokens and an OAuth client, 2 admin keys.
fn acme() -> Sim {
    let sim = Sim::start();
    sim.with(|s| {
        s.api_tokens = vec![
            json!({"id": "t-soon", "label": "nightly-export", "status": "ALLOWED", "createdAt": "2025-12-02T09:00:00.000Z",
                   "expiresAt": "2026-12-02T09:00:00.000Z", "lastActiveAt": "2026-11-29T02:00:00.123456Z",
                   "user": user("u-jane", "Jane Doe", "Jane.Doe@acme.com")}),
            json!({"id": "t-dead", "label": "backup", "status": "ALLOWED", "createdAt": "2025-11-20T00:00:00+00:00",
                   "expiresAt": "2026-11-20T00:00:00+00:00", "lastActiveAt": "2026-11-19T23:00:00+00:00",
                   "user": user("u-sam", "Sam Okafor", "sam@acme.com")}),
            json!({"id": "t-idle", "label": "hackathon", "status": "ALLOWED", "createdAt": "2026-03-01T10:00:00Z",
                   "expiresAt": "2027-05-01T00:00:00Z", "lastActiveAt": "2026-06-01T00:00:00-0500",
                   "user": user("u-raj", "Raj Patel", "raj@acme.com")}),
            json!({"id": "t-fine", "label": "reporting", "status": "ALLOWED", "createdAt": "2026-06-01T00:00:00Z",
                   "expiresAt": "2027-03-01T00:00:00Z", "lastActiveAt": "2026-11-28T00:00:00Z",
                   "user": user("u-jane", "Jane Doe", "jane.doe@acme.com")}),
            json!({"id": "t-odd", "label": "odd", "status": "ALLOWED", "createdAt": "2026-10-01T00:00:00Z",
                   "expiresAt": "soon", "user": user("u-li", "Li Wei", "li@acme.com")}),
        ];
        s.service_accounts = vec![
            json!({"id": "sa-1", "atlassianId": "712020:sa-1", "email": "jira-sync-x1axxw94zz@serviceaccount.atlassian.com",
                   "displayName": "jira-sync", "updatedAt": 1764000000000_i64, "status": "ACTIVE"}),
            json!({"id": "sa-2", "atlassianId": "712020:sa-2", "email": "export-q7zz9k1m2n@serviceaccount.atlassian.com",
                   "displayName": "export", "status": "ACTIVE"}),
            json!({"id": "sa-3", "atlassianId": "712020:sa-3", "email": "idle-a1b2c3d4e5@serviceaccount.atlassian.com",
                   "displayName": "idle", "status": "ACTIVE"}),
        ];
        s.sa_tokens.insert("sa-1".into(), vec![json!({"id": "st-1", "label": "jira-sync",
            "createdAt": "2026-01-10T09:00:00+01:00", "expiresAt": "2026-12-20T17:30:00.250+01:00", "lastActiveAt": 1795900000000_i64})]);
        s.sa_tokens.insert("sa-2".into(), vec![json!({"id": "st-2", "label": "export",
            "createdAt": 1764150000000_i64, "expiresAt": "2026-11-27T03:26:40Z", "lastActiveAt": null})]);
        s.sa_oauth.insert("sa-1".into(), vec![json!({"clientId": "c-1", "name": "deploy", "createdAt": 1767225600000_i64,
            "updatedAt": 1767225600000_i64, "status": "ACTIVE"})]);
        s.admin_keys = vec![
            json!({"id": "k-1", "name": "legacy-scim", "createdAt": "2024-03-01T00:00:00Z", "expiresAt": null, "lastActiveAt": "2026-11-29T01:00:00Z"}),
            json!({"id": "k-2", "name": "audit", "createdAt": "2026-06-01T00:00:00Z", "expiresAt": "2027-06-01T00:00:00Z", "lastActiveAt": "2026-11-29T01:00:00Z"}),
        ];
    });
    sim
}

fn command(sim: &Sim, args: &[&str]) -> Command {
    tokens_sim::command(Some(sim), &[&["tokens"][..], args].concat())
}

fn run(sim: &Sim, args: &[&str]) -> Output {
    let out = command(sim, args).output().expect("atlcheck runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(KEY), "the admin key was printed:\n{all}");
    assert!(
        !all.contains(&KEY[10..40]),
        "part of the admin key was printed:\n{all}"
    );
    out
}

fn json_run(sim: &Sim, extra: &[&str]) -> (i32, Value, Output) {
    let mut args = vec!["--org", ORG, "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(sim, &args);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&out), stderr(&out)));
    (out.status.code().unwrap(), v, out)
}

fn source<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
}

/// The error a source failed with.
fn source_error(v: &Value, name: &str) -> String {
    source(v, name)["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} has no error: {v}"))
        .to_string()
}

fn credential<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

fn rules_of(v: &Value, id: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["credential_id"] == id)
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn reads_every_source_across_pages_and_judges_at_the_fixed_instant() {
    let sim = acme();
    let (code, v, _) = json_run(&sim, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["version"], 1);
    assert_eq!(v["org"], ORG);
    assert_eq!(v["generated_at"], NOW);
    assert_eq!(v["complete"], true);
    assert_eq!(v["credentials"].as_array().unwrap().len(), 10);
    for (name, creds, pages) in [
        ("api-tokens", 5, 3),
        // 2 pages of service accounts + one page per account's tokens
        ("service-accounts", 2, 5),
        ("oauth-clients", 1, 5),
        ("admin-keys", 2, 1),
    ] {
        let s = source(&v, name);
        assert_eq!(
            (s["status"].as_str(), s["error"].is_null()),
            (Some("read"), true),
            "{s}"
        );
        assert_eq!(
            (s["credentials"].as_u64(), s["pages"].as_u64()),
            (Some(creds), Some(pages)),
            "{s}"
        );
    }
    assert_eq!(rules_of(&v, "t-soon"), ["AT601 error"]);
    assert_eq!(rules_of(&v, "t-dead"), ["AT602 error"]);
    assert_eq!(rules_of(&v, "t-idle"), ["AT603 warning"]);
    assert!(rules_of(&v, "t-fine").is_empty());
    assert!(rules_of(&v, "t-odd").is_empty());
    assert_eq!(rules_of(&v, "st-1"), ["AT601 warning"]);
    assert_eq!(rules_of(&v, "st-2"), ["AT602 error"]);
    assert!(rules_of(&v, "c-1").is_empty());
    assert_eq!(rules_of(&v, "k-1"), ["AT604 warning"]);
    assert!(rules_of(&v, "k-2").is_empty());

    let soon = credential(&v, "t-soon");
    assert_eq!(soon["kind"], "api-token");
    assert_eq!(soon["days_left"], 2);
    assert_eq!(soon["expires_at"], "2026-12-02T09:00:00Z");
    assert_eq!(soon["last_active_at"], "2026-11-29T02:00:00.123Z");
    assert_eq!(
        soon["owner"],
        json!({"id": "u-jane", "email": "jane.doe@acme.com", "name": "Jane Doe", "type": "user"})
    );
    assert_eq!(credential(&v, "t-dead")["days_left"], -10);
    assert_eq!(
        credential(&v, "t-idle")["last_active_at"],
        "2026-06-01T05:00:00Z"
    );
    let odd = credential(&v, "t-odd");
    assert_eq!(
        (odd["expires_at"].is_null(), odd["days_left"].is_null()),
        (true, true)
    );
    assert_eq!(odd["unknown"], json!(["expires_at", "last_active_at"]));
    assert!(
        odd["notes"].to_string().contains("not a timestamp"),
        "{odd}"
    );
    let st1 = credential(&v, "st-1");
    assert_eq!(st1["kind"], "service-account-api-token");
    assert_eq!(st1["expires_at"], "2026-12-20T16:30:00.250Z");
    assert_eq!(st1["days_left"], 21);
    assert_eq!(st1["owner"]["type"], "service-account");
    assert_eq!(
        st1["owner"]["email"],
        "jira-sync-x1axxw94zz@serviceaccount.atlassian.com"
    );
    let c1 = credential(&v, "c-1");
    assert_eq!(c1["kind"], "oauth-client");
    assert_eq!(c1["created_at"], "2026-01-01T00:00:00Z");
    assert_eq!(c1["unknown"], json!(["expires_at", "last_active_at"]));
    let k1 = credential(&v, "k-1");
    assert_eq!(
        (k1["kind"].as_str(), k1["owner"]["type"].as_str()),
        (Some("admin-key"), Some("org"))
    );
    assert_eq!(
        (
            k1["expires_at"].is_null(),
            k1["unknown"].as_array().unwrap().len()
        ),
        (true, 0)
    );
    let stranded = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["credential_id"] == "st-2")
        .unwrap();
    assert!(
        stranded["message"]
            .as_str()
            .unwrap()
            .contains("no unexpired credential left"),
        "{stranded}"
    );
    assert!(
        stranded["fix"]
            .as_str()
            .unwrap()
            .contains("Directory > Service accounts"),
        "{stranded}"
    );
    assert_eq!(
        v["summary"]["by_rule"],
        json!({"AT601": 2, "AT602": 2, "AT603": 1, "AT604": 1})
    );
    assert_eq!(
        (
            v["summary"]["errors"].as_u64(),
            v["summary"]["warnings"].as_u64()
        ),
        (Some(3), Some(3))
    );

    // What went over the wire: GET only, the admin key as Bearer, only the admin API.
    let reqs = sim.requests();
    assert_eq!(reqs.len(), 3 + 2 + 3 + 3 + 1, "{reqs:#?}");
    for r in &reqs {
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.authorization.as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert!(r.target.starts_with(&path("/")), "{}", r.target);
    }
    assert!(
        reqs[0].target.ends_with("/api-tokens?pageSize=1000"),
        "{}",
        reqs[0].target
    );
    assert!(
        reqs[1]
            .target
            .ends_with("/api-tokens?pageSize=1000&cursor=off-2"),
        "{}",
        reqs[1].target
    );
}

#[test]
fn follows_links_given_as_whole_urls_and_as_paths() {
    for links in [Links::Url, Links::Path] {
        let sim = acme();
        sim.with(|s| s.links = Some(links));
        let (code, v, _) = json_run(&sim, &[]);
        assert_eq!(
            (code, v["complete"].as_bool()),
            (1, Some(true)),
            "{links:?}"
        );
        assert_eq!(v["credentials"].as_array().unwrap().len(), 10, "{links:?}");
        assert!(
            sim.requests()
                .iter()
                .any(|r| r.target.ends_with("/api-tokens?cursor=off-4")),
            "{links:?}"
        );
    }
}

#[test]
fn a_pagination_link_to_another_host_is_not_followed() {
    let sim = acme();
    sim.with(|s| s.links = Some(Links::Foreign));
    let (code, v, out) = json_run(&sim, &["--sources", "api-tokens"]);
    assert_eq!(code, 2);
    assert_eq!(v["complete"], false);
    let s = source(&v, "api-tokens");
    assert_eq!(s["status"], "failed");
    assert!(
        s["error"]
            .as_str()
            .unwrap()
            .contains("https://evil.example, not api.atlassian.com"),
        "{s}"
    );
    assert!(
        s["error"]
            .as_str()
            .unwrap()
            .contains("after 1 page (2 items)"),
        "{s}"
    );
    // The first page is still reported, marked partial.
    assert_eq!(v["credentials"].as_array().unwrap().len(), 2);
    assert_eq!(sim.requests().len(), 1);
    assert!(
        stderr(&out).contains("api-tokens: stopped reading"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_empty_organization_is_a_clean_complete_report() {
    let sim = Sim::start();
    let (code, v, _) = json_run(&sim, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["complete"], true);
    assert_eq!(v["credentials"], json!([]));
    assert_eq!(v["findings"], json!([]));
    assert_eq!(v["summary"]["soonest_days_left"], Value::Null);
    let out = run(&sim, &["--org", ORG]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("0 credentials, 0 findings"),
        "{}",
        stdout(&out)
    );
    let out = run(&sim, &["--org", ORG, "--format", "junit"]);
    assert!(
        stdout(&out).contains(r#"tests="1" failures="0" errors="0""#),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_refused_key_fails_every_source_with_exit_2() {
    let sim = acme();
    let out = command(&sim, &["--org", ORG, "--format", "json"])
        .env(
            "ATLASSIAN_ADMIN_KEY",
            "ATCTT3xFfGF0d3JvbmctYnV0LXdlbGwtZm9ybWVkLWtleQ=0011AABB",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["complete"], false);
    let api = source(&v, "api-tokens");
    assert!(
        api["error"].as_str().unwrap().contains("401 Unauthorized"),
        "{api}"
    );
    assert!(
        api["error"]
            .as_str()
            .unwrap()
            .contains("wrong, expired or revoked"),
        "{api}"
    );
    for name in ["service-accounts", "oauth-clients", "admin-keys"] {
        let s = source(&v, name);
        assert_eq!(s["status"], "failed");
        assert!(
            s["error"].as_str().unwrap().contains("refused (401)"),
            "{s}"
        );
    }
    // One request, not one per source.
    assert_eq!(sim.requests().len(), 1);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("d3JvbmctYnV0LXdlbGwtZm9ybWVkLWtleQ"));
}

#[test]
fn a_missing_scope_is_named_and_sources_can_be_left_out() {
    let sim = acme();
    sim.with(|s| s.forbidden = vec!["api-keys"]);
    let (code, v, out) = json_run(&sim, &[]);
    assert_eq!(code, 2);
    let keys = source(&v, "admin-keys");
    assert_eq!(keys["status"], "failed");
    let err = keys["error"].as_str().unwrap();
    assert!(
        err.contains("403 Forbidden")
            && err.contains("read:keys:admin")
            && err.contains("--sources"),
        "{err}"
    );
    assert_eq!(source(&v, "api-tokens")["status"], "read");
    assert_eq!(v["credentials"].as_array().unwrap().len(), 8);
    assert!(stderr(&out).contains("read:keys:admin"));

    let (code, v, _) = json_run(
        &sim,
        &["--sources", "api-tokens,service-accounts,oauth-clients"],
    );
    assert_eq!(code, 1);
    assert_eq!(v["complete"], true);
    assert_eq!(source(&v, "admin-keys")["status"], "skipped");

    let sim = acme();
    sim.with(|s| s.forbidden = vec!["sa-oauth-clients"]);
    let (code, v, _) = json_run(&sim, &[]);
    assert_eq!(code, 2);
    let oauth = source_error(&v, "oauth-clients");
    assert!(
        oauth.contains("read:service-accounts-tokens:admin")
            && oauth.contains("0 of 3 service accounts"),
        "{oauth}"
    );
    assert_eq!(source(&v, "service-accounts")["status"], "read");
}

#[test]
fn an_unknown_organization_is_a_404_exit_2() {
    let sim = acme();
    let other = "00000000-0000-4000-8000-000000000000";
    let out = run(&sim, &["--org", other, "--sources", "api-tokens"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("404 Not Found") && text.contains(&format!("no organization {other}")),
        "{text}"
    );
    assert!(text.contains("INCOMPLETE"), "{text}");
    let out = run(
        &sim,
        &["--org", other, "--sources", "api-tokens", "--quiet"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("source failed: api-tokens: 404 Not Found"),
        "{text}"
    );
}

#[test]
fn rate_limits_are_honoured_then_bounded() {
    // Retry-After: 1 on the second page, then the page: complete, after a wait.
    let sim = acme();
    sim.fault(
        &path("/api-tokens"),
        Some("off-2"),
        1,
        429,
        &[("Retry-After", "1")],
        r#"{"code":429,"message":"Too Many Requests"}"#,
    );
    let started = Instant::now();
    let (code, v, _) = json_run(&sim, &["--sources", "api-tokens"]);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!((code, v["complete"].as_bool()), (1, Some(true)));
    assert_eq!(v["credentials"].as_array().unwrap().len(), 5);

    // X-RateLimit-Reset as an ISO instant two seconds after the (real) clock's now is waited
    // for too; one an hour away is more than atlcheck waits: it stops at once and says how far
    // it got.
    let sim = acme();
    sim.fault(
        &path("/api-tokens"),
        Some("off-4"),
        1,
        429,
        &[("X-RateLimit-Reset", "2999-01-01T00:00:00Z")],
        "",
    );
    let started = Instant::now();
    let (code, v, _) = json_run(&sim, &["--sources", "api-tokens"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, 2);
    let err = source_error(&v, "api-tokens");
    assert!(
        err.contains("429 Too Many Requests") && err.contains("after 2 pages (4 items)"),
        "{err}"
    );
    assert_eq!(v["credentials"].as_array().unwrap().len(), 4);
}

#[test]
fn server_errors_are_retried() {
    let sim = acme();
    sim.fault(
        &path("/api-keys"),
        None,
        2,
        502,
        &[],
        "<html>bad gateway</html>",
    );
    let (code, v, _) = json_run(&sim, &["--sources", "admin-keys"]);
    assert_eq!((code, v["complete"].as_bool()), (1, Some(true)));
    assert_eq!(sim.requests().len(), 3);
}

#[test]
fn server_errors_are_retried_a_bounded_number_of_times() {
    let sim = acme();
    sim.fault(&path("/api-keys"), None, 99, 500, &[], "");
    let (code, v, _) = json_run(&sim, &["--sources", "admin-keys"]);
    assert_eq!(code, 2);
    let err = source_error(&v, "admin-keys");
    assert!(
        err.contains("500 from Atlassian") && err.contains("3 attempts"),
        "{err}"
    );
    assert_eq!(sim.requests().len(), 3);
}

#[test]
fn a_timeout_is_retried() {
    let sim = acme();
    sim.slow(&path("/api-keys"), 1, Duration::from_secs(3));
    let (code, v, _) = json_run(&sim, &["--sources", "admin-keys", "--timeout", "0.5"]);
    assert_eq!((code, v["complete"].as_bool()), (1, Some(true)), "{v}");
}

#[test]
fn timeouts_are_retried_a_bounded_number_of_times() {
    let sim = acme();
    sim.slow(&path("/api-keys"), 99, Duration::from_secs(3));
    let started = Instant::now();
    let (code, v, _) = json_run(&sim, &["--sources", "admin-keys", "--timeout", "0.3"]);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(code, 2);
    let err = source_error(&v, "admin-keys");
    assert!(
        err.contains("no answer") && err.contains("3 attempts"),
        "{err}"
    );
}

#[test]
fn malformed_answers_fail_the_source_not_the_run() {
    let sim = acme();
    sim.fault(
        &path("/api-tokens"),
        Some("off-2"),
        1,
        200,
        &[],
        r#"{"data": [{"id": "x"}"#,
    );
    sim.fault(
        &path("/api-keys"),
        None,
        1,
        200,
        &[],
        r#"{"errors": ["something"]}"#,
    );
    let (code, v, _) = json_run(&sim, &[]);
    assert_eq!(code, 2);
    let api = source_error(&v, "api-tokens");
    assert!(
        api.contains("not JSON") && api.contains("after 1 page"),
        "{api}"
    );
    let keys = source_error(&v, "admin-keys");
    assert!(keys.contains("no list of items"), "{keys}");
    assert_eq!(source(&v, "service-accounts")["status"], "read");
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    let sim = acme();
    for (args, env, expect) in [
        (
            vec!["--org", "../../etc"],
            None,
            "is not an organization ID",
        ),
        (vec![], None, "give the organization"),
        (
            vec!["--org", ORG],
            Some(("ATLCHECK_NOW", "yesterday")),
            "ATLCHECK_NOW `yesterday` is not an RFC 3339 time",
        ),
        (
            vec!["--org", ORG],
            Some(("ATLASSIAN_ADMIN_KEY", "")),
            "no org admin API key",
        ),
        (
            vec!["--org", ORG],
            Some(("ATLASSIAN_ADMIN_KEY", "ATCTT3 abc")),
            "whitespace",
        ),
        (vec!["--org", ORG, "--timeout", "0"], None, "--timeout"),
        (
            vec!["--org", ORG, "--sources", "everything"],
            None,
            "invalid value 'everything'",
        ),
        (
            vec!["--org", ORG, "--baseline", "/nonexistent/b.jsonl"],
            None,
            "cannot read baseline",
        ),
    ] {
        let mut cmd = command(&sim, &args);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn the_admin_key_can_come_from_stdin_or_another_variable() {
    let sim = Sim::start();
    let mut child = command(&sim, &["--org", ORG, "--admin-key-stdin"])
        .env_remove("ATLASSIAN_ADMIN_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{KEY}\n").as_bytes())
        .unwrap();
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(0));
    let out = command(&sim, &["--org", ORG, "--admin-key-env", "MY_KEY"])
        .env_remove("ATLASSIAN_ADMIN_KEY")
        .env("MY_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn windows_and_fail_on_change_the_verdict() {
    let sim = acme();
    // Only the admin keys: k-1 has no expiry (a warning).
    let (code, _, _) = json_run(&sim, &["--sources", "admin-keys", "--fail-on", "error"]);
    assert_eq!(code, 0);
    let (code, _, _) = json_run(&sim, &["--sources", "admin-keys"]);
    assert_eq!(code, 1);
    // A 1-day window leaves t-soon (2 days left) alone; a 400-day stale window spares t-idle.
    let (_, v, _) = json_run(
        &sim,
        &[
            "--sources",
            "api-tokens",
            "--expiring-within",
            "1",
            "--stale-after",
            "400",
        ],
    );
    assert!(rules_of(&v, "t-soon").is_empty());
    assert!(rules_of(&v, "t-idle").is_empty());
    assert_eq!(
        v["policy"],
        json!({"expiring_within_days": 1, "stale_after_days": 400})
    );
}

#[test]
fn baselines_accept_findings_by_credential_and_rule() {
    let sim = acme();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens-baseline.jsonl");
    let f = file.to_str().unwrap();
    let out = run(&sim, &["--org", ORG, "--write-baseline", f]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# atlcheck tokens baseline v1"), "{text}");
    assert!(
        text.contains(r#"{"rule":"AT604","credential_id":"k-1","label":"legacy-scim"}"#),
        "{text}"
    );
    assert_eq!(text.lines().filter(|l| l.starts_with('{')).count(), 6);
    // A reason survives a rewrite; the baseline makes the run green.
    std::fs::write(
        &file,
        text.replace(
            r#""label":"legacy-scim"}"#,
            r#""label":"legacy-scim","reason":"SEC-12"}"#,
        ),
    )
    .unwrap();
    let (code, v, _) = json_run(&sim, &["--baseline", f]);
    assert_eq!(code, 0);
    assert_eq!(v["findings"], json!([]));
    assert_eq!(v["summary"]["baselined"], 6);
    run(
        &sim,
        &["--org", ORG, "--baseline", f, "--write-baseline", f],
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains(r#""reason":"SEC-12""#)
    );
    // Once a credential is gone its entries are stale.
    sim.with(|s| s.admin_keys.clear());
    let (code, v, _) = json_run(&sim, &["--baseline", f]);
    assert_eq!(code, 0);
    assert_eq!(v["baseline"]["stale"][0]["credential_id"], "k-1");
    // A partial run neither lists stale entries nor writes a baseline.
    sim.with(|s| s.forbidden = vec!["api-tokens"]);
    let (code, v, out) = json_run(&sim, &["--baseline", f, "--write-baseline", f]);
    assert_eq!(code, 2);
    assert_eq!(v["baseline"]["stale"], json!([]));
    assert!(stderr(&out).contains("not written"), "{}", stderr(&out));
}

#[test]
fn every_format_reports_the_same_findings() {
    let sim = acme();
    let out = run(&sim, &["--org", ORG]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("tokens_human", stdout(&out));

    let out = run(&sim, &["--org", ORG, "--format", "markdown"]);
    insta::assert_snapshot!("tokens_markdown", stdout(&out));

    let out = run(&sim, &["--org", ORG, "--format", "csv"]);
    let csv = stdout(&out);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 11);
    assert!(lines[0].starts_with("kind,id,label,owner_type,owner_email"));
    assert!(csv.contains("api-token,t-soon,nightly-export,user,jane.doe@acme.com,Jane Doe,u-jane,ALLOWED,2025-12-02T09:00:00Z,2026-12-02T09:00:00Z,2026-11-29T02:00:00.123Z,2,AT601,error,api-tokens"), "{csv}");
    assert!(
        csv.contains("oauth-client,c-1,deploy,service-account,"),
        "{csv}"
    );

    let out = run(&sim, &["--org", ORG, "--format", "junit"]);
    let xml = stdout(&out);
    assert!(
        xml.contains(r#"<testsuites name="atlcheck tokens" tests="10" failures="6" errors="0">"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<failure type="AT601""#), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 10);

    let out = run(&sim, &["--org", ORG, "--format", "github"]);
    let gh = stdout(&out);
    assert_eq!(
        gh.lines()
            .filter(|l| l.starts_with("::error title=atlcheck AT60"))
            .count(),
        3,
        "{gh}"
    );
    assert_eq!(
        gh.lines()
            .filter(|l| l.starts_with("::warning title=atlcheck AT60"))
            .count(),
        3,
        "{gh}"
    );
    assert!(
        gh.lines()
            .last()
            .unwrap()
            .starts_with("::notice title=atlcheck tokens::10 credentials"),
        "{gh}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = run(
        &sim,
        &[
            "--org",
            ORG,
            "--format",
            "json",
            "--output-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["credentials"].as_array().unwrap().len(), 10);
}

#[test]
fn hostile_labels_cannot_forge_output() {
    let sim = Sim::start();
    sim.with(|s| {
        s.api_tokens = vec![json!({"id": "t-x", "label": "x\n::error::forged\r\u{1b}[31m| <b>@octocat", "status": "ALLOWED",
            "createdAt": "2026-01-01T00:00:00Z", "expiresAt": "2026-12-01T00:00:00Z", "lastActiveAt": "2026-11-28T00:00:00Z",
            "user": user("u", "=cmd|' /C calc'!A0", "eve@acme.com")})];
    });
    for format in ["human", "github", "markdown", "csv", "junit", "json"] {
        let out = run(&sim, &["--org", ORG, "--format", format]);
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}'), "{format}: {text}");
        assert!(
            !text.lines().any(|l| l.starts_with("::error::")),
            "{format}: {text}"
        );
        match format {
            "markdown" => assert!(
                text.contains("x ::error::forged  \\[31m\\| &lt;b&gt;@\u{200B}octocat"),
                "{text}"
            ),
            "csv" => assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{text}"),
            _ => {}
        }
    }
}

/// One budget over the whole run (`--max-pages`), not only per listing: each service account
/// has listings of its own, so the per-listing cap alone bounds nothing (red-team finding,
/// issue 12). The run stops asking, reports what it read, and exits 2 as incomplete.
#[test]
fn the_page_budget_covers_every_listing_of_the_run() {
    let sim = acme();
    // 3 pages of managed-account tokens, then 2 of service accounts, then one budget page:
    // 6 in all, so the first service account's tokens are read and nothing after them.
    let (code, v, out) = json_run(&sim, &["--max-pages", "6"]);
    assert_eq!(code, 2, "{}", stderr(&out));
    assert_eq!(v["complete"], false);
    assert_eq!(sim.requests().len(), 6);
    let api = source(&v, "api-tokens");
    assert_eq!(
        (api["status"].as_str(), api["pages"].as_u64()),
        (Some("read"), Some(3))
    );
    for name in ["service-accounts", "oauth-clients", "admin-keys"] {
        let s = source(&v, name);
        assert_eq!(s["status"], "failed", "{s}");
        let err = s["error"].as_str().unwrap();
        assert!(
            err.contains("the run had read 6 pages in all, its limit (--max-pages)"),
            "{name}: {err}"
        );
    }
    // What was read is still reported: 5 managed-account tokens and the first account's token.
    assert_eq!(v["credentials"].as_array().unwrap().len(), 6);
    // The human report says so too, and a budget of 0 is a usage error.
    let o = run(&sim, &["--org", ORG, "--max-pages", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("--max-pages") || stderr(&o).contains("--max-pages"));
    let o = run(&sim, &["--org", ORG, "--max-pages", "0"]);
    assert_eq!(o.status.code(), Some(2));
}
