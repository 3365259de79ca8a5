//! Who a Basic-auth user is: a service account, a person, or a placeholder.
//!
//! Facts sheet §5: service accounts have generated emails ending in
//! `@serviceaccount.atlassian.com`. Any other Atlassian account email belongs to a person
//! (or a shared "bot" user that is still a person-type account), and automations running on
//! it stop the day that person leaves.

/// What a user value in code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum User {
    /// `…@serviceaccount.atlassian.com`, or an email the configuration allows.
    ServiceAccount,
    /// A literal email address of a person-type account.
    Person(String),
    /// A documentation placeholder such as `you@example.com` or `<your-email>`.
    Placeholder,
    /// A variable, template or expression, not a literal.
    Variable,
    /// A literal that is not an email (an account ID, a username).
    NotEmail,
}

pub const SERVICE_ACCOUNT_DOMAIN: &str = "@serviceaccount.atlassian.com";

/// AT101's fix, the same in lint and the doctor (offline and live): run as a service account,
/// or say that this account is one.
pub const PERSON_FIX: &str = "run automations as a service account (admin.atlassian.com > Directory > Service accounts): give it product access and a project role, create a scoped API token for it and call https://api.atlassian.com/ex/{jira|confluence}/{cloudId}; if this address already is a dedicated automation account, add it to `service-accounts` in .atlcheck.toml";

const PLACEHOLDER_DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "example.io",
    "domain.com",
    "company.com",
    "yourcompany.com",
    "your-company.com",
    "yourdomain.com",
    "your-domain.com",
    "mycompany.com",
    "email.com",
    "mail.com",
    "test.com",
    "mycorp.com",
    "corp.com",
    "mydomain.com",
    "myorg.com",
    "yourorg.com",
    "company.org",
    "acme.example",
    "foo.com",
    "bar.com",
    "xyz.com",
    "organization.com",
    "org.com",
    "host.com",
    "somewhere.com",
    "server.com",
];

const PLACEHOLDER_LOCALS: &[&str] = &[
    "you",
    "your",
    "your-email",
    "your_email",
    "youremail",
    "your.email",
    "your.name",
    "user",
    "username",
    "email",
    "name",
    "me",
    "someone",
    "somebody",
    "foo",
    "test",
    "xxx",
    "john.doe",
    "jane.doe",
    "firstname.lastname",
    "first.last",
    "myemail",
    "my-email",
    "my.email",
    "admin",
];

/// Is `s` syntactically an email address?
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b))
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Does the value look like a template, variable or expression rather than a literal?
pub fn is_variable(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || s.contains('$')
        || s.contains("{{")
        || (s.starts_with('{') && s.ends_with('}'))
        || s.starts_with('%')
        || s.contains("os.environ")
        || s.contains("process.env")
        || s.contains("getenv")
        || s.contains("secrets.")
}

/// Words that documentation, in many languages, puts where an address's domain goes:
/// `email@empresa.com`, `nome@exemplo.com`, `name@firma.de`, `you@company.com`.
const PLACEHOLDER_DOMAIN_WORDS: &[&str] = &[
    "my",
    "your",
    "corp",
    "company",
    "domain",
    "org.",
    "example",
    "email",
    "mail.",
    "empresa",
    "exemplo",
    "ejemplo",
    "esempio",
    "exemple",
    "beispiel",
    "voorbeeld",
    "przyklad",
    "firma",
    "entreprise",
    "dominio",
    "domaine",
    "azienda",
    "organisation",
    "organization",
    "societe",
    "unternehmen",
    "site.",
    "host.",
    "tld",
    "provider",
    "seudominio",
    "tudominio",
    "sudominio",
    "address",
];

