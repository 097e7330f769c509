#!/usr/bin/env bash
# A real NAT on one Linux machine, for tests and experiments: network namespaces joined by veth
# pairs, an nftables masquerade router with a real (and short, deterministic) UDP mapping
# lifetime, and optional random packet loss. See usage() below and DESIGN.md §10.
#
#   ${P}-server   198.18.0.1/24 (eth0)                 the "Internet" side (RFC 2544 range)
#        |
#   ${P}-router   198.18.0.254/24 (wan)                masquerades homes leaving on wan,
#        |        192.168.(10+i).1/24 (lan<i>)         drops unsolicited traffic from wan
#        |
#   ${P}-home<i>  192.168.(10+i).2/24 (eth0), default route via the router
#
# With --nat TYPE,TYPE,... every home gets a router of its own, with its own NAT behaviour, and
# the server's side becomes a bridge (the "Internet") that all routers' WAN links join:
#
#   ${P}-server   198.18.0.1/24 on bridge inet
#        |
#   ${P}-r<i>     198.18.0.(10+i)/24 (wan), 192.168.(10+i).1/24 (lan)       home i's router
#        |        (double: 100.64.<i>.1/24 (lan), and behind it ${P}-c<i>:
#        |         100.64.<i>.2/24 (wan), 192.168.(10+i).1/24 (lan), the carrier-grade NAT's customer)
#   ${P}-home<i>  192.168.(10+i).2/24 (eth0)
#
# With --nodes N the server's side holds a cluster behind one service address, the way anycast or a
# UDP load balancer would present it (DESIGN.md 7):
#
#   ${P}-server   198.18.0.1 the service address; 198.18.0.(1+i) node i's address (i = 1..N, N <= 8),
#                 all on the server's Internet interface. An nftables table (lb) DNATs new flows to
#                 198.18.0.1 (UDP 7400 beacon, 7401 beacon alt port, TCP 7443 device channel) to a
#                 node: jhash of the source address (fixed seed) mod N picks a bucket, a map gives the
#                 bucket's node. So every flow of one home reaches the same node, as with an anycast
#                 route or a load balancer's source-address affinity, and conntrack keeps each flow on
#                 its node; replies leave from 198.18.0.1 (conntrack reverses the DNAT), so NATs in
#                 front of the homes see one server. Spreading needs distinct source addresses: use
#                 --nat (one router, one WAN address per home); behind the shared router every home
#                 has the router's address and reaches one node.
#                 `lb drop --node I` gives node I's buckets to the remaining nodes and deletes the
#                 conntrack entries DNATed to it, so its devices' next keepalives reach another node;
#                 `lb add --node I` gives them back (flows already established stay where they are).
#
# --host-tcp PORT gives processes in the server namespace the host's 127.0.0.1:PORT (the machine's
# PostgreSQL, which the cluster's nodes need) at the server namespace's own 127.0.0.1:PORT. A network
# namespace has its own loopback, so nothing inside can reach the host's; a Unix socket is not bound
# to a network namespace, so two socat processes bridge the gap: one in the server namespace
# listening on 127.0.0.1:PORT and connecting to /run/nat-lab-P/host-PORT.sock, one in the host's
# namespace listening there and connecting to the host's 127.0.0.1:PORT. The host's services see a
# loopback client, as from any local process: their configuration stays as it is. `down` stops both.
#
# Every interface is created directly inside its namespace; the host's own interfaces, routes
# and firewall are never touched, and deleting the namespaces removes everything (plus the forwarder
# processes and /run/nat-lab-P*).
set -eEuo pipefail
PATH="$PATH:/usr/sbin:/sbin"

SERVER_ADDR=198.18.0.1
WAN_ADDR=198.18.0.254
TABLE=homeport
LB_TABLE=homeport_lb
LB_SEED=0x486f6d65 # fixed: the same homes reach the same nodes in every run
LB_UDP_PORTS="7400, 7401"
LB_TCP_PORTS="7443"
MAX_NODES=8

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [options]

A real NAT in network namespaces: a server on the "Internet" (198.18.0.0/24), a router that
masquerades, and N homes (192.168.(10+i).0/24) behind it.

