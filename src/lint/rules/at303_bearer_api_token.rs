//! AT303 bearer-api-token: an API token sent as `Authorization: Bearer`; API tokens use
//! Basic `email:token`. On the site, Bearer with a non-JWT answers 403 "Failed to parse
//! Connect Session Auth Token".
use crate::lint::{Cx, Hit};
use crate::secret::mask;

const FIX: &str = "send the API token with Basic auth: curl -u \"$EMAIL:$API_TOKEN\", or `Authorization: Basic base64(email:token)`; Bearer is for OAuth 2.0 access tokens";

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for caps in cx.pattern("bearer-literal").captures_iter(cx.text) {
        let (Some(whole), Some(t)) = (caps.name("whole"), caps.name("token")) else {
            continue;
        };
        let m = mask(t.as_str());
        out.push(
            Hit::new(
                whole.start()..t.end(),
                format!("API token {m} sent as a Bearer token"),
                format!("literal:{m}"),
            )
            .fix(FIX),
        );
    }
    // Data Center personal access tokens are sent as Bearer, correctly: a variable only
    // counts in a file that is about Atlassian Cloud (or whose variable says so).
    let cloud = cx.pattern("cloud-context").is_match(cx.text);
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
}
