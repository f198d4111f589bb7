"""The matter catalogue (事项清单): what each region's authorities handle across regions.

Each node ships its own region's catalogue in `data/catalogue/<member>.yaml`; a node loads its
own and publishes it to the peer, which keeps a read-only copy to receive applications for it.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chuanyu import divisions
from chuanyu.core import clock
from chuanyu.core.errors import invalid_fields
from chuanyu.core.messages import zh_message
from chuanyu.window.enums import HandlingMode, PayloadKind

MEMBERS = ("CQ", "SC")
Code = Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z]{2,6}-\d{3}$")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
OFFICER_ROLES = ("registrar", "window_clerk")


class MaterialSpec(BaseModel):
    """One item of a matter's materials checklist."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    name: Text
    required: bool = True
    original_required: bool = False  # the window must sight the original (核验原件)
    note: str | None = None


class FeeSpec(BaseModel):
    """A fee charged for a matter, in yuan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: Text
    amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    basis: str | None = None


class AuthoritySpec(BaseModel):
    """The competent authority that decides a matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    division_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    division_note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _current_code(cls, data: Any) -> Any:
        """An old division code becomes the one standing for it today, noted for the record."""
        code = data.get("division_code") if isinstance(data, dict) else None
        if not isinstance(code, str) or divisions.get(code) is None:
            return data
        try:
            mapped = divisions.successor(code, clock.today())
        except (divisions.NoSuccessor, divisions.UnknownDivision):
            return data
        if mapped.note is None:
            return data
        return {**data, "division_code": mapped.code, "division_note": mapped.note}

    @field_validator("division_code")
    @classmethod
    def _known(cls, value: str) -> str:
        if not divisions.is_valid(value):
            raise ValueError(f"未知的行政区划代码 {value}")
        return value

    @property
    def member(self) -> str:
        """The region (member id) the authority belongs to."""
        return divisions.region_of(self.division_code)


class MatterSpec(BaseModel):
    """One matter of the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    name: Text
    authority: AuthoritySpec
    mode: HandlingMode
    time_limit_days: int = Field(ge=0, le=60)
    limit_basis: Text
    limit_verified: bool = False
    officer_role: str = "window_clerk"
    payload: PayloadKind = PayloadKind.NONE
    materials: list[MaterialSpec] = Field(min_length=1)
    fees: list[FeeSpec] = Field(default_factory=list)

    @field_validator("officer_role")
    @classmethod
    def _officer(cls, value: str) -> str:
        if value not in OFFICER_ROLES:
            raise ValueError(f"办理人员角色须为 {'/'.join(OFFICER_ROLES)} 之一")
        return value

    @model_validator(mode="after")
    def _check(self) -> MatterSpec:
        codes = [m.code for m in self.materials]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.code}: 材料代码重复")
        if self.code[:2] != self.authority.member:
            raise ValueError(
                f"{self.code}: 事项编码前缀与主管部门所在地区 {self.authority.member} 不符"
            )
        return self

    @property
    def member(self) -> str:
        """The region of the competent authority."""
        return self.authority.member

    @property
    def total_fee(self) -> Decimal:
        """All fees added up (0 when the matter is free of charge)."""
        return sum((f.amount for f in self.fees), Decimal("0.00"))


class CatalogueFile(BaseModel):
    """A region's catalogue as shipped or loaded by an administrator."""

    model_config = ConfigDict(extra="forbid")

    member: str
    note: str | None = None
    matters: list[MatterSpec] = Field(min_length=1)

    @field_validator("member")
    @classmethod
    def _member(cls, value: str) -> str:
        if value not in MEMBERS:
            raise ValueError(f"地区须为 {'/'.join(MEMBERS)} 之一")
        return value

    @model_validator(mode="after")
    def _check(self) -> CatalogueFile:
        codes = [m.code for m in self.matters]
        if len(set(codes)) != len(codes):
            raise ValueError("事项编码重复")
        foreign = [m.code for m in self.matters if m.member != self.member]
        if foreign:
            raise ValueError(f"以下事项的主管部门不在 {self.member}: {', '.join(foreign)}")
        return self


def parse_catalogue(data: object) -> CatalogueFile:
    """Validate a catalogue from parsed YAML; InvalidInput with one error per field."""
    try:
        return CatalogueFile.model_validate(data)
    except ValidationError as exc:
        pairs = [
            (
                ".".join(str(p) for p in err["loc"]) or "catalogue",
                zh_message(err),
            )
            for err in exc.errors()
        ]
        raise invalid_fields(pairs, detail="事项清单文件有误") from exc


def read_catalogue_file(path: Path) -> CatalogueFile:
    """Read and validate a catalogue file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise invalid_fields([("file", f"无法读取 {path}: {exc}")]) from exc
    return parse_catalogue(data)


def starter_catalogue(member: str) -> CatalogueFile:
    """The catalogue shipped for `member`."""
    text = (
        resources.files("chuanyu.window")
        .joinpath("data", "catalogue", f"{member.lower()}.yaml")
        .read_text("utf-8")
    )
    return parse_catalogue(yaml.safe_load(text))