Commands:
  up [--prefix P] [--homes N] [--udp-timeout SECONDS] [--loss PERCENT] [--nat TYPES]
     [--nodes N] [--host-tcp PORT]
        Create (or reconcile) the lab. Idempotent. Defaults: prefix hp, 1 home,
        udp-timeout 30, loss 0, all homes behind one shared port-restricted router.
        --nat TYPES: one router per home instead, TYPES a comma-separated list with one
        type per home (--homes defaults to its length):
          port-restricted     endpoint-independent mapping, address-and-port filtering
                              (Linux masquerade, most home routers)
          symmetric           endpoint-dependent mapping (masquerade fully-random)
          full-cone           endpoint-independent mapping and filtering
          address-restricted  endpoint-independent mapping, address filtering
          double              port-restricted behind port-restricted (CGNAT, 100.64.0.0/10)
        A home's routers are rebuilt when its type changes (conntrack keeps old mappings).
        --nodes N: a cluster's N nodes (1-$MAX_NODES) behind the service address $SERVER_ADDR: node i
        at 198.18.0.(1+i) in the server namespace, new flows to UDP $LB_UDP_PORTS and TCP $LB_TCP_PORTS
        DNATed to a node by a hash of their source address (a UDP load balancer; use with --nat, so
        homes have distinct addresses). Without --nodes, no balancer.
        --host-tcp PORT: the server namespace's 127.0.0.1:PORT reaches the host's 127.0.0.1:PORT
        (e.g. 5432, the machine's PostgreSQL) through a Unix socket and two socat processes.
  lb drop --node I [--prefix P]  /  lb add --node I [--prefix P]
        (--nodes labs) Take node I out of the spread (its hash buckets go to the remaining nodes, and
        the conntrack entries of flows DNATed to it are deleted, so its devices' next packets reach
        another node) / put it back (new flows only).
  block --home I [--prefix P]  /  unblock --home I [--prefix P]
        (--nat labs) Drop / stop dropping everything between home I's router and the other
        homes' routers; traffic with the server passes. A direct peer path dies, the relay lives.
  down [--prefix P]
        Delete the lab's namespaces (their interfaces go with them) and stop its forwarder.
        Safe when nothing exists.
  loss PERCENT [--prefix P]
        Drop PERCENT% (0-100) of the packets on every home link, in each direction.
  udp-timeout SECONDS [--prefix P]
        Set the router's UDP mapping lifetime: conntrack udp_timeout and udp_timeout_stream
        both get SECONDS, so answered and unanswered flows expire alike, SECONDS after
        their last packet (deterministic for tests; stock Linux: 30 s / 120 s).
  status [--prefix P]
        Show namespaces, addresses, routes, the router's nftables ruleset and timeouts.
  help
        This text.

Namespaces: P-server, P-router (--nat: P-r<i>, and P-c<i> for double), P-home1..P-homeN.
Run a program in one with
  ip netns exec P-home1 COMMAND...
Prefix: letters, digits and '_', at most 16 characters.
Needs root, ip (Debian package iproute2) and nft (Debian package nftables); --nodes and lb also
conntrack (package conntrack), --host-tcp socat (package socat).
EOF
}

die() {
  echo "nat-lab: $*" >&2
  exit 1
}

need_root() {
  [ "$EUID" -eq 0 ] || die "must run as root (network namespaces, veth and nftables need CAP_NET_ADMIN); try: sudo $0 ${ARGS[*]}"
}

need_tool() { # tool package
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package $2 (apt-get install $2, or scripts/ensure-tools.sh test)"
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

ns_exists() { ip netns list | awk -v n="$1" '$1 == n { found = 1 } END { exit !found }'; }

# the lab's namespaces, one per line (exact names only: never another prefix's)
lab_namespaces() {
  ip netns list | awk '{print $1}' | grep -E "^${PREFIX}-(server|router|home[0-9]+|[rc][0-9]+)\$" || true
}

# the routers of a lab: the shared one, or one (two for double) per home
router_namespaces() {
  ip netns list | awk '{print $1}' | grep -E "^${PREFIX}-(router|[rc][0-9]+)\$" || true
}

home_namespaces() {
  ip netns list | awk '{print $1}' | grep -E "^${PREFIX}-home[0-9]+\$" || true
}

# writes a sysctl inside a namespace through /proc/sys (no procps needed)
ns_sysctl() { # ns key value
  ip netns exec "$1" sh -c 'printf "%s\n" "$2" > "/proc/sys/$(printf %s "$1" | tr . /)"' _ "$2" "$3"
}

ns_sysctl_get() { # ns key
  ip netns exec "$1" sh -c 'cat "/proc/sys/$(printf %s "$1" | tr . /)"' _ "$2"
}

ensure_ns() {
  ns_exists "$1" || ip netns add "$1"
  ip -n "$1" link set lo up
}

# nft statements for random loss on the home links. Traffic entering the router from a home is
# dropped in prerouting at raw priority, before conntrack sees it, as if lost on the wire: a
# lost keepalive must not refresh the mapping. Traffic leaving towards a home is dropped in
# forward (after routing, which is where the outgoing interface is known).
loss_rules() { # percent
  local match
  case "$1" in
    0) return ;;
    100) match="" ;; # nft rejects "< 100" for a value that is always below 100
    *) match="numgen random mod 100 < $1 " ;;
  esac
  echo "add rule ip $TABLE loss_in iifname \"lan*\" ${match}counter drop"
  echo "add rule ip $TABLE loss_out oifname \"lan*\" ${match}counter drop"
}

