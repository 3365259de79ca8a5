//! A pasted curl command line, read as curl reads it (issue 13, part 7): combined short options
//! (`-sX DELETE`, `-sXDELETE`, `-su user:token`), values attached or separate, `-d`/`--data*`/
//! `--json`/`-F` (POST), `-T` (PUT), `-I` (HEAD), `-G` (the data goes into the query), `--url`,
//! `--user`, `--oauth2-bearer`, and `-H` with odd spacing around the colon.
use crate::secret::Secret;

/// What a pasted curl command line says.
#[derive(Debug, Default)]
pub struct CurlCommand {
    pub method: Option<String>,
    pub url: Option<String>,
    /// `-u user:password`
    pub user: Option<(String, Secret)>,
    /// `-H 'Authorization: …'` (or `--oauth2-bearer`)
    pub authorization: Option<Secret>,
    /// The request body as curl would send it (`-d` pieces joined with `&`); may hold a secret.
    pub data: Option<Secret>,
    /// `-H 'Content-Type: …'`, or `application/json` for `--json`.
    pub content_type: Option<String>,
}

/// Short options that take a value (curl 8 manual); every other letter is a switch.
const SHORT_WITH_VALUE: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

/// Long options that take a value. Unknown long options are read as switches.
const LONG_WITH_VALUE: &[&str] = &[
    "--request",
    "--user",
    "--header",
    "--url",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-ascii",
    "--data-urlencode",
    "--json",
    "--form",
    "--form-string",
    "--upload-file",
    "--output",
    "--user-agent",
    "--referer",
    "--max-time",
    "--connect-timeout",
    "--cookie",
    "--cookie-jar",
    "--write-out",
    "--proxy",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--config",
    "--cacert",
    "--capath",
    "--cert",
    "--cert-type",
    "--key",
    "--key-type",
    "--range",
    "--resolve",
    "--connect-to",
    "--proxy-user",
    "--oauth2-bearer",
    "--max-redirs",
    "--limit-rate",
    "--interface",
    "--dns-servers",
    "--proxy-header",
    "--variable",
    "--url-query",
    "--aws-sigv4",
    "--dump-header",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "--continue-at",
    "--ciphers",
    "--local-port",
    "--max-filesize",
    "--netrc-file",
    "--noproxy",
    "--pinnedpubkey",
    "--request-target",
    "--service-name",
    "--unix-socket",
    "--abstract-unix-socket",
    "--expect100-timeout",
    "--happy-eyeballs-timeout-ms",
    "--keepalive-time",
    "--login-options",
    "--mail-from",
    "--mail-rcpt",
    "--output-dir",
    "--parallel-max",
    "--proto",
    "--proto-default",
    "--proto-redir",
    "--proxy-cacert",
    "--proxy-cert",
    "--proxy-key",
    "--quote",
    "--sasl-authzid",
    "--speed-limit",
    "--speed-time",
    "--time-cond",
    "--tls-max",
    "--tlsuser",
    "--tlspassword",
    "--ech",
    "--etag-compare",
    "--etag-save",
    "--hsts",
    "--alt-svc",
    "--doh-url",
    "--ftp-port",
    "--preproxy",
    "--socks4",
    "--socks4a",
    "--socks5",
    "--socks5-hostname",
    "--socks5-gssapi-service",
    "--create-file-mode",
    "--ip-tos",
    "--vlan-priority",
    "--write-out",
];

/// Split a command line the way a POSIX shell would for the common cases: quotes, escapes,
/// line continuations.
pub fn shell_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated ' quote in the curl command".to_string()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some('\n') => {}
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => {
                                return Err("unterminated \" quote in the curl command".to_string());
                            }
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unterminated \" quote in the curl command".to_string()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | Some('\r') => {}
                Some(x) => {
                    in_word = true;
                    cur.push(x);
                }
                None => {}
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// `application/x-www-form-urlencoded` encoding, as `--data-urlencode` does it.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What one option did.
enum Body {
    /// `-d`, `--data`, `--data-raw`, `--data-binary`, `--data-ascii`.
    Raw(String),
    /// `--data-urlencode [name=]content`.
    UrlEncode(String),
    Json(String),
}

