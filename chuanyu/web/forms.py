"""Reading page forms: the text fields a page posted, without the CSRF token every form carries."""

from __future__ import annotations

from fastapi import Request

from chuanyu.core.csrf import FIELD as CSRF_FIELD


async def form_fields(request: Request) -> dict[str, str]:
    """The posted text fields by name (files and the CSRF token left out)."""
    return {k: v for k, v in (await request.form()).items()
            if isinstance(v, str) and k != CSRF_FIELD}
