"""Every API operation of both nodes, fuzzed from the OpenAPI document as each role that may
call it: no server error, and every answer conforms to the document (all schemathesis checks).

`CHUANYU_FUZZ_EXAMPLES` sets the examples per operation, role and mode (`make fuzz` raises it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from chuanyu import api
from chuanyu.core.db import write_scope
from chuanyu.core.security import Role
from chuanyu.ledger.service.seed import load_seed
from chuanyu.node import Node
from chuanyu.registry import demo as registry_demo
from chuanyu.window import demo as window_demo
from tests.conftest import AppClient, make_client
from tests.e2e.test_route_matrix import _access, _flatten

EXAMPLES = int(os.environ.get("CHUANYU_FUZZ_EXAMPLES", "4"))
MEMBERS = ("CQ", "SC")
# The schema cannot express check digits, registered codes or the state of a case, so a
# business rule refusing well-formed input (422) is a legitimate answer to positive data.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
# The apps run in process, without their peer: a use case that needs the other region answers
# its documented 503 problem ("对方节点暂不可达"). Any other 5xx is a failure.
SERVER_STATUSES = ["2xx", "3xx", "4xx", "503"]


def _operations() -> list[tuple[str, str, str]]:
    """(method, path, role) for every API operation and each role allowed to call it."""
    found = []
    for route in _flatten(list(api.build_router().routes)):
        if not route.api_route.include_in_schema:
            continue
        kind, roles = _access(route)
        callers = ["anonymous"] if kind == "public" else list(roles) or [Role.citizen.value]
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            found += [(method, route.path, role) for role in callers]
    return found


OPERATIONS = _operations()


def _seed(node: Node) -> None:
    """Records read back from the database: the seed's entries, matters and cases, licences."""
    with write_scope(node) as session:
        load_seed(session=session, member=node.member)
        window_demo.load_demo(session, node)
        registry_demo.load_demo(session, node)


@pytest.fixture(scope="module")
def nodes(federation_dir: Path, sqlite_template: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, AppClient]]:
    """One app per member, each on its own database, shared by the module's cases."""
    clients = {m: make_client(federation_dir, sqlite_template, tmp_path_factory.mktemp(m), m)
               for m in MEMBERS}
    for client in clients.values():
        client.__enter__()
        _seed(client.node)
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def schemas(nodes: dict[str, AppClient]) -> dict[str, Any]:
    """Each member's OpenAPI document, loaded by schemathesis from the app itself."""
    config = schemathesis.Config.from_dict({"checks": {
        "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
        "not_a_server_error": {"expected-statuses": SERVER_STATUSES}}})
    return {m: schemathesis.openapi.from_asgi("/openapi.json", c.app, config=config)
            for m, c in nodes.items()}


@pytest.fixture(scope="module")
def tokens(nodes: dict[str, AppClient]) -> dict[tuple[str, str], dict[str, str]]:
    """Bearer headers for each member and role (one account each)."""
    return {(m, role.value): c.login_as(role.value) for m, c in nodes.items() for role in Role}


TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@schemathesis.check
def timestamps_carry_their_zone(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every timestamp in a JSON answer says which zone it is in."""
    if "json" not in (response.headers.get("content-type") or [""])[0]:
        return None
    naive = [s for s in _strings(response.json()) if TIMESTAMP.match(s)
             and datetime.fromisoformat(s).utcoffset() is None]
    assert not naive, f"timestamps without a zone: {naive[:3]}"
    return None


def _checks() -> list[Any]:
    load_all_checks()
    return list(CHECKS.get_all())


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize(("method", "path", "role"), OPERATIONS,
                         ids=[f"{m} {p} as {r}" for m, p, r in OPERATIONS])
def test_operation_conforms_to_openapi(member: str, method: str, path: str, role: str,
                                       schemas: dict[str, Any],
                                       tokens: dict[tuple[str, str], dict[str, str]]) -> None:
    operation = schemas[member][path][method]
    headers = {} if role == "anonymous" else tokens[(member, role)]
    checks = _checks()
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    fuzz()
