#!/usr/bin/env bash
# EC2 pacing benchmark (see README.md). Compiles the local module and its dependencies in the reactor (no install),
# then runs PacingBench with the test classpath. Arguments go to the bench, e.g. launches=3000 time-scale=10.
set -euo pipefail
cd "$(dirname "$0")/../.."
# One invocation: the reactor hands sibling modules' target/classes to build-classpath.
./mvnw -B -q -o -pl local -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/pacing-bench.classpath -Dmdep.includeScope=test -Dui.skipNpm=true
CP="local/target/test-classes:local/target/classes:$(cat local/target/pacing-bench.classpath)"
exec java -Xmx2g -cp "$CP" com.spotoptimizer.local.bench.PacingBench "$@"
