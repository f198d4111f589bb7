"""Attacks on the web side of two live nodes (CQ and SC over loopback HTTP), each refused.

Forged and replayed session cookies, cross-site requests riding on a signed-in clerk, and
oversized bodies outside the exchange.
"""

from __future__ import annotations

import base64
import json
import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import text

from chuanyu.core.config import DEV_SECRET
from chuanyu.core.security import create_user
from tests.e2e.jobs.test_pages import FORM
from tests.support.nodes import PASSWORD, LiveFederation, LiveNode, csrf_token_of

EVIL = "http://attacker.example"
CROSS_SITE = {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}


@pytest.fixture(scope="module")
def fed(live_nodes: LiveFederation) -> Iterator[LiveFederation]:
    """The live federation, with an administrator (account 1 on each node) in place."""
    for node in (live_nodes.cq, live_nodes.sc):
        node.token("admin")
    yield live_nodes


def browser_session(node: LiveNode, role: str) -> httpx.Client:
    """A client signed in through the login form, holding the page session cookie."""
    name = f"{node.member.lower()}-{role}-{uuid.uuid4().hex[:6]}"
    with node.session() as session:
        create_user(session=session, username=name, password=PASSWORD, roles=[role],
                    subject_id=FORM["employer_uscc"] if role == "employer" else None)
    client = httpx.Client(base_url=node.url, timeout=30)
    client.username = name  # type: ignore[attr-defined]
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


def cookie_name(node: LiveNode) -> str:
    return f"chuanyu_{node.member.lower()}"


def signed_in(node: LiveNode, cookie: str, name: str | None = None) -> bool:
    """True when `cookie` (as the node's session cookie) opens a signed-in page."""
    response = httpx.get(f"{node.url}/status", cookies={name or cookie_name(node): cookie},
                         timeout=30)
    return response.status_code == 200


def forge(payload: dict[str, object], secret: str) -> str:
    """A session cookie as Starlette signs one, with a secret the attacker knows."""
    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(secret).sign(data).decode()


def count(node: LiveNode, table: str) -> int:
    with node.session() as session:
        return int(session.scalar(text(f"select count(*) from {table}")) or 0)


def test_cookie_forged_with_the_placeholder_secret_is_refused(fed: LiveFederation) -> None:
    for node in (fed.cq, fed.sc):
        for payload in ({"user_id": 1}, {"sid": "guess", "member": node.member}):
            assert not signed_in(node, forge(payload, DEV_SECRET))


def test_session_cookie_of_one_node_is_refused_by_the_other(fed: LiveFederation) -> None:
    client = browser_session(fed.cq, "admin")
    cookie = client.cookies[cookie_name(fed.cq)]
    assert signed_in(fed.cq, cookie)
    assert not signed_in(fed.sc, cookie, "chuanyu_cq")
    assert not signed_in(fed.sc, cookie, "chuanyu_sc")


def test_cookie_no_longer_works_after_logout(fed: LiveFederation) -> None:
    client = browser_session(fed.sc, "window_clerk")
    cookie = client.cookies[cookie_name(fed.sc)]
    token = csrf_token_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert not signed_in(fed.sc, cookie)


def test_password_and_role_changes_end_existing_sessions(fed: LiveFederation) -> None:
    for command in (["users", "password", "--password", "changed-password-9"],
                    ["users", "roles", "--roles", "citizen"]):
        client = browser_session(fed.cq, "window_clerk")
        cookie = client.cookies[cookie_name(fed.cq)]
        assert signed_in(fed.cq, cookie)
        fed.cq.cli(command[0], command[1], client.username, *command[2:])  # type: ignore[attr-defined]
        assert not signed_in(fed.cq, cookie), command


def test_cross_origin_text_plain_post_does_not_create_a_window_case(fed: LiveFederation) -> None:
    clerk = browser_session(fed.cq, "window_clerk")
    before = count(fed.cq, "window_case")
    body = json.dumps({"case": {"matter_code": "CQ-GA-001"}})
    for headers in (CROSS_SITE, {"Origin": "null"}, {"Sec-Fetch-Site": "same-site"}, {}):
        response = clerk.post("/api/window/cases", content=body,
                              headers={"Content-Type": "text/plain", **headers})
        assert response.status_code == 403, (headers, response.text)
        problem = response.json()
        assert problem["code"] in ("csrf_origin", "csrf_token")
        assert "请" in problem["detail"]
    assert count(fed.cq, "window_case") == before


