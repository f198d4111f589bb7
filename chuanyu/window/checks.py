"""Pure checks of what a window receives: files per checklist item, and the checklist itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chuanyu.window.schemas import MaterialIn, UploadIn
from chuanyu.window.uploads import MAX_FILES_PER_CASE, CheckedFile, check_file

FieldProblem = tuple[str, str]


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks, for one checklist item."""

    material_code: str
    file: CheckedFile


def check_uploads(
    uploads: Iterable[UploadIn], allowed_codes: Iterable[str]
) -> tuple[list[CheckedUpload], list[FieldProblem]]:
    """Files that pass, and one problem per file that does not (field `files.<code>`)."""
    allowed = set(allowed_codes)
    passed: list[CheckedUpload] = []
    problems: list[FieldProblem] = []
    items = list(uploads)
    if len(items) > MAX_FILES_PER_CASE:
        problems.append(("files", f"一次最多上传 {MAX_FILES_PER_CASE} 个文件"))
        return passed, problems
    for item in items:
        field = f"files.{item.material_code}"
        if item.material_code not in allowed:
            problems.append((field, f"材料 {item.material_code} 不在本事项的材料清单中"))
            continue
        result = check_file(item.filename, item.content_type, item.content)
        if isinstance(result, str):
            problems.append((field, f"{item.filename}: {result}"))
        else:
            passed.append(CheckedUpload(item.material_code, result))
    return passed, problems


def check_checklist(
    specs: Sequence[Mapping[str, Any]], ticks: list[MaterialIn], files: list[CheckedUpload]
) -> list[FieldProblem]:
    """Every required item has a file, every original that must be sighted was sighted."""
    problems: list[FieldProblem] = []
    known = {spec["code"] for spec in specs}
    sighted = {t.code for t in ticks if t.original_sighted}
    for tick in ticks:
        if tick.code not in known:
            problems.append((f"materials.{tick.code}", "不在本事项的材料清单中"))
    with_files = {f.material_code for f in files}
    for spec in specs:
        code = spec["code"]
        given = code in with_files
        if spec["required"] and not given:
            problems.append((f"materials.{code}", f"缺少必要材料：{spec['name']}"))
        if spec["original_required"] and given and code not in sighted:
            problems.append((f"materials.{code}", f"{spec['name']} 须当场核验原件"))
    return problems


def checklist_rows(
    specs: Sequence[Mapping[str, Any]], ticks: list[MaterialIn]
) -> list[dict[str, Any]]:
    """The case's copy of the checklist, with the sighted flags."""
    sighted = {t.code for t in ticks if t.original_sighted}
    return [
        {
            "code": s["code"],
            "name": s["name"],
            "required": s["required"],
            "original_required": s["original_required"],
            "original_sighted": s["code"] in sighted and s["original_required"],
        }
        for s in specs
    ]
