#!/usr/bin/env python3
"""benches/worst-case-gen.py NAME BYTES LINES(0|1) FILE: one worst-case input of benches/worst-case.sh
(shared with benches/worst-case-outputs.sh)."""
import sys
name, size, lines, path = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
sep = "\n" if lines else " "
def legacy(i):  # a distinct random-looking 24-character legacy token per unit
    import random
    r = random.Random(i)
    return "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24))
unit = {
    "site": lambda i: "curl https://acme.atlassian.net/rest/api/3/myself",
    "gateway": lambda i: "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafx/rest/api/3/myself",
    "http": lambda i: "http://acme.atlassian.net/rest",
    "atatt": lambda i: "ATATT3",
    "email": lambda i: "jane.doe@acme.com",
    "base64": lambda i: 'echo "$U:$T" | base64',
    "base": lambda i: f"JIRA_URL=https://s{i}.atlassian.net",
    "distinct": lambda i: f"curl https://acme.atlassian.net/rest/api/3/issue/K-{i}",
    "hostvar": lambda i: f"JIRA_D{i}=s{i}.atlassian.net",
    "hostjson": lambda i: f'"host": "s{i}.atlassian.net",',
    "removed": lambda i: f'curl "${{B{i}}}/rest/api/3/search"',
    "basicvar": lambda i: f'-H "Authorization: Basic ${{C{i}}}" jira',
    "legacy": lambda i: f'JIRA_TOKEN="{legacy(i)}"',
    "scope": lambda i: "scope=manage:jira-user",
    "assigned": lambda i: f'v{i} = "https://acme.atlassian.net"' + (' # x = B + "/rest/api/3/myself"' if i == 0 else ""),
    "argcall": lambda i: f'x = JiraClient("https://acme.atlassian.net", "a@b.com", token{i})',
    "colonpair": lambda i: '"jane@acme.com:s3cr3tpw"',
    "joined": lambda i: 'a + ":" + b',
    "words": lambda i: "auth(pass key= login( basic",
    "pwslot": lambda i: 'password = "Summer#24x"',
}
# AT101 and AT301 look at emails and `| base64` only in a file that talks to Atlassian: without
# this first line the `email` and `base64` files were skipped in 0.01 s and measured nothing.
CONTEXT = 'curl -u "jane.doe@acme.com:$JIRA_API_TOKEN" https://acme.atlassian.net/rest/api/3/myself\n'
out, n, i = [], 0, 0
if name in ("email", "base64", "colonpair", "joined", "words", "pwslot"):
    out.append(CONTEXT); n = len(CONTEXT)
if name == "inventory":
    out.append("on: push\njobs:\n  j:\n    steps:\n      - run: |\n")
    n = len(out[0])
    while n < size:
        u = f"          ./scripts/s{i}.sh && python -m m{i} && bash x{i}.sh\n"
        out.append(u); n += len(u); i += 1
else:
    while n < size:
        u = unit[name](i) + (sep if name != "hostvar" else "\n")
        out.append(u); n += len(u); i += 1
open(path, "w").write("".join(out)[:size] + "\n")
