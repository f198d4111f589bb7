"""FastAPI parameters shared by the notices API and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

NoticeId = Annotated[int, Path(ge=1, le=2**63 - 1, description="消息编号")]
