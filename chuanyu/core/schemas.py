"""Shared Pydantic types."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

M = TypeVar("M", bound=BaseModel)


class _RowWith:
    """A row whose attributes are read first from `extra` (values the row does not carry)."""

    def __init__(self, row: object, extra: dict[str, Any]) -> None:
        self._row, self._extra = row, extra

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__["_extra"]
        return extra[name] if name in extra else getattr(self.__dict__["_row"], name)


def from_row(schema: type[M], row: object, **extra: Any) -> M:
    """`schema` validated from `row`'s attributes (Pydantic's from_attributes), with the fields
    the row does not carry (derived values, labels) given as keyword arguments."""
    return schema.model_validate(_RowWith(row, extra) if extra else row, from_attributes=True)


class UserRead(BaseModel):
    """A signed-in account as routes see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    roles: list[str]
    member: str
    subject_id: str | None = None

    def has(self, *roles: str) -> bool:
        """True when the account holds any of `roles` (admins hold all)."""
        return "admin" in self.roles or any(r in self.roles for r in roles)


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response carries them."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, str]] = []
