"""A wheel built by `pip wheel . --no-deps`, installed into a fresh venv, runs a node.

The venv sees the project venv's packages through a `.pth` line (no download of dependencies),
but not the source tree, nor the optional `psycopg` and `weasyprint`: the core must run without
its extras and say which extra to install when one is needed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import httpx
import pytest

from tests.support.nodes import free_port, wait_until

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow

# Hides the extras from the installed package, as on a machine that installed plain `chuanyu`.
NO_EXTRAS = '''
import importlib.abc, sys

class _NoExtras(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "weasyprint"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoExtras())
'''

WHERE = """
import chuanyu
print(chuanyu.__file__)
try:
    import psycopg, weasyprint
    print("present")
except ModuleNotFoundError:
    print("absent")
"""


def _build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "chuanyu", src / "chuanyu",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q",
                    "-w", str(dist)], check=True, cwd=tmp, timeout=300)
    (wheel,) = dist.glob("chuanyu-*.whl")
    return wheel


def _venv_with(wheel: Path, tmp: Path) -> Path:
    """A fresh venv holding the wheel, borrowing the project venv's other packages."""
    target = tmp / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "project_packages.pth").write_text("\n".join(borrowed) + "\n")
    (site / "_chuanyu_no_extras.py").write_text(NO_EXTRAS)
    (site / "_chuanyu_no_extras.pth").write_text("import _chuanyu_no_extras\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    return target


def test_wheel_install_runs_a_node(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    target = _venv_with(wheel, tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CHUANYU_", "PYTHON", "VIRTUAL_ENV"))}
    env["CHUANYU_VAR_DIR"] = str(run / "var")
    chuanyu = str(target / "bin" / "chuanyu")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([chuanyu, *args], cwd=run, env=env, capture_output=True,
                              text=True, timeout=120)

    where = subprocess.run([str(target / "bin" / "python"), "-c", WHERE],
                           cwd=run, env=env, capture_output=True, text=True, check=True)
    package_file, extras = where.stdout.split()
    assert Path(package_file).is_relative_to(target), "the source tree was imported"
    assert extras == "absent"

    done = cli("federation", "init")
    assert done.returncode == 0, done.stderr
    assert (run / "var" / "federation").is_dir()
    done = cli("db", "upgrade", "--member", "CQ")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(run / "var" / "CQ.db") as db:
        heads = {row[0] for row in db.execute("SELECT version_num FROM alembic_version")}
    assert {"core", "ledger", "window"} <= {h.split("_0")[0] for h in heads}
    done = cli("ledger", "load-seed", "--member", "CQ")
    assert done.returncode == 0, done.stderr

    # Without the `pdf` extra, a PDF is refused with the extra to install, not a traceback.
    done = cli("ledger", "report", "--member", "CQ", "--format", "pdf", "-o", "r.pdf")
    assert done.returncode == 1
    assert "chuanyu[pdf]" in done.stderr and "Traceback" not in done.stderr

    # Without the `postgres` extra, a PostgreSQL URL is refused with the extra to install.
    postgres = subprocess.run([chuanyu, "db", "upgrade", "--member", "CQ"], cwd=run,
                              env={**env, "CHUANYU_DATABASE_URL": "postgresql://127.0.0.1/test"},
                              capture_output=True, text=True, timeout=120)
    assert postgres.returncode == 1
    assert "chuanyu[postgres]" in postgres.stderr and "Traceback" not in postgres.stderr

    port = free_port()
    server = subprocess.Popen([chuanyu, "node", "serve", "--member", "CQ", "--port", str(port)],
                              cwd=run, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def healthy() -> bool:
            assert server.poll() is None, server.communicate()[0]
            try:
                return httpx.get(f"{base}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=60, message="the node installed from the wheel")
        login = httpx.get(f"{base}/login", timeout=10)
        assert login.status_code == 200 and "<html" in login.text
        css = httpx.get(f"{base}/static/chuanyu.css", timeout=10)
        assert css.status_code == 200 and css.text.strip()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output