apply_ruleset() { # loss
  local router="${PREFIX}-router"
  {
    # declare-then-delete makes the batch valid whether the table exists or not; the whole
    # batch is one atomic transaction
    echo "table ip $TABLE"
    echo "delete table ip $TABLE"
    cat <<EOF
table ip $TABLE {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" ip saddr 192.168.0.0/16 masquerade
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    # like any home router: only answers to flows a home started come in from the Internet
    iifname "wan" ct state established,related accept
    iifname "wan" counter drop
  }
  chain loss_in {
    type filter hook prerouting priority raw; policy accept;
  }
  chain loss_out {
    type filter hook forward priority filter - 10; policy accept;
  }
}
EOF
    loss_rules "$1"
  } | ip netns exec "$router" nft -f -
}

set_loss() { # loss
  local router="${PREFIX}-router"
  {
    echo "flush chain ip $TABLE loss_in"
    echo "flush chain ip $TABLE loss_out"
    loss_rules "$1"
  } | ip netns exec "$router" nft -f -
}

# Both UDP timeouts get the same value. Linux keeps an unanswered UDP flow for udp_timeout
# (30 s) but one that has seen answers and lived for 2 s for udp_timeout_stream (120-180 s).
# Homeport's keepalives are answered, so with the stock values a lab mapping would live 30 s
# or 120 s depending on timing; one value for both makes the mapping lifetime exactly what the
# test asked for, whatever the traffic pattern, so tests can wait for expiry deterministically.
set_udp_timeout() { # seconds
  local router
  for router in $(router_namespaces); do
    ns_sysctl "$router" net.netfilter.nf_conntrack_udp_timeout "$1"
    ns_sysctl "$router" net.netfilter.nf_conntrack_udp_timeout_stream "$1"
  done
}

require_lab() {
  ns_exists "${PREFIX}-server" && [ -n "$(router_namespaces)" ] \
    || die "lab '$PREFIX' is not up (run: $0 up --prefix $PREFIX)"
}

# ---- one router per home (--nat)

type_file() { echo "/run/nat-lab-$1.type"; }

# the ruleset of a router whose WAN interface is "wan" and LAN interface "lan", home host $3
nat_ruleset() { # router type home-address
  local dnat="" accept_dnat="" track="" masq="masquerade"
  case "$2" in
    port-restricted) ;;
    symmetric) masq="masquerade fully-random" ;;
    full-cone)
      dnat="iifname \"wan\" meta l4proto udp dnat to $3"
      accept_dnat="iifname \"wan\" ct status dnat accept" ;;
    address-restricted)
      # remember every address the home sent to; UDP from those addresses, from any port, comes in
      track="iifname \"lan\" oifname \"wan\" update @contacted { ip daddr }"
      dnat="iifname \"wan\" meta l4proto udp ip saddr @contacted dnat to $3"
      accept_dnat="iifname \"wan\" ct status dnat accept" ;;
    *) die "unknown NAT type '$2'" ;;
  esac
  {
    echo "table ip $TABLE"
    echo "delete table ip $TABLE"
    echo "table ip $TABLE {"
    echo "  set contacted { type ipv4_addr; flags dynamic,timeout; timeout ${UDP_TIMEOUT}s; }"
    echo "  chain prerouting { type nat hook prerouting priority dstnat; policy accept; ${dnat:+$dnat; }}"
    echo "  chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname \"wan\" $masq; }"
    echo "  chain forward {"
    echo "    type filter hook forward priority filter; policy accept;"
    [ -z "$track" ] || echo "    $track"
    echo "    iifname \"wan\" ct state established,related accept"
    [ -z "$accept_dnat" ] || echo "    $accept_dnat"
    echo "    iifname \"wan\" counter drop"
    echo "  }"
    echo "  chain block { type filter hook forward priority filter - 5; policy accept; }"
    # like a home router, nothing unsolicited reaches the router itself: dropped before conntrack
    # confirms it, so a peer's early probe cannot take the port the home's own flow would map to
    echo "  chain input {"
    echo "    type filter hook input priority filter; policy accept;"
    echo "    iifname \"wan\" ct state established,related accept"
    echo "    iifname \"wan\" drop"
    echo "  }"
    echo "}"
  } | ip netns exec "$1" nft -f -
  ns_sysctl "$1" net.netfilter.nf_conntrack_udp_timeout "$UDP_TIMEOUT"
  ns_sysctl "$1" net.netfilter.nf_conntrack_udp_timeout_stream "$UDP_TIMEOUT"
}