#[derive(Default)]
struct State {
    cmd: CurlCommand,
    bodies: Vec<Body>,
    form: bool,
    upload: bool,
    get: bool,
    head: bool,
    queries: Vec<String>,
}

impl State {
    /// Apply one option (short letter as `-X`, or a long name) with its value.
    fn apply(&mut self, opt: &str, value: Option<String>) {
        let v = value.unwrap_or_default();
        match opt {
            "-X" | "--request" => self.cmd.method = Some(v.to_ascii_uppercase()),
            "-u" | "--user" => {
                let (user, pass) = v.split_once(':').unwrap_or((v.as_str(), ""));
                self.cmd.user = Some((user.to_string(), Secret::new(pass)));
            }
            "-H" | "--header" => {
                if let Some((name, val)) = v.split_once(':') {
                    let name = name.trim();
                    if name.eq_ignore_ascii_case("authorization") {
                        self.cmd.authorization = Some(Secret::new(val.trim_start()));
                    } else if name.eq_ignore_ascii_case("content-type") {
                        self.cmd.content_type = Some(val.trim().to_ascii_lowercase());
                    }
                }
            }
            "--oauth2-bearer" => self.cmd.authorization = Some(Secret::new(format!("Bearer {v}"))),
            "--url" if self.cmd.url.is_none() => self.cmd.url = Some(v),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" => {
                self.bodies.push(Body::Raw(v));
            }
            "--data-urlencode" => self.bodies.push(Body::UrlEncode(v)),
            "--json" => {
                self.bodies.push(Body::Json(v));
                self.cmd.content_type = Some("application/json".to_string());
            }
            "-F" | "--form" | "--form-string" => self.form = true,
            "-T" | "--upload-file" => self.upload = true,
            "-G" | "--get" => self.get = true,
            "-I" | "--head" => self.head = true,
            "--url-query" => self.queries.push(v),
            _ => {}
        }
    }

    fn body(&self) -> Option<String> {
        if self.bodies.is_empty() {
            return None;
        }
        let json = self.bodies.iter().any(|b| matches!(b, Body::Json(_)));
        let parts: Vec<String> = self
            .bodies
            .iter()
            .map(|b| match b {
                Body::Raw(s) | Body::Json(s) => s.clone(),
                Body::UrlEncode(s) => match s.split_once('=') {
                    Some((name, content)) if !name.is_empty() => {
                        format!("{name}={}", urlencode(content))
                    }
                    Some((_, content)) => urlencode(content),
                    None => urlencode(s),
                },
            })
            .collect();
        Some(parts.join(if json { "" } else { "&" }))
    }
}

/// Parse `curl ARGS...` (the `curl` word itself optional). A single argument holding the whole
/// command line is split first.
pub fn parse_curl(args: &[String]) -> Result<CurlCommand, String> {
    let mut words: Vec<String> = if args.len() == 1 {
        shell_words(&args[0])?
    } else {
        args.to_vec()
    };
    if words
        .first()
        .is_some_and(|w| w == "curl" || w.ends_with("/curl"))
    {
        words.remove(0);
    }
    let mut st = State::default();
    let mut i = 0;
    let mut options_done = false;
    while i < words.len() {
        let w = words[i].clone();
        i += 1;
        if options_done || !w.starts_with('-') || w == "-" {
            if st.cmd.url.is_none() {
                st.cmd.url = Some(w);
            }
            continue;
        }
        if w == "--" {
            options_done = true;
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            long_option(&mut st, long, &words, &mut i)?;
        } else {
            short_options(&mut st, &w[1..], &words, &mut i)?;
        }
    }
    finish(st)
}

