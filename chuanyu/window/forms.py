"""Reading the window's input at the edge: multipart forms, JSON parts, uploaded files."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from chuanyu.core.errors import FieldError, InvalidInput
from chuanyu.core.messages import invalid_input
from chuanyu.window.schemas import UploadIn
from chuanyu.window.uploads import MAX_UPLOAD_BYTES

M = TypeVar("M", bound=BaseModel)
FILE_PREFIX = "file."


def invalid_from(exc: ValidationError, prefix: str = "") -> InvalidInput:
    """A Pydantic error as field-level InvalidInput in Chinese (`prefix` goes before each field)."""
    return invalid_input(exc, prefix)


def parse(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate `data` as `model`, raising InvalidInput per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc, prefix) from None


def json_field(form: FormData, name: str) -> Any:
    """A form field holding JSON (empty → None)."""
    raw = form.get(name)
    if raw is None or isinstance(raw, UploadFile) or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{name} 不是有效的 JSON", errors=[FieldError(name, f"JSON 格式错误：{exc.msg}")]
        ) from None


def parse_json_body(raw: bytes) -> Any:
    """A JSON request body (empty → {})."""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        message = "请求体不是有效的 UTF-8 文本，请以 UTF-8 编码重新提交"
        raise InvalidInput(message, errors=[FieldError("body", message)]) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "请求体不是有效的 JSON", errors=[FieldError("body", f"JSON 格式错误：{exc.msg}")]
        ) from None


async def uploads_of(form: FormData) -> list[UploadIn]:
    """Files sent as `file.<material code>` parts (empty file inputs are skipped).

    One byte more than the limit is read so that an oversize file is refused, not truncated.
    """
    found: list[UploadIn] = []
    for key, value in form.multi_items():
        if not key.startswith(FILE_PREFIX) or not isinstance(value, UploadFile):
            continue
        if not value.filename:
            continue
        content = await value.read(MAX_UPLOAD_BYTES + 1)
        found.append(
            UploadIn(
                material_code=key[len(FILE_PREFIX) :],
                filename=value.filename,
                content_type=value.content_type,
                content=content,
            )
        )
    return found
