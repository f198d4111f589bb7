"""Each node's own session-signing secret: configured, or generated once into a 0600 file.

No two nodes share a secret and none runs on a value printed in code: `federation init`
writes one file per member beside the members' private keys; a node started without either
creates its own in its var dir on first start.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from chuanyu.core.config import MIN_SECRET_LENGTH, PLACEHOLDER_SECRETS, Settings

log = logging.getLogger(__name__)

SUFFIX = ".session-secret"


class SecretError(RuntimeError):
    """The node's secret file is unusable."""


def federation_secret_path(federation_dir: Path, member: str) -> Path:
    """Where `federation init` puts a member's secret (beside its private key)."""
    return federation_dir / "keys" / f"{member}{SUFFIX}"


def var_secret_path(settings: Settings) -> Path:
    """Where a node keeps the secret it generated for itself."""
    return settings.var_dir / f"{settings.member}{SUFFIX}"


def generate(path: Path, *, replace: bool = False) -> bool:
    """Write a new random secret to `path` (mode 0600); False when one is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if replace:
        path.unlink(missing_ok=True)
    try:
        # O_EXCL: two processes starting together never overwrite each other's secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return True


def _read(path: Path) -> str:
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s is readable by other users; restrict it with chmod 600", path)
    value = path.read_text().strip()
    if value in PLACEHOLDER_SECRETS or len(value) < MIN_SECRET_LENGTH:
        raise SecretError(f"{path} does not hold a usable secret (at least "
                          f"{MIN_SECRET_LENGTH} random characters)")
    return value


def session_secret(settings: Settings) -> str:
    """The secret that signs this node's session cookies."""
    if settings.secret_key:
        return settings.secret_key
    shared = federation_secret_path(settings.federation_path, settings.member)
    if shared.exists():
        return _read(shared)
    own = var_secret_path(settings)
    if generate(own):
        log.info("generated a session secret for %s in %s", settings.member, own)
    return _read(own)