# a router namespace: wan address towards the upstream (default route via gw), lan address, forwarding
router_addresses() { # ns wan-addr/len gw lan-addr/len
  ip -n "$1" addr add "$2" dev wan
  ip -n "$1" link set wan up
  ip -n "$1" route add default via "$3" dev wan
  ip -n "$1" addr add "$4" dev lan
  ip -n "$1" link set lan up
  ns_sysctl "$1" net.ipv4.ip_forward 1
}

do_up_nat() {
  local server="${PREFIX}-server" i type home net router inner ns
  local -a types
  trap up_failed ERR
  IFS=, read -r -a types <<< "$NAT"
  [ "${#types[@]}" -eq "$HOMES" ] || die "--nat lists ${#types[@]} type(s) for $HOMES home(s)"
  ! ns_exists "${PREFIX}-router" || die "lab '$PREFIX' has a shared router; take it down first"

  ensure_ns "$server"
  # a fixed MAC: a bridge otherwise takes its ports' lowest, which changes as routers are rebuilt and
  # leaves the other routers' ARP entries for the server pointing nowhere
  ip -n "$server" link show inet >/dev/null 2>&1 || ip -n "$server" link add inet address 02:00:c6:12:00:01 type bridge
  ip -n "$server" addr replace "$SERVER_ADDR/24" dev inet
  ip -n "$server" link set inet up
  # fewer homes than last time: remove the extra ones
  for ns in $(home_namespaces); do
    i="${ns#"${PREFIX}-home"}"
    if [ "$i" -gt "$HOMES" ]; then
      for ns in "${PREFIX}-c$i" "${PREFIX}-r$i" "${PREFIX}-home$i"; do
        if ns_exists "$ns"; then ip netns delete "$ns"; fi
        rm -f "$(type_file "$ns")"
      done
    fi
  done
  for ((i = 1; i <= HOMES; i++)); do
    type="${types[$((i - 1))]}"
    home="${PREFIX}-home$i" net="192.168.$((10 + i))" router="${PREFIX}-r$i" inner="${PREFIX}-c$i"
    if [ "$(cat "$(type_file "$router")" 2>/dev/null)" = "$type" ] && ns_exists "$home"; then
      continue # as asked already
    fi
    # rebuilt from nothing: conntrack must not keep the old type's mappings
    for ns in "$inner" "$router" "$home"; do
      if ns_exists "$ns"; then ip netns delete "$ns"; fi
      rm -f "$(type_file "$ns")"
    done
    ensure_ns "$home"
    ensure_ns "$router"
    # the old router's veth end in the server goes with its namespace, but the kernel tears a deleted
    # namespace down asynchronously: remove it now, or the new pair's "r$i" may find it still there
    ip -n "$server" link del "r$i" 2>/dev/null || true
    ip -n "$router" link add wan type veth peer name "r$i" netns "$server"
    if [ "$type" = double ]; then
      ensure_ns "$inner"
      ip -n "$router" link add lan type veth peer name wan netns "$inner"
      router_addresses "$router" "198.18.0.$((10 + i))/24" "$SERVER_ADDR" "100.64.$i.1/24"
      nat_ruleset "$router" port-restricted "100.64.$i.2"
      ip -n "$inner" link add lan type veth peer name eth0 netns "$home"
      router_addresses "$inner" "100.64.$i.2/24" "100.64.$i.1" "$net.1/24"
      nat_ruleset "$inner" port-restricted "$net.2"
      echo "port-restricted (inner)" > "$(type_file "$inner")"
    else
      ip -n "$router" link add lan type veth peer name eth0 netns "$home"
      router_addresses "$router" "198.18.0.$((10 + i))/24" "$SERVER_ADDR" "$net.1/24"
      nat_ruleset "$router" "$type" "$net.2"
    fi
    echo "$type" > "$(type_file "$router")"
    ip -n "$server" link set "r$i" master inet
    ip -n "$server" link set "r$i" up
    # the new router has the old address and a new MAC: the server must not answer the old one
    ip -n "$server" neigh flush to "198.18.0.$((10 + i))" dev inet || true
    ip -n "$home" addr replace "$net.2/24" dev eth0
    ip -n "$home" link set eth0 up
    ip -n "$home" route replace default via "$net.1" dev eth0
  done
  reconcile_cluster
  trap - ERR
  echo "lab '$PREFIX' up: server $SERVER_ADDR ($server); homes ${PREFIX}-home<i> at 192.168.(10+i).2 behind" \
    "their own routers ${PREFIX}-r<i> (wan 198.18.0.(10+i)): $NAT; udp-timeout ${UDP_TIMEOUT}s$(cluster_summary)"
}

