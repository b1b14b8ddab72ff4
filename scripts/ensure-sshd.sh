#!/usr/bin/env bash
# The SFTP tests run a real OpenSSH sshd on loopback. Install it when it is missing (CI runs as root
# with Debian's apt reachable); never start the system service.
set -euo pipefail
if [ -x /usr/sbin/sshd ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-sshd: /usr/sbin/sshd is missing and this is not root; install openssh-server (e.g. sudo apt-get install -y openssh-server)" >&2
  exit 1
fi
echo "ensure-sshd: installing openssh-server with apt (the service is not started)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssh-server >/dev/null
test -x /usr/sbin/sshd
