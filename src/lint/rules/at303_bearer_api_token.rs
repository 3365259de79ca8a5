//! AT303 bearer-api-token: an API token sent as `Authorization: Bearer`; API tokens use
//! Basic `email:token`. On the site, Bearer with a non-JWT answers 403 "Failed to parse
//! Connect Session Auth Token".
use super::common;
use crate::lint::{Cx, Hit};
use crate::secret::mask;

const FIX: &str = "send the API token with Basic auth: curl -u \"$EMAIL:$API_TOKEN\", or `Authorization: Basic base64(email:token)`; Bearer is for OAuth 2.0 access tokens";

const PAIR_FIX: &str = "an `email:token` pair is Basic authentication: send `Authorization: Basic base64(email:token)` (curl -u \"$EMAIL:$API_TOKEN\"); Bearer is for OAuth 2.0 access tokens";

/// A variable named for Jira, Confluence or Atlassian that holds an API token (and not an
/// OAuth access token, a Data Center personal access token or a JWT).
fn atlassian_token_name(var: &str) -> bool {
    let v = var.to_ascii_lowercase();
    let words: Vec<&str> = v.split('_').filter(|w| !w.is_empty()).collect();
    let named = ["jira", "confluence", "atlassian"]
        .iter()
        .any(|p| v.contains(p));
    let token = ["token", "apikey", "api_key", "secret", "key"]
        .iter()
        .any(|t| v.contains(t));
    let other = [
        "access", "oauth", "bearer", "jwt", "refresh", "pat", "session", "id_token",
    ]
    .iter()
    .any(|o| words.contains(o) || v.contains(&format!("{o}token")))
        || v.ends_with("pat")
        || v.contains("personal");
    named && token && !other
}

/// Is the file about Jira or Confluence Data Center, where personal access tokens are
/// correctly sent as Bearer? A REST URL on a host that is not Atlassian Cloud, or the words.
fn data_center(cx: &Cx<'_>) -> bool {
    if cx.pattern("dc-words").is_match(cx.text) {
        return true;
    }
    cx.pattern("rest-host").captures_iter(cx.text).any(|c| {
        c.name("host").is_some_and(|h| {
            let h = h.as_str().to_ascii_lowercase();
            !(h.ends_with(".atlassian.net")
                || h == "api.atlassian.com"
                || h.contains('$')
                || h.contains('{'))
        })
    })
}

/// AT303's severity by where the Bearer goes (SPEC: an error at a site URL; at the gateway the
/// `[at_gateway]` severity and note of its TOML file, as the doctor applies them). The line
/// decides; else a file that calls only the gateway.
fn by_surface(cx: &Cx<'_>, first: usize, out: &mut [Hit]) {
    let lower = cx.text.to_ascii_lowercase();
    let file_gateway_only =
        lower.contains("api.atlassian.com") && !lower.contains(".atlassian.net");
    for hit in &mut out[first..] {
        let (line, _) = cx.line_at(hit.range.start);
        let l = line.to_ascii_lowercase();
        let gateway = if l.contains(".atlassian.net") {
            false
        } else {
            l.contains("api.atlassian.com") || file_gateway_only
        };
        if gateway && let Some(g) = &crate::catalogue::Code::AT303.rule().at_gateway {
            hit.severity = Some(g.severity);
            hit.message.push_str(&format!(" ({})", g.note));
        }
    }
}

/// The environment variable a variable is read from in the file: `token =
/// System.getenv("CONFLUENCE_TOKEN")`, `tok := os.Getenv("JIRA_TOKEN")`, `token =
/// os.environ["JIRA_API_TOKEN"]`, `$token = $env:JIRA_TOKEN`, `this.apiToken =
/// process.env.JIRA_API_TOKEN`.
fn env_source(cx: &Cx<'_>, var: &str) -> Option<String> {
    // The pattern needs one of these words: without any, no pattern is built or run (most
    // files that say `Bearer token` read no environment variable this way).
    const READS: [&str; 8] = [
        "env::var",
        "getenv",
        "Getenv",
        "environ",
        "GetEnvironmentVariable",
        "process.env",
        "ENV",
        "$env:",
    ];
    let text = cx.text.as_bytes();
    if !READS
        .iter()
        .any(|w| memchr::memmem::find(text, w.as_bytes()).is_some())
    {
        return None;
    }
    let re = crate::lint::built_pattern(format!(
        r#"(?:^|[^\w]){}\s*(?::\s*[\w<>?]+\s*)?(?:=|:=)\s*[^\n;]{{0,40}}?(?:getenv|Getenv|environ|GetEnvironmentVariable|process\.env|ENV|\$env:|env::var)\s*(?:\.get\(|\(|\[|\.)?\s*["']?(?P<env>[A-Za-z_][A-Za-z0-9_]*)"#,
        regex::escape(var)
    ))?;
    Some(re.captures(cx.text)?.name("env")?.as_str().to_string())
}

/// Does the file run an OAuth 2.0 flow: the token endpoint, a grant type, the
/// `accessible-resources` lookup? Its Bearer values are the access tokens it obtains.
fn oauth_flow(cx: &Cx<'_>) -> bool {
    [
        "/oauth/token",
        "grant_type",
        "authorization_code",
        "accessible-resources",
        "refresh_token",
    ]
    .iter()
    .any(|w| memchr::memmem::find(cx.text.as_bytes(), w.as_bytes()).is_some())
}

/// Is `var` filled from an access token in the file (`jiraToken = response.accessToken`,
/// `token = session["access_token"]`, `token = get_oauth_token()`)?
fn from_access_token(cx: &Cx<'_>, var: &str) -> bool {
    crate::lint::built_pattern(format!(
        r#"(?:^|[^\w.]){}\s*(?::[^=\n]*)?(?:=|:=)\s*[^\n;]{{0,80}}?(?i:access_?token|oauth|bearer_?token)"#,
        regex::escape(var)
    ))
    .is_some_and(|re| re.is_match(cx.text))
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let first = out.len();
    check_all(cx, out);
    by_surface(cx, first, out);
}

