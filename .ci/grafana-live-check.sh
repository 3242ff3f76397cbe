#!/usr/bin/env bash
# Live check of the Grafana dashboards: every panel query returns data from a real Prometheus scraping a
# running local all-in-one that has seen some traffic.
#
#   bash .ci/grafana-live-check.sh
#
# 1. starts local/target/spot-optimizer-local.jar (built if missing; run from a copy, so a rebuild cannot
#    pull it from under the JVM) on free loopback ports with its own database spot_grafana_check_<pid>;
# 2. starts Prometheus (Debian package, installed if missing) scraping its /actuator/prometheus every 2 s
#    as job spot-api (in local mode the demo-agent worker runs in the API's JVM, so the agent-worker
#    series — spot_ec2_*, spot_orphan_* — are on the same endpoint; no panel query matches on `job`);
# 3. makes traffic in two rounds (the second one moves counters that the first one created, so rates are
#    not 0): launches on demo-agent (EC2 simulator) and demo-http-agent (confirmed over the HTTP agent
#    protocol), a launch that fails (image ami-invalid… → InvalidParameterValue), terminations, HTTP agent
#    heartbeats and a command result, and an SSE subscriber (ticket) open throughout;
# 4. waits for the scrapes after the traffic, then runs `grafana/list-queries.sh --run` and fails if any
#    query is not OK.
# Everything it starts is stopped on exit; the database is dropped. Bounded: GRAFANA_CHECK_BUDGET
# seconds (180) for steps 1–4, not counting a jar build or a package install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
JAR="$root/local/target/spot-optimizer-local.jar"
BUDGET=${GRAFANA_CHECK_BUDGET:-180}

if [[ -z "${_GRAFANA_LIVE_CHECK_TIMED:-}" ]]; then
  # --- prerequisites (outside the time budget) --------------------------------------------------------
  for tool in java python3 curl; do
    command -v "$tool" >/dev/null || { echo "grafana-live-check: $tool is required" >&2; exit 1; }
  done
  if ! command -v prometheus >/dev/null; then
    echo "grafana-live-check: installing prometheus (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
  if [[ ! -f "$JAR" ]]; then
    echo "grafana-live-check: building $JAR"
    ./mvnw -B -q install -DskipTests
  fi
  export _GRAFANA_LIVE_CHECK_TIMED=1
  exec timeout -k 20 "$BUDGET" bash "${BASH_SOURCE[0]}" "$@"
fi

started=$SECONDS
say() { printf '[grafana-live-check +%ss] %s\n' "$((SECONDS - started))" "$*"; }
tmp=$(mktemp -d /tmp/grafana-live-check.XXXXXX)
db="spot_grafana_check_$$"
api_pid='' prom_pid='' sse_pid=''

