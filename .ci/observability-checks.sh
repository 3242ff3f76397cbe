#!/usr/bin/env bash
# Static checks of the observability files: Prometheus rules, their unit tests and config, the
# Alertmanager config, docker-compose.yml, and the Grafana dashboards (JSON, PromQL syntax, and metric
# names limited to docs/METRICS.md, temporal_* and up). Installs the Debian tools it needs if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- tools (installed once; later runs find them) ---------------------------------------------------
packages=()
command -v promtool >/dev/null || packages+=(prometheus)
command -v amtool >/dev/null || packages+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || packages+=(docker-compose)
python3 -c 'import yaml' 2>/dev/null || packages+=(python3-yaml)
if ((${#packages[@]})); then
  echo "installing: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
PY=python3
$PY -c 'import yaml' 2>/dev/null || PY=/usr/bin/python3

# --- checks -------------------------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {  # check NAME COMMAND...: runs COMMAND, prints ok/FAIL, shows its output on failure
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then
    printf 'ok    %s\n' "$name"; passed=$((passed + 1))
  else
    printf 'FAIL  %s\n' "$name"; sed 's/^/      /' "$tmp/out"; failed=$((failed + 1))
  fi
}

in_dir() { (cd "$1" && shift && "$@"); }

check "promtool check rules prometheus/alert_rules.yml" promtool check rules prometheus/alert_rules.yml
check "promtool test rules prometheus/alert_rules_test.yml" in_dir prometheus promtool test rules alert_rules_test.yml
check "promtool check config prometheus/prometheus.yml" in_dir prometheus promtool check config prometheus.yml
check "amtool check-config prometheus/alertmanager.yml" amtool check-config prometheus/alertmanager.yml
check "docker-compose config -q" docker-compose -f docker-compose.yml config -q

json_ok() { local f; for f in grafana/dashboards/*.json; do $PY -m json.tool "$f" >/dev/null || { echo "$f"; return 1; }; done; }
check "dashboards are valid JSON" json_ok

grafana/list-queries.sh >"$tmp/queries"
queries_parse() {  # every dashboard query through Prometheus' own parser, as recording rules
  $PY - "$tmp/queries" >"$tmp/queries.rules.yml" <<'PY'
import sys, yaml
exprs = [l.strip() for l in open(sys.argv[1]) if l.strip()]
rules = [{"record": f"dashboard:query_{i}", "expr": e} for i, e in enumerate(exprs, 1)]
print(yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, width=1000))
PY
  promtool check rules "$tmp/queries.rules.yml"
}
check "dashboard queries are valid PromQL ($(wc -l <"$tmp/queries") queries)" queries_parse

names_known() {  # metric names in dashboards and alerts: docs/METRICS.md, temporal_*, up
  $PY - "$tmp/queries" prometheus/alert_rules.yml docs/METRICS.md <<'PY'
import re, sys, yaml
queries, rules_file, metrics_md = sys.argv[1:]
allowed = set()
for m in re.finditer(r"^\|\s*`([a-zA-Z_:][\w:]*)`\s*\|\s*(\w+)", open(metrics_md).read(), re.M):
    name, kind = m.groups()
    allowed.add(name)
    if kind == "histogram":
        allowed.update(name + s for s in ("_bucket", "_count", "_sum"))
exprs = [l.strip() for l in open(queries) if l.strip()]
for group in yaml.safe_load(open(rules_file))["groups"]:
    exprs += [r["expr"] for r in group["rules"]]
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "bool", "offset", "inf", "nan"}
def metric_names(expr):
    e = re.sub(r"#.*", "", expr)                                  # comments
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', e)   # strings
    e = re.sub(r"\{[^}]*\}", "", e)                               # label matchers
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\[[^\]]*\]", "", e)                              # ranges, subqueries
    e = re.sub(r"\boffset\s+\w+", "", e)
    for m in re.finditer(r"(?<![\w.:])([a-zA-Z_:][\w:]*)(\s*\()?", e):
        if not m.group(2) and m.group(1).lower() not in KEYWORDS:
            yield m.group(1)
bad, seen = set(), set()
for expr in exprs:
    for name in metric_names(expr):
        seen.add(name)
        if not (name in allowed or name.startswith("temporal_") or name == "up"):
            bad.add(name)
if bad:
    sys.exit("not in docs/METRICS.md: " + ", ".join(sorted(bad)))
print(f"{len(seen)} names: " + ", ".join(sorted(seen)))
PY
}
check "metric names are in docs/METRICS.md, temporal_* or up" names_known

alerts_tested() {  # every alert has a test where it fires and one where it stays quiet
  $PY - prometheus/alert_rules.yml prometheus/alert_rules_test.yml <<'PY'
import sys, yaml
rules, tests = (yaml.safe_load(open(f)) for f in sys.argv[1:])
alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
fires, quiet = set(), set()
for t in tests["tests"]:
    for a in t.get("alert_rule_test", []):
        (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
missing = [f"{a} ({'fires' if a not in fires else ''}{' ' if a not in fires and a not in quiet else ''}{'quiet' if a not in quiet else ''})"
           for a in sorted(alerts) if a not in fires or a not in quiet]
if missing:
    sys.exit("untested cases: " + ", ".join(missing))
PY
}
check "every alert has a firing and a quiet test case" alerts_tested

echo "observability checks: $passed passed, $failed failed ($(grep -c '^      - alert:' prometheus/alert_rules.yml) alerts, $(ls grafana/dashboards/*.json | wc -l) dashboards, $(wc -l <"$tmp/queries") panel queries)"
((failed == 0))
