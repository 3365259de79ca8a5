//! `atlcheck doctor`: gather the request and the credential, run the checklist, report.
use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::cli::{DoctorArgs, DoctorFormat, GlobalArgs};
use crate::config::{self, Config, Overrides};
use crate::doctor::credential::Credential;
use crate::doctor::curl;
use crate::doctor::http::ConnectTo;
use crate::doctor::oauth::{self, Client};
use crate::doctor::request::{Surface, Target};
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

/// `machine HOST login EMAIL password TOKEN` from ~/.netrc (read bounded; a FIFO or device
/// there is not read, with a warning).
fn netrc(host: &str, warnings: &mut Vec<String>) -> Option<(String, Secret)> {
    let path = std::env::var_os("NETRC")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".netrc")))?;
    let text = match crate::input::read_text(&path, crate::input::NETRC_CAP) {
        Ok(t) => t,
        Err(crate::input::ReadError::Io(_)) => return None,
        Err(e) => {
            warnings.push(format!(
                "{} {e}: not read",
                crate::secret::safe_text(&path.display().to_string())
            ));
            return None;
        }
    };
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

/// Largest secret read from standard input.
const STDIN_CAP: u64 = 64 * 1024;

fn read_stdin_secret(what: &str) -> anyhow::Result<Secret> {
    // Bounded: more than STDIN_CAP bytes is no secret (`--token-stdin </dev/zero`).
    let bytes = crate::input::read_stdin(STDIN_CAP)
        .map_err(|e| anyhow::anyhow!("cannot read the {what} from standard input: it {e}"))?;
    let s = String::from_utf8_lossy(&bytes).into_owned();
    let s = s
        .strip_suffix('\n')
        .map(|x| x.strip_suffix('\r').unwrap_or(x))
        .unwrap_or(&s)
        .to_string();
    Ok(Secret::new(s))
}

/// What the doctor diagnoses.
pub struct Gathered {
    pub target: Target,
    pub credential: Option<Credential>,
    pub source: String,
    pub client: Option<Client>,
    /// The request is the token exchange itself (a pasted curl of it).
    pub pasted_exchange: bool,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `--client-id` / `ATLASSIAN_CLIENT_ID` with `--client-secret-env` / `--client-secret-stdin`.
fn client_from_flags(args: &DoctorArgs) -> anyhow::Result<Option<Client>> {
    let explicit =
        args.client_id.is_some() || args.client_secret_env.is_some() || args.client_secret_stdin;
    if !explicit {
        return Ok(None);
    }
    let id = args
        .client_id
        .clone()
        .or_else(|| env_nonempty("ATLASSIAN_CLIENT_ID"))
        .ok_or_else(|| {
            anyhow::anyhow!("no client ID: pass --client-id ID or set ATLASSIAN_CLIENT_ID")
        })?;
    let (secret, origin) = if args.client_secret_stdin {
        (
            read_stdin_secret("client secret")?,
            "standard input".to_string(),
        )
    } else {
        let name = args
            .client_secret_env
            .clone()
            .unwrap_or_else(|| "ATLASSIAN_CLIENT_SECRET".to_string());
        let secret = env_secret(&name).ok_or_else(|| {
            anyhow::anyhow!(
                "no client secret: ${name} is not set (--client-secret-env NAME names the variable; or --client-secret-stdin)"
            )
        })?;
        (secret, format!("${name}"))
    };
    Ok(Some(Client {
        id,
        secret,
        origin,
        extra: Vec::new(),
        json_body: false,
    }))
}

/// A pasted curl of the token exchange itself: the client credentials and what else it sends.
fn client_from_exchange(c: &curl::CurlCommand) -> anyhow::Result<Client> {
    let body = c
        .data
        .as_ref()
        .map(|d| d.expose().to_string())
        .unwrap_or_default();
    if body.starts_with('@') || body.contains("&@") {
        anyhow::bail!(
            "the pasted token exchange reads its body from a file (@FILE): pass --client-id and --client-secret-env instead"
        );
    }
    let json_body = c
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("json"))
        || body.trim_start().starts_with('{');
    let pairs: Vec<(String, String)> = if json_body {
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|o| {
                o.into_iter()
                    .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        curl::form_pairs(&body)
    };
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    // RFC 6749 also allows the client to authenticate with HTTP Basic (-u id:secret).
    let (id, secret) = match (get("client_id"), get("client_secret"), &c.user) {
        (Some(id), Some(s), _) => (id, Secret::new(s)),
        (id, None, Some((user, pass))) if !pass.expose().is_empty() => {
            (id.unwrap_or_else(|| user.clone()), pass.clone())
        }
        _ => anyhow::bail!(
            "the pasted token exchange has no client_id and client_secret (-d 'grant_type=client_credentials&client_id=...&client_secret=...')"
        ),
    };
    let mut extra: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "scope" | "audience"))
        .cloned()
        .collect();
    match get("grant_type") {
        Some(g) if g == "client_credentials" => {}
        Some(g) => extra.push(("grant_type".to_string(), g)),
        None => extra.push(("grant_type".to_string(), "(none)".to_string())),
    }
    Ok(Client {
        id,
        secret,
        origin: "the curl command".to_string(),
        extra,
        json_body,
    })
}