/// Domains whose first label only ever stands for "an example": `nome@exemplo.com`,
/// `tu@ejemplo.es`, `x@beispiel.de`.
const EXAMPLE_LABELS: &[&str] = &[
    "example",
    "exemplo",
    "ejemplo",
    "esempio",
    "exemple",
    "beispiel",
    "voorbeeld",
    "przyklad",
    "esimerkki",
    "eksempel",
    "exempel",
    "primer",
    "doe",
    "yourcompany",
    "mycompany",
    "yourdomain",
    "mydomain",
    "seudominio",
    "tudominio",
    "sudominio",
    "suaempresa",
    "tuempresa",
    "dominio",
    "empresa",
    "firma",
    "entreprise",
    "azienda",
    "company",
    "domain",
    "domaine",
    // "Company" and "example" in more languages: Indonesian, Turkish, Dutch, Finnish, Swedish,
    // Norwegian, Danish, Croatian, and the German sample name's surname.
    "perusahaan",
    "sirket",
    "bedrijf",
    "yritys",
    "foretag",
    "virksomhet",
    "virksomhed",
    "tvrtka",
    "contoh",
    "ornek",
    "mustermann",
    // Microsoft's fictitious companies, the placeholders of .NET and PowerShell documentation.
    "contoso",
    "fabrikam",
    "northwindtraders",
    "adventure-works",
    "adventureworks",
    "tailspintoys",
    "wingtiptoys",
    "litwareinc",
    "woodgrovebank",
    "proseware",
    "fourthcoffee",
    "wideworldimporters",
    "address",
    "emailaddress",
];

/// Words that stand for "some domain" only as the whole name of one (`demo@demo.com`,
/// `foo@bar.baz`, `anyone@anywhere.com`): a subdomain such as `test.globex.com` is a real
/// company's.
const SHORT_EXAMPLE_LABELS: &[&str] = &[
    "sample",
    "demo",
    "test",
    "testing",
    "dummy",
    "fake",
    "foo",
    "bar",
    "baz",
    "qux",
    "somewhere",
    "anywhere",
    "nowhere",
    "whatever",
    "place",
    "home",
    "world",
];

/// Local parts that stand for "the reader's address", in many languages.
fn placeholder_local(local: &str) -> bool {
    if PLACEHOLDER_LOCALS.contains(&local) {
        return true;
    }
    const WORDS: &[&str] = &[
        "email",
        "e-mail",
        "mail",
        "correo",
        "courriel",
        "nome",
        "nombre",
        "name",
        "nom",
        "usuario",
        "utente",
        "utilisateur",
        "benutzer",
        "user",
        "seu",
        "sua",
        "tu",
        "su",
        "votre",
        "ihre",
        "dein",
        "deine",
        "tuo",
        "vorname",
        "nachname",
        "prenom",
        "cognome",
        "apellido",
        "fulano",
        "someone",
        "somebody",
        "yourname",
        "firstname",
        "lastname",
        "first",
        "last",
        "surname",
        "sobrenome",
        "example",
        "sample",
        "demo",
        "person",
        "anyone",
        "anybody",
        "mein",
        "meine",
        "my",
        "mon",
        "ma",
        "ihr",
        "tua",
        "vostro",
        "nama",
        "isim",
        "naam",
        "navn",
        "nimi",
        "imie",
        "nazwisko",
        "jmeno",
        "prijmeni",
        "ime",
        "prezime",
        "eposta",
        "posta",
        "sahkoposti",
    ];
    local
        .split(['.', '-', '_', '+'])
        .filter(|w| !w.is_empty())
        .all(|w| WORDS.contains(&w) || PLACEHOLDER_LOCALS.contains(&w))
}

/// A local part that spells out an address format (`user.name`, `first.last`,
/// `vorname.nachname`, `nome.sobrenome`): two or more words, each one a word for a name.
fn name_template_local(local: &str) -> bool {
    const NAME_WORDS: &[&str] = &[
        "user",
        "name",
        "username",
        "first",
        "last",
        "firstname",
        "lastname",
        "surname",
        "vorname",
        "nachname",
        "prenom",
        "nom",
        "nome",
        "sobrenome",
        "cognome",
        "nombre",
        "apellido",
    ];
    let words: Vec<&str> = local
        .split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 2 && words.iter().all(|w| NAME_WORDS.contains(w))
}

/// A local part made only of placeholder words that says "your" or "my" in some language
/// (`ihre.email`, `seu_email`, `votre.email`, `mein.name`): a placeholder on any domain,
/// `gmail.com` and `web.de` included.
fn possessive_placeholder_local(local: &str) -> bool {
    const POSSESSIVE: &[&str] = &[
        "your", "my", "ihre", "ihr", "dein", "deine", "mein", "meine", "seu", "sua", "tu", "su",
        "votre", "mon", "ma", "tuo", "tua", "vostro",
    ];
    placeholder_local(local)
        && local
            .split(['.', '-', '_', '+'])
            .any(|w| POSSESSIVE.contains(&w))
}

