//! `atlcheck doctor` against local servers that answer as Atlassian Cloud does (facts sheet
//! §3), reached through ATLCHECK_CONNECT_TO. Each scenario asserts the root cause, the fix and
//! the evidence.
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine;
use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::Value;

use crate::support::{CLOUD, Run, SA, doctor_json, doctor_json_in};

const ORG: &str = "7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f";
const SCOPE_BODY: &str = r#"{"code":401,"message":"Unauthorized; scope does not match"}"#;
const JIRA_401: &str =
    r#"{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}"#;

fn token() -> String {
    atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0Qm9vZ2llV29vZ2llTG9uZ1Rva2VuVGhhdElzQ2FuYXJ5MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3Bx=",
    )
}

fn myself_ok(email: &str) -> String {
    format!(
        r#"{{"accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","emailAddress":"{email}","active":true,"groups":{{"items":[{{"name":"jira-software-users"}}]}},"applicationRoles":{{"items":[{{"key":"jira-software"}}]}}}}"#
    )
}

/// A site server and a gateway server.
struct Cloud {
    site: MockServer,
    gateway: MockServer,
}

impl Cloud {
    fn new() -> Cloud {
        Cloud {
            site: MockServer::start(),
            gateway: MockServer::start(),
        }
    }

    fn connect_to(&self) -> String {
        format!(
            "acme.atlassian.net={},api.atlassian.com={}",
            self.site.base_url(),
            self.gateway.base_url()
        )
    }

    fn tenant(&self) {
        self.site.mock(|w, t| {
            w.method(GET).path("/_edge/tenant_info");
            t.status(200).body(format!(r#"{{"cloudId":"{CLOUD}"}}"#));
        });
    }

    fn on_site(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &str) {
        mock(&self.site, path, status, headers, body);
    }

    fn on_gateway(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &str) {
        mock(&self.gateway, path, status, headers, body);
    }

    /// The credential is refused on the site (a scoped token, or a dead one).
    fn site_refuses(&self) {
        self.on_site(
            "/rest/api/3/myself",
            401,
            &[(
                "www-authenticate",
                "OAuth realm=\"https%3A%2F%2Facme.atlassian.net\"",
            )],
            JIRA_401,
        );
        self.on_site(
            "/wiki/rest/api/user/current",
            401,
            &[],
            "<html><title>HTTP Status 401 – Unauthorized</title></html>",
        );
    }

    /// The credential works on the gateway (for Jira and Confluence).
    fn gateway_accepts(&self, email: &str) {
        self.on_gateway(
            &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            200,
            &[],
            &myself_ok(email),
        );
        self.on_gateway(
            &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
            200,
            &[],
            &format!(r#"{{"accountId":"5b10ac8d82e05b22cc7d4ef5","email":"{email}"}}"#),
        );
    }

    fn gateway_refuses(&self) {
        self.on_gateway(
            &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            401,
            &[],
            r#"{"code":401,"message":"Unauthorized"}"#,
        );
        self.on_gateway(
            &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
            403,
            &[],
            r#"{"message":"Current user not permitted to use Confluence","statusCode":403}"#,
        );
    }

    fn site_accepts(&self, email: &str) {
        self.on_site(
            "/rest/api/3/myself",
            200,
            &[("x-aaccountid", "5b10ac8d82e05b22cc7d4ef5")],
            &myself_ok(email),
        );
        self.on_site(
            "/wiki/rest/api/user/current",
            200,
            &[],
            &format!(r#"{{"accountId":"5b10ac8d82e05b22cc7d4ef5","email":"{email}"}}"#),
        );
    }
}

/// Jira names the caller in `X-AAccountId` on every authenticated 2xx (facts sheet §3.2); the
/// mocks do too, unless the test gives its own Seraph or account header.
fn is_jira_rest(path: &str) -> bool {
    let rest = path
        .strip_prefix("/ex/jira/")
        .map_or(path, |r| r.find('/').map_or("", |i| &r[i..]));
    rest.starts_with("/rest/")
}

fn mock(server: &MockServer, path: &str, status: u16, headers: &[(&str, &str)], body: &str) {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if (200..300).contains(&status)
        && is_jira_rest(path)
        && !headers
            .iter()
            .any(|(k, _)| k == "x-aaccountid" || k == "x-seraph-loginreason")
    {
        headers.push(("x-aaccountid".into(), "5b10ac8d82e05b22cc7d4ef5".into()));
    }
    let body = body.to_string();
    let path = path.to_string();
    server.mock(move |w, t| {
        w.path(path.as_str());
        let mut t = t.status(status);
        for (k, v) in &headers {
            t = t.header(k.as_str(), v.as_str());
        }
        t.body(body.as_str());
    });
}

fn doctor(cloud: &Cloud, email: Option<&str>, token: Option<&str>, args: &[&str]) -> Run {
    let mut env = Vec::new();
    if let Some(e) = email {
        env.push(("ATLASSIAN_EMAIL", e));
    }
    if let Some(t) = token {
        env.push(("ATLASSIAN_API_TOKEN", t));
    }
    let run = doctor_json(
        &cloud.connect_to(),
        &env,
        &[&["--timeout", "5"][..], args].concat(),
        None,
    );
    // Security invariant: the token never appears whole.
    if let Some(t) = token {
        assert!(!run.all_output().contains(t), "token leaked");
    }
    run
}

const ISSUE_URL: &str = "https://acme.atlassian.net/rest/api/3/issue/OPS-1";

#[test]
fn at201_scoped_token_on_the_site_url() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_accepts(SA);
    c.on_site("/rest/api/3/issue/OPS-1", 401, &[], JIRA_401);
    let r = doctor(&c, Some(SA), Some(&token()), &[ISSUE_URL]);
    assert_eq!(r.root(), "AT201", "{}", r.json);
    assert_eq!(r.code(), 1);
    assert_eq!(
        r.fix(),
        format!("use https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1")
    );
    assert_eq!(r.check("identity-site")["status"], "fail");
    assert_eq!(r.check("identity-gateway-resolved")["status"], "pass");
    assert_eq!(
        r.check("cloud-id")["detail"],
        format!("acme.atlassian.net has cloud ID {CLOUD}")
    );
    assert_eq!(r.json["verdict"], "problem");
}

#[test]
fn at201_confluence_v2_on_the_site_with_confluence_only_scopes() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
        401,
        &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
        SCOPE_BODY,
    );
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
        200,
        &[],
        r#"{"accountId":"x"}"#,
    );
    c.on_site(
        "/wiki/api/v2/pages/123",
        401,
        &[],
        "<html>HTTP Status 401 – Unauthorized</html>",
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &["https://acme.atlassian.net/wiki/api/v2/pages/123"],
    );
    assert_eq!(r.root(), "AT201", "{}", r.json);
    assert_eq!(
        r.fix(),
        format!("use https://api.atlassian.com/ex/confluence/{CLOUD}/wiki/api/v2/pages/123")
    );
}

