#!/usr/bin/env bash
# Runs the Homeport server on its embedded defaults (or with the arguments given to `serve`),
# building target/homeport.jar first when it is missing or older than the sources.
# Usage: scripts/run.sh [serve options]    e.g. scripts/run.sh --config config/homeport.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/homeport.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml config src -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  scripts/ensure-tools.sh
  echo "building $jar ..." >&2
  mvn -B -q -DskipTests package >&2
fi
exec java ${HOMEPORT_JAVA_OPTS:-} -jar "$jar" serve "$@"
