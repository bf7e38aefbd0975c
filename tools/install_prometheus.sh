#!/usr/bin/env bash
# Debian's Prometheus (and promtool) for `cair dev` and the metrics tests.
set -euo pipefail
exec "$(dirname "$0")/install_debian.sh" prometheus /usr/bin/prometheus
