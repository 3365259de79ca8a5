#!/usr/bin/env python3
"""Plant deterministic Atlassian findings into the benchmark corpus.

Usage: plant.py CORPUS_DIR MANIFEST_JSON PRECOMMIT_LIST [COUNT]

Seeded (random.seed(1)) and driven by the sorted directory listing, so the same vendored
sources always give the same planted files. Writes COUNT (default 300) small files named
`atl_bench_plant_NNNN.EXT` into directories chosen across the whole tree, a manifest of what
was planted (outside the corpus, so no scanner reads it), and the list of the 10 files the
pre-commit measurement lints.

Every token is synthetic: `ATATT3` + random base64url + `=` + the CRC-32 (zlib, upper-case
hex) of everything before it, the form src/token.rs checks. None is a real credential.
"""

import json
import os
import random
import string
import sys
import zlib

ALPHABET = string.ascii_letters + string.digits + "_-"


def token(rng, body_len=171):
    prefix = "ATATT3xFfGF0" + "".join(rng.choice(ALPHABET) for _ in range(body_len)) + "="
    return prefix + format(zlib.crc32(prefix.encode()) & 0xFFFFFFFF, "08X")


def truncated(rng):
    t = token(rng)
    return t[: rng.randrange(60, 150)]


FIRST = ["jane", "john", "maria", "wei", "olga", "sam", "priya", "lukas", "ana", "tom"]
LAST = ["doe", "smith", "garcia", "chen", "ivanova", "lee", "patel", "muller", "silva", "brown"]
SITES = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"]
CLOUD = "35273b54-3f06-40d2-880f-dd28cf8daafa"


def person(rng):
    return f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{rng.choice(SITES)}.com"


def shell(rng):
    site, email, tok = rng.choice(SITES), person(rng), token(rng)
    return "sh", f"""#!/usr/bin/env bash
# Sync open issues to the reporting database (planted by benches/plant.py).
set -euo pipefail
JIRA_USER="{email}"
JIRA_URL=https://{site}.atlassian.net
JIRA_API_TOKEN="{tok}"
AUTH=$(echo "$JIRA_USER:$JIRA_API_TOKEN" | base64)
curl -s -H "Authorization: Basic $AUTH" "$JIRA_URL/rest/api/3/search?jql=status=Open"
curl -u {email}:"$JIRA_API_TOKEN" https://{site}.atlassian.net/rest/api/3/myself
""", ["AT101", "AT102", "AT201", "AT301"]


def python(rng):
    site, email, tok = rng.choice(SITES), person(rng), token(rng)
    return "py", f'''"""Nightly Confluence export (planted by benches/plant.py)."""
import requests

BASE_URL = "https://{site}.atlassian.net/wiki/rest/api/content"
API_TOKEN = "{tok}"


def fetch(page_id):
    headers = {{"Authorization": "Bearer " + API_TOKEN}}
    if len(api_token) != 192:
        raise ValueError("bad token")
    return requests.get(f"{{BASE_URL}}/{{page_id}}", auth=("{email}", API_TOKEN), headers=headers)
''', ["AT102", "AT201", "AT302"]


def javascript(rng):
    tok = token(rng)
    return "js", f"""// Issue webhook relay (planted by benches/plant.py).
const fetch = require("node-fetch");
const JIRA = "https://api.atlassian.com/ex/jira/{{cloudId}}/rest/api/3/issue";
const headers = {{ Authorization: "Bearer {tok}" }};
module.exports = async (key) => (await fetch(`${{JIRA}}/${{key}}`, {{ headers }})).json();
""", ["AT102", "AT203", "AT303"]


def workflow(rng):
    site = rng.choice(SITES)
    return "yml", f"""# CI job (planted by benches/plant.py).
name: release-notes
on: [push]
jobs:
  notes:
    runs-on: ubuntu-latest
    env:
      JIRA_BASE_URL: http://{site}.atlassian.net
      CONFLUENCE_URL: https://api.atlassian.com/ex/jira/{CLOUD}/wiki/rest/api/content
    steps:
      - run: echo "${{{{ secrets.JIRA_USER }}}}:${{{{ secrets.JIRA_TOKEN }}}}" | base64
""", ["AT205", "AT202", "AT301"]


def dotenv(rng):
    return "env", f"""# local settings (planted by benches/plant.py)
ATLASSIAN_EMAIL={person(rng)}
ATLASSIAN_API_TOKEN={truncated(rng)}
ATLASSIAN_SITE=https://{rng.choice(SITES)}.atlassian.net
""", ["AT101", "AT103", "AT201"]


KINDS = [shell, python, javascript, workflow, dotenv]


def main():
    corpus, manifest, precommit = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    rng = random.Random(1)
    dirs = []
    for root, subdirs, _files in os.walk(corpus):
        subdirs.sort()
        dirs.append(root)
    dirs.sort()
    planted = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        ext, text, rules = kind(rng)
        d = rng.choice(dirs)
        name = f".env.atl_bench_plant_{i:04d}" if ext == "env" else f"atl_bench_plant_{i:04d}.{ext}"
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        planted.append({"path": os.path.relpath(path, corpus), "rules": rules})
    with open(manifest, "w") as f:
        json.dump({"seed": 1, "files": len(planted),
                   "distinct_rules_per_file_total": sum(len(p["rules"]) for p in planted),
                   "planted": planted}, f, indent=1)
    with open(precommit, "w") as f:
        for p in planted[:10]:
            f.write(os.path.join(corpus, p["path"]) + "\n")


if __name__ == "__main__":
    main()
