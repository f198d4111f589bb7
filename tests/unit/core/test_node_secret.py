"""Session secrets: never a placeholder, one generated secret per node, kept private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from chuanyu.core import node_secret
from chuanyu.core.config import DEV_SECRET, Settings


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_placeholder_secret_is_refused_in_every_environment(environment: str) -> None:
    with pytest.raises(ValidationError, match="CHUANYU_SECRET_KEY"):
        Settings(environment=environment, secret_key=DEV_SECRET)


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(secret_key="x" * 31)


def test_node_without_a_secret_generates_its_own_private_file(tmp_path: Path) -> None:
    cq = Settings(member="CQ", var_dir=tmp_path, federation_dir=tmp_path / "fed")
    sc = cq.for_member("SC")
    first = node_secret.session_secret(cq)
    assert node_secret.session_secret(cq) == first
    assert node_secret.session_secret(sc) != first
    mode = stat.S_IMODE(node_secret.var_secret_path(cq).stat().st_mode)
    assert mode == 0o600
    assert len(first) >= 32 and first != DEV_SECRET


def test_federation_secret_is_preferred_and_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(member="CQ", var_dir=tmp_path, federation_dir=tmp_path / "fed")
    shared = node_secret.federation_secret_path(tmp_path / "fed", "CQ")
    assert node_secret.generate(shared)
    assert not node_secret.generate(shared)
    assert node_secret.session_secret(settings) == shared.read_text().strip()
    configured = settings.model_copy(update={"secret_key": "k" * 40})
    assert node_secret.session_secret(configured) == "k" * 40


def test_placeholder_written_into_the_secret_file_is_refused(tmp_path: Path) -> None:
    settings = Settings(member="CQ", var_dir=tmp_path, federation_dir=tmp_path / "fed")
    node_secret.var_secret_path(settings).write_text(DEV_SECRET)
    with pytest.raises(node_secret.SecretError):
        node_secret.session_secret(settings)


def test_federation_init_writes_one_secret_per_member(tmp_path: Path) -> None:
    from chuanyu.cli import federation_init

    federation_init(dir=tmp_path, cq_url="http://127.0.0.1:1", sc_url="http://127.0.0.1:2",
                    new_keys=False)
    secrets = {m: node_secret.federation_secret_path(tmp_path, m) for m in ("CQ", "SC")}
    for path in secrets.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secrets["CQ"].read_text() != secrets["SC"].read_text()
