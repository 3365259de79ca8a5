//! `atlcheck tokens --inventory`: the register of fixtures/inventory/acme-ops, written by
//! `atlcheck inventory --format json`, joined with an organization's tokens read from a local
//! simulation of the admin API (tests/admin/tokens_sim.rs) through ATLCHECK_CONNECT_TO.
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::tokens_sim;
use tokens_sim::{ORG, Sim};

/// The service account the fixture's nightly sync authenticates as, with a token that
/// expires in 3 days; and a person's token no automation of the fixture uses.
fn org() -> Sim {
    let sim = Sim::start();
    sim.with(|s| {
        s.service_accounts = vec![json!({"id": "sa-1", "atlassianId": "712020:sa-1",
            "email": "jira-sync-x1axxw94zz@serviceaccount.atlassian.com", "displayName": "jira-sync", "status": "ACTIVE"})];
        s.sa_tokens.insert("sa-1".into(), vec![json!({"id": "st-1", "label": "nightly-sync",
            "createdAt": "2026-01-10T09:00:00Z", "expiresAt": "2026-12-02T18:00:00Z", "lastActiveAt": "2026-11-29T02:00:00Z"})]);
        s.api_tokens = vec![json!({"id": "t-1", "label": "laptop", "status": "ALLOWED", "createdAt": "2026-06-01T00:00:00Z",
            "expiresAt": "2027-06-01T00:00:00Z", "lastActiveAt": "2026-11-28T00:00:00Z",
            "user": {"id": "u-1", "orgId": ORG, "name": "Jane Doe", "email": "jane.doe@acme.com"}})];
    });
    sim
}

fn atlcheck(args: &[&str], sim: Option<&Sim>) -> Output {
    tokens_sim::command(sim, args)
        .output()
        .expect("atlcheck runs")
}

