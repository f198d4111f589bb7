"""Shared Pydantic types."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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