/// The finding for a literal API token (`token`, masked) sent as Bearer, from the start of
/// the `whole` match to the token's end.
fn literal_hit(whole: regex::Match<'_>, token: regex::Match<'_>) -> Hit {
    let m = mask(token.as_str());
    Hit::new(
        whole.start()..token.end(),
        format!("API token {m} sent as a Bearer token"),
        format!("literal:{m}"),
    )
    .fix(FIX)
}

fn check_all(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for caps in cx.pattern("bearer-literal").captures_iter(cx.text) {
        let (Some(whole), Some(t)) = (caps.name("whole"), caps.name("token")) else {
            continue;
        };
        out.push(literal_hit(whole, t));
    }
    // Data Center personal access tokens are sent as Bearer, correctly: a variable only
    // counts in a file that is about Atlassian Cloud (or whose variable says so).
    let cloud = cx.pattern("cloud-context").is_match(cx.text);
    let mut dc: Option<bool> = None;
    let slots = cx
        .pattern("bearer-var")
        .captures_iter(cx.text)
        .chain(cx.pattern("access-token-slot").captures_iter(cx.text));
    for caps in slots {
        let (Some(whole), Some(var)) = (caps.name("whole"), caps.name("var")) else {
            continue;
        };
        if !cloud && !var.as_str().to_ascii_lowercase().contains("atlassian") {
            continue;
        }
        out.push(
            Hit::new(
                whole.range(),
                format!("API token `{}` sent as a Bearer token", var.as_str()),
                format!("var:{}", var.as_str()),
            )
            .fix(FIX),
        );
    }
    // `Bearer $JIRA_TOKEN` with no host in the file: the name says what it holds.
    // Each name's environment source is looked up once per file, however often it is sent.
    let mut sources: std::collections::HashMap<&str, Option<String>> =
        std::collections::HashMap::new();
    let mut oauth: Option<bool> = None;
    let mut filled: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    let named = cx.pattern("bearer-named").captures_iter(cx.text);
    for caps in named.chain(cx.pattern("bearer-method").captures_iter(cx.text)) {
        // A literal token handed to a Bearer call (`.bearer_auth("ATATT3...")`).
        if let (Some(whole), Some(t)) = (caps.name("whole"), caps.name("token")) {
            out.push(literal_hit(whole, t));
            continue;
        }
        let (Some(whole), Some(var)) = (caps.name("whole"), caps.name("var")) else {
            continue;
        };
        // The name, or the environment variable the file reads into it
        // (`token = System.getenv("CONFLUENCE_TOKEN")`).
        let shown = if atlassian_token_name(var.as_str()) {
            var.as_str().to_string()
        } else {
            let env = sources
                .entry(var.as_str())
                .or_insert_with(|| env_source(cx, var.as_str()));
            match env.clone() {
                Some(env) if atlassian_token_name(&env) => format!("{} (from {env})", var.as_str()),
                _ => continue,
            }
        };
        if !cloud && *dc.get_or_insert_with(|| data_center(cx)) {
            continue;
        }
        // A variable of an OAuth 2.0 flow: the file runs the flow (token endpoint, grant type,
        // `accessible-resources`) and the name does not say API token, or the variable is
        // filled from an access token.
        if !var.as_str().to_ascii_lowercase().contains("api")
            && *oauth.get_or_insert_with(|| oauth_flow(cx))
            || cx.line_at(whole.start()).0.contains("accessible-resources")
            || *filled
                .entry(var.as_str())
                .or_insert_with(|| from_access_token(cx, var.as_str()))
        {
            continue;
        }
        out.push(
            Hit::new(
                whole.range(),
                format!("API token `{shown}` sent as a Bearer token"),
                format!("var:{}", var.as_str()),
            )
            .fix(FIX),
        );
    }
    // Basic credentials (`user:token`) sent as Bearer.
    if !cx.atlassian_context() {
        return;
    }
    for caps in cx.pattern("bearer-pair").captures_iter(cx.text) {
        let Some(whole) = caps.name("whole") else {
            continue;
        };
        let shown = crate::secret::redact_text(whole.as_str());
        out.push(
            Hit::new(
                whole.range(),
                format!("a user:token pair sent as a Bearer token (`{shown}`): Basic credentials sent as Bearer"),
                format!("pair:{shown}"),
            )
            .fix(PAIR_FIX),
        );
    }
    for caps in cx.pattern("bearer-encoded").captures_iter(cx.text) {
        let Some(whole) = caps.name("whole") else {
            continue;
        };
        let (line, start) = cx.line_at(whole.start());
        if !line.get(whole.end() - start..).unwrap_or("").contains(':') {
            continue;
        }
        out.push(
            Hit::new(
                whole.range(),
                "base64 of a user:token pair sent as a Bearer token: Basic credentials sent as Bearer",
                "encoded",
            )
            .fix(PAIR_FIX),
        );
    }
    for caps in cx.pattern("bearer-b64").captures_iter(cx.text) {
        let Some(b) = caps.name("b64") else { continue };
        let Some((user, secret)) = common::decode_pair(b.as_str()) else {
            continue;
        };
        if !crate::account::is_email(&user) || !common::is_real_secret(&secret) {
            continue;
        }
        let m = mask(&secret);
        out.push(
            Hit::new(
                b.range(),
                format!("a literal Bearer value that decodes to {user}:{m}: Basic credentials sent as Bearer"),
                format!("b64:{user}:{m}"),
            )
            .fix(PAIR_FIX),
        );
    }
}
