#!/usr/bin/env bash
# Local SSH test hosts for `--runtime ssh`: each host is a network namespace
# of its own running Debian's sshd on its own address, on a bridge this script
# creates; the harness reaches them as it would reach real machines.
#
#   scripts/ssh-test-hosts.sh up N [SET]   N hosts (1-9) in set SET (0-9, default 0);
#                                          the last line printed is the flags to pass
#   scripts/ssh-test-hosts.sh down [SET]   removes one set, or every set when none is named
#
# Set S uses the bridge fltssh<S>-br at 10.203.<S>.1/24, hosts at 10.203.<S>.11 and up
# (namespaces fltssh<S>-h<i>), a FORWARD rule for the bridge (Docker drops bridged
# traffic without it), and /run/faultline-ssh-test-hosts/set<S>: a host key per host,
# a client key (id_ed25519), authorized_keys, known_hosts, sshd logs and pid files.
# The sets share two users for tests: faultline-nosudo (no password, no sudo rights:
# the refusal of a sudo that asks for a password) and faultline-sudo (sudo without a
# password, through /etc/sudoers.d/faultline-ssh-test-hosts: a user that is not root).
# The namespaces share this machine's files: node code and `node` are visible there.
# Needs root, iproute2, iptables and openssh-server.
set -euo pipefail

BASE=/run/faultline-ssh-test-hosts
NOSUDO_USER=faultline-nosudo
SUDO_USER_NAME=faultline-sudo
SUDOERS_FILE=/etc/sudoers.d/faultline-ssh-test-hosts

die() {
  echo "ssh-test-hosts: $*" >&2
  exit 1
}

check_set() {
  [[ "$1" =~ ^[0-9]$ ]] || die "the set must be one digit 0-9, got '$1'"
}

forward_rule() {
  echo "FORWARD -i fltssh$1-br -o fltssh$1-br -m comment --comment faultline-ssh-test-hosts -j ACCEPT"
}

down_set() {
  local set=$1 dir="$BASE/set$1" pid namespace
  for pidfile in "$dir"/h*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only an sshd of ours: its command line names this set's directory.
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$dir/"; then kill "$pid" 2>/dev/null || true; fi
  done
  for namespace in $(ip netns list | awk '{print $1}' | grep "^fltssh$set-h" || true); do
    # Whatever still runs in the namespace (node processes a killed run left) goes with it.
    for pid in $(ip netns pids "$namespace" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 40); do
      [ -z "$(ip netns pids "$namespace" 2>/dev/null)" ] && break
      sleep 0.05
    done
    ip netns del "$namespace"
  done
  # A namespace whose last process is still dying outlives its deletion, and its veth with it: delete the veths by name.
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^fltssh$set-v" || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "fltssh$set-br" 2>/dev/null || true
  # shellcheck disable=SC2046
  while iptables -w -D $(forward_rule "$set") 2>/dev/null; do :; done
  rm -rf "$dir"
}

down() {
  if [ $# -ge 1 ]; then
    check_set "$1"
    down_set "$1"
  else
    for set in 0 1 2 3 4 5 6 7 8 9; do down_set "$set"; done
  fi
  # The users go with the last set.
  rmdir "$BASE" 2>/dev/null || true
  if [ ! -d "$BASE" ]; then
    for user in "$NOSUDO_USER" "$SUDO_USER_NAME"; do
      if id "$user" >/dev/null 2>&1; then userdel "$user" 2>/dev/null || true; fi
    done
    rm -f "$SUDOERS_FILE"
  fi
  echo "ssh-test-hosts: down"
}

write_sshd_config() {
  cat >"$1/sshd_config" <<EOF
Port 22
AuthorizedKeysFile $1/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
MaxSessions 64
MaxStartups 100
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

up() {
  local count=$1 set=${2:-0}
  [[ "$count" =~ ^[1-9]$ ]] || die "the number of hosts must be 1-9, got '$count'"
  check_set "$set"
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, a bridge, iptables)"
  [ -x /usr/sbin/sshd ] || die "sshd is missing: apt-get install openssh-server (scripts/setup.sh does)"
  down_set "$set" >/dev/null
  local dir="$BASE/set$set" prefix="10.203.$set" bridge="fltssh$set-br"
  mkdir -p "$dir" /run/sshd
  chmod 755 "$BASE" "$dir"
  ssh-keygen -q -t ed25519 -N '' -C faultline-test-client -f "$dir/id_ed25519"
  cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
  write_sshd_config "$dir"
  : >"$dir/known_hosts"
  for user in "$NOSUDO_USER" "$SUDO_USER_NAME"; do
    if ! id "$user" >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir / --shell /bin/sh "$user"
      # '*': no password to log in with, yet not a locked account (sshd refuses locked ones).
      usermod -p '*' "$user"
    fi
  done
  if [ -d /etc/sudoers.d ] && [ ! -f "$SUDOERS_FILE" ]; then
    echo "$SUDO_USER_NAME ALL=(root) NOPASSWD: ALL" >"$SUDOERS_FILE.new"
    chmod 0440 "$SUDOERS_FILE.new"
    mv "$SUDOERS_FILE.new" "$SUDOERS_FILE"
  fi
  ip link add "$bridge" type bridge
  ip addr add "$prefix.1/24" dev "$bridge"
  ip link set "$bridge" up
  # shellcheck disable=SC2046
  iptables -w -I $(forward_rule "$set" | sed 's/^FORWARD/FORWARD 1/')
  local hosts=() index address namespace
  for index in $(seq 1 "$count"); do
    address="$prefix.$((10 + index))"
    namespace="fltssh$set-h$index"
    ip netns add "$namespace"
    ip link add "fltssh$set-v$index" type veth peer name eth0 netns "$namespace"
    ip link set "fltssh$set-v$index" master "$bridge" up
    ip -n "$namespace" addr add "$address/24" dev eth0
    ip -n "$namespace" link set eth0 up
    ip -n "$namespace" link set lo up
    ip -n "$namespace" route add default via "$prefix.1"
    ssh-keygen -q -t ed25519 -N '' -C "faultline-test-host-$index" -f "$dir/h${index}_host_key"
    ip netns exec "$namespace" /usr/sbin/sshd -f "$dir/sshd_config" -h "$dir/h${index}_host_key" \
      -o "ListenAddress=$address" -o "PidFile=$dir/h$index.pid" -E "$dir/h$index.log"
    echo "$address $(cut -d' ' -f1,2 "$dir/h${index}_host_key.pub")" >>"$dir/known_hosts"
    hosts+=("root@$address")
  done
  for index in $(seq 1 "$count"); do
    address="$prefix.$((10 + index))"
    for _ in $(seq 1 50); do
      (exec 3<>"/dev/tcp/$address/22") 2>/dev/null && break
      sleep 0.05
    done
    (exec 3<>"/dev/tcp/$address/22") 2>/dev/null || die "sshd on $address did not start (see $dir/h$index.log)"
  done
  echo "ssh-test-hosts: $count hosts up in set $set ($dir)"
  local joined
  joined=$(IFS=,; echo "${hosts[*]}")
  echo "--ssh-hosts $joined --ssh-key $dir/id_ed25519 --ssh-known-hosts $dir/known_hosts"
}

# One up or down at a time (test files run at once): a lock on this script itself, so nothing is left behind.
exec 9<"$0"
flock 9

case "${1:-}" in
  up) shift; up "${1:-3}" "${2:-0}" ;;
  down) shift; down "$@" ;;
  *) die "usage: $0 up N [SET] | down [SET]" ;;
esac
