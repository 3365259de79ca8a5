//! Red team, session 2 (issue 12, class 2): secrets in the inputs that end in an error or a
//! refusal. A credential pasted where a variable's NAME belongs (`--token-env`, `--auth-header-env`,
//! `--client-secret-env`, `--compare-token-env`, `--admin-key-env`) was echoed by `$NAME is not
//! set`; the secret half of an `email:password` given as `--email` or `ATLASSIAN_EMAIL` was shown
//! as part of the user; a secret given as `--client-id` was quoted by the malformed-ID finding.
//! Each is now held as a secret where it enters (cli.rs `variable_name`, `basic_user`; the
//! doctor holds a client ID that lacks the ID's form). Generated per run: a plain password
//! with punctuation (only holding it can mask it) in every secret-bearing place, and a
//! token of a random kind in every other flag value, path, configuration key and value and
//! environment variable that ends in exit 2: no 12 characters of either may come out.
use std::path::Path;
use std::process::Command;

use crate::adversarial::atlcheck;
use crate::held_forms::{Rng, leaks};

const SITE_URL: &str = "https://acme.atlassian.net/rest/api/3/myself";
const GATEWAY_URL: &str =
    "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself";
const ORG: &str = "7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f";
/// A well-formed API token for the runs that need one besides the attacked value.
const API_TOKEN: &str = "ATATT3xFfGF0T2theXRva2VuLWZvci10ZXN0cy1vbmx5LW5vdC1yZWFs=0A1B2C3D";

/// A password no pattern recognises: letters, digits and shell punctuation.
fn password(rng: &mut Rng) -> String {
    const P: &[u8] = b"!#%&*+,.;?^~";
    let mut s = format!("Pw{}", rng.alnum(6));
    for _ in 0..4 {
        s.push(P[rng.below(P.len())] as char);
        s.push_str(&rng.alnum(2));
    }
    s
}

/// A credential of a random kind, as the patterns know them.
fn token(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("ATATT3xFfGF0{}={}", rng.alnum(100), rng.alnum(8)),
        1 => format!("ATCTT3xFfGF0{}={}", rng.alnum(100), rng.alnum(8)),
        2 => format!("ATOA{}", rng.alnum(60)),
        // A legacy token: 24 letters and digits of three classes.
        _ => format!("aB3{}", rng.alnum(21)),
    }
}

fn run(what: &str, secret: &str, cmd: &mut Command, codes: &[i32]) {
    let o = cmd.output().unwrap();
    let out = crate::common::text(&o);
    if let Some(how) = leaks(&out, secret) {
        panic!("{what}: {how}:\n{out}");
    }
    let code = o.status.code().unwrap_or(-1);
    assert!(codes.contains(&code), "{what}: exit {code}:\n{out}");
}

/// Every Atlassian host mapped to a closed loopback port: a live run fails at once.
const NOWHERE: &str = "acme.atlassian.net=http://127.0.0.1:9,api.atlassian.com=http://127.0.0.1:9,auth.atlassian.com=http://127.0.0.1:9";

fn doctor(dir: &Path) -> Command {
    let mut c = atlcheck(dir);
    c.args(["doctor", "--isolated"])
        .env("ATLCHECK_CONNECT_TO", NOWHERE);
    c
}

#[test]
fn a_password_pasted_where_a_name_or_an_id_belongs_is_never_echoed() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for _ in 0..2 {
        let p = password(&mut rng);
        for flag in ["--token-env", "--auth-header-env", "--client-secret-env"] {
            run(
                flag,
                &p,
                doctor(d).args([flag, &p, "--offline", SITE_URL]),
                &[2],
            );
        }
        run(
            "--compare-token-env",
            &p,
            doctor(d)
                .args(["--compare-email", "a@acme.com", "--compare-token-env", &p])
                .args(["--offline", SITE_URL]),
            &[2],
        );
        run(
            "--admin-key-env",
            &p,
            atlcheck(d).args(["tokens", "--org", ORG, "--admin-key-env", &p]),
            &[2],
        );
        for format in ["human", "json"] {
            let pair = format!("bob@acme.com:{p}");
            run(
                "--email email:password",
                &p,
                doctor(d)
                    .args(["--format", format, "--email", &pair, "--offline", SITE_URL])
                    .env("ATLASSIAN_API_TOKEN", API_TOKEN),
                &[1, 2],
            );
            run(
                "ATLASSIAN_EMAIL=email:password",
                &p,
                doctor(d)
                    .args(["--format", format, "-v", "--offline", SITE_URL])
                    .env("ATLASSIAN_EMAIL", &pair)
                    .env("ATLASSIAN_API_TOKEN", API_TOKEN),
                &[1, 2],
            );
            run(
                "--client-id",
                &p,
                doctor(d)
                    .args([
                        "--format",
                        format,
                        "--client-id",
                        &p,
                        "--offline",
                        GATEWAY_URL,
                    ])
                    .env("ATLASSIAN_CLIENT_SECRET", format!("ATOA{}", rng.alnum(60))),
                &[1, 2],
            );
            run(
                "ATLASSIAN_CLIENT_ID",
                &p,
                doctor(d)
                    .args(["--format", format, "--client-secret-env", "S", "--offline"])
                    .arg(GATEWAY_URL)
                    .env("ATLASSIAN_CLIENT_ID", &p)
                    .env("S", format!("ATOA{}", rng.alnum(60))),
                &[1, 2],
            );
        }
        // Where a password is a password: URL userinfo, curl -u, netrc, a connect-to target.
        let userinfo = format!(
            "https://bob%40acme.com:{}@acme.atlassian.net/rest/api/3/myself",
            percent_encoding::utf8_percent_encode(&p, percent_encoding::NON_ALPHANUMERIC)
        );
        run(
            "URL userinfo",
            &p,
            doctor(d).args(["-v", "--offline", &userinfo]),
            &[1, 2],
        );
        run(
            "curl -u",
            &p,
            doctor(d).args([
                "--offline",
                "-v",
                "--",
                "curl",
                "-u",
                &format!("bob@acme.com:{p}"),
                SITE_URL,
            ]),
            &[1, 2],
        );
        let netrc = d.join("netrc");
        std::fs::write(
            &netrc,
            format!("machine acme.atlassian.net login bob@acme.com password {p}\nmachine \"x\" garbage {p}\n"),
        )
        .unwrap();
        run(
            "netrc",
            &p,
            atlcheck(d)
                .args(["doctor", "--isolated", "-v", "--offline", SITE_URL])
                .env("NETRC", &netrc),
            &[1, 2],
        );
        run(
            "ATLCHECK_CONNECT_TO userinfo",
            &p,
            doctor(d)
                .args(["--timeout", "2", SITE_URL])
                .env("ATLASSIAN_EMAIL", "bob@acme.com")
                .env("ATLASSIAN_API_TOKEN", API_TOKEN)
                .env(
                    "ATLCHECK_CONNECT_TO",
                    format!("acme.atlassian.net=http://bob:{p}@127.0.0.1:9"),
                ),
            &[2],
        );
    }
}

