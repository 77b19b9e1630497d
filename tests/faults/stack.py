"""A private Kredsløb stack for the fault tests: its own PostgreSQL cluster and Redis server (so stopping
them hurts nobody else), a gunicorn web process, Celery worker and beat processes — all real, all started
from the same code `make run` and production use."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    if not predicate():
        raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")


def postgres_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _as_postgres_user() -> list[str]:
    # initdb and postgres refuse to run as root: run them as the system's postgres user when we are root.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port, with trust auth and fsync off (tests only)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="kredslob-faults-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*_as_postgres_user(), *args], check=True, capture_output=True)

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kredslob"],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        # "fast": disconnect every session at once, as a restart or failover does.
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/kredslob"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            if self.is_up():
                self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


class PrivateRedis:
    """A redis-server of our own on a free port, keeping nothing on disk: a restart loses every message."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.is_up, 10, "redis-server to accept connections")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
        wait_until(lambda: not self.is_up(), 5, "redis-server to stop")

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill_group()
        self.log.close()

    def kill_group(self) -> None:
        """SIGKILL the process and every child it started (a whole worker: main process and pool)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


@dataclass
class Stack:
    postgres: PrivatePostgres
    redis: PrivateRedis
    workdir: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)

    def spawn(self, name: str, command: list[str], extra_env: dict[str, str] | None = None) -> Process:
        log_path = self.workdir / f"{name}-{len(self.processes)}.log"
        log = open(log_path, "wb")  # noqa: SIM115 — closed by Process.stop
        popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill_group() takes the pool children too
        )
        process = Process(name, popen, log_path, log)
        self.processes.append(process)
        return process

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def web(self) -> WebServer:
        port = free_port()
        process = self.spawn(
            "web",
            [
                str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", "1", "--threads", "8", "--timeout", "60", "--graceful-timeout", "5",
            ],
        )  # fmt: skip
        server = WebServer(f"http://127.0.0.1:{port}", process)
        wait_until(server.is_up, 30, f"gunicorn on port {port}:\n{process.log_text()}")
        return server

    def worker(self, name: str = "worker", *, stall_marker: Path | None = None, beat: bool = True) -> Process:
        """A Celery worker with a prefork pool of one child (and the beat scheduler embedded when `beat`).
        With `stall_marker`, the first photo processed stops after writing its first derivative and waits
        there (see stall_worker.py), so a test can kill it mid-processing."""
        command = [sys.executable, "-m", "tests.faults.stall_worker"] if stall_marker else [str(BIN / "celery")]
        command += [
            "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--hostname", f"{name}-{len(self.processes)}@%h",
        ]  # fmt: skip
        if beat:
            command += ["--beat", "--schedule", str(self.workdir / f"beat-{len(self.processes)}")]
        extra = {"FAULTS_STALL_MARKER": str(stall_marker)} if stall_marker else {}
        return self.spawn(name, command, extra)

    def media_files(self, photo_dir: str) -> list[str]:
        base = Path(self.env["MEDIA_ROOT"]) / photo_dir
        return sorted(p.name for p in base.iterdir()) if base.exists() else []

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()


@dataclass
class WebServer:
    base_url: str
    process: Process

    def is_up(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/api/v1/categories/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def worker_pids(self) -> set[int]:
        """gunicorn's worker processes (children of the arbiter): a restarted worker would show a new pid."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.popen.pid)], capture_output=True, text=True, check=False
        ).stdout
        return {int(pid) for pid in out.split()}


def stack_env(postgres: PrivatePostgres, redis: PrivateRedis, workdir: Path) -> dict[str, str]:
    """Production-like settings: DEBUG off, Redis as broker and cache, persistent database connections (the
    case a restart breaks), short sweep intervals so recovery is observable in seconds, not minutes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": postgres.url,
            "DB_CONN_MAX_AGE": "60",
            "REDIS_URL": redis.url,
            "CELERY_BROKER_URL": redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "KREDSLOB_VAR_DIR": str(workdir / "var"),
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PHOTO_SWEEP_EVERY_SECONDS": "2",
            "PHOTO_PENDING_REQUEUE_SECONDS": "5",
            # Throttling is not under test, and a burst of test traffic must not meet it.
            "THROTTLE_USER": "100000/min",
            "THROTTLE_ANON": "100000/min",
            "THROTTLE_AUTH": "1000/min",
        }
    )
    return env


@contextlib.contextmanager
def running_stack() -> Iterator[Stack]:
    bindir = postgres_bindir()
    if bindir is None or shutil.which("redis-server") is None:
        raise RuntimeError("the fault tests need PostgreSQL's server binaries (initdb, pg_ctl) and redis-server")
    workdir = Path(tempfile.mkdtemp(prefix="kredslob-faults-"))
    postgres = PrivatePostgres(bindir)
    redis = PrivateRedis(workdir)
    stack = Stack(postgres, redis, workdir, stack_env(postgres, redis, workdir))
    try:
        postgres.init()
        redis.start()
        stack.manage("migrate", "--noinput")
        yield stack
    finally:
        stack.close()
        if redis.proc is not None:
            redis.stop()
        postgres.destroy()
        if os.environ.get("FAULTS_KEEP") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
