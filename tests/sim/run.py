#!/usr/bin/env python3
"""Run every scenario of tests/sim/scenarios.py against target/release/atlcheck doctor.

For each scenario: load its world into the simulator (one server per host, shared across scenarios),
run `atlcheck doctor --format json --timeout 5 ...` with ATLCHECK_CONNECT_TO pointing at it, and compare
`root_cause` with the expected code. Prints a table and the accuracy; for mismatches the findings and
the failing checks. Also checks that no secret appears in stdout/stderr and that no write was sent.

usage: run.py [--bin PATH] [--only SUBSTRING] [--verbose]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import atlassian_sim  # noqa: E402
import scenarios  # noqa: E402

READ_ONLY_POSTS = ("/permissions/check", "/permission/check", "/search/jql", "/oauth/token")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "target", "release", "atlcheck"))
    ap.add_argument("--only", default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    sim = atlassian_sim.Sim(scenarios.SCENARIOS[0]["world"])
    hosts = list(scenarios.SCENARIOS[0]["world"]["sites"]) + [atlassian_sim.GATEWAY, atlassian_sim.AUTH_HOST]
    bases = sim.start(hosts)
    connect_to = ",".join(f"{h}={b}" for h, b in bases.items())
    home = tempfile.mkdtemp(prefix="atlsim-home-")

    rows = []
    details = []
    for s in scenarios.SCENARIOS:
        if args.only and args.only not in s["name"]:
            continue
        sim.world = s["world"]
        sim.log = []
        req = s["request"]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "NO_COLOR": "1",
               "ATLCHECK_CONNECT_TO": connect_to}
        cmd = [args.bin, "doctor", "--format", "json", "--timeout", "5", "--no-netrc"] + req["flags"]
        if req.get("method"):
            cmd += ["--method", req["method"]]
        if "auth_header" in req:
            env["SIM_AUTH"] = req["auth_header"]
            cmd += ["--auth-header-env", "SIM_AUTH"]
        if "email" in req:
            env["ATLASSIAN_EMAIL"] = req["email"]
        if "token" in req:
            env["ATLASSIAN_API_TOKEN"] = req["token"]
        if "client_id" in req:
            cmd += ["--client-id", req["client_id"]]
            env["ATLASSIAN_CLIENT_SECRET"] = req["client_secret"]
        if "curl" in req:
            cmd += ["--"] + req["curl"]
        else:
            cmd += [req["url"]]
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
            out, err, rc = p.stdout, p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out, err, rc = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "TIMEOUT", -1
        try:
            rep = json.loads(out)
            got = rep.get("root_cause")
            verdict = rep.get("verdict")
        except Exception:
            rep, got, verdict = None, "<no json>", "-"
        leaks = [sec for sec in s["secrets"] if len(sec) >= 8 and (sec.strip() in out or sec.strip() in err)]
        # the Basic payload's base64 and the bare token (stripped of quotes/CR) count too
        writes = [f'{e["method"]} {e["host"]}{e["target"]}' for e in sim.log
                  if e["method"] not in ("GET", "HEAD") and not any(x in e["target"] for x in READ_ONLY_POSTS)]
        exp = s["expect"]
        if got == exp:
            mark = "PASS"
        elif got in s["also_ok"]:
            mark = "ok~"
        else:
            mark = "FAIL"
        if leaks:
            mark += "+LEAK"
        if writes:
            mark += "+WRITE"
        rows.append((s["name"], str(exp), str(got), verdict, rc, mark))
        if not mark.startswith("PASS") or args.verbose:
            d = [f"### {s['name']}  expected {exp}  got {got}  (exit {rc})",
                 f"    cmd: {' '.join(c if len(c) < 60 else c[:20] + '…' for c in cmd[1:])}",
                 f"    rests on: {s['rests_on']}"]
            if rep:
                for f in rep.get("findings", []):
                    d.append(f"    finding {f.get('rule')} [{f.get('severity')}]: {f.get('message')}")
                for c in rep.get("checks", []):
                    if c.get("status") in ("fail", "warn", "error") or args.verbose:
                        d.append(f"    check {c.get('id')} {c.get('status')}: {c.get('title')} — {str(c.get('detail'))[:300]}")
                        for ev in c.get("evidence", []) or []:
                            if isinstance(ev, dict):
                                d.append(f"        {ev.get('method')} {ev.get('url')} → {ev.get('status')} "
                                         f"{str(ev.get('body'))[:160]!s}")
            else:
                d.append("    stdout: " + out[:800])
                d.append("    stderr: " + err[:800])
            d.append("    sim log: " + "; ".join(f'{e["method"]} {e["host"]}{e["target"][:90]} {e["status"]}' for e in sim.log[:30]))
            if leaks:
                d.append(f"    LEAK: {len(leaks)} secret(s) found in output")
            if writes:
                d.append(f"    WRITE sent: {writes}")
            details.append("\n".join(d))

    sim.stop()
    w = max(len(r[0]) for r in rows)
    print(f"{'scenario':<{w}}  {'expected':<8}  {'got':<10}  {'verdict':<12}  exit  result")
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:<8}  {r[2]:<10}  {str(r[3]):<12}  {r[4]:<4}  {r[5]}")
    n = len(rows)
    strict = sum(1 for r in rows if r[5].startswith("PASS"))
    lenient = sum(1 for r in rows if r[5].startswith(("PASS", "ok~")))
    leaks = sum(1 for r in rows if "LEAK" in r[5])
    writes = sum(1 for r in rows if "WRITE" in r[5])
    print(f"\naccuracy: {strict}/{n} = {100.0 * strict / n:.1f}% strict; {lenient}/{n} = {100.0 * lenient / n:.1f}% "
          f"counting also-acceptable answers; leaks: {leaks}; writes: {writes}")
    if details:
        print("\n" + "\n\n".join(details))
    return 0 if strict == n and not leaks and not writes else 1


if __name__ == "__main__":
    sys.exit(main())
