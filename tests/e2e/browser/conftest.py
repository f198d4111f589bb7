"""Browser fixtures: two nodes serving the demo data, axe-core, and the screenshot folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chuanyu.window import service as window_service
from chuanyu.window.demo import DEMO_CITIZEN, DEMO_CITIZEN_NAME
from chuanyu.window.enums import Action
from chuanyu.window.schemas import TransitionIn
from tests.integration.window.window_helpers import complete_request, user
from tests.support.nodes import LiveFederation

ROOT = Path(__file__).resolve().parents[3]
AXE = Path(os.environ.get("CHUANYU_AXE",
                          ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = Path(os.environ.get("CHUANYU_SCREENSHOTS", ROOT / "var" / "screenshots"))
DEMO_PASSWORD = "chuanyu-demo"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def demo_federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFederation]:
    """CQ and SC as real processes on the data of `chuanyu demo` (accounts `cq-<role>`)."""
    fed = LiveFederation(tmp_path_factory.mktemp("demo-pages"))
    cq_port, sc_port = fed.cq.port, fed.sc.port
    env = {k: v for k, v in fed.cq.env.items() if k != "CHUANYU_MEMBER"}
    done = subprocess.run([sys.executable, "-m", "chuanyu", "demo", "--no-serve",
                           "--cq-port", str(cq_port), "--sc-port", str(sc_port)],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed by `make test` from npm (`make axe`)."""
    if not AXE.exists():
        pytest.skip(f"{AXE} missing: run `make axe` (npm install of axe-core)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder `make test` leaves screenshots in (git-ignored; each run overwrites its own)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def new_page(browser: Any, viewport: dict[str, int]) -> Any:
    """A page in a fresh context of the given size; CSP bypassed so axe can be injected."""
    context = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True,
                                  timezone_id="Asia/Shanghai")
    return context.new_page()


def sign_in(page: Any, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the page it leads to."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/login" not in page.url, f"{username} could not sign in"


def demo_citizen_case(fed: LiveFederation, action: Action, step: TransitionIn) -> str:
    """A case of CQ's demo citizen, received at CQ's window and taken one step by its clerk."""
    cq = fed.cq
    clerk = user("window_clerk", "CQ", name="cq-window_clerk")
    with cq.session() as session:
        data, uploads = complete_request(session, "CQ-RS-001", name=DEMO_CITIZEN_NAME["CQ"],
                                         id_number=DEMO_CITIZEN["CQ"])  # fmt: skip
        number = window_service.receive(session=session, node=cq.node, user=clerk, data=data,
                                        uploads=uploads).case_number  # fmt: skip
        window_service.act(session=session, node=cq.node, user=clerk, case_number=number,
                           action=action, data=step)  # fmt: skip
    return number