set_block() { # home on(1)/off(0)
  local router="${PREFIX}-r$1"
  ns_exists "$router" || die "home $1 has no router of its own (block needs a lab made with --nat)"
  {
    echo "flush chain ip $TABLE block"
    if [ "$2" = 1 ]; then
      echo "add rule ip $TABLE block iifname \"wan\" ip saddr 198.18.0.0/24 ip saddr != $SERVER_ADDR counter drop"
      echo "add rule ip $TABLE block oifname \"wan\" ip daddr 198.18.0.0/24 ip daddr != $SERVER_ADDR counter drop"
    fi
  } | ip netns exec "$router" nft -f -
}

do_down() {
  local ns
  stop_host_forward
  rm -rf "$(lab_dir)"
  for ns in $(lab_namespaces); do
    ip netns delete "$ns"
    rm -f "$(type_file "$ns")"
  done
}

up_failed() {
  trap - ERR
  echo "nat-lab: up failed; removing the partial lab '$PREFIX'" >&2
  do_down || true
}

do_up() {
  local server="${PREFIX}-server" router="${PREFIX}-router" i home net ns n
  trap up_failed ERR

  ensure_ns "$server"
  ensure_ns "$router"
  # fewer homes than last time: remove the extra ones
  for ns in $(home_namespaces); do
    n="${ns#"${PREFIX}-home"}"
    [ "$n" -ge 1 ] && [ "$n" -le "$HOMES" ] || ip netns delete "$ns"
  done

  # the "Internet": server <-> router wan
  ip -n "$router" link show wan >/dev/null 2>&1 \
    || ip -n "$router" link add wan type veth peer name eth0 netns "$server"
  ip -n "$server" addr replace "$SERVER_ADDR/24" dev eth0
  ip -n "$server" link set eth0 up
  ip -n "$router" addr replace "$WAN_ADDR/24" dev wan
  ip -n "$router" link set wan up
  # deliberately no route from the server to 192.168.x: it only ever sees the router's address

  for ((i = 1; i <= HOMES; i++)); do
    home="${PREFIX}-home$i"
    net="192.168.$((10 + i))"
    ensure_ns "$home"
    ip -n "$router" link show "lan$i" >/dev/null 2>&1 \
      || ip -n "$router" link add "lan$i" type veth peer name eth0 netns "$home"
    ip -n "$router" addr replace "$net.1/24" dev "lan$i"
    ip -n "$router" link set "lan$i" up
    ip -n "$home" addr replace "$net.2/24" dev eth0
    ip -n "$home" link set eth0 up
    ip -n "$home" route replace default via "$net.1" dev eth0
  done

  ns_sysctl "$router" net.ipv4.ip_forward 1
  apply_ruleset "$LOSS" # loads conntrack in the router namespace, so its sysctls exist below
  set_udp_timeout "$UDP_TIMEOUT"
  reconcile_cluster
  trap - ERR

  echo "lab '$PREFIX' up: server $SERVER_ADDR ($server), router wan $WAN_ADDR ($router)," \
    "$HOMES home(s) ${PREFIX}-home<i> at 192.168.(10+i).2, udp-timeout ${UDP_TIMEOUT}s, loss ${LOSS}%$(cluster_summary)"
}

do_status() {
  require_lab
  local ns
  echo "== namespaces"
  lab_namespaces
  for ns in $(lab_namespaces); do
    echo "== $ns"
    ip -n "$ns" -br addr show | grep -v '^lo ' || true
    ip -n "$ns" route show | sed 's/^/route: /'
  done
  if [ -f "$(lb_file)" ]; then
    echo "== balancer (nodes, then the nodes in the spread): $(cat "$(lb_file)")"
    ip netns exec "${PREFIX}-server" nft list table ip "$LB_TABLE"
  fi
  local router
  for router in $(router_namespaces); do
    echo "== $router nftables (type: $(cat "$(type_file "$router")" 2>/dev/null || echo shared port-restricted))"
    ip netns exec "$router" nft list table ip "$TABLE"
    echo "== $router conntrack"
    echo "udp_timeout:        $(ns_sysctl_get "$router" net.netfilter.nf_conntrack_udp_timeout)s"
    echo "udp_timeout_stream: $(ns_sysctl_get "$router" net.netfilter.nf_conntrack_udp_timeout_stream)s"
    echo "ip_forward:         $(ns_sysctl_get "$router" net.ipv4.ip_forward)"
    if ip netns exec "$router" test -r /proc/net/nf_conntrack; then
      echo "entries:"
      ip netns exec "$router" cat /proc/net/nf_conntrack | sed 's/^/  /'
    fi
  done
}

