"""`make run`: the web server, a Celery worker and Celery beat, stopped together with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")


def main() -> int:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    (ROOT / "var").mkdir(exist_ok=True)
    commands = {
        "worker": [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--hostname",
            "worker@%h",
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(ROOT / "var" / "celerybeat-schedule"),
        ],
        "web": [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{PORT}"],
    }
    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True) for name, cmd in commands.items()}
    print(
        f"\nKredsløb runs at http://{HOST}:{PORT}/  (API docs /api/docs/, admin /admin/). Ctrl-C stops it.\n",
        flush=True,
    )

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    parent = os.getppid()
    while not stopping:
        if os.getppid() != parent:
            # `make` (or whoever started us) is gone — e.g. it was sent SIGTERM alone, not the whole terminal
            # group as Ctrl-C does: stop too, rather than leave the web server and workers running orphaned.
            print("The parent process is gone; stopping.", file=sys.stderr)
            stopping = True
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with {proc.returncode}; stopping the rest.", file=sys.stderr)
                exit_code = proc.returncode or 1
                stopping = True
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    print("Stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
