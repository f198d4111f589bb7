"""Employer accounts are bound to a credit code the registry knows, then post positions."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from chuanyu.core.db import write_scope
from chuanyu.core.models import User
from chuanyu.core.security import create_user
from tests.conftest import AppClient
from tests.e2e.jobs.test_pages import FORM
from tests.e2e.registry.test_registry_api import issue
from tests.support.nodes import PASSWORD


def _employer(client: AppClient) -> str:
    name = f"employer-{uuid.uuid4().hex[:8]}"
    with write_scope(client.node) as session:
        create_user(session=session, username=name, password=PASSWORD, roles=["employer"])
    return name


def _bound(client: AppClient, username: str) -> tuple[str | None, str]:
    with write_scope(client.node) as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return user.subject_id, user.display_name


def test_registrar_binds_an_employer_to_a_registered_business(client: AppClient) -> None:
    lic = issue(client, client.login_as("registrar"), "重庆两江招聘绑定科技有限公司")
    username = _employer(client)
    client.page_login("registrar")
    assert username in client.get("/jobs/employers").text
    r = client.post("/jobs/employers", data={"username": username, "uscc": lic["uscc"]},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    assert _bound(client, username) == (lic["uscc"], "重庆两江招聘绑定科技有限公司")
    assert "重庆两江招聘绑定科技有限公司" in client.get(r.headers["location"]).text


def test_binding_refuses_bad_and_unknown_codes_with_field_messages(client: AppClient) -> None:
    username = _employer(client)
    client.page_login("registrar")
    bad_check = client.post("/jobs/employers", data={"username": username,
                                                     "uscc": "91500112MA5U7AJ18X"})  # fmt: skip
    assert bad_check.status_code == 422
    assert "校验码错误" in bad_check.text and 'aria-invalid="true"' in bad_check.text
    unknown = client.post("/jobs/employers", data={"username": username,
                                                   "uscc": "91500112MA5U7AJ18W"})  # fmt: skip
    assert unknown.status_code == 422 and "查无" in unknown.text
    nobody = client.post("/jobs/employers", data={"username": "no-such-employer",
                                                  "uscc": "91500112MA5U7AJ18W"})  # fmt: skip
    assert nobody.status_code == 422 and "没有名为 no-such-employer" in nobody.text
    assert _bound(client, username)[0] is None


def test_revoked_business_cannot_be_bound(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江已吊销招聘科技有限公司")
    revoked = client.post(f"/api/registry/licences/{lic['uscc']}/revoke",
                          json={"reason": "虚假登记"}, headers=registrar)  # fmt: skip
    assert revoked.status_code == 200, revoked.text
    username = _employer(client)
    client.page_login("registrar")
    r = client.post("/jobs/employers", data={"username": username, "uscc": lic["uscc"]})
    assert r.status_code == 422 and "已被吊销" in r.text


def test_only_registrars_and_admins_bind(client: AppClient) -> None:
    client.page_login("employer")
    assert client.get("/jobs/employers").status_code == 403


def test_bound_employer_posts_under_the_registered_name(client: AppClient) -> None:
    lic = issue(client, client.login_as("registrar"), "重庆两江自主招聘科技有限公司")
    client.page_login("employer", subject_id=lic["uscc"])
    with write_scope(client.node) as session:
        user = session.scalar(select(User).where(User.subject_id == lic["uscc"]))
        assert user is not None
        user.display_name = "重庆两江自主招聘科技有限公司"
    form = client.get("/jobs/manage/new").text
    assert lic["uscc"] in form and "重庆两江自主招聘科技有限公司" in form
    r = client.post("/jobs/manage/new", data={**FORM, "employer_uscc": ""}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert "叉车司机" in page and "重庆两江自主招聘科技有限公司" in page


def test_unbound_employer_is_told_to_bind_not_that_a_field_is_required(client: AppClient) -> None:
    client.page_login("employer")
    assert "尚未绑定统一社会信用代码" in client.get("/jobs/manage/new").text
    r = client.post("/jobs/manage/new", data=FORM)
    assert r.status_code == 422 and "尚未绑定统一社会信用代码" in r.text


def test_demo_employer_is_bound_to_a_demo_business_of_the_region(client: AppClient) -> None:
    from chuanyu.jobs.demo import bind_demo_employer
    from chuanyu.registry import demo as registry_demo
    from chuanyu.registry.uscc import is_valid

    with write_scope(client.node) as session:
        registry_demo.load_demo(session, client.node)
        create_user(session=session, username="cq-employer", password=PASSWORD, roles=["employer"])
    with write_scope(client.node) as session:
        summary = bind_demo_employer(session, client.node)
    code, name = _bound(client, "cq-employer")
    assert code is not None and is_valid(code) and code[2:4] == "50"
    assert name == registry_demo.DEMO_NAMES["CQ"][0] and code in summary


def test_cli_binds_an_employer(monkeypatch: pytest.MonkeyPatch, client: AppClient) -> None:
    from typer.testing import CliRunner

    from chuanyu import cli_support
    from chuanyu.cli import app

    lic = issue(client, client.login_as("registrar"), "重庆两江命令行招聘科技有限公司")
    username = _employer(client)
    monkeypatch.setattr(cli_support, "get_settings",
                        lambda: client.node.settings.model_copy(update={"relay_enabled": False}))
    runner = CliRunner()
    bad = runner.invoke(app, ["jobs", "bind-employer", username, "91500112MA5U7AJ18X"])
    assert bad.exit_code == 1 and "校验码错误" in bad.output
    done = runner.invoke(app, ["jobs", "bind-employer", username, lic["uscc"]])
    assert done.exit_code == 0, done.output
    assert _bound(client, username) == (lic["uscc"], "重庆两江命令行招聘科技有限公司")
