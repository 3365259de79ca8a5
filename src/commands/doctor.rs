//! `atlcheck doctor`: gather the request and the credential, run the checklist, report.
use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

use crate::cli::{DoctorArgs, DoctorFormat, GlobalArgs};
use crate::config::{self, Config, Overrides};
use crate::doctor::credential::Credential;
use crate::doctor::http::ConnectTo;
use crate::doctor::request::{self, Target};
use crate::doctor::{self, Inputs};
use crate::secret::Secret;
use crate::token::{self, TokenKind};
use crate::{ExitStatus, output};

fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .map(Secret::new)
}

/// `machine HOST login EMAIL password TOKEN` from ~/.netrc.
fn netrc(host: &str) -> Option<(String, Secret)> {
    let path = std::env::var_os("NETRC")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".netrc")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "machine"
            && words
                .get(i + 1)
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        {
            let (mut login, mut password) = (None, None);
            let mut j = i + 2;
            while j + 1 < words.len() && words[j] != "machine" && words[j] != "default" {
                match words[j] {
                    "login" => login = Some(words[j + 1].to_string()),
                    "password" => password = Some(Secret::new(words[j + 1])),
                    _ => {}
                }
                j += 2;
            }
            return login.zip(password);
        }
        i += 1;
    }
    None
}

fn basic_or_bearer(
    email: Option<String>,
    token: Secret,
    origin: &str,
) -> anyhow::Result<(Credential, String)> {
    match email {
        Some(email) => Ok((
            Credential::Basic {
                email: email.clone(),
                token,
            },
            format!("email {email}, token from {origin}"),
        )),
        None if token::classify(token.expose().trim()).kind == TokenKind::Jwt => Ok((
            Credential::Header(Secret::new(format!("Bearer {}", token.expose().trim()))),
            format!("Bearer access token from {origin}"),
        )),
        None => anyhow::bail!(
            "a token was found ({origin}) but no email: set ATLASSIAN_EMAIL or pass --email (API tokens are sent as Basic email:token)"
        ),
    }
}

fn gather(
    args: &DoctorArgs,
    warnings: &mut Vec<String>,
) -> anyhow::Result<(Target, Option<Credential>, String)> {
    let curl = if args.curl.is_empty() {
        None
    } else {
        Some(request::parse_curl(&args.curl).map_err(|e| anyhow::anyhow!(e))?)
    };
    let url = match (&args.url, &curl) {
        (Some(u), None) => u.clone(),
        (None, Some(c)) => c.url.clone().unwrap_or_default(),
        (Some(_), Some(_)) => {
            anyhow::bail!("give either a URL or a curl command after --, not both")
        }
        (None, None) => anyhow::bail!("give the failing request's URL, or a curl command after --"),
    };
    let method = args
        .method
        .clone()
        .or_else(|| curl.as_ref().and_then(|c| c.method.clone()))
        .unwrap_or_else(|| "GET".to_string());
    let target = Target::parse(&method, &url).map_err(|e| anyhow::anyhow!("malformed URL: {e}"))?;

    let mut email = args.email.clone();
    if let Some(name) = &args.auth_header_env {
        let v = env_secret(name)
            .ok_or_else(|| anyhow::anyhow!("--auth-header-env {name}: the variable is not set"))?;
        let v = v
            .expose()
            .strip_prefix("Authorization:")
            .map_or(v.clone(), |s| Secret::new(s.trim_start()));
        return Ok((
            target,
            Some(Credential::Header(v)),
            format!("Authorization header from ${name}"),
        ));
    }
    if let Some(c) = &curl {
        if let Some(h) = &c.authorization {
            warnings.push("the credential was given on the command line: other processes can read it (ps); prefer --auth-header-env or ATLASSIAN_API_TOKEN".to_string());
            return Ok((
                target,
                Some(Credential::Header(h.clone())),
                "Authorization header from the curl command".to_string(),
            ));
        }
        if let Some((user, pass)) = &c.user {
            if !pass.expose().is_empty() {
                warnings.push("the token was given on the command line: other processes can read it (ps); prefer ATLASSIAN_API_TOKEN or --token-stdin".to_string());
                return Ok((
                    target,
                    Some(Credential::Basic {
                        email: user.clone(),
                        token: pass.clone(),
                    }),
                    "-u from the curl command".to_string(),
                ));
            }
            email = Some(user.clone());
        }
    }
    if args.token_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| anyhow::anyhow!("cannot read the token from standard input: {e}"))?;
        let s = s
            .strip_suffix('\n')
            .map(|x| x.strip_suffix('\r').unwrap_or(x))
            .unwrap_or(&s)
            .to_string();
        let (c, src) = basic_or_bearer(email, Secret::new(s), "standard input")?;
        return Ok((target, Some(c), src));
    }
    if let Some(tok) = env_secret(&args.token_env) {
        let (c, src) = basic_or_bearer(email, tok, &format!("${}", args.token_env))?;
        return Ok((target, Some(c), src));
    }
    if !args.no_netrc
        && let Some((login, password)) = netrc(&target.host)
    {
        let user = email.unwrap_or(login);
        return Ok((
            target,
            Some(Credential::Basic {
                email: user.clone(),
                token: password,
            }),
            format!("email {user}, token from ~/.netrc"),
        ));
    }
    if std::io::stdin().is_terminal()
        && output::sink::stderr_is_terminal()
        && !args.offline
        && let Some(e) = email.clone()
    {
        {
            let tok = rpassword::prompt_password(format!("API token for {e} (not echoed): "))
                .map_err(|err| anyhow::anyhow!("cannot read the token: {err}"))?;
            if !tok.is_empty() {
                return Ok((
                    target,
                    Some(Credential::Basic {
                        email: e.clone(),
                        token: Secret::new(tok),
                    }),
                    format!("email {e}, token typed at the prompt"),
                ));
            }
        }
    }
    let source = format!(
        "none found: no --auth-header-env or --token-stdin, ${} is not set{}",
        args.token_env,
        if args.no_netrc {
            String::new()
        } else {
            format!(", no ~/.netrc entry for {}", target.host)
        }
    );
    Ok((target, None, source))
}