#[test]
fn at201_from_a_pasted_curl_command_warns_about_the_command_line_token() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_accepts(SA);
    c.on_site("/rest/api/3/myself", 401, &[], JIRA_401);
    let tok = token();
    let curl = format!(
        "curl -s -u {SA}:{tok} -H 'Accept: application/json' https://acme.atlassian.net/rest/api/3/myself"
    );
    let r = doctor(&c, None, None, &["--", &curl]);
    assert_eq!(r.root(), "AT201", "{}", r.json);
    assert!(!r.all_output().contains(&tok));
    assert!(
        r.json["warnings"][0]
            .as_str()
            .unwrap()
            .contains("command line")
    );
    assert_eq!(r.json["credential"]["source"], "-u from the curl command");
}

#[test]
fn at105_refused_on_site_and_gateway() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    c.on_site("/rest/api/3/issue/OPS-1", 401, &[], JIRA_401);
    let r = doctor(&c, Some(SA), Some(&token()), &[ISSUE_URL]);
    assert_eq!(r.root(), "AT105", "{}", r.json);
    let msg = r.finding("AT105")["message"].as_str().unwrap();
    let order: Vec<usize> = ["revoked", "expired", "not the email", "deactivated"]
        .iter()
        .map(|w| msg.find(w).unwrap_or_else(|| panic!("{w} missing: {msg}")))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "causes out of order: {msg}"
    );
    assert_eq!(r.code(), 1);
}

#[test]
fn at105_gateway_url_with_site_given() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/project/OPS"),
        401,
        &[],
        r#"{"code":401,"message":"Unauthorized"}"#,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--site",
            "acme.atlassian.net",
            &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/project/OPS"),
        ],
    );
    assert_eq!(r.root(), "AT105", "{}", r.json);
}

#[test]
fn at105_jira_serves_the_request_anonymously() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    c.on_site(
        "/rest/api/3/search/jql",
        200,
        &[("x-seraph-loginreason", "AUTHENTICATED_FAILED")],
        r#"{"issues":[]}"#,
    );
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &["https://acme.atlassian.net/rest/api/3/search/jql?jql=project=OPS"],
    );
    assert_eq!(r.root(), "AT105", "{}", r.json);
    assert_eq!(r.check("request")["status"], "fail");
    // The person-owned account is reported too, but is not the root cause.
    assert_eq!(r.finding("AT101")["severity"], "warning");
}

#[test]
fn at401_agile_board_without_granular_scope() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/agile/1.0/board"),
        401,
        &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
        SCOPE_BODY,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/agile/1.0/board"
        )],
    );
    assert_eq!(r.root(), "AT401", "{}", r.json);
    let f = r.finding("AT401");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("read:board-scope:jira-software"),
        "{f}"
    );
    assert!(
        f["fix"].as_str().unwrap().contains("cannot be edited"),
        "{f}"
    );
    assert!(
        r.check("request")["evidence"][0]["headers"]["x-failure-category"]
            == "FAILURE_CLIENT_SCOPE_CHECK"
    );
}

#[test]
fn at401_confluence_v2_with_classic_scopes_only() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/api/v2/pages"),
        401,
        &[],
        SCOPE_BODY,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/confluence/{CLOUD}/wiki/api/v2/pages"
        )],
    );
    assert_eq!(r.root(), "AT401", "{}", r.json);
    let f = r.finding("AT401");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("read:page:confluence"),
        "{f}"
    );
    assert!(f["fix"].as_str().unwrap().contains("granular"), "{f}");
}

#[test]
fn at401_write_request_is_judged_from_the_catalogue() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    let writes = c.gateway.mock(|w, t| {
        w.method_not(GET);
        t.status(201);
    });
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--method",
            "POST",
            &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue"),
        ],
    );
    assert_eq!(r.root(), "AT401", "{}", r.json);
    assert_eq!(r.finding("AT401")["severity"], "warning");
    assert!(
        r.finding("AT401")["message"]
            .as_str()
            .unwrap()
            .contains("write:jira-work")
    );
    assert_eq!(r.check("request")["status"], "skip");
    assert_eq!(writes.calls(), 0, "a write was sent");
}

#[test]
fn at204_org_id_in_place_of_the_cloud_id() {
    let c = Cloud::new();
    c.tenant();
    c.site_accepts(SA);
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{ORG}/rest/api/3/myself"),
        404,
        &[],
        r#"{"message":"Not Found"}"#,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--site",
            "acme",
            &format!("https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/myself"),
        ],
    );
    assert_eq!(r.root(), "AT204", "{}", r.json);
    assert_eq!(
        r.fix(),
        format!("use https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself")
    );
}

#[test]
fn at204_without_site_when_the_gateway_does_not_route_the_id() {
    let c = Cloud::new();
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/myself"
        )],
    );
    assert_eq!(r.root(), "AT204", "{}", r.json);
    assert!(r.fix().contains("--site"));
}

