"""The report as of 2020-07-08 reproduces every figure of the seed and its fourteen firsts."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chuanyu.ledger.catalogue import default_catalog
from chuanyu.ledger.dataset import seed_dataset, to_facts, to_figure
from chuanyu.ledger.reports import render
from chuanyu.ledger.reports.build import build_report
from chuanyu.ledger.reports.model import Report

AS_OF = date(2020, 7, 8)


@pytest.fixture(scope="module")
def report() -> Report:
    ds = seed_dataset()
    facts = [to_facts(e.id or "", e, owner="CQ") for e in ds.entries]
    return build_report(default_catalog(), facts, [to_figure(f) for f in ds.figures], AS_OF)


@pytest.fixture(scope="module")
def data(report: Report) -> dict[str, Any]:
    return dict(json.loads(render(report, "json")))


@pytest.fixture(scope="module")
def text(report: Report) -> str:
    return render(report, "md").decode("utf-8")


def _first(data: dict[str, Any], category: str) -> dict[str, Any]:
    return next(f for f in data["firsts"] if f["category"] == category)


def _figures(data: dict[str, Any], category: str) -> dict[str, Any]:
    first = _first(data, category)
    merged = dict(first["entry"]["figures"])
    for related in first["related"]:
        for key, value in related["figures"].items():
            merged.setdefault(key, value)
    return merged


def _reported(data: dict[str, Any], metric: str) -> Any:
    return next(t for t in data["totals"] if t["metric"] == metric)["reported_value"]


def test_title_is_the_seed_title_and_the_body_counts_fourteen(
    data: dict[str, Any], text: str
) -> None:
    assert data["title"] == "推动成渝地区双城经济圈建设的N个第一次"
    assert data["first_count"] == 14
    assert "## 三、14个“第一次”" in text


FOURTEEN = {
    "provincial_joint_meeting": "seed-provincial-joint-meeting",
    "county_joint_meeting": "seed-mingyueshan-meeting",
    "dispatch_meeting": "seed-first-dispatch-meeting",
    "adjacent_consultation": "seed-adjacent-consultation",
    "department_agreement": "seed-ecology-agreements",
    "adjacent_city_agreement": "seed-tongnan-suining",
    "nonadjacent_city_agreement": "seed-beibei-mianyang",
    "housing_fund_one_place": "seed-housing-fund",
    "bus_line": "seed-bus-line",
    "job_information": "seed-job-information",
    "service_window": "seed-service-window",
    "cross_region_licence": "seed-cross-region-licence",
    "joint_security_office": "seed-security-office",
    "staff_exchange": "seed-staff-cq-to-sc",
}


@pytest.mark.parametrize(("category", "entry_id"), sorted(FOURTEEN.items()))
def test_each_first_is_the_seed_entry(data: dict[str, Any], category: str, entry_id: str) -> None:
    first = _first(data, category)
    assert first["status"] == "certain"
    assert first["entry_id"] == entry_id


def test_stages_are_the_seed_boundaries(data: dict[str, Any]) -> None:
    starts = [s["start"] for s in data["stages"]]
    assert starts == ["2020-01-06", "2020-03-23", "2020-04-15"]


def test_dates_are_only_those_the_seed_gives(data: dict[str, Any]) -> None:
    dated = {f["category"]: f["date"] for f in data["firsts"] if f["date"]}
    assert dated == {"staff_exchange": "2020-05-06"}


def test_first_stage_column_firsts_carry_stage_one(data: dict[str, Any]) -> None:
    stage_one = {f["category"] for f in data["firsts"] if f["stage"] == 1}
    assert stage_one == {
        "provincial_joint_meeting",
        "dispatch_meeting",
        "adjacent_consultation",
        "department_agreement",
        "adjacent_city_agreement",
        "nonadjacent_city_agreement",
    }


# Running totals as published: one assertion per figure.
def test_department_agreements_85(data: dict[str, Any]) -> None:
    assert _reported(data, "department_agreements") == 85


def test_adjacent_city_agreements_11(data: dict[str, Any]) -> None:
    assert _reported(data, "adjacent_city_agreements") == 11


def test_nonadjacent_city_agreements_7(data: dict[str, Any]) -> None:
    assert _reported(data, "nonadjacent_city_agreements") == 7


def test_dispatch_meetings_3(data: dict[str, Any]) -> None:
    assert _reported(data, "dispatch_meetings") == 3


def test_remote_loan_cases_11_as_of_8_july(data: dict[str, Any]) -> None:
    total = next(t for t in data["totals"] if t["metric"] == "remote_loan_cases")
    assert (total["reported_value"], total["reported_as_of"]) == (11, "2020-07-08")


def test_cross_region_window_cases_2(data: dict[str, Any]) -> None:
    assert _reported(data, "cross_region_cases") == 2


def test_cross_region_licences_4(data: dict[str, Any]) -> None:
    assert _reported(data, "cross_region_licences") == 4


def test_job_employers_13000_plus(data: dict[str, Any], text: str) -> None:
    assert _reported(data, "job_employers") == 13000
    assert "1.3万余家" in text


def test_job_postings_600000_plus(data: dict[str, Any], text: str) -> None:
    assert _reported(data, "job_postings") == 600000
    assert "60余万个" in text


def test_only_the_housing_fund_figure_is_dated(data: dict[str, Any]) -> None:
    dated = {t["metric"]: t["reported_when"] for t in data["totals"] if t["reported_as_of"]}
    assert dated == {"remote_loan_cases": "截至7月8日"}


# Figures of the firsts themselves.
def test_mingyueshan_60_projects(data: dict[str, Any]) -> None:
    assert _figures(data, "county_joint_meeting")["projects"] == 60


def test_mingyueshan_six_counties(data: dict[str, Any]) -> None:
    assert len(_first(data, "county_joint_meeting")["entry"]["parties"]) == 6


def test_tongnan_suining_seven_aspects(data: dict[str, Any]) -> None:
    assert _figures(data, "adjacent_city_agreement")["areas"] == 7


def test_tongnan_suining_38_items(data: dict[str, Any]) -> None:
    assert _figures(data, "adjacent_city_agreement")["items"] == 38


def test_beibei_mianyang_eight_areas(data: dict[str, Any]) -> None:
    assert _figures(data, "nonadjacent_city_agreement")["areas"] == 8


def test_ecology_three_agreements(data: dict[str, Any]) -> None:
    assert _figures(data, "department_agreement")["agreements"] == 3


def test_consultation_22_districts(data: dict[str, Any]) -> None:
    assert _figures(data, "adjacent_consultation")["participants"] == 22


def test_bus_line_29_km(data: dict[str, Any]) -> None:
    assert _figures(data, "bus_line")["length_km"] == 29


def test_bus_line_about_one_hour(data: dict[str, Any], text: str) -> None:
    assert _figures(data, "bus_line")["duration_hours"] == 1
    assert "运行时间约1小时" in text and "单程" not in text


def test_security_41_joint_operations(data: dict[str, Any]) -> None:
    assert _figures(data, "joint_security_office")["joint_operations"] == 41


def test_security_29_suspects(data: dict[str, Any]) -> None:
    assert _figures(data, "joint_security_office")["suspects_caught"] == 29


def test_security_23_cases_solved(data: dict[str, Any]) -> None:
    assert _figures(data, "joint_security_office")["cases_solved"] == 23


def test_staff_exchange_four_and_four(data: dict[str, Any]) -> None:
    first = _first(data, "staff_exchange")
    other = next(r for r in first["related"] if r["id"] == "seed-staff-sc-to-cq")
    assert first["entry"]["figures"]["headcount"] == 4
    assert (other["figures"]["headcount"], other["date"]) == (4, "2020-05-08")


def test_staff_exchange_100_young_officials_planned(data: dict[str, Any]) -> None:
    first = _first(data, "staff_exchange")
    plan = next(r for r in first["related"] if r["id"] == "seed-young-officials-plan")
    assert plan["figures"]["headcount"] == 100


def test_provincial_meeting_documents_are_not_counted(data: dict[str, Any], text: str) -> None:
    # The seed lists three and says 等文件: the list is not a count.
    assert "documents" not in _figures(data, "provincial_joint_meeting")
    assert "（渝委办发【2020】6号）等文件" in text


def test_reconciliation_shows_ledger_records_beside_the_published_total(report: Report) -> None:
    totals = {t.metric: t for t in report.totals}
    assert totals["department_agreements"].ledger == Decimal(3)
    assert totals["department_agreements"].reconciliation == "台账逐条记录 3 条（公布总数 85份）"
    assert all(
        "不一致" not in render(report, fmt).decode("utf-8") for fmt in ("html", "md", "json")
    )


def test_every_output_format_renders(report: Report) -> None:
    html = render(report, "html").decode("utf-8")
    assert "<svg" in html and "85份" in html and "29公里" in html
    assert render(report, "xlsx")[:2] == b"PK"


def test_xlsx_has_native_charts_and_the_figures(report: Report) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert wb.sheetnames == ["报告", "第一次", "累计数据", "阶段与类型", "时间线"]
    assert len(wb["累计数据"]._charts) == 1 and len(wb["阶段与类型"]._charts) == 1
    values = {row[0].value: row[2].value for row in wb["累计数据"].iter_rows(min_row=2)}
    assert values["两地省市部门签订合作协议"] == 85


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig is not installed")
def test_report_typography_uses_an_embedded_cjk_font() -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    if "CJK" not in fonts.stdout:
        pytest.skip("no CJK font installed (the Makefile installs fonts-noto-cjk)")
    from weasyprint import HTML

    from chuanyu.ledger.reports.html import report_css

    page = (
        f"<html><head><style>{report_css()}</style></head><body class='ly-report'>"
        "<h1>推动成渝地区双城经济圈建设的14个第一次</h1><p>两地省市部门共签订合作协议85份。</p>"
        "</body></html>"
    )
    document = HTML(string=page).render()
    pdf = document.write_pdf()
    assert pdf is not None and pdf.startswith(b"%PDF")
    families = {font.family for font in document.fonts.values()}
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= families