/// The value after an option: the next word (`i` moves past it).
fn next_value(words: &[String], i: &mut usize, opt: &str) -> Result<String, String> {
    let v = words
        .get(*i)
        .cloned()
        .ok_or_else(|| format!("curl option {opt} needs a value"))?;
    *i += 1;
    Ok(v)
}

/// `--name`, `--name=value` or `--name value`.
fn long_option(st: &mut State, long: &str, words: &[String], i: &mut usize) -> Result<(), String> {
    let (name, inline) = match long.split_once('=') {
        Some((n, v)) if LONG_WITH_VALUE.contains(&format!("--{n}").as_str()) => {
            (format!("--{n}"), Some(v.to_string()))
        }
        _ => (format!("--{long}"), None),
    };
    let value = if inline.is_some() {
        inline
    } else if LONG_WITH_VALUE.contains(&name.as_str()) {
        Some(next_value(words, i, &name)?)
    } else {
        None
    };
    st.apply(&name, value);
    Ok(())
}

/// Short options, possibly combined: `-sSfX`, `-sXDELETE`, `-su user:token`.
fn short_options(
    st: &mut State,
    letters: &str,
    words: &[String],
    i: &mut usize,
) -> Result<(), String> {
    let letters: Vec<char> = letters.chars().collect();
    for (j, c) in letters.iter().enumerate() {
        let opt = format!("-{c}");
        if SHORT_WITH_VALUE.contains(*c) {
            let attached: String = letters[j + 1..].iter().collect();
            let value = if attached.is_empty() {
                next_value(words, i, &opt)?
            } else {
                attached
            };
            st.apply(&opt, Some(value));
            return Ok(());
        }
        st.apply(&opt, None);
    }
    Ok(())
}

/// Once every word is read: the body or query, then the method curl would use.
fn finish(mut st: State) -> Result<CurlCommand, String> {
    let body = st.body();
    if st.get {
        // -G: the data becomes the query string.
        if let (Some(url), Some(b)) = (&mut st.cmd.url, &body) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(b);
        }
    } else {
        st.cmd.data = body.clone().map(Secret::new);
    }
    for q in &st.queries {
        if let Some(url) = &mut st.cmd.url {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(q);
        }
    }
    if st.cmd.method.is_none() {
        st.cmd.method = Some(
            if st.head {
                "HEAD"
            } else if st.get {
                "GET"
            } else if st.upload {
                "PUT"
            } else if body.is_some() || st.form {
                "POST"
            } else {
                "GET"
            }
            .to_string(),
        );
    }
    if st.cmd.url.is_none() {
        return Err("the curl command has no URL".to_string());
    }
    Ok(st.cmd)
}

