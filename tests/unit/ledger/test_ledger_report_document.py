"""The 2020 report as the document it reproduces: traceable text, nothing invented, valid files."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from chuanyu.ledger.catalogue import default_catalog
from chuanyu.ledger.dataset import seed_dataset, to_facts, to_figure
from chuanyu.ledger.reports import FORMATS, render
from chuanyu.ledger.reports.build import build_report
from chuanyu.ledger.reports.document import Statement, seed_document, source_lines
from chuanyu.ledger.reports.model import Report

AS_OF = date(2020, 7, 8)
STATEMENTS = seed_document().statements()


def _squeeze(text: str) -> str:
    """The seed breaks sentences across lines and spaces some characters out."""
    return re.sub(r"\s+", "", text)


def _seed_text(s: Statement) -> str:
    lines = source_lines(seed_document().source_file)
    return _squeeze("".join(lines[s.first_line - 1 : s.last_line]))


@pytest.fixture(scope="module")
def report() -> Report:
    ds = seed_dataset()
    facts = [to_facts(e.id or "", e, owner="CQ") for e in ds.entries]
    figures = [to_figure(f) for f in ds.figures]
    return build_report(default_catalog(), facts, figures, AS_OF, exported_by="重庆市")


def _xlsx_text(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data))
    cells = (c.value for ws in wb for row in ws.iter_rows() for c in row)
    return "\n".join(str(v) for v in cells if v is not None)


@pytest.fixture(scope="module")
def texts(report: Report) -> dict[str, str]:
    out = {fmt: render(report, fmt).decode("utf-8") for fmt in ("html", "md")}
    data = json.loads(render(report, "json"))
    out["json"] = json.dumps(data, ensure_ascii=False)
    out["xlsx"] = _xlsx_text(render(report, "xlsx"))
    return out


def test_shipped_seed_is_the_source_file() -> None:
    shared = Path("/work/shared/seed/000_808b43b5ddd36a68.txt")
    if not shared.exists():
        pytest.skip("the shared seed is not on this machine")
    assert "\n".join(source_lines(seed_document().source_file)) == shared.read_text("utf-8")


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda s: s.reference)
def test_statement_stands_on_its_seed_lines_with_its_key_facts(statement: Statement) -> None:
    lines = source_lines(seed_document().source_file)
    assert 1 <= statement.first_line <= statement.last_line <= len(lines)
    seed = _seed_text(statement)
    assert _squeeze(statement.text) in seed
    assert statement.facts, "every statement names the facts it carries"
    for fact in statement.facts:
        assert _squeeze(fact) in seed


def test_every_entry_with_source_sentences_is_a_seed_entry() -> None:
    ids = {e.id for e in seed_dataset().entries}
    assert set(seed_document().entries) <= ids


@pytest.mark.parametrize("fmt", ["html", "md", "json", "xlsx"])
def test_every_statement_is_rendered_in_every_format(texts: dict[str, str], fmt: str) -> None:
    missing = [s.reference for s in STATEMENTS if s.text not in texts[fmt]]
    assert missing == []


@pytest.mark.parametrize("fmt", ["html", "md", "json", "xlsx"])
def test_document_passages_the_issue_names_are_in_every_format(
    texts: dict[str, str], fmt: str
) -> None:
    text = texts[fmt]
    assert "推动成渝地区双城经济圈建设的N个第一次" in text
    assert any(c in text for c in ("14个“第一次”", "“第一次”14个", '"first_count": 14'))
    assert (
        "《中共重庆市委关于立足“四个优势”发挥“三个作用”加快推动成渝地区双城经济圈建设的决议》"
        in text
    )
    assert "窗口收件、两地互通、限时办结" in text
    assert "首次实现川渝两地毗邻地区公交互通" in text
    assert "半年来，我市各部门各区县与四川方面积极开展对接" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_carries_the_document_text(report: Report, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(report, "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = _squeeze(text)
    for phrase in (
        "推动成渝地区双城经济圈建设的N个第一次",
        "14个“第一次”",
        "窗口收件、两地互通、限时办结",
    ):
        assert phrase in flat
    assert _squeeze(seed_document().resolution.text) in flat
    assert "首次实现川渝两地毗邻地区公交互通" in flat


# Words the seed does not use for what it reports (its document lists end in 等文件: no count).
INVENTED = ("讨论稿", "抓获", "单程", "安居区", "三份", "文件3份", "不一致", "（重庆，2020年7月）")


@pytest.mark.parametrize("fmt", ["html", "md", "json", "xlsx"])
def test_nothing_invented(texts: dict[str, str], fmt: str) -> None:
    text = texts[fmt]
    assert [w for w in INVENTED if w in text] == []
    assert "抓捕嫌疑人29人" in text and "遂宁磨溪" in text and "运行时间约1小时" in text


def test_only_the_housing_fund_figure_carries_a_date(texts: dict[str, str]) -> None:
    dated = [line for line in texts["md"].splitlines() if "7月8日" in line]
    assert dated and all("异地贷款" in line for line in dated if "截至7月8日" in line)
    assert not [line for line in dated if "截至7月8日" not in line and "2020年7月8日" not in line]


def test_markdown_table_is_valid(texts: dict[str, str]) -> None:
    lines = texts["md"].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| 指标 |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    assert re.fullmatch(r"\|( --- \|)+", rows[1])
    widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
    assert len(widths) == 1
    tokens = MarkdownIt("commonmark").enable("table").parse(texts["md"])
    cells_per_row: list[int] = []
    for tok in tokens:
        if tok.type == "tr_open":
            cells_per_row.append(0)
        elif tok.type in ("th_open", "td_open"):
            cells_per_row[-1] += 1
    assert len(cells_per_row) == len(rows) - 1 == len(default_catalog().metrics) + 1
    assert set(cells_per_row) == {5}


def test_reconciliation_column_names_ledger_records_and_published_total(
    texts: dict[str, str],
) -> None:
    assert "台账逐条记录 3 条（公布总数 85份）" in texts["md"]
    assert "台账逐条记录 3 条（公布总数 85份）" in texts["xlsx"]


def test_timeline_shows_dated_firsts_in_the_period_and_lists_the_rest(report: Report) -> None:
    assert [t.label for t in report.timeline] == ["第一批互派干部"]
    assert report.period_start is not None
    assert all(report.period_start <= t.start <= t.end <= AS_OF for t in report.timeline)
    assert len(report.undated) == 13 and not any(u.dated for u in report.undated)
    html = render(report, "html").decode("utf-8")
    assert "stroke-dasharray" not in html
    assert "原文未注明日期的“第一次”（13个）" in html


def test_timeline_is_clamped_to_a_report_period_before_a_dated_first() -> None:
    ds = seed_dataset()
    facts = [to_facts(e.id or "", e, owner="CQ") for e in ds.entries]
    early = build_report(default_catalog(), facts, [], date(2020, 5, 7))
    assert all(t.end <= date(2020, 5, 7) for t in early.timeline + early.undated)


def test_official_layout_has_a_cover_and_numbered_sections_without_chips(report: Report) -> None:
    html = render(report, "html").decode("utf-8")
    cover = html[html.index('<section class="ly-cover">') : html.index("</section>")]
    assert "川渝通办合作台账" in cover and "2020年7月8日" in cover and "导出节点：重庆市" in cover
    heads = re.findall(r"<h2>(.)、", html)
    assert heads == ["一", "二", "三", "四", "五"]
    assert 'class="ly-party' not in html


def test_every_format_renders_the_same_bytes_twice(report: Report) -> None:
    for fmt in FORMATS:
        assert render(report, fmt) == render(report, fmt), fmt


def _json(report: Report) -> dict[str, Any]:
    return dict(json.loads(render(report, "json")))


def test_statements_in_json_carry_their_line_numbers(report: Report) -> None:
    data = _json(report)
    window = next(f for f in data["firsts"] if f["category"] == "service_window")
    assert window["statements"][0]["lines"] == [117, 123]
    assert data["document"]["resolution"]["lines"] == [34, 36]
