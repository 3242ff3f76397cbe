#!/usr/bin/env bash
# SSE benchmark, on demand (not a test): how many concurrent SSE subscribers one API process holds, its
# heap and RSS per idle connection, and publish->receipt latency while events flow to all of them; then
# the same load against nginx + nchan. Loopback only; bounded in time (a few minutes) and traffic.
#
#   benchmarks/sse-bench/run.sh                      # 10,000 subscribers, 50 warm-up + 100 measured events at 5/s
#   SUBSCRIBERS=2000 EVENTS=50 benchmarks/sse-bench/run.sh
#   CLIENTS=1000 benchmarks/sse-bench/run.sh         # many clients: 10 streams each, events spread over them
#   STORM_AT=0.3 benchmarks/sse-bench/run.sh         # reconnect storm: every stream cut at once and resumed
#
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth; the script creates database spot_bench), a JDK with
# jcmd, and for the comparison `apt-get install -y nginx libnginx-mod-nchan` (skipped if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SUBSCRIBERS=${SUBSCRIBERS:-10000}
EVENTS=${EVENTS:-100}
WARMUP=${WARMUP:-50}
RATE=${RATE:-5}
CONCURRENCY=${CONCURRENCY:-200}
API_PORT=${API_PORT:-18080}
NCHAN_PORT=${NCHAN_PORT:-18081}
API_HEAP=${API_HEAP:-1g}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
DATABASE=${DATABASE:-spot_bench}
HISTOGRAMS=${HISTOGRAMS:-}   # a directory: heap histograms at 10% and 100% of the subscribers, and their diff per stream
NCHAN=${NCHAN:-true}         # false: the API half only
CLIENTS=${CLIENTS:-1}        # subscriber i streams client i % CLIENTS; event e goes to client e % CLIENTS
STORM_AT=${STORM_AT:--1}     # 0..1: after this fraction of the measured events, cut every stream at once and resume it
LOOPS=${LOOPS:-0}            # the load generator's event-loop threads (0: Reactor Netty's default)
LOADGEN_HEAP=${LOADGEN_HEAP:-1g}
API_JAVA_OPTS=${API_JAVA_OPTS:-}   # extra JVM options for the API (e.g. -Dreactor.netty.ioWorkerCount=2)

ulimit -n 200000 2>/dev/null || ulimit -n 65536 2>/dev/null || true
echo "[run] open files limit: $(ulimit -n); cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg);"\
  "subscribers=$SUBSCRIBERS clients=$CLIENTS events=$EVENTS (+$WARMUP warm-up) rate=$RATE/s storm_at=$STORM_AT"
# Each process needs a descriptor per stream plus a few hundred (its class path alone is ~200 jars).
if (( $(ulimit -n) < SUBSCRIBERS + 500 )); then
  echo "[run] ulimit -n is too low for $SUBSCRIBERS subscribers; run as root or raise it" >&2
  exit 1
fi

if [[ "${SKIP_BUILD:-false}" != "true" ]]; then
  echo "[run] building the harness (mvn -Pbench)"
  ./mvnw -B -q ${MVN_OFFLINE--o} -Pbench -pl benchmarks/sse-bench -am package -DskipTests -Dui.skipNpm=true