#[test]
fn offline_url_mistakes() {
    let c = Cloud::new();
    let site_any = c.site.mock(|w, t| {
        w.any_request();
        t.status(200);
    });
    let gateway_any = c.gateway.mock(|w, t| {
        w.any_request();
        t.status(200);
    });
    let cases = [
        (
            "https://api.atlassian.com/ex/jira/{cloudId}/rest/api/3/myself",
            "AT203",
        ),
        (
            &*format!("https://api.atlassian.com/ex/jira/{CLOUD}/wiki/api/v2/pages"),
            "AT202",
        ),
        (
            &*format!("https://api.atlassian.com/ex/confluence/{CLOUD}/rest/api/content"),
            "AT202",
        ),
        ("http://acme.atlassian.net/rest/api/3/myself", "AT205"),
        ("https://acme.atlasian.net/rest/api/3/myself", "AT206"),
        ("https://acme.atlassian.net/rest/api/3/isue/OPS-1", "AT206"),
    ];
    for (url, code) in cases {
        let r = doctor(&c, Some(SA), Some(&token()), &["--offline", url]);
        assert_eq!(r.root(), code, "{url}: {}", r.json);
        assert_eq!(r.code(), 1, "{url}");
    }
    assert_eq!(
        site_any.calls() + gateway_any.calls(),
        0,
        "--offline sent requests"
    );
}

fn header_env_run(c: &Cloud, header: &str, url: &str) -> Run {
    let run = doctor_json(
        &c.connect_to(),
        &[("MY_AUTH", header)],
        &["--timeout", "5", "--auth-header-env", "MY_AUTH", url],
        None,
    );
    let b64 = header.split_whitespace().last().unwrap();
    assert!(!run.all_output().contains(b64), "header value leaked");
    run
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn at301_trailing_newline_confirmed_by_the_repaired_credential() {
    let c = Cloud::new();
    c.tenant();
    let good = format!("Basic {}", b64(&format!("{SA}:{}", token())));
    let bad = format!("Basic {}", b64(&format!("{SA}:{}\n", token())));
    // Only the repaired credential is accepted (mocks match in the order they are made).
    let good2 = good.clone();
    c.gateway.mock(move |w, t| {
        w.path(format!("/ex/jira/{CLOUD}/rest/api/3/myself"))
            .header("authorization", good2.as_str());
        t.status(200)
            .header("x-aaccountid", "5b10ac8d82e05b22cc7d4ef5")
            .body(myself_ok(SA));
    });
    c.site_refuses();
    c.gateway_refuses();
    let r = header_env_run(
        &c,
        &bad,
        &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself"),
    );
    assert_eq!(r.root(), "AT301", "{}", r.json);
    assert_eq!(r.check("repaired")["status"], "pass");
}

#[test]
fn at304_basic_value_without_colon() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    let r = header_env_run(
        &c,
        &format!("Basic {}", b64(&token())),
        "https://acme.atlassian.net/rest/api/3/myself",
    );
    assert_eq!(r.root(), "AT304", "{}", r.json);
}

#[test]
fn at103_crc_mismatch_explains_the_refusal() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    let mut t = token();
    t.replace_range(30..31, if &t[30..31] == "Q" { "R" } else { "Q" });
    let r = doctor(
        &c,
        Some(SA),
        Some(&t),
        &["https://acme.atlassian.net/rest/api/3/myself"],
    );
    assert_eq!(r.root(), "AT103", "{}", r.json);
}

#[test]
fn at104_oauth_client_secret_as_the_token() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    let secret = atlcheck::token::with_crc_tail(
        "ATOAx7Kq2Lm9Np4Rs6Tv8Wx1Yz3Ab5Cd7Ef9Gh2Ij4Kl6Mn8Op0Qr2St4Uv6Wx8Yz0Ab",
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&secret),
        &["https://acme.atlassian.net/rest/api/3/myself"],
    );
    assert_eq!(r.root(), "AT104", "{}", r.json);
}

#[test]
fn at303_bearer_api_token_on_the_site() {
    let c = Cloud::new();
    c.tenant();
    let body = r#"{"error":"Failed to parse Connect Session Auth Token"}"#;
    c.on_site("/rest/api/3/myself", 403, &[], body);
    c.on_site("/wiki/rest/api/user/current", 403, &[], body);
    c.gateway_refuses();
    let r = header_env_run(
        &c,
        &format!("Bearer {}", token()),
        "https://acme.atlassian.net/rest/api/3/myself",
    );
    assert_eq!(r.root(), "AT303", "{}", r.json);
    assert!(r.fix().contains("Basic"));
}

#[test]
fn at402_no_confluence_access() {
    let c = Cloud::new();
    let denied = r#"{"statusCode":403,"message":"com.atlassian.confluence.mvc.rest.common.exception.StacklessResponseStatusException: 403 FORBIDDEN \"Request rejected because caller cannot access Confluence\""}"#;
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
        200,
        &[],
        &myself_ok(SA),
    );
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
        403,
        &[],
        denied,
    );
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/rest/api/space"),
        403,
        &[],
        denied,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/confluence/{CLOUD}/wiki/rest/api/space"
        )],
    );
    assert_eq!(r.root(), "AT402", "{}", r.json);
    assert!(r.fix().contains("admin.atlassian.com"));
}

#[test]
fn at403_issue_not_visible() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"), 404, &[], r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#);
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"), 404, &[], r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#);
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"
        )],
    );
    assert_eq!(r.root(), "AT403", "{}", r.json);
    assert!(r.fix().contains("Project settings > People"));
    assert_eq!(r.check("project-permission")["status"], "fail");
}