#[test]
fn an_expiring_token_names_the_automations_that_stop() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory.json");
    let out = atlcheck(
        &[
            "inventory",
            "fixtures/inventory/acme-ops",
            "--format",
            "json",
            "--output-file",
            inv.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sim = org();
    let out = atlcheck(
        &[
            "tokens",
            "--org",
            ORG,
            "--format",
            "json",
            "--sources",
            "service-accounts,api-tokens",
            "--inventory",
            inv.to_str().unwrap(),
        ],
        Some(&sim),
    );
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let creds = doc["credentials"].as_array().unwrap();
    let st1 = creds.iter().find(|c| c["id"] == "st-1").unwrap();
    let used = st1["used_by"].as_array().unwrap();
    assert_eq!(used.len(), 1, "{st1}");
    assert_eq!(used[0]["credential"], "JIRA_API_TOKEN");
    assert_eq!(
        used[0]["runs_in"][0]["path"],
        "fixtures/inventory/acme-ops/.github/workflows/nightly-sync.yml"
    );
    assert_eq!(used[0]["runs_in"][0]["schedule"], "0 2 * * *");
    let t1 = creds.iter().find(|c| c["id"] == "t-1").unwrap();
    assert_eq!(
        t1["used_by"],
        json!([]),
        "no automation authenticates as Jane"
    );
    let at601 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "AT601")
        .unwrap();
    let message = at601["message"].as_str().unwrap();
    assert!(
        message.contains("used by fixtures/inventory/acme-ops/.github/workflows/nightly-sync.yml (sync), schedule 0 2 * * *"),
        "{message}"
    );
    assert!(
        message.contains("owners @acme/ci @jane @acme/ops"),
        "{message}"
    );
    // One integration of the fixture names its user only as `vars.CONFLUENCE_USER`.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 integration of the inventory name"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Human output shows the automations under the credential.
    let human = atlcheck(
        &[
            "tokens",
            "--org",
            ORG,
            "--sources",
            "service-accounts",
            "--inventory",
            inv.to_str().unwrap(),
            "--color",
            "never",
        ],
        Some(&sim),
    );
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(
            "      used by fixtures/inventory/acme-ops/.github/workflows/nightly-sync.yml (sync)"
        ),
        "{text}"
    );
    // Without --inventory there is no used_by.
    let plain = atlcheck(
        &[
            "tokens",
            "--org",
            ORG,
            "--format",
            "json",
            "--sources",
            "service-accounts",
        ],
        Some(&sim),
    );
    let doc: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(doc["credentials"][0].get("used_by").is_none());

    // CSV and Markdown carry the same automations: a `used_by` cell, a "Used by" column.
    let tokens = |format: &str, inventory: bool| {
        let mut args = vec![
            "tokens",
            "--org",
            ORG,
            "--format",
            format,
            "--sources",
            "service-accounts,api-tokens",
        ];
        if inventory {
            args.extend(["--inventory", inv.to_str().unwrap()]);
        }
        String::from_utf8_lossy(&atlcheck(&args, Some(&sim)).stdout).into_owned()
    };
    let place = "fixtures/inventory/acme-ops/.github/workflows/nightly-sync.yml (sync), schedule 0 2 * * *; \
                 fixtures/inventory/acme-ops/.github/workflows/release.yml (publish), owners @acme/ci @jane @acme/ops";
    let csv = tokens("csv", true);
    assert!(
        csv.lines().next().unwrap().ends_with(",source,used_by"),
        "{csv}"
    );
    let st1 = csv.lines().find(|l| l.contains(",st-1,")).unwrap();
    assert!(st1.ends_with(&format!(",\"{place}\"")), "{st1}");
    let t1 = csv.lines().find(|l| l.contains(",t-1,")).unwrap();
    assert!(
        t1.ends_with(",api-tokens,"),
        "no automation uses Jane's token: {t1}"
    );
    let csv = tokens("csv", false);
    assert!(
        csv.lines().nth(1).unwrap().ends_with(','),
        "empty without --inventory: {csv}"
    );

    let md = tokens("markdown", true);
    assert!(
        md.contains("| Owner | Used by |\n|---:|---|---|---|---|---|---|---|\n"),
        "{md}"
    );
    let st1 = md.lines().find(|l| l.contains("| st-1 |")).unwrap();
    // Markdown-escaped: `*` of the schedule, a zero-width space after `@` so no one is mentioned.
    let escaped = place.replace('*', "\\*").replace(" @", " @\u{200B}");
    assert!(st1.ends_with(&format!(" | {escaped} |")), "{st1}");
    let t1 = md.lines().find(|l| l.contains("| t-1 |")).unwrap();
    assert!(t1.ends_with(" | none found |"), "{t1}");
    let md = tokens("markdown", false);
    assert!(!md.contains("Used by"), "{md}");
}

#[test]
fn a_bad_inventory_file_is_a_usage_error_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("inventory.json");
    std::fs::write(&bad, "{\"version\": 2}").unwrap();
    for path in [bad.to_str().unwrap(), "no/such/inventory.json"] {
        // No simulation: a request would fail with a network error, not this message.
        let out = atlcheck(&["tokens", "--org", ORG, "--inventory", path], None);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--inventory"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// `--inventory` naming a FIFO is refused at once (the shared bounded reader opens it without
/// blocking and sees it is not a regular file); opening it plainly waited forever for a writer.
#[cfg(unix)]
#[test]
fn an_inventory_that_is_a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("inventory.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo unavailable: skipped");
        return;
    }
    let cmd = tokens_sim::command(
        None,
        &[
            "tokens",
            "--org",
            ORG,
            "--inventory",
            fifo.to_str().unwrap(),
        ],
    );
    // A run that waits on the FIFO is killed after 20 s and fails the test.
    let (o, _) =
        crate::common::output_within(cmd, Stdio::null(), std::time::Duration::from_secs(20));
    let (status, err) = (o.status, String::from_utf8_lossy(&o.stderr).into_owned());
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(
        err.contains("--inventory") && err.contains("not a regular file"),
        "{err}"
    );
}
