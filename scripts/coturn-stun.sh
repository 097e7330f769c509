#!/usr/bin/env bash
# Runs Debian's coturn as a plain STUN server (no TURN, no authentication) on a loopback port, in the
# foreground until it is stopped (SIGTERM/SIGINT): the peer that `homeport bench keepalive --against
# coturn` measures Homeport's beacon against. Installs coturn first when it is missing
# (scripts/ensure-tools.sh bench). It writes no log file: coturn's log goes to stdout.
# Usage: scripts/coturn-stun.sh PORT [extra turnserver options...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
  echo "usage: $0 PORT [extra turnserver options...]" >&2
  exit 2
fi
port="$1"
shift
command -v turnserver >/dev/null 2>&1 || "$here/ensure-tools.sh" bench
# -n: no configuration file; the log goes to stdout (the caller keeps or drops it), never to a file;
# no CLI, TLS, DTLS or RFC 5780 alternate listeners: 127.0.0.1:PORT (UDP, and TCP) is all it opens.
exec turnserver -n --stun-only --no-auth --listening-ip 127.0.0.1 --listening-port "$port" \
  --no-cli --no-tls --no-dtls --no-rfc5780 --log-file stdout --simple-log "$@"
