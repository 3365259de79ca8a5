#!/usr/bin/env python3
"""Independent simulation of Atlassian Cloud (a site such as acme.atlassian.net, other sites, and the
api.atlassian.com gateway), built only from shared/reference/atlassian-behaviour.md ("the sheet").

A *world* (a JSON-able dict, see tests/sim/scenarios.py) holds the state: sites and cloud IDs, the org
ID, accounts (person / service, active, product access, groups, project and space permissions),
tokens (owner, scoped or not, scopes, revoked/expired), passwords, rate limiting, CAPTCHA lockouts and
the OPEN-fact `variants` picked per scenario. Every answer is decided from that state.

One HTTP server per host (ThreadingHTTPServer on an ephemeral port); the runner points
ATLCHECK_CONNECT_TO at them. Every request is logged in `Sim.log` (method, host, path, status).
"""
import base64
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY = "api.atlassian.com"
AUTH_HOST = "auth.atlassian.com"

JIRA_JSON = "application/json;charset=UTF-8"   # §3.2: Jira uses charset, Confluence bare
CONF_JSON = "application/json"

# --------------------------------------------------------------------------------------------
# Route table: (product, method, regex on the product path, classic scopes, granular scopes,
# handler name). Scopes from shared/atlassian-openapi/*.json (x-atlassian-oauth2-scopes); the
# deprecated v1 GET space/{key} and content/{id} are not in the stored spec: hand-picked.
# A scoped token passes when it holds every scope of the classic set OR every scope of the
# granular set (§3.4/§7: separate grants). Empty classic set = no scope needed.
# --------------------------------------------------------------------------------------------
MYSELF_G = ["read:application-role:jira", "read:group:jira", "read:user:jira", "read:avatar:jira"]
ISSUE_G = ["read:issue-meta:jira", "read:issue-security-level:jira", "read:issue.vote:jira",
           "read:issue.changelog:jira", "read:avatar:jira", "read:issue:jira", "read:status:jira",
           "read:user:jira", "read:field-configuration:jira"]
PROJECT_G = ["read:issue-type:jira", "read:project:jira", "read:project.property:jira", "read:user:jira",
             "read:application-role:jira", "read:avatar:jira", "read:group:jira",
             "read:issue-type-hierarchy:jira", "read:project-category:jira", "read:project-version:jira",
             "read:project.component:jira"]
SEARCH_G = ["read:issue-details:jira", "read:audit-log:jira", "read:avatar:jira",
            "read:field-configuration:jira", "read:issue-meta:jira"]

ROUTES = [
    ("jira", "GET", r"/rest/api/[23]/myself", [["read:jira-user"], MYSELF_G], "j_myself"),
    ("jira", "GET", r"/rest/api/[23]/serverInfo", [[]], "j_serverinfo"),
    ("jira", "GET", r"/rest/api/[23]/issue/(?P<key>[^/]+)", [["read:jira-work"], ISSUE_G], "j_issue"),
    ("jira", "POST", r"/rest/api/[23]/issue", [["write:jira-work"], ["write:issue:jira", "write:comment:jira",
     "write:comment.property:jira", "write:attachment:jira", "read:issue:jira"]], "j_create"),
    ("jira", "GET", r"/rest/api/[23]/project/(?P<key>[^/]+)", [["read:jira-work"], PROJECT_G], "j_project"),
    ("jira", "GET", r"/rest/api/[23]/mypermissions", [["read:jira-work"], ["read:permission:jira"]], "j_mypermissions"),
    ("jira", "POST", r"/rest/api/[23]/permissions/check", [[], ["read:permission:jira"]], "j_permcheck"),
    ("jira", "GET", r"/rest/api/[23]/search/jql", [["read:jira-work"], SEARCH_G], "j_search"),
    ("jira", "POST", r"/rest/api/[23]/search/jql", [["read:jira-work"], SEARCH_G], "j_search"),
    ("jira", "GET", r"/rest/api/[23]/dashboard", [["read:jira-work"], ["read:dashboard:jira"]], "j_dashboard"),
    ("jira", "GET", r"/rest/agile/1\.0/board", [["read:board-scope:jira-software", "read:project:jira"]], "j_board"),
    ("confluence", "GET", r"/wiki/rest/api/user/current", [["read:confluence-user"], ["read:content-details:confluence"]], "c_current"),
    ("confluence", "GET", r"/wiki/rest/api/space/(?P<key>[^/]+)", [["read:confluence-space.summary"], ["read:space:confluence"]], "c1_space"),
    ("confluence", "GET", r"/wiki/rest/api/space", [["read:confluence-space.summary"], ["read:space:confluence"]], "c1_spaces"),
    ("confluence", "GET", r"/wiki/rest/api/content/(?P<id>\d+)", [["read:confluence-content.all"], ["read:content-details:confluence"]], "c1_content"),
    ("confluence", "GET", r"/wiki/rest/api/content", [["read:confluence-content.summary"], ["read:content-details:confluence"]], "c1_contents"),
    ("confluence", "POST", r"/wiki/rest/api/content/(?P<id>\d+)/permission/check", [["read:confluence-content.permission"], ["read:content.permission:confluence"]], "c1_permcheck"),
    ("confluence", "GET", r"/wiki/api/v2/pages", [["read:page:confluence"]], "c2_pages"),
    ("confluence", "GET", r"/wiki/api/v2/pages/(?P<id>\d+)", [["read:page:confluence"]], "c2_page"),
    ("confluence", "GET", r"/wiki/api/v2/spaces", [["read:space:confluence"]], "c2_spaces"),
    ("confluence", "GET", r"/wiki/api/v2/spaces/(?P<id>\d+)", [["read:space:confluence"]], "c2_space"),
    ("confluence", "GET", r"/wiki/api/v2/spaces/(?P<id>\d+)/pages", [["read:page:confluence"]], "c2_space_pages"),
]

