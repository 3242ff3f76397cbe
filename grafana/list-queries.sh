#!/usr/bin/env bash
# Lists every panel query of the provisioned dashboards, one per line.
#   list-queries.sh                 expr per line (whitespace collapsed)
#   list-queries.sh --tsv           dashboard file, panel title, expr (tab-separated)
#   list-queries.sh --run URL       runs each expr as an instant query against Prometheus at URL and
#                                   prints OK/EMPTY/ERROR per query; exits 1 if any is not OK
# Dashboards: grafana/dashboards/*.json next to this script (override with DASHBOARDS_DIR).
set -euo pipefail
dir="${DASHBOARDS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/dashboards}"
exec python3 - "$dir" "$@" <<'PY'
import glob, json, os, signal, sys, urllib.parse, urllib.request

signal.signal(signal.SIGPIPE, signal.SIG_DFL)

directory, args = sys.argv[1], sys.argv[2:]
mode = args[0] if args else "--list"

def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))

rows = []
for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
    with open(path) as f:
        dash = json.load(f)
    for p in panels(dash.get("panels", [])):
        for t in p.get("targets", []):
            if t.get("expr"):
                rows.append((os.path.basename(path), p.get("title", ""), " ".join(t["expr"].split())))

if mode == "--list":
    for _, _, expr in rows:
        print(expr)
elif mode == "--tsv":
    for row in rows:
        print("\t".join(row))
elif mode == "--run" and len(args) == 2:
    base, bad = args[1].rstrip("/"), 0
    for file, title, expr in rows:
        url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                body = json.load(r)
            n = len(body["data"]["result"]) if body.get("status") == "success" else -1
            status = "OK" if n > 0 else ("EMPTY" if n == 0 else "ERROR")
        except Exception as e:  # HTTP 400 = bad expression
            status = f"ERROR {e}"
        bad += status != "OK"
        print(f"{status}\t{file}\t{title}\t{expr}")
    print(f"{len(rows) - bad}/{len(rows)} queries returned data", file=sys.stderr)
    sys.exit(1 if bad else 0)
else:
    sys.exit("usage: list-queries.sh [--tsv | --run PROMETHEUS_URL]")
PY
