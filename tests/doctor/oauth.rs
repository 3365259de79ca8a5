//! `atlcheck doctor` for service-account OAuth 2.0 client credentials and Bearer access tokens
//! (issue 13, parts 1 and 2), against local servers for auth.atlassian.com, api.atlassian.com
//! and a site, reached through ATLCHECK_CONNECT_TO. Every run asserts that neither the client
//! secret nor the access token appears in any output.
use std::process::Command;

use base64::Engine;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;

use crate::support::{CLOUD, Run, SA, doctor_json};

const OTHER_CLOUD: &str = "0b7c2a52-6a1e-4d7b-9f3e-2c8d1e0f4a5b";
const CLIENT_ID: &str = "Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy";

fn secret() -> String {
    let head = format!("ATOA{}", "Zq8Wm3Rt6Yp1Ls4Kd7Hf0Jg2Nb5Vc9Xe".repeat(2));
    format!("{head}{:08X}", crc32fast::hash(head.as_bytes()))
}

/// An unsigned JWT with these claims; never a real token.
fn jwt(claims: &str) -> String {
    let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        e(r#"{"alg":"RS256","typ":"JWT","kid":"test"}"#),
        e(claims),
        e("signature-bytes-for-the-test-only-0123456789")
    )
}

fn access_token() -> String {
    jwt(r#"{"sub":"712020:1b2c3d4e","exp":4102444800,"scope":"read:jira-work read:jira-user"}"#)
}

struct Cloud {
    auth: MockServer,
    gateway: MockServer,
    site: MockServer,
}

impl Cloud {
    fn new() -> Cloud {
        Cloud {
            auth: MockServer::start(),
            gateway: MockServer::start(),
            site: MockServer::start(),
        }
    }

    fn connect_to(&self) -> String {
        format!(
            "auth.atlassian.com={},api.atlassian.com={},acme.atlassian.net={}",
            self.auth.base_url(),
            self.gateway.base_url(),
            self.site.base_url()
        )
    }

    /// The token endpoint as documented: a form body with exactly the three parameters.
    fn token_endpoint_grants(&self, token: &str) -> httpmock::Mock<'_> {
        let body = format!(
            r#"{{"access_token":"{token}","expires_in":3600,"token_type":"Bearer","scope":"read:jira-work read:jira-user"}}"#
        );
        self.auth.mock(|w, t| {
            w.method(POST)
                .path("/oauth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("client_secret", secret())
                .form_urlencoded_tuple_missing("scope")
                .form_urlencoded_tuple_missing("audience");
            t.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
    }

    fn token_endpoint_refuses(&self, status: u16, body: &str) -> httpmock::Mock<'_> {
        let body = body.to_string();
        self.auth.mock(|w, t| {
            w.method(POST).path("/oauth/token");
            t.status(status)
                .header("content-type", "application/json")
                .body(body);
        })
    }

    fn resources(&self, token: &str, ids: &[(&str, &str)]) {
        let list: Vec<String> = ids
            .iter()
            .map(|(id, site)| {
                format!(
                    r#"{{"id":"{id}","name":"{site}","url":"https://{site}.atlassian.net","scopes":["read:jira-work","read:jira-user"],"avatarUrl":""}}"#
                )
            })
            .collect();
        let bearer = format!("Bearer {token}");
        let body = format!("[{}]", list.join(","));
        self.gateway.mock(|w, t| {
            w.method(GET)
                .path("/oauth/token/accessible-resources")
                .header("authorization", bearer);
            t.status(200).body(body);
        });
    }

    fn gateway_accepts(&self, token: &str) {
        let bearer = format!("Bearer {token}");
        for path in [
            format!("/ex/jira/{CLOUD}/rest/api/3/myself"),
            format!("/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1"),
        ] {
            let b = bearer.clone();
            let body = if path.ends_with("myself") {
                format!(
                    r#"{{"accountId":"712020:1b2c3d4e","accountType":"app","emailAddress":"{SA}","active":true}}"#
                )
            } else {
                r#"{"key":"OPS-1","fields":{}}"#.to_string()
            };
            self.gateway.mock(|w, t| {
                w.method(GET).path(path).header("authorization", b);
                t.status(200)
                    .header("x-aaccountid", "712020:1b2c3d4e")
                    .body(body);
            });
        }
        let b = bearer.clone();
        self.gateway.mock(|w, t| {
            w.method(GET)
                .path(format!("/ex/confluence/{CLOUD}/wiki/rest/api/user/current"))
                .header("authorization", b);
            t.status(200)
                .body(r#"{"type":"known","accountId":"712020:1b2c3d4e","accountType":"app"}"#);
        });
        self.gateway.mock(|w, t| {
            w.method(GET)
                .path(format!("/ex/jira/{CLOUD}/rest/api/3/mypermissions"))
                .header("authorization", bearer);
            t.status(200)
                .header("x-aaccountid", "712020:1b2c3d4e")
                .body(r#"{"permissions":{"BROWSE_PROJECTS":{"havePermission":true}}}"#);
        });
    }
}

/// Run the doctor; `secrets` must appear in no output (stdout, stderr, JSON).
fn doctor(
    c: &Cloud,
    env: &[(&str, &str)],
    args: &[&str],
    stdin: Option<&str>,
    secrets: &[&str],
) -> Run {
    let run = doctor_json(
        &c.connect_to(),
        env,
        &[&["--timeout", "5", "--isolated"][..], args].concat(),
        stdin,
    );
    let text = run.text();
    for s in secrets {
        assert!(
            !text.contains(s),
            "a secret leaked into the output:\n{text}"
        );
        // Nor a large part of it.
        assert!(
            !text.contains(&s[..s.len() / 2]),
            "half a secret leaked:\n{text}"
        );
    }
    run
}

fn gw_myself() -> String {
    format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1")
}

#[test]
fn client_credentials_that_work() {
    let c = Cloud::new();
    let tok = access_token();
    let exchange = c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(CLOUD, "acme")]);
    c.gateway_accepts(&tok);
    let site_any = c.site.mock(|w, t| {
        w.any_request();
        t.status(500);
    });
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &["--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[&s, &tok],
    );
    assert_eq!(r.code(), 0, "{}", r.json);
    assert_eq!(r.json["verdict"], "ok");
    exchange.assert_calls(1);
    assert_eq!(site_any.calls(), 0, "nothing goes to the site");
    let ex = r.check("oauth-exchange");
    assert_eq!(ex["status"], "pass");
    let detail = ex["detail"].as_str().unwrap();
    assert!(detail.contains("expires in 3600 s"), "{detail}");
    assert!(detail.contains("read:jira-work"), "{detail}");
    assert_eq!(
        ex["evidence"][0]["url"],
        "https://auth.atlassian.com/oauth/token"
    );
    assert!(
        r.check("accessible-resources")["detail"]
            .as_str()
            .unwrap()
            .contains(CLOUD)
    );
    assert_eq!(r.check("identity-gateway")["status"], "pass");
    assert_eq!(r.check("request")["status"], "pass");
    assert_eq!(r.json["credential"]["scheme"], "oauth-client-credentials");
    // The client secret never reached the gateway, in a header or a body.
    let leaked = c.gateway.mock(|w, t| {
        w.body_includes(secret());
        t.status(599);
    });
    assert_eq!(leaked.calls(), 0);
}

#[test]
fn the_secret_can_come_from_standard_input_and_the_id_from_the_environment() {
    let c = Cloud::new();
    let tok = access_token();
    let exchange = c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(CLOUD, "acme")]);
    c.gateway_accepts(&tok);
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_ID", CLIENT_ID)],
        &["--client-secret-stdin", &gw_myself()],
        Some(&format!("{s}\n")),
        &[&s, &tok],
    );
    assert_eq!(r.code(), 0, "{}", r.json);
    exchange.assert_calls(1);
}

