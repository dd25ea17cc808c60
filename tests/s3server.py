"""A real S3 endpoint for tests: moto's standalone server on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("moto_server")
    if not script.exists():
        found = shutil.which("moto_server")
        script = Path(found) if found else script
    base = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    return [*base, "-H", HOST, "-p", str(port)]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP status means the server is up
    except OSError:
        return False


@contextmanager
def moto_s3_server(startup_s: float = 30.0) -> Iterator[str]:
    """Run moto's S3 server on loopback; yield its endpoint ``127.0.0.1:PORT``, then stop it."""
    port = free_port()
    # A file, not a pipe: moto logs every request, and an unread pipe would fill and block it.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(_command(port), stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup_s
            while not _answers(f"http://{HOST}:{port}/"):
                if proc.poll() is not None:
                    log.seek(0)
                    err = log.read().decode(errors="replace")
                    raise RuntimeError(f"moto_server exited with {proc.returncode}: {err[-2000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer on port {port} in {startup_s}s")
                time.sleep(0.1)
            yield f"{HOST}:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