#[test]
fn at403_missing_browse_permission_on_the_project() {
    let c = Cloud::new();
    c.tenant();
    c.site_accepts("jane.doe@acme.com");
    c.on_site(
        "/rest/api/3/project/OPS",
        404,
        &[],
        r#"{"errorMessages":["No project could be found with key 'OPS'."],"errors":{}}"#,
    );
    c.on_site("/rest/api/3/mypermissions", 200, &[], r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":false},"CREATE_ISSUES":{"havePermission":false}}}"#);
    c.gateway_accepts("jane.doe@acme.com");
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &["https://acme.atlassian.net/rest/api/3/project/OPS"],
    );
    assert_eq!(r.root(), "AT403", "{}", r.json);
    assert!(
        r.finding("AT403")["message"]
            .as_str()
            .unwrap()
            .contains("BROWSE_PROJECTS")
    );
}

#[test]
fn at404_space_not_visible() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/rest/api/space/ENG"),
        404,
        &[],
        r#"{"statusCode":404,"message":"No space with key : ENG"}"#,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/confluence/{CLOUD}/wiki/rest/api/space/ENG"
        )],
    );
    assert_eq!(r.root(), "AT404", "{}", r.json);
    assert_eq!(r.check("space-permission")["status"], "fail");
}

#[test]
fn at501_rate_limited() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/search/jql"),
        429,
        &[
            ("retry-after", "30"),
            ("ratelimit-reason", "jira-burst-based"),
        ],
        "",
    );
    let start = Instant::now();
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/search/jql?jql=project=OPS"
        )],
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "the doctor must not sleep for Retry-After"
    );
    assert_eq!(r.root(), "AT501", "{}", r.json);
    let m = r.finding("AT501")["message"].as_str().unwrap();
    assert!(m.contains("30 s") && m.contains("jira-burst-based"), "{m}");
}

#[test]
fn at502_captcha() {
    let c = Cloud::new();
    c.tenant();
    let h = [
        ("x-seraph-loginreason", "AUTHENTICATION_DENIED"),
        (
            "x-authentication-denied-reason",
            "CAPTCHA_CHALLENGE; login-url=https://acme.atlassian.net/login.jsp",
        ),
    ];
    c.on_site("/rest/api/3/myself", 403, &h, "");
    c.on_site("/wiki/rest/api/user/current", 403, &h, "");
    c.gateway_refuses();
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &["https://acme.atlassian.net/rest/api/3/myself"],
    );
    assert_eq!(r.root(), "AT502", "{}", r.json);
}

#[test]
fn ok_with_a_person_owned_token_names_at101() {
    let c = Cloud::new();
    c.tenant();
    c.site_accepts("jane.doe@acme.com");
    c.gateway_accepts("jane.doe@acme.com");
    c.on_site(
        "/rest/api/3/myself",
        200,
        &[],
        &myself_ok("jane.doe@acme.com"),
    );
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &["https://acme.atlassian.net/rest/api/3/myself"],
    );
    assert_eq!(r.json["verdict"], "ok", "{}", r.json);
    assert_eq!(r.root(), "AT101");
    assert_eq!(r.code(), 0);
}

#[test]
fn ok_service_account_on_the_gateway() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself"
        )],
    );
    assert_eq!(r.json["verdict"], "ok", "{}", r.json);
    assert_eq!(r.json["root_cause"], Value::Null);
    assert_eq!(r.code(), 0);
}

#[test]
fn unreachable_network_is_inconclusive() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args([
        "doctor",
        "--format",
        "json",
        "--timeout",
        "2",
        "--no-netrc",
        &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself"),
    ]);
    cmd.env(
        "ATLCHECK_CONNECT_TO",
        "api.atlassian.com=http://127.0.0.1:9",
    )
    .env("ATLASSIAN_EMAIL", SA)
    .env("ATLASSIAN_API_TOKEN", token());
    let out = cmd.output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "inconclusive", "{json}");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn probes_run_concurrently() {
    let c = Cloud::new();
    let delay = Duration::from_millis(400);
    let mut mocks = Vec::new();
    for (server, path, body) in [
        (
            &c.site,
            "/_edge/tenant_info".to_string(),
            format!(r#"{{"cloudId":"{CLOUD}"}}"#),
        ),
        (
            &c.site,
            "/rest/api/3/myself".to_string(),
            JIRA_401.to_string(),
        ),
        (
            &c.site,
            "/wiki/rest/api/user/current".to_string(),
            "".to_string(),
        ),
        (
            &c.site,
            "/rest/api/3/issue/OPS-1".to_string(),
            JIRA_401.to_string(),
        ),
        (
            &c.site,
            "/rest/api/3/mypermissions".to_string(),
            JIRA_401.to_string(),
        ),
        (
            &c.gateway,
            format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            myself_ok(SA),
        ),
        (
            &c.gateway,
            format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
            "{}".to_string(),
        ),
        (
            &c.gateway,
            format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"),
            r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":true}}}"#.to_string(),
        ),
    ] {
        let status = if path.contains("tenant") || path.starts_with("/ex/") {
            200
        } else {
            401
        };
        mocks.push(server.mock(move |w, t| {
            w.path(path.as_str());
            t.status(status)
                .header("x-aaccountid", "5b10ac8d82e05b22cc7d4ef5")
                .body(body.as_str())
                .delay(delay);
        }));
    }
    let start = Instant::now();
    let r = doctor(&c, Some(SA), Some(&token()), &[ISSUE_URL]);
    let took = start.elapsed();
    let probes: usize = mocks.iter().map(|m| m.calls()).sum();
    assert_eq!(r.root(), "AT201", "{}", r.json);
    assert!(probes >= 7, "{probes} probes");
    // Two waves (tenant_info, then the gateway): about 2 × 400 ms, far from probes × 400 ms.
    assert!(
        took < delay * 2 + Duration::from_millis(700),
        "took {took:?} for {probes} probes"
    );
}

#[test]
fn redirects_are_not_followed_and_credentials_do_not_cross_hosts() {
    let c = Cloud::new();
    let elsewhere = MockServer::start();
    let catch = elsewhere.mock(|w, t| {
        w.path("/steal");
        t.status(200);
    });
    c.gateway_accepts(SA);
    let to = format!("{}/steal", elsewhere.base_url());
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/attachment/content/1"),
        302,
        &[("location", &to)],
        "",
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/attachment/content/1"
        )],
    );
    assert_eq!(catch.calls(), 0, "the redirect was followed");
    assert_eq!(r.check("request")["evidence"][0]["status"], 302);
}

