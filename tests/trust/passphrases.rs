//! Red team, session 2 (issue 12, class 2): a quoted secret with spaces in it. The patterns
//! that find a secret in a line stop at the first space, so `curl -u "jane@acme.com:correct
//! horse battery staple"` was shown as `…:**** horse battery staple`, and a pass phrase in a
//! Basic pair (`auth=("jane@acme.com", "…")`) or after a secret's key (`password = "…"`) was
//! shown whole in the code frame under the line's finding. Generated per run: pass phrases of
//! three to five words (some with punctuation) in nine ways code writes a credential, each on
//! a line with a finding (a site URL, AT201), through every lint format, `scopes --from-code`
//! and `inventory`: no 12 characters of a phrase may come out.
use crate::held_forms::{Rng, leaks};

const WORDS: &[&str] = &[
    "correct", "horse", "battery", "staple", "orange", "violin", "granite", "meadow", "copper",
    "lantern", "thistle", "harbor", "quartz", "ember", "willow", "saffron",
];

fn phrase(rng: &mut Rng) -> String {
    let n = 3 + rng.below(3);
    let mut words: Vec<String> = (0..n)
        .map(|_| WORDS[rng.below(WORDS.len())].to_string())
        .collect();
    if rng.coin() {
        words[0] = format!("{}{}", words[0], rng.below(100));
    }
    if rng.coin() {
        let last = words.len() - 1;
        words[last].push(['!', '&', '#', '.'][rng.below(4)]);
    }
    words.join(" ")
}

const URL: &str = "https://acme.atlassian.net/rest/api/3/myself";

fn lines(p: &str) -> Vec<String> {
    vec![
        format!("curl -u \"jane@acme.com:{p}\" {URL}"),
        format!("curl --user 'jane@acme.com:{p}' {URL}"),
        format!("curl --user=\"jane@acme.com:{p}\" {URL}"),
        format!("requests.get(\"{URL}\", auth=(\"jane@acme.com\", \"{p}\"))"),
        format!("r = requests.get('{URL}', auth=HTTPBasicAuth('jane@acme.com', '{p}'))"),
        format!("jira = JIRA(server=\"{URL}\", basic_auth=(\"jane@acme.com\", \"{p}\"))"),
        format!("password = \"{p}\"  # for {URL}"),
        format!("api_token: '{p}' # {URL}"),
        format!("JIRA_API_TOKEN=\"{p}\" curl {URL}"),
    ]
}

#[test]
fn a_quoted_pass_phrase_is_masked_in_every_output() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let phrases: Vec<String> = (0..2).map(|_| phrase(&mut rng)).collect();
    for (k, p) in phrases.iter().enumerate() {
        std::fs::write(d.join(format!("call{k}.py")), lines(p).join("\n") + "\n").unwrap();
    }
    let mut runs: Vec<Vec<&str>> = ["human", "concise", "json", "sarif", "github", "junit"]
        .iter()
        .map(|f| vec!["lint", "--isolated", "--format", f, "."])
        .collect();
    runs.push(vec!["scopes", "--from-code", "."]);
    runs.push(vec!["scopes", "--from-code", ".", "--format", "json"]);
    runs.push(vec!["inventory", "--isolated", "--format", "json", "."]);
    for args in runs {
        let o = crate::common::run(d, &args);
        let out = crate::common::text(&o);
        assert!(
            args[0] != "lint" || o.status.code() == Some(1),
            "{args:?} found nothing:\n{out}"
        );
        for p in &phrases {
            if let Some(how) = leaks(&out, p) {
                panic!("{args:?}: {how} of {p:?}:\n{out}");
            }
        }
    }
}
