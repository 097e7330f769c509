#!/usr/bin/env bash
# Installs what building and testing Homeport needs on a fresh Debian machine: a JDK 17 and Maven,
# and for the real-NAT lab (scripts/nat-lab.sh) iproute2 (ip) and nftables (nft).
# Does nothing when they are already there. Needs root (or sudo) only when something is missing.
set -euo pipefail
# ip and nft live in /usr/sbin, which a non-root PATH often lacks: look there too
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
missing=()
have java || missing+=(openjdk-17-jdk-headless)
have javac || missing+=(openjdk-17-jdk-headless)
have mvn || missing+=(maven)
have ip || missing+=(iproute2)
have nft || missing+=(nftables)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]} ..." >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi
