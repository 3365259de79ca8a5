"""Scenarios for the independent Atlassian simulation (tests/sim/atlassian_sim.py).

Each scenario: a world (state of Atlassian Cloud), the failing request as the user would hand it to
`atlcheck doctor` (URL + env credential, --auth-header-env, or a pasted curl), extra flags, and the
expected root cause per shared/SPEC.md (None = the request works). `also_ok` lists other answers a
fair reader of SPEC could accept (reported separately as "lenient"). `rests_on` cites the sheet.
"""
import base64
import copy
import random
import string
import zlib

ALPH = string.ascii_letters + string.digits + "_-"

CLOUD = "35273b54-3f06-40d2-880f-dd28cf8daafa"
ORG = "9a1c7d3e-52b4-4f0e-8c6a-1d2e3f4a5b6c"
GLOBEX_CLOUD = "c4e1a2b3-7d6f-4e5a-9b8c-0f1e2d3c4b5a"
SITE = "acme.atlassian.net"


def api_token(rng, head="ATATT3xFfGF0", n=171):
    body = head + "".join(rng.choice(ALPH) for _ in range(n)) + "="
    return body + "%08X" % zlib.crc32(body.encode())


def oauth_secret(rng):
    body = "ATOA" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(64))
    return body + "%08X" % zlib.crc32(body.encode())


def legacy_token(rng):
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(20)) + \
        "".join(rng.choice("0123456789abcdef") for _ in range(4))


def b64(s):
    return base64.b64encode(s.encode()).decode()


def base_world(rng):
    """acme: Jira (OPS, FIN, HR projects) + Confluence (ENG, HR spaces); globex: another site."""
    return {
        "sites": {SITE: {"cloud_id": CLOUD}, "globex.atlassian.net": {"cloud_id": GLOBEX_CLOUD}},
        "org_id": ORG,
        "accounts": [],
        "tokens": [],
        "passwords": {},
        "admin_keys": [],
        "projects": {"OPS": {"id": "10000", "name": "Operations", "issues": [1, 2, 3, 7]},
                     "FIN": {"id": "10001", "name": "Finance", "issues": [1, 2]},
                     "HR": {"id": "10002", "name": "People", "issues": [4]}},
        "spaces": {"ENG": {"id": 98304, "name": "Engineering", "pages": {"123456": "Runbook", "123457": "On-call"}},
                   "HR": {"id": 98305, "name": "People", "pages": {"777001": "Salaries"}}},
        "rate_limit": None,
        "variants": {},
    }


FULL_JIRA = ["BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ADD_COMMENTS", "TRANSITION_ISSUES",
             "ASSIGN_ISSUES", "WORK_ON_ISSUES", "CREATE_ATTACHMENTS", "LINK_ISSUES", "RESOLVE_ISSUES"]
BROWSE_ONLY = ["BROWSE_PROJECTS", "ADD_COMMENTS"]


def account(world, email, kind="service", products=("jira", "confluence"), projects=None, spaces=None,
            active=True, groups=None, captcha=False, acc_id=None, site=SITE):
    sa = kind == "service"
    aid = acc_id or ("712020:" + "%08x-aaaa-4bbb-8ccc-%012x" % (len(world["accounts"]) + 1, zlib.crc32(email.encode()) * 4099 % (16 ** 12)))
    if groups is None:
        groups = []
        if "jira" in products:
            groups.append("jira-software-users-acme")
        if "confluence" in products:
            groups.append("confluence-users-acme")
        if sa:
            groups.append("automation")
    a = {"id": aid, "email": email, "type": kind, "active": active, "name": email.split("@")[0],
         "captcha": captcha,
         "access": {site: {"products": list(products), "groups": groups,
                           "project_perms": projects if projects is not None else {"OPS": FULL_JIRA},
                           "space_perms": spaces if spaces is not None else {"ENG": ["read", "create", "update"]}}}}
    world["accounts"].append(a)
    return a


def token(world, rng, owner, scoped, scopes=(), state="active", kind="api", value=None):
    v = value or api_token(rng)
    world["tokens"].append({"value": v, "owner": owner["id"], "scoped": scoped, "scopes": list(scopes),
                            "state": state, "kind": kind})
    return v


