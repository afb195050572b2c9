"""Starting and stopping local servers for the load benchmark and the scale-out test: free ports, gunicorn, process groups."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, log_path: Path | str, workers: int = 2, threads: int = 4) -> subprocess.Popen:
    """gunicorn (gthread workers) serving create_app() on 127.0.0.1:port with env added, in its own process group."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "planner:create_app()",
    ]
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log, start_new_session=True
        )


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process group of process, SIGKILL it after 10 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