#[test]
fn at106_invalid_client_names_the_likely_causes() {
    let c = Cloud::new();
    c.token_endpoint_refuses(
        400,
        r#"{"error":"invalid_client","error_description":"Unauthorized"}"#,
    );
    let gw = c.gateway.mock(|w, t| {
        w.any_request();
        t.status(500);
    });
    let s = secret();
    let r = doctor(
        &c,
        &[("MY_SECRET", &s)],
        &[
            "--client-id",
            CLIENT_ID,
            "--client-secret-env",
            "MY_SECRET",
            &gw_myself(),
        ],
        None,
        &[&s],
    );
    assert_eq!(r.code(), 1, "{}", r.json);
    assert_eq!(r.root(), "AT106");
    let msg = r.finding("AT106")["message"].as_str().unwrap();
    assert!(
        msg.contains("invalid_client") && msg.contains("rotated or mistyped"),
        "{msg}"
    );
    assert_eq!(
        gw.calls(),
        0,
        "no access token, nothing sent to the gateway"
    );
}

#[test]
fn at106_access_denied_and_at103_as_the_root_cause_of_a_refusal() {
    let c = Cloud::new();
    c.token_endpoint_refuses(
        401,
        r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
    );
    let mut s = secret();
    s.remove(40); // a dropped character: the CRC-32 tail no longer matches
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &["--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[&s],
    );
    assert_eq!(r.root(), "AT103", "{}", r.json);
    assert_eq!(r.finding("AT106")["severity"], "error");
    assert!(
        r.finding("AT103")["message"]
            .as_str()
            .unwrap()
            .contains("75 characters")
    );
}