fn is_token_endpoint(t: &Target) -> bool {
    t.surface == Surface::OtherAtlassian
        && t.host == oauth::AUTH_HOST
        && t.path_only().trim_end_matches('/') == "/oauth/token"
}

/// `--site` as given. A token pasted there (a legacy token is 24 letters and digits, which
/// passes for a site name) would be echoed lower-cased, and a lower-cased token escapes the
/// patterns that recognise secrets: it is held as a secret first, so the sink masks it in any
/// case wherever the site appears.
fn held_site(site: &str) -> &str {
    crate::secret::hold_credential_shaped(site);
    site
}

fn gather(args: &DoctorArgs, warnings: &mut Vec<String>) -> anyhow::Result<Gathered> {
    let mut own_warnings = Vec::new();
    let (target, credential, source) = gather_credential(args, &mut own_warnings)?;
    let done = |credential, source| Gathered {
        target: target.clone(),
        credential,
        source,
        client: None,
        pasted_exchange: false,
    };
    // A pasted exchange: its own client credentials.
    if is_token_endpoint(&target) && !args.curl.is_empty() {
        let c = curl::parse_curl(&args.curl).map_err(|e| anyhow::anyhow!(e))?;
        let client = client_from_exchange(&c)?;
        warnings.push("the client secret was given on the command line: other processes can read it (ps); prefer --client-id with --client-secret-env".to_string());
        let source = format!(
            "client ID {} and secret from the curl command",
            client.id.trim()
        );
        return Ok(Gathered {
            client: Some(client),
            pasted_exchange: true,
            ..done(None, source)
        });
    }
    warnings.extend(own_warnings);
    // Explicit flags win over the environment.
    let explicit_token = args.auth_header_env.is_some()
        || args.token_stdin
        || args.token_env.is_some()
        || credential.as_ref().is_some_and(|_| source.contains("curl"));
    if let Some(client) = client_from_flags(args)? {
        if explicit_token {
            anyhow::bail!(
                "both an API token or Authorization header and OAuth client credentials were given: diagnose one at a time"
            );
        }
        let source = format!(
            "client ID {} and secret from {}",
            client.id.trim(),
            client.origin
        );
        return Ok(Gathered {
            client: Some(client),
            ..done(None, source)
        });
    }
    let env_client = env_nonempty("ATLASSIAN_CLIENT_ID").is_some()
        && env_nonempty("ATLASSIAN_CLIENT_SECRET").is_some();
    if env_client && !explicit_token {
        if credential.is_some() && source.contains("$ATLASSIAN_API_TOKEN") {
            anyhow::bail!(
                "the environment holds both an API token (ATLASSIAN_API_TOKEN) and OAuth client credentials (ATLASSIAN_CLIENT_ID, ATLASSIAN_CLIENT_SECRET): say which to diagnose with --token-env ATLASSIAN_API_TOKEN or --client-id \"$ATLASSIAN_CLIENT_ID\""
            );
        }
        if credential.is_none() || source.contains("netrc") {
            let id = env_nonempty("ATLASSIAN_CLIENT_ID").unwrap_or_default();
            let client = Client {
                id: id.clone(),
                secret: env_secret("ATLASSIAN_CLIENT_SECRET").expect("checked above"),
                origin: "$ATLASSIAN_CLIENT_SECRET".to_string(),
                extra: Vec::new(),
                json_body: false,
            };
            return Ok(Gathered {
                client: Some(client),
                ..done(
                    None,
                    format!(
                        "client ID {} and secret from $ATLASSIAN_CLIENT_SECRET",
                        id.trim()
                    ),
                )
            });
        }
    }
    Ok(done(credential, source))
}

