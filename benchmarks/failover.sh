#!/usr/bin/env bash
# Interruption failover on the local all-in-one: notice -> new primary serving, with and without a replica.
# Not part of the test suite. From the repository root, with PostgreSQL on 127.0.0.1:5432 (as for the tests),
# after the modules are installed once (see benchmarks/lifecycle/README.md):
#   benchmarks/failover.sh [rounds=3] [launch-delay=PT2S] [poll-interval=PT5S]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o -pl local test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.mainClass=com.spotoptimizer.local.bench.FailoverBench -Dexec.classpathScope=test \
  -Dexec.args="$*"