/// Decode `a=1&b=two%20words` into pairs.
pub fn form_pairs(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> CurlCommand {
        parse_curl(&[s.to_string()]).unwrap()
    }

    #[test]
    fn the_existing_forms_still_parse() {
        let c = p(
            "curl -s -X POST -u 'jane@acme.com:tok en' \\\n -H \"Authorization: Basic abc=\" https://acme.atlassian.net/rest/api/3/issue -d '{}'",
        );
        assert_eq!(c.method.as_deref(), Some("POST"));
        assert_eq!(
            c.url.as_deref(),
            Some("https://acme.atlassian.net/rest/api/3/issue")
        );
        assert_eq!(c.user.as_ref().unwrap().0, "jane@acme.com");
        assert_eq!(c.user.as_ref().unwrap().1.expose(), "tok en");
        assert_eq!(c.authorization.as_ref().unwrap().expose(), "Basic abc=");
        let d = parse_curl(&[
            "curl".into(),
            "--data".into(),
            "x".into(),
            "--url=https://a.atlassian.net/x".into(),
        ])
        .unwrap();
        assert_eq!(d.method.as_deref(), Some("POST"));
        assert_eq!(d.url.as_deref(), Some("https://a.atlassian.net/x"));
        assert!(parse_curl(&["curl -u x:y".into()]).is_err());
        assert!(parse_curl(&["curl 'unterminated".into()]).is_err());
    }

    #[test]
    fn combined_short_options() {
        let url = "https://acme.atlassian.net/rest/api/3/issue/OPS-1";
        for line in [
            format!("curl -sX DELETE {url}"),
            format!("curl -sXDELETE {url}"),
            format!("curl -sSfX DELETE {url}"),
            format!("curl {url} -X delete"),
        ] {
            let c = p(&line);
            assert_eq!(c.method.as_deref(), Some("DELETE"), "{line}");
            assert_eq!(c.url.as_deref(), Some(url), "{line}");
        }
        let c = p(&format!("curl -su jane@acme.com:tok {url}"));
        assert_eq!(c.user.as_ref().unwrap().0, "jane@acme.com");
        assert_eq!(c.user.as_ref().unwrap().1.expose(), "tok");
        assert_eq!(c.method.as_deref(), Some("GET"));
        let c = p(&format!("curl --user jane@acme.com:tok --url {url}"));
        assert_eq!(c.url.as_deref(), Some(url));
        assert_eq!(c.user.unwrap().0, "jane@acme.com");
    }

    #[test]
    fn methods_from_form_upload_head_and_get() {
        let url = "https://acme.atlassian.net/rest/api/3/issue/OPS-1/attachments";
        assert_eq!(
            p(&format!("curl -F file=@a.txt {url}")).method.as_deref(),
            Some("POST")
        );
        assert_eq!(
            p(&format!("curl -T a.txt {url}")).method.as_deref(),
            Some("PUT")
        );
        assert_eq!(p(&format!("curl -I {url}")).method.as_deref(), Some("HEAD"));
        let c = p(
            "curl -G --data 'jql=project = OPS' --data-urlencode 'fields=a b' https://acme.atlassian.net/rest/api/3/search/jql",
        );
        assert_eq!(c.method.as_deref(), Some("GET"));
        assert_eq!(
            c.url.as_deref(),
            Some("https://acme.atlassian.net/rest/api/3/search/jql?jql=project = OPS&fields=a%20b")
        );
        assert!(c.data.is_none());
        // A value that looks like an option is still the option's value.
        let c = p(&format!("curl -A -weird- -o /dev/null {url}"));
        assert_eq!(c.url.as_deref(), Some(url));
    }

    #[test]
    fn headers_with_odd_spacing() {
        let url = "https://api.atlassian.com/ex/jira/x/rest/api/3/myself";
        for h in [
            "Authorization:Bearer abc",
            "authorization :   Bearer abc",
            "AUTHORIZATION: Bearer abc",
        ] {
            let c = parse_curl(&["curl".into(), "-H".into(), h.into(), url.into()]).unwrap();
            assert_eq!(c.authorization.unwrap().expose(), "Bearer abc", "{h}");
        }
        let c = parse_curl(&[
            "curl".into(),
            "-HAuthorization: Basic eA==".into(),
            url.into(),
        ])
        .unwrap();
        assert_eq!(c.authorization.unwrap().expose(), "Basic eA==");
        let c = p(&format!("curl --oauth2-bearer tok {url}"));
        assert_eq!(c.authorization.unwrap().expose(), "Bearer tok");
    }

    #[test]
    fn the_token_exchange_body() {
        let c = p(
            "curl -d 'grant_type=client_credentials&client_id=abc' --data-urlencode 'client_secret=a&b' -d scope=read:jira-work https://auth.atlassian.com/oauth/token",
        );
        assert_eq!(c.method.as_deref(), Some("POST"));
        let pairs = form_pairs(c.data.unwrap().expose());
        assert_eq!(
            pairs,
            vec![
                ("grant_type".to_string(), "client_credentials".to_string()),
                ("client_id".to_string(), "abc".to_string()),
                ("client_secret".to_string(), "a&b".to_string()),
                ("scope".to_string(), "read:jira-work".to_string()),
            ]
        );
    }
}