fn gather_credential(
    args: &DoctorArgs,
    warnings: &mut Vec<String>,
) -> anyhow::Result<(Target, Option<Credential>, String)> {
    let curl = if args.curl.is_empty() {
        None
    } else {
        Some(curl::parse_curl(&args.curl).map_err(|e| anyhow::anyhow!(e))?)
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
    // `https://user:secret@site/…`, as curl accepts it: the credential, just below `-u`.
    if let Some((user, pass)) = target.userinfo.clone() {
        warnings.push("the URL carries user:secret@: atlcheck uses it as the credential and sends it only in the Authorization header, never in the URL; other processes can read the command line (ps), prefer ATLASSIAN_API_TOKEN".to_string());
        let user = if user.is_empty() {
            email.clone().unwrap_or_default()
        } else {
            user
        };
        return Ok((
            target,
            Some(Credential::Basic {
                email: user,
                token: pass,
            }),
            "user:password from the URL".to_string(),
        ));
    }
    if args.token_stdin {
        let (c, src) = basic_or_bearer(email, read_stdin_secret("token")?, "standard input")?;
        return Ok((target, Some(c), src));
    }
    let token_env = args.token_env.as_deref().unwrap_or("ATLASSIAN_API_TOKEN");
    if let Some(tok) = env_secret(token_env) {
        let (c, src) = basic_or_bearer(email, tok, &format!("${token_env}"))?;
        return Ok((target, Some(c), src));
    }
    if !args.no_netrc
        && let Some((login, password)) = netrc(&target.host, warnings)
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
        "none found: no --auth-header-env, --token-stdin or --client-id, ${} is not set{}",
        args.token_env.as_deref().unwrap_or("ATLASSIAN_API_TOKEN"),
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
    let g = gather(&args, &mut warnings)?;
    if let Some(c) = &g.client {
        // The client ID names which service-account credential was diagnosed: shown in full
        // when it has a client ID's form; anything else given as the ID may be a pasted secret
        // (`--client-id` swapped with the secret): held, so masked wherever it is echoed.
        if !crate::secret::show_client_id(&c.id) {
            crate::secret::register(&c.id);
        }
    }
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
        Some(s) => Some(doctor::normalise_site(held_site(s)).ok_or_else(|| {
            anyhow::anyhow!("--site `{s}` is not a site name such as acme or acme.atlassian.net")
        })?),
        None => None,
    };
    let connect_to = ConnectTo::from_env().map_err(|e| anyhow::anyhow!(e))?;
    let config = lint_config(&args)?;
    let inputs = Inputs {
        target: g.target,
        credential: g.credential,
        credential_source: g.source,
        client: g.client,
        pasted_exchange: g.pasted_exchange,
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
            crate::output::safe_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(report.exit_status())
}
