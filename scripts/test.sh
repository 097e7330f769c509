#!/usr/bin/env bash
# Runs every test: unit and in-process integration tests (Surefire), then the packaged jar's
# process tests (Failsafe). Installs the build tools first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh test
exec mvn -B verify "$@"