# ---- the cluster's balancer (--nodes) and the host forwarder (--host-tcp)

lab_dir() { echo "/run/nat-lab-$PREFIX"; }

# the server's interface on the "Internet": the bridge of a --nat lab, else the veth to the shared router
server_iface() {
  if ip -n "${PREFIX}-server" link show inet >/dev/null 2>&1; then echo inet; else echo eth0; fi
}

node_address() { echo "198.18.0.$((1 + $1))"; }

# the balancer's state: the number of nodes, then the nodes in the spread, on one line
lb_file() { echo "$(lab_dir)/lb"; }

# Loads the balancer's table: bucket b (0..nodes-1) goes to node b+1 while it is in the spread, else to
# one of the nodes that are, round robin. One atomic nft transaction.
apply_lb() { # nodes live-node...
  local nodes="$1" b n map=""
  shift
  local -a live=("$@")
  for ((b = 0; b < nodes; b++)); do
    n=$((b + 1))
    [[ " ${live[*]} " == *" $n "* ]] || n="${live[$((b % ${#live[@]}))]}"
    map+="${map:+, }$b : $(node_address "$n")"
  done
  local pick="jhash ip saddr mod $nodes seed $LB_SEED map { $map }"
  {
    echo "table ip $LB_TABLE"
    echo "delete table ip $LB_TABLE"
    echo "table ip $LB_TABLE {"
    echo "  chain prerouting {"
    echo "    type nat hook prerouting priority dstnat; policy accept;"
    echo "    ip daddr $SERVER_ADDR udp dport { $LB_UDP_PORTS } dnat to $pick"
    echo "    ip daddr $SERVER_ADDR tcp dport { $LB_TCP_PORTS } dnat to $pick"
    echo "  }"
    echo "}"
  } | ip netns exec "${PREFIX}-server" nft -f -
  mkdir -p -m 700 "$(lab_dir)"
  echo "$nodes ${live[*]}" > "$(lb_file)"
}

# node addresses 1..nodes on the server's Internet interface, the others (of an earlier --nodes) removed
set_nodes() { # nodes (0: no balancer)
  local server="${PREFIX}-server" iface i
  iface="$(server_iface)"
  for ((i = 1; i <= MAX_NODES; i++)); do
    if [ "$i" -le "$1" ]; then
      ip -n "$server" addr replace "$(node_address "$i")/24" dev "$iface"
    else
      ip -n "$server" addr del "$(node_address "$i")/24" dev "$iface" 2>/dev/null || true
    fi
  done
  if [ "$1" -eq 0 ]; then
    ! ip netns exec "$server" nft list table ip "$LB_TABLE" >/dev/null 2>&1 \
      || ip netns exec "$server" nft delete table ip "$LB_TABLE"
    rm -f "$(lb_file)"
  else
    apply_lb "$1" $(seq 1 "$1")
  fi
}

lb_change() { # drop|add node
  local nodes live=() n kept=()
  require_lab
  [ -f "$(lb_file)" ] || die "lab '$PREFIX' has no balancer (run: $0 up --nodes N ...)"
  read -r nodes n < "$(lb_file)" && read -r -a live <<< "$n"
  is_uint "$2" && [ "$2" -ge 1 ] && [ "$2" -le "$nodes" ] || die "bad node '$2': 1-$nodes"
  if [ "$1" = drop ]; then
    for n in "${live[@]}"; do [ "$n" = "$2" ] || kept+=("$n"); done
    [ "${#kept[@]}" -gt 0 ] || die "node $2 is the last one in the spread; add another first"
    apply_lb "$nodes" "${kept[@]}"
    # flows already DNATed to the node would stay on it: forget them, their next packet is a new flow
    local out rc=0
    out="$(ip netns exec "${PREFIX}-server" conntrack -D --orig-dst "$SERVER_ADDR" --reply-src "$(node_address "$2")" \
      2>&1 >/dev/null)" || rc=$?
    # conntrack exits 1 when there was nothing to delete
    [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && [[ "$out" == *" 0 flow entries have been deleted"* ]]; } \
      || die "could not forget node $2's flows: $out"
  else
    kept=("${live[@]}")
    [[ " ${live[*]} " == *" $2 "* ]] || kept+=("$2")
    apply_lb "$nodes" $(printf '%s\n' "${kept[@]}" | sort -n)
  fi
}