stop_pid() {  # stop_pid PID SECONDS: TERM, then KILL after SECONDS
  local pid=$1 wait=$2 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait * 5; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$sse_pid" 2
  stop_pid "$prom_pid" 10
  stop_pid "$api_pid" 20
  if command -v dropdb >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    dropdb -h 127.0.0.1 -U postgres --if-exists "$db" 2>/dev/null || true
  fi
  if ((rc != 0)) && [[ -f "$tmp/api.log" ]]; then
    echo "--- last lines of the all-in-one's log ---"; tail -n 40 "$tmp/api.log"
    [[ -f "$tmp/prometheus.log" ]] && { echo "--- prometheus log ---"; tail -n 20 "$tmp/prometheus.log"; }
  fi
  rm -rf "$tmp"
  ((rc == 124 || rc == 143)) && echo "grafana-live-check: FAILED: over the ${BUDGET}s budget" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

read -r api_port temporal_port ec2_port prom_port pg_port < <(python3 - <<'PY'
import socket
socks = []
for _ in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)
api="http://127.0.0.1:$api_port"
prom="http://127.0.0.1:$prom_port"

# --- 1. the local all-in-one ---------------------------------------------------------------------------
cp "$JAR" "$tmp/local.jar"
say "starting the local all-in-one on $api (database $db, Temporal :$temporal_port, EC2 simulator :$ec2_port)"
SPOT_LOCAL_DATABASE="$db" SPOT_LOCAL_DATA="$tmp/data" SPOT_LOCAL_EMBEDDED_PG_PORT="$pg_port" \
SPOT_LOCAL_TEMPORAL_PORT="$temporal_port" SPOT_LOCAL_EC2_PORT="$ec2_port" \
SPOT_LOCAL_EC2_LAUNCH_DELAY=PT1S SPOT_LOCAL_EC2_TERMINATE_DELAY=PT1S SPOT_LOCAL_AGENT_POLL_INTERVAL=PT0.3S \
  java -Xmx768m -jar "$tmp/local.jar" --server.port="$api_port" --server.address=127.0.0.1 \
    --spot.metrics.fleet-refresh=2s >"$tmp/api.log" 2>&1 </dev/null &
api_pid=$!
until curl -sf "$api/actuator/health" >/dev/null 2>&1; do
  kill -0 "$api_pid" 2>/dev/null || { echo "grafana-live-check: the all-in-one exited during start-up" >&2; exit 1; }
  ((SECONDS - started < 120)) || { echo "grafana-live-check: the all-in-one did not come up in 120 s" >&2; exit 1; }
  sleep 1
done
say "all-in-one is up"

# --- 2. Prometheus -------------------------------------------------------------------------------------
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: spot-api
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$api_port"]
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" --storage.tsdb.retention.time=1h --log.level=warn \
  >"$tmp/prometheus.log" 2>&1 </dev/null &
prom_pid=$!

prom_value() {  # prom_value EXPR: the first result's value, or nothing
  curl -sf --get "$prom/api/v1/query" --data-urlencode "query=$1" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null || true
}
wait_for_scrapes() {  # wait_for_scrapes N: until Prometheus has N more successful scrapes of the API
  local want=$1 base now
  base=$(prom_value 'count_over_time(up{job="spot-api"}[10m])'); base=${base:-0}
  for _ in $(seq 1 60); do
    now=$(prom_value 'count_over_time(up{job="spot-api"}[10m])')
    [[ -n "$now" && $(prom_value 'up{job="spot-api"}') == 1 ]] && ((now - base >= want)) && return 0
    kill -0 "$prom_pid" 2>/dev/null || { echo "grafana-live-check: prometheus exited" >&2; return 1; }
    sleep 1
  done
  echo "grafana-live-check: Prometheus did not scrape $api/actuator/prometheus" >&2
  return 1
}
wait_for_scrapes 1
say "prometheus on $prom scrapes the API every 2 s"

# --- 3. traffic ----------------------------------------------------------------------------------------
ticket=$(curl -sf -X POST -H 'Authorization: Bearer demo-client-token' "$api/api/events/tickets" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["ticket"])')
curl -sN -H 'Accept: text/event-stream' "$api/api/events/stream/demo?ticket=$ticket" >"$tmp/sse.log" 2>&1 &
sse_pid=$!

traffic() {  # traffic ROUND
  python3 - "$api" "$1" <<'PY'
import json, sys, time, urllib.error, urllib.request

api, round_ = sys.argv[1], sys.argv[2]
CLIENT, HTTP_AGENT, HTTP_AGENT_TOKEN = "demo-client-token", "demo-http-agent", "demo-http-agent-token"

def call(method, path, body=None, token=CLIENT, ok=(200, 201, 202, 204)):
    req = urllib.request.Request(api + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                                          **({"Content-Type": "application/json"} if body is not None else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if status not in ok:
        sys.exit(f"{method} {path} -> {status} {text}")
    return json.loads(text) if text else None

def launch(agent, itype, role, tag, image=None):
    body = {"agent_id": agent, "instance_type": itype, "role": role, "request_id": f"grafana-check-{round_}-{tag}"}
    if image:
        body["metadata"] = {"image_id": image}
    return call("POST", "/api/client/instances/launch", body)["instance_id"]

def wait(instance_id, *statuses, timeout=40):
    until = time.time() + timeout
    while True:
        inst = call("GET", f"/api/client/instances/{instance_id}")
        if inst["status"] in statuses:
            return inst
        if time.time() > until:
            sys.exit(f"instance {instance_id} is {inst['status']}, not {'|'.join(statuses)}")
        time.sleep(0.2)

def http_agent_commands():
    return call("GET", f"/api/agents/{HTTP_AGENT}/pending-commands", token=HTTP_AGENT_TOKEN)

def http_agent_confirm(instance_id, command_type, path, extra):
    until = time.time() + 20
    while time.time() < until:
        for c in http_agent_commands():
            if c.get("instance_id") == instance_id and c.get("command_type") == command_type:
                call("POST", f"/api/agents/{HTTP_AGENT}/{path}", {"instance_id": instance_id, **extra},
                     token=HTTP_AGENT_TOKEN)
                call("POST", f"/api/agents/{HTTP_AGENT}/commands/{c['command_id']}/result",
                     {"success": True, "message": f"{command_type} done"}, token=HTTP_AGENT_TOKEN)
                return
        time.sleep(0.2)
    sys.exit(f"no {command_type} command for {instance_id} on {HTTP_AGENT}")

call("POST", f"/api/agents/{HTTP_AGENT}/heartbeat", token=HTTP_AGENT_TOKEN)
primary = launch("demo-agent", "t3.micro", "primary", "primary")
replica = launch("demo-agent", "t3.small", "replica", "replica")
failing = launch("demo-agent", "t3.micro", "replica", "invalid-image", image=f"ami-invalid-{round_}")
via_http = launch(HTTP_AGENT, "m5.large", "replica", "http")
ec2_http = f"i-0{round_}{'0' * 15}"[:19]
http_agent_confirm(via_http, "LAUNCH_INSTANCE", "instance-launched", {"ec2_instance_id": ec2_http, "state": "running"})
for i in (primary, replica, via_http):
    wait(i, "running_primary", "running_replica")
failed = wait(failing, "launch_failed")
assert "InvalidParameterValue" in (failed.get("failure_reason") or ""), failed
call("POST", f"/api/agents/{HTTP_AGENT}/heartbeat", token=HTTP_AGENT_TOKEN)
call("POST", f"/api/client/instances/{primary}/terminate")
call("POST", f"/api/client/instances/{via_http}/terminate")
http_agent_confirm(via_http, "TERMINATE_INSTANCE", "instance-terminated", {"ec2_instance_id": ec2_http})
for i in (primary, via_http):
    wait(i, "terminated")
print(f"round {round_}: 4 launches (1 failed: InvalidParameterValue), 2 terminations, 1 replica left running")
PY
}
traffic 1 | while read -r line; do say "$line"; done
wait_for_scrapes 2
traffic 2 | while read -r line; do say "$line"; done
wait_for_scrapes 3
grep -q '^id:' "$tmp/sse.log" || { echo "grafana-live-check: the SSE subscriber received no event" >&2; exit 1; }
say "SSE subscriber received $(grep -c '^id:' "$tmp/sse.log") events"

# --- 4. every dashboard query -------------------------------------------------------------------------
say "running every dashboard query against $prom"
queries_ok=0
grafana/list-queries.sh --run "$prom" >"$tmp/queries.out" 2>&1 || queries_ok=$?
sed 's/^/  /' "$tmp/queries.out"
if ((queries_ok != 0)); then
  grep -v '^OK' "$tmp/queries.out" | grep -v 'queries returned data' | sed 's/^/  NOT OK: /' || true
  say "grafana-live-check: FAILED"
  exit 1
fi
# Stricter than "a result came back": a panel whose every value is NaN (e.g. a quantile of no observations)
# draws nothing, so it fails too. Panels with an `or vector(0)` fallback that answer a bare 0 are listed
# (fine: they count things the traffic does not cause, such as throttling, orphans or failed workflows).
grafana/list-queries.sh --tsv >"$tmp/queries.tsv"
python3 - "$prom" "$tmp/queries.tsv" <<'PY' || { say "grafana-live-check: FAILED"; exit 1; }
import json, math, sys, urllib.parse, urllib.request
prom, tsv = sys.argv[1:]
nan_only, fallback_only = [], []
for line in open(tsv):
    file, title, expr = line.rstrip("\n").split("\t")
    with urllib.request.urlopen(prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr}), timeout=10) as r:
        result = json.load(r)["data"]["result"]
    values = [float(s["value"][1]) for s in result]
    if values and all(math.isnan(v) for v in values):
        nan_only.append(f"{file} / {title}: {expr}")
    elif "vector(0)" in expr and len(result) == 1 and not result[0]["metric"] and values == [0.0]:
        fallback_only.append(f"{file} / {title}")
for q in fallback_only:
    print(f"  answers 0 (nothing of the kind in this traffic): {q}")
for q in nan_only:
    print(f"  NOT OK (every value NaN): {q}")
sys.exit(1 if nan_only else 0)
PY
say "grafana-live-check: OK (every dashboard query returned data)"