fn human(cloud: &Cloud, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args(["doctor", "--color", "never", "--timeout", "5", "--no-netrc"])
        .args(args);
    cmd.env("ATLCHECK_CONNECT_TO", cloud.connect_to())
        .env("ATLASSIAN_EMAIL", SA)
        .env("ATLASSIAN_API_TOKEN", token());
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(&token()));
    text
}

#[test]
fn human_checklist_for_a_scoped_token_on_the_site() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_accepts(SA);
    c.on_site("/rest/api/3/issue/OPS-1", 401, &[], JIRA_401);
    insta::assert_snapshot!("human_at201", human(&c, &[ISSUE_URL]));
}

/// `-v` ends with the checklist trail: each unit that applied, the answers it read, how it
/// concluded and the rules it found.
#[test]
fn verbose_prints_the_checklist_trail() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_accepts(SA);
    c.on_site("/rest/api/3/issue/OPS-1", 401, &[], JIRA_401);
    let text = human(&c, &["-v", ISSUE_URL]);
    let trail = text.split_once("Checklist:\n").expect("the trail").1;
    assert!(
        trail.contains("  cloud ID of the site: acme.atlassian.net has cloud ID "),
        "{trail}"
    );
    assert!(trail.contains("      GET https://acme.atlassian.net/_edge/tenant_info → 200"));
    assert!(trail.contains("  endpoint: site URL or gateway: refused on acme.atlassian.net, accepted through the gateway: use https://api.atlassian.com/ex/jira/"));
    // AT201 was known offline (a service account on the site URL): the unit gives its fix
    // the resolved cloud ID.
    assert!(
        trail.contains("/rest/api/3/issue/OPS-1 → AT201\n"),
        "{trail}"
    );
    assert!(
        trail.contains("  the request itself: answered 401\n"),
        "{trail}"
    );
    assert!(!human(&c, &[ISSUE_URL]).contains("Checklist:"));
}

#[test]
fn human_checklist_for_a_missing_scope() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/agile/1.0/board"),
        401,
        &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
        SCOPE_BODY,
    );
    insta::assert_snapshot!(
        "human_at401",
        human(
            &c,
            &[&format!(
                "https://api.atlassian.com/ex/jira/{CLOUD}/rest/agile/1.0/board"
            )]
        )
    );
}

#[test]
fn human_checklist_for_a_dead_credential() {
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.gateway_refuses();
    c.on_site("/rest/api/3/issue/OPS-1", 401, &[], JIRA_401);
    insta::assert_snapshot!("human_at105", human(&c, &[ISSUE_URL]));
}

#[test]
fn at204_found_through_accessible_resources() {
    let c = Cloud::new();
    c.on_gateway("/oauth/token/accessible-resources", 200, &[], &format!(r#"[{{"id":"{CLOUD}","name":"acme","url":"https://acme.atlassian.net","scopes":["read:jira-work"]}}]"#));
    c.on_gateway(
        &format!("/ex/jira/{ORG}/rest/api/3/myself"),
        401,
        &[],
        r#"{"code":401,"message":"Unauthorized"}"#,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/myself"
        )],
    );
    assert_eq!(r.root(), "AT204", "{}", r.json);
    assert_eq!(
        r.fix(),
        format!("use https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself")
    );
    assert_eq!(r.check("accessible-resources")["status"], "fail");
}

#[test]
fn at402_jira_refuses_while_confluence_accepts() {
    // What Jira answers an account without Jira access is undocumented (facts sheet §9.9):
    // either a 401/403 on myself, or a 200 with no application role. Both are handled.
    for (myself_status, myself_body) in [
        (
            403,
            r#"{"errorMessages":["You do not have access to Jira"]}"#.to_string(),
        ),
        (401, JIRA_401.to_string()),
    ] {
        let c = Cloud::new();
        c.on_gateway(
            &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            myself_status,
            &[],
            &myself_body,
        );
        c.on_gateway(
            &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
            200,
            &[],
            r#"{"accountId":"x"}"#,
        );
        c.on_gateway(
            &format!("/ex/jira/{CLOUD}/rest/api/3/search/jql"),
            403,
            &[],
            r#"{"errorMessages":["forbidden"]}"#,
        );
        let r = doctor(
            &c,
            Some(SA),
            Some(&token()),
            &[&format!(
                "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/search/jql?jql=project=OPS"
            )],
        );
        assert_eq!(r.root(), "AT402", "{myself_status}: {}", r.json);
    }
    let c = Cloud::new();
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/myself"), 200, &[], r#"{"accountId":"x","applicationRoles":{"size":0,"items":[]},"groups":{"size":0,"items":[]}}"#);
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
        200,
        &[],
        r#"{"accountId":"x"}"#,
    );
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"), 404, &[], r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#);
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[&format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"
        )],
    );
    assert_eq!(r.root(), "AT402", "{}", r.json);
}

#[test]
fn at104_password_refused_with_the_deprecation_message() {
    let c = Cloud::new();
    c.tenant();
    let body = "Basic authentication with passwords is deprecated. For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/";
    c.on_site("/rest/api/3/myself", 401, &[], body);
    c.on_site("/wiki/rest/api/user/current", 401, &[], body);
    c.gateway_refuses();
    // A long password, so the offline form check cannot tell.
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some("correct-horse-battery-staple-2026"),
        &["https://acme.atlassian.net/rest/api/3/myself"],
    );
    assert_eq!(r.root(), "AT104", "{}", r.json);
}

