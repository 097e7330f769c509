#!/usr/bin/env bash
# The NAT matrix tool (DESIGN 5.1, 10): runs PeerMatrixIT with RUNS sessions per pairing of NAT types
# (default 20), two agent processes behind router namespaces of their own, a real UDP echo through
# each session, and prints the table of paths taken. Needs root (scripts/nat-lab.sh builds the lab).
#
#   scripts/nat-matrix.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "nat-matrix: RUNS must be a positive number, not '$RUNS'" >&2; exit 2; }
[ "$EUID" -eq 0 ] || { echo "nat-matrix: must run as root (network namespaces and nftables)" >&2; exit 1; }
scripts/ensure-tools.sh test
mvn -q -B package -DskipTests
mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PeerMatrixIT \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dhomeport.matrix.runs="$RUNS" | grep -E "Tests run:|BUILD" || true
grep -hE "blocked|unblocked|echo through|operator's end" target/failsafe-reports/*PeerMatrixIT-output.txt || true
echo
echo "sessions per pairing: $RUNS"
cat target/nat-matrix/matrix.txt
