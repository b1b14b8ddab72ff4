#!/usr/bin/env bash
# The review console is tested in a real headless Chromium (Debian's package). Install it when it is
# missing (CI runs as root with Debian's apt reachable), as ensure-sshd.sh does for openssh-server.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing and this is not root; install it (e.g. sudo apt-get install -y chromium)" >&2
  exit 1
fi
echo "ensure-chromium: installing chromium with apt" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
