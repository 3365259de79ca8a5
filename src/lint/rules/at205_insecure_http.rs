//! AT205 insecure-http: `http://` to an Atlassian API host.
use crate::lint::{Cx, Hit};

/// Test files feed `http://` URLs to validators on purpose, to see them rejected.
fn is_test_file(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let name = p.rsplit('/').next().unwrap_or(&p);
    p.contains("/test/")
        || p.contains("/tests/")
        || p.starts_with("test/")
        || p.starts_with("tests/")
        || p.contains("__tests__")
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.ends_with("test.java")
        || name.ends_with("tests.cs")
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if is_test_file(cx.path) {
        return;
    }
    for caps in cx.pattern("http").captures_iter(cx.text) {
        let (Some(whole), Some(host)) = (caps.name("whole"), caps.name("host")) else {
            continue;
        };
        let host = host.as_str();
        out.push(
            Hit::new(
                whole.range(),
                format!("plain http:// to {host}: credentials and data would travel unencrypted"),
                format!("http:{}", host.to_ascii_lowercase()),
            )
            .fix(format!("use https://{host}")),
        );
    }
}