# a process started by this script, still alive (the pid file's pid, if it still runs socat)
forwarder_alive() { # pid
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q '^socat '
}

stop_host_forward() {
  local f pid
  for f in "$(lab_dir)"/forward-*.pid; do
    [ -f "$f" ] || continue
    read -r pid _ < "$f"
    if forwarder_alive "$pid"; then kill "$pid"; fi
    rm -f "$f"
  done
  rm -f "$(lab_dir)"/host-*.sock
}

# 127.0.0.1:port in the server namespace -> Unix socket -> the host's 127.0.0.1:port (see the header)
start_host_forward() { # port
  local dir sock port_hex i pid _port
  dir="$(lab_dir)"
  sock="$dir/host-$1.sock"
  if [ -f "$dir/forward-ns.pid" ] && read -r pid _port < "$dir/forward-ns.pid" && [ "$_port" = "$1" ] \
      && forwarder_alive "$pid" && read -r pid _ < "$dir/forward-host.pid" && forwarder_alive "$pid"; then
    return # as asked already
  fi
  stop_host_forward
  need_tool socat socat
  mkdir -p -m 700 "$dir"
  setsid socat "UNIX-LISTEN:$sock,fork,unlink-early,mode=600" "TCP:127.0.0.1:$1" </dev/null >/dev/null 2>&1 &
  echo "$! $1" > "$dir/forward-host.pid"
  setsid ip netns exec "${PREFIX}-server" socat "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$sock" \
    </dev/null >/dev/null 2>&1 &
  echo "$! $1" > "$dir/forward-ns.pid"
  # ready when both listen (read from /proc, without opening a connection)
  port_hex="$(printf '%04X' "$1")"
  for ((i = 0; i < 100; i++)); do
    if [ -S "$sock" ] && ip netns exec "${PREFIX}-server" cat /proc/net/tcp \
        | awk -v a="0100007F:$port_hex" '$2 == a && $4 == "0A" { found = 1 } END { exit !found }'; then
      return
    fi
    sleep 0.05
  done
  die "the forwarder to the host's 127.0.0.1:$1 did not start"
}

cluster_summary() {
  local i
  if [ "$NODES" -gt 0 ]; then
    printf '; %s node(s) behind %s:' "$NODES" "$SERVER_ADDR"
    for ((i = 1; i <= NODES; i++)); do printf ' %s' "$(node_address "$i")"; done
  fi
  [ -z "$HOST_TCP" ] || printf "; the host's 127.0.0.1:%s at the server's 127.0.0.1:%s" "$HOST_TCP" "$HOST_TCP"
}

# after up: the balancer and the forwarder as asked (none when not asked)
reconcile_cluster() {
  set_nodes "$NODES"
  if [ -n "$HOST_TCP" ]; then start_host_forward "$HOST_TCP"; else stop_host_forward; fi
}

# ---- arguments
ARGS=("$@")
COMMAND="${1:-}"
[ $# -gt 0 ] && shift
PREFIX=hp
HOMES=1
UDP_TIMEOUT=30
LOSS=0
NAT=""
HOME_N=""
HOMES_SET=""
VALUE=""
NODES=0
NODE_N=""
HOST_TCP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a value"; PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#*=}"; shift ;;
    --homes) [ $# -ge 2 ] || die "--homes needs a value"; HOMES="$2"; HOMES_SET=1; shift 2 ;;
    --homes=*) HOMES="${1#*=}"; HOMES_SET=1; shift ;;
    --nat) [ $# -ge 2 ] || die "--nat needs a value"; NAT="$2"; shift 2 ;;
    --nat=*) NAT="${1#*=}"; shift ;;
    --home) [ $# -ge 2 ] || die "--home needs a value"; HOME_N="$2"; shift 2 ;;
    --home=*) HOME_N="${1#*=}"; shift ;;
    --nodes) [ $# -ge 2 ] || die "--nodes needs a value"; NODES="$2"; shift 2 ;;
    --nodes=*) NODES="${1#*=}"; shift ;;
    --node) [ $# -ge 2 ] || die "--node needs a value"; NODE_N="$2"; shift 2 ;;
    --node=*) NODE_N="${1#*=}"; shift ;;
    --host-tcp) [ $# -ge 2 ] || die "--host-tcp needs a value"; HOST_TCP="$2"; shift 2 ;;
    --host-tcp=*) HOST_TCP="${1#*=}"; shift ;;
    --udp-timeout) [ $# -ge 2 ] || die "--udp-timeout needs a value"; UDP_TIMEOUT="$2"; shift 2 ;;
    --udp-timeout=*) UDP_TIMEOUT="${1#*=}"; shift ;;
    --loss) [ $# -ge 2 ] || die "--loss needs a value"; LOSS="$2"; shift 2 ;;
    --loss=*) LOSS="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1 (see: $0 help)" ;;
    *) [ -z "$VALUE" ] || die "unexpected argument $1 (see: $0 help)"; VALUE="$1"; shift ;;
  esac
