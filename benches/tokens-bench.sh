#!/usr/bin/env bash
# benches/tokens-bench.sh: `atlcheck tokens` over 10,000 API tokens across 10 pages (issue 14).
#
# A zero-delay local mock (python3 ThreadingHTTPServer, reached through ATLCHECK_CONNECT_TO)
# serves 10 pre-built pages of 1,000 managed-account API tokens each, chained by `links.next`
# cursors, built once before timing starts. Expiries, last uses and creation dates are spread
# so that every rule fires on part of them (AT601 errors and warnings, AT602, AT603, AT604).
#
# Each run is the whole process: start-up, 10 GETs, parsing, judging, rendering. Wall time, CPU
# time and peak RSS come from GNU time (/usr/bin/time; not wait4 from python, whose ru_maxrss
# counts the forked python image before exec); RUNS (default 5) runs per format, the median
# wall and CPU time and the largest peak RSS are reported. The machine's load average is
# printed too: on a shared machine wall time follows it, CPU time does not.
# Targets: wall time under 1 s, peak RSS under 64 MiB.
#
# Usage: benches/tokens-bench.sh            (BUILD=0 skips cargo build --release)
# Output: Markdown on stdout and in target/bench/results/tokens-bench.md.

set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RES=$PWD/target/bench/results
mkdir -p "$RES" target/bench
[ "${BUILD:-1}" = 0 ] || cargo build --release --quiet
cp target/release/atlcheck target/bench/atlcheck-tokens-under-test # a snapshot: others rebuild
export ATL=$PWD/target/bench/atlcheck-tokens-under-test RUNS=${RUNS:-5}
python3 - <<'PY' | tee "$RES/tokens-bench.md"
import json, os, random, statistics, subprocess, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ATL, RUNS = os.environ["ATL"], int(os.environ["RUNS"])
ORG = "7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f"
KEY = "ATCTT3xFfGF0" + "QmVuY2htYXJrQWRtaW5LZXk" * 3 + "=0A1B2C3D"  # synthetic
NOW = "2026-11-29T12:00:00Z"
DAY = 86_400_000
NOW_MS = 1_795_953_600_000
PAGES, PER_PAGE = 10, 1000
random.seed(14)

def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)

def token(i):
    expires = NOW_MS + random.randint(-60, 365) * DAY + random.randint(0, DAY)
    created = expires - 365 * DAY
    last = None if i % 17 == 0 else NOW_MS - random.randint(0, 200) * DAY
    t = {"id": f"tok-{i:05d}-{random.getrandbits(64):016x}", "label": f"automation {i} ({random.choice(['ci', 'sync', 'export', 'backup'])})",
         "status": "BLOCKED" if i % 50 == 0 else "ALLOWED", "createdAt": iso(created),
         "expiresAt": None if i % 97 == 0 else iso(expires),
         "lastActiveAt": None if last is None else iso(last),
         "user": {"id": f"5b10ac8d82e05b22cc7d{i % 400:04d}", "orgId": ORG, "name": f"User {i % 400}", "email": f"user{i % 400}@acme.example"}}
    return t

BASE = f"/admin/api-access/v1/orgs/{ORG}/api-tokens"
pages = {}
for p in range(PAGES):
    items = [token(p * PER_PAGE + j) for j in range(PER_PAGE)]
    nxt = f"page-{p + 2}" if p + 1 < PAGES else None
    pages[None if p == 0 else f"page-{p + 1}"] = json.dumps({"data": items, "links": {"self": BASE, "next": nxt}}).encode()
page_bytes = sum(len(b) for b in pages.values())

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        path, _, query = self.path.partition("?")
        cursor = next((kv[7:] for kv in query.split("&") if kv.startswith("cursor=")), None)
        body = pages.get(cursor) if path == BASE and self.headers.get("Authorization") == f"Bearer {KEY}" else None
        status = 200 if body is not None else 404
        body = body or b'{"code":404}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
env = dict(os.environ, ATLCHECK_CONNECT_TO=f"api.atlassian.com=http://127.0.0.1:{srv.server_port}",
           ATLCHECK_NOW=NOW, ATLASSIAN_ADMIN_KEY=KEY, NO_COLOR="1")

TIMES = "target/bench/tokens-time.txt"

def run(fmt):
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", TIMES, ATL, "tokens", "--org", ORG,
                        "--sources", "api-tokens", "--format", fmt], capture_output=True, env=env)
    wall, user, sys_, rss_kb = open(TIMES).read().split()[-4:]
    return float(wall), float(user) + float(sys_), int(rss_kb) / 1024, p.returncode, p.stdout, p.stderr

print(f"# atlcheck tokens: {PAGES * PER_PAGE:,} tokens across {PAGES} pages ({page_bytes / 1e6:.1f} MB of JSON), zero-delay local mock\n")
print(f"Load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.\n")
print("| format | runs | wall median (s) | wall max (s) | CPU median (s) | peak RSS max (MiB) | exit | credentials | findings |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
ok = True
for fmt in ["json", "human", "csv", "markdown"]:
    walls, cpus, rss = [], [], []
    for _ in range(RUNS):
        wall, cpu, mib, code, out, err = run(fmt)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(mib)
    creds = findings = "-"
    if fmt == "json":
        doc = json.loads(out)
        creds, findings = len(doc["credentials"]), len(doc["findings"])
        assert doc["complete"] and creds == PAGES * PER_PAGE, err
    med = statistics.median(walls)
    ok &= med < 1.0 and max(rss) < 64
    print(f"| {fmt} | {RUNS} | {med:.2f} | {max(walls):.2f} | {statistics.median(cpus):.2f} | {max(rss):.1f} | {code} | {creds} | {findings} |")
print(f"\nLoad average after: {os.getloadavg()[0]:.1f}. Targets (median wall < 1 s, peak RSS < 64 MiB): {'met' if ok else 'NOT MET'}.")
srv.shutdown()
PY
