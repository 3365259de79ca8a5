//! TLS-inspecting corporate proxies re-sign traffic with their own CA: the doctor trusts the
//! system store and `SSL_CERT_FILE` as well as the built-in roots (SPEC, environment). A CA
//! and a server certificate for 127.0.0.1 are made here with the openssl command; a python3
//! TLS server (the standard library's ssl module) answers as the gateway would.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl command (Debian package openssl) makes the test CA");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn make_ca(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=atlcheck test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
}

const SERVER: &str = r#"
import http.server, json, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"code": 401, "message": "Unauthorized"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"#;

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> Server {
    let mut child = Command::new("python3")
        .args(["-c", SERVER])
        .arg(dir.join("server.pem"))
        .arg(dir.join("server.key"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the test TLS server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the server prints its port");
    Server(child, port)
}

fn doctor(port: u16, ca: Option<&Path>) -> (i32, serde_json::Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args([
        "doctor",
        "--format",
        "json",
        "--timeout",
        "5",
        "--no-netrc",
        "--isolated",
        "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself",
    ])
    .env(
        "ATLCHECK_CONNECT_TO",
        format!("api.atlassian.com=https://127.0.0.1:{port}"),
    )
    .env(
        "ATLASSIAN_EMAIL",
        "jira-sync-x1axxw94zz@serviceaccount.atlassian.com",
    )
    .env(
        "ATLASSIAN_API_TOKEN",
        atlcheck::token::with_crc_tail(
            "ATATT3xFfGF0VGxzVGVzdFRva2VuTm90QVJlYWxPbmVBdEFsbDEyMzQ1Njc4OTBhYmNkZWZnaA=",
        ),
    );
    for v in [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(v);
    }
    if let Some(ca) = ca {
        cmd.env("SSL_CERT_FILE", ca);
    }
    let o = cmd.output().unwrap();
    let json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code().unwrap_or(-1), json)
}

fn gateway_status(json: &serde_json::Value) -> serde_json::Value {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "identity-gateway")
        .map(|c| c["evidence"][0].clone())
        .unwrap_or_default()
}

#[test]
fn ssl_cert_file_makes_a_corporate_ca_trusted() {
    let dir = tempfile::tempdir().unwrap();
    make_ca(dir.path());
    let server = serve(dir.path());
    // Without the CA, the certificate is refused: no answer, the checks could not run.
    let (code, json) = doctor(server.1, None);
    assert_eq!(code, 2, "{json}");
    let ev = gateway_status(&json);
    assert!(ev["status"].is_null(), "{ev}");
    assert!(
        ev["error"]
            .as_str()
            .unwrap_or("")
            .to_ascii_lowercase()
            .contains("certificate"),
        "{ev}"
    );
    // With SSL_CERT_FILE naming the CA, the TLS handshake succeeds and the gateway answers.
    let (code, json) = doctor(server.1, Some(&dir.path().join("ca.pem")));
    assert_eq!(gateway_status(&json)["status"], 401, "{json}");
    assert_eq!(code, 1, "{json}");
}
