"""Debian's Prometheus for ``cair dev`` (and the metrics tests): a config generated under var/
that scrapes the API's /metrics, the worker's two ports and the Temporal dev server, with the
committed alert rules (prometheus/alerts.yml beside this file)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cair.devstack.ports import free_port, wait_for_port
from cair.devstack.processes import end

BINARY = Path("/usr/bin/prometheus")
ALERTS = Path(__file__).parent / "prometheus" / "alerts.yml"
INSTALL_HINT = "not installed; tools/install_prometheus.sh installs Debian's (make run does)"


def prometheus_binary() -> Path | None:
    """Debian's binary, or one on the PATH; None when neither is there."""
    if BINARY.exists():
        return BINARY
    found = shutil.which("prometheus")
    return Path(found) if found else None


@dataclass(frozen=True)
class Target:
    """One scrape job: a name and the ``host:port`` addresses it scrapes at ``/metrics``."""

    job: str
    addresses: tuple[str, ...]


def config_text(
    targets: list[Target], *, scrape_interval: str = "5s", rule_files: tuple[Path, ...] = (ALERTS,)
) -> str:
    """The config as JSON, which is YAML too: nothing to quote by hand."""
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
        "rule_files": [str(path.resolve()) for path in rule_files],
        "scrape_configs": [
            {
                "job_name": target.job,
                "metrics_path": "/metrics",
                "static_configs": [{"targets": list(target.addresses)}],
            }
            for target in targets
        ],
    }
    return json.dumps(config, indent=2) + "\n"


class PrometheusServer:
    """One Prometheus process: its config, data and log under ``folder``."""

    def __init__(
        self,
        *,
        folder: Path,
        port: int,
        targets: list[Target],
        scrape_interval: str = "5s",
        binary: Path | None = None,
        ip: str = "127.0.0.1",
    ) -> None:
        self.folder = folder
        self.port = port
        self.targets = targets
        self.scrape_interval = scrape_interval
        self.binary = binary or prometheus_binary()
        self.ip = ip
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.folder / "prometheus.yml"

    def command(self) -> list[str]:
        if self.binary is None:
            raise FileNotFoundError(f"Prometheus is {INSTALL_HINT}")
        return [
            str(self.binary),
            f"--config.file={self.config_path}",
            f"--storage.tsdb.path={self.folder / 'data'}",
            f"--web.listen-address={self.ip}:{self.port}",
            "--storage.tsdb.retention.time=7d",
            "--log.level=warn",
        ]

    async def start(self, *, timeout: float = 60.0) -> None:
        command = self.command()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config_text(self.targets, scrape_interval=self.scrape_interval))
        log = (self.folder / "prometheus.log").open("ab")
        self._process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        try:
            await wait_for_port(self.ip, self.port, timeout)
        except TimeoutError:
            self.stop()
            raise

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, *, timeout: float = 10.0) -> None:
        if self._process is not None:
            end(self._process, timeout=timeout)
        self._process = None


@dataclass(frozen=True)
class DevMetricsPorts:
    """Where ``cair dev``'s metrics live: the worker's two ports, the Temporal dev server's,
    and Prometheus's own."""

    worker: int
    worker_sdk: int
    temporal: int
    prometheus: int


def dev_metrics_ports(
    worker: int, worker_sdk: int, prometheus: int, *, is_busy: Callable[[int], bool]
) -> DevMetricsPorts:
    """The configured ports, free ones for those unset (0), and for Prometheus its settled port
    (9090 unless set) or, when another program holds it, a free one: a second stack on the
    machine still gets one."""
    return DevMetricsPorts(
        worker=worker or free_port(),
        worker_sdk=worker_sdk or free_port(),
        temporal=free_port(),
        prometheus=prometheus if prometheus and not is_busy(prometheus) else free_port(),
    )


def dev_targets(web_port: int, ports: DevMetricsPorts) -> list[Target]:
    local = "127.0.0.1:{}".format
    return [
        Target("cair-api", (local(web_port),)),
        Target("cair-worker", (local(ports.worker),)),
        Target("temporal-sdk", (local(ports.worker_sdk),)),
        Target("temporal-server", (local(ports.temporal),)),
    ]
