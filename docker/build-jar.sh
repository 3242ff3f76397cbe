#!/usr/bin/env bash
# Used by the Dockerfiles' build stage, from the repository root:
#   build-jar.sh boot MODULE OUT   builds MODULE with the modules it needs and copies its executable
#                                  Spring Boot jar to OUT: the repackaged main jar, or the classified one
#                                  (e.g. MODULE-*-exec.jar); if the pom does not repackage, it is done here
#   build-jar.sh plain MODULE OUT  builds MODULE and copies its jar to OUT/app.jar and its runtime
#                                  dependencies to OUT/lib
set -euo pipefail
kind=$1 module=$2 out=$3
mvn() { ./mvnw -B -ntp -Dmaven.test.skip=true "$@"; }
jars() {  # the module's built jars, without sources, javadoc and test jars
  local j
  for j in "$module"/target/"$module"-*.jar; do
    case "$j" in *-sources.jar | *-javadoc.jar | *-tests.jar) ;; *) [ -f "$j" ] && echo "$j" ;; esac
  done
}
boot_jar() {
  local j
  for j in $(jars); do
    if jar tf "$j" | grep -q '^BOOT-INF/'; then echo "$j"; return 0; fi
  done
  return 1
}

case "$kind" in
  boot)
    mvn -pl "$module" -am clean install
    if ! jar_path=$(boot_jar); then
      mvn -pl "$module" package spring-boot:repackage
      jar_path=$(boot_jar)
    fi
    mkdir -p "$(dirname "$out")"
    cp "$jar_path" "$out"
    ;;
  plain)
    mvn -pl "$module" -am clean package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$PWD/$module/target/lib"
    mkdir -p "$out"
    cp "$(jars | head -n 1)" "$out/app.jar"
    cp -r "$module/target/lib" "$out/lib"
    ;;
  *) echo "usage: $0 boot|plain MODULE OUT" >&2; exit 2 ;;
esac
echo "built $module -> $out"
