"""Real region nodes for tests: uvicorn subprocesses on ephemeral loopback ports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

from chuanyu.core.config import Settings
from chuanyu.core.db import write_scope
from chuanyu.core.security import create_user, issue_token
from chuanyu.node import Node, open_node

PASSWORD = "test-password-1"


def csrf_token_of(page: str) -> str:
    """The CSRF token a signed-in page carries in its forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page carries no CSRF token (not signed in?)"
    return match.group(1)


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.05,
               message: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


class LiveNode:
    """One node process plus in-process access to its database."""

    def __init__(self, member: str, root: Path, port: int, env: dict[str, str]) -> None:
        self.member = member
        self.root = root
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.workers = 1  # `node serve --workers` (PostgreSQL only)
        self.proc: subprocess.Popen[bytes] | None = None
        self._node: Node | None = None
        self._tokens: dict[tuple[str, str | None], str] = {}
        self.log = root / f"{member}.log"

    @property
    def settings(self) -> Settings:
        """Settings of this node as the process sees them."""
        return Settings(member=self.member, var_dir=self.root,
                        database_url=self.env.get("CHUANYU_DATABASE_URL") or None,
                        database_schema=self.env.get("CHUANYU_DATABASE_SCHEMA") or None)

    def start(self) -> None:
        """Start the process and wait until it answers."""
        cmd = [sys.executable, "-m", "chuanyu", "node", "serve", "--member", self.member,
               "--port", str(self.port)]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        with open(self.log, "ab") as log:
            # A session of its own: a crash can take the worker processes down with it.
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=self.workers > 1)
        wait_until(self.healthy, timeout=180, message=f"{self.member} node to start "
                   f"(log: {self.log})")

    def healthy(self) -> bool:
        """True when the node answers its health check."""
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"{self.member} exited: {self.log.read_text()[-2000:]}")
        try:
            return httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL the node process, and its workers (a crash)."""
        if self.proc is not None and self.proc.poll() is None:
            if self.workers > 1:
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop the node process cleanly."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._node is not None:
            self._node.close()
            self._node = None

    @property
    def node(self) -> Node:
        """An in-process handle on the node's database, keys and exchange (no relay)."""
        if self._node is None:
            self._node = open_node(self.settings.model_copy(update={"relay_enabled": False}),
                                   migrate=False)
        return self._node

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the node's database that commits on success."""
        with write_scope(self.node) as session:
            yield session

    def token(self, role: str, subject_id: str | None = None) -> str:
        """Bearer token of a fresh account holding `role` on this node."""
        key = (role, subject_id)
        if key not in self._tokens:
            with self.session() as session:
                user = create_user(session=session, username=f"{self.member.lower()}-{role}-"
                                   f"{len(self._tokens)}", password=PASSWORD, roles=[role],
                                   subject_id=subject_id)
                self._tokens[key] = issue_token(session=session, user=user)
        return self._tokens[key]

    def headers(self, role: str, subject_id: str | None = None) -> dict[str, str]:
        """Authorization header for `role`."""
        return {"Authorization": f"Bearer {self.token(role, subject_id)}"}

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `chuanyu <args> --member <member>` against this node's database."""
        cmd = [sys.executable, "-m", "chuanyu", *args, "--member", self.member]
        result = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"{cmd} failed ({result.returncode}): {result.stderr[-2000:]}")
        return result


class LiveFederation:
    """Two real nodes, CQ and SC, talking over loopback HTTP."""

    def __init__(self, root: Path, extra_env: dict[str, str] | None = None) -> None:
        from chuanyu import domains
        from chuanyu.exchange import federation
        from chuanyu.exchange.registry import SERVICES, STREAMS

        self.root = root
        ports = {"CQ": free_port(), "SC": free_port()}
        domains.load_handlers()
        fed_dir = root / "federation"
        federation.init(fed_dir, urls={m: f"http://127.0.0.1:{p}" for m, p in ports.items()},
                        services={m: sorted(SERVICES) for m in ports},
                        streams={m: sorted(STREAMS) for m in ports})
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANYU_")}
        base_env.update({"CHUANYU_VAR_DIR": str(root), "CHUANYU_FEDERATION_DIR": str(fed_dir),
                         "CHUANYU_RELAY_POLL_S": "0.2", **(extra_env or {})})
        self.cq = LiveNode("CQ", root, ports["CQ"], {**base_env, "CHUANYU_MEMBER": "CQ"})
        self.sc = LiveNode("SC", root, ports["SC"], {**base_env, "CHUANYU_MEMBER": "SC"})
        self.wait_until = wait_until

    def __getitem__(self, member: str) -> LiveNode:
        return {"CQ": self.cq, "SC": self.sc}[member]

    def start(self) -> None:
        """Start both nodes."""
        self.cq.start()
        self.sc.start()

    def stop(self) -> None:
        """Stop both nodes."""
        self.cq.stop()
        self.sc.stop()
