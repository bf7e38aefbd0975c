#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it at /usr/bin/chromium). Never
# `playwright install`: it downloads a browser, and these machines reach only package registries.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
echo "installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y -q chromium >/dev/null; then
  "${as_root[@]}" apt-get update -q >/dev/null
  "${as_root[@]}" apt-get install -y -q chromium >/dev/null
fi
test -x /usr/bin/chromium
