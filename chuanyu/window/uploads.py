"""Checks on uploaded material files: size, real type (by content, not by name) and digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_FILES_PER_CASE = 20

# Content signatures of the accepted types; the declared type must agree with the content.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks."""

    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def sniff(content: bytes) -> str | None:
    """The accepted type the content really is, or None."""
    for content_type, prefixes in SIGNATURES.items():
        if any(content.startswith(p) for p in prefixes):
            return content_type
    return None


def check_file(
    filename: str, declared_type: str | None, content: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> CheckedFile | str:
    """The checked file, or a message saying why it is refused."""
    name = filename.strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not name:
        return "文件名为空"
    if not content:
        return "文件为空"
    if len(content) > max_bytes:
        return f"文件过大：{len(content)} 字节，上限 {max_bytes // (1024 * 1024)} MB"
    real = sniff(content)
    if real is None:
        return "文件类型不允许：仅接受 PDF、JPEG、PNG"
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared and declared not in ("application/octet-stream", real):
        return f"声明的类型 {declared} 与文件内容（{real}）不符"
    if not name.lower().endswith(EXTENSIONS[real]):
        return f"文件扩展名与内容（{real}）不符"
    return CheckedFile(name, real, len(content), hashlib.sha256(content).hexdigest(), content)