fi
CP="$ROOT/benchmarks/sse-bench/target/sse-bench.jar:$ROOT/benchmarks/sse-bench/target/lib/*"
WORK=$(mktemp -d /tmp/sse-bench.XXXXXX)
API_PID=""
NGINX_PID=""
cleanup() {
  [[ -n "$API_PID" ]] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "[run] starting the API (heap $API_HEAP) on 127.0.0.1:$API_PORT; log $WORK/api.log"
# AlwaysPreTouch: the whole heap is resident from the start, so the RSS growth per stream is the off-heap
# part (direct buffers, native memory) and the heap part is the live heap after a full GC; without it RSS
# grows with whatever heap pages the allocations of connecting happen to touch (13 to 64 KB per stream
# between two runs of the same code).
java -Xms"$API_HEAP" -Xmx"$API_HEAP" -XX:+UseG1GC -XX:+AlwaysPreTouch -Dbench.clients="$CLIENTS" $API_JAVA_OPTS -cp "$CP" com.spotoptimizer.bench.BenchServer "$API_PORT" "$DATABASE" \
  > "$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 300); do
  grep -q BENCH-SERVER-READY "$WORK/api.log" && break
  kill -0 "$API_PID" 2>/dev/null || { cat "$WORK/api.log"; exit 1; }
  sleep 1
done
grep -q BENCH-SERVER-READY "$WORK/api.log" || { echo "[run] API did not start" >&2; tail -50 "$WORK/api.log"; exit 1; }

LOAD=(--subscribers="$SUBSCRIBERS" --clients="$CLIENTS" --events="$EVENTS" --warmup="$WARMUP" --rate="$RATE"
  --concurrency="$CONCURRENCY" --storm-at="$STORM_AT" --loops="$LOOPS")
timeout 900 java -Xmx"$LOADGEN_HEAP" -cp "$CP" com.spotoptimizer.bench.SseLoad --target=api --label=api --port="$API_PORT" \
  "${LOAD[@]}" \
  --jdbc="jdbc:postgresql://127.0.0.1:5432/$DATABASE" --java-pid="$API_PID" --rss-pids="$API_PID" \
  --histogram-dir="$HISTOGRAMS" | tee "$WORK/api.out"
kill "$API_PID"; wait "$API_PID" 2>/dev/null || true; API_PID=""

if [[ "$NCHAN" != "true" ]]; then
  echo "[run] NCHAN=$NCHAN: comparison skipped"
elif command -v nginx >/dev/null && [[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]]; then
  sed -e "s#__DIR__#$WORK#g" -e "s#__PORT__#$NCHAN_PORT#g" -e "s#__WORKERS__#$NGINX_WORKERS#g" \
    benchmarks/sse-bench/nchan.conf.template > "$WORK/nginx.conf"
  echo "[run] starting nginx + nchan ($NGINX_WORKERS workers) on 127.0.0.1:$NCHAN_PORT"
  nginx -c "$WORK/nginx.conf" -p "$WORK"
  for _ in $(seq 1 50); do [[ -s "$WORK/nginx.pid" ]] && break; sleep 0.1; done
  NGINX_PID=$(cat "$WORK/nginx.pid")
  sleep 0.5
  PIDS="$NGINX_PID,$(pgrep -P "$NGINX_PID" | paste -sd, -)"
  timeout 900 java -Xmx"$LOADGEN_HEAP" -cp "$CP" com.spotoptimizer.bench.SseLoad --target=nchan --label=nchan --port="$NCHAN_PORT" \
    "${LOAD[@]}" --rss-pids="$PIDS" | tee "$WORK/nchan.out"
  kill -QUIT "$NGINX_PID"; NGINX_PID=""
else
  echo "[run] nginx with nchan not installed (apt-get install -y nginx libnginx-mod-nchan): comparison skipped"
fi

echo
echo "== SSE benchmark: $SUBSCRIBERS subscribers over $CLIENTS client(s), storm_at=$STORM_AT, $EVENTS events (+$WARMUP warm-up) at $RATE/s, $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), load generator on the same machine =="
grep -h '^RESULT' "$WORK"/*.out | sed 's/^RESULT //'
echo
# The issue's table: API and nchan side by side, from this run.
grep -h '^RESULT' "$WORK"/*.out | python3 -c '
import sys
rows = {}
for line in sys.stdin:
    kv = dict(p.split("=", 1) for p in line.split()[1:])
    rows[kv["label"]] = kv
api, nchan = rows.get("api"), rows.get("nchan")
def f(r, k):
    return float(r[k]) if r and k in r else float("nan")
def ratio(a, b):
    return "%.2f×" % (a / b) if b == b and b > 0 else "n/a"
frames = int(f(api, "expected")) if api else 0
print("| figure | API | nchan | ratio |")
print("| --- | ---: | ---: | ---: |")
mem = f(api, "heap_per_conn_B") + max(0.0, f(api, "rss_per_conn_B"))
print("| memory per idle stream (API: live heap + off-heap RSS) | %.1f KB (heap %.1f KB + off-heap %.1f KB) | %.1f KB RSS | %s |"
      % (mem / 1024, f(api, "heap_per_conn_B") / 1024, f(api, "rss_per_conn_B") / 1024, f(nchan, "rss_per_conn_B") / 1024,
         ratio(mem, f(nchan, "rss_per_conn_B"))))
print("| connect %s streams | %.1f s | %.1f s | %s |" % ("{:,}".format(int(f(api, "subscribers"))), f(api, "connect_s"),
      f(nchan, "connect_s"), ratio(f(api, "connect_s"), f(nchan, "connect_s"))))
print("| publish → receipt p50 / p99 | %.0f / %.0f ms | %.0f / %.0f ms | %s / %s |" % (f(api, "p50_ms"), f(api, "p99_ms"),
      f(nchan, "p50_ms"), f(nchan, "p99_ms"), ratio(f(api, "p50_ms"), f(nchan, "p50_ms")), ratio(f(api, "p99_ms"), f(nchan, "p99_ms"))))
print("| server CPU for the %s frames | %.1f s | %.1f s | %s |" % ("{:,}".format(frames), f(api, "server_cpu_s"),
      f(nchan, "server_cpu_s"), ratio(f(api, "server_cpu_s"), f(nchan, "server_cpu_s"))))
print("| load generator CPU while publishing | %.1f s | %.1f s | |" % (f(api, "loadgen_cpu_s"), f(nchan, "loadgen_cpu_s")))
if f(api, "storm_s") >= 0 or f(nchan, "storm_s") >= 0:
    print("| reconnect storm: all %s streams live again after | %.1f s | %.1f s | %s |" % ("{:,}".format(int(f(api, "subscribers"))),
          f(api, "storm_s"), f(nchan, "storm_s"), ratio(f(api, "storm_s"), f(nchan, "storm_s"))))
    print("| reconnect storm: streams resumed, frames lost | %s, %s | %s, %s | |" % (api and api.get("storm_resumed"),
          api and api.get("lost"), nchan and nchan.get("storm_resumed"), nchan and nchan.get("lost")))
for name, r in (("API", api), ("nchan", nchan)):
    if r:
        print("| delivered, duplicates, frames of other clients (%s) | %s of %s, %s dup, %s foreign | | |"
              % (name, r["delivered"], r["expected"], r["dup"], r.get("foreign", "n/a")))
'