#[test]
fn compare_with_a_working_account_shows_the_differences() {
    let c = Cloud::new();
    let other = atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0V29ya2luZ0FjY291bnRUb2tlbkZvckNvbXBhcmlzb25zMTIzNDU2Nzg5MA=",
    );
    let other_header = format!("Basic {}", b64(&format!("admin@acme.com:{other}")));
    let h = other_header.clone();
    c.gateway.mock(move |w, t| {
        w.path(format!("/ex/jira/{CLOUD}/rest/api/3/myself")).header("authorization", h.as_str());
        t.status(200).header("x-aaccountid", "y").body(r#"{"accountId":"y","emailAddress":"admin@acme.com","groups":{"items":[{"name":"jira-software-users"},{"name":"ops-team"}]},"applicationRoles":{"items":[{"key":"jira-software"}]}}"#);
    });
    let h = other_header.clone();
    c.gateway.mock(move |w, t| {
        w.path(format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions")).header("authorization", h.as_str());
        t.status(200).header("x-aaccountid", "y").body(r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":true},"CREATE_ISSUES":{"havePermission":true}}}"#);
    });
    c.gateway_accepts(SA);
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"), 200, &[], r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":false},"CREATE_ISSUES":{"havePermission":false}}}"#);
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"), 404, &[], r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args([
        "doctor",
        "--format",
        "json",
        "--no-netrc",
        "--compare-email",
        "admin@acme.com",
        "--compare-token-env",
        "OTHER_TOKEN",
        &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"),
    ]);
    cmd.env("ATLCHECK_CONNECT_TO", c.connect_to())
        .env("ATLASSIAN_EMAIL", SA)
        .env("ATLASSIAN_API_TOKEN", token())
        .env("OTHER_TOKEN", &other);
    let out = cmd.output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(!text.contains(&other) && !text.contains(&token()));
    assert_eq!(json["root_cause"], "AT403", "{json}");
    let cmp = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "compare")
        .unwrap();
    let detail = cmp["detail"].as_str().unwrap();
    assert!(
        detail.contains("ops-team") && detail.contains("BROWSE_PROJECTS"),
        "{detail}"
    );
}

#[test]
fn token_from_stdin_and_from_netrc() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args([
        "doctor",
        "--format",
        "json",
        "--no-netrc",
        "--token-stdin",
        &url,
    ]);
    cmd.env("ATLCHECK_CONNECT_TO", c.connect_to())
        .env("ATLASSIAN_EMAIL", SA)
        .env_remove("ATLASSIAN_API_TOKEN");
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{}", token()).unwrap();
    let json: Value = serde_json::from_slice(&child.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(json["verdict"], "ok", "{json}");
    assert_eq!(
        json["credential"]["source"],
        format!("email {SA}, token from standard input")
    );

    let dir = tempfile::tempdir().unwrap();
    let netrc = dir.path().join("netrc");
    std::fs::write(
        &netrc,
        format!(
            "machine api.atlassian.com\n  login {SA}\n  password {}\n",
            token()
        ),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args(["doctor", "--format", "json", &url]);
    cmd.env("ATLCHECK_CONNECT_TO", c.connect_to())
        .env("NETRC", &netrc)
        .env_remove("ATLASSIAN_EMAIL")
        .env_remove("ATLASSIAN_API_TOKEN");
    let out = cmd.output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "ok", "{json}");
    assert_eq!(
        json["credential"]["source"],
        format!("email {SA}, token from ~/.netrc")
    );
}

#[test]
fn at303_bearer_api_token_on_the_gateway_answered_404() {
    // Whether the gateway takes API tokens as Bearer is open (facts sheet §1.2, §9.4); one
    // report saw 404. The offline finding explains it, not an unknown cloud ID.
    let c = Cloud::new();
    let nf = r#"{"message":"Not Found"}"#;
    c.on_gateway(&format!("/ex/jira/{CLOUD}/rest/api/3/myself"), 404, &[], nf);
    c.on_gateway(
        &format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
        404,
        &[],
        nf,
    );
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"),
        404,
        &[],
        nf,
    );
    let r = header_env_run(
        &c,
        &format!("Bearer {}", token()),
        &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"),
    );
    assert_eq!(r.root(), "AT303", "{}", r.json);
    assert!(
        !r.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "AT204"),
        "{}",
        r.json
    );
}

#[test]
fn at403_search_answers_200_but_the_project_is_invisible() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/search/jql"),
        200,
        &[],
        r#"{"issues":[],"isLast":true}"#,
    );
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"),
        404,
        &[],
        r#"{"errorMessages":["No project could be found with key 'OPS'."],"errors":{}}"#,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--project",
            "OPS",
            &format!(
                "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/search/jql?jql=project=OPS"
            ),
        ],
    );
    assert_eq!(r.root(), "AT403", "{}", r.json);
    assert_eq!(r.code(), 1);
}

#[test]
fn at402_authenticated_but_no_product_at_all() {
    // Jira answers 403 in its own error shape (the gateway let the caller through), and
    // Confluence refuses too: the credential is fine, the account has no product access.
    let c = Cloud::new();
    c.tenant();
    c.site_refuses();
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
        403,
        &[],
        r#"{"errorMessages":["You do not have permission to access Jira."],"errors":{}}"#,
    );
    c.on_gateway(&format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"), 403, &[], r#"{"statusCode":403,"message":"Request rejected because caller cannot access Confluence"}"#);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/project/OPS"),
        404,
        &[],
        r#"{"errorMessages":["No project could be found with key 'OPS'."],"errors":{}}"#,
    );
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--site",
            "acme",
            &format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/project/OPS"),
        ],
    );
    assert_eq!(r.root(), "AT402", "{}", r.json);
}

#[test]
fn at203_empty_cloud_id_does_not_shift_the_path() {
    let c = Cloud::new();
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--offline",
            "https://api.atlassian.com/ex/jira//rest/api/3/myself",
        ],
    );
    assert_eq!(r.root(), "AT203", "{}", r.json);
    assert_eq!(r.check("api-path")["status"], "pass", "{}", r.json);
}

