#!/usr/bin/env bash
# Interruption failover on the local all-in-one: notice -> new primary serving, with and without a replica.
# Not part of the test suite. From the repository root, with PostgreSQL on 127.0.0.1:5432 (as for the tests):
#   benchmarks/failover.sh [rounds=3] [launch-delay=PT2S] [poll-interval=PT5S]
# Builds the reactor up to `local` (no install; the UI as a placeholder page, so run the UI build again before
# tests that serve the fleet page) and runs com.spotoptimizer.local.bench.FailoverBench.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o -pl local -am test-compile dependency:build-classpath -Dui.skipNpm=true \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
java -cp "local/target/test-classes:local/target/classes:$(cat local/target/test.classpath)" \
  com.spotoptimizer.local.bench.FailoverBench "$@"
