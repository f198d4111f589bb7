"""Optional dependencies (pip extras): imported when first needed, with a clear message if absent.

The core runs a node on SQLite without them; `chuanyu[postgres]` adds the PostgreSQL driver and
`chuanyu[pdf]` the PDF typesetter.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from chuanyu.core.errors import ChuanyuError

# module → (extra, what it is for in Chinese, in English)
EXTRAS: dict[str, tuple[str, str, str]] = {
    "psycopg": ("postgres", "连接 PostgreSQL 数据库", "A PostgreSQL database"),
    "weasyprint": ("pdf", "生成 PDF 文件", "PDF output"),
}


@dataclass
class MissingExtra(ChuanyuError):
    """A feature needs an optional dependency that is not installed."""

    code: str = "missing_extra"
    status = 503
    title = "缺少可选组件"


def missing_message(module: str) -> str:
    """The bilingual message naming the extra that provides `module`."""
    extra, purpose_zh, purpose_en = EXTRAS[module]
    return (f"{purpose_zh}需要可选组件 {module}，请安装：pip install 'chuanyu[{extra}]'"
            f" / {purpose_en} needs the optional dependency {module}: "
            f"pip install 'chuanyu[{extra}]'")


def require(module: str) -> ModuleType:
    """Import the optional dependency `module`; MissingExtra naming its extra when absent."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and exc.name != module and not exc.name.startswith(module + "."):
            raise  # the extra is there but one of its own imports is broken
        raise MissingExtra(missing_message(module)) from None


def require_database_driver(url: str) -> None:
    """Fail early, with the extra to install, when `url` needs a driver that is absent."""
    if url.startswith("postgresql"):
        require("psycopg")