/// `doctor` run in `dir` (for configuration discovery), with extra environment.
fn doctor_in(cloud: &Cloud, dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    doctor_json_in(
        dir,
        &cloud.connect_to(),
        env,
        &[&["--timeout", "5"][..], args].concat(),
        None,
    )
}

// ---- issue 13 part 4: what can be known offline is said offline

#[test]
fn offline_service_account_on_the_site_is_at201() {
    let c = Cloud::new();
    let r = doctor(&c, Some(SA), Some(&token()), &["--offline", ISSUE_URL]);
    assert_eq!(r.code(), 1, "{}", r.json);
    assert_eq!(r.root(), "AT201");
    assert_eq!(r.finding("AT201")["severity"], "error");
    assert!(
        r.fix().contains("api.atlassian.com/ex/jira/"),
        "{}",
        r.fix()
    );
    assert_eq!(r.check("scoped-on-site")["status"], "fail");
    assert_eq!(r.json["verdict"], "problem");
    // A person's (possibly unscoped) token on the site is not known to fail offline.
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &["--offline", ISSUE_URL],
    );
    assert!(
        r.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "AT201")
    );
}

/// An unsigned JWT with these claims (header {"alg":"none"}); never a real token.
fn jwt(claims: &str) -> String {
    let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        e(r#"{"alg":"RS256","typ":"JWT"}"#),
        e(claims),
        e("not-a-signature-just-test-bytes")
    )
}

#[test]
fn offline_access_token_on_the_site_is_at201() {
    let c = Cloud::new();
    let header = format!(
        "Bearer {}",
        jwt(r#"{"sub":"557058:abc","exp":4102444800,"scope":"read:jira-work"}"#)
    );
    let dir = tempfile::tempdir().unwrap();
    let r = doctor_in(
        &c,
        dir.path(),
        &[("MY_AUTH", &header)],
        &["--offline", "--auth-header-env", "MY_AUTH", ISSUE_URL],
    );
    assert_eq!(r.code(), 1, "{}", r.json);
    assert_eq!(r.root(), "AT201");
    assert!(
        !r.all_output().contains(&header[7..]),
        "access token leaked"
    );
}

#[test]
fn doctor_reads_service_accounts_and_org_ids_from_the_lint_configuration() {
    let c = Cloud::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".atlcheck.toml"),
        format!("service-accounts = [\"ci-bot@acme.com\"]\norg-ids = [\"{ORG}\"]\n"),
    )
    .unwrap();
    let tok = token();
    let env = [
        ("ATLASSIAN_EMAIL", "ci-bot@acme.com"),
        ("ATLASSIAN_API_TOKEN", tok.as_str()),
    ];
    let gw = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself");
    let r = doctor_in(&c, dir.path(), &env, &["--offline", &gw]);
    assert_eq!(r.code(), 0, "{}", r.json);
    assert_eq!(r.check("account")["status"], "pass");
    let org = format!("https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/myself");
    let r = doctor_in(&c, dir.path(), &env, &["--offline", &org]);
    assert_eq!(r.root(), "AT204", "{}", r.json);
    assert!(
        r.finding("AT204")["message"]
            .as_str()
            .unwrap()
            .contains("org-ids")
    );
    // --isolated ignores the file; --config names one.
    let r = doctor_in(&c, dir.path(), &env, &["--offline", "--isolated", &gw]);
    assert_eq!(r.finding("AT101")["severity"], "warning");
    let other = tempfile::tempdir().unwrap();
    let cfg = dir.path().join(".atlcheck.toml");
    let r = doctor_in(
        &c,
        other.path(),
        &env,
        &["--offline", "--config", cfg.to_str().unwrap(), &gw],
    );
    assert_eq!(r.check("account")["status"], "pass");
    // A broken configuration is a usage error.
    std::fs::write(dir.path().join(".atlcheck.toml"), "org-ids = [\"nope\"]\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_atlcheck"))
        .current_dir(dir.path())
        .args(["doctor", "--offline", &gw])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("org-ids"));
}

// ---- issue 13 part 5: never OK without proof

#[test]
fn a_204_or_an_html_200_is_no_proof_and_the_verdict_is_inconclusive() {
    for (status, ct, body) in [
        (204, "text/plain", ""),
        (
            200,
            "text/html",
            "<html><body>Welcome to the proxy</body></html>",
        ),
        (200, "text/plain", "OK"),
    ] {
        let c = Cloud::new();
        for path in [
            format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"),
            format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"),
            format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"),
        ] {
            c.on_gateway(
                &path,
                status,
                &[
                    ("content-type", ct),
                    ("x-aaccountid", "5b10ac8d82e05b22cc7d4ef5"),
                ],
                body,
            );
        }
        c.on_gateway("/oauth/token/accessible-resources", 404, &[], "");
        let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1");
        let r = doctor(&c, Some(SA), Some(&token()), &[&url]);
        assert_eq!(r.code(), 2, "{status} {body}: {}", r.json);
        assert_eq!(r.json["verdict"], "inconclusive");
        assert_eq!(r.check("identity-gateway")["status"], "error");
        assert_eq!(r.check("request")["status"], "error");
        assert!(
            r.json["summary"].as_str().unwrap().contains("no proof"),
            "{}",
            r.json["summary"]
        );
    }
}

#[test]
fn a_redirect_is_no_proof() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"),
        302,
        &[("location", "https://id.atlassian.com/login")],
        "",
    );
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1");
    let r = doctor(&c, Some(SA), Some(&token()), &[&url]);
    assert_eq!(r.code(), 2, "{}", r.json);
    assert_eq!(r.check("request")["status"], "error");
    assert!(
        r.check("request")["detail"]
            .as_str()
            .unwrap()
            .contains("redirect")
    );
}

