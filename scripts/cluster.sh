#!/usr/bin/env bash
# Runs a Homeport cluster (DESIGN.md 7) on one machine: N `serve` processes on loopback, each with ports
# of its own, all on one data directory and one PostgreSQL store, Hazelcast members of one another.
#
#   node i (1..N) listens on 127.0.0.1, ports BASE + 10*(i-1) + k:
#     k=0 API (HTTP)   k=1 beacon (UDP)   k=2 beacon alternate port (UDP)   k=3 device channel (HTTPS)
#     k=4 relay (UDP)  k=5 Hazelcast (TCP, cluster.port)
#
# Node 1 starts first and creates the keys in the data directory (device CA, server certificate, JWT key,
# admin token); each further node starts once the one before logs "Homeport is up" and loads them.
# Without --store-url the store is a fresh schema of the machine's PostgreSQL (127.0.0.1:5432, database
# test, user postgres, as the tests use it), dropped again by `down`. Logs: DATA/logs/node<i>.log. Further
# HOMEPORT_* variables in the environment reach every node (e.g. HOMEPORT_BEACON_KEEPALIVE_INTERVAL=5s).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [options]

Commands:
  up --nodes N [--data DIR] [--store-url URL] [--base-port PORT] [--jar JAR]
        Start N nodes (1-9) on loopback, one after the other, and print their ports. Defaults: data
        ./cluster-data, a fresh schema in the machine's PostgreSQL database "test", base port 17000,
        jar target/homeport.jar (build it: mvn -q package -DskipTests).
  down [--data DIR]
        Stop the nodes (SIGTERM, then SIGKILL after 20 s) and drop the schema that up created.
        The data directory and its logs stay.
  status [--data DIR]
        Each node's pid, ports and /health.
  help
        This text.
EOF
}