#[test]
fn at103_is_only_a_warning_when_the_exchange_works() {
    let c = Cloud::new();
    let tok = access_token();
    // The endpoint accepts whatever it is sent here.
    let body = format!(r#"{{"access_token":"{tok}","expires_in":3600,"token_type":"Bearer"}}"#);
    c.auth.mock(|w, t| {
        w.method(POST).path("/oauth/token");
        t.status(200).body(body);
    });
    c.resources(&tok, &[(CLOUD, "acme")]);
    c.gateway_accepts(&tok);
    let odd = "ATOAnot-the-documented-shape-but-accepted-0123456789abcdef";
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", odd)],
        &["--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[odd, &tok],
    );
    assert_eq!(r.code(), 0, "{}", r.json);
    let f = r.finding("AT103");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("format assumption"));
}

#[test]
fn at106_a_pasted_exchange_with_a_scope() {
    let c = Cloud::new();
    let tok = access_token();
    // The doctor's own exchange sends no scope: this mock answers only that.
    let exchange = c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(CLOUD, "acme")]);
    let s = secret();
    let line = format!(
        "curl -s -X POST https://auth.atlassian.com/oauth/token -H 'Content-Type: application/x-www-form-urlencoded' -d 'grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={s}&scope=read:jira-work&audience=api.atlassian.com'"
    );
    let r = doctor(&c, &[], &["--", &line], None, &[&s, &tok]);
    assert_eq!(r.code(), 1, "{}", r.json);
    assert_eq!(r.root(), "AT106");
    let f = r.finding("AT106");
    assert!(f["fix"].as_str().unwrap().contains("send no scope"), "{f}");
    assert_eq!(r.check("oauth-request")["status"], "fail");
    assert!(
        r.check("oauth-request")["detail"]
            .as_str()
            .unwrap()
            .contains("audience")
    );
    // The exchange without the scope works: the credential itself is fine.
    exchange.assert_calls(1);
    assert_eq!(r.check("oauth-exchange")["status"], "pass");
    assert_eq!(r.check("url")["status"], "pass");
    assert!(
        r.json["warnings"][0]
            .as_str()
            .unwrap()
            .contains("command line"),
        "{}",
        r.json
    );
}

#[test]
fn a_pasted_exchange_that_works() {
    let c = Cloud::new();
    let tok = access_token();
    c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(CLOUD, "acme")]);
    let s = secret();
    let r = doctor(
        &c,
        &[],
        &[
            "--",
            "curl",
            "-sd",
            "grant_type=client_credentials",
            "-d",
            &format!("client_id={CLIENT_ID}"),
            "--data-urlencode",
            &format!("client_secret={s}"),
            "https://auth.atlassian.com/oauth/token",
        ],
        None,
        &[&s, &tok],
    );
    assert_eq!(r.code(), 0, "{}", r.json);
    assert!(
        r.json["summary"]
            .as_str()
            .unwrap()
            .contains("token exchange works")
    );
}

