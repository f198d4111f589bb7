"""One error hierarchy; the web layer maps it to RFC 9457 problem responses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """A problem with one input field."""

    field: str
    message: str


@dataclass
class ChuanyuError(Exception):
    """Base of every domain error: a status, a stable code and a readable detail."""

    detail: str
    code: str = "error"
    errors: list[FieldError] = field(default_factory=list)

    status = 400
    title = "请求无法处理"

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def problem(self) -> dict[str, object]:
        """The RFC 9457 body for this error."""
        return {
            "type": f"https://chuanyu.example/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
        }


@dataclass
class NotFound(ChuanyuError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code: str = "not_found"
    status = 404
    title = "未找到"


@dataclass
class Conflict(ChuanyuError):
    """The request clashes with the current state (duplicate, already done…)."""

    code: str = "conflict"
    status = 409
    title = "与现有数据冲突"


@dataclass
class RuleViolation(ChuanyuError):
    """A business rule refuses the request."""

    code: str = "rule_violation"
    status = 422
    title = "不符合业务规则"


@dataclass
class InvalidInput(ChuanyuError):
    """Input that fails validation, with one message per field."""

    code: str = "invalid_input"
    status = 422
    title = "输入有误"


@dataclass
class PermissionDenied(ChuanyuError):
    """The caller is known but may not do this."""

    code: str = "forbidden"
    status = 403
    title = "无权操作"


@dataclass
class Unauthenticated(ChuanyuError):
    """The caller must sign in first."""

    code: str = "unauthenticated"
    status = 401
    title = "请先登录"


def invalid(field_name: str, message: str) -> InvalidInput:
    """Shorthand for a one-field validation error."""
    return InvalidInput(detail=message, errors=[FieldError(field_name, message)])


def invalid_fields(pairs: list[tuple[str, str]], detail: str = "输入有误") -> InvalidInput:
    """A validation error carrying one FieldError per (field, message) pair."""
    return InvalidInput(detail=detail, errors=[FieldError(f, m) for f, m in pairs])
