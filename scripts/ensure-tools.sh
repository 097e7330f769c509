#!/usr/bin/env bash
# Installs what building Homeport needs on a fresh Debian machine (a JDK 17 and Maven) and, with the
# argument "test", also what the real-NAT lab needs (scripts/nat-lab.sh: iproute2's ip, nftables' nft, curl)
# and the TURN and Wireshark tests (coturn, tshark), and the operator console's browser tests (Debian's chromium,
# driven by the npm package playwright-core from src/test/console, installed with the machine's npm), and
# with "bench" what `homeport bench keepalive --against coturn` needs: a C compiler and libc headers (the
# load generator is compiled at first use) and coturn (the peer STUN server, scripts/coturn-stun.sh).
# Does nothing when they are already there. Needs root (or sudo) only when something is missing.
# Usage: scripts/ensure-tools.sh [build|test|bench]
set -euo pipefail
# ip and nft live in /usr/sbin, which a non-root PATH often lacks: look there too
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
missing=()
have java || missing+=(openjdk-17-jdk-headless)
have javac || missing+=(openjdk-17-jdk-headless)
have mvn || missing+=(maven)
if [ "${1:-build}" = test ]; then
  have ip || missing+=(iproute2)
  have nft || missing+=(nftables)
  have curl || missing+=(curl)
  # the lab's cluster balancer (nat-lab.sh --nodes, lb drop) and its forwarder to the host's PostgreSQL
  have conntrack || missing+=(conntrack)
  have socat || missing+=(socat)
  # the TURN credentials test runs a real coturn and its turnutils_uclient; the dissector test, tshark
  have turnserver || missing+=(coturn)
  have tshark || missing+=(tshark)
fi
if [ "${1:-build}" = test ]; then
  # the console's browser tests (ConsoleBrowserTest): Debian's chromium, never a browser build of playwright's
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  have node || missing+=(nodejs)
  have npm || missing+=(npm)
fi
if [ "${1:-build}" = bench ]; then
  have gcc || missing+=(gcc)
  [ -e /usr/include/sys/epoll.h ] || [ -e /usr/include/x86_64-linux-gnu/sys/epoll.h ] \
    || [ -e "/usr/include/$(gcc -dumpmachine 2>/dev/null)/sys/epoll.h" ] || missing+=(libc6-dev)
  have turnserver || missing+=(coturn)
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]} ..." >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi

# The OpenAPI lint (OpenApiLintTest): Redocly CLI from the npm registry, pinned by tools/openapi-lint's
# package-lock.json, installed with the machine's node/npm into tools/openapi-lint/node_modules when missing
# (where there is no npm the test says so and is skipped, except in CI where it fails).
openapi_lint="$(dirname "$0")/../tools/openapi-lint"
if [ "${1:-build}" = test ] && [ ! -x "$openapi_lint/node_modules/.bin/redocly" ] && have npm; then
  echo "installing Redocly CLI into tools/openapi-lint ..." >&2
  (cd "$openapi_lint" && npm ci --no-audit --no-fund --ignore-scripts >&2)
fi

if [ "${1:-build}" = test ]; then
  # playwright-core at the version of the lock file, only when it is not installed yet
  console_tests="$(dirname "$0")/../src/test/console"
  if [ ! -d "$console_tests/node_modules/playwright-core" ]; then
    echo "installing the console test tool (npm ci in src/test/console) ..." >&2
    (cd "$console_tests" && npm ci --no-audit --no-fund >&2)
  fi
fi
