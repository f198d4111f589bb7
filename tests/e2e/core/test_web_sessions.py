"""Page sessions on one node: idle timeout, account changes, TLS cookies, login throttling."""

from __future__ import annotations

import types
import uuid
from datetime import UTC, datetime, timedelta

import limits.storage.memory
import limits.strategies
import pytest
from sqlalchemy import select

from chuanyu.core import clock, throttle
from chuanyu.core.db import write_scope
from chuanyu.core.models import User
from chuanyu.core.security import create_user, set_password, set_roles
from tests.conftest import AppClient
from tests.support.nodes import PASSWORD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _account(client: AppClient, role: str = "window_clerk") -> str:
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    with write_scope(client.node) as session:
        create_user(session=session, username=name, password=PASSWORD, roles=[role])
    return name


def _login(client: AppClient, name: str, password: str = PASSWORD) -> int:
    return client.post("/login", data={"username": name, "password": password},
                       follow_redirects=False).status_code


def _signed_in(client: AppClient) -> bool:
    return client.get("/status", follow_redirects=False).status_code == 200


def test_session_ends_after_the_idle_timeout(client: AppClient) -> None:
    name = _account(client)
    with clock.freeze(T0):
        assert _login(client, name) == 303
    with clock.freeze(T0 + timedelta(minutes=29)):
        assert _signed_in(client)
    with clock.freeze(T0 + timedelta(minutes=58)):
        assert _signed_in(client), "use within the timeout keeps the session alive"
    with clock.freeze(T0 + timedelta(minutes=58 + 31)):
        assert not _signed_in(client)


def test_session_ends_after_its_absolute_lifetime(client: AppClient) -> None:
    node = client.node
    node.settings = node.settings.model_copy(update={"session_max_hours": 1})
    name = _account(client)
    with clock.freeze(T0):
        assert _login(client, name) == 303
    for minutes in (25, 50):
        with clock.freeze(T0 + timedelta(minutes=minutes)):
            assert _signed_in(client)
    with clock.freeze(T0 + timedelta(minutes=65)):
        assert not _signed_in(client), "still in use, but older than its lifetime"


@pytest.mark.parametrize("change", ["password", "roles"])
def test_password_or_role_change_ends_existing_sessions(client: AppClient, change: str) -> None:
    name = _account(client)
    assert _login(client, name) == 303 and _signed_in(client)
    with write_scope(client.node) as session:
        user = session.scalar(select(User).where(User.username == name))
        assert user is not None
        if change == "password":
            set_password(session=session, user=user, password="another-password-2")
        else:
            set_roles(session=session, user=user, roles=["citizen"])
    assert not _signed_in(client)


def test_session_cookie_is_secure_and_hsts_is_sent_under_tls(client: AppClient) -> None:
    name = _account(client)
    plain = client.post("/login", data={"username": name, "password": PASSWORD},
                        follow_redirects=False)
    cookie = plain.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert "strict-transport-security" not in plain.headers
    client.cookies.clear()
    tls = client.post("https://testserver/login", data={"username": name, "password": PASSWORD},
                      follow_redirects=False)
    assert tls.status_code == 303
    assert "; secure" in tls.headers["set-cookie"].lower()
    assert tls.headers["strict-transport-security"].startswith("max-age=")


def test_every_page_carries_the_security_headers(client: AppClient) -> None:
    for path in ("/", "/login", "/jobs/", "/api/health"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


class _LimiterClock:
    """The clock the `limits` in-memory store and strategies read, moved by hand."""

    def __init__(self, start: float) -> None:
        self.now = start

    def time(self) -> float:
        return self.now


@pytest.fixture
def limiter_clock(monkeypatch: pytest.MonkeyPatch) -> _LimiterClock:
    fake = _LimiterClock(1_900_000_000.0)
    module = types.SimpleNamespace(time=fake.time, monotonic=fake.time, sleep=lambda _s: None)
    for target in (limits.storage.memory, limits.strategies, throttle):
        monkeypatch.setattr(target, "time", module)
    return fake


def test_login_is_throttled_per_account_until_the_window_passes(
        client: AppClient, limiter_clock: _LimiterClock) -> None:
    name = _account(client)
    for _ in range(30):
        assert _login(client, name, "wrong-password") in (401, 429)
    refused = client.post("/login", data={"username": name, "password": PASSWORD},
                          follow_redirects=False)
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text and "分钟后再试" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert not _signed_in(client)
    limiter_clock.now += 14 * 60
    assert _login(client, name) == 429
    limiter_clock.now += 2 * 60
    assert _login(client, name) == 303


def test_login_is_throttled_per_client_address(
        client: AppClient, limiter_clock: _LimiterClock) -> None:
    # Fewer attempts than the shipped 100 per address keep the test quick; same code path.
    client.app.state.login_throttle = throttle.LoginThrottle(address="5 per 15 minutes")
    for i in range(5):
        assert _login(client, f"nobody-{i}", "wrong-password") == 401
    name = _account(client)
    assert _login(client, name) == 429
    limiter_clock.now += 16 * 60
    assert _login(client, name) == 303


def test_unknown_user_costs_a_password_verification(
        client: AppClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from chuanyu.core import security

    calls: list[str] = []
    real = security.verify_password

    def counting(stored: str, password: str) -> bool:
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(security, "verify_password", counting)
    assert _login(client, "no-such-user", "wrong-password") == 401
    known = _account(client)
    assert _login(client, known, "wrong-password") == 401
    assert len(calls) == 2 and all(c.startswith("$argon2id$") for c in calls)