# Jira operations that "can be accessed anonymously" (§3.1 anonymous fall-through)
ANON_JIRA = {"j_serverinfo", "j_issue", "j_project", "j_mypermissions", "j_permcheck", "j_search", "j_dashboard", "j_board"}

KNOWN_PERMS = ["BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ADD_COMMENTS", "TRANSITION_ISSUES",
               "ASSIGN_ISSUES", "ASSIGNABLE_USER", "DELETE_ISSUES", "ADMINISTER_PROJECTS", "ADMINISTER",
               "SYSTEM_ADMIN", "USER_PICKER", "WORK_ON_ISSUES", "CREATE_ATTACHMENTS", "RESOLVE_ISSUES",
               "CLOSE_ISSUES", "MANAGE_WATCHERS", "SCHEDULE_ISSUES", "LINK_ISSUES", "MOVE_ISSUES",
               "VIEW_VOTERS_AND_WATCHERS", "VIEW_DEV_TOOLS", "VIEW_READONLY_WORKFLOW", "EDIT_ALL_COMMENTS",
               "EDIT_OWN_COMMENTS", "DELETE_ALL_COMMENTS", "DELETE_OWN_COMMENTS", "SET_ISSUE_SECURITY",
               "MODIFY_REPORTER", "BULK_CHANGE", "CREATE_SHARED_OBJECTS", "MANAGE_GROUP_FILTER_SUBSCRIPTIONS",
               "BROWSE_USERS", "VIEW_AGGREGATED_DATA", "MANAGE_SPRINTS_PERMISSION", "SERVICEDESK_AGENT"]
