"""The committed alert rules and the dev stack's Prometheus config pass promtool (Debian's), and
the Grafana dashboard asks only for series the service or the Temporal SDK exports."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from cair.devstack.prometheus_server import ALERTS, DevMetricsPorts, config_text, dev_targets
from cair.telemetry.metrics import API_REGISTRY, WORKER_REGISTRY
from tests.helpers.paths import ROOT

PROMTOOL = Path("/usr/bin/promtool")
DASHBOARD = ROOT / "docs" / "grafana" / "cair-overview.json"
# What the worker's SDK runtime exports (counters end in _total, durations in seconds), as
# tests/test_metrics.py scrapes it; failures appear once an activity fails.
SDK_SERIES = {
    "temporal_workflow_task_schedule_to_start_latency_bucket",
    "temporal_activity_schedule_to_start_latency_bucket",
    "temporal_activity_execution_failed_total",
    "temporal_worker_task_slots_available",
}


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if not PROMTOOL.exists():
        pytest.fail("promtool is missing: tools/install_prometheus.sh (make test runs it)")
    return subprocess.run(
        [str(PROMTOOL), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_alert_rules_pass_promtool() -> None:
    checked = _promtool("check", "rules", str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 6 rules found" in checked.stdout


def test_the_dev_config_passes_promtool(tmp_path: Path) -> None:
    ports = DevMetricsPorts(worker=9101, worker_sdk=9102, temporal=9103, prometheus=9090)
    config = tmp_path / "prometheus.yml"
    config.write_text(config_text(dev_targets(8000, ports)))
    checked = _promtool("check", "config", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    jobs = [job["job_name"] for job in json.loads(config.read_text())["scrape_configs"]]
    assert jobs == ["cair-api", "cair-worker", "temporal-sdk", "temporal-server"]


def _exported() -> set[str]:
    names: set[str] = set()
    for registry in (API_REGISTRY, WORKER_REGISTRY):
        for family in registry.collect():
            names |= {sample.name for sample in family.samples}
            names.add(family.name)
    return names


def test_the_dashboard_asks_only_for_exported_series() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    asked = {name for e in expressions for name in re.findall(r"\b(?:cair|temporal)_\w+", e)}
    unknown = asked - _exported() - SDK_SERIES
    # A labelled counter or histogram has no sample until it is first counted: its family is
    # known by name, with the suffixes Prometheus's text format adds.
    suffixed = {n for n in unknown if re.sub(r"_(total|bucket|count|sum)$", "", n) in _exported()}
    assert unknown - suffixed == set()
    assert {"cair_enrollments", "cair_held_steps", "cair_emails"} <= asked
