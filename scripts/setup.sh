#!/usr/bin/env bash
# Everything faultline needs, from a fresh Debian 12 with Node.js 20 and npm:
# the system packages of the real runtimes and browser tests, a running Docker
# engine, the npm dependencies (npm ci, when node_modules is missing or not as
# package-lock.json says), and the build. Safe to run again: it installs and
# starts only what is missing, one line for each, and uninstalls nothing.
# Installing needs root (apt-get, dockerd); an already set-up machine does not.
set -euo pipefail
cd "$(dirname "$0")/.."

# What is missing, and the command that fixes it.
fail() {
  echo "setup: $1" >&2
  case "$2" in
    *scripts/setup.sh*) echo "  fix: $2" >&2 ;;
    *) echo "  fix: $2, then run bash scripts/setup.sh again" >&2 ;;
  esac
  exit 1
}

command -v node >/dev/null || fail "node is not installed" "install Node.js 20 or newer (Debian: apt-get install nodejs npm, or nodejs.org)"
command -v npm >/dev/null || fail "npm is not installed" "apt-get install npm"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: faultline needs 20 or newer" "install Node.js 20 (nodejs.org or NodeSource)"

# System packages, each checked by dpkg: the runtimes' tools, the browser, and the
# real systems under test (ZooKeeper, etcd) with libfaketime for their clock faults.
packages=(docker.io iptables iproute2 chromium zookeeper etcd-server faketime)
# The ssh runtime's local test hosts (scripts/ssh-test-hosts.sh): sshd, and sudo for its refusal test.
packages+=(openssh-server sudo)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
# ZooKeeper runs on the host's Java: any JRE will do, so only a machine without one gets Debian's default.
command -v java >/dev/null || missing+=(default-jre-headless)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and there is no apt-get" "install ${missing[*]} with this system's package manager"
  [ "$(id -u)" -eq 0 ] || fail "installing ${missing[*]} needs root" "sudo bash scripts/setup.sh"
  for package in "${missing[@]}"; do echo "setup: installing $package (apt-get)"; done
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "setup: apt-get update failed; trying the package lists already here"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get could not install ${missing[*]}" "apt-get install ${missing[*]} (and read its error)"
fi

# The Docker engine: Debian's dockerd, started by hand where there is no init system to do it.
if ! docker info >/dev/null 2>&1; then
  case "$(docker info 2>&1 || true)" in
    *"permission denied"*) fail "the Docker engine runs, but this user may not use it" "run as root, or add the user to the docker group (usermod -aG docker $(id -un))" ;;
  esac
  [ "$(id -u)" -eq 0 ] || fail "the Docker engine is not running" "start it (systemctl start docker), or sudo bash scripts/setup.sh"
  echo "setup: starting dockerd (log: /var/log/faultline-dockerd.log)"
  mkdir -p /var/log
  nohup dockerd >/var/log/faultline-dockerd.log 2>&1 &
  for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && break
    sleep 0.2
  done
  docker info >/dev/null 2>&1 || fail "dockerd did not start (see /var/log/faultline-dockerd.log)" "read that log; start dockerd by hand"
fi

# The npm dependencies, exactly as package-lock.json lists them; npm ci also builds (the prepare script).
if stale=$(node scripts/preflight.mjs --dependencies); then
  echo "setup: building dist/ (tsc)"
  npm run --silent build || fail "the TypeScript build failed (errors above)" "fix them, or check out a clean copy"
else
  [ -L node_modules ] && fail "$stale, and node_modules is a link to $(readlink -f node_modules)" "run npm ci where it points"
  echo "setup: installing the npm dependencies with npm ci, which also builds dist/ ($stale)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || fail "npm ci failed (errors above)" "check access to the npm registry ($(npm config get registry))"
fi

echo "setup: ready: docker $(docker version --format '{{.Server.Version}}'), $(iptables --version), chromium $(chromium --version 2>/dev/null | awk '{print $2}'), node $(node --version)"
echo "setup: ready: zookeeper $(dpkg-query -W -f='${Version}' zookeeper), etcd $(dpkg-query -W -f='${Version}' etcd-server), $(java -version 2>&1 | head -n 1)"
