"""CQ's and SC's exports of the same report differ only in the exporting node's name."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date

import httpx
import pytest

from chuanyu.ledger.reports import FORMATS, render
from chuanyu.ledger.service import build_report_for, load_seed
from tests.support.nodes import LiveFederation

AS_OF = "2020-07-08"


def _colophon(fmt: str, name: str) -> bytes:
    """How the exporting node's name stands in a text format."""
    text = f'"exported_by": "{name}"' if fmt == "json" else f"导出节点：{name}"
    return text.encode("utf-8")


def _xlsx_parts(data: bytes, name: str, placeholder: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            info.filename: archive.read(info).replace(name.encode(), placeholder.encode())
            for info in archive.infolist()
        }


@pytest.fixture(scope="module")
def seeded(live_nodes: LiveFederation) -> LiveFederation:
    cq, sc = live_nodes.cq, live_nodes.sc
    with cq.session() as session:
        load_seed(session=session, member="CQ")
    headers = sc.headers("citizen")

    def replicated() -> bool:
        entries = httpx.get(f"{sc.url}/api/ledger/entries", headers=headers, timeout=5).json()
        figures = httpx.get(f"{sc.url}/api/ledger/figures", headers=headers, timeout=5).json()
        return bool(entries["total"] >= 21 and len(figures) >= 9)

    live_nodes.wait_until(replicated, timeout=60)
    return live_nodes


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_text_exports_match_apart_from_the_node_name(seeded: LiveFederation, fmt: str) -> None:
    bodies = {}
    for node in (seeded.cq, seeded.sc):
        r = httpx.get(
            f"{node.url}/api/ledger/report",
            params={"as_of": AS_OF, "format": fmt},
            headers=node.headers("citizen"),
            timeout=60,
        )
        assert r.status_code == 200, r.text
        assert _colophon(fmt, node.node.name) in r.content
        bodies[node.member] = r.content.replace(_colophon(fmt, node.node.name), b"<node>")
    assert bodies["CQ"] == bodies["SC"]


def test_xlsx_exports_match_apart_from_the_node_name(seeded: LiveFederation) -> None:
    parts = {}
    for node in (seeded.cq, seeded.sc):
        r = httpx.get(
            f"{node.url}/api/ledger/report",
            params={"as_of": AS_OF, "format": "xlsx"},
            headers=node.headers("citizen"),
            timeout=60,
        )
        assert r.status_code == 200
        parts[node.member] = _xlsx_parts(r.content, f"导出节点：{node.node.name}", "<node>")
    assert parts["CQ"] == parts["SC"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_built_on_both_members_render_the_same_bytes(
    seeded: LiveFederation, fmt: str
) -> None:
    reports = {}
    for node in (seeded.cq, seeded.sc):
        with node.session() as session:
            reports[node.member] = build_report_for(
                session=session, as_of=date.fromisoformat(AS_OF))
    assert reports["CQ"].exported_by != reports["SC"].exported_by
    sc_as_cq = dataclasses.replace(reports["SC"], exported_by=reports["CQ"].exported_by)
    assert render(reports["CQ"], fmt) == render(sc_as_cq, fmt)