#[test]
fn jira_200_without_the_account_header_is_not_acceptance() {
    let c = Cloud::new();
    c.tenant();
    // Jira serves the identity probe without naming the caller; Confluence's public site
    // answers the anonymous user: neither accepted the credential.
    c.on_site(
        "/rest/api/3/myself",
        200,
        &[("x-seraph-loginreason", "OK")],
        &myself_ok("jane.doe@acme.com"),
    );
    c.on_site(
        "/wiki/rest/api/user/current",
        200,
        &[],
        r#"{"type":"anonymous","profilePicture":{},"displayName":"Anonymous"}"#,
    );
    c.gateway_refuses();
    c.on_site(
        "/rest/api/3/issue/OPS-1",
        200,
        &[("x-seraph-loginreason", "OK")],
        r#"{"key":"OPS-1"}"#,
    );
    let r = doctor(&c, Some("jane.doe@acme.com"), Some(&token()), &[ISSUE_URL]);
    assert_eq!(r.root(), "AT105", "{}", r.json);
    assert_eq!(r.check("identity-site")["status"], "fail");
    assert_ne!(r.json["verdict"], "ok");
}

#[test]
fn project_permissions_never_pass_without_permission_data() {
    let c = Cloud::new();
    c.gateway_accepts(SA);
    c.on_gateway(
        &format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"),
        200,
        &[],
        r#"{"unexpected":true}"#,
    );
    c.on_gateway("/oauth/token/accessible-resources", 404, &[], "");
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue");
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &["-X", "POST", "--project", "OPS", &url],
    );
    assert_eq!(
        r.check("project-permission")["status"],
        "error",
        "{}",
        r.json
    );
    assert_eq!(r.code(), 2);
}

#[test]
fn live_identity_confirms_a_person_behind_a_placeholder_address() {
    let c = Cloud::new();
    c.tenant();
    c.site_accepts("bot@example.com");
    c.gateway_refuses();
    c.on_site("/rest/api/3/issue/OPS-1", 200, &[], r#"{"key":"OPS-1"}"#);
    c.on_site(
        "/rest/api/3/mypermissions",
        200,
        &[],
        r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":true}}}"#,
    );
    let r = doctor(&c, Some("bot@example.com"), Some(&token()), &[ISSUE_URL]);
    assert_eq!(r.json["verdict"], "ok", "{}", r.json);
    assert_eq!(r.code(), 0);
    assert_eq!(r.finding("AT101")["severity"], "warning");
    assert_eq!(r.check("account-live")["status"], "warn");
}

// ---- issue 13 part 3: AT303 by surface

#[test]
fn at303_is_the_root_cause_on_the_site_even_when_the_gateway_accepts_bearer() {
    let c = Cloud::new();
    c.tenant();
    let body = r#"{"error":"Failed to parse Connect Session Auth Token"}"#;
    c.on_site("/rest/api/3/myself", 403, &[], body);
    c.on_site("/wiki/rest/api/user/current", 403, &[], body);
    c.on_site("/rest/api/3/issue/OPS-1", 403, &[], body);
    // Several reports: the gateway accepts a service-account token as Bearer.
    c.gateway_accepts(SA);
    let r = header_env_run(&c, &format!("Bearer {}", token()), ISSUE_URL);
    assert_eq!(r.root(), "AT303", "{}", r.json);
    let f = r.finding("AT303");
    assert_eq!(f["severity"], "error");
    let fix = f["fix"].as_str().unwrap();
    assert!(
        fix.starts_with("send the API token with Basic auth") && fix.contains("gateway"),
        "{fix}"
    );
    assert!(!f["message"].as_str().unwrap().contains("accepted anyway"));
}

#[test]
fn at303_is_a_warning_at_the_gateway_offline() {
    let c = Cloud::new();
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1");
    let header = format!("Bearer {}", token());
    let dir = tempfile::tempdir().unwrap();
    let r = doctor_in(
        &c,
        dir.path(),
        &[("MY_AUTH", &header)],
        &["--offline", "--auth-header-env", "MY_AUTH", &url],
    );
    assert_eq!(r.finding("AT303")["severity"], "warning", "{}", r.json);
    assert_eq!(r.code(), 0);
}

// ---- issue 13 part 6: AT207 removed endpoints

#[test]
fn at207_a_removed_search_endpoint_offline() {
    let c = Cloud::new();
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &[
            "--offline",
            "https://acme.atlassian.net/rest/api/3/search?jql=project%3DOPS",
        ],
    );
    assert_eq!(r.root(), "AT207", "{}", r.json);
    assert_eq!(r.check("api-path")["status"], "fail");
    assert!(r.fix().contains("/rest/api/3/search/jql"), "{}", r.fix());
    assert_eq!(r.code(), 1);
}

#[test]
fn at207_from_a_410_answer() {
    let c = Cloud::new();
    c.tenant();
    c.site_accepts("jane.doe@acme.com");
    c.gateway_refuses();
    c.on_site(
        "/rest/api/2/issue/OPS-1/remotelink",
        410,
        &[],
        r#"{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/issue/{issueIdOrKey}/remotelink API."],"errors":{}}"#,
    );
    c.on_site(
        "/rest/api/3/mypermissions",
        200,
        &[],
        r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":true}}}"#,
    );
    let r = doctor(
        &c,
        Some("jane.doe@acme.com"),
        Some(&token()),
        &["https://acme.atlassian.net/rest/api/2/issue/OPS-1/remotelink"],
    );
    assert_eq!(r.root(), "AT207", "{}", r.json);
    assert!(r.fix().contains("/rest/api/3/issue/"), "{}", r.fix());
    assert!(
        r.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "AT403" && f["rule"] != "AT105")
    );
}

#[test]
fn json_for_a_removed_endpoint() {
    let c = Cloud::new();
    let r = doctor(
        &c,
        Some(SA),
        Some(&token()),
        &[
            "--offline",
            &format!(
                "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/search?jql=project%3DOPS"
            ),
        ],
    );
    let picked = serde_json::json!({
        "root_cause": r.json["root_cause"],
        "verdict": r.json["verdict"],
        "api-path": r.check("api-path"),
        "findings": r.json["findings"],
    });
    insta::assert_snapshot!("json_at207", serde_json::to_string_pretty(&picked).unwrap());
}