#[test]
fn a_token_in_a_bad_flag_path_config_or_variable_is_masked_in_the_refusal() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = token(&mut rng);
    let missing = format!("/nonexistent/{t}/x");
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "lint --format",
            vec!["lint".into(), "--format".into(), t.clone()],
        ),
        (
            "lint --select",
            vec!["lint".into(), "--select".into(), t.clone(), ".".into()],
        ),
        (
            "lint --fail-on",
            vec!["lint".into(), "--fail-on".into(), t.clone()],
        ),
        (
            "lint --max-filesize",
            vec!["lint".into(), "--max-filesize".into(), t.clone()],
        ),
        ("lint missing path", vec!["lint".into(), missing.clone()]),
        (
            "lint --config",
            vec!["lint".into(), "--config".into(), missing.clone()],
        ),
        (
            "lint --baseline",
            vec![
                "lint".into(),
                "--baseline".into(),
                missing.clone(),
                ".".into(),
            ],
        ),
        (
            "lint --output-file",
            vec![
                "lint".into(),
                "--output-file".into(),
                missing.clone(),
                ".".into(),
            ],
        ),
        (
            "doctor --timeout",
            vec![
                "doctor".into(),
                "--timeout".into(),
                t.clone(),
                SITE_URL.into(),
            ],
        ),
        (
            "doctor --format",
            vec![
                "doctor".into(),
                "--format".into(),
                t.clone(),
                SITE_URL.into(),
            ],
        ),
        (
            "doctor URL",
            vec![
                "doctor".into(),
                "--offline".into(),
                format!("https://{t}\\.atlassian.net/x"),
            ],
        ),
        (
            "scopes",
            vec![
                "scopes".into(),
                t.clone(),
                format!("https://acme.atlassian.net/rest/api/3/{t}"),
            ],
        ),
        ("explain", vec!["explain".into(), t.clone()]),
        (
            "tokens --org",
            vec!["tokens".into(), "--org".into(), t.clone()],
        ),
        (
            "tokens --inventory",
            vec![
                "tokens".into(),
                "--org".into(),
                ORG.into(),
                "--inventory".into(),
                missing.clone(),
            ],
        ),
        (
            "inventory missing path",
            vec!["inventory".into(), missing.clone()],
        ),
        (
            "rules --format",
            vec!["rules".into(), "--format".into(), t.clone()],
        ),
    ];
    for (what, args) in cases {
        run(
            what,
            &t,
            atlcheck(d)
                .args(&args)
                .env("ATLASSIAN_ADMIN_KEY", API_TOKEN),
            &[1, 2],
        );
    }
    // A configuration key and value, and the environment variables atlcheck reads.
    std::fs::write(
        d.join(".atlcheck.toml"),
        format!("select = [\"{t}\"]\n[severity]\n\"{t}\" = \"error\"\n"),
    )
    .unwrap();
    run("config value", &t, atlcheck(d).args(["lint", "."]), &[2]);
    std::fs::write(d.join(".atlcheck.toml"), format!("{t} = 1\n")).unwrap();
    run(
        "config key",
        &t,
        atlcheck(d).args(["lint", "--show-config", "."]),
        &[2],
    );
    std::fs::remove_file(d.join(".atlcheck.toml")).unwrap();
    for (var, value) in [
        ("ATLCHECK_CONNECT_TO", t.clone()),
        (
            "ATLCHECK_CONNECT_TO",
            format!("acme.atlassian.net=http://127.0.0.1:9/{t}\\x"),
        ),
        ("NETRC", missing.clone()),
        ("ATLCHECK_NOW", t.clone()),
    ] {
        run(
            var,
            &t,
            doctor(d).args(["--timeout", "2", SITE_URL]).env(var, value),
            &[1, 2],
        );
    }
}