/// Is the value an obvious placeholder?
pub fn is_placeholder(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    if lower.is_empty()
        || lower.contains('<')
        || lower.contains('>')
        || lower.contains("...")
        || lower.contains('…')
        || (lower.starts_with('{') && lower.ends_with('}'))
        || (lower.starts_with('[') && lower.ends_with(']'))
    {
        return true;
    }
    if lower.contains("xxx")
        || lower.contains("***")
        || lower.contains("your")
        || lower.contains("placeholder")
        || lower.contains("changeme")
        || lower.contains("redacted")
    {
        return true;
    }
    if let Some((local, domain)) = lower.rsplit_once('@') {
        let first_label = domain.split('.').next().unwrap_or("");
        let two_labels = domain.matches('.').count() == 1;
        return PLACEHOLDER_DOMAINS.contains(&domain)
            || domain.starts_with("example.")
            || EXAMPLE_LABELS.contains(&first_label)
            || two_labels && SHORT_EXAMPLE_LABELS.contains(&first_label)
            || domain.ends_with(".example")
            || domain.ends_with(".invalid")
            || domain.ends_with(".test")
            || domain.ends_with(".local")
            || domain.ends_with(".localhost")
            || domain.ends_with(".tld")
            || !domain.contains('.')
            || local.len() == 1 && first_label.len() == 1
            // `demo@demo.com`, `abc@abc.de`: the same made-up word twice.
            || two_labels && local == first_label
            || possessive_placeholder_local(local)
            // `user.name@`, `first.last@`, `vorname.nachname@` on a real company's domain: a
            // template of the company's address format, not an address.
            || name_template_local(local)
            || placeholder_local(local)
                && PLACEHOLDER_DOMAIN_WORDS.iter().any(|w| domain.contains(w));
    }
    false
}

/// Does a person-type account's address look like a shared mailbox or a "dummy user" made
/// for automation (`support@`, `info@`, `jira-bot@`) rather than one person's address?
pub fn is_shared_mailbox(email: &str) -> bool {
    let local = email
        .rsplit_once('@')
        .map_or(email, |(l, _)| l)
        .to_ascii_lowercase();
    // Words that make the whole local part a shared mailbox (`info@`, `team@`), and words
    // that mark one anywhere in it (`jira-bot@`, `ci.automation@`).
    const WHOLE: &[&str] = &[
        "team",
        "ops",
        "it",
        "tech",
        "dev",
        "qa",
        "test",
        "hello",
        "contact",
        "office",
        "sales",
        "reports",
        "reporting",
        "tools",
        "tooling",
        "platform",
        "technical",
        "functional",
        "sysadmin",
        "administrator",
        "auto",
    ];
    const PART: &[&str] = &[
        "support",
        "info",
        "admin",
        "noreply",
        "no-reply",
        "donotreply",
        "bot",
        "bots",
        "robot",
        "automation",
        "automations",
        "ci",
        "cicd",
        "build",
        "builds",
        "builder",
        "deploy",
        "deployer",
        "deployment",
        "release",
        "releases",
        "devops",
        "service",
        "services",
        "svc",
        "integration",
        "integrations",
        "api",
        "system",
        "helpdesk",
        "servicedesk",
        "jira",
        "confluence",
        "atlassian",
        "jenkins",
        "github",
        "gitlab",
        "bamboo",
        "sync",
        "monitoring",
        "alerts",
        "scheduler",
        "cron",
        "pipeline",
        "mailbox",
        "shared",
        "dummy",
        "notify",
        "notifier",
        "notifications",
        "reports",
        "reporting",
        "reporter",
        "technical",
        "functional",
        "generic",
        "team",
        "tickets",
        "ticketing",
        "tracker",
        "webhook",
        "workflow",
        "wiki",
    ];
    WHOLE.contains(&local.as_str())
        || PART.contains(&local.as_str())
        || local.split(['.', '-', '_', '+']).any(|w| PART.contains(&w))
}

/// Glob match for configured allow-lists: `*` matches any run of characters.
pub fn glob_match(pattern: &str, value: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let v = value.to_ascii_lowercase();
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == v;
    }
    let mut rest = v.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

