"""`chuanyu demo` stops both nodes however it is stopped: SIGTERM, a closed terminal, kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.nodes import free_port, wait_until


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir whose demo data is prepared once for every test here."""
    var = tmp_path_factory.mktemp("demo")
    env = _env(var)
    subprocess.run([sys.executable, "-m", "chuanyu", "demo", "--no-serve"], env=env, check=True,
                   capture_output=True, timeout=300)
    return var


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANYU_")}
    env["CHUANYU_VAR_DIR"] = str(var)
    return env


@pytest.fixture
def running_demo(demo_var: Path) -> Iterator[tuple[subprocess.Popen[bytes], list[psutil.Process]]]:
    """A demo serving both nodes; yields the demo process and its two node processes."""
    cq, sc = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chuanyu", "demo", "--cq-port", str(cq),
                             "--sc-port", str(sc)], env=_env(demo_var),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for port in (cq, sc):
            wait_until(lambda p=port: _healthy(f"http://127.0.0.1:{p}"), timeout=120,
                       message=f"demo node on port {port}")
        nodes = psutil.Process(proc.pid).children()
        assert len(nodes) == 2
        yield proc, nodes
    finally:
        for child in psutil.Process(proc.pid).children() if proc.poll() is None else []:
            child.kill()
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def _all_gone(nodes: list[psutil.Process]) -> bool:
    return not any(n.is_running() and n.status() != psutil.STATUS_ZOMBIE for n in nodes)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_terminating_the_demo_stops_both_nodes(
        running_demo: tuple[subprocess.Popen[bytes], list[psutil.Process]],
        signum: signal.Signals) -> None:
    proc, nodes = running_demo
    proc.send_signal(signum)
    proc.wait(timeout=30)
    wait_until(lambda: _all_gone(nodes), timeout=30, message="both nodes to exit")


@pytest.mark.slow
def test_killing_the_demo_outright_stops_both_nodes(
        running_demo: tuple[subprocess.Popen[bytes], list[psutil.Process]]) -> None:
    proc, nodes = running_demo
    proc.kill()
    proc.wait(timeout=30)
    wait_until(lambda: _all_gone(nodes), timeout=30, message="both nodes to exit")
