"""`chuanyu.core` is the bottom layer: it imports nothing of the domains, the node or the web.

Every import counts, including those under `if TYPE_CHECKING:` and inside functions. When core
code needs something of a layer above, it declares a Protocol of what it uses, or the function
moves up (as `chuanyu.node` did).
"""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[3] / "chuanyu" / "core"


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved."""
    package = "chuanyu.core"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from chuanyu import divisions` imports the module chuanyu.divisions
            found += [(node.lineno, f"{module}.{alias.name}" if module == "chuanyu" else module)
                      for alias in node.names]
    return found


def _above_core(module: str) -> bool:
    return (module == "chuanyu" or module.startswith("chuanyu.")) and not (
        module == "chuanyu.core" or module.startswith("chuanyu.core."))


def test_core_imports_nothing_above_it() -> None:
    offending = [
        f"{path.relative_to(CORE.parent.parent)}:{line} imports {module}"
        for path in sorted(CORE.rglob("*.py"))
        for line, module in _imported_modules(path)
        if _above_core(module)
    ]
    assert not offending, (
        "chuanyu.core must not import the layers above it (declare a Protocol of what is "
        "used, or move the function up):\n  " + "\n  ".join(offending))


def test_the_layer_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from chuanyu.core import clock\n"
        "from . import errors\n"
        "if TYPE_CHECKING:\n"
        "    from chuanyu.node import Node\n"
        "def f():\n"
        "    import chuanyu.jobs.models\n"
        "    from chuanyu import divisions\n"
        "    from .. import domains\n")
    above = {m for _, m in _imported_modules(sample) if _above_core(m)}
    assert above == {"chuanyu.node", "chuanyu.jobs.models", "chuanyu.divisions",
                     "chuanyu.domains"}