/// Classify a Basic-auth user value. `allowed` holds extra service-account emails or globs
/// from the configuration.
pub fn classify_user(raw: &str, allowed: &[String]) -> User {
    let value = raw
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`');
    if is_variable(value) {
        return User::Variable;
    }
    if is_placeholder(value) {
        return User::Placeholder;
    }
    // `git@github.com:org/repo`: the SSH user of a Git host, not an address.
    if !is_email(value) || value.to_ascii_lowercase().starts_with("git@") {
        return User::NotEmail;
    }
    if value.to_ascii_lowercase().ends_with(SERVICE_ACCOUNT_DOMAIN)
        || allowed.iter().any(|p| glob_match(p, value))
    {
        return User::ServiceAccount;
    }
    User::Person(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users() {
        let none: Vec<String> = vec![];
        assert_eq!(
            classify_user("jane.smith@acme.com", &none),
            User::Person("jane.smith@acme.com".into())
        );
        assert_eq!(
            classify_user("sync-bot-x1axxw94zz@serviceaccount.atlassian.com", &none),
            User::ServiceAccount
        );
        assert_eq!(classify_user("you@example.com", &none), User::Placeholder);
        assert_eq!(classify_user("<your-email>", &none), User::Placeholder);
        assert_eq!(classify_user("${JIRA_USER}", &none), User::Variable);
        assert_eq!(classify_user("$EMAIL", &none), User::Variable);
        assert_eq!(classify_user("jsmith", &none), User::NotEmail);
        assert_eq!(classify_user("git@github.com", &none), User::NotEmail);
        for p in [
            "email@empresa.com",
            "nome@exemplo.com",
            "name@firma.de",
            "you@company.com",
            "{EMAIL}",
            "xxx@xxx",
            "bot@acme.example",
            "a@b.invalid",
            "jira@corp.test",
            "usuario@dominio.com",
            "seu-email@empresa.com.br",
            "ihre.email@firma.de",
            "votre.email@entreprise.fr",
            "tu_correo@ejemplo.com",
            "john@doe.com",
            "utente@esempio.it",
            "demo@demo.com",
            "sample@sample.org",
            "max.mustermann@beispiel.de",
            "ihre.email@web.de",
            "seu_email@gmail.com",
            "example@gmail.com",
            "someone@contoso.com",
            "admin@contoso.onmicrosoft.com",
            "jdoe@fabrikam.com",
            "foo@bar.baz",
            "anyone@anywhere.com",
            "hello@world.com",
            "user.name@autostoresystem.com",
            "vorname.nachname@globex-corp.de",
            "email@address.com",
            "nama@perusahaan.co.id",
            "isim@sirket.com",
            "naam@bedrijf.nl",
            "nimi@yritys.fi",
            "imie.nazwisko@firma.pl",
            "ime.prezime@tvrtka.hr",
            "max@mustermann.de",
        ] {
            assert!(!matches!(classify_user(p, &none), User::Person(_)), "{p}");
        }
        for p in [
            "jane.smith@acme.com",
            "support@acme.com",
            "m.rossi@azienda-vera.it",
            "tu.nguyen@acme.com",
            "ma.li@acme.com",
            "helpdesk@contoso-it.com",
            "test.user@nordlys.no",
            "qa@test.globex-corp.de",
            "jane.doe@acme.com",
            "lena.vogt@nordwerk-gmbh.de",
            "navn.hansen@fjordline.no",
        ] {
            assert!(matches!(classify_user(p, &none), User::Person(_)), "{p}");
        }
        let allowed = vec!["*@bots.acme.com".to_string()];
        assert_eq!(
            classify_user("ci@bots.acme.com", &allowed),
            User::ServiceAccount
        );
    }

    #[test]
    fn shared_mailboxes() {
        for m in [
            "support@acme.com",
            "info@acme.com",
            "jira-bot@acme.com",
            "release-bot@acme.com",
            "ci.automation@acme.com",
            "jira-reports@acme.com",
            "build-notify@acme.com",
            "infra.team@acme.com",
        ] {
            assert!(is_shared_mailbox(m), "{m}");
        }
        for m in [
            "jane.doe@acme.com",
            "mark@acme.com",
            "dev.patel@acme.com",
            "ops.lead@acme.com",
        ] {
            assert!(!is_shared_mailbox(m), "{m}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match("*@bots.acme.com", "x@bots.acme.com"));
        assert!(glob_match("ci-*@acme.com", "ci-jira@acme.com"));
        assert!(!glob_match("ci-*@acme.com", "jane@acme.com"));
        assert!(glob_match("jane@acme.com", "JANE@acme.com"));
    }
}
