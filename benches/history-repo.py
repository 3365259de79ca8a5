#!/usr/bin/env python3
"""Build the synthetic repository of the history benchmark (issue 15) with `git fast-import`.

    benches/history-repo.py DEST [--commits 10000] [--secrets 50] [--seed 1]

DEST becomes a git repository (DEST must not exist) with:
- COMMITS commits on `main`, each editing one to three of about 300 text files (source-like
  lines, a few of them mentioning Jira or api.atlassian.com so the keyword prefilter has work),
  now and then adding or deleting a file;
- SECRETS planted Atlassian API tokens, synthetic and CRC-correct (`ATATT3xFfGF0` + 171
  random characters + `=` + CRC-32 in upper-case hex: 192 characters, the form gitleaks'
  atlassian-api-token rule also matches), each in its own file as `JIRA_API_TOKEN=...`:
    * 60 % on main, half of those deleted again 1-50 commits later,
    * 20 % on side branches that are never merged (refs/heads/side-N),
    * 20 % in commits reachable only through a tag (refs/tags/rel-N);
- DEST/../planted.json: one entry per secret: {file, commit, kind, sha256} (sha256 of the
  token: the token itself is never written outside the repository).

Deterministic for a given seed (random.seed), and fixed commit dates, so commit IDs repeat.
"""
import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import zlib

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
WORDS = (
    "let value config request response client server token issue project page space user "
    "account field status update create delete fetch retry timeout header body query path "
    "result error handler build deploy release version schema cache index queue worker"
).split()


def token(rng):
    head = "ATATT3xFfGF0" + "".join(rng.choice(ALNUM) for _ in range(171)) + "="
    return head + format(zlib.crc32(head.encode()) & 0xFFFFFFFF, "08X")


def line(rng):
    r = rng.random()
    if r < 0.01:
        return f'JIRA_BASE = "https://api.atlassian.com/ex/jira/{rng.randrange(10**8):08d}"'
    if r < 0.02:
        return f"# see the jira issue OPS-{rng.randrange(10000)} for {rng.choice(WORDS)}"
    n = rng.randrange(3, 10)
    return "    " * rng.randrange(3) + " ".join(rng.choice(WORDS) for _ in range(n)) + (
        f" = {rng.randrange(1000)};" if rng.random() < 0.5 else ""
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--commits", type=int, default=10000)
    ap.add_argument("--secrets", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    a.dest = os.path.abspath(a.dest)
    rng = random.Random(a.seed)
    if os.path.exists(a.dest):
        sys.exit(f"{a.dest} exists")
    subprocess.run(["git", "init", "-q", "-b", "main", a.dest], check=True)
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    marks = os.path.join(a.dest, ".git", "bench-marks")
    fi = subprocess.Popen(
        ["git", "-C", a.dest, "fast-import", "--quiet", f"--export-marks={marks}"],
        stdin=subprocess.PIPE,
        env=env,
    )
    out = fi.stdin

    files = {}
    for i in range(300):
        d = rng.choice(["src", "lib", "scripts", "config", "docs", "tests"])
        ext = rng.choice([".py", ".sh", ".ts", ".go", ".yml", ".md"])
        files[f"{d}/mod{i:03d}{ext}"] = [line(rng) for _ in range(rng.randrange(20, 160))]

    n_main = round(a.secrets * 0.6)
    n_side = round(a.secrets * 0.2)
    n_tag = a.secrets - n_main - n_side
    # Commits (1-based marks on main) where secrets go in; side branches and tags fork there too.
    spots = sorted(rng.sample(range(2, a.commits - 60), a.secrets))
    rng.shuffle(spots)
    plan = {}
    for k, c in enumerate(spots):
        kind = "main" if k < n_main else "side" if k < n_main + n_side else "tag"
        plan[c] = (k, kind)
    removals = {}
    planted = []
    mark = 0
    t0 = 1_700_000_000

    def commit(ref, msg, changes, parent=None):
        nonlocal mark
        mark += 1
        out.write(f"commit {ref}\nmark :{mark}\n".encode())
        out.write(f"author Bench <bench@example.com> {t0 + mark * 60} +0000\n".encode())
        out.write(f"committer Bench <bench@example.com> {t0 + mark * 60} +0000\n".encode())
        m = msg.encode()
        out.write(f"data {len(m)}\n".encode() + m + b"\n")
        if parent is not None:
            out.write(f"from :{parent}\n".encode())
        for path, content in changes:
            if content is None:
                out.write(f"D {path}\n".encode())
            else:
                data = content.encode()
                out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        return mark

    def text(path):
        return "\n".join(files[path]) + "\n"

    main_head = None
    for i in range(1, a.commits + 1):
        changes = []
        for _ in range(rng.randrange(1, 4)):
            path = rng.choice(list(files))
            lines = files[path]
            for _ in range(rng.randrange(1, 4)):
                j = rng.randrange(len(lines) + 1)
                if rng.random() < 0.5 and j < len(lines):
                    lines[j] = line(rng)
                else:
                    lines.insert(j, line(rng))
            changes.append((path, text(path)))
        r = rng.random()
        if r < 0.02:
            path = f"{rng.choice(['src', 'lib', 'tools'])}/new{i:05d}.py"
            files[path] = [line(rng) for _ in range(rng.randrange(10, 80))]
            changes.append((path, text(path)))
        elif r < 0.03 and len(files) > 50:
            path = rng.choice(list(files))
            del files[path]
            changes = [(p, c) for p, c in changes if p != path] + [(path, None)]
        secret_file = None
        if i in plan:
            k, kind = plan[i]
            tok = token(rng)
            secret_file = (f"deploy/secret{k:02d}.env", tok, kind, k)
            if kind == "main":
                changes.append((secret_file[0], f"# service {k}\nJIRA_API_TOKEN={tok}\n"))
                if k % 2 == 0:
                    removals.setdefault(i + rng.randrange(1, 50), []).append(secret_file[0])
        for path in removals.pop(i, []):
            changes.append((path, None))
        main_head = commit("refs/heads/main", f"change {i}", changes, parent=main_head)
        if secret_file and secret_file[2] != "main":
            path, tok, kind, k = secret_file
            ref = f"refs/heads/side-{k:02d}" if kind == "side" else f"refs/tags/rel-{k:02d}"
            m = commit(ref, f"{kind} {k}", [(path, f"JIRA_API_TOKEN={tok}\n")], parent=main_head)
            planted.append((path, m, kind, tok))
        elif secret_file:
            planted.append((secret_file[0], main_head, "main", secret_file[1]))
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    ids = {}
    with open(marks) as f:
        for l in f:
            m, oid = l.split()
            ids[int(m[1:])] = oid
    os.remove(marks)
    subprocess.run(["git", "-C", a.dest, "checkout", "-q", "-f", "main"], check=True, env=env)
    subprocess.run(["git", "-C", a.dest, "gc", "-q"], check=True, env=env)
    manifest = [
        {"file": p, "commit": ids[m], "kind": kind, "sha256": hashlib.sha256(t.encode()).hexdigest()}
        for p, m, kind, t in planted
    ]
    with open(os.path.join(os.path.dirname(os.path.abspath(a.dest)), "planted.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{a.dest}: {mark} commits, {len(manifest)} planted secrets")


if __name__ == "__main__":
    main()