/// The lint configuration (`--config FILE`, else the nearest `.atlcheck.toml`,
/// `atlcheck.toml` or `pyproject.toml` from the current folder up to the repository root):
/// the doctor reads its `service-accounts` and `org-ids`.
fn lint_config(args: &DoctorArgs) -> anyhow::Result<Config> {
    let source = match &args.config {
        Some(p) => config::read_file(p)?.map(|f| (p.clone(), f)),
        None if args.isolated => None,
        None => config::discover(std::path::Path::new("."))?,
    };
    Ok(Config::resolve(source, &Overrides::default())?)
}

pub fn run(global: &GlobalArgs, args: DoctorArgs) -> anyhow::Result<ExitStatus> {
    let mut warnings = Vec::new();
    let (target, credential, source) = gather(&args, &mut warnings)?;
    let compare = match (&args.compare_email, &args.compare_token_env) {
        (Some(e), Some(name)) => {
            let tok = env_secret(name).ok_or_else(|| {
                anyhow::anyhow!("--compare-token-env {name}: the variable is not set")
            })?;
            Some(Credential::Basic {
                email: e.clone(),
                token: tok,
            })
        }
        _ => None,
    };
    if !(args.timeout > 0.0 && args.timeout <= 600.0) {
        anyhow::bail!("--timeout must be between 0 and 600 seconds");
    }
    let site = match &args.site {
        Some(s) => Some(doctor::normalise_site(s).ok_or_else(|| {
            anyhow::anyhow!("--site `{s}` is not a site name such as acme or acme.atlassian.net")
        })?),
        None => None,
    };
    let connect_to = ConnectTo::from_env().map_err(|e| anyhow::anyhow!(e))?;
    let config = lint_config(&args)?;
    let inputs = Inputs {
        target,
        credential,
        credential_source: source,
        compare,
        site,
        project: args.project.clone(),
        space: args.space.clone(),
        offline: args.offline,
        timeout: Duration::from_secs_f64(args.timeout),
        connect_to,
        warnings,
        service_accounts: config.service_accounts,
        org_ids: config.org_ids,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(doctor::diagnose(inputs))?;

    if args.format == DoctorFormat::Json || args.output_file.is_some() {
        output::color::disable();
    }
    if args.format == DoctorFormat::Human || args.output_file.is_some() {
        for w in &report.warnings {
            crate::errln!("atlcheck: warning: {w}");
        }
    }
    let mut out = output::destination(args.output_file.as_deref())?;
    match args.format {
        DoctorFormat::Human => output::doctor::write_human(&mut out, &report, global.verbose)?,
        DoctorFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(report.exit_status())
}