#[test]
fn invalid_scope_from_the_endpoint() {
    let c = Cloud::new();
    c.token_endpoint_refuses(
        400,
        r#"{"error":"invalid_scope","error_description":"scope not allowed"}"#,
    );
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &["--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[&s],
    );
    assert_eq!(r.root(), "AT106");
    assert!(
        r.finding("AT106")["fix"]
            .as_str()
            .unwrap()
            .contains("send no scope")
    );
}

#[test]
fn at108_the_service_account_was_not_given_the_site() {
    let c = Cloud::new();
    let tok = access_token();
    c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(OTHER_CLOUD, "other")]);
    c.gateway.mock(|w, t| {
        w.path_includes("/ex/");
        t.status(401)
            .body(r#"{"code":401,"message":"Unauthorized"}"#);
    });
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &["--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[&s, &tok],
    );
    assert_eq!(r.code(), 1, "{}", r.json);
    assert_eq!(r.root(), "AT108");
    assert!(
        r.finding("AT108")["message"]
            .as_str()
            .unwrap()
            .contains("other.atlassian.net")
    );
    assert_eq!(r.check("accessible-resources")["status"], "fail");
}

#[test]
fn at201_access_token_never_goes_to_the_site() {
    let c = Cloud::new();
    let tok = access_token();
    c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(CLOUD, "acme")]);
    c.gateway_accepts(&tok);
    c.site.mock(|w, t| {
        w.path("/_edge/tenant_info").header_missing("authorization");
        t.status(200).body(format!(r#"{{"cloudId":"{CLOUD}"}}"#));
    });
    let with_token = c.site.mock(|w, t| {
        w.header_exists("authorization");
        t.status(401);
    });
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &[
            "--client-id",
            CLIENT_ID,
            "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
        ],
        None,
        &[&s, &tok],
    );
    assert_eq!(r.root(), "AT201", "{}", r.json);
    assert_eq!(r.finding("AT201")["severity"], "error");
    assert_eq!(with_token.calls(), 0, "a credential was sent to the site");
    assert!(r.finding("AT201")["fix"].as_str().unwrap().contains(CLOUD));
}

#[test]
fn an_environment_with_both_kinds_of_credential_is_ambiguous() {
    let c = Cloud::new();
    let s = secret();
    let api = atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0Qm9vZ2llV29vZ2llTG9uZ1Rva2VuVGhhdElzQ2FuYXJ5MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3Bx=",
    );
    let env = [
        ("ATLASSIAN_EMAIL", SA),
        ("ATLASSIAN_API_TOKEN", api.as_str()),
        ("ATLASSIAN_CLIENT_ID", CLIENT_ID),
        ("ATLASSIAN_CLIENT_SECRET", s.as_str()),
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_atlcheck"))
        .args(["doctor", "--offline", "--isolated", &gw_myself()])
        .env("ATLCHECK_CONNECT_TO", c.connect_to())
        .envs(env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("both an API token") && err.contains("--client-id"),
        "{err}"
    );
    assert!(!err.contains(&s) && !err.contains(&api));
    // A flag settles it either way.
    let r = doctor(
        &c,
        &env,
        &["--offline", "--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[&s, &api],
    );
    assert_eq!(r.json["credential"]["scheme"], "oauth-client-credentials");
    let r = doctor(
        &c,
        &env,
        &[
            "--offline",
            "--token-env",
            "ATLASSIAN_API_TOKEN",
            &gw_myself(),
        ],
        None,
        &[&s, &api],
    );
    assert_eq!(r.json["credential"]["scheme"], "basic");
}

#[test]
fn a_client_secret_sent_as_a_token_goes_nowhere() {
    let c = Cloud::new();
    let any: Vec<_> = [&c.auth, &c.gateway, &c.site]
        .into_iter()
        .map(|m| {
            m.mock(|w, t| {
                w.any_request();
                t.status(200);
            })
        })
        .collect();
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_EMAIL", SA), ("ATLASSIAN_API_TOKEN", &s)],
        &[&gw_myself()],
        None,
        &[&s],
    );
    assert_eq!(r.root(), "AT104", "{}", r.json);
    assert!(
        r.finding("AT104")["fix"]
            .as_str()
            .unwrap()
            .contains("exchange")
    );
    for m in any {
        assert_eq!(m.calls(), 0, "the client secret was sent somewhere");
    }
}