GLOBAL_PERMS = {"ADMINISTER", "SYSTEM_ADMIN", "USER_PICKER", "CREATE_SHARED_OBJECTS", "BULK_CHANGE",
                "MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "BROWSE_USERS"}

TOMCAT_401 = ("<!doctype html><html lang=\"en\"><head><title>HTTP Status 401 – Unauthorized</title></head>"
              "<body><h1>HTTP Status 401 – Unauthorized</h1></body></html>")


def is_uuid(s):
    return re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", s or "") is not None


class Resp:
    def __init__(self, status, body=b"", ctype=None, headers=None):
        self.status = status
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.body = body
        self.headers = dict(headers or {})
        if ctype:
            self.headers["Content-Type"] = ctype


def jerr(status, msg, headers=None):
    return Resp(status, {"errorMessages": [msg], "errors": {}}, JIRA_JSON, headers)


class Sim:
    def __init__(self, world=None):
        self.world = world or {}
        self.log = []
        self.lock = threading.Lock()
        self.servers = {}

    # ---------------------------------------------------------------- world helpers
    def v(self, name, default):
        return self.world.get("variants", {}).get(name, default)

    def site_of_cloud(self, cid):
        for host, s in self.world["sites"].items():
            if s["cloud_id"] == cid:
                return host
        return None

    def account_by_email(self, email):
        for a in self.world["accounts"]:
            if a["email"].lower() == (email or "").lower():
                return a
        return None

    def account_by_id(self, aid):
        for a in self.world["accounts"]:
            if a["id"] == aid:
                return a
        return None

    def access(self, acct, site):
        if not acct:
            return {}
        return acct.get("access", {}).get(site, {})

    def has_product(self, acct, site, product):
        return product in self.access(acct, site).get("products", [])

    # ---------------------------------------------------------------- credential parsing
    def parse_auth(self, headers):
        """Return dict(kind=none|basic|basic_bad|bearer|other, user, secret, raw)."""
        raw = headers.get("Authorization")
        if raw is None:
            return {"kind": "none"}
        val = raw.strip(" \t")
        if val.startswith("Basic "):
            b64 = val[6:].strip()
            try:
                dec = base64.b64decode(b64, validate=True).decode("utf-8")
            except Exception:
                return {"kind": "basic_bad", "why": "not base64"}
            # §3.3: empty user/password, no colon, two colons -> unparseable
            if dec.count(":") != 1:
                return {"kind": "basic_bad", "why": "colons", "user": dec.split(":")[0]}
            user, secret = dec.split(":", 1)
            if not user or not secret:
                return {"kind": "basic_bad", "why": "empty", "user": user}
            return {"kind": "basic", "user": user, "secret": secret}
        if val.startswith("Bearer ") and not val.startswith("Bearer  "):
            return {"kind": "bearer", "secret": val[7:]}
        return {"kind": "other"}

    def find_token(self, secret):
        for t in self.world.get("tokens", []):
            if t["value"] == secret:
                return t
        return None

    def identify_basic(self, auth):
        """Basic email:token -> (account, token, why_failed). Token may be scoped or not."""
        user, secret = auth["user"], auth["secret"]
        tok = self.find_token(secret)
        if tok is None:
            acct = self.account_by_email(user)
            pw = self.world.get("passwords", {})
            if acct and pw.get(acct["email"]) == secret:
                return None, None, "password"
            return None, None, "unknown-token"
        owner = self.account_by_id(tok["owner"])
        if owner is None or owner["email"].lower() != user.lower():   # case-insensitive (§8 backlot)
            return None, tok, "email-mismatch"
        if tok.get("kind") == "legacy":
            return None, tok, "expired"       # all legacy tokens expired by 2026-05-12 (§4)
        if tok.get("state", "active") != "active":
            return None, tok, tok["state"]
        if tok.get("kind") not in (None, "api"):
            return None, tok, "not-an-api-token"
        if not owner.get("active", True):
            return None, tok, "deactivated"   # AX-684
        return owner, tok, None

    # ---------------------------------------------------------------- HTTP entry
    def handle(self, host, method, target, headers, body):
        parsed = urllib.parse.urlsplit(target)
        path = parsed.path
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        if host == GATEWAY:
            r = self.gateway(method, path, query, headers, body)
        elif host == AUTH_HOST:
            r = self.token_endpoint(method, path, headers, body)
        elif host in self.world["sites"]:
            r = self.site(host, method, path, query, headers, body)
        else:
            r = Resp(404, "no such host", "text/plain")
        with self.lock:
            self.log.append({"host": host, "method": method, "target": target, "status": r.status,
                             "auth": (headers.get("Authorization") or "")[:7]})
        return r

    # ---------------------------------------------------------------- rate limit / captcha
    def rate_limited(self, surface, product):
        rl = self.world.get("rate_limit")
        if not rl or rl.get("surface") not in (surface, "both"):
            return None
        if rl.get("product") and rl["product"] != product:
            return None
        h = {"X-RateLimit-Limit": str(rl.get("limit", 350)), "X-RateLimit-Remaining": "0",
             "X-RateLimit-Reset": rl.get("reset", "2026-11-22T09:15Z")}
        if surface == "gateway" and rl.get("gateway_style"):
            # §3.4: a gateway 429 carried X-Failure-Category and X-Ratelimit-*, no Retry-After
            h["X-Failure-Category"] = "FAILURE_CLIENT_RATE_LIMITED"
            h["X-Ratelimit-Limit"] = "360000"
            return Resp(429, {"code": 429, "message": "Too Many Requests"}, CONF_JSON, h)
        h["Retry-After"] = str(rl.get("retry_after", 30))
        reason = rl.get("reason") or ("jira-burst-based" if product == "jira" else "confluence-quota-tenant-based")
        h["RateLimit-Reason"] = reason
        if product == "jira":
            return Resp(429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, JIRA_JSON, h)
        return Resp(429, {"statusCode": 429, "message": "Rate limit exceeded."}, CONF_JSON, h)

    def captcha(self, site, auth):
        if auth.get("kind") != "basic":
            return None
        acct = self.account_by_email(auth["user"])
        if acct and acct.get("captcha"):
            # §3.2 CAPTCHA shape
            return Resp(403, "<html><body>CAPTCHA_CHALLENGE</body></html>", "text/html;charset=UTF-8", {
                "X-Seraph-LoginReason": "AUTHENTICATION_DENIED",
                "X-Authentication-Denied-Reason": f"CAPTCHA_CHALLENGE; login-url=https://{site}/login.jsp",
                "WWW-Authenticate": f'OAuth realm="{urllib.parse.quote("https://" + site, safe="")}"'})
        return None

    # ---------------------------------------------------------------- the site
    def site(self, site, method, path, query, headers, body):
        if path == "/_edge/tenant_info":
            return Resp(200, json.dumps({"cloudId": self.world["sites"][site]["cloud_id"]}), CONF_JSON)
        route, m = match_route(method, path)
        product = "confluence" if path.startswith("/wiki/") else ("jira" if path.startswith("/rest/") else None)
        if product is None:
            return Resp(404, "<html><title>Oops, you've found a dead link.</title></html>", "text/html;charset=UTF-8")
        rl = self.rate_limited("site", product)
        if rl:
            return rl
        auth = self.parse_auth(headers)
        if auth["kind"] == "basic_bad":
            return Resp(401, TOMCAT_401, "text/html;charset=utf-8")          # §3.3 unparseable Basic
        if auth["kind"] == "bearer":
            if auth["secret"].count(".") == 2:
                # JWT-shaped: OAuth access token at the site -> 401 no matter how valid (§1.2)
                return self.site_refused(site, product, route, m, query, auth, bearer=True)
            # §1.2 Connect session JWT parse failure, on every route
            return Resp(403, {"error": "Failed to parse Connect Session Auth Token"}, CONF_JSON)
        cap = self.captcha(site, auth)
        if cap:
            return cap
        if auth["kind"] in ("none", "other"):
            return self.site_refused(site, product, route, m, query, auth)
        acct, tok, why = self.identify_basic(auth)
        if acct is None:
            return self.site_refused(site, product, route, m, query, auth, why=why)
        if tok.get("scoped"):
            # scoped / service-account tokens are refused on the site (§1.2)
            if product == "confluence" and self.v("site_scoped_confluence", "tomcat401") == "tomcat401":
                return Resp(401, TOMCAT_401, "text/html;charset=utf-8")
            return self.site_refused(site, product, route, m, query, auth, why="scoped-on-site")
        if route is None:
            return self.unknown_route(product, path)
        return self.dispatch(site, "site", route, m, method, query, acct, body)

    def site_refused(self, site, product, route, m, query, auth, why=None, bearer=False):
        """Credential given but not accepted (or none): §3.1 / §3.3."""
        failed = auth.get("kind") == "basic" and bool(auth.get("user"))
        if product == "jira":
            h = {"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"} if failed else {}
            if route is not None and route[4] in ANON_JIRA and not bearer:
                r = self.dispatch(site, "site", route, m, "GET" if route[1] == "GET" else route[1], query, None, b"")
                r.headers.update(h)
                return r
            h["WWW-Authenticate"] = f'OAuth realm="{urllib.parse.quote("https://" + site, safe="")}"'
            h["X-Frame-Options"] = "SAMEORIGIN"
            msg = "Client must be authenticated to access this resource."
            if why == "password" and self.v("password_body", "deprecated") == "deprecated":
                msg = ("Basic authentication with passwords is deprecated. For more information, see: "
                       "https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/")
            if route is None:
                return jerr(404, "null for uri: " + "https://" + site, h)
            return jerr(401, msg, h)
        return self.conf_refused(route)

    def conf_refused(self, route, msg=None):
        if route is not None and route[4].startswith("c2_") or route is None:
            return Resp(404, {"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found", "detail": None}]}, CONF_JSON)
        if route[4] == "c_current":
            return Resp(403, {"statusCode": 403, "message": "com.atlassian.confluence.mvc.rest.common.exception."
                              "StacklessResponseStatusException: 403 FORBIDDEN \"Request rejected because caller "
                              "cannot access Confluence\""}, CONF_JSON)
        return Resp(403, {"message": "Current user not permitted to use Confluence", "statusCode": 403}, CONF_JSON)

    def unknown_route(self, product, path):
        if product == "jira":
            return jerr(404, "null for uri: " + path)
        return Resp(404, {"statusCode": 404, "message": "Could not find resource for path " + path}, CONF_JSON)

    # ---------------------------------------------------------------- the gateway
    def gateway(self, method, path, query, headers, body):
        auth = self.parse_auth(headers)
        if path == "/oauth/token/accessible-resources" or path == "/me":
            return self.oauth_endpoints(path, auth)
        if path.startswith("/admin/v1/orgs"):
            keys = self.world.get("admin_keys", [])
            if auth["kind"] == "bearer" and auth["secret"] in keys:
                return Resp(200, {"data": [{"id": self.world["org_id"], "type": "orgs"}]}, CONF_JSON)
            return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)
        m = re.match(r"^/ex/([^/]*)/([^/]*)(/.*)?$", path)
        if not m:
            return Resp(404, {"code": 404, "message": "Not Found"}, CONF_JSON)
        product, cid, rest = m.group(1), urllib.parse.unquote(m.group(2)), m.group(3) or "/"
        if product not in ("jira", "confluence"):
            return Resp(404, {"code": 404, "message": "Not Found"}, CONF_JSON)
        rl = self.rate_limited("gateway", product)
        if rl:
            return rl
        site = self.site_of_cloud(cid)
        if site is None:
            # OPEN (§2, §9.1): unknown / malformed cloud ID; picked per scenario
            if self.v("unknown_cloud", "404") == "404":
                return Resp(404, {"code": 404, "message": "Not Found"}, CONF_JSON)
            return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)
        route, rm = match_route(method, rest)
        if route is not None and route[0] != product:
            route = None            # e.g. a Confluence path under /ex/jira/
        # --- authentication
        acct = tok = None
        scopes = None               # None = unrestricted (unscoped token)
        if auth["kind"] == "bearer":
            t = self.find_token(auth["secret"])
            if t and t.get("kind") == "oauth" and t.get("sites") is not None and site not in t["sites"]:
                # the service account was not given this site (OPEN: the gateway's answer; 401 picked)
                return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)
            if t and t.get("kind") == "oauth" and t.get("state", "active") == "active":
                acct, tok, scopes = self.account_by_id(t["owner"]), t, set(t.get("scopes", []))
            elif auth["secret"].startswith("ATATT3"):
                # OPEN (§1.2, §9.4): API token as Bearer at the gateway
                if self.v("gateway_bearer_api", "404") == "404":
                    return Resp(404, {"code": 404, "message": "Not Found"}, CONF_JSON)
                return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)
            else:
                return self.gateway_refused(product, route, None)
        elif auth["kind"] == "basic":
            a, t, why = self.identify_basic(auth)
            if a is None:
                return self.gateway_refused(product, route, why)
            if a.get("captcha") and self.v("captcha_gateway", "ok") == "reject":
                return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)
            acct, tok = a, t
            scopes = set(t.get("scopes", [])) if t.get("scoped") else None
        else:
            return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)
        # --- scope gate, before routing (§3.4)
        scope_fail = Resp(401, {"code": 401, "message": "Unauthorized; scope does not match"}, CONF_JSON,
                          {"X-Failure-Category": "FAILURE_CLIENT_SCOPE_CHECK"})
        if route is None:
            if scopes is not None and (
                    (product == "confluence" and not rest.startswith("/wiki/"))      # kovetskiy/mark#917
                    or self.v("gateway_unknown_route", "404") == "scope401"):
                return scope_fail
            return self.unknown_route(product, rest)
        if scopes is not None:
            sets = route[3]
            if not any(all(s in scopes for s in st) for st in sets):
                return scope_fail
        r = self.dispatch(site, "gateway", route, rm, method, query, acct, body)
        return r

    def gateway_refused(self, product, route, why):
        if product == "confluence":
            # §3.4: Confluence gateway signals a bad credential with 403 on v1, 404 on v2
            return self.conf_refused(route)
        var = self.v("gateway_bad_cred", "401")
        if var == "403":
            return Resp(403, {"code": 403, "message": "Forbidden"}, CONF_JSON)
        h = {}
        if var == "401_mismatch" and why == "email-mismatch":
            h["X-Failure-Category"] = "FAILURE_CLIENT_AUTH_MISMATCH"
        return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON, h)

    # ---------------------------------------------------------------- auth.atlassian.com
    def token_endpoint(self, method, path, headers, body):
        """Client-credentials exchange (governance sheet A1-A3, behaviour sheet §3.5)."""
        if method != "POST" or path != "/oauth/token":
            return Resp(404, {"error": "not_found"}, CONF_JSON)
        text = body.decode() if isinstance(body, bytes) else (body or "")
        if "json" in (headers.get("Content-Type") or ""):
            try:
                form = {k: str(v) for k, v in json.loads(text).items()}
            except Exception:
                return Resp(400, {"error": "invalid_request"}, CONF_JSON)
        else:
            form = {k: v[0] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
        if form.get("grant_type") != "client_credentials":
            return Resp(400, {"error": "unsupported_grant_type"}, CONF_JSON)
        if "scope" in form:                                   # A1/A3: any scope -> invalid_scope
            return Resp(400, {"error": "invalid_scope", "error_description": "Scope is not allowed"}, CONF_JSON)
        client = self.world.get("oauth_clients", {}).get(form.get("client_id", ""))
        if client is None:                                    # A3: unknown client -> 400 invalid_client
            return Resp(400, {"error": "invalid_client", "error_description": "Unauthorized"}, CONF_JSON)
        owner = self.account_by_id(client["owner"])
        if client["secret"] != form.get("client_secret"):
            # A3 [INF]: a known client with a wrong secret, as in the 3LO exchange; OPEN, picked per scenario
            if self.v("wrong_secret", "access_denied") == "access_denied":
                return Resp(401, {"error": "access_denied", "error_description": "Unauthorized"}, CONF_JSON)
            return Resp(400, {"error": "invalid_client", "error_description": "Unauthorized"}, CONF_JSON)
        if client.get("state", "active") != "active" or owner is None or not owner.get("active", True):
            # A3 OPEN: deleted credential / deactivated service account; invalid_client picked
            return Resp(400, {"error": "invalid_client", "error_description": "Unauthorized"}, CONF_JSON)
        n = len(self.world.setdefault("tokens", [])) + 1
        claims = {"sub": owner["id"], "exp": 4102444800, "scope": " ".join(client.get("scopes", []))}
        enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
        access = f'{enc({"alg": "RS256", "kid": "sim"})}.{enc(claims)}.{enc({"sig": n, "pad": "simulated-signature"})}'
        with self.lock:
            self.world["tokens"].append({"value": access, "kind": "oauth", "owner": owner["id"],
                                         "scopes": list(client.get("scopes", [])), "state": "active",
                                         "sites": client.get("sites")})
        return Resp(200, {"access_token": access, "expires_in": 3600, "token_type": "Bearer",
                          "scope": " ".join(client.get("scopes", []))}, CONF_JSON)

    def oauth_endpoints(self, path, auth):
        if auth["kind"] == "bearer":
            t = self.find_token(auth["secret"])
            if t and t.get("kind") == "oauth" and t.get("state", "active") == "active":
                if path == "/me":
                    a = self.account_by_id(t["owner"])
                    return Resp(200, {"account_id": a["id"], "email": a["email"], "name": a.get("name", "")}, CONF_JSON)
                return Resp(200, [{"id": s["cloud_id"], "name": h.split(".")[0], "url": "https://" + h,
                                   "scopes": t.get("scopes", []), "avatarUrl": ""}
                                  for h, s in self.world["sites"].items()
                                  if t.get("sites") is None or h in t["sites"]], CONF_JSON)
        return Resp(401, {"code": 401, "message": "Unauthorized"}, CONF_JSON)

    # ---------------------------------------------------------------- product logic
    def dispatch(self, site, surface, route, m, method, query, acct, body):
        fn = getattr(self, route[4])
        r = fn(site, surface, m, query, acct, body)
        if route[0] == "jira" and acct is not None:
            r.headers.setdefault("X-AAccountId", acct["id"])
            if surface == "site":
                r.headers.setdefault("X-Seraph-LoginReason", "OK")
        return r

    # --- Jira
    def jira_user(self, site, acct):
        """The account as Jira sees it, or None (anonymous / no Jira product access)."""
        if acct is not None and self.has_product(acct, site, "jira"):
            return acct
        return None

    def perms_in(self, site, acct, pkey):
        acct = self.jira_user(site, acct)
        if acct is None:
            return set(self.world["projects"].get(pkey, {}).get("anonymous_perms", []))
        return set(self.access(acct, site).get("project_perms", {}).get(pkey, []))

    def can_browse(self, site, acct, pkey):
        return pkey in self.world["projects"] and "BROWSE_PROJECTS" in self.perms_in(site, acct, pkey)

    def j_myself(self, site, surface, m, query, acct, body):
        if acct is None:
            return jerr(401, "Client must be authenticated to access this resource.",
                        {"WWW-Authenticate": f'OAuth realm="{urllib.parse.quote("https://" + site, safe="")}"'})
        acc = self.access(acct, site)
        if not self.has_product(acct, site, "jira"):
            # OPEN (§6, §9.9): Jira answer for an account without Jira product access
            var = self.v("jira_no_access", "200_noroles")
            if var == "403":
                return jerr(403, "You do not have the permission to see the specified user.")
            if var == "401":
                return jerr(401, "Client must be authenticated to access this resource.")
        expand = ",".join(query.get("expand", []))
        is_sa = acct["type"] == "service"
        out = {"self": f"https://{site}/rest/api/3/user?accountId={acct['id']}", "accountId": acct["id"],
               "accountType": (self.v("sa_account_type", "app") if is_sa else "atlassian"),
               "displayName": acct.get("name", acct["email"].split("@")[0]), "active": True,
               "timeZone": "Europe/Berlin", "locale": "en_US"}
        if not is_sa or self.v("sa_email_visible", True):
            out["emailAddress"] = acct["email"]
        groups = list(acc.get("groups", []))
        roles = []
        if self.has_product(acct, site, "jira"):
            roles.append({"key": "jira-software", "name": "Jira", "groups": ["jira-software-users-" + site.split(".")[0]]})
        if "groups" in expand:
            out["groups"] = {"size": len(groups), "items": [{"name": g, "groupId": f"g-{i}"} for i, g in enumerate(groups)]}
        else:
            out["groups"] = {"size": len(groups), "items": []}
        if "applicationRoles" in expand:
            out["applicationRoles"] = {"size": len(roles), "items": roles}
        else:
            out["applicationRoles"] = {"size": len(roles), "items": []}
        return Resp(200, out, JIRA_JSON)

    def j_serverinfo(self, site, surface, m, query, acct, body):
        return Resp(200, {"baseUrl": "https://" + site, "version": "1001.0.0-SNAPSHOT", "deploymentType": "Cloud"}, JIRA_JSON)

    def issue_obj(self, site, key):
        pkey = key.split("-")[0]
        p = self.world["projects"][pkey]
        return {"id": str(10000 + int(key.split("-")[1])), "key": key, "self": f"https://{site}/rest/api/3/issue/{key}",
                "fields": {"summary": f"Issue {key}", "project": {"id": p["id"], "key": pkey}}}

    def issue_exists(self, key):
        mm = re.fullmatch(r"([A-Z][A-Z0-9]+)-(\d+)", key)
        return bool(mm) and mm.group(1) in self.world["projects"] and int(mm.group(2)) in self.world["projects"][mm.group(1)].get("issues", [])

    def j_issue(self, site, surface, m, query, acct, body):
        key = m.group("key")
        pkey = key.split("-")[0]
        if self.issue_exists(key) and self.can_browse(site, acct, pkey):
            return Resp(200, self.issue_obj(site, key), JIRA_JSON)
        return jerr(404, "Issue does not exist or you do not have permission to see it.")

    def j_create(self, site, surface, m, query, acct, body):
        try:
            data = json.loads(body or b"{}")
            pkey = data["fields"]["project"]["key"]
        except Exception:
            return Resp(400, {"errorMessages": [], "errors": {"project": "Specify a valid project ID or key"}}, JIRA_JSON)
        if acct is None:
            return jerr(401, "Client must be authenticated to access this resource.")
        if "CREATE_ISSUES" not in self.perms_in(site, acct, pkey):
            return Resp(400, {"errorMessages": [], "errors": {"project": "You do not have permission to create issues in this project."}}, JIRA_JSON)
        return Resp(201, {"id": "10999", "key": pkey + "-999"}, JIRA_JSON)

    def j_project(self, site, surface, m, query, acct, body):
        key = m.group("key")
        if self.can_browse(site, acct, key):
            p = self.world["projects"][key]
            return Resp(200, {"id": p["id"], "key": key, "name": p.get("name", key), "self": f"https://{site}/rest/api/3/project/{p['id']}"}, JIRA_JSON)
        return jerr(404, f"No project could be found with key '{key}'.")

    def j_mypermissions(self, site, surface, m, query, acct, body):
        perms = [p for v in query.get("permissions", []) for p in v.split(",") if p]
        if not perms:
            return jerr(400, "The 'permissions' query parameter is required.")
        bad = [p for p in perms if p not in KNOWN_PERMS]
        if bad:
            return jerr(400, "Permission key(s) " + ", ".join(bad) + " do not exist.")
        pkey = (query.get("projectKey") or [None])[0]
        pid = (query.get("projectId") or [None])[0]
        ikey = (query.get("issueKey") or [None])[0]
        iid = (query.get("issueId") or [None])[0]
        if pid and not pkey:
            pkey = next((k for k, p in self.world["projects"].items() if p["id"] == pid), "?")
        if iid and not ikey:
            n = int(iid) - 10000 if iid.isdigit() else -1
            ikey = next((f"{k}-{n}" for k, p in self.world["projects"].items() if n in p.get("issues", [])), "?-0")
        if ikey:
            pkey = ikey.split("-")[0]
            if not (self.issue_exists(ikey) and self.can_browse(site, acct, pkey)):
                return jerr(404, "Issue does not exist or you do not have permission to see it.")
        if pkey:
            if not self.can_browse(site, acct, pkey):
                return jerr(404, f"No project could be found with key '{pkey}'.")
            have = self.perms_in(site, acct, pkey)
        else:
            have = set()
            for k in self.world["projects"]:
                have |= self.perms_in(site, acct, k)
        ja = self.jira_user(site, acct)
        glob = set(self.access(ja, site).get("global_perms", [])) if ja else set()
        out = {}
        for i, p in enumerate(perms):
            typ = "GLOBAL" if p in GLOBAL_PERMS else "PROJECT"
            hp = (p in glob) if typ == "GLOBAL" else (p in have)
            out[p] = {"id": str(10 + i), "key": p, "name": p.replace("_", " ").title(), "type": typ,
                      "description": "", "havePermission": hp}
        return Resp(200, {"permissions": out}, JIRA_JSON)

    def j_permcheck(self, site, surface, m, query, acct, body):
        try:
            data = json.loads(body or b"{}")
        except Exception:
            return jerr(400, "Invalid request payload.")
        if data.get("accountId") and (acct is None or data["accountId"] != acct["id"]):
            return jerr(403, "You must have Administer Jira global permission to check other users' permissions.")
        ja = self.jira_user(site, acct)
        glob = set(self.access(ja, site).get("global_perms", [])) if ja else set()
        res = {"globalPermissions": [p for p in data.get("globalPermissions", []) if p in glob], "projectPermissions": []}
        for pp in data.get("projectPermissions", []):
            for perm in pp.get("permissions", []):
                projs = []
                for pid in pp.get("projects", []):
                    k = next((k for k, p in self.world["projects"].items() if p["id"] == str(pid)), None)
                    if k and perm in self.perms_in(site, acct, k) and self.can_browse(site, acct, k):
                        projs.append(int(pid))
                res["projectPermissions"].append({"permission": perm, "projects": projs, "issues": []})
        return Resp(200, res, JIRA_JSON)

    def j_search(self, site, surface, m, query, acct, body):
        issues = []
        for k, p in self.world["projects"].items():
            if self.can_browse(site, acct, k):
                issues += [self.issue_obj(site, f"{k}-{n}") for n in p.get("issues", [])]
        return Resp(200, {"issues": issues[:50], "isLast": True}, JIRA_JSON)

    def j_dashboard(self, site, surface, m, query, acct, body):
        return Resp(200, {"startAt": 0, "maxResults": 20, "total": 1, "dashboards": [{"id": "10000", "name": "Default dashboard"}]}, JIRA_JSON)

    def j_board(self, site, surface, m, query, acct, body):
        vals = [{"id": i + 1, "name": f"{k} board", "type": "scrum", "location": {"projectKey": k}}
                for i, k in enumerate(self.world["projects"]) if self.can_browse(site, acct, k)]
        return Resp(200, {"maxResults": 50, "startAt": 0, "total": len(vals), "isLast": True, "values": vals}, JIRA_JSON)

    # --- Confluence
    def conf_user(self, site, acct):
        if acct is not None and self.has_product(acct, site, "confluence"):
            return acct
        return None

    def can_view_space(self, site, acct, skey):
        return skey in self.world["spaces"] and "read" in self.access(acct, site).get("space_perms", {}).get(skey, [])

    def page_space(self, pid):
        for k, s in self.world["spaces"].items():
            if str(pid) in s.get("pages", {}):
                return k
        return None

    def c_current(self, site, surface, m, query, acct, body):
        a = self.conf_user(site, acct)
        if a is None:
            return self.conf_refused(("confluence", "GET", "", [], "c_current"))
        return Resp(200, {"type": "known", "accountId": a["id"], "accountType": "atlassian" if a["type"] == "person" else self.v("sa_account_type", "app"),
                          "email": a["email"], "publicName": a.get("name", a["email"]), "displayName": a.get("name", a["email"])}, CONF_JSON)

    def conf_guard(self, site, name, acct):
        if self.conf_user(site, acct) is None:
            return self.conf_refused(("confluence", "GET", "", [], name))
        return None

    def c1_space(self, site, surface, m, query, acct, body):
        g = self.conf_guard(site, "c1_space", acct)
        if g:
            return g
        key = m.group("key")
        if self.can_view_space(site, acct, key):
            s = self.world["spaces"][key]
            return Resp(200, {"id": s["id"], "key": key, "name": s.get("name", key), "type": "global", "status": "current"}, CONF_JSON)
        return Resp(404, {"statusCode": 404, "data": {"authorized": False, "valid": True, "errors": [], "successful": False},
                          "message": f"No space with key : {key}"}, CONF_JSON)

    def c1_spaces(self, site, surface, m, query, acct, body):
        g = self.conf_guard(site, "c1_spaces", acct)
        if g:
            return g
        keys = [k for v in query.get("spaceKey", []) for k in v.split(",")] or list(self.world["spaces"])
        res = [{"id": self.world["spaces"][k]["id"], "key": k, "name": self.world["spaces"][k].get("name", k)}
               for k in keys if self.can_view_space(site, acct, k)]
        return Resp(200, {"results": res, "start": 0, "limit": 25, "size": len(res)}, CONF_JSON)

    def c1_content(self, site, surface, m, query, acct, body):
        g = self.conf_guard(site, "c1_content", acct)
        if g:
            return g
        pid = m.group("id")
        sk = self.page_space(pid)
        if sk and self.can_view_space(site, acct, sk):
            return Resp(200, {"id": pid, "type": "page", "status": "current", "title": self.world["spaces"][sk]["pages"][pid],
                              "space": {"key": sk}}, CONF_JSON)
        return Resp(404, {"statusCode": 404, "data": {"authorized": False, "valid": True, "errors": [], "successful": False},
                          "message": f"No content found with id: ContentId{{id={pid}}}"}, CONF_JSON)

    def c1_contents(self, site, surface, m, query, acct, body):
        g = self.conf_guard(site, "c1_contents", acct)
        if g:
            return g
        sk = (query.get("spaceKey") or [None])[0]
        res = []
        for k, s in self.world["spaces"].items():
            if (sk is None or sk == k) and self.can_view_space(site, acct, k):
                res += [{"id": pid, "type": "page", "title": t} for pid, t in s.get("pages", {}).items()]
        return Resp(200, {"results": res, "start": 0, "limit": 25, "size": len(res)}, CONF_JSON)

    def c1_permcheck(self, site, surface, m, query, acct, body):
        g = self.conf_guard(site, "c1_permcheck", acct)
        if g:
            return g
        pid = m.group("id")
        sk = self.page_space(pid)
        if sk is None:
            return Resp(404, {"statusCode": 404, "message": f"No content found with id: ContentId{{id={pid}}}"}, CONF_JSON)
        try:
            data = json.loads(body or b"{}")
        except Exception:
            data = {}
        op = data.get("operation", "read")
        have = self.access(acct, site).get("space_perms", {}).get(sk, [])
        ok = op in have or (op == "update" and "write" in have)
        out = {"hasPermission": ok}
        if not ok:
            out["errors"] = [{"message": {"key": "permission.denied", "args": []}}]
        return Resp(200, out, CONF_JSON)

    def v2_refused(self):
        return Resp(404, {"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found", "detail": None}]}, CONF_JSON)

    def page_v2(self, pid, sk):
        s = self.world["spaces"][sk]
        return {"id": str(pid), "status": "current", "title": s["pages"][str(pid)], "spaceId": str(s["id"]),
                "_links": {"webui": f"/spaces/{sk}/pages/{pid}"}}

    def c2_pages(self, site, surface, m, query, acct, body):
        if self.conf_user(site, acct) is None:
            return self.v2_refused()
        sids = [x for v in query.get("space-id", []) for x in v.split(",")]
        res = []
        for k, s in self.world["spaces"].items():
            if (not sids or str(s["id"]) in sids) and self.can_view_space(site, acct, k):
                res += [self.page_v2(pid, k) for pid in s.get("pages", {})]
        return Resp(200, {"results": res, "_links": {}}, CONF_JSON)

    def c2_page(self, site, surface, m, query, acct, body):
        if self.conf_user(site, acct) is None:
            return self.v2_refused()
        pid = m.group("id")
        sk = self.page_space(pid)
        if sk and self.can_view_space(site, acct, sk):
            return Resp(200, self.page_v2(pid, sk), CONF_JSON)
        return Resp(404, {"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found",
                                      "detail": f"Cannot find a page with id [{pid}]"}]}, CONF_JSON)

    def space_v2(self, k):
        s = self.world["spaces"][k]
        return {"id": str(s["id"]), "key": k, "name": s.get("name", k), "type": "global", "status": "current"}

    def c2_spaces(self, site, surface, m, query, acct, body):
        if self.conf_user(site, acct) is None:
            return self.v2_refused()
        keys = [x for v in query.get("keys", []) for x in v.split(",")]
        ids = [x for v in query.get("ids", []) for x in v.split(",")]
        res = [self.space_v2(k) for k, s in self.world["spaces"].items()
               if (not keys or k in keys) and (not ids or str(s["id"]) in ids) and self.can_view_space(site, acct, k)]
        return Resp(200, {"results": res, "_links": {}}, CONF_JSON)

    def c2_space(self, site, surface, m, query, acct, body):
        if self.conf_user(site, acct) is None:
            return self.v2_refused()
        sid = m.group("id")
        k = next((k for k, s in self.world["spaces"].items() if str(s["id"]) == sid), None)
        if k and self.can_view_space(site, acct, k):
            return Resp(200, self.space_v2(k), CONF_JSON)
        return Resp(404, {"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found",
                                      "detail": f"Space with id {sid} not found"}]}, CONF_JSON)

    def c2_space_pages(self, site, surface, m, query, acct, body):
        if self.conf_user(site, acct) is None:
            return self.v2_refused()
        sid = m.group("id")
        k = next((k for k, s in self.world["spaces"].items() if str(s["id"]) == sid), None)
        if k and self.can_view_space(site, acct, k):
            return Resp(200, {"results": [self.page_v2(p, k) for p in self.world["spaces"][k].get("pages", {})], "_links": {}}, CONF_JSON)
        return Resp(404, {"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found",
                                      "detail": f"Space with id {sid} not found"}]}, CONF_JSON)

    # ---------------------------------------------------------------- servers
    def start(self, hosts):
        sim = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _go(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                hdrs = {k.title() if k.lower() != "www-authenticate" else k: v for k, v in self.headers.items()}
                hdrs["Authorization"] = self.headers.get("Authorization")
                if hdrs["Authorization"] is None:
                    del hdrs["Authorization"]
                try:
                    r = sim.handle(self.server.sim_host, self.command, self.path, hdrs, body)
                except Exception as e:  # a simulator bug must be visible, not a silent 500
                    import traceback
                    traceback.print_exc()
                    r = Resp(599, "simulator error: " + repr(e), "text/plain")
                self.send_response(r.status)
                for k, v in r.headers.items():
                    self.send_header(k, v)
                if "Content-Type" not in r.headers:
                    self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(r.body) if self.command != "HEAD" else 0))
                self.send_header("X-Arequestid", "sim-" + str(len(sim.log)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(r.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _go

        for h in hosts:
            srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
            srv.daemon_threads = True
            srv.sim_host = h
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            self.servers[h] = srv
        return {h: f"http://127.0.0.1:{s.server_address[1]}" for h, s in self.servers.items()}

    def stop(self):
        for s in self.servers.values():
            s.shutdown()
            s.server_close()


def match_route(method, path):
    for r in ROUTES:
        mm = re.fullmatch(r[2], path)
        if mm and (r[1] == method or (method == "HEAD" and r[1] == "GET")):
            return r, mm
    return None, None


if __name__ == "__main__":
    import sys
    import time
    world = json.load(open(sys.argv[1]))
    sim = Sim(world)
    bases = sim.start(list(world["sites"]) + [GATEWAY, AUTH_HOST])
    print("ATLCHECK_CONNECT_TO=" + ",".join(f"{h}={b}" for h, b in bases.items()), flush=True)
    while True:
        time.sleep(3600)