done

[[ "$PREFIX" =~ ^[A-Za-z0-9_]{1,16}$ ]] || die "bad prefix '$PREFIX': letters, digits and '_', at most 16 characters"
check_homes() { is_uint "$1" && [ "$1" -ge 1 ] && [ "$1" -le 245 ] || die "bad number of homes '$1': 1-245"; }
check_loss() { is_uint "$1" && [ "$1" -le 100 ] || die "bad loss '$1': a percentage 0-100"; }
check_timeout() { is_uint "$1" && [ "$1" -ge 1 ] && [ "$1" -le 86400 ] || die "bad udp timeout '$1': 1-86400 seconds"; }
no_value() { [ -z "$VALUE" ] || die "unexpected argument $VALUE (see: $0 help)"; }

case "$COMMAND" in
  help | -h | --help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
  up | down | loss | udp-timeout | status | block | unblock | lb) ;;
  *) echo "nat-lab: unknown command '$COMMAND'" >&2; usage >&2; exit 2 ;;
esac

need_root
need_tool ip iproute2
[ "$COMMAND" = down ] || need_tool nft nftables

case "$COMMAND" in
  up)
    no_value; check_timeout "$UDP_TIMEOUT"; check_loss "$LOSS"
    is_uint "$NODES" && [ "$NODES" -le "$MAX_NODES" ] || die "bad number of nodes '$NODES': 0-$MAX_NODES"
    [ -z "$HOST_TCP" ] || { is_uint "$HOST_TCP" && [ "$HOST_TCP" -ge 1 ] && [ "$HOST_TCP" -le 65535 ]; } \
      || die "bad --host-tcp port '$HOST_TCP': 1-65535"
    [ "$NODES" -eq 0 ] || need_tool conntrack conntrack
    if [ -n "$NAT" ]; then
      [[ "$NAT" =~ ^(port-restricted|symmetric|full-cone|address-restricted|double)(,(port-restricted|symmetric|full-cone|address-restricted|double))*$ ]] \
        || die "bad --nat '$NAT': a comma-separated list of port-restricted, symmetric, full-cone, address-restricted, double"
      [ -n "$HOMES_SET" ] || HOMES=$(($(tr -cd , <<< "$NAT" | wc -c) + 1))
      check_homes "$HOMES"
      [ "$LOSS" = 0 ] || die "--loss applies to the shared-router lab only"
      do_up_nat
    else
      check_homes "$HOMES"
      do_up
    fi
    ;;
  block | unblock)
    no_value
    is_uint "$HOME_N" && [ "$HOME_N" -ge 1 ] || die "usage: $0 $COMMAND --home I [--prefix P]"
    require_lab
    set_block "$HOME_N" "$([ "$COMMAND" = block ] && echo 1 || echo 0)"
    echo "lab '$PREFIX': home $HOME_N ${COMMAND}ed from the other homes"
    ;;
  down)
    no_value
    do_down
    ;;
  lb)
    [ "$VALUE" = drop ] || [ "$VALUE" = add ] || die "usage: $0 lb drop|add --node I [--prefix P]"
    [ -n "$NODE_N" ] || die "usage: $0 lb $VALUE --node I [--prefix P]"
    need_tool conntrack conntrack
    lb_change "$VALUE" "$NODE_N"
    echo "lab '$PREFIX': node $NODE_N $([ "$VALUE" = drop ] && echo "dropped from" || echo "added to") the spread" \
      "(nodes in it: $(cut -d' ' -f2- < "$(lb_file)"))"
    ;;
  loss)
    [ -n "$VALUE" ] || die "usage: $0 loss PERCENT [--prefix P]"
    check_loss "$VALUE"; require_lab
    set_loss "$VALUE"
    echo "lab '$PREFIX': loss ${VALUE}% on the home links"
    ;;
  udp-timeout)
    [ -n "$VALUE" ] || die "usage: $0 udp-timeout SECONDS [--prefix P]"
    check_timeout "$VALUE"; require_lab
    set_udp_timeout "$VALUE"
    echo "lab '$PREFIX': udp-timeout ${VALUE}s"
    ;;
  status)
    no_value
    do_status
    ;;
esac
