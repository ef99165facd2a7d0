"""Time `feedback-hub demo` and read the resident memory of `serve` after start-up.

    python bench/startup.py

Runs both in a temporary data folder on SQLite, the same way every time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def time_demo(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hub", "demo"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("serve did not answer /healthz in time")


def rss_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS in /proc")


def serve_rss(env: dict[str, str]) -> float:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port)
        time.sleep(1)
        return rss_megabytes(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HUB_DATA_DIR": folder, "HUB_ENV": "development"}
        env.pop("HUB_DATABASE_URL", None)
        print(f"demo (SQLite): {time_demo(env):.1f} s")
        print(f"serve resident memory after start-up: {serve_rss(env):.0f} MB")


if __name__ == "__main__":
    main()
