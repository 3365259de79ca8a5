//! AT203 malformed-cloud-id: the segment after `/ex/{product}/` is not a UUID: empty, a
//! placeholder left in, a typo, a site name. Template variables are not findings.
use crate::lint::{Cx, FileKind, Hit};
use crate::surface;

/// Is the `{name}` inside a string that interpolates it (Python f-string, C# `$"..."`,
/// JS/Kotlin template)?
fn interpolated(cx: &Cx<'_>, at: usize) -> bool {
    let (_, start) = cx.line_at(at);
    let before = &cx.text[start..at];
    let Some(q) = before.rfind(['"', '\'', '`']) else {
        return false;
    };
    let quote = before.as_bytes()[q];
    if quote == b'`' {
        return true;
    }
    let prefix = before[..q]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '$' || *c == '@')
        .collect::<String>();
    prefix.contains(['f', 'F', '$'])
}

/// Is the placeholder `id` (`{cloudId}`, `:cloudId`) at `at` filled in by the code: a file in a
/// programming language that fills URL templates (`.format(cloud_id=...)`, `.replace("{cloudId}",
/// ...)`, `expand(...)`, Retrofit `@Path("cloudId")`, Spring URI variables) and names the
/// placeholder again outside the URL? A shell or configuration file sends it as written.
fn filled_in_code(cx: &Cx<'_>, id: &str, at: usize) -> bool {
    let code = matches!(
        cx.kind,
        FileKind::Python
            | FileKind::JavaScript
            | FileKind::Go
            | FileKind::Java
            | FileKind::Ruby
            | FileKind::Php
            | FileKind::CSharp
            | FileKind::Rust
            | FileKind::PowerShell
    );
    let name = id.trim_matches(['{', '}', ':', '<', '>']);
    if !code || name.is_empty() || !cx.pattern("template-fill").is_match(cx.text) {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    cx.text.match_indices(name).any(|(i, _)| {
        let before = cx.text[..i].chars().next_back();
        let after = cx.text[i + name.len()..].chars().next();
        (i + name.len() < at || i > at + id.len())
            && !before.is_some_and(is_word)
            && !after.is_some_and(is_word)
    })
}

/// Is the offset on a comment line (the one test every face uses)?
fn in_comment(cx: &Cx<'_>, at: usize) -> bool {
    crate::lines::is_comment_line(cx.line_head(at))
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for caps in cx.pattern("gateway").captures_iter(cx.text) {
        let (Some(whole), Some(product), Some(idm)) =
            (caps.name("whole"), caps.name("product"), caps.name("id"))
        else {
            continue;
        };
        let rest = caps.name("rest").map_or("", |m| m.as_str());
        let id = idm.as_str();
        if !matches!(
            product.as_str().to_ascii_lowercase().as_str(),
            "jira" | "confluence"
        ) || surface::is_uuid(id)
        {
            continue;
        }
        let templated = id.contains(['$', '%', '+', '#', '"', '\'', '`', '(', '['])
            || id.contains("{{")
            || id.contains("<%");
        if templated {
            continue;
        }
        // `{cloudId}`, `<cloud-id>`, `:cloudId`, and in documentation a capitalised name
        // (`/ex/jira/CLOUDID/`, `YOUR_CLOUD_ID`) that the reader replaces.
        let capitalised_name = id.len() >= 2
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c == '-');
        let placeholder = id.starts_with('{')
            || id.starts_with('<')
            || id.starts_with(':')
            || capitalised_name && (cx.kind == FileKind::Markdown || in_comment(cx, idm.start()));
        if placeholder
            && (cx.kind == FileKind::Markdown
                || in_comment(cx, idm.start())
                || interpolated(cx, idm.start())
                || filled_in_code(cx, id, idm.start())
                || id
                    .trim_matches(['{', '}'])
                    .chars()
                    .all(|c| c.is_ascii_digit()))
        {
            continue;
        }
        if id.is_empty() && rest.is_empty() {
            // `".../ex/jira/" + cloudId`: the id is appended later.
            continue;
        }
        // The same judgement and wording as the doctor's.
        let Some(p) = surface::cloud_id_problem(product.as_str(), id) else {
            continue;
        };
        out.push(
            Hit::new(
                whole.range(),
                p.message,
                format!("{}:{id}", product.as_str()),
            )
            .fix(p.fix),
        );
    }
    // A cloud-ID setting that is not a UUID: `CLOUD_ID = "abc123def456"`, later joined onto
    // the gateway URL. Quoted literals in code; bare values in configuration files.
    let template = cx.path.contains(".example")
        || cx.path.contains(".sample")
        || cx.path.contains(".template")
        || cx.path.contains(".dist");
    for caps in cx.pattern("cloud-id-setting").captures_iter(cx.text) {
        let Some(m) = caps.name("id") else { continue };
        let quoted = caps.name("q").is_some_and(|q| !q.as_str().is_empty());
        let id = m.as_str();
        if id.is_empty()
            || surface::is_uuid(id)
            || !(quoted || cx.kind.is_config())
            || crate::account::is_variable(id)
        {
            continue;
        }
        let placeholder = id.starts_with(['<', '{', '['])
            || id.to_ascii_lowercase().contains("your")
            || id.chars().all(|c| c == 'x' || c == 'X' || c == '-');
        if placeholder && (template || cx.kind == FileKind::Markdown || in_comment(cx, m.start())) {
            continue;
        }
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_<>{}[]".contains(c))
        {
            continue;
        }
        let why = if placeholder {
            format!("`{id}` is a placeholder left in")
        } else {
            format!("`{id}` is not a UUID")
        };
        out.push(
            Hit::new(m.range(), format!("cloud ID setting {why}"), format!("setting:{id}"))
                .fix("set it to the site's cloud ID (a UUID such as 35273b54-3f06-40d2-880f-dd28cf8daafa) from curl https://SITE.atlassian.net/_edge/tenant_info"),
        );
    }
}