def test_cross_origin_form_does_not_publish_a_job_posting(fed: LiveFederation) -> None:
    officer = browser_session(fed.cq, "hr_officer")
    token = csrf_token_of(officer.get("/jobs/manage/new").text)
    before = count(fed.cq, "jobs_posting")
    sibling = {"Origin": fed.sc.url, "Sec-Fetch-Site": "same-site"}
    for headers, data in ((CROSS_SITE, FORM), (sibling, FORM),
                          (CROSS_SITE, {**FORM, "csrf_token": token}),
                          ({"Origin": fed.cq.url}, FORM),
                          ({"Origin": fed.cq.url}, {**FORM, "csrf_token": "forged"})):
        response = officer.post("/jobs/manage/new", data=data, headers=headers)
        assert response.status_code == 403, (headers, response.text)
        assert "请" in response.text
    assert count(fed.cq, "jobs_posting") == before

    same_origin = {"Origin": fed.cq.url, "Sec-Fetch-Site": "same-origin"}
    published = officer.post("/jobs/manage/new", data={**FORM, "csrf_token": token},
                             headers=same_origin)
    assert published.status_code == 303, published.text
    assert count(fed.cq, "jobs_posting") == before + 1


def test_bearer_token_calls_need_no_csrf_token(fed: LiveFederation) -> None:
    body = {k: v for k, v in FORM.items() if k not in ("education", "experience",
                                                       "employment_type", "headcount",
                                                       "benefits")}
    response = httpx.post(f"{fed.cq.url}/api/jobs/postings", json=body, timeout=30,
                          headers={**fed.cq.headers("hr_officer"), **CROSS_SITE})
    assert response.status_code == 201, response.text


def raw_request(node: LiveNode, head: str, body_part: bytes) -> tuple[int, bytes]:
    """Send a request head and only the start of its body; the status the node answers."""
    with socket.create_connection(("127.0.0.1", node.port), timeout=30) as conn:
        conn.sendall(head.encode() + body_part)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
        status = int(received.split(b" ", 2)[1])
        return status, received


def test_huge_upload_is_refused_before_it_is_read(fed: LiveFederation) -> None:
    clerk = browser_session(fed.cq, "window_clerk")
    cookie = clerk.cookies[cookie_name(fed.cq)]
    size = 60 * 1024 * 1024
    head = (f"POST /api/window/cases HTTP/1.1\r\nHost: 127.0.0.1:{fed.cq.port}\r\n"
            f"Cookie: {cookie_name(fed.cq)}={cookie}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\n\r\n")
    status, answer = raw_request(fed.cq, head, b"--x\r\n")
    assert status == 413, answer
    assert "请求体过大".encode() in answer or b"413" in answer


def test_huge_anonymous_json_is_refused_before_it_is_read(fed: LiveFederation) -> None:
    size = 40 * 1024 * 1024
    head = (f"POST /api/window/track HTTP/1.1\r\nHost: 127.0.0.1:{fed.sc.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
    status, _ = raw_request(fed.sc, head, b'{"case_number": "')
    assert status == 413


def test_streamed_body_without_a_length_is_cut_off_at_the_limit(fed: LiveFederation) -> None:
    head = (f"POST /api/window/track HTTP/1.1\r\nHost: 127.0.0.1:{fed.sc.port}\r\n"
            f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"a" * (256 * 1024)
    chunks = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n") * 6  # 1.5 MiB, never ended
    status, answer = raw_request(fed.sc, head, chunks)
    assert status == 413, answer


def test_bulk_import_takes_a_large_body_only_with_credentials(fed: LiveFederation) -> None:
    size = 8 * 1024 * 1024
    head = (f"POST /api/jobs/import HTTP/1.1\r\nHost: 127.0.0.1:{fed.cq.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
    status, _ = raw_request(fed.cq, head, b'{"rows": [')
    assert status == 413
    rows = [{"title": "x" * 500}] * 4000  # about 2 MB: over the plain JSON limit
    response = httpx.post(f"{fed.cq.url}/api/jobs/import", json={"rows": rows}, timeout=120,
                          headers=fed.cq.headers("hr_officer"))
    assert response.status_code != 413, response.text
