//! AT205 insecure-http: `http://` to an Atlassian API host.
use crate::lint::{Cx, Hit};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
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
