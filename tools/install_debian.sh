#!/usr/bin/env bash
# One of Debian's packages, when its program is missing: `tools/install_debian.sh PACKAGE PROGRAM`.
# The stack's and the tests' outside programs come from Debian (Chromium, Prometheus), never a
# download: these machines reach only package registries.
set -euo pipefail
package="$1"
program="$2"
if [ -x "$program" ]; then
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
echo "installing Debian's $package" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y -q "$package" >/dev/null; then
  "${as_root[@]}" apt-get update -q >/dev/null
  "${as_root[@]}" apt-get install -y -q "$package" >/dev/null
fi
test -x "$program"
