#!/usr/bin/env bash
# Installs what faultline's real runtimes and browser tests need, and starts
# the Docker engine when it is not running. Safe to run again: it only adds
# what is missing. Needs root (apt-get, dockerd).
set -euo pipefail

packages=(docker.io iptables iproute2 chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "setup: apt-get update failed; trying the package lists already here"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Docker's own client may be elsewhere on PATH; the engine is Debian's dockerd.
if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/faultline-dockerd.log 2>&1 &
  for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && break
    sleep 0.2
  done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/faultline-dockerd.log" >&2; exit 1; }
fi
echo "setup: docker $(docker version --format '{{.Server.Version}}'), $(iptables --version), chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
