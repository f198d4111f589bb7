"""Storage faults: a database that cannot write told apart from other errors, and the health
checks that find one (a write that is rolled back, the free space on the node's disk)."""

from __future__ import annotations

import errno
import logging
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from chuanyu.core.config import Settings

log = logging.getLogger(__name__)

MIB = 1024 * 1024
# SQLSTATE classes and codes of PostgreSQL meaning "the server cannot store this now".
_SQLSTATE_PREFIXES = ("08", "53", "57P", "58")
_SQLSTATES = {"25006": "数据库只读", "53100": "磁盘已满"}
_OS_ERRORS = {errno.ENOSPC: "磁盘已满", errno.EROFS: "文件系统只读", errno.EIO: "磁盘读写错误"}
_MESSAGES = (("readonly", "数据库只读"), ("read-only", "数据库只读"), ("read only", "数据库只读"),
             ("disk is full", "磁盘已满"), ("no space", "磁盘已满"), ("disk i/o", "磁盘读写错误"),
             ("locked", "数据库繁忙"), ("unable to open", "数据库文件无法打开"))
PROBE_WAIT_S = 2.0  # a health check waits this long for the write connection


class Node(Protocol):
    """What the checks need of a node (`chuanyu.node.Node` has it)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def extras(self) -> dict[str, Any]: ...


def failure_reason(exc: BaseException) -> str | None:
    """A short reason (Chinese) when `exc` says the node's storage cannot take a write now —
    read-only, disk full, I/O error, busy, unreachable — else None (a bug or a constraint)."""
    if isinstance(exc, PoolTimeout):
        return "数据库繁忙"
    if isinstance(exc, OSError):
        return _OS_ERRORS.get(exc.errno or 0)
    if not isinstance(exc, DBAPIError):
        return None
    sqlstate = str(getattr(exc.orig, "sqlstate", "") or "")
    if sqlstate in _SQLSTATES:
        return _SQLSTATES[sqlstate]
    if not (isinstance(exc, OperationalError) or sqlstate.startswith(_SQLSTATE_PREFIXES)):
        return None
    text = str(exc.orig).lower()
    return next((reason for needle, reason in _MESSAGES if needle in text), "数据库不可用")


def check_write(node: Node) -> str | None:
    """Why the database refuses a write (a one-row-free update, rolled back), or None.

    The probe runs beside the request and is waited for `PROBE_WAIT_S`: a writer holding
    the connection longer proves writes work, so a slow probe is not a failure.
    """
    probe = node.extras.get("core.write_probe")
    if not isinstance(probe, _Probe) or probe.done.is_set():
        probe = _Probe()
        node.extras["core.write_probe"] = probe
        threading.Thread(target=probe.run, args=(node,), name="write-probe", daemon=True).start()
    if not probe.done.wait(PROBE_WAIT_S):
        return None
    return probe.reason


@dataclass
class _Probe:
    done: threading.Event = field(default_factory=threading.Event)
    reason: str | None = None

    def run(self, node: Node) -> None:
        from chuanyu.core.models import User

        try:
            with node.sessions() as session:
                session.execute(update(User).where(User.id < 0).values(username=User.username))
                session.rollback()
        except Exception as exc:  # any failure of the probe is the answer, reported below
            self.reason = failure_reason(exc) or f"数据库写入失败：{type(exc).__name__}"
            log.warning("health: the database refuses a write: %s", exc)
        finally:
            self.done.set()


def check_disk(node: Node) -> str | None:
    """Why the node's data folder is short of space (below CHUANYU_MIN_FREE_DISK_MB), or None."""
    path = Path(node.settings.var_dir).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    free = shutil.disk_usage(path).free
    least = node.settings.min_free_disk_mb * MIB
    if free >= least:
        return None
    return (f"磁盘剩余空间不足：{path} 仅剩 {free / MIB:.0f} MB，"
            f"低于下限 {node.settings.min_free_disk_mb} MB")
