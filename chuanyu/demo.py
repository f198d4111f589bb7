"""`chuanyu demo`: both region nodes on SQLite with demo accounts and data, until Ctrl-C."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType

import httpx
from rich.console import Console
from sqlalchemy import select

from chuanyu import domains
from chuanyu.core.config import get_settings
from chuanyu.core.db import write_scope
from chuanyu.core.models import User
from chuanyu.core.security import ROLE_LABELS, Role, create_user
from chuanyu.node import Node, open_node

console = Console(stderr=True)

DEMO_PASSWORD = "chuanyu-demo"


def demo_username(member: str, role: str) -> str:
    """Demo account name for a role on a member, e.g. `cq-window_clerk`."""
    return f"{member.lower()}-{role}"


def ensure_demo_users(node: Node) -> None:
    """One account per role on the node, password DEMO_PASSWORD."""
    with write_scope(node) as session:
        for role in Role:
            name = demo_username(node.member, role.value)
            if session.scalar(select(User.id).where(User.username == name)) is None:
                create_user(
                    session=session,
                    username=name,
                    password=DEMO_PASSWORD,
                    roles=[role.value],
                    display_name=f"演示{ROLE_LABELS[role]}（{node.name}）",
                )


def prepare(member: str) -> list[str]:
    """Migrate the member's database and load each domain's demo data."""
    node = open_node(get_settings().for_member(member))
    summaries = []
    try:
        ensure_demo_users(node)
        for domain, module in domains.domain_modules("demo"):
            console.print(f"[{member}] loading demo data: {domain} …")
            with write_scope(node) as session:
                summaries.append(f"{domain}: {module.load_demo(session, node)}")
    finally:
        node.close()
    return summaries


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"node at {url} exited with code {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"node at {url} did not become healthy in {timeout:.0f} s")


class _StopRequested(Exception):
    """SIGTERM or SIGHUP reached the demo: stop both nodes as Ctrl-C would."""


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _StopRequested(signal.Signals(signum).name)


def _die_with_parent() -> None:
    """In the node's process: receive SIGTERM when the demo process dies, even by kill -9."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def run_demo(*, cq_port: int, sc_port: int, serve: bool = True) -> None:
    """Set up the federation and demo data, then run both nodes until interrupted."""
    from chuanyu.cli import federation_init

    settings = get_settings()
    cq_url, sc_url = f"http://127.0.0.1:{cq_port}", f"http://127.0.0.1:{sc_port}"
    federation_init(dir=settings.federation_path, cq_url=cq_url, sc_url=sc_url, new_keys=False)
    for member in ("CQ", "SC"):
        for line in prepare(member):
            console.print(f"  [{member}] {line}")
    if not serve:
        return
    procs: list[subprocess.Popen[bytes]] = []
    # A closed terminal (SIGHUP) or a service manager (SIGTERM) stops the nodes too.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGHUP, _raise_stop)
    for member, port in (("CQ", cq_port), ("SC", sc_port)):
        env = {**os.environ, "CHUANYU_MEMBER": member}
        # Own session: Ctrl-C reaches this process only, which then stops each node cleanly.
        proc = subprocess.Popen([sys.executable, "-m", "chuanyu", "node", "serve", "--member",
                                 member, "--port", str(port)], env=env, start_new_session=True,
                                preexec_fn=_die_with_parent)
        procs.append(proc)
    try:
        for proc, url in zip(procs, (cq_url, sc_url), strict=True):
            _wait_healthy(url, proc)
        _announce(cq_url, sc_url)
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except (KeyboardInterrupt, _StopRequested):
        console.print("stopping both nodes …")
    finally:
        _stop(procs)


def _announce(cq_url: str, sc_url: str) -> None:
    console.print(f"\n[bold]川渝通办 Chuanyu demo is running[/bold]\n"
                  f"  重庆 CQ: {cq_url}\n  四川 SC: {sc_url}\n"
                  f"  sign in as e.g. cq-admin / sc-window_clerk / cq-citizen, "
                  f"password {DEMO_PASSWORD}\n"
                  f"  (plain HTTP on loopback — a demo; production: mutual TLS, see README)\n"
                  f"  Ctrl-C stops both nodes.")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