SA_EMAIL = "jira-sync-x1axxw94zz@serviceaccount.atlassian.com"
SA2_EMAIL = "wiki-bot-q7rtm2k9pp@serviceaccount.atlassian.com"
JANE = "jane.doe@acme.com"
BOB = "bob.smith@acme.com"
JIRA_CLASSIC = ["read:jira-work", "read:jira-user", "write:jira-work"]
CONF_CLASSIC = ["read:confluence-user", "read:confluence-content.all", "read:confluence-content.summary",
                "read:confluence-space.summary", "read:confluence-content.permission", "search:confluence"]
CONF_V2 = ["read:page:confluence", "read:space:confluence", "read:content-details:confluence"]
GW_J = f"https://api.atlassian.com/ex/jira/{CLOUD}"
GW_C = f"https://api.atlassian.com/ex/confluence/{CLOUD}"
S = f"https://{SITE}"


def build():
    out = []

    def sc(name, expect, world, url=None, email=None, tok=None, header=None, curl=None, flags=(), method=None,
           also_ok=(), rests_on="", secrets=(), client=None):
        req = {"url": url, "method": method, "flags": list(flags)}
        if client is not None:
            req["client_id"], req["client_secret"] = client
            secrets = list(secrets) + [client[1]]
        if header is not None:
            req["auth_header"] = header
        if curl is not None:
            req["curl"] = curl
        if email is not None:
            req["email"] = email
        if tok is not None:
            req["token"] = tok
        sec = [s for s in list(secrets) + [tok, header] if s]
        out.append({"name": name, "expect": expect, "also_ok": list(also_ok), "world": world, "request": req,
                    "rests_on": rests_on, "secrets": sec})

    def fresh(seed):
        rng = random.Random(seed)
        return rng, base_world(rng)

    # ------------------------------------------------------------------ works (null)
    rng, w = fresh("w1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"sa_account_type": "app"}
    sc("works-sa-gateway-issue", None, w, url=f"{GW_J}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t,
       rests_on="§1.1/§1.2 scoped token through the gateway works")

    rng, w = fresh("w2")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_V2 + ["read:confluence-user"])
    w["variants"] = {"sa_account_type": "atlassian", "sa_email_visible": False}
    sc("works-sa-gateway-v2-page", None, w, url=f"{GW_C}/wiki/api/v2/pages/123456", email=SA2_EMAIL, tok=t,
       flags=["--space", "ENG"], rests_on="§1.1 /wiki kept after /ex/confluence/{cloudId}")

    rng, w = fresh("w3")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, ["read:board-scope:jira-software", "read:project:jira", "read:jira-user", "read:jira-work"])
    sc("works-sa-curl-agile-board", None, w,
       curl=["curl", "-s", "-u", f"{SA_EMAIL}:{t}", f"{GW_J}/rest/agile/1.0/board"],
       rests_on="§1.1 agile via gateway routed; granular board scopes present", secrets=[t])

    rng, w = fresh("w4")
    sa = account(w, SA_EMAIL, products=("jira", "confluence"))
    t = token(w, rng, sa, True, CONF_CLASSIC + JIRA_CLASSIC)
    sc("works-sa-header-env-v1-current", None, w, url=f"{GW_C}/wiki/rest/api/user/current",
       header="Basic " + b64(f"{SA_EMAIL}:{t}"), flags=["--site", "acme"], secrets=[t],
       rests_on="§3.4 classic read:confluence-user gives 200 on v1 user/current")

    # ------------------------------------------------------------------ AT101
    rng, w = fresh("p1")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT101-person-unscoped-site-works", "AT101", w, url=f"{S}/rest/api/3/issue/OPS-1", email=JANE, tok=t,
       also_ok=[None], rests_on="SPEC AT101: Basic user is not a service account; request works (warning)")

    rng, w = fresh("p2")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, True, ["read:jira-work", "read:jira-user"])
    sc("AT101-person-scoped-gateway-works", "AT101", w, url=f"{GW_J}/rest/api/3/search/jql?jql=project%3DOPS",
       email=JANE, tok=t, also_ok=[None], rests_on="SPEC AT101; §1.2 scoped token at gateway works")

    # ------------------------------------------------------------------ AT103 malformed token
    rng, w = fresh("t1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT103-truncated-token", "AT103", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t[:-3],
       secrets=[t], rests_on="§4 CRC32 tail: a truncated token fails the check; gateway refuses (401 plain)")

    rng, w = fresh("t2")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT103-token-with-CR", "AT103", w, url=f"{S}/rest/api/3/myself", email=JANE, tok=t + "\r",
       secrets=[t], rests_on="§8 stray \\r\\n in the token file; §4 stray chars after the tail")

    rng, w = fresh("t3")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    i = 60
    bad = t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1:]
    w["variants"] = {"gateway_bad_cred": "403"}
    sc("AT103-mistyped-char-curl", "AT103", w,
       curl=["curl", "-u", f"{SA_EMAIL}:{bad}", "-H", "Accept: application/json", f"{GW_J}/rest/api/3/project/OPS"],
       secrets=[t, bad], rests_on="§4 CRC mismatch = mistyped; gateway bad-cred answer OPEN (403 picked)")

    rng, w = fresh("t4")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_V2)
    sc("AT103-quoted-token", "AT103", w, url=f"{GW_C}/wiki/api/v2/pages/123456", email=SA2_EMAIL, tok='"' + t + '"',
       secrets=[t], rests_on="SPEC AT103 quotes; §3.4 Confluence gateway bad credential -> v2 bare 404")

    # ------------------------------------------------------------------ AT104 wrong credential kind
    rng, w = fresh("k1")
    sa = account(w, SA_EMAIL)
    token(w, rng, sa, True, JIRA_CLASSIC)
    sec = oauth_secret(rng)
    sc("AT104-oauth-client-secret", "AT104", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=sec,
       rests_on="§4 ATOA = OAuth client secret, not usable as token; gateway 401")

    rng, w = fresh("k2")
    sa = account(w, SA_EMAIL)
    key = api_token(rng, head="ATCTT3xFfGN0")
    w["admin_keys"] = [key]
    w["variants"] = {"gateway_bearer_api": "401"}
    sc("AT104-admin-key-bearer", "AT104", w, url=f"{GW_J}/rest/api/3/myself", header="Bearer " + key,
       secrets=[key], rests_on="§1.3/§4 ATCTT3 = org admin API key (admin APIs only)")

    rng, w = fresh("k3")
    bob = account(w, BOB, kind="person")
    lt = legacy_token(rng)
    token(w, rng, bob, False, kind="legacy", value=lt)
    sc("AT104-legacy-24char", "AT104", w, url=f"{S}/rest/api/3/issue/OPS-2", email=BOB, tok=lt,
       rests_on="§4 legacy 24-char tokens all expired by 2026-05-12; Jira anonymous fall-through 404 on issue")

    rng, w = fresh("k4")
    bob = account(w, BOB, kind="person")
    token(w, rng, bob, False)
    w["passwords"] = {BOB: "Winter2026!acme"}
    w["variants"] = {"password_body": "deprecated"}
    sc("AT104-password", "AT104", w, url=f"{S}/rest/api/3/myself", email=BOB, tok="Winter2026!acme",
       rests_on="§3.1 passwords -> 401 'Basic authentication with passwords is deprecated'")

    # ------------------------------------------------------------------ AT105 credential rejected
    rng, w = fresh("r1")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False, state="revoked")
    sc("AT105-revoked-person-site-issue", "AT105", w, url=f"{S}/rest/api/3/issue/OPS-1", email=JANE, tok=t,
       rests_on="§3.1 anonymous fall-through (404 + AUTHENTICATED_FAILED), myself 401; gateway refuses too")

    rng, w = fresh("r2")
    sa = account(w, SA_EMAIL)
    other = account(w, "ci-deploy-a8b7c6d5e4@serviceaccount.atlassian.com")
    token(w, rng, sa, True, JIRA_CLASSIC)
    t_other = token(w, rng, other, True, JIRA_CLASSIC)
    w["variants"] = {"gateway_bad_cred": "401_mismatch"}
    sc("AT105-email-token-mismatch", "AT105", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t_other,
       rests_on="§8 email of a different account -> 401; §3.4 FAILURE_CLIENT_AUTH_MISMATCH (OPEN, picked)")

    rng, w = fresh("r3")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={}, active=False)
    t = token(w, rng, sa, True, CONF_V2 + ["read:confluence-user"])
    sc("AT105-deactivated-sa-v2", "AT105", w, url=f"{GW_C}/wiki/api/v2/pages/123456", email=SA2_EMAIL, tok=t,
       rests_on="§3.1 AX-684 deactivated -> 401; §3.4 Confluence gateway v2 bare 404 / v1 403")

    rng, w = fresh("r4")
    bob = account(w, BOB, kind="person")
    t = token(w, rng, bob, False, state="expired")
    w["variants"] = {"gateway_bad_cred": "403"}
    sc("AT105-expired-person-confluence-site", "AT105", w, url=f"{S}/wiki/rest/api/user/current", email=BOB, tok=t,
       rests_on="§3.3 v1 403 'caller cannot access Confluence' + Jira myself 401 -> dead credential")

    # ------------------------------------------------------------------ AT201 direct site URL
    rng, w = fresh("s1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT201-sa-site-issue", "AT201", w, url=f"{S}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t,
       rests_on="§1.2 scoped token: site 401, gateway 200 (§3.8 row 2)")

    rng, w = fresh("s2")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_V2 + ["read:confluence-user"])
    w["variants"] = {"site_scoped_confluence": "tomcat401"}
    sc("AT201-sa-site-confluence-v2", "AT201", w, url=f"{S}/wiki/api/v2/pages/123456", email=SA2_EMAIL, tok=t,
       rests_on="§3.3 scoped token at site domain -> 401 Tomcat HTML; gateway 200")

    rng, w = fresh("s3")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, True, ["read:jira-work", "read:jira-user"])
    sc("AT201-person-scoped-site-search-anon200", "AT201", w, url=f"{S}/rest/api/3/search/jql?jql=project%3DOPS",
       email=JANE, tok=t, rests_on="§3.1 anonymous fall-through: 200 empty list + AUTHENTICATED_FAILED; §1.2")

    # ------------------------------------------------------------------ AT202 product mismatch
    rng, w = fresh("g1")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_CLASSIC + CONF_V2)
    sc("AT202-confluence-path-under-jira", "AT202", w,
       url=f"https://api.atlassian.com/ex/jira/{CLOUD}/wiki/api/v2/pages/123456", email=SA2_EMAIL, tok=t,
       rests_on="SPEC AT202; unknown route at gateway (404 picked)")

    rng, w = fresh("g2")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_CLASSIC)
    sc("AT202-confluence-without-wiki", "AT202", w, url=f"{GW_C}/rest/api/content/search?cql=space%3DENG",
       email=SA2_EMAIL, tok=t,
       rests_on="§1.1 kovetskiy/mark#917: no /wiki -> 401 'scope does not match' (not a real scope problem)")

    rng, w = fresh("g3")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"gateway_unknown_route": "scope401"}
    sc("AT202-jira-path-under-confluence", "AT202", w, url=f"{GW_C}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t,
       rests_on="SPEC AT202; unknown route at gateway answered as scope mismatch (variant)")

    # ------------------------------------------------------------------ AT203 malformed cloud id
    rng, w = fresh("c1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"unknown_cloud": "404"}
    sc("AT203-placeholder", "AT203", w, url="https://api.atlassian.com/ex/jira/YOUR_CLOUD_ID/rest/api/3/issue/OPS-1",
       email=SA_EMAIL, tok=t, rests_on="§2 cloud id is a UUID; unknown id OPEN (404 picked)")

    rng, w = fresh("c2")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"unknown_cloud": "401"}
    sc("AT203-empty", "AT203", w, url="https://api.atlassian.com/ex/jira//rest/api/3/myself", email=SA_EMAIL, tok=t,
       flags=["--site", "acme"], rests_on="§2 `/ex/jira//rest/...` documented mistake; unknown id OPEN (401 picked)")

    rng, w = fresh("c3")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_V2)
    typo = CLOUD[:9] + "3k06" + CLOUD[13:]
    w["variants"] = {"unknown_cloud": "404"}
    sc("AT203-typo-k", "AT203", w, url=f"https://api.atlassian.com/ex/confluence/{typo}/wiki/api/v2/pages/123456",
       email=SA2_EMAIL, tok=t, rests_on="§2 'an id with j/k is mistyped'")

    # ------------------------------------------------------------------ AT204 org id / other site's id
    rng, w = fresh("o1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"unknown_cloud": "404"}
    sc("AT204-org-id-with-site", "AT204", w, url=f"https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/issue/OPS-1",
       email=SA_EMAIL, tok=t, flags=["--site", "acme"], rests_on="§2 cloud ID != org ID; tenant_info gives the real one")

    rng, w = fresh("o2")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"unknown_cloud": "401"}
    sc("AT204-org-id-no-site", "AT204", w, url=f"https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/project/OPS",
       email=SA_EMAIL, tok=t, rests_on="§2; no --site, a valid UUID the gateway does not know (401 picked)")

    rng, w = fresh("o3")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"jira_no_access": "403"}
    sc("AT204-other-sites-cloud-id", "AT204", w,
       url=f"https://api.atlassian.com/ex/jira/{GLOBEX_CLOUD}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t,
       flags=["--site", "acme.atlassian.net"], rests_on="SPEC AT204 'or is not the site's cloud ID'; tenant_info")

    # ------------------------------------------------------------------ AT205 http
    rng, w = fresh("h1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT205-http-gateway", "AT205", w, url=f"http://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1",
       email=SA_EMAIL, tok=t, rests_on="SPEC AT205")

    rng, w = fresh("h2")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT205-http-site-curl", "AT205", w, curl=["curl", "-u", f"{JANE}:{t}", f"http://{SITE}/wiki/rest/api/user/current"],
       secrets=[t], rests_on="SPEC AT205")

    # ------------------------------------------------------------------ AT206 malformed URL
    rng, w = fresh("u1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT206-mistyped-host", "AT206", w, url="https://api.atlasian.com/ex/jira/" + CLOUD + "/rest/api/3/issue/OPS-1",
       email=SA_EMAIL, tok=t, rests_on="SPEC AT206 mistyped Atlassian host")

    rng, w = fresh("u2")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT206-jira-prefix-path", "AT206", w, url=f"{S}/jira/rest/api/3/issue/OPS-1", email=JANE, tok=t,
       rests_on="§8 adding /jira to the site base URL (bolddesk KB)")

    rng, w = fresh("u3")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT206-whitespace-in-url", "AT206", w, url=f"{GW_J}/rest/api/3/issue/ OPS-1", email=SA_EMAIL, tok=t,
       rests_on="SPEC AT206 whitespace")

    # ------------------------------------------------------------------ AT301 base64 newline
    rng, w = fresh("n1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT301-echo-newline-header-env", "AT301", w, url=f"{GW_J}/rest/api/3/issue/OPS-1",
       header="Basic " + b64(f"{SA_EMAIL}:{t}\n"), secrets=[t], rests_on="§8 JRACLOUD-72920 echo without -n")

    rng, w = fresh("n2")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT301-echo-newline-curl-H", "AT301", w,
       curl=["curl", "-H", "Authorization: Basic " + b64(f"{JANE}:{t}\n"), f"{S}/rest/api/3/project/OPS"],
       secrets=[t, b64(f"{JANE}:{t}\n")], rests_on="§8 echo without -n; project 404 via anonymous fall-through")

    # ------------------------------------------------------------------ AT303 Bearer API token
    rng, w = fresh("b1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"gateway_bearer_api": "404"}
    sc("AT303-bearer-gateway-404", "AT303", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", header="Bearer " + t,
       secrets=[t], rests_on="§1.2 'Bearer to api.atlassian.com returned 404' (OPEN, 404 picked)")

    rng, w = fresh("b2")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT303-bearer-site-curl", "AT303", w,
       curl=["curl", "-H", f"Authorization: Bearer {t}", f"{S}/rest/api/3/issue/OPS-1"], secrets=[t],
       rests_on="§1.2 Bearer non-JWT on site -> 403 'Failed to parse Connect Session Auth Token'")

    rng, w = fresh("b3")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_V2)
    w["variants"] = {"gateway_bearer_api": "401"}
    sc("AT303-bearer-gateway-401", "AT303", w, url=f"{GW_C}/wiki/api/v2/pages/123456", header="Bearer " + t,
       secrets=[t], rests_on="§1.2 Bearer API token at gateway (OPEN, 401 picked)")

    # ------------------------------------------------------------------ AT304 malformed Basic
    rng, w = fresh("m1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT304-double-encoded", "AT304", w, url=f"{GW_J}/rest/api/3/issue/OPS-1",
       header="Basic " + b64(b64(f"{SA_EMAIL}:{t}")), secrets=[t, b64(f"{SA_EMAIL}:{t}")],
       rests_on="SPEC AT304 encoded twice; gateway 401")

    rng, w = fresh("m2")
    jane = account(w, JANE, kind="person", acc_id="5b10ac8d82e05b22cc7d4ef5")
    t = token(w, rng, jane, False)
    sc("AT304-account-id-as-user", "AT304", w, url=f"{S}/rest/api/3/myself",
       header="Basic " + b64(f"5b10ac8d82e05b22cc7d4ef5:{t}"), secrets=[t],
       rests_on="§8 accountId as Basic user fails like a wrong email [INF]")

    rng, w = fresh("m3")
    sa = account(w, SA_EMAIL, acc_id="712020:2b2f7e2c-1a3b-4c5d-9e8f-0a1b2c3d4e5f")
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT304-no-colon", "AT304", w, url=f"{S}/rest/api/3/issue/OPS-1", header="Basic " + b64(t), secrets=[t],
       rests_on="§3.3 no colon -> 401 Tomcat HTML")

    rng, w = fresh("m4")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    sc("AT304-not-base64", "AT304", w, url=f"{S}/rest/api/3/issue/OPS-1", header=f"Basic {JANE}:{t}", secrets=[t],
       rests_on="§3.3 not base64 -> 401 Tomcat HTML")

    # ------------------------------------------------------------------ AT401 missing scope
    rng, w = fresh("sc1")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, ["read:jira-work", "read:jira-user"])
    sc("AT401-agile-classic-only", "AT401", w, url=f"{GW_J}/rest/agile/1.0/board", email=SA_EMAIL, tok=t,
       rests_on="§3.4 agile needs granular read:board-scope:jira-software; classic alone -> 401 scope")

    rng, w = fresh("sc2")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_CLASSIC)
    sc("AT401-v2-with-classic", "AT401", w, url=f"{GW_C}/wiki/api/v2/pages/123456", email=SA2_EMAIL, tok=t,
       rests_on="§3.4/§7 v1 classic grants do not cover v2 routes")

    rng, w = fresh("sc3")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, ["read:jira-user"])
    sc("AT401-issue-without-read-jira-work", "AT401", w,
       curl=["curl", "--user", f"{SA_EMAIL}:{t}", f"{GW_J}/rest/api/3/issue/OPS-2"], secrets=[t],
       rests_on="§3.4 scope gate; myself works (read:jira-user), issue 401 scope")

    # ------------------------------------------------------------------ AT402 no product access
    rng, w = fresh("a1")
    jane = account(w, JANE, kind="person", products=("jira",), spaces={})
    t = token(w, rng, jane, False)
    sc("AT402-person-no-confluence-v2", "AT402", w, url=f"{S}/wiki/api/v2/pages/123456", email=JANE, tok=t,
       rests_on="§3.3 v1 403 + Jira myself 200 => no Confluence access")

    rng, w = fresh("a2")
    sa = account(w, SA_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, JIRA_CLASSIC + CONF_CLASSIC)
    w["variants"] = {"jira_no_access": "200_noroles"}
    sc("AT402-sa-no-jira-noroles", "AT402", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t,
       rests_on="§6/§9.9 OPEN Jira no-access answer: myself 200 with empty applicationRoles (picked)")

    rng, w = fresh("a3")
    sa = account(w, SA_EMAIL, products=(), projects={}, spaces={})
    t = token(w, rng, sa, True, JIRA_CLASSIC + CONF_CLASSIC)
    w["variants"] = {"jira_no_access": "403"}
    sc("AT402-sa-no-products-403", "AT402", w, url=f"{GW_J}/rest/api/3/project/OPS", email=SA_EMAIL, tok=t,
       flags=["--site", "acme"], rests_on="§9.9 OPEN (403 picked); §5 SA needs product access")

    # ------------------------------------------------------------------ AT403 project permission
    rng, w = fresh("j1")
    sa = account(w, SA_EMAIL, projects={"FIN": FULL_JIRA})
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT403-sa-no-role-in-OPS", "AT403", w, url=f"{GW_J}/rest/api/3/issue/OPS-7", email=SA_EMAIL, tok=t,
       rests_on="§3.1/§8 issues you can't see -> 404; §5 SA needs project roles")

    rng, w = fresh("j2")
    jane = account(w, JANE, kind="person", projects={"OPS": BROWSE_ONLY})
    t = token(w, rng, jane, False)
    sc("AT403-person-cannot-create", "AT403", w, url=f"{S}/rest/api/3/issue", method="POST", email=JANE, tok=t,
       flags=["--project", "OPS"], rests_on="§6 mypermissions CREATE_ISSUES false")

    rng, w = fresh("j3")
    sa = account(w, SA_EMAIL, projects={"OPS": FULL_JIRA})
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT403-sa-project-FIN-404", "AT403", w, url=f"{GW_J}/rest/api/3/project/FIN", email=SA_EMAIL, tok=t,
       rests_on="§3.1 project 404 'not found or no permission'")

    # ------------------------------------------------------------------ AT404 space permission
    rng, w = fresh("sp1")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={}, spaces={"ENG": ["read"]})
    t = token(w, rng, sa, True, CONF_V2 + CONF_CLASSIC)
    sc("AT404-sa-page-in-HR", "AT404", w, url=f"{GW_C}/wiki/api/v2/pages/777001", email=SA2_EMAIL, tok=t,
       rests_on="§3.3 genuine v2 404 names the object; v2 404 = no permission or not found")

    rng, w = fresh("sp2")
    jane = account(w, JANE, kind="person", spaces={"ENG": ["read"]})
    t = token(w, rng, jane, False)
    sc("AT404-person-space-HR", "AT404", w, url=f"{S}/wiki/api/v2/spaces?keys=HR", email=JANE, tok=t,
       flags=["--space", "HR"], rests_on="§6 v2 spaces: 404/empty when no view permission")

    # ------------------------------------------------------------------ AT501 rate limited
    rng, w = fresh("l1")
    jane = account(w, JANE, kind="person")
    t = token(w, rng, jane, False)
    w["rate_limit"] = {"surface": "site", "retry_after": 42, "reason": "jira-burst-based"}
    sc("AT501-site-burst", "AT501", w, url=f"{S}/rest/api/3/issue/OPS-1", email=JANE, tok=t,
       rests_on="§3.6 429 + Retry-After + RateLimit-Reason")

    rng, w = fresh("l2")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["rate_limit"] = {"surface": "gateway", "gateway_style": True}
    sc("AT501-gateway-no-retry-after", "AT501", w, url=f"{GW_J}/rest/api/3/search/jql?jql=project%3DOPS",
       email=SA_EMAIL, tok=t, rests_on="§3.4 gateway 429 with X-RateLimit-*, no Retry-After")

    # ------------------------------------------------------------------ AT502 captcha
    rng, w = fresh("cap1")
    bob = account(w, BOB, kind="person", captcha=True)
    t = token(w, rng, bob, False)
    w["variants"] = {"captcha_gateway": "ok"}
    sc("AT502-captcha-site", "AT502", w, url=f"{S}/rest/api/3/issue/OPS-1", email=BOB, tok=t,
       rests_on="§3.2 403 AUTHENTICATION_DENIED + CAPTCHA_CHALLENGE")

    rng, w = fresh("cap2")
    bob = account(w, BOB, kind="person", captcha=True)
    t = token(w, rng, bob, False)
    w["variants"] = {"captcha_gateway": "reject"}
    sc("AT502-captcha-curl-gateway-rejects", "AT502", w,
       curl=["curl", "-s", "-u", f"{BOB}:{t}", f"{S}/rest/api/3/myself"], secrets=[t],
       rests_on="§3.2 CAPTCHA headers; gateway also refuses (picked)")

    # ------------------------------------------------------------------ follow-ups (added after run 1)
    rng, w = fresh("sp3")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={}, spaces={"ENG": ["read"]})
    t = token(w, rng, sa, True, CONF_V2 + CONF_CLASSIC)
    sc("AT404-sa-space-by-id-404", "AT404", w, url=f"{GW_C}/wiki/api/v2/spaces/98305", email=SA2_EMAIL, tok=t,
       flags=["--space", "HR"], rests_on="§6 v2 spaces/{id}: 404 no permission or not found (named detail)")

    rng, w = fresh("o4")
    sa = account(w, SA_EMAIL)
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    w["variants"] = {"unknown_cloud": "404"}
    sc("AT204-org-id-no-site-404", "AT204", w, url=f"https://api.atlassian.com/ex/jira/{ORG}/rest/api/3/issue/OPS-1",
       email=SA_EMAIL, tok=t, rests_on="§2 unknown id at gateway OPEN (404 picked); no --site")

    rng, w = fresh("a4")
    sa = account(w, SA_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, JIRA_CLASSIC + CONF_CLASSIC)
    w["variants"] = {"jira_no_access": "401"}
    sc("AT402-sa-no-jira-myself-401", "AT402", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", email=SA_EMAIL, tok=t,
       flags=["--site", "acme"], rests_on="§9.9 OPEN (Jira-shaped 401 picked); Confluence 200 proves the credential")

    rng, w = fresh("j4")
    sa = account(w, SA_EMAIL, projects={"FIN": FULL_JIRA})
    t = token(w, rng, sa, True, JIRA_CLASSIC)
    sc("AT403-sa-search-empty-project", "AT403", w, url=f"{GW_J}/rest/api/3/search/jql?jql=project%3DOPS",
       email=SA_EMAIL, tok=t, flags=["--project", "OPS"], rests_on="§6 mypermissions 404 for a project not visible")

    rng, w = fresh("c4")
    sa = account(w, SA2_EMAIL, products=("confluence",), projects={})
    t = token(w, rng, sa, True, CONF_V2)
    w["variants"] = {"unknown_cloud": "404"}
    sc("AT203-empty-confluence", "AT203", w, url="https://api.atlassian.com/ex/confluence//wiki/api/v2/pages/123456",
       email=SA2_EMAIL, tok=t, rests_on="§2 empty id documented mistake")

    # ------------------------------------------------------------------ OAuth 2.0 client credentials (issue 13)
    def oauth_client(world, rng, owner, scopes, sites=None, state="active"):
        cid = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
        secret = oauth_secret(rng)
        world.setdefault("oauth_clients", {})[cid] = {"secret": secret, "owner": owner["id"],
                                                      "scopes": list(scopes), "sites": sites, "state": state}
        return cid, secret

    rng, w = fresh("o1")
    sa = account(w, SA_EMAIL)
    w["variants"] = {"sa_account_type": "app"}
    cid, sec = oauth_client(w, rng, sa, JIRA_CLASSIC)
    sc("works-oauth-client-credentials-gateway", None, w, url=f"{GW_J}/rest/api/3/issue/OPS-1", client=(cid, sec),
       rests_on="A1 exchange, A5 Bearer at the gateway, A6 accessible-resources")

    rng, w = fresh("o2")
    sa = account(w, SA_EMAIL)
    cid, sec = oauth_client(w, rng, sa, JIRA_CLASSIC)
    other = oauth_secret(rng)
    sc("AT106-oauth-wrong-secret", "AT106", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", client=(cid, other),
       rests_on="A3: a known client with a wrong secret (access_denied, [INF])")

    rng, w = fresh("o3")
    sa = account(w, SA_EMAIL)
    cid, sec = oauth_client(w, rng, sa, JIRA_CLASSIC)
    sc("AT106-oauth-pasted-exchange-with-scope", "AT106", w,
       curl=["curl", "-s", "-X", "POST", "https://auth.atlassian.com/oauth/token",
             "-d", f"grant_type=client_credentials&client_id={cid}&client_secret={sec}&scope=read:jira-work"],
       secrets=[sec], rests_on="A1/A3: any scope -> invalid_scope; scopes fixed at creation")

    rng, w = fresh("o4")
    sa = account(w, SA_EMAIL, site="globex.atlassian.net")
    cid, sec = oauth_client(w, rng, sa, JIRA_CLASSIC, sites=["globex.atlassian.net"])
    sc("AT108-oauth-site-not-given", "AT108", w, url=f"{GW_J}/rest/api/3/issue/OPS-1", client=(cid, sec),
       rests_on="A6 accessible-resources lists the sites the service account reaches")

    rng, w = fresh("o5")
    sa = account(w, SA_EMAIL)
    cid, sec = oauth_client(w, rng, sa, JIRA_CLASSIC)
    sc("AT201-oauth-on-the-site-url", "AT201", w, url=f"{S}/rest/api/3/issue/OPS-1", client=(cid, sec),
       rests_on="§1.2 OAuth access tokens work only via api.atlassian.com")

    rng, w = fresh("o6")
    sa = account(w, SA_EMAIL)
    cid, sec = oauth_client(w, rng, sa, JIRA_CLASSIC)
    sc("AT103-oauth-secret-dropped-character", "AT103", w, url=f"{GW_J}/rest/api/3/issue/OPS-1",
       client=(cid, sec[:30] + sec[31:]), also_ok=["AT106"], secrets=[sec],
       rests_on="A4: ATOA + CRC-32 tail; a dropped character fails the check and the exchange")

    return out


SCENARIOS = build()

if __name__ == "__main__":
    import json
    import sys
    json.dump(SCENARIOS, sys.stdout, indent=1)