die() {
  echo "cluster: $*" >&2
  exit 1
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

COMMAND="${1:-}"
[ $# -gt 0 ] && shift
NODES=""
DATA=./cluster-data
STORE_URL=""
BASE=17000
JAR=target/homeport.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) [ $# -ge 2 ] || die "--nodes needs a value"; NODES="$2"; shift 2 ;;
    --data) [ $# -ge 2 ] || die "--data needs a value"; DATA="$2"; shift 2 ;;
    --store-url) [ $# -ge 2 ] || die "--store-url needs a value"; STORE_URL="$2"; shift 2 ;;
    --base-port) [ $# -ge 2 ] || die "--base-port needs a value"; BASE="$2"; shift 2 ;;
    --jar) [ $# -ge 2 ] || die "--jar needs a value"; JAR="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument $1 (see: $0 help)" ;;
  esac
done

STATE="$DATA/cluster"

port() { echo $((BASE + 10 * ($1 - 1) + $2)); } # node k

# a pid from a pid file, if that process is still one of this cluster's nodes
node_pid() { # node
  local pid
  [ -f "$STATE/node$1.pid" ] || return 1
  read -r pid < "$STATE/node$1.pid"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "-jar .*serve" && echo "$pid"
}

psql_test() { psql -X -q -h 127.0.0.1 -p 5432 -U postgres -d test -v ON_ERROR_STOP=1 "$@"; }

load_state() {
  [ -f "$STATE/cluster.env" ] || die "no cluster in $DATA (run: $0 up --nodes N --data $DATA)"
  # shellcheck source=/dev/null
  . "$STATE/cluster.env"
}

start_node() { # node members
  local i="$1" log="$DATA/logs/node$1.log" pid waited
  HOMEPORT_DATA_DIR="$DATA" HOMEPORT_STORE_URL="$STORE_URL" HOMEPORT_PUBLIC_HOSTS="${HOMEPORT_PUBLIC_HOSTS:-localhost,127.0.0.1}" \
  HOMEPORT_CLUSTER_ENABLED=true HOMEPORT_CLUSTER_MEMBERS="$2" HOMEPORT_CLUSTER_HOST=127.0.0.1 \
  HOMEPORT_CLUSTER_PORT="$(port "$i" 5)" \
  HOMEPORT_API_BIND=127.0.0.1 HOMEPORT_API_PORT="$(port "$i" 0)" \
  HOMEPORT_BEACON_BIND=127.0.0.1 HOMEPORT_BEACON_PORT="$(port "$i" 1)" HOMEPORT_BEACON_ALT_PORT="$(port "$i" 2)" \
  HOMEPORT_DEVICE_CHANNEL_BIND=127.0.0.1 HOMEPORT_DEVICE_CHANNEL_PORT="$(port "$i" 3)" \
  HOMEPORT_RELAY_BIND=127.0.0.1 HOMEPORT_RELAY_PORT="$(port "$i" 4)" \
    setsid java -jar "$JAR" serve </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" > "$STATE/node$i.pid"
  for ((waited = 0; waited < 1200; waited++)); do
    grep -qs "Homeport is up" "$log" && return
    kill -0 "$pid" 2>/dev/null || die "node $i exited; the end of $log:$(echo; tail -n 20 "$log")"
    sleep 0.1
  done
  die "node $i did not log 'Homeport is up' within 120 s; see $log"
}

do_up() {
  local i members="" schema=""
  is_uint "$NODES" && [ "$NODES" -ge 1 ] && [ "$NODES" -le 9 ] || die "up needs --nodes N, N 1-9"
  is_uint "$BASE" && [ "$BASE" -ge 1024 ] && [ $((BASE + 10 * NODES)) -le 65535 ] || die "bad --base-port '$BASE'"
  [ -f "$JAR" ] || die "$JAR not found; build it: mvn -q package -DskipTests"
  command -v java >/dev/null || die "java not found (scripts/ensure-tools.sh)"
  if [ -f "$STATE/cluster.env" ]; then
    for ((i = 1; i <= 9; i++)); do
      ! node_pid "$i" >/dev/null || die "a cluster is running in $DATA; stop it first: $0 down --data $DATA"
    done
  fi
  mkdir -p "$DATA/logs" "$STATE"
  chmod 700 "$DATA"
  if [ -z "$STORE_URL" ]; then
    command -v psql >/dev/null || die "psql not found; give --store-url, or install postgresql-client"
    schema="hp_cluster_$(date +%s)_$$"
    psql_test -c "CREATE SCHEMA $schema" || die "cannot create a schema in the machine's PostgreSQL (127.0.0.1:5432, database test, user postgres); give --store-url"
    STORE_URL="postgresql://postgres@127.0.0.1:5432/test?search_path=$schema"
  fi
  printf 'NODES=%q\nBASE=%q\nSTORE_URL=%q\nSCHEMA=%q\n' "$NODES" "$BASE" "$STORE_URL" "$schema" > "$STATE/cluster.env"
  for ((i = 1; i <= NODES; i++)); do
    members+="${members:+,}127.0.0.1:$(port "$i" 5)"
  done
  for ((i = 1; i <= NODES; i++)); do
    start_node "$i" "$members"
    echo "node $i up (pid $(node_pid "$i"))"
  done
  do_status
  echo "admin token: java -jar $JAR admin token --data-dir $DATA"
}

do_status() {
  local i pid health
  load_state
  echo "cluster in $DATA: $NODES node(s), store $STORE_URL"
  printf '%-5s %-8s %-6s %-11s %-10s %-15s %-15s %-10s %-9s %s\n' node pid api beacon/udp alt/udp channel/https \
    relay/udp hazelcast health log
  for ((i = 1; i <= NODES; i++)); do
    pid="$(node_pid "$i" || echo -)"
    health=down
    if [ "$pid" != - ]; then
      health="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(port "$i" 0)/health" || true)"
    fi
    printf '%-5s %-8s %-6s %-11s %-10s %-15s %-15s %-10s %-9s %s\n' "$i" "$pid" "$(port "$i" 0)" "$(port "$i" 1)" \
      "$(port "$i" 2)" "$(port "$i" 3)" "$(port "$i" 4)" "$(port "$i" 5)" "$health" "$DATA/logs/node$i.log"
  done
}

do_down() {
  local i pid waited
  load_state
  for ((i = NODES; i >= 1; i--)); do
    if pid="$(node_pid "$i")"; then
      kill "$pid"
      for ((waited = 0; waited < 200; waited++)); do
        [ -e "/proc/$pid" ] || break
        sleep 0.1
      done
      if [ -e "/proc/$pid" ]; then kill -9 "$pid"; fi
      echo "node $i stopped"
    fi
    rm -f "$STATE/node$i.pid"
  done
  if [ -n "$SCHEMA" ]; then
    psql_test -c "SET client_min_messages TO warning" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"
    echo "schema $SCHEMA dropped"
  fi
  rm -f "$STATE/cluster.env"
}

case "$COMMAND" in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  help | -h | --help) usage ;;
  "") usage >&2; exit 2 ;;
  *) echo "cluster: unknown command '$COMMAND'" >&2; usage >&2; exit 2 ;;
esac
