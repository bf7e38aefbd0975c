#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it at /usr/bin/chromium). Never
# `playwright install`: it downloads a browser.
set -euo pipefail
exec "$(dirname "$0")/install_debian.sh" chromium /usr/bin/chromium