// ---- part 2: a Bearer access token given directly

/// The gateway refuses the token: Jira answers 401, Confluence 403 (no product access), and
/// accessible-resources 401.
fn gateway_refuses_the_token(c: &Cloud) {
    c.gateway.mock(|w, t| {
        w.path_includes("/ex/jira/");
        t.status(401)
            .body(r#"{"code":401,"message":"Unauthorized"}"#);
    });
    c.gateway.mock(|w, t| {
        w.path_includes("/ex/confluence/");
        t.status(403)
            .body(r#"{"message":"Current user not permitted to use Confluence","statusCode":403}"#);
    });
    c.gateway.mock(|w, t| {
        w.path("/oauth/token/accessible-resources");
        t.status(401)
            .body(r#"{"code":401,"message":"Unauthorized"}"#);
    });
}

fn header_run(c: &Cloud, header: &str, now: &str, url: &str) -> Run {
    let tok = header.trim_start_matches("Bearer ").to_string();
    doctor(
        c,
        &[("MY_AUTH", header), ("ATLCHECK_NOW", now)],
        &["--auth-header-env", "MY_AUTH", url],
        None,
        &[&tok],
    )
}

#[test]
fn at107_an_expired_access_token_offline_and_live() {
    let c = Cloud::new();
    // exp 2026-11-29T22:00:00Z; now 2026-11-29T23:48:00Z
    let tok = jwt(r#"{"exp":1795989600,"scope":"read:jira-work"}"#);
    let header = format!("Bearer {tok}");
    let r = header_run(&c, &header, "2026-11-29T23:48:00Z", &gw_myself());
    assert_eq!(r.root(), "AT107", "{}", r.json);
    let msg = r.finding("AT107")["message"].as_str().unwrap();
    assert!(
        msg.contains("108 min ago") && msg.contains("2026-11-29T22:00:00Z"),
        "{msg}"
    );
    assert_eq!(r.check("access-token-claims")["status"], "fail");
    // Before exp: no AT107.
    let r = header_run(&c, &header, "2026-11-29T21:00:00Z", &gw_myself());
    assert!(
        r.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "AT107")
    );
}

#[test]
fn an_opaque_access_token_has_no_claims_and_a_refusal_stays_at105() {
    let c = Cloud::new();
    gateway_refuses_the_token(&c);
    let r = header_run(
        &c,
        "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0ZyXwVuTsRq",
        "2026-11-29T23:48:00Z",
        &gw_myself(),
    );
    assert_eq!(r.root(), "AT105", "{}", r.json);
}

#[test]
fn at401_names_the_scope_the_token_lacks() {
    let c = Cloud::new();
    let tok = jwt(r#"{"exp":4102444800,"scope":"read:jira-user"}"#);
    let header = format!("Bearer {tok}");
    c.gateway.mock(|w, t| {
        w.path(format!("/ex/jira/{CLOUD}/rest/api/3/myself"));
        t.status(200)
            .header("x-aaccountid", "712020:1b2c3d4e")
            .body(r#"{"accountId":"712020:1b2c3d4e","accountType":"app"}"#);
    });
    c.gateway.mock(|w, t| {
        w.path_includes("/rest/api/3/issue/OPS-1");
        t.status(401)
            .header("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")
            .body(r#"{"code":401,"message":"Unauthorized; scope does not match"}"#);
    });
    c.gateway.mock(|w, t| {
        w.path_includes("/mypermissions");
        t.status(401)
            .header("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")
            .body(r#"{"code":401,"message":"Unauthorized; scope does not match"}"#);
    });
    let r = header_run(&c, &header, "2026-11-29T23:48:00Z", &gw_myself());
    assert_eq!(r.root(), "AT401", "{}", r.json);
    let msg = r.finding("AT401")["message"].as_str().unwrap();
    assert!(
        msg.contains("lists read:jira-user") && msg.contains("missing read:jira-work"),
        "{msg}"
    );
}

/// The human checklist (the README shows it), with the elapsed times removed.
fn human(c: &Cloud, env: &[(&str, &str)], args: &[&str], secrets: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args([
        "doctor",
        "--color",
        "never",
        "--timeout",
        "5",
        "--no-netrc",
        "--isolated",
    ])
    .args(args)
    .env("ATLCHECK_CONNECT_TO", c.connect_to());
    for v in [
        "ATLASSIAN_EMAIL",
        "ATLASSIAN_API_TOKEN",
        "ATLASSIAN_CLIENT_ID",
        "ATLASSIAN_CLIENT_SECRET",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for s in secrets {
        assert!(!text.contains(s));
    }
    text
}

#[test]
fn human_checklist_for_a_service_account_without_the_site() {
    let c = Cloud::new();
    let tok = access_token();
    c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(OTHER_CLOUD, "other")]);
    c.gateway.mock(|w, t| {
        w.path_includes("/ex/jira/");
        t.status(401)
            .body(r#"{"code":401,"message":"Unauthorized"}"#);
    });
    c.gateway.mock(|w, t| {
        w.path_includes("/ex/confluence/");
        t.status(403)
            .body(r#"{"message":"Current user not permitted to use Confluence","statusCode":403}"#);
    });
    let s = secret();
    let text = human(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &["--client-id", CLIENT_ID, &gw_myself()],
        &[&s, &tok],
    );
    insta::assert_snapshot!("human_at108", text);
}

#[test]
fn json_for_an_expired_access_token() {
    let c = Cloud::new();
    gateway_refuses_the_token(&c);
    let tok = jwt(r#"{"exp":1795989600,"scope":"read:jira-work"}"#);
    let r = header_run(
        &c,
        &format!("Bearer {tok}"),
        "2026-11-29T23:48:00Z",
        &gw_myself(),
    );
    let picked = serde_json::json!({
        "root_cause": r.json["root_cause"],
        "verdict": r.json["verdict"],
        "findings": r.json["findings"],
        "claims": r.check("access-token-claims"),
    });
    insta::assert_snapshot!("json_at107", serde_json::to_string_pretty(&picked).unwrap());
}

#[test]
fn human_checklist_for_a_pasted_exchange_with_a_scope() {
    let c = Cloud::new();
    let tok = access_token();
    c.token_endpoint_grants(&tok);
    c.resources(&tok, &[(CLOUD, "acme")]);
    let s = secret();
    let line = format!(
        "curl -s -X POST https://auth.atlassian.com/oauth/token -d 'grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={s}&scope=read:jira-work'"
    );
    let text = human(&c, &[], &["--", &line], &[&s, &tok]);
    insta::assert_snapshot!("human_at106", text);
}

/// A client ID is not a secret (RFC 6749 2.2; SPEC lists the client secret): the doctor names
/// the service-account client it diagnosed in full, though the ID looks random enough for the
/// output patterns. A secret pasted where the ID belongs stays masked.
#[test]
fn the_client_id_is_shown_in_full_and_the_secret_is_not() {
    let c = Cloud::new();
    let s = secret();
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", &s)],
        &["--offline", "--client-id", CLIENT_ID, &gw_myself()],
        None,
        &[&s],
    );
    assert_eq!(r.json["credential"]["user"], CLIENT_ID, "{}", r.json);
    let source = r.json["credential"]["source"].as_str().unwrap();
    assert!(source.contains(CLIENT_ID), "{source}");
    // Swapped: the secret given as the ID, the ID as the secret.
    let r = doctor(
        &c,
        &[("ATLASSIAN_CLIENT_SECRET", CLIENT_ID)],
        &["--offline", "--client-id", &s, &gw_myself()],
        None,
        &[&s],
    );
    assert_ne!(r.json["credential"]["user"], s.as_str());
}
